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
        body, status, _headers = render_error(code)
    assert status == code
    assert text in body
    assert 'lang="de"' in body


def test_unexpected_exception_gives_the_german_500_page(make_app, reference):
    def broken():
        raise RuntimeError("boom")

    app = make_app()  # its own app: the shared one takes no new routes after its first request
    app.add_url_rule("/kaputt", "broken", broken)
    response = app.test_client().get("/kaputt")
    assert response.status_code == 500
    assert "Etwas ist schiefgelaufen" in response.text
    assert "boom" not in response.text


def test_wrong_method_is_405(client, reference):
    assert client.post("/ideen").status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/ideen?q=%00Radweg",
        "/ideen?municipality=%00&field=%00",
        "/portfolio?field=%00&municipality=%00",
        "/ideen/aehnliche?titel=%00Rad",
        "/api/v1/ideas?q=%00",
    ],
)
def test_nul_characters_in_filters_are_dropped_not_a_server_error(client, reference, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/ideen/2147483648", "/ideen/99999999999999999999", "/portfolio/P2147483648", "/api/v1/ideas/2147483648", "/api/v1/projects/P2147483648"])
def test_ids_beyond_the_database_integer_range_are_not_found(client, reference, url):
    assert client.get(url).status_code == 404


def test_nul_characters_in_a_form_are_dropped_before_saving(client, reference, auth):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import ActionField, Idea, Municipality
    from tests.factories import create_user

    create_user()
    auth.login()
    response = client.post(
        "/ideen/neu",
        data={
            "title": "Rad\x00wege zur Schule",
            "summary": "Kurz\x00 gesagt",
            "benefit": "Nutzen",
            "challenges": "Hürden",
            "municipality_id": str(db.session.scalar(select(Municipality.id).where(Municipality.slug == "coesfeld"))),
            "action_field_ids": str(db.session.scalar(select(ActionField.id).where(ActionField.slug == "mobilitaet"))),
            "publish": "1",
            "similar_checked": "1",
        },
    )
    assert response.status_code == 302
    assert db.session.execute(select(Idea.title, Idea.summary)).one() == ("Radwege zur Schule", "Kurz gesagt")
