"""The report for the decision bodies (issue #35): the funnel, the origin of ideas, participation
and responsiveness on known data; a period ending before it starts is refused with the input kept;
the PDF is produced and holds the report's headings and the comparison table (read back with pypdf)."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from app.extensions import db
from app.models import BudgetLine, Idea, OfficialAnswer, Project, utcnow
from app.moderation import services as moderation
from app.participation import services as participation
from app.portfolio import services as portfolio
from app.reports import figures
from app.templating import format_days, local_today
from tests.factories import advance_idea, create_user, make_idea
from tests.helpers import page_text


@pytest.fixture
def data(app, reference):
    moderator = create_user("mod@example.com", roles=("moderator",))
    steering = create_user("sg@example.com", roles=("steering",))
    create_user("buerger@example.com")
    author = create_user("autorin@example.com")
    fan = create_user("fan@example.com")
    now = utcnow()
    quick = make_idea(author, "Schnell beantwortet", municipality="duelmen", fields=["mobilitaet"])
    slow = make_idea(author, "Lange ohne Antwort", municipality="duelmen", fields=["bildung"])
    chosen = make_idea(author, "Gewählte Idee", municipality="nottuln", fields=["mobilitaet", "bildung"])
    participation.support_idea(fan, quick)
    participation.add_comment(fan, quick, "Gute Sache")
    db.session.commit()
    # Published 40 days ago; the quick one answered after 2 days, the slow one never.
    db.session.execute(update(Idea).values(published_at=now - timedelta(days=40)))
    db.session.commit()
    moderation.publish_answer(quick, moderator, "Danke!", "Moderation")
    db.session.execute(update(OfficialAnswer).values(created_at=now - timedelta(days=38)))
    advance_idea(chosen, "in_review", "candidate", moderator=moderator)
    portfolio.shortlist_idea(chosen, steering, "Passt.")
    db.session.commit()
    return {"quick": quick, "slow": slow, "chosen": chosen}


def test_the_figures_on_known_data(app, data):
    report = figures.build(figures.period(None, None, local_today()), utcnow())
    steps = {str(s.label): s for s in report.funnel}
    assert steps["eingereicht und veröffentlicht"].count == 3
    assert steps["in Prüfung"].count == 1 and steps["Kandidat"].count == 1 and steps["auf der Shortlist"].count == 1
    assert steps["im Portfolio (neu oder als Baustein)"].count == 0
    assert steps["Kandidat"].median_days == pytest.approx(40, abs=0.1), "moved on today, published 40 days ago"
    assert dict(report.by_field) == {"Bildung": 2, "Mobilität": 2}
    towns = dict(report.by_town)
    assert towns["Dülmen"] == 2 and towns["Nottuln"] == 1 and towns["Olfen"] == 0
    duelmen = next(r for r in report.responsiveness if r.town == "Dülmen")
    assert (duelmen.ideas, duelmen.unanswered_14, duelmen.unanswered_30, duelmen.median_days) == (2, 1, 1, 2.0)
    assert report.total.unanswered_30 == 2, "the slow one in Dülmen and the chosen one in Nottuln"
    assert (sum(w.ideas for w in report.weeks), sum(w.comments for w in report.weeks), sum(w.supports for w in report.weeks)) == (3, 1, 1)
    assert sorted(w.people for w in report.weeks if w.people) == [1, 1], "the author 40 days ago, the fan this week"
    assert [d.idea.title for d in report.decisions] == ["Gewählte Idee"]


def test_a_period_ending_before_it_starts_is_refused(client, auth, data):
    auth.login("sg@example.com")
    response = client.get("/berichte?von=2026-12-01&bis=2026-11-01")
    assert response.status_code == 422
    assert "Der Zeitraum endet, bevor er beginnt." in page_text(response.text)
    assert 'value="2026-12-01"' in response.text and 'value="2026-11-01"' in response.text
    assert client.get("/berichte?von=kein-datum").status_code == 422
    assert client.get("/berichte/bericht.pdf?von=2026-12-01&bis=2026-11-01").status_code == 422
    page = page_text(client.get("/berichte").text)
    assert "Von der Idee zum Projekt" in page and "Gewählte Idee" in page


def test_median_days_show_with_at_most_one_place(app, client, auth, data):
    """Days, not scores: "40" and "2", not "40,00" and "2,00" (the scores' two places)."""
    auth.login("sg@example.com")
    html = client.get("/berichte").text
    candidate = re.search(r'<th scope="row">Kandidat</th><td class="num">1</td><td class="num">([^<]*)</td>', html)
    duelmen = re.search(r'<th scope="row">Dülmen</th>(?:<td class="num">[^<]*</td>){3}<td class="num">([^<]*)</td>', html)
    assert candidate and candidate.group(1) == "40", candidate
    assert duelmen and duelmen.group(1) == "2", duelmen
    with app.test_request_context():  # German, the default language
        assert (format_days(34.44), format_days(33.0), format_days(1234.5), format_days(None)) == ("34,4", "33", "1.234,5", "")


def _over_the_limit():
    """P19 in the funding application with 16 Mio. €: one million over the call's limit."""
    project = db.session.scalar(select(Project).where(Project.number == 19))
    project.in_application = True
    db.session.add(BudgetLine(project=project, label="Sharing", year=2027, kind="investiv", amount=Decimal("16000000.00")))
    db.session.commit()


def test_the_report_shows_the_candidates_and_the_budget_with_the_calls_limits(client, auth, data):
    _over_the_limit()
    auth.login("sg@example.com")
    html = client.get("/berichte").text
    text = page_text(html)
    assert "Die Kandidaten heute" in text and 'aria-labelledby="report-quadrant-caption"' in html
    assert "Ideen nach Themenfeld; die Tabelle nennt dieselben Zahlen." in text and html.count('class="chart-label"') > 12
    assert "Das Budget des Portfolios heute" in text and "Budget je Raum in Euro" in text and "Budget je Themenfeld in Euro" in text
    assert "Der Antrag umfasst 16.000.000,00 €, 1.000.000,00 € mehr als die Höchstgrenze des Aufrufs von 15.000.000,00 € je Antrag." in text


def test_the_pdf_holds_the_headings_and_the_comparison(client, auth, data):
    _over_the_limit()
    auth.login("mod@example.com")
    response = client.get("/berichte/bericht.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for heading in ("Bericht für die Gremien", "Von der Idee zum Projekt", "Woher die Ideen kommen", "Beteiligung je Woche",
                    "Wie schnell der Kreis antwortet", "Unterstützende und Steuerungsgremium", "Die Kandidaten heute",
                    "Das Budget des Portfolios heute", "Der Förderantrag: Modellprojekte Smart Cities"):
        assert heading in text, heading
    assert "Gewählte Idee" in text and "Passt." in text
    assert "Der Antrag umfasst 16.000.000,00" in text, "the call's limits exceeded, in the PDF too"
    auth.logout()
    auth.login("buerger@example.com")
    assert client.get("/berichte").status_code == 403


def test_a_table_near_the_foot_of_a_page_moves_whole_with_its_heading(app):
    """The print stylesheet keeps a heading, a table's caption, its head and at least three rows on
    one page: with 235 mm of the page's 259 taken, they all start on page 2 (the heading and the
    caption were left alone at the foot of page 1)."""
    from app.reports import pdf

    rows = "".join(f"<tr><th scope='row'>Zeile {n}</th><td>{n}</td></tr>" for n in range(1, 6))
    html = (f"<!doctype html><html lang='de'><body><div style='height: 235mm'>Oben</div><h2>Die Überschrift</h2>"
            f"<table><caption>Die Legende</caption><thead><tr><th>Was</th><th>Zahl</th></tr></thead><tbody>{rows}</tbody></table>"
            "</body></html>")
    with app.app_context():
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf.render(html))).pages]
    assert "Oben" in pages[0] and "Die Überschrift" not in pages[0] and "Die Legende" not in pages[0]
    assert all(text in pages[1] for text in ("Die Überschrift", "Die Legende", "Zeile 1", "Zeile 3")), pages


def test_a_member_of_the_decision_bodies_reads_and_changes_nothing(client, auth, data):
    create_user("gremium@example.com", roles=("board",))
    db.session.commit()
    auth.login("gremium@example.com")
    assert client.get("/berichte").status_code == 200
    assert client.get("/berichte/bericht.pdf").status_code == 200
    candidates = client.get("/moderation/kandidaten")
    assert candidates.status_code == 200 and "Gewählte Idee" in page_text(candidates.text)
    assert "In die Shortlist" not in candidates.text and "/portfolio/shortlist/" not in candidates.text, "no action offered"
    assert client.get("/moderation/ideen/export.csv").status_code == 200
    chosen = data["chosen"]
    assert client.post(f"/portfolio/shortlist/{chosen.id}/ablehnen", data={"reason": "Nein"}).status_code == 403
    assert client.get("/moderation").status_code == 403, "the moderation's queue (reports about people) is not theirs"
    db.session.expire_all()
    assert db.session.get(Idea, chosen.id).status == "shortlisted"
