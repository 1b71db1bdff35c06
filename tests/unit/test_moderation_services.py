"""Moderation services: state changes, merging, hiding, reports, official answers; each leaves an audit entry."""

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInput, InvalidTransition, NotAllowed
from app.extensions import db
from app.models import AuditEntry, Comment, Follow, Report, Support
from app.moderation import services
from app.participation import services as participation
from tests.factories import create_user, make_idea


@pytest.fixture
def moderator(app, reference):
    return create_user("mod@example.com", roles=("moderator",), display_name="Mod")


@pytest.fixture
def author(app, reference):
    return create_user("autorin@example.com", display_name="Autorin")


def _entries(action=None):
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return db.session.scalars(stmt).all()


def _supporters(idea) -> set[int]:
    return set(db.session.scalars(select(Support.user_id).where(Support.idea_id == idea.id)))


def test_review_promote_and_the_audit_log(moderator, author):
    idea = make_idea(author)
    services.change_status(idea, "in_review", moderator)
    services.change_status(idea, "candidate", moderator, "Hohe Relevanz.")
    db.session.commit()
    assert idea.status == "candidate"
    first, second = _entries("idea.status")
    assert (first.actor_id, first.target_type, first.target_id) == (moderator.id, "idea", idea.id)
    assert first.before["status"] == "published" and first.after["status"] == "in_review"
    assert second.reason == "Hohe Relevanz." and second.after["status"] == "candidate"
    assert [c.to_status for c in idea.state_changes][-2:] == ["in_review", "candidate"]


def test_decline_needs_a_public_reason(moderator, author):
    idea = make_idea(author)
    with pytest.raises(InvalidInput):
        services.change_status(idea, "declined", moderator, "  ")
    db.session.rollback()
    services.change_status(idea, "declined", moderator, "Liegt nicht in der Zuständigkeit des Kreises.")
    db.session.commit()
    assert idea.state_changes[-1].reason == "Liegt nicht in der Zuständigkeit des Kreises."


@pytest.mark.parametrize(
    "start, target",
    [("published", "candidate"), ("candidate", "in_review"), ("declined", "in_review"), ("draft", "in_review")],
)
def test_refused_transitions_raise_a_clear_error(moderator, author, start, target):
    idea = make_idea(author, publish=start != "draft")
    if start in ("candidate",):
        services.change_status(idea, "in_review", moderator)
        services.change_status(idea, "candidate", moderator)
    if start == "declined":
        services.change_status(idea, "declined", moderator, "Nein.")
    db.session.commit()
    with pytest.raises(InvalidTransition) as refused:
        services.change_status(idea, target, moderator)
    assert "kann nicht" in str(refused.value.message) or "cannot" in str(refused.value.message)
    db.session.rollback()
    assert len(_entries("idea.status")) == (2 if start == "candidate" else 1 if start == "declined" else 0)


def test_only_moderators_moderate(author, reference):
    idea = make_idea(author)
    steering = create_user("steering@example.com", roles=("steering",))
    for actor in (author, steering):
        with pytest.raises(NotAllowed):
            services.change_status(idea, "in_review", actor)
        with pytest.raises(NotAllowed):
            services.hide_item(idea, actor, "weil")


def test_available_transitions_follow_the_table(moderator, author):
    idea = make_idea(author)
    assert services.available_transitions(idea) == ["in_review", "declined"]
    services.change_status(idea, "in_review", moderator)
    assert services.available_transitions(idea) == ["candidate", "declined"]


# Merging -------------------------------------------------------------------

def test_merge_carries_supporters_over_and_counts_each_person_once(moderator, author):
    source = make_idea(author, "Bürgerbus-App für Olfen")
    target_author = create_user("zweite@example.com", display_name="Zweite")
    target = make_idea(target_author, "App für den Bürgerbus")
    only_source = [create_user(f"s{n}@example.com") for n in range(2)]
    both = create_user("both@example.com")
    only_target = create_user("t@example.com")
    for user in (*only_source, both):
        participation.support_idea(user, source)
    for user in (both, only_target):
        participation.support_idea(user, target)
    participation.support_idea(target_author, source)  # the target's author cannot support their own idea
    participation.add_comment(only_source[0], source, "Gute Idee!")
    db.session.commit()
    assert (source.support_count, target.support_count) == (4, 2)

    carried = services.merge_idea(source, target, moderator, "Gleiche Idee, dort weiter.")
    db.session.commit()

    assert carried == 2  # only_source[0], only_source[1]; "both" counted once, the target's author not at all
    assert _supporters(target) == {u.id for u in (*only_source, both, only_target)}
    assert target.support_count == 4 == len(_supporters(target))
    assert source.status == "merged" and source.merged_into_id == target.id
    assert source.support_count == 4, "the merged idea's count is frozen as it was"
    assert db.session.scalar(select(func.count()).select_from(Comment).where(Comment.idea_id == source.id)) == 1
    followers = set(db.session.scalars(select(Follow.user_id).where(Follow.idea_id == target.id)))
    assert author.id in followers and only_source[0].id in followers
    entry = _entries("idea.merge")[0]
    assert entry.after["merged_into_id"] == target.id and entry.after["supports_carried_over"] == 2
    assert entry.before["status"] == "published" and entry.reason == "Gleiche Idee, dort weiter."


