"""Ideas that build on a portfolio project, through HTTP: the card's project field, the moderation's
link with a reason, the committee's third import choice, the project's list and the portfolio's counts."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Idea, Project
from app.participation import services as participation
from tests.factories import advance_idea, create_user, make_idea
from tests.helpers import idea_form, page_text


@pytest.fixture
def people(app, reference):
    return {
        "author": create_user(),
        "fan": create_user("fan@example.com", display_name="Fan F."),
        "moderator": create_user("mod@example.com", roles=("moderator",)),
        "steering": create_user("sg@example.com", roles=("steering",)),
    }


def _p(number: int) -> Project:
    return db.session.scalar(select(Project).where(Project.number == number))


def test_the_card_offers_the_portfolio_and_takes_a_project_by_number_or_title(client, auth, people):
    auth.login()
    form = client.get("/ideen/neu").text
    assert 'list="portfolio-projects"' in form and f'<option value="P20 – {_p(20).title}">' in form
    done = client.post("/ideen/neu", data=idea_form(builds_on="P20", similar_checked="1"))
    assert done.status_code == 302
    idea = db.session.scalar(select(Idea).order_by(Idea.id.desc()))
    assert idea.project_id == _p(20).id
    page = page_text(client.get(done.location).text)
    assert f"Diese Idee ergänzt das Projekt P20 {_p(20).title}" in page
    by_title = client.post("/ideen/neu", data=idea_form(title="Zweite Idee", builds_on=_p(19).title, similar_checked="1"))
    assert by_title.status_code == 302 and db.session.scalar(select(Idea.project_id).order_by(Idea.id.desc())) == _p(19).id


def test_an_unknown_project_comes_back_beside_the_field_with_the_card(client, auth, people):
    auth.login()
    refused = client.post("/ideen/neu", data=idea_form(builds_on="P999 Luftschloss", similar_checked="1"))
    assert refused.status_code == 422
    assert "Bitte wählen Sie ein Projekt des Portfolios aus der Liste." in refused.text
    assert 'value="P999 Luftschloss"' in refused.text and "Wartende wissen, wann der Bus kommt." in refused.text
    assert db.session.scalar(select(Idea.id)) is None


def test_a_draft_that_builds_on_a_project_stays_private(client, auth, people):
    auth.login()
    client.post("/ideen/neu", data=idea_form(title="Geheimer Entwurf", builds_on="P20", publish="", save_draft="1"))
    auth.logout()
    assert "Geheimer Entwurf" not in client.get("/portfolio/P20").text
    assert "Geheimer Entwurf" not in client.get("/api/v1/projects/P20").text


def test_the_moderation_links_an_idea_with_a_reason_shown_in_its_history(client, auth, people):
    idea = make_idea(people["author"], "Carsharing-App")
    auth.login("mod@example.com")
    page = client.get(f"/moderation/ideen/{idea.id}").text
    assert 'id="h-project"' in page and 'name="link_reason"' in page
    no_reason = client.post(f"/moderation/ideen/{idea.id}/projekt", data={"project": str(_p(20).id), "link_reason": ""})
    assert no_reason.status_code == 422 and "Bitte geben Sie eine Begründung an." in no_reason.text
    unknown = client.post(f"/moderation/ideen/{idea.id}/projekt", data={"project": "987654", "link_reason": "Passt."})
    assert unknown.status_code == 422 and "Bitte wählen Sie ein Projekt des Portfolios aus der Liste." in unknown.text
    linked = client.post(f"/moderation/ideen/{idea.id}/projekt", data={"project": str(_p(20).id), "link_reason": "Gehört zu P20."})
    assert linked.status_code == 303
    auth.logout()
    history = page_text(client.get(f"/ideen/{idea.id}").text)
    assert f"Von der Moderation verknüpft mit dem Projekt P20 {_p(20).title} – Gehört zu P20." in history
    assert "Carsharing-App" in client.get("/portfolio/P20").text


def test_the_committee_adds_shortlisted_ideas_to_an_existing_project(client, auth, people):
    idea = make_idea(people["author"], "Bürgerbus-App")
    participation.support_idea(people["fan"], idea)
    db.session.commit()
    advance_idea(idea, "in_review", "candidate", "shortlisted", moderator=people["moderator"], steering=people["steering"])
    auth.login("sg@example.com")
    step1 = client.get("/portfolio/uebernahme").text
    assert 'value="bestehend"' in step1 and f'<option value="{_p(20).id}">P20 – ' in step1
    step2 = client.get(f"/portfolio/uebernahme?idee={idea.id}&modus=bestehend&projekt={_p(20).id}")
    assert step2.status_code == 200 and "Bürgerbus-App" in step2.text
    assert re.search(rf'<option selected value="{_p(20).id}">', step2.text)
    bad = client.post("/portfolio/uebernahme/baustein", data={"idea_ids": str(idea.id), "project": "",
                                                             "budget_label": "App", "budget_year": "2027", "budget_kind": "konsumtiv",
                                                             "budget_amount": "12.500,00", "budget_rate": "65"})
    assert bad.status_code == 422 and 'value="12.500,00"' in bad.text, "the budget line as typed"
    done = client.post("/portfolio/uebernahme/baustein", data={"idea_ids": str(idea.id), "project": str(_p(20).id),
                                                              "budget_label": "App", "budget_year": "2027", "budget_kind": "konsumtiv",
                                                              "budget_amount": "12.500,00", "budget_rate": "65"})
    assert done.status_code == 303 and done.location == "/portfolio/P20#h-origin"
    auth.logout()
    project_page = page_text(client.get("/portfolio/P20").text)
    assert "Eine Idee als Baustein aufgenommen: Bürgerbus-App" in project_page
    assert "Bürgerbus-App – Im Portfolio" in project_page and "12.500,00 €" in project_page
    listing = page_text(client.get("/portfolio").text)
    assert "1 Idee von der Plattform, unterstützt von 1 Person" in listing


def test_a_project_page_invites_an_idea_that_builds_on_it(client, auth, people):
    page = client.get("/portfolio/P26").text
    assert "Noch keine Idee von der Plattform." in page and 'href="/ideen/neu?projekt=P26"' in page
    auth.login()
    form = client.get("/ideen/neu?projekt=P26").text
    assert f'value="P26 – {_p(26).title}"' in form
    unknown = re.search(r'<input[^>]*id="builds_on"[^>]*>', client.get("/ideen/neu?projekt=P999").text).group(0)
    assert 'value=""' in unknown or "value=" not in unknown, "an unknown project is not prefilled"


def test_the_seeds_project_texts_and_plain_words_where_it_has_none(client, reference):
    p3, p4 = page_text(client.get("/portfolio/P3").text), page_text(client.get("/portfolio/P4").text)
    assert "Einführung eines Netzwerks als interkommunen der Digitalisierung + strukturierter Austausch zu DMS" in p3
    assert "Kundenorientierung zu fördern/sc…" in p4 and "Die Zeile bricht in der Vorlage hier ab." in p4
    assert "Die Strategie nennt dieses Projekt nur mit seinem Titel; eine Beschreibung gibt sie nicht." in page_text(client.get("/portfolio/P5").text)


def test_the_similar_check_offers_matching_projects_and_contributing_keeps_the_card(client, auth, people):
    p20 = _p(20)  # "App in die Verkehrswende"
    auth.login()
    live = client.get("/ideen/aehnliche", query_string={"titel": "Eine App für die Verkehrswende im Kreis"}).text
    assert "Passende Projekte im Portfolio" in live and 'name="contribute_to" value="P20"' in live
    card = idea_form(title="Verkehrswende-App für Pendler", summary="Eine App für die Verkehrswende.")
    checked = client.post("/ideen/neu", data={**card, "publish": "", "check_similar": "1"})
    assert 'name="contribute_to" value="P20"' in checked.text
    chosen = client.post("/ideen/neu", data={**card, "publish": "", "contribute_to": "P20"})
    assert chosen.status_code == 200 and db.session.scalar(select(Idea.id)) is None, "nothing saved yet"
    assert f'value="P20 – {p20.title}"' in chosen.text and "Wartende wissen, wann der Bus kommt." in chosen.text
    assert "Ihre Idee ergänzt jetzt P20" in chosen.text
    unrelated = client.get("/ideen/aehnliche", query_string={"titel": "Kuhstall"}).text
    assert "Passende Projekte" not in unrelated
