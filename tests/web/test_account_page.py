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


FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/18.1 Mobile/15E148 Safari/604.1")


def test_the_list_of_signed_in_browsers_names_browser_and_device(app, client, reference):
    create_user()
    phone = app.test_client()
    phone.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD}, headers={"User-Agent": SAFARI_IPHONE})
    client.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD}, headers={"User-Agent": FIREFOX_WINDOWS})
    page = client.get("/konto").text
    assert "Firefox · Windows <strong>(dieser Browser)</strong>" in page
    assert "Safari · iPhone" in page and "(Safari · iPhone, angemeldet" in page
    assert FIREFOX_WINDOWS not in str(db.session.scalars(select(AuthSession.browser)).all()), "only the label is kept"


def test_browser_labels():
    from app.auth.browsers import describe

    chrome_android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
    edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
    mac_safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"
    assert [describe(ua) for ua in (chrome_android, edge, mac_safari, FIREFOX_WINDOWS, SAFARI_IPHONE, "curl/8.5", "")] == [
        "Chrome · Android", "Edge · Windows", "Safari · macOS", "Firefox · Windows", "Safari · iPhone", "", ""]


def test_a_person_changes_their_public_name_and_town_and_the_pages_follow(app, client, auth, reference):
    from app.models import Municipality
    from tests.factories import make_idea

    erika = create_user()
    idea = make_idea(erika, "Mitfahrbank")
    reader = app.test_client()
    assert "Erika M." in reader.get(f"/ideen/{idea.id}").text  # now in the page cache
    auth.login()
    duelmen = db.session.scalar(select(Municipality.id).where(Municipality.slug == "duelmen"))
    bad = client.post("/konto/profil", data={"display_name": "www.werbung.example", "municipality_id": str(duelmen)})
    assert bad.status_code == 422 and "Bitte keine Internetadresse in den Namen schreiben." in bad.text
    assert 'value="www.werbung.example"' in bad.text, "what was typed comes back"
    done = client.post("/konto/profil", data={"display_name": "Erika aus Dülmen", "municipality_id": str(duelmen)})
    assert done.status_code == 303
    db.session.expire_all()
    person = db.session.get(User, erika.id)
    assert (person.display_name, person.municipality_id) == ("Erika aus Dülmen", duelmen)
    assert "Erika aus Dülmen" in client.get(f"/ideen/{idea.id}").text
    assert "Erika aus Dülmen" in reader.get(f"/ideen/{idea.id}").text, "the cached page for everyone, too"


def test_an_organisation_keeps_its_name(app, client, auth, reference):
    create_user("verein@example.com", organisation="Heimatverein Billerbeck")
    auth.login("verein@example.com")
    assert 'id="organisation_name"' in client.get("/konto").text
    empty = client.post("/konto/profil", data={"display_name": "Kontakt", "organisation_name": "", "municipality_id": "0"})
    assert empty.status_code == 422 and "Bitte geben Sie den Namen Ihrer Organisation ein." in empty.text
    assert client.post("/konto/profil", data={"display_name": "Kontakt", "organisation_name": "Heimatverein Nottuln",
                                              "municipality_id": "0"}).status_code == 303
    assert db.session.scalar(select(User.organisation_name).where(User.email == "verein@example.com")) == "Heimatverein Nottuln"
