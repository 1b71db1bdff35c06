"""Who hears what: recipients, the author-not-notified rule, bursts, channels, digests."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.admin import services as admin
from app.extensions import db
from app.models import Notification, NotificationEvent, OutgoingMail, User
from app.moderation import services as moderation
from app.notifications import fanout, kinds, mails, services
from app.participation import services as participation
from tests.factories import advance_idea, create_user, make_idea


def _run():
    """What the worker does with events and mails, once."""
    fanout.fan_out_events()
    mails.mail_immediate()


def _of(user) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)))


@pytest.fixture
def people(app, reference):
    author = create_user("autorin@example.com", display_name="Autorin")
    fan = create_user("fan@example.com", display_name="Fan")
    moderator = create_user("mod@example.com", roles=("moderator",))
    idea = make_idea(author, "Bürgerbus in Echtzeit")
    participation.support_idea(fan, idea)  # supporting follows
    db.session.commit()
    fanout.fan_out_events()
    return author, fan, moderator, idea


def test_a_state_change_reaches_the_author_and_followers_not_the_actor(people):
    author, fan, moderator, idea = people
    participation.follow_idea(moderator, idea)
    moderation.change_status(idea, "in_review", moderator)
    db.session.commit()
    _run()
    [for_author] = _of(author)
    [for_fan] = _of(fan)
    assert (for_author.kind, for_author.setting, for_author.channel) == (kinds.IDEA_STATE, "own.state", "immediate")
    assert (for_fan.setting, for_fan.channel) == ("followed.state", "daily")
    assert _of(moderator) == [], "the person who acted hears nothing"
    assert db.session.get(User, author.id).unread_notifications == 1


def test_a_rolled_back_change_records_no_event(people):
    author, fan, moderator, idea = people
    moderation.change_status(idea, "in_review", moderator)
    db.session.rollback()
    assert db.session.scalar(select(func.count(NotificationEvent.id)).where(NotificationEvent.processed_at.is_(None))) == 0


def test_comments_reach_the_idea_author_and_replies_the_comment_author(people):
    author, fan, moderator, idea = people
    first = participation.add_comment(fan, idea, "Gute Idee")
    db.session.commit()
    participation.add_comment(author, idea, "Danke!", parent=first)
    db.session.commit()
    _run()
    assert [(n.kind, n.comment_id) for n in _of(author)] == [(kinds.COMMENT_NEW, first.id)]
    assert [n.kind for n in _of(fan)] == [kinds.COMMENT_REPLY]


def test_thirty_comments_in_an_hour_give_one_notification_and_one_mail(people):
    author, _fan, _moderator, idea = people
    commenters = [create_user(f"c{n}@example.com") for n in range(30)]
    for person in commenters:
        participation.add_comment(person, idea, "Noch ein Kommentar")
        db.session.commit()
        _run()
    [notification] = _of(author)
    assert notification.count == 30 and notification.mailed_at is not None
    assert db.session.scalar(select(func.count(OutgoingMail.id)).where(OutgoingMail.to_address == author.email)) == 1


def test_after_reading_a_new_burst_starts(people):
    author, fan, _moderator, idea = people
    participation.add_comment(fan, idea, "Eins")
    db.session.commit()
    _run()
    services.mark_all_read(author)
    db.session.commit()
    participation.add_comment(fan, idea, "Zwei")
    db.session.commit()
    _run()
    assert [n.count for n in _of(author)] == [1, 1]
    assert db.session.get(User, author.id).unread_notifications == 1


def test_hidden_and_restored_reach_only_the_author_with_the_cause(people):
    author, fan, moderator, idea = people
    moderation.hide_item(idea, moderator, "Prüfen")
    db.session.commit()
    moderation.restore_item(idea, moderator)
    db.session.commit()
    _run()
    assert [(n.kind, (n.data or {}).get("cause")) for n in _of(author)] == [(kinds.ITEM_HIDDEN, "moderation"), (kinds.ITEM_RESTORED, None)]
    assert _of(fan) == []


def test_blocked_and_unconfirmed_people_get_no_mail(people):
    author, fan, moderator, idea = people
    unconfirmed = create_user("neu@example.com", confirmed=False)
    participation.follow_idea(unconfirmed, idea)
    admin.block_user(fan, None, "Spam")
    db.session.commit()
    mails.set_channel(unconfirmed, "followed.state", "immediate")
    db.session.commit()
    moderation.change_status(idea, "in_review", moderator)
    db.session.commit()
    _run()
    assert _of(fan) == []
    assert [n.mailed_at for n in _of(unconfirmed)] == [None]
    assert db.session.scalars(select(OutgoingMail.to_address)).all() == [author.email]


def test_settings_decide_the_channel_and_off_means_in_the_app_only(people):
    author, fan, moderator, idea = people
    mails.set_channel(author, "own.state", "off")
    mails.set_channel(fan, "followed.state", "immediate")
    db.session.commit()
    moderation.change_status(idea, "in_review", moderator)
    db.session.commit()
    _run()
    assert [n.channel for n in _of(author)] == ["off"] and _of(author)[0].mailed_at is None
    assert db.session.scalars(select(OutgoingMail.to_address)).all() == [fan.email]


def test_daily_and_weekly_digests_collect_what_came_before_the_digest_hour(people):
    author, fan, moderator, idea = people
    second = make_idea(author, "Zweite Idee")
    participation.follow_idea(fan, second)
    mails.set_channel(fan, "followed.answer", "weekly")
    db.session.commit()
    moderation.change_status(idea, "in_review", moderator)
    moderation.change_status(second, "in_review", moderator)
    moderation.publish_answer(idea, moderator, "Wir prüfen das.", "Moderation")
    db.session.commit()
    _run()
    # On a Wednesday, so that a day later is no Monday (a Sunday's next day sends the week's too).
    wednesday = datetime(2026, 12, 2, 11, 0, tzinfo=timezone.utc)
    for notification in db.session.scalars(select(Notification)):
        notification.created_at = wednesday
    fan.confirmed_at = wednesday - timedelta(days=1)  # mail only for what came after confirming
    db.session.commit()
    now = wednesday
    assert mails.mail_digests(now=now - timedelta(hours=6)) == 0, "nothing before its time"
    assert mails.mail_digests(now=now + timedelta(days=1)) == 1
    [daily] = db.session.scalars(select(OutgoingMail).where(OutgoingMail.to_address == fan.email)).all()
    assert "Zusammenfassung" in daily.subject or "summary" in daily.subject
    assert "Bürgerbus in Echtzeit" in daily.body_text and "Zweite Idee" in daily.body_text
    assert mails.mail_digests(now=now + timedelta(days=1)) == 0, "each notification once"
    assert mails.mail_digests(now=now + timedelta(days=8)) == 1, "the weekly one"
    weekly = db.session.scalars(select(OutgoingMail).where(OutgoingMail.to_address == fan.email).order_by(OutgoingMail.id)).all()[-1]
    assert "beantwortet" in weekly.body_text


def test_digest_moments_are_seven_in_berlin_and_mondays_for_the_week(app):
    wednesday_noon = datetime(2026, 12, 2, 11, 0, tzinfo=timezone.utc)  # 12:00 in Berlin
    assert mails.digest_cutoff("daily", wednesday_noon) == datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc)
    assert mails.digest_cutoff("daily", datetime(2026, 12, 2, 5, 0, tzinfo=timezone.utc)) == datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)
    assert mails.digest_cutoff("weekly", wednesday_noon) == datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)


def test_import_and_project_status_reach_the_followers_of_its_ideas(people):
    author, fan, moderator, idea = people
    from app.portfolio import services as portfolio

    steering = create_user("sg@example.com", roles=("steering",))
    advance_idea(idea, "in_review", "candidate", "shortlisted", moderator=moderator, steering=steering)
    plan = portfolio.ProjectPlan(idea_ids=[idea.id], data=portfolio.ProjectData(
        title="Bürgerbus digital", action_field_id=idea.action_fields[0].id, municipality_id=idea.municipality_id), budget=None)
    [project] = portfolio.import_into_portfolio(steering, [plan])
    db.session.commit()
    _run()
    imported = [n for n in _of(author) if (n.data or {}).get("to") == "in_portfolio"]
    assert imported, [n.data for n in _of(author)]
    from app.notifications.messages import describe

    with db.session.no_autoflush:
        from flask import current_app

        with current_app.test_request_context():
            message = describe(imported[0])
    assert project.code in message.text and message.path == f"/portfolio/{project.code}"
    data = portfolio.ProjectData(title=project.title, action_field_id=project.action_field_id, municipality_id=project.municipality_id,
                                 status="in_progress")
    portfolio.edit_project(project, steering, data, "Es geht los")
    db.session.commit()
    _run()
    assert [n.setting for n in _of(author) if n.kind == kinds.PROJECT_STATUS] == ["own.state"]
    assert [n.setting for n in _of(fan) if n.kind == kinds.PROJECT_STATUS] == ["followed.state"]


def test_the_staff_summary_is_recorded_once_a_day_and_reaches_moderators(people):
    author, fan, moderator, idea = people
    assert services.record_staff_summary() is True
    assert services.record_staff_summary() is False, "twice in a day: once"
    _run()
    [summary] = [n for n in _of(moderator) if n.kind == kinds.STAFF_SUMMARY]
    assert summary.data["days"] == 14 and summary.data["waiting"] == 0
    assert _of(fan) == []


@pytest.mark.parametrize("counts, expected", [
    ((1, 1, 1), "Moderation: 1 neue Idee seit gestern, 1 offene Meldung, 1 Idee wartet länger als 14 Tage auf eine Antwort."),
    ((2, 0, 3), "Moderation: 2 neue Ideen seit gestern, 0 offene Meldungen, 3 Ideen warten länger als 14 Tage auf eine Antwort."),
])
def test_the_staff_summary_counts_in_singular_and_plural(app, counts, expected):
    """It said "1 neue Ideen" before."""
    from app.models import Notification
    from app.notifications.messages import describe

    new, reports, waiting = counts
    note = Notification(kind=kinds.STAFF_SUMMARY, setting="staff.summary", data={"new_ideas": new, "open_reports": reports, "waiting": waiting, "days": 14})
    with app.test_request_context("/"):
        assert describe(note).text == expected
