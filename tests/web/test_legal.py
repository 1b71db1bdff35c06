"""Legal pages, consent at sign-up and after a material change of the terms, "Barriere melden"."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.legal import services as legal
from app.models import AuditEntry, BarrierReport, BudgetLine, Consent, LegalText, Project, Support, User
from tests.factories import advance_idea, create_user, make_idea
from tests.helpers import SIGNUP, Auth, page_text

DOCUMENTS = {"impressum": "Impressum", "datenschutz": "Datenschutzerklärung", "nutzungsbedingungen": "Nutzungsbedingungen",
             "barrierefreiheit": "Erklärung zur Barrierefreiheit"}


@pytest.mark.parametrize("url", ["/", "/ideen", "/anmelden", "/portfolio", "/gibt-es-nicht"])
def test_every_page_links_every_legal_page_in_its_footer(client, reference, url):
    html = client.get(url).text
    for document in DOCUMENTS:
        assert f'href="/{document}"' in html, (url, document)
    assert 'href="/barrierefreiheit/barriere-melden"' in html


def test_the_default_accessibility_statement_follows_the_nrw_frame(client, reference):
    """A Kreis is a public body of the Land: BGG NRW and BITV NRW, the NRW Ombudsstelle, the
    method and date of the self-assessment and the known limitations (before: the federal frame)."""
    text = page_text(client.get("/barrierefreiheit").text)
    for words in ("Behindertengleichstellungsgesetzes Nordrhein-Westfalen (BGG NRW)", "BITV NRW", "WCAG 2.1, Stufe AA",
                  "Nicht barrierefreie Inhalte", "Selbstbewertung", "axe-core", "nur mit der Tastatur",
                  "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen",
                  "ombudsstelle-barrierefreie-it@mags.nrw.de", "Überwachungsstelle", "Barriere melden"):
        assert words in text, words
    assert "§ 16 BGG" not in text and "schlichtungsstelle-bgg.de" not in text and "Barrierefreiheitsstärkungsgesetz" not in text


@pytest.mark.parametrize(("document", "title"), list(DOCUMENTS.items()))
def test_the_default_texts_are_shown_with_their_placeholders(client, reference, document, title):
    page = client.get(f"/{document}")
    assert page.status_code == 200 and f"<h1>{title}</h1>" in page.text
    assert "BITTE ERGÄNZEN" in page.text and "Standardtext vom 01.12.2026" in page_text(page.text)


def test_the_privacy_statement_names_what_the_software_does(client, reference):
    text = page_text(client.get("/datenschutz").text)
    assert "ideen_session" in text and "§ 25 Abs. 2 Nr. 2 TDDDG" in text and "keinen Cookie-Banner" in text
    assert "IP-Adressen speichern wir nicht in der Datenbank" in text


def test_the_administration_publishes_new_versions(client, auth, reference):
    create_user("admin@example.com", roles=("admin",))
    create_user()
    auth.login()
    assert client.get("/verwaltung/rechtstexte/impressum").status_code == 403
    auth.logout()
    auth.login("admin@example.com")
    form = client.get("/verwaltung/rechtstexte/impressum")
    assert form.status_code == 200 and "BITTE ERGÄNZEN" in form.text
    empty = client.post("/verwaltung/rechtstexte/impressum", data={"body": "  "})
    assert empty.status_code == 422
    assert client.post("/verwaltung/rechtstexte/impressum", data={"body": "**Kreis Coesfeld**, Friedrich-Ebert-Straße 7"}).status_code == 303
    page = client.get("/impressum")
    assert "<strong>Kreis Coesfeld</strong>, Friedrich-Ebert-Straße 7" in page.text and "Fassung 1 vom" in page_text(page.text)
    client.post("/verwaltung/rechtstexte/impressum", data={"body": "Zweite Fassung"})
    assert db.session.scalars(select(LegalText.version).order_by(LegalText.version)).all() == [1, 2]
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "legal.publish")) == 2
    assert client.get("/verwaltung/rechtstexte/unbekannt").status_code == 404


def test_sign_up_needs_consent_and_records_the_versions(client, reference):
    refused = client.post("/registrieren", data={**SIGNUP, "accept_terms": ""})
    assert refused.status_code == 422 and "Bitte akzeptieren Sie die Nutzungsbedingungen" in refused.text
    assert 'value="neu@example.com"' in refused.text
    assert client.post("/registrieren", data=SIGNUP).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "neu@example.com"))
    consents = {(c.document, c.version) for c in db.session.scalars(select(Consent).where(Consent.user_id == user.id))}
    assert consents == {("nutzungsbedingungen", 0), ("datenschutz", 0)} and user.terms_version == 0


def test_a_material_change_asks_once_before_contributing_and_keeps_the_text(client, auth, reference):
    admin = create_user("admin@example.com", roles=("admin",))
    idea = make_idea(create_user("autorin@example.com"), "Eine Idee")
    create_user()
    legal.publish("nutzungsbedingungen", admin, "Kleine Korrektur.", material=False)
    db.session.commit()
    auth.login()
    assert client.get("/ideen/neu").status_code == 200, "a change that is not material asks nothing"
    legal.publish("nutzungsbedingungen", admin, "Neue Regeln für Kommentare.", material=True)
    db.session.commit()
    assert client.get("/ideen").status_code == 200, "reading stays possible"
    asked = client.get("/ideen/neu")
    assert asked.status_code == 302 and asked.location.startswith("/nutzungsbedingungen/zustimmen")
    refused = client.post(f"/ideen/{idea.id}/kommentare", data={"body": "Mein wichtiger Kommentar"}, headers={"Origin": "http://localhost"})
    assert refused.status_code == 409 and "Mein wichtiger Kommentar" in refused.text and 'href="/nutzungsbedingungen/zustimmen"' in refused.text
    page = client.get("/nutzungsbedingungen/zustimmen?next=/ideen/neu")
    assert "Neue Regeln für Kommentare." in page.text
    assert client.post("/nutzungsbedingungen/zustimmen?next=/ideen/neu", data={}).status_code == 422
    accepted = client.post("/nutzungsbedingungen/zustimmen?next=/ideen/neu", data={"accept": "y"})
    assert accepted.status_code == 303 and accepted.location == "/ideen/neu"
    assert client.get("/ideen/neu").status_code == 200
    user = db.session.scalar(select(User).where(User.email == "erika@example.com"))
    assert user.terms_version == 2
    assert db.session.scalar(select(func.count(Consent.id)).where(Consent.user_id == user.id, Consent.version == 2)) == 1


def test_the_terms_are_checked_with_the_account_in_one_query(client, auth, reference, count_queries):
    idea = make_idea(create_user("autorin@example.com"), "Eine Idee")
    create_user()
    auth.login()
    with count_queries() as counter:
        assert client.post(f"/ideen/{idea.id}/unterstuetzen", headers={"Origin": "http://localhost"}).status_code in (302, 303)
    assert db.session.scalar(select(func.count()).select_from(Support)) == 1
    reading_terms = [s for s in counter.statements if "legal_texts" in s]
    assert len(reading_terms) == 1 and "auth_sessions" in reading_terms[0], "read in the account's query, not once more"


def test_anyone_can_report_a_barrier_and_the_administration_gets_it(app, client, reference, outbox):
    create_user("admin@example.com", roles=("admin",))
    form = client.get("/barrierefreiheit/barriere-melden?seite=/ideen/neu")
    assert form.status_code == 200 and 'value="/ideen/neu"' in form.text
    empty = client.post("/barrierefreiheit/barriere-melden", data={"page": "/ideen", "description": "", "email": "kein-mail"})
    assert empty.status_code == 422 and 'value="kein-mail"' in empty.text
    sent = client.post("/barrierefreiheit/barriere-melden",
                       data={"page": "/ideen/neu", "description": "Das Kontrollkästchen ist mit der Tastatur nicht erreichbar.", "email": "leser@example.com"})
    assert sent.status_code == 303
    report = db.session.scalar(select(BarrierReport))
    assert report.page == "/ideen/neu" and report.email == "leser@example.com"
    [mail] = outbox.messages()
    assert mail["To"] == "admin@example.com" and "Kontrollkästchen" in mail.get_body(("plain",)).get_content()


# Legal texts that cannot go live unfinished ----------------------------------------------------

COMPLETE = "Kreis Coesfeld, Friedrich-Ebert-Straße 7, 48653 Coesfeld. Vertreten durch den Landrat."


@pytest.fixture
def production_like(make_app, reference):
    return make_app(LEGAL_HIDE_UNFINISHED=True)


def test_a_legal_text_with_placeholders_is_not_shown_to_the_public(production_like):
    page = production_like.test_client().get("/impressum")
    assert page.status_code == 200
    assert "[BITTE" not in page.text and "wird vom Kreis gerade vervollständigt" in page.text


def test_administrators_see_it_with_a_warning_and_staff_pages_carry_the_banner(production_like):
    create_user("admin@example.com", roles=("admin",))
    client = production_like.test_client()
    Auth(client).login("admin@example.com")
    page = client.get("/impressum").text
    assert "[BITTE ERGÄNZEN" in page and "enthält noch Platzhalter" in page
    staff_page = page_text(client.get("/verwaltung/konten").text)
    assert "Rechtstexte unvollständig:" in staff_page and "Impressum" in staff_page and "Datenschutzerklärung" in staff_page


def test_citizens_see_no_banner(production_like):
    create_user()
    client = production_like.test_client()
    Auth(client).login()
    assert "Rechtstexte unvollständig" not in client.get("/ideen").text


def test_a_completed_text_goes_public_and_leaves_the_banner(production_like):
    admin = create_user("admin@example.com", roles=("admin",))
    legal.publish("impressum", admin, COMPLETE, material=False)
    db.session.commit()
    assert COMPLETE in production_like.test_client().get("/impressum").text
    client = production_like.test_client()
    Auth(client).login("admin@example.com")
    banner = page_text(client.get("/verwaltung/konten").text)
    assert "Rechtstexte unvollständig:" in banner and "Impressum" not in banner.split("Rechtstexte unvollständig:")[1].split(".")[0]
    assert client.application.test_client().get("/health").json["legal_texts_incomplete"] == ["datenschutz", "nutzungsbedingungen",
                                                                                            "barrierefreiheit"]


def test_production_start_up_names_the_unfinished_texts(make_app, reference, caplog):
    import logging

    from tests.factories import redis_url

    with caplog.at_level(logging.WARNING, logger="app"):
        make_app(ENV_NAME="production", SECRET_KEY="p" * 40, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url(15),
                 SECURITY_CONTACT="mailto:sicherheit@kreis-coesfeld.example", SECURITY_TXT_EXPIRES="2027-06-30")
    assert "Legal texts incomplete" in caplog.text and "impressum, datenschutz, nutzungsbedingungen, barrierefreiheit" in caplog.text


def test_who_runs_it_is_visible_on_every_page(make_app, reference):
    """The operator's byline in the header, the contact on the start page and in every footer."""
    site = make_app(CONTACT_NAME="Digitalagentur COE", CONTACT_FUNCTION="Prozessbüro", CONTACT_PHONE="02541 18-1234",
                    CONTACT_EMAIL="ideen@kreis-coesfeld.example")
    client = site.test_client()
    for url in ("/", "/ideen", "/impressum"):
        text = page_text(client.get(url).text)
        assert "Ein Angebot des Kreises Coesfeld" in text, url
        assert "Kontakt: Digitalagentur COE, Prozessbüro · Telefon 02541 18-1234 · ideen@kreis-coesfeld.example" in text, url
    start = client.get("/").text
    assert start.count('href="mailto:ideen@kreis-coesfeld.example"') == 2, "start page and footer"
    assert 'href="tel:02541181234"' in start


