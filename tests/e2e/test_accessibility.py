"""axe-core on every page of the foundation: no serious or critical violation."""

import pytest

from tests.e2e.browser import assert_accessible, log_in
from tests.factories import create_user, make_idea


@pytest.mark.parametrize(
    "name, url",
    [
        ("a11y-start", "/"),
        ("a11y-list", "/ideen"),
        ("a11y-list-filtered", "/ideen?field=bildung&municipality=olfen&sort=supported"),
        ("a11y-list-empty", "/ideen?q=Raumfahrt"),
        ("a11y-signup", "/registrieren"),
        ("a11y-check-mail", "/registrieren/postfach"),
        ("a11y-login", "/anmelden"),
        ("a11y-forgot", "/passwort-vergessen"),
        ("a11y-confirm", "/bestaetigen/irgendwas"),
        ("a11y-reset-invalid", "/passwort-neu/irgendwas"),
        ("a11y-404", "/gibt-es-nicht"),
        ("a11y-open-data", "/offene-daten"),
        ("a11y-help", "/hilfe"),
        ("a11y-easy-language", "/leichte-sprache"),
        ("a11y-unlock", "/konto-entsperren/irgendwas"),
        ("a11y-impressum", "/impressum"),
        ("a11y-privacy", "/datenschutz"),
        ("a11y-terms", "/nutzungsbedingungen"),
        ("a11y-accessibility", "/barrierefreiheit"),
        ("a11y-report-barrier", "/barrierefreiheit/barriere-melden"),
        ("a11y-news-public", "/neuigkeiten"),
        ("a11y-towns", "/kommunen"),
        ("a11y-town", "/kommunen/olfen"),
    ],
)
def test_public_pages(axe_page, reference, name, url):
    author = create_user("autor@example.com")
    make_idea(author, "Tablets für Schulen", fields=["bildung"], municipality="olfen")
    axe_page.goto(url)
    assert_accessible(axe_page, name)


def test_pages_with_errors(axe_page, reference):
    axe_page.goto("/registrieren")
    axe_page.get_by_role("button", name="Konto anlegen").click()
    assert_accessible(axe_page, "a11y-signup-errors")
    axe_page.goto("/anmelden")
    axe_page.get_by_role("button", name="Anmelden").click()
    assert_accessible(axe_page, "a11y-login-errors")


def test_idea_pages(axe_page, reference, outbox):
    user = create_user()
    idea = make_idea(user, "Radweg", benefit="Absatz\n\n- Liste\n- [Link](https://example.com)")
    draft = make_idea(user, "Entwurf", publish=False)
    log_in(axe_page)
    axe_page.goto(f"/ideen/{idea.id}")
    assert_accessible(axe_page, "a11y-idea")
    axe_page.goto(f"/ideen/{draft.id}")
    assert_accessible(axe_page, "a11y-idea-draft")
    axe_page.goto("/ideen/neu")
    assert_accessible(axe_page, "a11y-idea-form")
    axe_page.get_by_role("button", name="Veröffentlichen").click()
    assert_accessible(axe_page, "a11y-idea-form-errors")
    axe_page.goto(f"/ideen/{idea.id}/bearbeiten")
    assert_accessible(axe_page, "a11y-idea-edit")
    axe_page.goto(f"/ideen/{idea.id}/zurueckziehen")
    assert_accessible(axe_page, "a11y-idea-withdraw")
    axe_page.goto("/ideen/meine")
    assert_accessible(axe_page, "a11y-my-ideas")


def test_reset_password_page(axe_page, reference, outbox):
    create_user()
    axe_page.goto("/passwort-vergessen")
    axe_page.get_by_label("E-Mail-Adresse").fill("erika@example.com")
    axe_page.get_by_role("button", name="Link senden").click()
    axe_page.goto(outbox.last_link("/passwort-neu/"))
    assert_accessible(axe_page, "a11y-reset")


def test_unconfirmed_page(axe_page, reference):
    create_user(confirmed=False)
    log_in(axe_page)
    axe_page.goto("/ideen/neu")
    assert_accessible(axe_page, "a11y-unconfirmed")


def test_the_checker_itself_finds_a_known_violation(axe_page, live_server):
    """Guards the checks above: an unlabelled field and an image without alt must be reported."""
    from tests.e2e.browser import axe_violations

    axe_page.goto("/static/css/site.css")
    axe_page.set_content('<html lang="de"><head><title>x</title></head><body><main><img src="/x.png"><input type="text"></main></body></html>')
    ids = {v["id"] for v in axe_violations(axe_page)}
    assert {"image-alt", "label"} <= ids


