"""Notification fan-out and digests at scale; prints figures, asserts nothing.

    .venv/bin/python bench/notifications.py [--db sqlite|postgresql|both] [--followers 10000]

For each database: one change of state on an idea with N followers (the fan-out: time, rows per
second, Python memory peak), 200 events on ideas with 50 followers each (events per second), the
immediate mails that N followers get (queued per second), and the daily digest for N people (one or
two notifications each). Uses its own database (coesfeld_bench_notify / bench/results/notify.sqlite3).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = "coesfeld_bench_notify"


def database_url(which: str) -> str | None:
    if which == "sqlite":
        path = ROOT / "bench" / "results" / "notify.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    except Exception as error:  # noqa: BLE001 - report and skip
        print(f"PostgreSQL not available ({error}); skipping it.")
        return None
    return "postgresql+psycopg://" + PG_ADMIN_URL.split("://", 1)[1].rsplit("/", 1)[0] + "/" + PG_DB


def run(label: str, url: str, followers: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text, update

    from app import create_app
    from app.config import TestConfig
    from app.database import writing
    from app.extensions import db
    from app.ideas import services as idea_services
    from app.models import Follow, Notification, OutgoingMail, User, utcnow
    from app.moderation import services as moderation
    from app.notifications import fanout, mails
    from app.seed.reference import load_reference_data
    from tests.conftest import make_idea

    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, "MAIL_OUTBOX": str(ROOT / "bench" / "results" / "outbox")})
    app = create_app(config)
    with app.app_context(), writing():
        upgrade(directory=str(ROOT / "migrations"))
        load_reference_data()
        now = utcnow()
        db.session.execute(insert(User), [
            {"email": f"p{n}@example.com", "password_hash": "x", "display_name": f"P{n}", "account_type": "citizen",
             "confirmed_at": now - timedelta(days=3), "created_at": now}
            for n in range(followers + 1)
        ])
        db.session.commit()
        people = db.session.scalars(select(User.id).order_by(User.id)).all()
        author = db.session.get(User, people[0])
        moderator = db.session.get(User, people[1])
        from app.auth.services import grant_role

        grant_role(moderator, "moderator")
        idea = make_idea(author, "Eine Idee mit vielen Folgenden")
        db.session.execute(insert(Follow), [{"user_id": uid, "idea_id": idea.id, "created_at": now} for uid in people[2:]])
        db.session.commit()
        fanout.fan_out_events()

        # 1. One event, N followers
        moderation.change_status(idea, "in_review", moderator)
        db.session.commit()
        tracemalloc.start()
        started = time.perf_counter()
        fanout.fan_out_events()
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        made = db.session.scalar(select(db.func.count(Notification.id)))
        print(f"{label}: one event to {made:,} followers: {seconds:.2f} s ({made / seconds:,.0f} notifications/s), Python peak {peak / 1e6:.1f} MB")

        # 2. Many small events
        small = []
        for n in range(200):
            other = make_idea(author, f"Kleine Idee {n}", publish=True)
            db.session.execute(insert(Follow), [{"user_id": uid, "idea_id": other.id, "created_at": now} for uid in people[2 + n : 52 + n]])
            small.append(other)
        db.session.commit()
        fanout.fan_out_events(limit=1000)
        for other in small:
            idea_services.change_state(other, "in_review", moderator, "moderation")
        db.session.commit()
        started = time.perf_counter()
        while fanout.fan_out_events():
            pass
        seconds = time.perf_counter() - started
        print(f"{label}: 200 events with 50 followers each: {seconds:.2f} s ({200 / seconds:,.0f} events/s)")

        # 3. Immediate mails for N people
        db.session.execute(update(Notification).where(Notification.idea_id == idea.id).values(channel="immediate"))
        db.session.commit()
        started = time.perf_counter()
        while mails.mail_immediate(limit=500):
            pass
        seconds = time.perf_counter() - started
        queued = db.session.scalar(select(db.func.count(OutgoingMail.id)))
        print(f"{label}: {queued:,} immediate mails rendered and queued: {seconds:.2f} s ({queued / seconds:,.0f} mails/s)")

        # 4. Daily digest for N people (one or two notifications each)
        db.session.execute(text("DELETE FROM mail_queue"))
        db.session.execute(update(Notification).values(channel="daily", mailed_at=None, created_at=now - timedelta(days=2)))
        db.session.commit()
        started = time.perf_counter()
        sent = 0
        while batch := mails.mail_digests(now=now + timedelta(days=1), limit=500):
            sent += batch
        seconds = time.perf_counter() - started
        print(f"{label}: daily digest to {sent:,} people: {seconds:.2f} s ({sent / seconds:,.0f} digests/s)")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--followers", type=int, default=10_000)
    args = parser.parse_args()
    for which in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        url = database_url(which)
        if url:
            run("SQLite" if which == "sqlite" else "PostgreSQL", url, args.followers)


if __name__ == "__main__":
    main()
