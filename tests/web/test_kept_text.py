"""Text is not lost to an expired form, a rate limit or an ended session (probe finding 8)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import AuthSession, Comment, Idea, OfficialAnswer, utcnow
from app.moderation import services as moderation
from tests.factories import create_user, make_idea
from tests.helpers import idea_form

SAME_SITE = {"Origin": "http://localhost"}
LONG_TEXT = "Wir brauchen digitale Sprechstunden im Rathaus. " * 100  # ~4,900 characters, near the limit of 5,000


@pytest.fixture
def app_config_overrides():
    return {"WTF_CSRF_ENABLED": True}


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


@pytest.fixture
def citizen(client, reference):
    create_user()
    token = _token(client.get("/anmelden").text)
    client.post("/anmelden", data={"email": "erika@example.com", "password": "ein-sicheres-passwort", "csrf_token": token})


def test_an_expired_idea_form_comes_back_with_the_whole_card_and_sends_again(client, citizen):
    card = idea_form(benefit=LONG_TEXT, similar_checked="1", csrf_token="abgelaufen")
    response = client.post("/ideen/neu", data=card, headers=SAME_SITE)
    assert response.status_code == 400
    assert "Das Formular war abgelaufen" in response.text and "nicht gesendet" in response.text
    assert LONG_TEXT.strip() in response.text.replace("&#39;", "'")
    assert "Bürgerbus in Echtzeit" in response.text and "Bürgerbusverein" in response.text
    assert db.session.scalar(select(func.count(Idea.id))) == 0, "nothing saved"
    # Sending the page's form again publishes the card as typed.
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', response.text))
    texts = {name: value for name, value in re.findall(r'<textarea id="resubmit-\d+" name="([^"]+)" rows="\d+">([^<]*)</textarea>', response.text)}
    import html

    again = {**{k: html.unescape(v) for k, v in fields.items()}, **{k: html.unescape(v) for k, v in texts.items()}}
    resent = client.post("/ideen/neu", data=again)
    assert resent.status_code == 302, re.findall(r"field-error[^>]*>(.*?)</p>", resent.text, re.S)
    idea = db.session.scalar(select(Idea))
    assert idea.title == "Bürgerbus in Echtzeit" and idea.benefit == LONG_TEXT.strip() and idea.status == "published"


def test_a_forged_cross_site_post_gets_no_prefilled_form(client, citizen):
    response = client.post("/ideen/neu", data=idea_form(title="Untergeschoben"), headers={"Origin": "https://boese.example"})
    assert response.status_code == 400
    assert "Untergeschoben" not in response.text and "Erneut senden" not in response.text


@pytest.mark.parametrize("kind", ["comment", "report", "answer"])
def test_comments_reports_and_answers_keep_their_text_when_the_form_expired(client, auth, reference, kind):
    author = create_user("autorin@example.com")
    idea = make_idea(author, "Eine Idee")
    if kind == "answer":
        create_user("mod@example.com", roles=("moderator",))
        token = _token(client.get("/anmelden").text)
        client.post("/anmelden", data={"email": "mod@example.com", "password": "ein-sicheres-passwort", "csrf_token": token})
        from tests.factories import totp_now

        client.post("/anmelden/code", data={"code": totp_now(), "csrf_token": _token(client.get("/anmelden/code").text)})
        url, data = f"/moderation/ideen/{idea.id}/antwort", {"body": "Eine lange amtliche Antwort.", "signature": "Moderation, Dülmen"}
    else:
        create_user()
        token = _token(client.get("/anmelden").text)
        client.post("/anmelden", data={"email": "erika@example.com", "password": "ein-sicheres-passwort", "csrf_token": token})
        url, data = {
            "comment": (f"/ideen/{idea.id}/kommentare", {"body": "Mein langer Kommentar."}),
            "report": (f"/ideen/{idea.id}/melden", {"reason": "other", "note": "Meine Anmerkung zur Meldung."}),
        }[kind]
    response = client.post(url, data={**data, "csrf_token": "alt"}, headers=SAME_SITE)
    assert response.status_code == 400
    for value in data.values():
        if len(value) > 10:
            assert value in response.text, value


def test_a_staff_session_that_idled_out_shows_the_text_on_the_login_page(client, reference):
    from tests.factories import totp_now

    idea = make_idea(create_user("autorin@example.com"), "Eine Idee")
    moderator = create_user("mod@example.com", roles=("moderator",))
    moderation.change_status(idea, "in_review", moderator)
    db.session.commit()
    client.post("/anmelden", data={"email": "mod@example.com", "password": "ein-sicheres-passwort", "csrf_token": _token(client.get("/anmelden").text)})
    client.post("/anmelden/code", data={"code": totp_now(), "csrf_token": _token(client.get("/anmelden/code").text)})
    form_page = client.get(f"/moderation/ideen/{idea.id}")
    assert form_page.status_code == 200
    token = _token(form_page.text)
    db.session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=45)))
    db.session.commit()
    answer = "Nach langer Prüfung: Die Idee passt zu P7 und wird weiterverfolgt."
    response = client.post(f"/moderation/ideen/{idea.id}/antwort", data={"body": answer, "signature": "Moderation", "csrf_token": token},
                           headers={**SAME_SITE, "Referer": f"http://localhost/moderation/ideen/{idea.id}"})
    assert response.status_code == 401
    assert answer in response.text and "Kopieren Sie ihn" in response.text
    assert f'action="/anmelden?next=/moderation/ideen/{idea.id}"' in response.text
    assert db.session.scalar(select(func.count(OfficialAnswer.id))) == 0


def test_passwords_are_never_echoed(client, reference):
    response = client.post("/registrieren", data={"email": "a@example.com", "password": "geheim-geheim-123", "display_name": "Lang genug",
                                                  "csrf_token": "alt"}, headers=SAME_SITE)
    assert response.status_code == 400 and "geheim-geheim-123" not in response.text
    assert db.session.scalar(select(func.count(Comment.id))) == 0


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/portfolio/P1/budget/neu", {"label": "Lizenzen für die Schulen im Kreis", "year": "2027", "kind": "konsumtiv", "amount": "100"}),
        ("/portfolio/P1/bearbeiten", {"title": "Ein neuer Projekttitel", "description": "Eine lange Beschreibung des Projekts."}),
    ],
    ids=["budget line", "project"],
)
def test_budget_and_project_forms_keep_their_text_when_the_form_expired(client, reference, url, data):
    from tests.factories import totp_now

    create_user("sg@example.com", roles=("steering",))
    client.post("/anmelden", data={"email": "sg@example.com", "password": "ein-sicheres-passwort", "csrf_token": _token(client.get("/anmelden").text)})
    client.post("/anmelden/code", data={"code": totp_now(), "csrf_token": _token(client.get("/anmelden/code").text)})
    assert client.get(url).status_code == 200
    response = client.post(url, data={**data, "csrf_token": "alt"}, headers=SAME_SITE)
    assert response.status_code == 400 and "Erneut senden" in response.text
    for value in data.values():
        if len(value) > 10:
            assert value in response.text, value
