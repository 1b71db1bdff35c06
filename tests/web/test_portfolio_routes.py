"""Portfolio pages: public list, project page and budget overview; staff edits; shortlist and import by the steering committee."""

import re
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ActionField, BudgetLine, Idea, Project
from app.participation import services as participation
from app.portfolio import services
from tests.factories import advance_idea, create_user, make_idea
from tests.helpers import MIO, SEED_ROWS, page_text


@pytest.fixture
def people(app, reference):
    return {
        "author": create_user("autorin@example.com", display_name="Autorin A."),
        "follower": create_user("fan@example.com", display_name="Fan F."),
        "moderator": create_user("mod@example.com", roles=("moderator",)),
        "steering": create_user("sg@example.com", roles=("steering",)),
        "admin": create_user("admin@example.com", roles=("admin",)),
    }


def _shortlisted(people, title, **card):
    idea = make_idea(people["author"], title, **card)
    return advance_idea(idea, "in_review", "candidate", "shortlisted", moderator=people["moderator"], steering=people["steering"])




def test_portfolio_lists_p1_to_p28_by_action_field(client, reference):
    page = client.get("/portfolio")
    assert page.status_code == 200
    text = page_text(page.text)
    assert "28 Projekte" in text
    for code, title in (("P1", "Online ins Rathaus"), ("P19", "Smarter unterwegs"), ("P28", "Digitaler Motivationsschub")):
        assert f"{code} {title}" in text
    html = page.text
    assert html.index('id="field-verwaltung"') < html.index("Online ins Rathaus") < html.index('id="field-bildung"') < html.index("Lernen 12.0")
    assert "Priorität: I" in text and "Priorität: nicht festgelegt" in text and "Status: geplant" in text and "kreisweit" in text


@pytest.mark.parametrize(
    ("query", "count", "present", "absent"),
    [
        ("field=mobilitaet", 4, "P19 Smarter", "P1 Online"),
        ("priority=I", 4, "P1 Online", "P5 Lernen"),
        ("priority=offen", 24, "P5 Lernen", "P1 Online"),
        ("status=in_progress", 1, "P20 App", "P19 Smarter"),
        ("municipality=duelmen", 1, "P20 App", "P19 Smarter"),
        ("municipality=kreisweit", 27, "P19 Smarter", "P20 App"),
    ],
)
def test_portfolio_filters(client, people, query, count, present, absent):
    project = db.session.scalar(select(Project).where(Project.number == 20))
    data = services.ProjectData(title=project.title, action_field_id=project.action_field_id, municipality_id=_town("duelmen"), status="in_progress")
    services.edit_project(project, people["admin"], data)
    db.session.commit()
    text = page_text(client.get(f"/portfolio?{query}").text)
    assert f"{count} Projekt" in text
    assert present in text and absent not in text


def _town(slug):
    from app.models import Municipality

    return db.session.scalar(select(Municipality.id).where(Municipality.slug == slug))


def test_portfolio_list_costs_a_fixed_number_of_queries(client, people, count_queries):
    ideas = [_shortlisted(people, f"Idee {n}") for n in range(3)]
    services.import_into_portfolio(people["steering"], [services.ProjectPlan([i.id], services.ProjectData(f"Projekt {i.id}", _field("mobilitaet"))) for i in ideas])
    db.session.commit()
    with count_queries() as counter:
        assert client.get("/portfolio").status_code == 200
    assert counter.count <= 8, counter.statements


def _field(slug):
    return db.session.scalar(select(ActionField.id).where(ActionField.slug == slug))


