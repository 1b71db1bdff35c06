from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.ideas.services import change_state
from app.models import Comment, Follow, Idea, Report, Support, utcnow
from app.participation import services
from tests.factories import create_user, make_idea


def _supports(idea) -> int:
    return db.session.scalar(select(func.count()).select_from(Support).where(Support.idea_id == idea.id))


def _visible_comments(idea) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Comment).where(Comment.idea_id == idea.id, Comment.deleted_at.is_(None), Comment.is_hidden.is_(False))
    )


@pytest.fixture
def idea(app, reference):
    return make_idea(create_user("autorin@example.com", display_name="Autorin"))


@pytest.fixture
def citizen(app, reference):
    return create_user()


# Supports ---------------------------------------------------------------

def test_support_once_and_withdraw(idea, citizen):
    assert services.support_idea(citizen, idea) is True
    assert services.support_idea(citizen, idea) is False
    db.session.commit()
    assert idea.support_count == 1 == _supports(idea)
    assert services.withdraw_support(citizen, idea) is True
    assert services.withdraw_support(citizen, idea) is False
    db.session.commit()
    assert idea.support_count == 0 == _supports(idea)


def test_the_database_refuses_a_second_support(idea, citizen):
    from sqlalchemy.exc import IntegrityError

    db.session.add(Support(idea_id=idea.id, user_id=citizen.id))
    db.session.commit()
    db.session.add(Support(idea_id=idea.id, user_id=citizen.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_support_s_statements_are_compiled_once_and_then_taken_from_the_cache(idea, citizen):
    """The support, its count and the follow are in SQLAlchemy's statement cache (the dialects' own
    on_conflict_do_nothing() never is: app/database.insert_unless_exists): on PostgreSQL one
    statement, on SQLite three."""
    from sqlalchemy import event
    from sqlalchemy.engine.interfaces import CacheStats

    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith(("INSERT", "UPDATE", "WITH")):  # the writes (not the reloads of expired rows)
            statements.append((statement.split(" (")[0].split(" AS")[0].split("=")[0], context.cache_hit))

    second = make_idea(idea.author, title="Zweite Idee zum Unterstützen")
    event.listen(db.engine, "after_cursor_execute", seen)
    try:
        assert services.support_idea(citizen, idea) is True
        assert services.support_idea(citizen, second) is True
    finally:
        event.remove(db.engine, "after_cursor_execute", seen)
    one_support = ["WITH new_support"] if db.engine.dialect.name == "postgresql" else [
        "INSERT INTO supports", "UPDATE ideas SET support_count", "INSERT INTO follows"]
    assert [statement for statement, _ in statements] == one_support * 2
    assert all(hit != CacheStats.NO_CACHE_KEY for _, hit in statements)
    assert [hit for _, hit in statements[len(one_support):]] == [CacheStats.CACHE_HIT] * len(one_support)
    db.session.commit()
    assert _supports(idea) == 1 == _supports(second)
    assert idea.support_count == 1 == second.support_count
    assert db.session.get(Follow, (citizen.id, second.id)) is not None


def test_a_support_of_an_idea_already_followed_keeps_the_follow_and_counts_once(idea, citizen):
    assert services.follow_idea(citizen, idea) is True
    db.session.commit()
    followed_since = db.session.get(Follow, (citizen.id, idea.id)).created_at
    assert services.support_idea(citizen, idea) is True
    db.session.commit()
    db.session.expire_all()
    support = db.session.scalars(select(Support).where(Support.idea_id == idea.id)).one()
    assert support.user_id == citizen.id and support.suspended_at is None
    assert abs(support.created_at - utcnow()) < timedelta(minutes=1)
    assert db.session.get(Follow, (citizen.id, idea.id)).created_at == followed_since
    assert db.session.get(Idea, idea.id).support_count == 1
    assert services.support_idea(citizen, idea) is False  # and a second time nothing changes
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).support_count == 1 == _supports(idea)


def test_no_support_for_own_idea_unconfirmed_accounts_or_closed_ideas(idea, citizen):
    with pytest.raises(NotAllowed):
        services.support_idea(idea.author, idea)
    with pytest.raises(NotAllowed):
        services.support_idea(create_user("neu@example.com", confirmed=False), idea)
    services.support_idea(citizen, idea)
    db.session.commit()
    moderator = create_user("mod@example.com", roles=("moderator",))
    change_state(idea, "in_review", moderator, "moderation")
    assert services.can_support(create_user("dritte@example.com"), idea), "In Prüfung is still open"
    change_state(idea, "candidate", moderator, "moderation")
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.support_idea(create_user("vierte@example.com"), idea)
    with pytest.raises(NotAllowed):
        services.withdraw_support(citizen, idea)
    assert idea.support_count == 1, "frozen"


def test_supporting_follows_the_idea(idea, citizen):
    services.support_idea(citizen, idea)
    db.session.commit()
    assert db.session.get(Follow, (citizen.id, idea.id)) is not None


def test_authors_follow_their_own_ideas(idea):
    assert db.session.get(Follow, (idea.author_id, idea.id)) is not None


def test_follow_and_unfollow(idea, citizen):
    assert services.follow_idea(citizen, idea) is True
    assert services.follow_idea(citizen, idea) is False
    assert services.unfollow_idea(citizen, idea) is True
    assert services.unfollow_idea(citizen, idea) is False


# Comments ---------------------------------------------------------------

def test_comments_and_one_level_of_replies(idea, citizen):
    first = services.add_comment(citizen, idea, "Gute Idee")
    reply = services.add_comment(idea.author, idea, "Danke!", parent=first)
    reply_to_reply = services.add_comment(citizen, idea, "Gern", parent=reply)
    db.session.commit()
    assert reply.parent_id == first.id
    assert reply_to_reply.parent_id == first.id, "a reply to a reply joins the thread"
    assert idea.comment_count == 3 == _visible_comments(idea)
    assert db.session.get(Follow, (citizen.id, idea.id)) is not None


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001])
def test_comment_length(idea, citizen, body):
    with pytest.raises(InvalidInput):
        services.add_comment(citizen, idea, body)


