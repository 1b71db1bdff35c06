"""Demo content for `flask seed demo`: accounts for every role, ideas, comments and supports.

Idempotent: accounts are found by e-mail, ideas by title; nothing is duplicated.
Reproducible: supports and comments are drawn from a fixed random seed.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app import search
from app.auth import second_factor
from app.auth import services as auth_services
from app.extensions import db
from app.legal import services as legal
from app.models import (
    ActionField,
    Comment,
    Follow,
    Idea,
    IdeaStateChange,
    Meeting,
    Municipality,
    OfficerTown,
    Support,
    User,
    utcnow,
)
from app.models.idea import PUBLISHED
from app.models.user import ACCOUNT_ORGANISATION, ROLE_ADMIN, ROLE_HELPER, ROLE_MODERATOR, ROLE_OFFICER, ROLE_STEERING
from app.seed.demo_ideas import IDEAS
from app.templating import local_zone

DEMO_PASSWORD = "demo-passwort-coesfeld"

# key: (e-mail, display name, organisation name or None, staff role or None, label for the printout)
ACCOUNTS = {
    "anna": ("buergerin@coesfeld.example", "Anna K.", None, None, "Bürger:in"),
    "org_werbegemeinschaft": ("unternehmen@coesfeld.example", "Petra Brüggemann", "Werbegemeinschaft Innenstadt", None, "Unternehmen / Organisation"),
    "moderation": ("moderation@coesfeld.example", "Digitalagentur COE", None, ROLE_MODERATOR, "Moderation"),
    "steering": ("steuerung@coesfeld.example", "Steuerungsgremium", None, ROLE_STEERING, "Steuerungsgremium"),
    "admin": ("admin@coesfeld.example", "Plattformbetrieb", None, ROLE_ADMIN, "Administration"),
    "officer_duelmen": ("digital-duelmen@coesfeld.example", "Digitalverantwortliche Dülmen", None, ROLE_OFFICER,
                        "Digitalverantwortliche:r (Dülmen)"),
    "helper": ("lotsin@coesfeld.example", "Digitallotsin", None, ROLE_HELPER, "Digitallotse/Digitallotsin"),
    "jonas": ("jonas@coesfeld.example", "Jonas", None, None, None),
    "mia": ("mia@coesfeld.example", "Mia S.", None, None, None),
    "lukas": ("lukas@coesfeld.example", "Lukas_aus_Senden", None, None, None),
    "gisela": ("gisela@coesfeld.example", "Gisela M.", None, None, None),
    "org_architekten": ("architekten@coesfeld.example", "Tobias Roß", "Architekturbüro Roß & Partner", None, None),
    "org_stadtwerke": ("stadtwerke@coesfeld.example", "Kommunikation", "Stadtwerke (Demo)", None, None),
    "org_heimatverein": ("heimatverein@coesfeld.example", "Vorstand", "Heimatverein Baumberge (Demo)", None, None),
    "org_schulfoerderverein": ("foerderverein@coesfeld.example", "Sabine", "Schulförderverein (Demo)", None, None),
    "org_wfc_partner": ("gruendung@coesfeld.example", "Team Gründung", "Gründungsnetzwerk Kreis Coesfeld (Demo)", None, None),
    "org_handwerk": ("handwerk@coesfeld.example", "Geschäftsstelle", "Handwerkerschaft (Demo)", None, None),
    "org_landwirte": ("hof@coesfeld.example", "Familie Schulze", "Hofgemeinschaft Schulze (Demo)", None, None),
}

COMMENTS = [
    "Tolle Idee, das würde ich sofort nutzen!",
    "Gibt es so etwas nicht schon in Münster? Vielleicht kann man sich dort Erfahrungen holen.",
    "Wichtig wäre, dass es auch ohne Smartphone funktioniert.",
    "Wer soll das auf Dauer bezahlen? Das sollte man vorher klären.",
    "In unserem Ortsteil wäre das besonders hilfreich.",
    "Ich würde gern mithelfen. Wie kann man sich melden?",
    "Bitte an den Datenschutz denken!",
    "Das passt gut zum Projekt „Online ins Rathaus“.",
]


@dataclass
class DemoResult:
    ideas_created: int = 0
    ideas_existing: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)


def _account(key: str) -> User:
    email, name, organisation, role, _label = ACCOUNTS[key]
    user = auth_services.find_user_by_email(email)
    if user is None:
        user = auth_services.register_account(
            email=email,
            password=secrets.token_urlsafe(24),
            display_name=name,
            account_type=ACCOUNT_ORGANISATION if organisation else "citizen",
            organisation_name=organisation,
        ).user
        user.confirmed_at = utcnow()
        legal.record_acceptance(user)  # as at sign-up
        # The demo password is published and too weak for the password rules on purpose (one to
        # remember for every demo account); `flask seed demo` is refused in production.
        user.password_hash = generate_password_hash(DEMO_PASSWORD)
    if role:
        auth_services.grant_role(user, role)
        if not user.has_second_factor:
            # Staff need a second factor; `flask users totp-code EMAIL` prints the current code in development.
            second_factor.start_enrolment(user)
            user.totp_enrolled_at = utcnow()
    return user


def load_demo_data() -> DemoResult:
    """Flushes, does not commit. Expects reference data to be loaded."""
    result = DemoResult()
    rng = random.Random(12)
    users = {key: _account(key) for key in ACCOUNTS}
    for email, _name, _organisation, _role, label in ACCOUNTS.values():
        if label:
            result.accounts.append((label, email))
    db.session.flush()

    fields = {f.slug: f for f in db.session.scalars(select(ActionField))}
    municipalities = {m.slug: m for m in db.session.scalars(select(Municipality))}
    officer = users["officer_duelmen"]
    if not officer.officer_towns and "duelmen" in municipalities:
        officer.officer_towns = [OfficerTown(user_id=officer.id, municipality_id=municipalities["duelmen"].id)]
    existing_titles = set(db.session.scalars(select(Idea.title)))
    participants = [u for k, u in users.items() if not ACCOUNTS[k][3]]
    now = utcnow()
    followers: list[tuple[Idea, dict[User, datetime]]] = []

    for index, (title, summary, benefit, challenges, field_slugs, town, author_key) in enumerate(IDEAS):
        if title in existing_titles:
            result.ideas_existing += 1
            continue
        published = now - timedelta(days=len(IDEAS) - index, hours=rng.randint(0, 20))
        idea = Idea(
            title=title,
            summary=summary,
            benefit=benefit,
            challenges=challenges,
            partners="",
            municipality=municipalities[town],
            author=users[author_key],
            action_fields=[fields[s] for s in field_slugs],
            status=PUBLISHED,
            created_at=published,
            edited_at=published,
            published_at=published,
            status_changed_at=published,
        )
        idea.search_document = search.idea_document(idea)
        db.session.add(idea)
        db.session.add(IdeaStateChange(idea=idea, from_status=None, to_status="draft", actor=idea.author, created_at=published))
        db.session.add(IdeaStateChange(idea=idea, from_status="draft", to_status=PUBLISHED, actor=idea.author, created_at=published))

        # Who wrote, supported or commented follows the idea from then on, as the services do it
        # (app/participation/services.py): so the demo's authors hear of comments on their ideas.
        following: dict[User, datetime] = {idea.author: published}
        supporters = rng.sample([u for u in participants if u is not idea.author], rng.randint(0, 9))
        for supporter in supporters:
            when = min(published + timedelta(hours=rng.randint(1, 24 * (len(IDEAS) - index))), now)
            db.session.add(Support(idea=idea, user=supporter, created_at=when))
            following.setdefault(supporter, when)
        idea.support_count = len(supporters)

        comments = rng.randint(0, 4)
        for number in range(comments):
            when = min(published + timedelta(hours=3 + 7 * number), now)
            commenter = rng.choice(participants)
            db.session.add(Comment(idea=idea, author=commenter, body=rng.choice(COMMENTS), created_at=when))
            following[commenter] = min(following.get(commenter, when), when)
        idea.comment_count = comments
        followers.append((idea, following))
        result.ideas_created += 1
    db.session.flush()
    db.session.add_all(Follow(idea_id=idea.id, user_id=user.id, created_at=since) for idea, following in followers
                       for user, since in following.items())
    db.session.flush()
    _demo_events(municipalities, now)
    return result


DEMO_EVENTS = (
    # (days from today, hour, kind, title, town, address, places)
    (9, 18, "workshop", "Themenworkshop Mobilität", "duelmen", "Rathaus Dülmen, Markt 1, Ratssaal", 30),
    (16, 10, "helpdesk", "Sprechstunde der Digitallotsen", "nottuln", "Bürgerbüro Nottuln", None),
)


def _demo_events(municipalities: dict[str, Municipality], now: datetime) -> None:
    """Two upcoming events, so /veranstaltungen and the towns' pages show what they are for; once."""
    existing = set(db.session.scalars(select(Meeting.title)))
    for days, hour, kind, title, town, address, places in DEMO_EVENTS:
        if title in existing:
            continue
        zone = local_zone()
        day = now.astimezone(zone).date() + timedelta(days=days)
        start = datetime.combine(day, time(hour), zone)  # German time, whatever the season
        db.session.add(Meeting(kind=kind, title=title, starts_at=start, ends_at=start + timedelta(hours=2),
                               municipality_id=municipalities[town].id, address=address, capacity=places,
                               description="Eine Veranstaltung der Demo-Daten."))


