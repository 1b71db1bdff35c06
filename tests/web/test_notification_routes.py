"""The notification centre, settings, one-click unsubscribe and news over HTTP; one web test per
event source; mails over a real SMTP server and two workers at once."""

import re
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Announcement, Notification, NotificationSetting, OutgoingMail, User
from app.moderation import services as moderation
from app.notifications import fanout, mails
from app.participation import services as participation
from app.transactions import writing
from tests.factories import advance_idea, create_user, make_idea
from tests.helpers import page_text


def _work():
    fanout.fan_out_events()
    mails.mail_immediate()


@pytest.fixture
def story(app, reference):
    author = create_user("autorin@example.com", display_name="Autorin")
    moderator = create_user("mod@example.com", roles=("moderator", "admin"))
    idea = make_idea(author, "Digitale Mitfahrbank")
    return author, moderator, idea


def test_the_centre_shows_unread_in_the_header_and_opening_marks_read(client, auth, story):
    author, moderator, idea = story
    moderation.change_status(idea, "in_review", moderator)
    moderation.publish_answer(idea, moderator, "Wir prüfen das gern.", "Moderation, Coesfeld")
    db.session.commit()
    _work()
    auth.login("autorin@example.com")
    home = page_text(client.get("/").text)
    assert "Benachrichtigungen 2 ungelesen" in home
    centre = client.get("/benachrichtigungen")
    assert "Ihre Idee „Digitale Mitfahrbank“ ist jetzt „In Prüfung“." in page_text(centre.text)
    assert "Die Moderation hat Ihre Idee „Digitale Mitfahrbank“ beantwortet." in page_text(centre.text)
    answer = db.session.scalar(select(Notification).where(Notification.kind == "idea.answer"))
    opened = client.post(f"/benachrichtigungen/{answer.id}/oeffnen")
    assert opened.status_code == 303 and opened.location == f"/ideen/{idea.id}#h-answer"
    assert "Benachrichtigungen 1 ungelesen" in page_text(client.get("/").text)
    assert client.post("/benachrichtigungen/alle-gelesen").status_code == 303
    assert "ungelesen" not in page_text(client.get("/").text)


def test_nobody_opens_someone_elses_notification(client, auth, story):
    author, moderator, idea = story
    moderation.change_status(idea, "in_review", moderator)
    db.session.commit()
    _work()
    other = db.session.scalar(select(Notification.id))
    create_user("fremd@example.com")
    auth.login("fremd@example.com")
    assert client.post(f"/benachrichtigungen/{other}/oeffnen").status_code == 404
    assert db.session.get(Notification, other).read_at is None


