"""In Chromium: a citizen submits an idea, a moderator answers and promotes it, the citizen sees the
unread count, opens the notification and lands on the answer; then unsubscribes from the mail's
link without logging in. axe-core on the notification centre, the settings and the news."""

import re

from sqlalchemy import select

from app import worker
from app.extensions import db
from app.models import OutgoingMail
from app.notifications import mails
from tests.e2e.browser import assert_accessible, log_in, screenshot
from tests.factories import create_user


def _worker_round():
    """What `flask worker` does, once (the live server has no worker of its own)."""
    db.session.commit()
    worker.run_once()


def test_a_citizen_hears_back_and_unsubscribes_from_the_mail(axe_page, reference):
    page = axe_page
    create_user("buergerin@example.com", display_name="Anna")
    create_user("mod@example.com", roles=("moderator",), display_name="Digitalagentur")

    log_in(page, "buergerin@example.com")
    page.goto("/ideen/neu")
    page.locator("#title").fill("Digitale Mitfahrbank in Billerbeck")
    page.locator("#summary").fill("Eine Bank mit Knopf zeigt im Netz, wer mitfahren möchte.")
    page.locator("#benefit").fill("Ältere Menschen kommen ohne Auto ins Nachbardorf.")
    page.locator("#challenges").fill("Strom und Datenschutz an der Bank.")
    page.get_by_label("Mobilität").check()
    page.get_by_label("Kommune").select_option(label="Billerbeck")
    page.locator("form").filter(has=page.locator("#title")).get_by_role("button", name="Veröffentlichen").click()
    if page.get_by_role("button", name="Trotzdem veröffentlichen").count():
        page.get_by_role("button", name="Trotzdem veröffentlichen").click()
    page.get_by_role("heading", name="Digitale Mitfahrbank in Billerbeck").wait_for()
    idea_path = re.search(r"/ideen/\d+", page.url).group(0)
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, "mod@example.com", second_factor=True)
    page.goto("/moderation" + idea_path)
    page.get_by_role("button", name="In Prüfung nehmen").click()
    page.get_by_role("textbox", name="Offizielle Antwort").fill("Danke! Wir sprechen mit dem Bürgerbusverein.")
    page.get_by_label("Unterzeichnet als").fill("Moderation, Billerbeck")
    page.get_by_role("button", name="Antwort veröffentlichen").click()
    page.get_by_text("Die offizielle Antwort ist veröffentlicht.").wait_for()
    page.get_by_role("button", name="Zum Kandidaten-Projekt machen").click()
    page.get_by_role("button", name="Abmelden").click()
    _worker_round()

    log_in(page, "buergerin@example.com")
    badge = page.get_by_role("link", name=re.compile(r"Benachrichtigungen 3 ungelesen"))
    badge.wait_for()
    badge.click()
    assert_accessible(page, "a11y-notifications")
    page.get_by_role("button", name=re.compile("Die Moderation hat Ihre Idee")).click()
    page.wait_for_url(re.compile(idea_path + "#h-answer$"))
    assert "Wir sprechen mit dem Bürgerbusverein." in page.locator(".official-answer").inner_text()
    page.get_by_role("link", name=re.compile(r"Benachrichtigungen 2 ungelesen")).wait_for()
    screenshot(page, "notification-opened")

    page.goto("/benachrichtigungen/einstellungen")
    assert_accessible(page, "a11y-notification-settings")
    page.goto("/neuigkeiten")
    assert_accessible(page, "a11y-news")
    page.get_by_role("button", name="Abmelden").click()

    # The mail (queued by the worker) unsubscribes without a log-in.
    db.session.rollback()
    mail = db.session.scalars(select(OutgoingMail).where(OutgoingMail.to_address == "buergerin@example.com")
                              .order_by(OutgoingMail.id)).all()[-1]
    link = re.search(r"https?://[^/\s]+(/benachrichtigungen/abbestellen/\S+)", mail.body_text).group(1)
    page.goto(link)
    assert_accessible(page, "a11y-unsubscribe")
    page.get_by_role("button", name="Abbestellen").click()
    page.get_by_text("Sie erhalten keine E-Mails mehr").wait_for()
    db.session.rollback()
    from app.models import User

    user = db.session.scalar(select(User).where(User.email == "buergerin@example.com"))
    assert mails.current_channel(user, "own.state") == "off" or mails.current_channel(user, "own.answer") == "off"
