"""Supporters versus the Steuerungsgremium (app/portfolio/decisions.py): ranks with ties, merged
ideas left out, declined ideas, decisions that depart from the ranking, and those without reason;
the public page says so without naming anyone."""

import pytest

from app.extensions import db
from app.moderation import services as moderation
from app.participation import services as participation
from app.portfolio import decisions
from app.portfolio import services as portfolio
from tests.factories import advance_idea, create_user, make_idea
from tests.helpers import page_text


@pytest.fixture
def committee(app, reference):
    moderator = create_user("mod@example.com", roles=("moderator",))
    steering = create_user("sg@example.com", roles=("steering",), display_name="Gremiumsmitglied Gerda")
    supporters = [create_user(f"fan{n}@example.com") for n in range(6)]
    author = create_user("autorin@example.com")
    db.session.commit()

    def supported(title: str, supports: int):
        idea = make_idea(author, title)
        for fan in supporters[:supports]:
            participation.support_idea(fan, idea)
        db.session.commit()
        return idea

    def candidate(title: str, supports: int):
        return advance_idea(supported(title, supports), "in_review", "candidate", moderator=moderator)

    ideas = {
        "popular_declined": candidate("Beliebt, abgelehnt", 5),
        "chosen_weak": candidate("Schwach, gewählt", 1),
        "chosen_strong": candidate("Stark, gewählt", 5),
        "tie": candidate("Gleichauf, offen", 3),
        "tie2": candidate("Gleichauf, auch offen", 3),
        "merged": supported("Doppelte Idee", 4),  # merged before it could become a candidate
    }
    portfolio.shortlist_idea(ideas["chosen_weak"], steering, "")  # no reason
    portfolio.shortlist_idea(ideas["chosen_strong"], steering, "Passt zur Strategie.")
    portfolio.decline_idea(ideas["popular_declined"], steering, "Rechtlich nicht möglich.")
    moderation.merge_idea(ideas["merged"], ideas["tie"], moderator, "Doppelt")
    db.session.commit()
    return ideas


def test_ranks_ties_outcomes_and_departures(committee):
    rows = {r.idea.title: r for r in decisions.comparison()}
    assert "Doppelte Idee" not in rows, "a merged idea's supports count on its target"
    assert [(r.idea.title, r.supports, r.rank) for r in decisions.comparison()] == [
        ("Beliebt, abgelehnt", 5, 1),
        ("Stark, gewählt", 5, 1),
        ("Gleichauf, offen", 4, 3),  # 3, and the merged idea's supporters once each: one more
        ("Gleichauf, auch offen", 3, 4),
        ("Schwach, gewählt", 1, 5),
    ]
    assert rows["Stark, gewählt"].rank == rows["Beliebt, abgelehnt"].rank, "ties share a rank"
    weak, declined, strong, open_ = rows["Schwach, gewählt"], rows["Beliebt, abgelehnt"], rows["Stark, gewählt"], rows["Gleichauf, auch offen"]
    assert (weak.outcome, declined.outcome, strong.outcome, open_.outcome) == ("chosen", "declined", "chosen", "open")
    assert weak.chosen_over_stronger and weak.reason == "", "chosen before a more supported idea, without a reason"
    assert declined.declined_over_weaker and declined.reason == "Rechtlich nicht möglich."
    assert not strong.departs, "5 supports, as many as the declined one: no departure"
    assert not open_.departs, "not decided yet: nothing to compare"


def test_the_public_page_names_the_departures_and_no_one(client, committee):
    page = page_text(client.get("/portfolio/wie-entschieden-wurde").text)
    assert "Wie entschieden wurde" in page
    assert "2 Entscheidungen weichen von der Reihenfolge der Unterstützungen ab." in page
    assert "1 davon hat keine Begründung." in page
    assert "vor einer stärker unterstützten Idee gewählt Keine Begründung angegeben." in page
    assert "abgelehnt, obwohl stärker unterstützt als eine gewählte Idee Rechtlich nicht möglich." in page
    assert "Gremiumsmitglied Gerda" not in page and "Doppelte Idee" not in page


def test_the_committee_declines_a_shortlisted_idea_with_a_reason(client, auth, committee):
    idea = committee["chosen_strong"]
    auth.login("sg@example.com")
    assert "Oder die Idee ablehnen" in page_text(client.get(f"/portfolio/shortlist/{idea.id}").text)
    empty = client.post(f"/portfolio/shortlist/{idea.id}/ablehnen", data={"reason": ""})
    assert empty.status_code == 422 and "Bitte geben Sie eine Begründung an." in page_text(empty.text)
    done = client.post(f"/portfolio/shortlist/{idea.id}/ablehnen", data={"reason": "Förderung läuft bereits über das Land."})
    assert done.status_code == 303
    db.session.expire_all()
    assert idea.status == "declined"
    assert "Förderung läuft bereits über das Land." in page_text(client.get(f"/ideen/{idea.id}").text)
    auth.logout()
    auth.login("mod@example.com")
    assert client.post(f"/portfolio/shortlist/{committee['chosen_weak'].id}/ablehnen", data={"reason": "x"}).status_code == 403
