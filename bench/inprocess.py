"""One kind of request in-process: the CPU it costs.

    .venv/bin/python bench/inprocess.py support                       # a support of a random idea
    .venv/bin/python bench/inprocess.py idea-miss --signed-in          # a random idea's page, not cached
    .venv/bin/python bench/inprocess.py idea-hit --signed-in           # the idea page with 100 comments, cached

The app as bench/run.py serves it (production configuration: rate limits on in Redis, the page
cache in Redis), on the database bench/run.py prepared (`--db`, `--size`; run it once first), but
called through Flask's test client in this process: no HTTP, no gunicorn, no other process to
share the machine with. Each batch's CPU time (`time.process_time`) per request is printed, with
the median and the minimum of the batches; the machine's speed drifts within the hour, so compare
two commits in alternating runs. (Instructions, which do not drift, can be counted by running it
under valgrind's callgrind for two request counts and subtracting.)

Kinds: `idea-miss` reads random ideas of all (the long tail; the page cache is emptied first, so
each is a first read), `idea-hit` the idea with 100 comments from the cache, `support` supports
random ideas as one bench account and takes its supports back afterwards (counts and follows
included), so that every run supports anew. Numbers, not pass/fail: docs/performance.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402 (bench/run.py: the databases, the production environment)

KINDS = ("idea-miss", "idea-hit", "support")
WARM_UP = 30
HEADERS = {"Referer": "https://localhost/"}
BASE = "https://localhost"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--size", choices=sorted(run.SIZES), default="100k")
    parser.add_argument("--signed-in", action="store_true", help="as a signed-in reader (a support always is)")
    parser.add_argument("--requests", type=int, default=300, help="per batch")
    parser.add_argument("--batches", type=int, default=5)
    return parser.parse_args()


def main() -> None:
    args = parse()
    url = run.database_urls(args.db, args.size)[{"postgresql": "PostgreSQL", "sqlite": "SQLite"}[args.db]]
    os.environ.update(run.env_for(url))
    from redis import Redis
    from sqlalchemy import func, select, update

    from app import create_app
    from app.extensions import db
    from app.models import Follow, Idea, Support, User

    app = create_app()
    logging.getLogger("app.requests").setLevel(logging.WARNING)  # as gunicorn's --log-level warning
    with app.app_context():
        low, high = db.session.execute(select(func.min(Idea.id), func.max(Idea.id))).one()
        with100 = db.session.scalar(select(Idea.id).where(Idea.comment_count >= 100).order_by(Idea.id))
    client = app.test_client()
    email = "bench1-1@coesfeld.example"
    token = ""
    signed_in = args.signed_in or args.kind == "support"
    if signed_in:
        app.config["WTF_CSRF_ENABLED"] = False
        client.post("/anmelden", data={"email": email, "password": run.PASSWORD}, base_url=BASE, headers=HEADERS)
        app.config["WTF_CSRF_ENABLED"] = True
        page = client.get(f"/ideen/{with100}", base_url=BASE, headers=HEADERS).get_data(as_text=True)
        assert "Abmelden" in page, "the bench account did not sign in"
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    with app.app_context():
        account = db.session.scalar(select(User.id).where(User.email == email))
        own = set(db.session.scalars(select(Idea.id).where(Idea.author_id == account)))
    started = datetime.now(timezone.utc)
    rng = random.Random(1)

    def random_idea() -> int:
        idea = rng.randint(low, high)
        return idea if idea not in own else random_idea()

    def one() -> None:
        if args.kind == "support":
            response = client.post(f"/ideen/{random_idea()}/unterstuetzen", data={"csrf_token": token}, base_url=BASE,
                                   headers={**HEADERS, "Accept": "application/json"})
        else:
            path = f"/ideen/{random_idea()}" if args.kind == "idea-miss" else f"/ideen/{with100}"
            response = client.get(path, base_url=BASE, headers=HEADERS)
        assert response.status_code in (200, 404), response.status_code  # 404: a draft of someone else

    try:
        for _ in range(WARM_UP):
            one()
        if args.kind == "idea-miss":
            Redis.from_url(run.PAGE_CACHE_REDIS_URL).flushdb()
        per_request = []
        for _ in range(args.batches):
            begun = time.process_time()
            for _ in range(args.requests):
                one()
            per_request.append((time.process_time() - begun) / args.requests * 1000)
    finally:
        if args.kind == "support":  # take this run's supports back, with their counts and follows
            with app.app_context():  # (one support per account and idea: each idea's count drops by one)
                new = select(Support.idea_id).where(Support.user_id == account, Support.created_at >= started)
                db.session.execute(update(Idea).where(Idea.id.in_(new)).values(support_count=Idea.support_count - 1)
                                   .execution_options(synchronize_session=False))
                db.session.execute(Support.__table__.delete().where(Support.user_id == account, Support.created_at >= started))
                db.session.execute(Follow.__table__.delete().where(Follow.user_id == account, Follow.created_at >= started))
                db.session.commit()
    who = " signed in" if signed_in else ""
    print(f"{args.kind}{who}: ms CPU a request by batch {' '.join(f'{ms:.2f}' for ms in per_request)}; "
          f"median {statistics.median(per_request):.2f}, min {min(per_request):.2f}")


if __name__ == "__main__":
    main()