# The loop from idea to project, walked with the real services so that every
# step is in the histories and the audit log: (title, target, relevance, potential).
CURATION = [
    ("Terminbuchung im Bürgerbüro per App", "in_review", 4, 3),
    ("Mängelmelder für Straßen und Radwege", "in_review", None, None),
    ("Radwegenetz-Karte mit Zustand", "candidate", 4, 4),
    ("Bürgerbus in Echtzeit", "candidate", 3, 2),
    ("Kostenloses WLAN auf dem Marktplatz", "candidate", 2, 4),
    ("E-Bike-Verleih an Bahnhöfen", "shortlisted", 5, 3),
    ("Lokaler Online-Marktplatz für den Einzelhandel", "in_portfolio", 4, 4),
]

# The moderation's public answer to each curated idea, by the state it reaches.
DEMO_ANSWERS = {
    "in_review": "Vielen Dank für Ihre Idee. Wir prüfen sie gerade mit den zuständigen Fachämtern und melden uns hier wieder.",
    "candidate": "Die Idee passt gut zu den Zielen der Strategie. Wir haben sie als Kandidat für das Portfolio vorgeschlagen; "
                 "das Steuerungsgremium berät in seiner nächsten Sitzung darüber.",
    "shortlisted": "Das Steuerungsgremium hat die Idee in die engere Auswahl genommen. Als Nächstes schätzen wir Aufwand und Kosten.",
    "in_portfolio": "Die Idee ist jetzt ein Projekt der Strategie. Den Stand sehen Sie auf der Projektseite.",
}