def test_project_page_shows_origin_ideas_budget_and_history(client, people):
    idea = _shortlisted(people, "Bürgerbus per App buchen")
    budget = services.BudgetInput("App-Entwicklung", 2027, "investiv", Decimal("80000.00"))
    plan = services.ProjectPlan([idea.id], services.ProjectData("Bürgerbus digital", _field("mobilitaet"), priority_group="II"), budget)
    services.import_into_portfolio(people["steering"], [plan])
    db.session.commit()
    page = client.get("/portfolio/P29")
    assert page.status_code == 200
    text = page_text(page.text)
    assert "P29 Bürgerbus digital" in text and "Priorität: II" in text and "geplant" in text
    assert f'href="/ideen/{idea.id}"' in page.text and "Autorin A." in text
    assert "80.000,00 €" in text and "52.000,00 €" in text and "28.000,00 €" in text  # amount, funding 65 %, own share
    # The sum before the table: on a phone the table's amounts are off to the right.
    assert "Budget Gesamt: 80.000,00 €, davon Förderung 52.000,00 € und Eigenanteil 28.000,00 €. Budgetposten von P29" in text
    assert "Ins Portfolio aufgenommen als „geplant“" in text
    assert "Bearbeiten" not in text  # the public sees no staff links
    assert client.get("/portfolio/P999").status_code == 404
    # The idea points to its project, on its page and in lists.
    assert "P29 Bürgerbus digital" in page_text(client.get(f"/ideen/{idea.id}").text)
    assert "P29 Bürgerbus digital" in page_text(client.get("/ideen?status=in_portfolio").text)


def test_budget_page_shows_the_exact_sums_of_the_seed_table(client, people):
    # The seed's seven rows, entered as budget lines (investiv and konsumtiv) of projects in five action fields.
    projects = {n: db.session.scalar(select(Project).where(Project.number == n)) for n in (1, 19, 26, 12, 23, 5, 6)}
    for (name, investive, consumptive), number in zip(SEED_ROWS, projects, strict=True):
        for kind, amount in (("investiv", investive), ("konsumtiv", consumptive)):
            services.add_budget_line(projects[number], people["steering"], services.BudgetInput(name, 2025, kind, Decimal(amount) * MIO))
    db.session.commit()
    page = client.get("/portfolio/budget")
    assert page.status_code == 200
    lines = db.session.scalars(select(BudgetLine)).all()
    investive = sum((line.amount for line in lines if line.kind == "investiv"), Decimal(0))
    consumptive = sum((line.amount for line in lines if line.kind == "konsumtiv"), Decimal(0))
    assert (investive, consumptive) == (Decimal("4920000.00"), Decimal("3280000.00"))

    def total(name):
        cell = re.search(rf'data-total="{name}">([^<]+)<', page.text).group(1)
        return Decimal(cell.replace("\u00a0€", "").replace(".", "").replace(",", "."))

    assert total("investive") == investive
    assert total("consumptive") == consumptive
    assert total("total") == investive + consumptive
    assert total("funding") == Decimal("5330000.00")
    assert total("own_share") == investive + consumptive - Decimal("5330000.00")
    text = page_text(page.text)
    assert "Gesamt: 8,20 Mio. €" in text and "davon Förderung 5,33 Mio. € und Eigenanteil 2,87 Mio. €" in text
    assert "60,0 %" in text and "40,0 %" in text
    assert "4,15 Mio. €" in text  # Mobilität holds only the mobility row: 3,30 + 0,85
    shares = [Decimal(s.replace(",", ".")) for s in re.findall(r'<td class="num">(\d+,\d) %</td>', page.text.replace("\u00a0", " "))]
    assert len(shares) >= 5 and sum(shares[:5]) == Decimal("100.0")  # per action field


def test_steering_shortlists_with_a_note(client, auth, people):
    idea = advance_idea(make_idea(people["author"], "Kandidatin"), "in_review", "candidate", moderator=people["moderator"])
    auth.login("sg@example.com")
    candidates = client.get("/moderation/kandidaten").text
    assert f'href="/portfolio/shortlist/{idea.id}"' in candidates
    response = client.post(f"/portfolio/shortlist/{idea.id}", data={"note": "Hohe Relevanz für Pendler."})
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.status == "shortlisted"
    assert "Hohe Relevanz für Pendler." in client.get(f"/ideen/{idea.id}").text
    # Taking it back needs a reason; without one the form returns with the message.
    response = client.post(f"/portfolio/shortlist/{idea.id}", data={"note": ""})
    assert response.status_code == 422 and "Bitte geben Sie eine Begründung an." in response.text


