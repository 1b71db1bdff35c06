"""German by default, English selectable, and the German catalog is complete."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo

ROOT = Path(__file__).resolve().parents[2]
# What `make translations-extract` extracts, read from babel.cfg itself: a kind of template it
# leaves out (the mails' .txt parts were) would otherwise go untranslated without a failing test.
with open(ROOT / "babel.cfg", encoding="utf-8") as _cfg:
    METHOD_MAP = parse_mapping_cfg(_cfg)[0]
SAME_ORIGIN = {"Origin": "http://localhost"}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _source_msgids() -> set:
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(str(ROOT), METHOD_MAP, keywords=KEYWORDS):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_german_catalog_translates_every_message_in_the_source():
    with open(ROOT / "app/translations/de/LC_MESSAGES/messages.mo", "rb") as handle:
        catalog = read_mo(handle)
    translated = {}
    for message in catalog:
        key = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if key and all(strings):
            translated[key] = strings
    missing = sorted(_source_msgids() - set(translated))
    assert missing == [], f"untranslated (run `make translations-extract` and translate): {missing}"


def test_every_kind_of_template_is_extracted():
    """Every template the app renders (HTML pages, the mails' plain-text parts) is in babel.cfg."""
    patterns = [pattern for pattern, _method in METHOD_MAP]
    for suffix in {path.suffix for path in (ROOT / "app/templates").rglob("*") if path.is_file()}:
        assert f"app/templates/**{suffix}" in patterns, f"babel.cfg extracts no {suffix} templates"


def test_german_is_the_default(client, reference):
    page = client.get("/").text
    assert 'lang="de"' in page and "Idee einreichen" in page


def test_english_is_selectable(client, reference):
    client.post("/sprache", data={"lang": "en", "next": "/ideen"}, headers=SAME_ORIGIN)
    page = client.get("/ideen").text
    assert 'lang="en"' in page and "Submit an idea" in page
    client.post("/sprache", data={"lang": "klingonisch"}, headers=SAME_ORIGIN)
    assert 'lang="en"' in client.get("/").text


def test_language_switch_refuses_foreign_redirects(client, reference):
    response = client.post("/sprache", data={"lang": "de", "next": "https://evil.example"}, headers=SAME_ORIGIN)
    assert response.location == "/"


def test_dates_in_german_format(client, reference):
    import re

    from tests.factories import create_user, make_idea

    idea = make_idea(create_user())
    page = client.get(f"/ideen/{idea.id}").text
    assert re.search(r"\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}", page)


def test_the_committee_has_one_name_the_strategys():
    """The seed calls it "Steuerungsgremium"; citizens read "Lenkungskreis" in two texts before."""
    with open(ROOT / "app/translations/de/LC_MESSAGES/messages.mo", "rb") as handle:
        catalog = read_mo(handle)
    for message in catalog:
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        text = " ".join(strings)
        assert "Lenkungskreis" not in text, text
        if any("steering committee" in i.lower() for i in ids):
            assert "Steuerungsgremium" in text, (ids, text)