def test_reply_must_belong_to_the_same_idea(idea, citizen):
    other = make_idea(citizen, "Andere Idee")
    foreign = services.add_comment(citizen, other, "Hallo")
    with pytest.raises(InvalidInput):
        services.add_comment(citizen, idea, "Antwort", parent=foreign)


def test_edit_within_15_minutes_only(idea, citizen):
    comment = services.add_comment(citizen, idea, "Erst")
    services.edit_comment(citizen, comment, "Korrigiert")
    assert comment.body == "Korrigiert" and comment.edited_at is not None
    with pytest.raises(NotAllowed):
        services.edit_comment(idea.author, comment, "Fremd")
    comment.created_at = comment.created_at - timedelta(minutes=15, seconds=1)
    with pytest.raises(NotAllowed):
        services.edit_comment(citizen, comment, "Zu spät")


def test_delete_keeps_replies_and_the_count_exact(idea, citizen):
    first = services.add_comment(citizen, idea, "Erst")
    services.add_comment(idea.author, idea, "Antwort", parent=first)
    with pytest.raises(NotAllowed):
        services.delete_comment(idea.author, first)
    services.delete_comment(citizen, first)
    services.delete_comment(citizen, first)  # twice changes nothing
    db.session.commit()
    assert first.body == "" and first.deleted_at is not None
    assert db.session.scalar(select(func.count()).select_from(Comment).where(Comment.idea_id == idea.id)) == 2
    assert idea.comment_count == 1 == _visible_comments(idea)


def test_comments_close_when_the_idea_leaves_the_open_states(idea, citizen):
    from app.ideas.services import withdraw_idea

    withdraw_idea(idea, idea.author, "Erledigt")
    with pytest.raises(NotAllowed):
        services.add_comment(citizen, idea, "Noch was")
    assert not services.can_comment(citizen, idea)


# Reports ----------------------------------------------------------------