def test_import_in_two_steps_combining_two_ideas(client, auth, people):
    first = _shortlisted(people, "WLAN am Marktplatz", fields=["innenstadt-dorfmitte"], municipality="nottuln")
    second = _shortlisted(people, "WLAN im Freibad", fields=["innenstadt-dorfmitte"])
    participation.follow_idea(people["follower"], second)
    db.session.commit()
    auth.login("sg@example.com")
    step1 = client.get("/portfolio/uebernahme")
    assert "WLAN am Marktplatz" in step1.text and "WLAN im Freibad" in step1.text
    step2 = client.get(f"/portfolio/uebernahme?idee={first.id}&idee={second.id}&modus=zusammen")
    assert step2.status_code == 200
    assert step2.text.count("Neues Projekt ") == 1
    assert 'value="WLAN am Marktplatz"' in step2.text  # proposed from the first idea
    assert f'value="{first.id},{second.id}"' in step2.text
    assert re.search(rf'<option selected value="{_field("innenstadt-dorfmitte")}">', step2.text)  # action field proposed from the idea
    form = {
        "projects-0-idea_ids": f"{first.id},{second.id}",
        "projects-0-title": "WLAN an öffentlichen Orten",
        "projects-0-action_field_id": str(_field("innenstadt-dorfmitte")),
        "projects-0-municipality_id": str(_town("nottuln")),
        "projects-0-priority_group": "I",
        "projects-0-description": "Zwei Ideen, ein Netz.",
        "projects-0-budget_label": "Router",
        "projects-0-budget_year": "2027",
        "projects-0-budget_kind": "investiv",
        "projects-0-budget_amount": "45.000,00",
        "projects-0-budget_rate": "65",
    }
    response = client.post("/portfolio/uebernahme", data=form)
    assert response.status_code == 302 and response.location == "/portfolio/P29"
    project = db.session.scalar(select(Project).where(Project.number == 29))
    assert project.title == "WLAN an öffentlichen Orten" and project.priority_group == "I"
    assert [i.id for i in project.ideas] == [first.id, second.id]
    assert project.budget_lines[0].amount == Decimal("45000.00")
    # Author and follower see it on "Meine Ideen".
    for email in ("autorin@example.com", "fan@example.com"):
        auth.logout()
        auth.login(email)
        assert "P29 WLAN an öffentlichen Orten" in page_text(client.get("/ideen/meine").text)


def test_import_with_bad_input_keeps_everything_and_saves_nothing(client, auth, people):
    idea = _shortlisted(people, "Sensoren im Parkhaus")
    auth.login("sg@example.com")
    form = {
        "projects-0-idea_ids": str(idea.id),
        "projects-0-title": "Parken mit Sensoren",
        "projects-0-action_field_id": str(_field("mobilitaet")),
        "projects-0-municipality_id": str(_town("coesfeld")),
        "projects-0-priority_group": "",
        "projects-0-budget_label": "Sensoren",
        "projects-0-budget_year": "2027",
        "projects-0-budget_kind": "investiv",
        "projects-0-budget_amount": "zwölftausend",
        "projects-0-budget_rate": "65",
    }
    response = client.post("/portfolio/uebernahme", data=form)
    assert response.status_code == 422
    assert "Bitte geben Sie den Betrag als Zahl an" in response.text
    assert 'value="zwölftausend"' in response.text and 'value="Parken mit Sensoren"' in response.text
    assert db.session.scalar(select(func.count(Project.id))) == 28
    # An idea that is no longer shortlisted (e.g. imported meanwhile in another tab): a message, nothing saved.
    form["projects-0-budget_amount"] = "12000"
    form["projects-0-idea_ids"] = str(make_idea(people["author"], "Nur veröffentlicht").id)
    response = client.post("/portfolio/uebernahme", data=form)
    assert response.status_code == 422 and "Nur sichtbare Ideen der Shortlist" in response.text
    assert db.session.scalar(select(func.count(Project.id))) == 28
    assert db.session.get(Idea, idea.id).status == "shortlisted"


def test_import_step_two_shows_scores_and_notes_and_works_out_the_funding_without_javascript(client, auth, people):
    idea = _shortlisted(people, "Sensoren im Parkhaus")
    auth.login("sg@example.com")
    step2 = client.get(f"/portfolio/uebernahme?idee={idea.id}")
    assert "Relevanz" in step2.text and "Potenzial" in step2.text and "Notiz zur Shortlist" in step2.text
    assert f'value="{datetime.now().year + 1}"' in step2.text, "the year proposed is the next one"
    assert page_text(step2.text).count("Budgetposten") <= 1, "one label, not two"
    form = {
        "projects-0-idea_ids": str(idea.id), "projects-0-title": "Parken mit Sensoren",
        "projects-0-action_field_id": str(_field("mobilitaet")), "projects-0-municipality_id": str(_town("coesfeld")),
        "projects-0-budget_label": "Sensoren", "projects-0-budget_year": "2027", "projects-0-budget_kind": "investiv",
        "projects-0-budget_amount": "12.500,00", "projects-0-budget_rate": "65", "projects-0-priority_group": "", "preview": "1",
    }
    preview = client.post("/portfolio/uebernahme", data=form)
    assert preview.status_code == 200 and "Förderung 8.125,00 €, Eigenanteil 4.375,00 €" in page_text(preview.text)
    assert db.session.scalar(select(func.count(Project.id))) == 28, "a preview saves nothing"


