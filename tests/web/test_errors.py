import pytest

from app.errors import render_error


@pytest.mark.parametrize(
    "code, text",
    [
        (400, "Ungültige Anfrage"),
        (403, "Zugriff verweigert"),
        (404, "Seite nicht gefunden"),
        (413, "Zu viele Daten"),
        (429, "Zu viele Anfragen"),
        (500, "Etwas ist schiefgelaufen"),
    ],
)
def test_german_error_pages(app, reference, code, text):
    with app.test_request_context("/"):
        body, status = render_error(code)
    assert status == code
    assert text in body
    assert 'lang="de"' in body


def test_unexpected_exception_gives_the_german_500_page(app, reference):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/kaputt", "broken", broken)
    response = app.test_client().get("/kaputt")
    assert response.status_code == 500
    assert "Etwas ist schiefgelaufen" in response.text
    assert "boom" not in response.text


def test_wrong_method_is_405(client, reference):
    assert client.post("/ideen").status_code == 405