def test_merge_refusals(moderator, author):
    idea = make_idea(author, "Eins")
    other = make_idea(author, "Zwei")
    with pytest.raises(InvalidInput):
        services.merge_idea(idea, idea, moderator, "selbst")
    services.change_status(other, "declined", moderator, "Nein.")
    with pytest.raises(InvalidInput):
        services.merge_idea(idea, other, moderator, "in eine abgelehnte")
    third = make_idea(author, "Drei")
    with pytest.raises(InvalidInput):
        services.merge_idea(idea, third, moderator, " ")
    db.session.rollback()
    assert idea.status == "published" and not _entries("idea.merge")


# Hiding, restoring, reports -------------------------------------------------

def _report(item, n):
    for i in range(n):
        reporter = create_user(f"r{i}@example.com")
        participation.report(reporter, item, reason="spam")
    db.session.commit()


def test_dismissing_reports_restores_what_the_reports_hid(moderator, author, app):
    idea = make_idea(author)
    _report(idea, app.config["REPORT_HIDE_THRESHOLD"])
    assert idea.is_hidden and idea.hidden_cause == "reports"
    assert services.dismiss_reports(idea, moderator, "Kein Spam.") == 3
    db.session.commit()
    assert not idea.is_hidden
    assert set(db.session.scalars(select(Report.status))) == {"dismissed"}
    assert _entries("report.dismiss")[0].after["reports_settled"] == 3


def test_hiding_a_reported_comment_closes_its_reports_as_acted_upon(moderator, author):
    idea = make_idea(author)
    comment = participation.add_comment(create_user("c@example.com"), idea, "Werbung!")
    db.session.commit()
    _report(comment, 1)
    with pytest.raises(InvalidInput):
        services.hide_item(comment, moderator, "")
    services.hide_item(comment, moderator, "Werbung")
    db.session.commit()
    assert comment.is_hidden and comment.hidden_cause == "moderation"
    assert idea.comment_count == 0
    assert set(db.session.scalars(select(Report.status))) == {"actioned"}
    assert _entries("comment.hide")[0].after["reports_settled"] == 1


def test_hide_needs_a_reason_and_restore_undoes_it(moderator, author):
    idea = make_idea(author)
    with pytest.raises(InvalidInput):
        services.hide_item(idea, moderator, "")
    services.hide_item(idea, moderator, "Persönliche Daten im Text")
    db.session.commit()
    assert idea.is_hidden
    services.restore_item(idea, moderator, "Bereinigt")
    db.session.commit()
    assert not idea.is_hidden and idea.hidden_cause is None
    hide, restore = _entries()
    assert (hide.action, hide.before["is_hidden"], hide.after["is_hidden"]) == ("idea.hide", False, True)
    assert (restore.action, restore.reason) == ("idea.restore", "Bereinigt")
    with pytest.raises(InvalidInput):
        services.restore_item(idea, moderator)


# Official answers --------------------------------------------------------------

def test_official_answer_is_versioned(moderator, author):
    idea = make_idea(author)
    services.publish_answer(idea, moderator, "Wir prüfen das.", "Moderation, Dülmen")
    services.publish_answer(idea, moderator, "Wir setzen es um.", "Moderation, Dülmen")
    db.session.commit()
    history = services.answer_history(idea)
    assert [(a.version, a.body) for a in history] == [(2, "Wir setzen es um."), (1, "Wir prüfen das.")]
    assert services.current_answer(idea).body == "Wir setzen es um."
    with pytest.raises(InvalidInput):
        services.publish_answer(idea, moderator, "Wir setzen es um.", "Moderation, Dülmen")
    with pytest.raises(InvalidInput):
        services.publish_answer(idea, moderator, "", "Moderation")
    with pytest.raises(InvalidInput):
        services.publish_answer(idea, moderator, "x" * 5001, "Moderation")
    second = _entries("idea.answer")[1]
    assert second.before == {"version": 1, "body": "Wir prüfen das."} and second.after["version"] == 2


def test_default_signature_names_the_place(moderator, reference):
    from app.models import Municipality

    assert services.default_signature(moderator) == "Moderation, Kreis Coesfeld"
    moderator.municipality = db.session.scalar(select(Municipality).where(Municipality.slug == "duelmen"))
    assert services.default_signature(moderator) == "Moderation, Dülmen"
