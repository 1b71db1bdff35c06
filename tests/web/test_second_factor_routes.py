"""Staff log in with a second factor: enrolment on first login, codes, replay, idle timeout."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select, update

from app.auth import services as auth_services
from app.extensions import db
from app.models import AuthSession, User, utcnow
from tests.factories import PASSWORD, create_user, totp_now


def _password(client, email):
    return client.post("/anmelden", data={"email": email, "password": PASSWORD})


def test_the_enrolment_page_keeps_its_secret_when_another_process_committed_meanwhile(client, reference, another_process_commits):
    """SQLite refuses the secret's write at once (the page's read is stale): it is written again in a
    transaction of its own, which waits its turn."""
    user = create_user("neu@example.com")
    auth_services.grant_role(user, "moderator")
    db.session.commit()
    _password(client, "neu@example.com")
    with another_process_commits("UPDATE users") as done:
        page = client.get("/anmelden/app-einrichten")
    assert done and page.status_code == 200 and "<svg" in page.text
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page.text).group(1).replace(" ", "")
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret


def test_first_staff_login_enrols_the_app_and_shows_recovery_codes(client, reference):
    user = create_user("neu@example.com")
    auth_services.grant_role(user, "moderator")
    db.session.commit()
    response = _password(client, "neu@example.com")
    assert response.headers["Location"].endswith("/anmelden/app-einrichten")
    assert client.get("/moderation").status_code == 302, "no session before the second factor"
    page = client.get("/anmelden/app-einrichten")
    assert page.status_code == 200 and "<svg" in page.text
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page.text).group(1).replace(" ", "")
    wrong = client.post("/anmelden/app-einrichten", data={"code": "12345"})
    assert wrong.status_code == 422 and "ungültig" in wrong.text
    done = client.post("/anmelden/app-einrichten", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and "Wiederherstellungscodes" in done.text
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.text)
    assert len(codes) == 10
    assert client.get("/moderation").status_code == 200
    assert "Sie haben noch 10 ungenutzte Wiederherstellungscodes." in client.get("/konto").text
    client.post("/abmelden")
    _password(client, "neu@example.com")
    assert client.post("/anmelden/code", data={"code": codes[0]}).status_code == 302, "a recovery code instead of the app"
    assert "Sie haben noch 9 ungenutzte Wiederherstellungscodes." in client.get("/konto").text


def test_staff_login_needs_the_code_and_a_code_works_once(client, reference):
    create_user("mod@example.com", roles=("moderator",))
    assert _password(client, "mod@example.com").headers["Location"].endswith("/anmelden/code")
    assert client.get("/moderation").status_code == 302
    code = totp_now()
    landed = client.post("/anmelden/code", data={"code": code})
    assert landed.status_code == 302 and landed.headers["Location"] == "/moderation", "staff land on their dashboard"
    assert client.get("/moderation").status_code == 200
    client.post("/abmelden")
    _password(client, "mod@example.com")
    replay = client.post("/anmelden/code", data={"code": code})
    assert replay.status_code == 422 and "schon verwendet" in replay.text


@pytest.mark.parametrize("role, home", [("steering", "/moderation/kandidaten"), ("admin", "/verwaltung/konten")])
def test_each_staff_role_lands_on_its_work_and_a_next_address_wins(client, reference, role, home):
    create_user("staff@example.com", roles=(role,))
    _password(client, "staff@example.com")
    assert client.post("/anmelden/code", data={"code": totp_now()}).headers["Location"] == home
    client.post("/abmelden")
    db.session.execute(update(User).values(totp_last_step=None))
    db.session.commit()
    client.post("/anmelden?next=/portfolio", data={"email": "staff@example.com", "password": PASSWORD})
    assert client.post("/anmelden/code", data={"code": totp_now()}).headers["Location"] == "/portfolio"


def test_too_many_wrong_codes_need_the_password_again(client, reference):
    create_user("mod@example.com", roles=("moderator",))
    _password(client, "mod@example.com")
    for _ in range(4):
        assert client.post("/anmelden/code", data={"code": "000000"}).status_code in (422,)
    last = client.post("/anmelden/code", data={"code": "000000"})
    assert last.status_code == 302 and last.headers["Location"].endswith("/anmelden")
    assert client.get("/anmelden/code").headers["Location"].endswith("/anmelden")


def test_the_code_page_without_a_pending_login_sends_to_login(client, reference):
    assert client.get("/anmelden/code").status_code == 302
    assert client.post("/anmelden/code", data={"code": "123456"}).status_code == 302


def _idle(minutes: int) -> None:
    db.session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=minutes)))
    db.session.commit()


def test_an_idle_staff_session_ends_even_when_the_database_is_too_busy_to_delete_it(app, client, auth, reference,
                                                                                   another_process_commits):
    create_user("mod@example.com", roles=("moderator",))
    auth.login("mod@example.com")
    cookie = client.get_cookie("ideen_session").value
    _idle(minutes=31)
    with another_process_commits("DELETE FROM auth_sessions") as done:
        ended = client.get("/moderation")
    assert done and ended.status_code == 302 and "/anmelden" in ended.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 1, "the row stayed"
    replay = app.test_client()
    replay.set_cookie("ideen_session", cookie)
    assert replay.get("/moderation").status_code == 302, "but it lets nobody in"


def test_staff_sessions_end_after_30_idle_minutes(client, auth, reference):
    create_user("mod@example.com", roles=("moderator",))
    auth.login("mod@example.com")
    assert client.get("/moderation").status_code == 200
    _idle(minutes=29)
    assert client.get("/moderation").status_code == 200, "29 minutes idle is fine (and touches the session)"
    _idle(minutes=31)
    assert client.get("/moderation").status_code == 302
    assert db.session.scalar(select(AuthSession)) is None


def test_citizen_sessions_do_not_idle_out_like_staff(client, auth, reference):
    create_user()
    auth.login()
    _idle(minutes=180)
    assert client.get("/ideen/meine").status_code == 200


def test_a_role_granted_during_a_session_requires_a_new_login(client, auth, reference):
    user = create_user()
    auth.login()
    auth_services.grant_role(user, "moderator")
    db.session.commit()
    assert client.get("/ideen/meine").status_code == 302, "the session without second factor has ended"


def _cookie(client) -> str:
    return client.get_cookie("ideen_session").value


def test_replaying_the_password_steps_cookie_buys_no_more_guesses(app, client, reference):
    """Probe finding 7: the attempt counter lived in the cookie, so replaying it allowed unlimited guesses."""
    create_user("mod@example.com", roles=("moderator",))
    _password(client, "mod@example.com")
    pending_cookie = _cookie(client)
    statuses = []
    for _ in range(12):
        client.set_cookie("ideen_session", pending_cookie)  # back to the cookie right after the password
        statuses.append(client.post("/anmelden/code", data={"code": "000000"}).status_code)
    assert statuses[:4] == [422] * 4
    assert statuses[4] == 302 and set(statuses[5:]) == {302}, "after 5 wrong codes the pending login is gone"
    client.set_cookie("ideen_session", pending_cookie)
    db.session.execute(update(User).values(totp_last_step=None))
    db.session.commit()
    assert client.post("/anmelden/code", data={"code": totp_now()}).headers["Location"].endswith("/anmelden")


def test_the_pending_cookie_is_single_use_after_success(client, reference):
    create_user("mod@example.com", roles=("moderator",))
    _password(client, "mod@example.com")
    pending_cookie = _cookie(client)
    assert client.post("/anmelden/code", data={"code": totp_now()}).status_code == 302
    other = client.application.test_client()
    other.set_cookie("ideen_session", pending_cookie)
    db.session.execute(update(User).values(totp_last_step=None))
    db.session.commit()
    replay = other.post("/anmelden/code", data={"code": totp_now()})
    assert replay.headers["Location"].endswith("/anmelden")
    assert db.session.scalar(select(func.count(AuthSession.id))) == 1


def test_wrong_codes_count_towards_the_account_lockout(client, reference):
    create_user("mod@example.com", roles=("moderator",))
    for _ in range(4):  # four log-ins, five wrong codes each
        _password(client, "mod@example.com")
        for _ in range(5):
            client.post("/anmelden/code", data={"code": "000000"})
    user = db.session.scalar(select(User))
    assert user.failed_logins == 20 and user.locked_at is not None
    locked = _password(client, "mod@example.com")
    assert locked.status_code == 422 and "gesperrt" in locked.text
