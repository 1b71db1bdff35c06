"""Every mail the platform sends, rendered in German and read in full (subject, text, HTML): none
may carry a message of the catalogue in its English source words. Before: the plain-text footer
of every notification was English (babel.cfg did not extract .txt templates)."""

import re
from datetime import date, timedelta
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import select

from app.auth import emails as auth_mails
from app.capture import emails as capture_mails
from app.extensions import db
from app.legal import emails as legal_mails
from app.legal import services as legal
from app.models import Comment, DataExport, Meeting, Municipality, Notification, OutgoingMail, Project, ReportRequest, utcnow
from app.moderation import services as moderation
from app.notifications import kinds
from app.notifications.mails import _queue
from app.privacy import services as privacy
from app.reports import requests as report_requests
from app.urls import link_context
from tests.factories import create_user, make_idea

CATALOGUE = Path(__file__).resolve().parents[2] / "app" / "translations" / "de" / "LC_MESSAGES" / "messages.po"
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


def _english_fragments() -> set[str]:
    """The words of each message whose German differs, split at its placeholders: the pieces long
    enough to be telling (a mail that shows one was not translated)."""
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file, locale="de")
    fragments = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for source in ids:
            if not source or source in strings:
                continue
            fragments |= {piece.strip() for piece in _PLACEHOLDER.split(source) if len(piece.strip()) >= 14}
    return fragments


def _every_mail(app) -> None:
    """Queue one of each mail, in German (the default)."""
    admin = create_user("admin@example.com", roles=("admin",))
    author = create_user("autorin@example.com")
    moderator = create_user("mod@example.com", roles=("moderator",))
    auth_mails.queue_confirmation(author, "/ideen/1")
    auth_mails.queue_already_registered(author, "/ideen/1")
    auth_mails.queue_password_reset(author)
    author.locked_at = utcnow()
    auth_mails.queue_unlock(author)
    auth_mails.queue_password_changed(author)
    auth_mails.queue_email_change(author, "neu@example.com")
    auth_mails.queue_email_changed_notice("alt@example.com", "neu@example.com")
    legal_mails.queue_barrier_report(admin, legal.report_barrier(page="/ideen", description="Kontrast zu gering",
                                                                 name="Bea", email="bea@example.com"))
    export = DataExport(user_id=author.id, requested_at=utcnow(), ready_at=utcnow(), expires_at=utcnow(), file_name="x.zip")
    db.session.add(export)
    db.session.flush()
    privacy._queue_ready_mail(author, export)
    report = ReportRequest(user_id=moderator.id, starts_on=date(2025, 1, 1), ends_on=date(2026, 12, 1), ready_at=utcnow(),
                           expires_at=utcnow(), file_name="x.pdf")
    db.session.add(report)
    db.session.flush()
    report_requests._queue_ready_mail(moderator, report)
    capture_mails.queue_claim_link("else@example.com", make_idea(author, "Fahrplan am Telefon"), "token")

    idea = make_idea(author, "Mitfahrbank")
    moderation.publish_answer(idea, moderator, "Danke für die Idee.", "Ihre Moderation")
    comment = Comment(idea_id=idea.id, author_id=moderator.id, body="Gute Idee!")
    db.session.add(comment)
    project = db.session.scalar(select(Project).limit(1))
    start = utcnow() + timedelta(hours=20)
    meeting = Meeting(kind="workshop", title="Themenworkshop", starts_at=start, ends_at=start + timedelta(hours=2),
                      municipality_id=project.municipality_id or db.session.scalar(select(Municipality.id).limit(1)), address="Rathaus")
    db.session.add(meeting)
    db.session.flush()
    examples = [
        (kinds.IDEA_STATE, "own.state", {"to": "in_review", "reason": "Wir prüfen."}),
        (kinds.IDEA_STATE, "followed.state", {"to": "shortlisted"}),
        (kinds.IDEA_ANSWER, "own.answer", {"version": 1}),
        (kinds.IDEA_ANSWER, "followed.answer", {"version": 1}),
        (kinds.COMMENT_NEW, "own.comment", None),
        (kinds.COMMENT_REPLY, "own.comment", None),
        (kinds.ITEM_HIDDEN, "own.moderation", {"cause": "reports"}),
        (kinds.ITEM_RESTORED, "own.moderation", None),
        (kinds.PROJECT_STATUS, "own.state", {"to": "running"}),
        (kinds.MEETING_REMINDER, "own.meeting", {"meeting": meeting.id}),
        (kinds.MEETING_PLACE, "own.meeting", {"meeting": meeting.id, "user": author.id}),
        (kinds.STAFF_SUMMARY, "staff.summary", {"new_ideas": 1, "open_reports": 2, "waiting": 3, "days": 14}),
    ]
    made = []
    for kind, setting, data in examples:
        notification = Notification(user_id=author.id, kind=kind, setting=setting, channel="immediate", idea_id=idea.id,
                                    comment_id=comment.id if kind.startswith("comment") or setting == "own.moderation" else None,
                                    project_id=project.id if kind == kinds.PROJECT_STATUS else None, data=data)
        db.session.add(notification)
        made.append(notification)
    db.session.flush()
    for notification in made:
        _queue(author, [notification], notification.setting)
    _queue(author, made[:3], made[0].setting)  # a bundle about one idea
    _queue(author, made, None, channel="daily")
    _queue(author, made, None, channel="weekly")
    db.session.commit()


def test_every_mail_is_german_in_every_part(app, reference):
    with link_context():  # mail links are absolute, as the worker makes them
        _every_mail(app)
    english = _english_fragments()
    mails = db.session.scalars(select(OutgoingMail)).all()
    assert len(mails) >= 27  # 7 account mails, a barrier report, a download, a report, a claim link, 12 notifications, a bundle, 2 digests
    found = []
    for mail in mails:
        for part, text in (("subject", mail.subject), ("text", mail.body_text), ("html", mail.body_html or "")):
            found += [f"{mail.subject!r} ({part}): {fragment!r}" for fragment in english if fragment in text]
        assert mail.body_text.startswith("Guten Tag,"), mail.subject
    assert found == [], "\n".join(found)


def test_the_check_finds_an_english_message(app, reference):
    """The check itself: an English sentence of the catalogue in a mail is found."""
    english = _english_fragments()
    assert "please confirm your e-mail address for the Coesfeld 12.0 idea platform" in " ".join(english)