@pytest.mark.parametrize(
    "source",
    ["in_review", "declined", "candidate", "shortlisted", "imported", "project_status", "merged", "withdrawn", "answer", "comment",
     "reply", "hidden", "restored"],
)
def test_each_event_source_notifies_the_author(client, auth, story, source):
    author, moderator, idea = story
    fan = create_user("fan@example.com")
    steering = create_user("sg@example.com", roles=("steering",))
    if source in ("in_review", "candidate", "shortlisted"):
        states = {"in_review": ["in_review"], "candidate": ["in_review", "candidate"], "shortlisted": ["in_review", "candidate", "shortlisted"]}[source]
        advance_idea(idea, *states, moderator=moderator, steering=steering)
        expected = {"in_review": "ist jetzt „In Prüfung“", "candidate": "ist jetzt „Kandidat“", "shortlisted": "steht jetzt auf der Shortlist"}[source]
    elif source in ("imported", "project_status"):
        from app.portfolio import services as portfolio

        advance_idea(idea, "in_review", "candidate", "shortlisted", moderator=moderator, steering=steering)
        data = portfolio.ProjectData(title="Mitfahren im Kreis", action_field_id=idea.action_fields[0].id, municipality_id=idea.municipality_id)
        [project] = portfolio.import_into_portfolio(steering, [portfolio.ProjectPlan(idea_ids=[idea.id], data=data, budget=None)])
        expected = f"Sie ist Teil des Portfolio-Projekts {project.code} „Mitfahren im Kreis“."
        if source == "project_status":
            data.status = "in_progress"
            portfolio.edit_project(project, steering, data, "Start")
            expected = f"Das Portfolio-Projekt {project.code} „Mitfahren im Kreis“, zu dem Ihre Idee gehört, ist jetzt „in Umsetzung“."
    elif source == "declined":
        moderation.change_status(idea, "declined", moderator, "Gibt es schon als P3.")
        expected = "Begründung: Gibt es schon als P3."
    elif source == "merged":
        target = make_idea(fan, "Mitfahren auf dem Land")
        moderation.merge_idea(idea, target, moderator, "Gleiche Idee")
        expected = "zusammengeführt mit „Mitfahren auf dem Land“"
    elif source == "withdrawn":
        from app.ideas.services import withdraw_idea

        participation.follow_idea(fan, idea)
        withdraw_idea(idea, author, "Hat sich erledigt")
        author, expected = fan, "Zurückgezogen"  # the author acted; a follower hears of it
    elif source == "answer":
        moderation.publish_answer(idea, moderator, "Antwort", "Moderation")
        expected = "beantwortet"
    elif source == "comment":
        participation.add_comment(fan, idea, "Gute Idee")
        expected = "Ein neuer Kommentar zu Ihrer Idee"
    elif source == "reply":
        first = participation.add_comment(fan, idea, "Gute Idee")
        participation.add_comment(author, idea, "Danke", parent=first)
        author, expected = fan, "Eine Antwort auf Ihren Kommentar"
    elif source == "hidden":
        moderation.hide_item(idea, moderator, "intern")
        expected = "wurde ausgeblendet (durch die Moderation)"
    else:
        comment = participation.add_comment(author, idea, "Mein Kommentar")
        moderation.hide_item(comment, moderator, "intern")
        moderation.restore_item(comment, moderator)
        expected = "Ihr Kommentar zu „Digitale Mitfahrbank“ wird wieder angezeigt."
    db.session.commit()
    _work()
    auth.login(author.email)
    assert expected in page_text(client.get("/benachrichtigungen").text)


def test_settings_are_saved_and_bad_choices_come_back(client, auth, story):
    author, _moderator, _idea = story
    auth.login("autorin@example.com")
    page = client.get("/benachrichtigungen/einstellungen")
    assert page.status_code == 200 and "Neuigkeiten" in page.text
    assert "Zusammenfassung der Moderation" not in page.text, "staff-only setting hidden from citizens"
    data = {name: "daily" for name in re.findall(r'name="(s_[a-z_]+)"', page.text)}
    data["s_news"] = "weekly"
    assert client.post("/benachrichtigungen/einstellungen", data=data).status_code == 303
    assert mails.current_channel(author, "news") == "weekly" and mails.current_channel(author, "own.state") == "daily"
    data["s_own_state"] = "stündlich"
    bad = client.post("/benachrichtigungen/einstellungen", data=data)
    assert bad.status_code == 422 and "Keine gültige Auswahl" in bad.text and mails.current_channel(author, "own.state") == "daily"


