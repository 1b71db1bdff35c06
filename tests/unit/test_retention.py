"""Retention: what is past its period goes, nothing else does."""

import os
from datetime import timedelta

from sqlalchemy import func, select, update

from app import mail, retention
from app.extensions import db
from app.files import remove_expired_downloads
from app.models import AuthSession, DataExport, Notification, NotificationEvent, OutgoingMail, User, utcnow
from app.moderation import services as moderation
from app.notifications import fanout, services
from tests.factories import create_user, make_idea


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_unconfirmed_accounts_go_after_seven_days_confirmed_ones_stay(app, reference):
    old_id = create_user("alt@example.com", confirmed=False).id
    create_user("neu@example.com", confirmed=False)
    create_user("bestaetigt@example.com")
    db.session.execute(update(User).where(User.email.in_(["alt@example.com", "bestaetigt@example.com"])).values(created_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    removed = retention.apply_retention()
    assert removed.counts["unconfirmed accounts"] == 1
    assert db.session.get(User, old_id) is None
    assert sorted(db.session.scalars(select(User.email))) == ["bestaetigt@example.com", "neu@example.com"]


def test_the_tombstone_of_a_deleted_account_is_not_an_unconfirmed_account(app, reference):
    from app.privacy import deletion

    moderator = create_user("mod@example.com", roles=("moderator",))
    deletion.erase(moderator)
    db.session.execute(update(User).values(created_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    assert retention.apply_retention().counts["unconfirmed accounts"] == 0
    assert db.session.get(User, moderator.id) is not None


def test_idle_sessions_old_mail_events_and_read_notifications_go(app, reference, client, auth):
    author = create_user("autorin@example.com")
    moderator = create_user("mod@example.com", roles=("moderator",))
    idea = make_idea(author, "Eine Idee")
    auth.login("autorin@example.com")
    moderation.change_status(idea, "in_review", moderator)
    db.session.commit()
    fanout.fan_out_events()
    services.mark_all_read(author)
    mail.queue_mail("a@example.com", "Betreff", "Text")
    db.session.commit()
    mail.deliver_pending()
    assert retention.apply_retention().total == 0, "nothing is old yet"
    later = utcnow() + timedelta(days=200)
    removed = retention.apply_retention(now=later)
    assert removed.counts["idle sessions"] == 1 and _count(AuthSession) == 0
    assert removed.counts["mail"] >= 1 and _count(OutgoingMail) == 0
    assert removed.counts["notifications"] == 1 and _count(Notification) == 0
    assert removed.counts["notification events"] >= 1 and _count(NotificationEvent) == 0
    assert db.session.get(User, author.id) is not None


def test_unread_notifications_and_waiting_mail_stay(app, reference):
    author = create_user("autorin@example.com")
    moderator = create_user("mod@example.com", roles=("moderator",))
    moderation.change_status(make_idea(author, "Eine Idee"), "in_review", moderator)
    db.session.commit()
    fanout.fan_out_events()
    mail.queue_mail("a@example.com", "Betreff", "Text")
    db.session.commit()
    retention.apply_retention(now=utcnow() + timedelta(days=400))
    assert _count(Notification) == 1 and _count(OutgoingMail) == 1


def test_downloads_kept_as_files_go_when_expired_or_failed_long_ago_and_stray_files_with_them(app, reference, tmp_path):
    """app/files.remove_expired_downloads, which the "Meine Daten" downloads and the reports share."""
    now = utcnow()
    owner = create_user()
    rows = {
        "expired": DataExport(user_id=owner.id, file_name="abgelaufen.zip", ready_at=now, expires_at=now - timedelta(minutes=1)),
        "current": DataExport(user_id=owner.id, file_name="aktuell.zip", ready_at=now, expires_at=now + timedelta(days=1)),
        "failed long ago": DataExport(user_id=owner.id, failed_at=now - timedelta(days=8)),
        "failed lately": DataExport(user_id=owner.id, failed_at=now - timedelta(days=1)),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    for name in ("abgelaufen.zip", "aktuell.zip", "liegen-geblieben.zip", "frisch-geschrieben.zip"):
        (tmp_path / name).write_bytes(b"PK")
    an_hour_ago = (now - timedelta(hours=1)).timestamp()
    os.utime(tmp_path / "liegen-geblieben.zip", (an_hour_ago, an_hour_ago))  # no row names it, older than the lease

    removed = remove_expired_downloads(DataExport, tmp_path, now, keep_failed=timedelta(days=7), lease=timedelta(minutes=10))
    db.session.commit()

    assert removed == 2
    left = {row.id for row in db.session.scalars(select(DataExport))}
    assert left == {rows["current"].id, rows["failed lately"].id}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["aktuell.zip", "frisch-geschrieben.zip"], "a fresh file may still be committed"