def test_the_default_terms_describe_the_rules_the_platform_applies():
    """Only reports from accounts confirmed for REPORT_TRUST_HOURS count towards hiding (the terms
    said "three people" without the condition)."""
    from app.config import Config
    from app.legal.services import DEFAULTS

    terms = (DEFAULTS / "nutzungsbedingungen.md").read_text(encoding="utf-8")
    numbers = {3: "drei"}
    assert f"melden {numbers[Config.REPORT_HIDE_THRESHOLD]} Personen" in terms
    assert f"seit mindestens {Config.REPORT_TRUST_HOURS} Stunden bestätigt" in terms


def test_help_and_easy_language_are_linked_from_every_page(client, reference):
    for url in ("/", "/ideen", "/impressum"):
        page = client.get(url).text
        assert 'href="/hilfe"' in page and 'href="/leichte-sprache"' in page and 'href="/leichte-sprache#gebaerdensprache"' in page, url
    help_page = page_text(client.get("/hilfe").text)
    for question in ("Warum muss ich mich registrieren?", "Was passiert mit meiner Idee?", "Was bewirkt eine Unterstützung?",
                     "Wer entscheidet?"):
        assert question in help_page
    for word in ("Themenfeld", "Kandidat", "Shortlist", "Portfolio", "investiv und konsumtiv", "Steuerungsgremium"):
        assert word in help_page
    easy = page_text(client.get("/leichte-sprache").text)
    assert "Was ist die Ideen-Plattform?" in easy and "Wie mache ich mit?" in easy and "Wo bekomme ich Hilfe?" in easy
    assert "bald ein Video in Deutscher Gebärden-Sprache" in easy


