"""What comes in is cleaned in one place: control characters, whole numbers, amounts, names, CSV cells."""

from decimal import Decimal

import pytest

from app.auth.services import check_public_name
from app.errors import InvalidInput
from app.exports import Table, from_csv_text, read_csv, to_csv
from app.portfolio import budgets
from app.security import DATABASE_INT_MAX, parse_int, strip_control_characters


def test_control_characters_go_but_tab_and_line_breaks_stay():
    assert strip_control_characters("Steuerzeichen\x01Idee\x00\x1b[31m") == "SteuerzeichenIdee[31m"
    assert strip_control_characters("Zeile 1\r\nZeile 2\tTab") == "Zeile 1\r\nZeile 2\tTab"
    assert strip_control_characters(None) is None


@pytest.mark.parametrize("text", ["²", "٣", "１", "-1", "1e5", "0x10", "", " ", "1 2", "9" * 30, str(DATABASE_INT_MAX + 1), None, "12.0"])
def test_parse_int_refuses_what_is_not_an_ascii_number_in_range(text):
    assert parse_int(text) is None


def test_parse_int_reads_ascii_digits_in_range():
    assert parse_int("42") == 42
    assert parse_int(" 7 ") == 7
    assert parse_int(str(DATABASE_INT_MAX)) == DATABASE_INT_MAX
    assert parse_int("0") == 0 and parse_int("0", minimum=1) is None


@pytest.mark.parametrize("text", ["1.0000", "1,000", "٣٠٠", "1٫5", "12,3456", "۱۲۳"])
def test_amounts_refuse_more_than_two_places_and_other_digits(text):
    with pytest.raises(InvalidInput) as error:
        budgets.parse_euros(text)
    assert "12.500,00" in str(error.value.message)  # says how to write it


def test_amounts_still_read_as_people_type_them():
    assert budgets.parse_euros("1.000") == Decimal("1000.00")
    assert budgets.parse_euros("1.000,5") == Decimal("1000.50")
    assert budgets.parse_euros("2500.7") == Decimal("2500.70")


@pytest.mark.parametrize(
    "name",
    ["Erika\nBitte Passwort an www.example.com", "Erika\rM.", "Anna\u2028B.", "Besuche https://phish.example", "www.gewinn.de", "kreis-coesfeld.de/login", "Tab\tName"],
)
def test_public_names_are_one_line_without_web_addresses(name):
    with pytest.raises(InvalidInput):
        check_public_name(name)


@pytest.mark.parametrize("name", ["Erika M.", "Verein e.V.", "Müller & Söhne GmbH", "Coesfeld 12.0 Fan", "  Jan  "])
def test_ordinary_names_pass(name):
    assert check_public_name(name) == name.strip()


@pytest.mark.parametrize("text", ["=SUMME(A1)", "+49 2541", "-5 Grad", "@Kreis", "'schon ein Apostroph", "'=A1", "''+1", "'", "normal"])
def test_csv_export_then_import_gives_the_same_text(text):
    header, rows = read_csv(to_csv(Table("T", ["Titel"], [[text]])).decode("utf-8-sig"))
    assert from_csv_text(rows[0][1][0]) == text
