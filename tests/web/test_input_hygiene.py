"""Bad input over HTTP never gives a 500 and never reaches the database uncleaned (probe findings 1, 9, 10, 11, 18)."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text, update

from app.extensions import db
from app.models import BudgetLine, Comment, Idea, Milestone, Municipality, Project, Trial
from app.participation import services as participation
from tests.factories import advance_idea, create_user, make_idea
from tests.helpers import idea_form, page_text, upload_csv


@pytest.fixture
def staff(app, client, auth, reference):
    """One account with every staff role, logged in."""
    user = create_user("alle@example.com", roles=("moderator", "steering", "admin"))
    auth.login("alle@example.com")
    return user


def test_control_characters_are_stripped_from_what_people_send(client, auth, reference):
    create_user()
    auth.login()
    response = client.post("/ideen/neu", data=idea_form(title="Steuerzeichen\x01Idee\x1f", summary="Zeile\x0beins\r\nZeile zwei"))
    assert response.status_code == 302
    idea = db.session.scalar(select(Idea))
    assert idea.title == "SteuerzeichenIdee"
    assert idea.summary == "Zeileeins\r\nZeile zwei"


def test_xlsx_exports_survive_control_characters_already_stored(client, staff):
    author = create_user("autorin@example.com")
    idea = make_idea(author, "Vorher gespeichert")
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(title="Alt\x01gespeichert"))
    db.session.execute(update(Project).where(Project.number == 1).values(description="Beschreibung\x02mit Steuerzeichen"))
    db.session.commit()
    for url in ("/moderation/ideen/export.xlsx", "/portfolio/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        cells = [c.value for row in load_workbook(io.BytesIO(response.data)).active.iter_rows() for c in row]
        assert "Altgespeichert" in cells or "Beschreibungmit Steuerzeichen" in cells, url


ODD_NUMBERS = ["²", "٣", "9" * 30, "2147483648", "-1", "1e5", "0x10", " "]
KNOWN_NUMBER_PARAMETERS = {"parent_id", "target_id", "target", "idea_ids", "projects-0-idea_ids", "idee", "page", "per_page",
                           "municipality_id", "action_field_id", "year", "budget_year", "projects-0-budget_year"}


def _names(html: str) -> set[str]:
    return set(re.findall(r'\bname="([^"]+)"', html))


def test_no_route_answers_odd_numbers_with_a_500(app, client, staff):
    """Every route, GET and POST, with every form and query parameter the pages use set to values
    that look numeric to str.isdigit() or int() but are no database integer."""
    from flask import url_for

    author = create_user("autorin@example.com")
    idea = make_idea(author, "Eine Idee")
    comment = participation.add_comment(author, idea, "Ein Kommentar")
    town = db.session.scalar(select(Municipality.id).limit(1))
    line = BudgetLine(project=db.session.scalar(select(Project).where(Project.number == 1)), label="L", year=2027, kind="investiv", amount=Decimal("1.00"))
    milestone = Milestone(project=line.project, title="M", planned_on=date(2027, 1, 1))
    trial = Trial(project=line.project, what="T", municipality_id=town, starts_on=date(2027, 1, 1))
    db.session.add_all([line, milestone, trial])
    db.session.commit()
    ids = {"idea_id": idea.id, "comment_id": comment.id, "user_id": author.id, "number": 1, "line_id": line.id, "milestone_id": milestone.id, "trial_id": trial.id, "notification_id": 1, "document": "impressum", "session_id": 99999, "export_id": 99999, "image_id": 99999, "name": "0" * 32 + "-480.webp", "slug": "duelmen", "meeting_id": 99999, "municipality_id": 1, "field_id": 1, "criterion_id": 1,
           "filename": "css/site.css", "token": "kein-token", "fmt": "csv", "code": "P1", "request_id": 99999, "raum_id": 99999}
    calls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in ("auth.logout", "static"):
                continue
            url = url_for(rule.endpoint, **{a: ids[a] for a in rule.arguments})
            calls += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    names = set(KNOWN_NUMBER_PARAMETERS)
    for method, url in calls:
        if method == "GET" and (page := client.get(url)).mimetype == "text/html":  # the forms' field names; not a PDF's bytes
            names |= _names(page.text)
    names -= {"csrf_token"}
    failures = []
    for value in ODD_NUMBERS:
        values = {name: value for name in names}
        for method, url in calls:
            response = client.open(url, method=method, query_string=values if method == "GET" else None, data=values if method == "POST" else None)
            if response.status_code >= 500:
                failures.append(f"{method} {url} with {value!r}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("value", ["²", "9" * 30, "2147483648"])
def test_reply_with_an_odd_parent_id_is_a_bad_request(client, auth, reference, value):
    author = create_user("autorin@example.com")
    idea = make_idea(author, "Eine Idee")
    create_user()
    auth.login()
    response = client.post(f"/ideen/{idea.id}/kommentare", data={"body": "Antwort", "parent_id": value})
    assert response.status_code == 400


def test_merge_with_an_odd_target_id_says_what_to_type(client, staff):
    idea = make_idea(create_user("autorin@example.com"), "Doppelt")
    advance_idea(idea, "in_review", moderator=staff)
    for value in ("2147483648", "²", "٣"):
        response = client.post(f"/moderation/ideen/{idea.id}/zusammenfuehren", data={"target_id": value, "reason": "Doppelt"})
        assert response.status_code == 422 and "ganze Zahl mit den Ziffern 0–9" in response.text, value
        assert f'value="{value}"' in response.text  # the input comes back


def test_budget_amounts_with_odd_digits_or_places_are_refused(client, staff):
    for amount in ("1.0000", "١٢٣", "1,000"):
        data = {"label": "Lizenzen", "year": "2027", "kind": "konsumtiv", "amount": amount, "funding_rate": "65"}
        response = client.post("/portfolio/P1/budget/neu", data=data)
        assert response.status_code == 422, amount
        assert "12.500,00" in response.text and f'value="{amount}"' in response.text
    assert db.session.scalar(select(BudgetLine).where(BudgetLine.label == "Lizenzen")) is None
    data = {"label": "Lizenzen", "year": "٢٠٢٧", "kind": "konsumtiv", "amount": "100", "funding_rate": "65"}
    assert client.post("/portfolio/P1/budget/neu", data=data).status_code == 422


def test_csv_round_trip_keeps_texts_that_look_like_formulas(client, staff):
    db.session.execute(update(Project).where(Project.number == 3).values(title="=Bürgerportal", description="-5 % Papier\n+ mehr online"))
    db.session.commit()
    exported = client.get("/portfolio/export.csv").data
    preview = upload_csv(client, exported)
    assert preview.status_code == 200
    assert "0 neu, 0 geändert, 28 unverändert" in page_text(preview.text)


def test_import_plan_does_not_show_ideas_that_cannot_be_imported(client, staff):
    draft = make_idea(create_user("autorin@example.com"), "Geheimer Entwurfstitel", publish=False)
    response = client.post("/portfolio/uebernahme", data={"projects-0-idea_ids": str(draft.id), "projects-0-title": "X"})
    assert response.status_code == 422
    assert "Geheimer Entwurfstitel" not in response.text


def test_a_reply_to_a_hidden_comment_is_refused(client, auth, reference):
    author = create_user("autorin@example.com")
    idea = make_idea(author, "Eine Idee")
    comment = participation.add_comment(author, idea, "Wird ausgeblendet")
    participation.hide(comment, "moderation")
    db.session.commit()
    create_user()
    auth.login()
    response = client.post(f"/ideen/{idea.id}/kommentare", data={"body": "Antwort darauf", "parent_id": str(comment.id)})
    assert response.status_code == 422
    assert "ausgeblendet; er kann nicht beantwortet werden" in response.text
    assert db.session.scalar(select(Comment).where(Comment.body == "Antwort darauf")) is None


@pytest.mark.parametrize(
    ("cause", "shown", "not_shown"),
    [("reports", "mehrfach gemeldet", "nicht verfügbar"), ("moderation", "nicht verfügbar", "gemeldet"), ("block", "nicht verfügbar", "gemeldet")],
)
def test_a_hidden_idea_tells_the_public_the_cause_in_public_words(app, client, auth, reference, cause, shown, not_shown):
    idea = make_idea(create_user("autorin@example.com"), "Ausgeblendete Idee")
    participation.hide(idea, cause)
    db.session.commit()
    page = app.test_client().get(f"/ideen/{idea.id}")
    assert shown in page.text and not_shown not in page.text and "Ausgeblendete Idee" not in page.text
    create_user("mod@example.com", roles=("moderator",))
    auth.login("mod@example.com")
    staff_page = client.get(f"/moderation/ideen/{idea.id}").text
    assert {"reports": "von mehreren Personen gemeldet", "moderation": "durch die Moderation", "block": "Konto gesperrt"}[cause] in staff_page


def test_database_keeps_no_control_characters_from_a_comment(client, auth, reference):
    idea = make_idea(create_user("autorin@example.com"), "Eine Idee")
    create_user()
    auth.login()
    client.post(f"/ideen/{idea.id}/kommentare", data={"body": "Hallo\x07 Welt"})
    assert db.session.execute(text("SELECT body FROM comments")).scalar() == "Hallo Welt"
