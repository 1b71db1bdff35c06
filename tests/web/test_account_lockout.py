"""Per-account lockout after 20 failed log-ins, unlocked by a mailed link (probe finding 12)."""

from sqlalchemy import select

from app.auth.lockout import LOCKOUT_AFTER
from app.extensions import db
from app.models import User
from tests.factories import PASSWORD, create_user
from tests.helpers import SIGNUP


def _login(client, password):
    return client.post("/anmelden", data={"email": "erika@example.com", "password": password})


def test_twenty_wrong_passwords_lock_the_account_until_the_mailed_link(client, reference, outbox):
    create_user()
    for _ in range(LOCKOUT_AFTER - 1):
        assert _login(client, "falsches-passwort").status_code == 422
    assert _login(client, PASSWORD).status_code == 302, "19 failures: still open; success resets the count"
    client.post("/abmelden")
    assert db.session.scalar(select(User.failed_logins)) == 0
    for _ in range(LOCKOUT_AFTER):
        wrong = _login(client, "falsches-passwort")
    assert "gesperrt" not in wrong.text, "a wrong password does not reveal the lock"
    locked = _login(client, PASSWORD)
    assert locked.status_code == 422 and "gesperrt" in locked.text
    [mail] = outbox.messages()
    assert mail["Subject"] == "Ihr Konto wurde gesperrt"
    link = outbox.last_link("/konto-entsperren/")
    assert client.get(link).status_code == 200 and db.session.scalar(select(User.locked_at)) is not None, "GET changes nothing"
    assert client.post(link).status_code == 302
    assert db.session.scalar(select(User.locked_at)) is None
    assert _login(client, PASSWORD).status_code == 302
    client.post("/abmelden")
    assert client.post(link).status_code == 400, "the link works once"


def test_only_one_unlock_mail_per_lock(client, reference, outbox):
    create_user()
    for _ in range(LOCKOUT_AFTER + 5):
        _login(client, "falsches-passwort")
    assert len(outbox.messages()) == 1


def test_a_password_reset_also_unlocks(client, reference, outbox):
    create_user()
    for _ in range(LOCKOUT_AFTER):
        _login(client, "falsches-passwort")
    client.post("/passwort-vergessen", data={"email": "erika@example.com"})
    link = outbox.last_link("/passwort-neu/")
    new = "Pferd Batterie Heftklammer"
    assert client.post(link, data={"password": new, "password_confirm": new}).status_code == 302
    assert _login(client, new).status_code == 302


def test_weak_passwords_are_refused_at_sign_up_and_reset_with_the_input_kept(client, reference, outbox):

    for weak in ("123456789012", "passwortpasswort", "demo-passwort-coesfeld", "Neue Bürgerin 2026"):
        response = client.post("/registrieren", data={**SIGNUP, "password": weak, "password_confirm": weak, "display_name": "Neue Bürgerin"})
        assert response.status_code == 422 and "zu leicht zu erraten" in response.text, weak
        assert 'value="neu@example.com"' in response.text
    create_user()
    client.post("/passwort-vergessen", data={"email": "erika@example.com"})
    link = outbox.last_link("/passwort-neu/")
    response = client.post(link, data={"password": "erika@example.com", "password_confirm": "erika@example.com"})
    assert response.status_code == 422 and "zu leicht zu erraten" in response.text