def test_one_click_unsubscribe_without_login(app, client, story):
    author, moderator, idea = story
    moderation.change_status(idea, "in_review", moderator)
    db.session.commit()
    _work()
    mail = db.session.scalar(select(OutgoingMail).where(OutgoingMail.to_address == author.email))
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.match(r"<https?://[^/]+(/\S+)>", mail.headers["List-Unsubscribe"]).group(1)
    assert "/benachrichtigungen/einstellungen" in mail.body_text and "weil es Ihre Idee ist" in mail.body_text
    assert mail.body_html and "<a href=" in mail.body_html
    page = app.test_client().get(link)
    assert page.status_code == 200 and mails.current_channel(author, "own.state") == "immediate", "GET changes nothing"
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", without a session or CSRF token.
    done = app.test_client().post(link, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "keine E-Mails mehr" in done.text
    assert mails.current_channel(author, "own.state") == "off"
    assert app.test_client().post("/benachrichtigungen/abbestellen/gefaelscht").status_code == 400


def test_news_are_published_by_staff_shown_and_mailed_to_those_who_opted_in(client, auth, story):
    author, moderator, _idea = story
    subscriber = create_user("leser@example.com")
    mails.set_channel(subscriber, "news", "immediate")
    db.session.commit()
    auth.login("autorin@example.com")
    assert client.get("/neuigkeiten/neu").status_code == 403
    auth.logout()
    auth.login("mod@example.com")
    bad = client.post("/neuigkeiten/neu", data={"title": "", "body": "Text ohne Titel"})
    assert bad.status_code == 422 and "Text ohne Titel" in bad.text
    assert client.post("/neuigkeiten/neu", data={"title": "Workshop am 12. Januar", "body": "Im Kreishaus, 18 Uhr."}).status_code == 303
    _work()
    assert "Workshop am 12. Januar" in client.application.test_client().get("/").text
    assert "Im Kreishaus, 18 Uhr." in client.application.test_client().get("/neuigkeiten").text
    assert db.session.scalars(select(OutgoingMail.to_address).where(OutgoingMail.subject.like("%Workshop%"))).all() == ["leser@example.com"]


def test_a_news_title_with_a_line_break_is_stored_and_mailed_on_one_line(client, auth, story, outbox):
    subscriber = create_user("leser@example.com")
    mails.set_channel(subscriber, "news", "immediate")
    db.session.commit()
    auth.login("mod@example.com")
    crafted = {"title": "Workshop\r\nam 12. Januar", "body": "Im Kreishaus."}
    assert client.post("/neuigkeiten/neu", data=crafted).status_code == 303
    assert db.session.scalar(select(Announcement.title)) == "Workshop am 12. Januar"
    _work()
    [message] = [m for m in outbox.messages() if m["To"] == "leser@example.com"]
    assert "Workshop am 12. Januar" in message["Subject"]


def test_notification_mails_arrive_once_over_smtp_from_two_workers(make_app, reference):
    """A real SMTP server that goes away mid-delivery, and two workers fanning out and mailing at once."""
    from app import mail
    from tests.smtp_server import SmtpServer

    smtp = SmtpServer().start()
    try:
        other = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        moderator = create_user("mod@example.com", roles=("moderator",))
        authors = [create_user(f"autor{n}@example.com") for n in range(12)]
        for number, author in enumerate(authors):
            moderation.change_status(make_idea(author, f"Eigene Idee {number}"), "in_review", moderator)
        db.session.commit()
        errors = []

        def worker():
            try:
                with other.app_context(), writing():
                    for _ in range(6):
                        fanout.fan_out_events(limit=3)
                        mails.mail_immediate(limit=2)
                        mail.deliver_due(limit=3)
                    db.session.remove()
            except Exception as error:  # reported below
                errors.append(error)

        smtp.refuse_after(4)
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors
        smtp.start()
        from datetime import timedelta

        from app.models import utcnow

        with other.app_context():
            while mail.deliver_due(now=utcnow() + timedelta(hours=7)).handled:
                pass
        assert sorted(m["To"] for m in smtp.messages) == sorted(a.email for a in authors)
        assert db.session.scalar(select(func.count(Notification.id))) == 12
    finally:
        smtp.stop()


def test_unread_count_is_exact(client, auth, story):
    author, moderator, idea = story
    for number in range(3):
        moderation.change_status(make_idea(author, f"Weitere Idee {number}"), "in_review", moderator)
    db.session.commit()
    _work()
    assert db.session.get(User, author.id).unread_notifications == 3
    assert db.session.scalar(select(func.count(NotificationSetting.user_id))) == 0


def test_a_notification_mail_is_german_in_every_part(client, auth, story, outbox):
    """Read in full: the plain-text part carried an English footer (babel.cfg extracted no .txt)."""
    subscriber = create_user("leser@example.com")
    mails.set_channel(subscriber, "news", "immediate")
    db.session.commit()
    auth.login("mod@example.com")
    client.post("/neuigkeiten/neu", data={"title": "Workshop am 12. Januar", "body": "Im Kreishaus, 18 Uhr."})
    _work()
    [message] = [m for m in outbox.messages() if m["To"] == "leser@example.com"]
    parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    for kind, text in parts.items():
        assert "Guten Tag" in text, kind
        for english in ("Hello", "Choose which", "No more", "here is what happened", "e-mails for"):
            assert english not in text, f"{kind}: {english!r}"
    assert "Welche E-Mails Sie bekommen, stellen Sie hier ein: http" in parts["text/plain"]
    assert "Keine E-Mails mehr zu „" in parts["text/plain"]
