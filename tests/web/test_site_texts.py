"""The site's texts in the browser (issue #35): the administration writes the start page's
introduction, the strategy's vision, "Wie geht es weiter?" and what each priority group means;
they show at once where they belong, an empty text is not shown, a text too long comes back with
the input kept, each change is in the audit log in words."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, SiteText
from tests.factories import create_user
from tests.helpers import page_text

EMPTY = {"start_intro": "", "vision": "", "next_steps": "", "priority_I": "", "priority_II": "", "priority_III": ""}


@pytest.fixture
def administration(app, reference):
    create_user("admin@example.com", roles=("admin",))
    create_user("sg@example.com", roles=("steering",))
    db.session.commit()


def test_the_defaults_show_until_the_administration_writes_its_own(client, reference):
    start = page_text(client.get("/").text)
    assert "Hier sammeln Menschen und Unternehmen aus dem Kreis Coesfeld Ideen" in start
    assert "Die Vision der Strategie" in start and "Gemeinsam die digitale Zukunft gestalten." in start
    assert "Die Prioritätengruppen" not in page_text(client.get("/portfolio").text)  # no meaning written yet


def test_the_administration_writes_the_texts_and_they_show_at_once(client, auth, administration):
    auth.login("admin@example.com")
    client.get("/")  # cached before the change
    form = client.get("/verwaltung/texte")
    assert form.status_code == 200 and "Startseite: Einleitung" in page_text(form.text)
    too_long = client.post("/verwaltung/texte", data={**EMPTY, "vision": "Digital. " * 400, "next_steps": "Bleibt stehen"})
    assert too_long.status_code == 422
    assert "Höchstens 3.000 Zeichen" in page_text(too_long.text) and "Bleibt stehen" in too_long.text
    texts = {**EMPTY, "start_intro": "Ihre Idee für den **Kreis**.", "next_steps": "Im Frühjahr 2027:\n\n- Themenworkshops\n- Vollantrag",
             "priority_I": "Zuerst: die Verwaltung."}
    saved = client.post("/verwaltung/texte", data=texts, follow_redirects=True)
    assert "4 Texte sind gespeichert." in page_text(saved.text)  # intro, next steps, priority I written; the vision emptied
    start = client.get("/").text
    assert "Ihre Idee für den <strong>Kreis</strong>." in start
    assert "Die Vision der Strategie" not in page_text(start), "an empty text is not shown"
    assert "<li>Themenworkshops</li>" in start
    portfolio = client.get("/portfolio").text
    assert "Die Prioritätengruppen Priorität I Zuerst: die Verwaltung." in page_text(portfolio)
    legend = portfolio.split('class="facts priority-legend"')[1].split("</dl>")[0]
    assert legend.count("<dt>") == 1, "a group without a text is not in the legend"
    again = client.post("/verwaltung/texte", data=texts, follow_redirects=True)
    assert "Nichts geändert." in page_text(again.text)
    assert db.session.scalar(select(SiteText.text).where(SiteText.key == "priority_I")) == "Zuerst: die Verwaltung."
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "site_text.edit")).all()
    assert len(entries) == 4
    log = page_text(client.get("/verwaltung/protokoll").text)
    assert "Hat einen Text der Seite geändert" in log and "Startseite: Einleitung" in log
    auth.logout()
    auth.login("sg@example.com")
    assert client.post("/verwaltung/texte", data=texts).status_code == 403
