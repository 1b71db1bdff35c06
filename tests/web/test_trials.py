"""The Reallabor stage: a project's trials (what, where, when, with whom, result), refused dates
beside the field, the project page, the portfolio filter by stage and the start page's running trials."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Municipality, Project, Trial
from app.portfolio import services
from tests.factories import create_user
from tests.helpers import page_text


@pytest.fixture
def staff(app, reference):
    return create_user("sg@example.com", roles=("steering",))


def _p(number: int) -> Project:
    return db.session.scalar(select(Project).where(Project.number == number))


def _town(slug: str) -> int:
    return db.session.scalar(select(Municipality.id).where(Municipality.slug == slug))


def test_staff_describe_a_trial_and_bad_dates_come_back(client, auth, staff):
    auth.login("sg@example.com")
    form = {"what": "Die Pendler-App mit 50 Testpersonen", "municipality_id": str(_town("duelmen")), "place": "Bahnhof Dülmen",
            "starts_on": "2027-04-01", "ends_on": "2027-03-01", "partners": "Bürgerbusverein", "result": "", "figures": ""}
    bad = client.post("/portfolio/P20/erprobungen/neu", data=form)
    assert bad.status_code == 422 and "Eine Erprobung kann nicht enden, bevor sie beginnt." in bad.text
    assert "Die Pendler-App mit 50 Testpersonen" in bad.text and 'value="Bahnhof Dülmen"' in bad.text
    no_town = client.post("/portfolio/P20/erprobungen/neu", data={**form, "municipality_id": "", "ends_on": ""})
    assert no_town.status_code == 422 and "Bitte wählen Sie eine Kommune." in no_town.text
    done = client.post("/portfolio/P20/erprobungen/neu", data={**form, "ends_on": "2027-06-30"})
    assert done.status_code == 303 and done.location == "/portfolio/P20#h-trials"
    trial = db.session.scalar(select(Trial))
    edited = client.post(f"/portfolio/P20/erprobungen/{trial.id}", data={**form, "ends_on": "2027-06-30", "result": "Gut angenommen.",
                                                                          "figures": "120 Fahrten"})
    assert edited.status_code == 303
    assert client.get(f"/portfolio/P21/erprobungen/{trial.id}").status_code == 404
    auth.logout()
    text = page_text(client.get("/portfolio/P20").text)
    assert "Erprobungen im Reallabor" in text and "Dülmen, Bahnhof Dülmen" in text and "ab 01.04.2027 bis 30.06.2027" in text
    assert "Ergebnis: Gut angenommen." in text and "120 Fahrten" in text


def test_the_stage_filters_the_portfolio_and_running_trials_show_on_the_start_page(client, staff):
    project = _p(20)
    data = services.ProjectData(title=project.title, action_field_id=project.action_field_id, municipality_id=project.municipality_id,
                                status="trial")
    services.edit_project(project, staff, data, "Test im Reallabor")
    today = date.today()
    services.save_trial(project, staff, services.TrialInput("Die Pendler-App im Alltag", _town("duelmen"), today - timedelta(days=3),
                                                           today + timedelta(days=30)))
    services.save_trial(_p(21), staff, services.TrialInput("Längst vorbei", _town("olfen"), date(2020, 1, 1), date(2020, 2, 1)))
    db.session.commit()
    listing = page_text(client.get("/portfolio?status=trial").text)
    assert "1 Projekt" in listing and "P20" in listing and "Erprobung im Reallabor" in listing
    start = page_text(client.get("/").text)
    assert "Gerade im Reallabor erprobt" in start and "Die Pendler-App im Alltag (Dülmen, bis " in start
    assert "Längst vorbei" not in start
    assert client.get("/api/v1/projects?status=trial").json["data"][0]["code"] == "P20"
