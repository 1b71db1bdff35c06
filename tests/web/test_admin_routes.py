"""The administration's account page: roles, block with a reason, filters of the lists (admin forms and queries)."""

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, User
from tests.factories import create_user


def _admin(auth):
    create_user("admin@example.com", roles=("admin",))
    auth.login("admin@example.com")


def test_a_role_is_granted_and_revoked_and_odd_values_are_refused(client, auth, reference):
    _admin(auth)
    erika = create_user()
    url = f"/verwaltung/konten/{erika.id}/rolle"
    assert client.post(url, data={"role": "moderator", "change": "grant"}).status_code == 302
    db.session.refresh(erika)
    assert erika.has_role("moderator")
    assert client.post(url, data={"role": "kaiser", "change": "grant"}).status_code == 400
    assert client.post(url, data={"role": "moderator", "change": "verdoppeln"}).status_code == 400
    assert client.post(url, data={"role": "moderator", "change": "revoke"}).status_code == 302
    db.session.refresh(erika)
    assert not erika.has_role("moderator")


def test_a_too_long_reason_comes_back_beside_the_field_and_nothing_is_blocked(client, auth, reference):
    _admin(auth)
    erika = create_user()
    reason = "Mehrfachkonten " + "x" * 1000
    refused = client.post(f"/verwaltung/konten/{erika.id}/sperren", data={"reason": reason})
    assert refused.status_code == 422
    assert "Bitte höchstens 1000 Zeichen." in refused.text
    assert 'aria-invalid="true"' in refused.text and reason[:40] in refused.text, "the text is kept"
    assert not db.session.get(User, erika.id).is_blocked
    done = client.post(f"/verwaltung/konten/{erika.id}/sperren", data={"reason": "  Mehrfachkonten  "}, follow_redirects=True)
    assert "Das Konto ist gesperrt" in done.text
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.block"))
    assert entry.reason == "Mehrfachkonten", "the reason is stripped"


def test_the_lists_filter_by_their_query_arguments_and_ignore_junk(client, auth, reference):
    _admin(auth)
    create_user("mod@example.com", display_name="Moritz M.", roles=("moderator",))
    create_user("bernd@example.com", display_name="Bernd B.")
    moderators = client.get("/verwaltung/konten?role=moderator")
    assert "mod@example.com" in moderators.text and "bernd@example.com" not in moderators.text
    searched = client.get("/verwaltung/konten?q=BERND")
    assert "bernd@example.com" in searched.text and "mod@example.com" not in searched.text
    junk = client.get("/verwaltung/konten?role=kaiser&blocked=ja")
    assert junk.status_code == 200 and "bernd@example.com" in junk.text and "mod@example.com" in junk.text
    client.post(f"/verwaltung/konten/{db.session.scalar(select(User.id).where(User.email == 'bernd@example.com'))}/sperren", data={"reason": ""})
    blocked = client.get("/verwaltung/konten?blocked=1")
    assert "bernd@example.com" in blocked.text and "mod@example.com" not in blocked.text
    log = client.get("/verwaltung/protokoll?action=user.block&target_id=abc")
    assert log.status_code == 200 and "Konto gesperrt" in log.text and 'value="abc"' not in log.text
