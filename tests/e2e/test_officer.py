"""In Chromium, at 1280 and 375 px: a day of Dülmen's digital officer. The dashboard shows
Dülmen's queue; the officer takes a Dülmen idea into review and answers it; a Nottuln idea's
moderation page answers 403 with a German page. axe-core, the HTML checker and reflow."""

from playwright.sync_api import expect
from sqlalchemy import select

from app.admin import services as admin
from app.extensions import db
from app.models import Municipality
from tests.e2e.browser import assert_accessible, log_in
from tests.factories import create_user, make_idea


def test_a_dulmen_officer_answers_a_dulmen_idea_and_is_refused_on_a_nottuln_one(axe_page, reference):
    page = axe_page
    admin_user = create_user("admin@example.com", roles=("admin",))
    officer = create_user("cdo@example.com", roles=("officer",), display_name="CDO Dülmen")
    admin.set_officer_towns(officer, [db.session.scalar(select(Municipality.id).where(Municipality.slug == "duelmen"))], admin_user)
    author = create_user("autorin@example.com", display_name="Autorin")
    make_idea(author, "Dülmener WLAN im Park", municipality="duelmen")
    nottuln = make_idea(author, "Nottulner Dorf-App", municipality="nottuln")
    db.session.commit()

    log_in(page, "cdo@example.com", second_factor=True)
    page.get_by_role("link", name="Moderation", exact=True).click()
    expect(page.get_by_text("moderieren Sie die Ideen Ihrer Kommunen: Dülmen.")).to_be_visible()
    expect(page.get_by_role("link", name="Nottulner Dorf-App")).to_have_count(0)
    assert_accessible(page, "officer-dashboard")
    page.get_by_role("link", name="Dülmener WLAN im Park").click()
    page.get_by_role("button", name="In Prüfung nehmen").click()
    expect(page.get_by_text("Die Idee ist jetzt „In Prüfung“.")).to_be_visible()
    page.get_by_role("textbox", name="Offizielle Antwort").fill("Danke! Der Bauhof prüft die Standorte im Park.")
    page.get_by_label("Unterzeichnet als").fill("Digitalverantwortliche, Stadt Dülmen")
    page.get_by_role("button", name="Antwort veröffentlichen").click()
    expect(page.get_by_text("Die offizielle Antwort ist veröffentlicht.")).to_be_visible()
    expect(page.get_by_text("Verknüpfungen mit Projekten setzt die Moderation des Kreises.")).to_be_visible()
    assert_accessible(page, "officer-idea")

    page.set_viewport_size({"width": 375, "height": 800})
    response = page.goto(f"/moderation/ideen/{nottuln.id}")
    assert response.status == 403
    expect(page.locator("h1")).to_contain_text("Zugriff verweigert")
    assert_accessible(page, "officer-refused-375")