def test_the_layout_check_finds_a_page_too_wide_and_a_chart_label_too_small(axe_page, live_server):
    """Guards the reflow, caption and chart checks of assert_accessible: found at the narrow widths,
    the viewport given back afterwards."""
    from tests.e2e.browser import layout_problems

    axe_page.goto("/static/css/site.css")
    axe_page.set_content('<html lang="de"><body><div id="wide" style="width:400px">breit</div>'
                         '<svg viewBox="0 0 1000 100" style="width:100%"><text x="0" y="50" font-size="20">klein</text></svg>'
                         '<table style="display:block;width:100%"><caption>Eine Tabelle als Karten auf dem Telefon</caption>'
                         '<tbody style="display:block"><tr style="display:block"><td style="display:block">Wert</td></tr></tbody></table>'
                         '<table style="width:100%"><caption>Eine gewöhnliche Tabelle</caption><tr><td>Wert</td></tr></table></body></html>')
    before = axe_page.viewport_size
    sideways, small, squeezed = layout_problems(axe_page)
    assert [line.split(":")[0] for line in sideways] == ["320 px", "375 px"] and "div#wide" in sideways[0]
    assert any(line.startswith("320 px: klein") for line in small)  # 20 px in 1000 drawn at 320 px: 6.4 px
    assert [line.split(":")[:2] for line in squeezed] == [["320 px", " Eine Tabelle als Karten auf dem Telefon"],
                                                         ["375 px", " Eine Tabelle als Karten auf dem Telefon"]]
    assert axe_page.viewport_size == before


def test_participation_pages(axe_page, reference):
    from app.extensions import db
    from app.participation import services

    author = create_user("autor@example.com", display_name="Autor")
    user = create_user()
    idea = make_idea(author, "Mit Kommentaren")
    first = services.add_comment(user, idea, "Ein **Kommentar** mit [Link](https://example.com)")
    services.add_comment(author, idea, "Antwort", parent=first)
    services.add_comment(author, idea, "Noch einer")
    services.support_idea(user, idea)
    db.session.commit()
    log_in(axe_page)
    axe_page.goto(f"/ideen/{idea.id}")
    axe_page.get_by_text("Antworten").first.click()
    assert_accessible(axe_page, "a11y-idea-comments")
    axe_page.get_by_role("button", name="Kommentar veröffentlichen").click()
    assert_accessible(axe_page, "a11y-idea-comment-error")
    axe_page.goto("/ideen/meine")
    assert_accessible(axe_page, "a11y-my-ideas-participation")
    axe_page.goto(f"/ideen/{idea.id}/melden")
    assert_accessible(axe_page, "a11y-report-idea")
    axe_page.get_by_role("button", name="Meldung senden").click()
    assert_accessible(axe_page, "a11y-report-errors")
    axe_page.goto(f"/kommentare/{first.id}/bearbeiten")
    assert_accessible(axe_page, "a11y-edit-comment")
    axe_page.goto(f"/kommentare/{first.id}/loeschen")
    assert_accessible(axe_page, "a11y-delete-comment")
    services.hide(idea, "moderation")
    db.session.commit()
    axe_page.context.clear_cookies()
    axe_page.goto(f"/ideen/{idea.id}")
    assert_accessible(axe_page, "a11y-idea-hidden")


def test_new_terms_and_errors_of_the_barrier_form(axe_page, reference):
    from app.extensions import db
    from app.legal import services as legal

    admin = create_user("admin@example.com", roles=("admin",))
    create_user()
    legal.publish("nutzungsbedingungen", admin, "Neue Regeln.", material=True)
    db.session.commit()
    log_in(axe_page)
    axe_page.goto("/ideen/neu")
    axe_page.get_by_role("heading", name="Neue Nutzungsbedingungen").wait_for()
    axe_page.get_by_role("button", name="Zustimmen und weiter").click()
    assert_accessible(axe_page, "a11y-accept-terms-errors")
    axe_page.get_by_label("Ich akzeptiere die Nutzungsbedingungen").check()
    axe_page.get_by_role("button", name="Zustimmen und weiter").click()
    axe_page.get_by_role("heading", name="Idee einreichen").wait_for()
    axe_page.goto("/barrierefreiheit/barriere-melden")
    axe_page.get_by_role("button", name="Meldung senden").click()
    assert_accessible(axe_page, "a11y-report-barrier-errors")


def test_my_account_page(axe_page, reference):
    create_user()
    log_in(axe_page)
    axe_page.goto("/konto")
    assert_accessible(axe_page, "a11y-account")
    axe_page.get_by_role("button", name="Passwort ändern").click()
    assert_accessible(axe_page, "a11y-account-errors")


def test_the_list_filters_fold_away_on_a_phone_and_stay_open_on_a_desk(browser, live_server, reference):
    for width, folded in ((375, True), (1280, False)):
        context = browser.new_context(base_url=live_server, locale="de-DE", viewport={"width": width, "height": 800}, java_script_enabled=False)
        page = context.new_page()
        page.goto("/ideen?field=bildung&municipality=olfen")
        summary = page.get_by_text("Filter (2 aktiv)")
        search = page.get_by_label("Suche", exact=True)
        if folded:
            assert summary.is_visible() and not search.is_visible()
            summary.click()
            assert search.is_visible()
        else:
            assert not summary.is_visible() and search.is_visible()
        context.close()