def test_import_step_one_without_a_choice_says_so(client, auth, people):
    _shortlisted(people, "Eine Idee")
    auth.login("sg@example.com")
    response = client.get("/portfolio/uebernahme?modus=einzeln")
    assert response.status_code == 200 and "Bitte wählen Sie mindestens eine Idee der Shortlist." in response.text


def test_staff_edit_a_project_and_bad_input_comes_back(client, auth, people):
    auth.login("admin@example.com")
    page = client.get("/portfolio/P19/bearbeiten")
    assert page.status_code == 200 and 'value="Smarter unterwegs"' in page.text
    data = {
        "title": "",
        "action_field_id": str(_field("mobilitaet")),
        "municipality_id": str(_town("coesfeld")),
        "priority_group": "II",
        "status": "in_progress",
        "reason": "",
        "responsible_body": "Kreisentwicklung",
        "description": "Mobilität *digital*.",
        "goals": "",
    }
    response = client.post("/portfolio/P19/bearbeiten", data=data)
    assert response.status_code == 422 and "Bitte geben Sie dem Projekt einen Titel." in response.text
    assert "Kreisentwicklung" in response.text
    data.update(title="Smarter unterwegs im Kreis", reason="Förderbescheid liegt vor.")
    assert client.post("/portfolio/P19/bearbeiten", data=data).status_code == 302
    text = page_text(client.get("/portfolio/P19").text)
    assert "P19 Smarter unterwegs im Kreis" in text and "in Umsetzung – Förderbescheid liegt vor." in text and "Kreisentwicklung" in text
    assert "<em>digital</em>" in client.get("/portfolio/P19").text
    data.update(title="Smarter\r\nunterwegs", responsible_body="Kreis-\nentwicklung", reason="")
    assert client.post("/portfolio/P19/bearbeiten", data=data).status_code == 302, "a crafted line break is not an error"
    project = db.session.scalar(select(Project).where(Project.number == 19))
    assert (project.title, project.responsible_body) == ("Smarter unterwegs", "Kreis- entwicklung")
    log = client.get("/verwaltung/protokoll?target_type=project").text
    assert "Projekt geändert" in log and "Förderbescheid liegt vor." in log


def test_budget_line_form_keeps_bad_input_and_edits(client, auth, people):
    auth.login("sg@example.com")
    data = {"label": "Lizenzen", "year": "2027", "kind": "konsumtiv", "amount": "12,345", "funding_rate": "65", "phase": "B",
            "release_status": "geplant"}
    response = client.post("/portfolio/P1/budget/neu", data=data)
    assert response.status_code == 422
    assert "Bitte höchstens zwei Nachkommastellen (Cent), z. B. 12.500,00." in response.text and 'value="12,345"' in response.text
    data["amount"] = "12.345,67"
    assert client.post("/portfolio/P1/budget/neu", data=data).status_code == 302
    line = db.session.scalar(select(BudgetLine))
    assert line.amount == Decimal("12345.67")
    edit = client.get(f"/portfolio/P1/budget/{line.id}")
    assert 'value="12345,67"' in edit.text
    assert client.post(f"/portfolio/P2/budget/{line.id}", data=data).status_code == 404  # a line of another project
    assert client.post(f"/portfolio/P1/budget/{line.id}/loeschen").status_code == 302
    assert db.session.scalar(select(func.count(BudgetLine.id))) == 0


