"""My account: change the password, list and end signed-in browsers."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuthSession, User
from tests.factories import PASSWORD, create_user

NEW = "Pferd Batterie Heftklammer"


def _sessions() -> int:
    return db.session.scalar(select(func.count(AuthSession.id)))


def test_change_password_needs_the_current_one_and_logs_out_other_browsers(app, client, auth, reference, outbox):
    create_user()
    other = app.test_client()
    other.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD})
    auth.login()
    assert _sessions() == 2
    page = client.get("/konto")
    assert page.status_code == 200 and "(dieser Browser)" in page.text
    assert "Wiederherstellungscode" not in page.text, "no second factor, no recovery codes"
    wrong = client.post("/konto/passwort", data={"current_password": "falsch", "password": NEW, "password_confirm": NEW})
    assert wrong.status_code == 422 and "Das aktuelle Passwort stimmt nicht." in wrong.text
    weak = client.post("/konto/passwort", data={"current_password": PASSWORD, "password": "passwortpasswort", "password_confirm": "passwortpasswort"})
    assert weak.status_code == 422 and "zu leicht zu erraten" in weak.text
    done = client.post("/konto/passwort", data={"current_password": PASSWORD, "password": NEW, "password_confirm": NEW})
    assert done.status_code == 303
    assert _sessions() == 1 and client.get("/ideen/meine").status_code == 200, "this browser stays signed in"
    assert other.get("/ideen/meine").status_code == 302, "the other one is logged out"
    assert "Ihr Passwort wurde geändert" in [m["Subject"] for m in outbox.messages()]
    client.post("/abmelden")
    assert client.post("/anmelden", data={"email": "erika@example.com", "password": NEW}).status_code == 302


def test_end_one_other_browser_or_all_others(app, client, auth, reference):
    erika = create_user()
    create_user("fremd@example.com")
    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        browser.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD})
    stranger = app.test_client()
    stranger.post("/anmelden", data={"email": "fremd@example.com", "password": PASSWORD})
    auth.login()
    theirs = db.session.scalar(select(AuthSession.id).where(AuthSession.user_id != erika.id))
    assert client.post(f"/konto/sitzungen/{theirs}/beenden").status_code == 404, "not someone else's"
    first = db.session.scalars(select(AuthSession.id).where(AuthSession.user_id == erika.id).order_by(AuthSession.id)).first()
    assert client.post(f"/konto/sitzungen/{first}/beenden").status_code == 303
    assert browsers[0].get("/ideen/meine").status_code == 302 and browsers[1].get("/ideen/meine").status_code == 200
    assert client.post("/konto/sitzungen/andere-beenden").status_code == 303
    assert browsers[1].get("/ideen/meine").status_code == 302
    assert client.get("/ideen/meine").status_code == 200
    assert stranger.get("/ideen/meine").status_code == 200


def test_change_email_confirms_the_new_address_and_tells_the_old_one(app, client, auth, reference, outbox):
    erika_id = create_user().id
    create_user("vergeben@example.com", display_name="Jemand")
    auth.login()
    wrong = client.post("/konto/email", data={"neu-email": "neu@example.com", "neu-password": "falsch"})
    assert wrong.status_code == 422 and "Das aktuelle Passwort stimmt nicht." in wrong.text and 'value="neu@example.com"' in wrong.text
    taken = client.post("/konto/email", data={"neu-email": "vergeben@example.com", "neu-password": PASSWORD})
    assert taken.status_code == 303, "the same answer for a registered address"
    assert client.post("/konto/email", data={"neu-email": "neu@example.com", "neu-password": PASSWORD}).status_code == 303
    mails = {m["To"]: m for m in outbox.messages()}
    assert set(mails) == {"vergeben@example.com", "neu@example.com"}, "the owner of the taken address is told, nothing else"
    assert db.session.scalar(select(User.email).where(User.id == erika_id)) == "erika@example.com", "nothing changes yet"
    link = outbox.last_link("/konto/email-bestaetigen/")
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 303
    assert db.session.scalar(select(User.email).where(User.id == erika_id)) == "neu@example.com"
    notice = [m for m in outbox.messages() if m["To"] == "erika@example.com"]
    assert notice and "ne…@example.com" in notice[0].get_body(("plain",)).get_content()
    assert client.post(link).status_code == 400, "the link works once"
