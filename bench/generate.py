"""Benchmark data: N ideas, M supports, K comments of realistic German text and the moderation's
answers on older ideas, reproducible by seed.

    python bench/generate.py --ideas 10000 --supports 200000 --comments 50000 --seed 1

Uses DATABASE_URL like the app; expects a migrated database (it loads the
reference data itself). Rows are written in bulk with SQLAlchemy Core; the
stored counters match the rows written.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    ActionField,
    BudgetLine,
    Comment,
    Follow,
    Idea,
    IdeaStateChange,
    Municipality,
    OfficialAnswer,
    Project,
    Support,
    User,
    idea_action_fields,
    utcnow,
)
from app.search import build_document  # noqa: E402
from app.seed.demo import COMMENTS, DEMO_ANSWERS  # noqa: E402
from app.seed.demo_ideas import IDEAS  # noqa: E402
from app.seed.reference import load_reference_data  # noqa: E402

BENCH_PASSWORD = "bench-passwort-2026"
EXTRA_SENTENCES = [
    "Das Projekt könnte mit einer Pilotphase in einer Kommune beginnen.",
    "Wichtig ist, dass ältere Menschen und Menschen ohne Smartphone nicht ausgeschlossen werden.",
    "Fördermittel aus dem Programm Smart Cities könnten einen Teil der Kosten tragen.",
    "Die Daten sollten als offene Daten bereitgestellt werden.",
    "Vereine und Unternehmen aus der Region könnten die Umsetzung unterstützen.",
    "Eine Evaluation nach einem Jahr zeigt, ob sich der Aufwand lohnt.",
    "Die Lösung sollte barrierefrei und in Leichter Sprache verfügbar sein.",
    "Datenschutz und IT-Sicherheit müssen von Anfang an mitgedacht werden.",
]
CHUNK = 5000
# The moderation's public answers: on ideas older than the review period it promises, this share has
# one (an idea's page then reads them: one statement more), and one answer in ANSWER_UPDATED was
# published again in a new version (the page shows the older ones under "Earlier versions").
ANSWER_WAITING_DAYS = 14  # NOTIFY_ANSWER_WAITING_DAYS' default
ANSWERED_SHARE = 0.6
ANSWER_UPDATED = 5
ANSWER_SIGNATURE = "Moderation, Kreis Coesfeld"
ANSWER_TEXTS = list(DEMO_ANSWERS.values())


def _chunks(rows: list[dict]):
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _bulk(table, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        db.session.execute(insert(table), chunk)


def _long_tail(rng: random.Random, total: int, buckets: int, cap: int) -> list[int]:
    """Split `total` over `buckets` like real popularity (a few get much), exactly, none above `cap`."""
    if buckets <= 0:
        return []
    weights = [1 / (rank + 10) ** 0.8 for rank in range(buckets)]
    rng.shuffle(weights)
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w in weights]
    while sum(counts) < total:
        i = rng.randrange(buckets)
        if counts[i] < cap:
            counts[i] += 1
    return counts


def generate(ideas: int, supports: int, comments: int, seed: int, users: int | None = None) -> dict:
    rng = random.Random(seed)
    load_reference_data()
    db.session.commit()
    towns = list(db.session.scalars(select(Municipality)))
    fields = list(db.session.scalars(select(ActionField)))
    fields_by_slug = {f.slug: f for f in fields}
    now = utcnow()
    users = users or max(50, min(5000, supports // max(1, ideas) * 250))

    password_hash = generate_password_hash(BENCH_PASSWORD)
    first_user = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    _bulk(
        User.__table__,
        [
            {
                "id": first_user + n,
                "email": f"bench{seed}-{n}@coesfeld.example",
                "password_hash": password_hash,
                "display_name": f"Person {n}",
                "account_type": "organisation" if n % 9 == 0 else "citizen",
                "organisation_name": f"Verein {n}" if n % 9 == 0 else None,
                "confirmed_at": now,
                "terms_version": 0,  # accepted the default terms of use, as at sign-up
                "is_blocked": False,
                "created_at": now,
            }
            for n in range(users)
        ],
    )
    user_ids = list(range(first_user, first_user + users))

    projects = list(db.session.scalars(select(Project).order_by(Project.number)))
    first_idea = (db.session.scalar(select(func.max(Idea.id))) or 0) + 1
    idea_rows, field_rows, change_rows, follow_rows, answer_rows = [], [], [], [], []
    support_target = _long_tail(rng, supports, ideas, cap=users - 1)
    for n in range(ideas):
        base = IDEAS[n % len(IDEAS)]
        town = rng.choice(towns)
        title = f"{base[0]} – {town.name} ({n + 1})"[:150]
        benefit = base[2] + "\n\n" + " ".join(rng.sample(EXTRA_SENTENCES, 2))
        challenges = base[3] + "\n\n" + rng.choice(EXTRA_SENTENCES)
        published = now - timedelta(days=rng.randint(0, 720), minutes=rng.randint(0, 1440))
        idea_id = first_idea + n
        author = rng.choice(user_ids)
        # The last ideas became projects of the portfolio, two per project (origin ideas on its pages);
        # the published ones stay one contiguous range of ids for the support benchmark.
        in_portfolio = n - (ideas - 2 * len(projects))
        project = projects[in_portfolio // 2] if in_portfolio >= 0 else None
        idea_rows.append(
            {
                "id": idea_id,
                "title": title,
                "summary": base[1],
                "benefit": benefit,
                "challenges": challenges,
                "partners": "",
                "municipality_id": town.id,
                "author_id": author,
                "status": "in_portfolio" if project else "published",
                "project_id": project.id if project else None,
                "created_at": published,
                "edited_at": published,
                "published_at": published,
                "status_changed_at": published,
                "support_count": 0,
                "comment_count": 0,
                "is_hidden": False,
                # As app.search.idea_document: the card, the action fields' and the town's names.
                "search_document": build_document(title, base[1], benefit, challenges, *(fields_by_slug[slug].name for slug in base[4]),
                                                  town.name),
            }
        )
        for slug in base[4]:
            field_rows.append({"idea_id": idea_id, "action_field_id": fields_by_slug[slug].id})
        change_rows.append({"idea_id": idea_id, "from_status": "draft", "to_status": "published", "actor_id": author, "reason": "", "created_at": published})
        follow_rows.append({"user_id": author, "idea_id": idea_id, "created_at": published})
        if now - published > timedelta(days=ANSWER_WAITING_DAYS) and rng.random() < ANSWERED_SHARE:
            answered = published + timedelta(days=rng.randint(1, ANSWER_WAITING_DAYS))
            versions = 2 if rng.randrange(ANSWER_UPDATED) == 0 else 1
            for version in range(1, versions + 1):
                answer_rows.append({"idea_id": idea_id, "version": version, "body": rng.choice(ANSWER_TEXTS) + " " + rng.choice(EXTRA_SENTENCES),
                                    "signature": ANSWER_SIGNATURE, "author_id": None,
                                    "created_at": answered + timedelta(days=version - 1)})

    support_rows = []
    for n, wanted in enumerate(support_target):
        row = idea_rows[n]
        drawn = rng.sample(user_ids, min(wanted + 1, len(user_ids)))
        chosen = [u for u in drawn if u != row["author_id"]][:wanted]
        age = max(1, int((now - row["published_at"]).total_seconds()))
        for user_id in chosen:
            support_rows.append({"idea_id": row["id"], "user_id": user_id, "created_at": now - timedelta(seconds=rng.randrange(age))})
        row["support_count"] = len(chosen)

    comment_rows = []
    # The first idea gets exactly 100 comments (the benchmark's idea page); the rest a long tail.
    comment_target = [min(100, comments)] + _long_tail(rng, max(0, comments - 100), ideas - 1, cap=comments)
    for n, wanted in enumerate(comment_target):
        row = idea_rows[n]
        for _ in range(wanted):
            comment_rows.append(
                {
                    "idea_id": row["id"],
                    "author_id": rng.choice(user_ids),
                    "parent_id": None,
                    "body": rng.choice(COMMENTS) + " " + rng.choice(EXTRA_SENTENCES),
                    "created_at": row["published_at"] + timedelta(minutes=rng.randint(1, 60 * 24 * 30)),
                    "is_hidden": False,
                }
            )
        row["comment_count"] += wanted

    _bulk(Idea.__table__, idea_rows)
    _bulk(idea_action_fields, field_rows)
    _bulk(IdeaStateChange.__table__, change_rows)
    _bulk(Follow.__table__, follow_rows)
    _bulk(Support.__table__, support_rows)
    _bulk(Comment.__table__, comment_rows)
    _bulk(OfficialAnswer.__table__, answer_rows)
    # Three to six budget lines per project, for the portfolio, project and budget pages.
    budget_rows = [
        {
            "project_id": project.id,
            "label": f"Posten {k + 1}",
            "year": 2026 + k % 4,
            "kind": rng.choice(("investiv", "konsumtiv")),
            "amount": Decimal(rng.randrange(1_000_00, 900_000_00)) / 100,
            "funding_rate": Decimal("65.00"),
            "created_at": now,
        }
        for project in projects
        for k in range(rng.randint(3, 6))
    ]
    db.session.add_all(BudgetLine(**row) for row in budget_rows)  # the ORM converts euros to stored hundredths
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in ("users", "ideas", "comments", "supports", "idea_state_changes", "official_answers"):
            db.session.execute(db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        db.session.commit()
        # What autovacuum does a minute after a bulk load: statistics, the visibility map, and the
        # search index's pending list merged (a search would otherwise read all of it).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("ideas", "supports", "comments", "idea_action_fields", "users", "official_answers"):
                connection.execute(db.text(f"VACUUM ANALYZE {table}"))
    else:
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    return {
        "users": users,
        "ideas": ideas,
        "supports": len(support_rows),
        "comments": len(comment_rows),
        "official_answers": len(answer_rows),
        "budget_lines": len(budget_rows),
        "first_user": first_user,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--supports", type=int, default=200_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        started = time.perf_counter()
        result = generate(args.ideas, args.supports, args.comments, args.seed)
        print(f"generated {result} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