# Demo budget lines after the seed's table ("Raum": investiv, konsumtiv in euros), one project each.
DEMO_BUDGETS = [
    (1, "Demo: Raum für smarte Arbeit", "40000.00", "330000.00"),
    (19, "Demo: Raum für nachhaltige Mobilität", "3300000.00", "850000.00"),
    (26, "Demo: Raum für regionalen Handel", "40000.00", "370000.00"),
    (15, "Demo: Raum für zukunftssichernde Innovationen", "890000.00", "610000.00"),
    (23, "Demo: Raum für partizipative Stadt- und Regionalentwicklung", "130000.00", "390000.00"),
    (5, "Demo: Raum für digitale Bildung", "500000.00", "590000.00"),
    (6, "Demo: Raum für breite Teilhabe", "20000.00", "140000.00"),
]


def curate_demo_ideas() -> int:
    """Move some demo ideas through review, scoring, shortlist and import, once. Returns how many moved."""
    from decimal import Decimal

    from app.models import BudgetLine, Project, Raum
    from app.moderation import rubric
    from app.moderation import services as moderation
    from app.portfolio import services as portfolio

    moderator, steering = _account("moderation"), _account("steering")
    criteria = rubric.active_criteria()
    moved = 0
    for title, target, relevance, potential in CURATION:
        idea = db.session.scalar(select(Idea).where(Idea.title == title))
        if idea is None or idea.status != PUBLISHED:
            continue  # already curated (or changed by someone): leave it
        moderation.change_status(idea, "in_review", moderator)
        if relevance is not None:
            values = {c.id: (relevance if c.axis == "relevance" else potential, "") for c in criteria}
            rubric.score_idea(idea, moderator, values)
        if target != "in_review":
            moderation.change_status(idea, "candidate", moderator, "Hohe Relevanz für den Kreis.")
        if target in ("shortlisted", "in_portfolio"):
            portfolio.shortlist_idea(idea, steering, "Passt zu den Zielen der Strategie.")
        if target == "in_portfolio":
            plan = portfolio.ProjectPlan(
                idea_ids=[idea.id],
                data=portfolio.ProjectData(title="Online-Marktplatz Kreis Coesfeld", action_field_id=idea.action_fields[0].id, municipality_id=idea.municipality_id, priority_group="II"),
                budget=portfolio.BudgetInput("Plattform und Einführung", 2027, "konsumtiv", Decimal("180000.00")),
            )
            portfolio.import_into_portfolio(steering, [plan])
        moderation.publish_answer(idea, moderator, DEMO_ANSWERS[target], "Ihre Moderation, Digitalagentur COE")
        moved += 1
    if not db.session.scalar(select(BudgetLine.id).where(BudgetLine.label.startswith("Demo:")).limit(1)):
        # The seed's application: one project per Raum, its lines applied for.
        for number, label, investive, consumptive in DEMO_BUDGETS:
            project = db.session.scalar(select(Project).where(Project.number == number))
            if project is None:
                continue
            project.raum = project.raum or db.session.scalar(select(Raum).where(Raum.name == label.removeprefix("Demo: ")))
            project.in_application = True
            for kind, amount in (("investiv", investive), ("konsumtiv", consumptive)):
                db.session.add(BudgetLine(project=project, label=label, year=2025, kind=kind, amount=Decimal(amount), release_status="beantragt"))
    db.session.flush()
    return moved