def test_the_seed_table_by_raum_comes_back_from_its_rows(client, auth, people):
    """The seed's own table is by Raum: one project per Raum with the seed's figures gives back each
    row's total exactly, projects without a Raum in a row of their own (issue #35)."""
    from app.models import Raum
    from app.reference import RAEUME

    raeume = {r.name: r for r in db.session.scalars(select(Raum))}
    assert [name for _slug, name in RAEUME] == [r.name for r in sorted(raeume.values(), key=lambda r: r.position)]
    for (name, investive, consumptive), number in zip(SEED_ROWS, (1, 19, 26, 12, 23, 5, 6), strict=True):
        project = db.session.scalar(select(Project).where(Project.number == number))
        project.raum_id = raeume[name].id
        for kind, amount in (("investiv", investive), ("konsumtiv", consumptive)):
            services.add_budget_line(project, people["steering"], services.BudgetInput(name, 2025, kind, Decimal(amount) * MIO))
    unassigned = db.session.scalar(select(Project).where(Project.number == 2))
    services.add_budget_line(unassigned, people["steering"], services.BudgetInput("Ohne Raum", 2025, "investiv", Decimal("1000.00")))
    db.session.commit()
    text = page_text(client.get("/portfolio/budget?nach=raum").text)
    assert "Budget je Raum in Euro" in text
    for name, investive, consumptive in SEED_ROWS:
        total = (Decimal(investive) + Decimal(consumptive)) * MIO
        euros = f"{total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        assert re.search(rf"{re.escape(name)} [\d.,]+ € [\d.,]+ € {re.escape(euros)} €", text), name
    assert "Noch keinem Raum zugeordnet 1.000,00 € 0,00 € 1.000,00 €" in text
    # Staff assign a Raum on the project's form; a Raum that does not exist comes back beside the field.
    auth.login("sg@example.com")
    form = client.get("/portfolio/P3/bearbeiten").text
    assert "Raum des Smart-Cities-Aufrufs" in page_text(form)
    data = dict(re.findall(r'name="(title|action_field_id|municipality_id|status|responsible_body)"[^>]*value="([^"]*)"', form))
    p3 = db.session.scalar(select(Project).where(Project.number == 3))
    base = {"title": p3.title, "action_field_id": str(p3.action_field_id), "municipality_id": str(p3.municipality_id or 1),
            "status": p3.status, "priority_group": p3.priority_group or "", **{k: v for k, v in data.items() if k == "responsible_body"}}
    bad = client.post("/portfolio/P3/bearbeiten", data={**base, "raum_id": "99999"})
    assert bad.status_code == 422 and "Bitte wählen Sie einen Raum aus der Liste." in page_text(bad.text)
    good = client.post("/portfolio/P3/bearbeiten", data={**base, "raum_id": str(raeume["Raum für breite Teilhabe"].id)})
    assert good.status_code == 302
    db.session.expire_all()
    assert p3.raum.name == "Raum für breite Teilhabe"


def test_a_project_page_costs_a_fixed_number_of_queries(app, client, people, count_queries):
    """Everything the page shows is loaded up front (portfolio_queries.load_project): more history
    entries, trials in more towns, more ideas and budget lines cost no extra query (issue #36)."""
    from datetime import date

    from app.models import Milestone, Municipality, ProjectStatusChange, Trial

    project = db.session.scalar(select(Project).where(Project.number == 1))
    towns = db.session.scalars(select(Municipality).where(Municipality.is_district.is_(False)).order_by(Municipality.id)).all()

    def add(n: int) -> None:
        for i in range(n):
            actor = create_user(f"staff{n}-{i}@example.com", roles=("steering",))
            project.status_changes.append(ProjectStatusChange(from_status="planned", to_status="planned", actor=actor, reason=f"Grund {i}"))
            project.milestones.append(Milestone(title=f"Schritt {n}-{i}", planned_on=date(2027, 1, 1 + i)))
            project.trials.append(Trial(what=f"Test {n}-{i}", municipality_id=towns[i % len(towns)].id, starts_on=date(2027, 2, 1 + i)))
            project.budget_lines.append(BudgetLine(label=f"Posten {n}-{i}", year=2027, kind="investiv", amount=Decimal("100.00")))
            idea = make_idea(create_user(f"autor{n}-{i}@example.com"), f"Baustein {n}-{i}")
            idea.project_id = project.id
        db.session.commit()

    def queries() -> int:
        with count_queries() as counter:
            assert client.get("/portfolio/P1").status_code == 200
        return counter.count

    add(1)
    few = queries()
    add(4)
    assert queries() == few, "no query per history entry, trial, idea or budget line"
    assert few <= 10, few