def test_report_once_per_account(idea, citizen):
    assert services.report(citizen, idea, reason="spam") is True
    assert services.report(citizen, idea, reason="insult") is False
    db.session.commit()
    assert db.session.scalar(select(func.count(Report.id))) == 1


def test_report_validation(idea, citizen):
    with pytest.raises(InvalidInput):
        services.report(citizen, idea, reason="boring")
    with pytest.raises(InvalidInput):
        services.report(citizen, idea, reason="spam", note="x" * 1001)
    with pytest.raises(NotAllowed):
        services.report(idea.author, idea, reason="spam")


def test_third_distinct_reporter_hides_an_idea(idea):
    reporters = [create_user(f"r{n}@example.com") for n in range(3)]
    services.report(reporters[0], idea, reason="spam")
    services.report(reporters[0], idea, reason="spam")
    services.report(reporters[1], idea, reason="insult")
    db.session.commit()
    assert not idea.is_hidden, "two distinct accounts are not enough"
    services.report(reporters[2], idea, reason="other", note="Werbung")
    db.session.commit()
    assert idea.is_hidden and idea.hidden_at is not None


def test_only_accounts_confirmed_for_two_days_and_never_dismissed_count_towards_hiding(app, idea):
    from datetime import timedelta

    from sqlalchemy import update

    from app.models import User, utcnow

    app.config["REPORT_TRUST_HOURS"] = 48  # the production default
    fresh = [create_user(f"neu{n}@example.com") for n in range(3)]
    for account in fresh:
        services.report(account, idea, reason="spam")
    db.session.commit()
    assert not idea.is_hidden, "three fresh accounts cannot hide an idea"
    assert len(fresh) == db.session.scalar(select(func.count(Report.id)).where(Report.idea_id == idea.id)), "the reports reach the moderation"
    db.session.execute(update(User).where(User.email.like("neu%")).values(confirmed_at=utcnow() - timedelta(hours=49)))
    db.session.commit()
    other = make_idea(idea.author, "Eine andere Idee")
    services.report(fresh[0], other, reason="spam")
    db.session.execute(update(Report).where(Report.user_id == fresh[0].id, Report.idea_id == idea.id).values(status="dismissed"))
    services.report(fresh[1], other, reason="spam")
    db.session.commit()
    assert not other.is_hidden, "one of the two had a report dismissed as unfounded"
    services.report(create_user("alt@example.com"), other, reason="spam")
    db.session.execute(update(User).where(User.email == "alt@example.com").values(confirmed_at=utcnow() - timedelta(days=3)))
    services.report(fresh[2], other, reason="spam")
    db.session.commit()
    assert other.is_hidden, "three trusted accounts: fresh[1], fresh[2] and alt"


def test_threshold_is_a_setting(app, idea):
    app.config["REPORT_HIDE_THRESHOLD"] = 1
    services.report(create_user("r@example.com"), idea, reason="spam")
    assert idea.is_hidden


def test_hidden_comment_leaves_the_count_and_comes_back_on_restore(idea, citizen):
    comment = services.add_comment(citizen, idea, "Böse")
    db.session.commit()
    for n in range(3):
        services.report(create_user(f"r{n}@example.com"), comment, reason="insult")
    db.session.commit()
    db.session.refresh(idea)
    assert comment.is_hidden and idea.comment_count == 0 == _visible_comments(idea)
    services.restore(comment)
    db.session.commit()
    db.session.refresh(idea)
    assert idea.comment_count == 1 == _visible_comments(idea)


def test_deleting_a_hidden_comment_does_not_count_twice(idea, citizen):
    comment = services.add_comment(citizen, idea, "x")
    services.hide(comment, "moderation")
    services.delete_comment(citizen, comment)
    db.session.commit()
    db.session.refresh(idea)
    assert idea.comment_count == 0 == _visible_comments(idea)


def test_hidden_ideas_cannot_be_supported(idea, citizen):
    services.hide(idea, "moderation")
    with pytest.raises(NotAllowed):
        services.support_idea(citizen, idea)
    assert db.session.scalar(select(Idea.is_hidden).where(Idea.id == idea.id))
