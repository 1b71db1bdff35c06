"""Account administration: roles, blocking (content hidden, no login) and unblocking; each audited."""

import pytest
from sqlalchemy import select

from app.admin import services
from app.auth import services as auth_services
from app.errors import NotAllowed
from app.extensions import db
from app.models import AuditEntry, AuthSession
from app.moderation import services as moderation
from app.participation import services as participation
from tests.factories import PASSWORD, create_user, make_idea


@pytest.fixture
def admin(app, reference):
    return create_user("admin@example.com", roles=("admin",))


def test_grant_and_revoke_roles(admin):
    user = create_user("u@example.com")
    assert services.grant_role(user, "moderator", admin)
    assert not services.grant_role(user, "moderator", admin)
    assert services.revoke_role(user, "moderator", admin)
    db.session.commit()
    assert not user.has_role("moderator")
    grant, revoke = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert (grant.action, grant.before, grant.after) == ("user.grant", {"roles": []}, {"roles": ["moderator"]})
    assert (revoke.action, revoke.after) == ("user.revoke", {"roles": []})
    with pytest.raises(NotAllowed):
        services.revoke_role(admin, "admin", admin)
    with pytest.raises(NotAllowed):
        services.grant_role(user, "admin", user)


def test_blocking_hides_content_ends_sessions_and_refuses_login(app, admin, client, auth):
    spammer = create_user("spam@example.com")
    idea = make_idea(spammer, "Werbung")
    other_idea = make_idea(create_user("ok@example.com"), "Gute Idee")
    comment = participation.add_comment(spammer, other_idea, "Kauft bei uns!")
    already_hidden = make_idea(spammer, "Schon verborgen")
    db.session.commit()
    moderation.hide_item(already_hidden, create_user("m@example.com", roles=("moderator",)), "Persönliche Daten")
    db.session.commit()
    auth.login("spam@example.com")
    assert db.session.scalar(select(AuthSession).where(AuthSession.user_id == spammer.id)) is not None

    assert services.block_user(spammer, admin, "Spam") == 2
    db.session.commit()
    assert idea.is_hidden and comment.is_hidden and idea.hidden_cause == "block"
    assert other_idea.comment_count == 0
    assert db.session.scalar(select(AuthSession).where(AuthSession.user_id == spammer.id)) is None
    assert auth_services.authenticate("spam@example.com", PASSWORD) is None
    assert client.get("/ideen/meine").status_code == 302, "the old session is gone"
    assert "Werbung" not in client.get(f"/ideen/{idea.id}").text

    assert services.unblock_user(spammer, admin, "Geklärt") == 2
    db.session.commit()
    assert not idea.is_hidden and not comment.is_hidden and other_idea.comment_count == 1
    assert already_hidden.is_hidden, "what the moderation hid stays hidden"
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == ["user.block", "user.unblock"]


def test_admins_cannot_block_themselves_and_others_cannot_block(admin):
    with pytest.raises(NotAllowed):
        services.block_user(admin, admin)
    moderator = create_user("m@example.com", roles=("moderator",))
    with pytest.raises(NotAllowed):
        services.block_user(create_user("x@example.com"), moderator)