def test_the_operators_sign_language_video_is_shown_with_captions(make_app, reference):
    site = make_app(SIGN_LANGUAGE_VIDEO="video/gebaerden.webm", SIGN_LANGUAGE_CAPTIONS="video/gebaerden.vtt")
    page = site.test_client().get("/leichte-sprache").text
    assert '<source src="/static/video/gebaerden.webm">' in page
    assert '<track kind="captions" srclang="de" label="Deutsch" src="/static/video/gebaerden.vtt" default>' in page


def test_the_strategys_words_are_linked_to_their_explanation_where_they_appear(client, reference):
    author, moderator = create_user(), create_user("moderation@example.com", roles=("moderator",))
    published = make_idea(author, "Mitfahrbank")
    candidate = advance_idea(make_idea(author, "Radwegenetz-Karte"), "in_review", "candidate", moderator=moderator)
    project = db.session.scalar(select(Project).where(Project.number == 1))
    db.session.add(BudgetLine(project=project, label="Plattform", year=2027, kind="investiv", amount=Decimal("1000.00")))
    db.session.commit()
    auth = Auth(client)
    anchors = set(re.findall(r'<dt id="([a-z]+)"', client.get("/hilfe").text))
    pages = {
        "/": {"steuerungsgremium"},
        f"/ideen/{published.id}": {"steuerungsgremium", "portfolio"},
        f"/ideen/{candidate.id}": {"kandidat"},
        "/portfolio": {"themenfeld"},
        "/portfolio/P1": {"investiv"},
        "/portfolio/budget": {"investiv"},
    }
    for url, expected in pages.items():
        linked = set(re.findall(r'<a class="term" href="/hilfe#([a-z]+)"', client.get(url).text))
        assert expected <= linked <= anchors, (url, linked)
    auth.login()
    assert 'href="/hilfe#themenfeld">Was ist ein Themenfeld?</a>' in client.get("/ideen/neu").text


def test_a_word_is_linked_once_and_never_inside_a_link(app):
    from markupsafe import Markup

    from app.templating import link_glossary

    with app.test_request_context():
        html = str(link_glossary(Markup('Das <a href="/x">Portfolio</a>: investiv, konsumtiv, Steuerungsgremiums, Portfolio & <b>Kandidat</b>')))
    assert html.count('class="term"') == 4
    assert '<a href="/x">Portfolio</a>' in html and 'href="/hilfe#portfolio">Portfolio</a> &' in html
    assert '<a class="term" href="/hilfe#steuerungsgremium">Steuerungsgremiums</a>' in html
    assert 'konsumtiv,' in html and '<b><a class="term" href="/hilfe#kandidat">Kandidat</a></b>' in html
    with app.test_request_context():
        assert str(link_glossary("<script>")) == "&lt;script&gt;"
