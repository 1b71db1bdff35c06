"""What an author reads when the moderation acts: the answer itself in the mail, and one mail for
one moderator's session instead of one per step."""

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Notification, User, utcnow
from app.moderation import services as moderation
from app.notifications import fanout, mails
from app.participation import services as participation
from tests.factories import create_user, make_idea


@pytest.fixture
def session_of_a_moderator(app, reference):
    app.config["NOTIFY_BUNDLE_SECONDS"] = 90
    author = create_user("autorin@example.com", display_name="Autorin")
    moderator = create_user("mod@example.com", roles=("moderator",))
    idea = make_idea(author, "Bürgerbus in Echtzeit")
    moderation.change_status(idea, "in_review", moderator, "Wir schauen uns das an.")
    db.session.commit()
    moderation.publish_answer(idea, moderator, "Danke! Wir sprechen mit dem **Bürgerbusverein**.", "Ihr Team der Digitalagentur COE")
    db.session.commit()
    fanout.fan_out_events()
    return idea


def _parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_one_moderator_session_reaches_the_author_as_one_mail(app, session_of_a_moderator, outbox):
    now = utcnow()
    assert mails.mail_immediate(now=now) == 0, "the session may go on: wait"
    assert outbox.messages() == []
    assert mails.mail_immediate(now=now + timedelta(seconds=91)) == 2
    [mail] = outbox.messages()
    assert mail["Subject"] == "Neues zu Ihrer Idee „Bürgerbus in Echtzeit“"
    text, html = _parts(mail)
    assert "ist jetzt „In Prüfung“" in text and "Begründung: Wir schauen uns das an." in text
    assert "Die Moderation hat Ihre Idee „Bürgerbus in Echtzeit“ beantwortet." in text
    assert "Danke! Wir sprechen mit dem **Bürgerbusverein**.\n– Ihr Team der Digitalagentur COE" in text
    assert "<strong>Bürgerbusverein</strong>" in html and "– Ihr Team der Digitalagentur COE" in html
    # Each setting the mail comes from has its own way out, in German, in both parts.
    assert len(re.findall(r"Keine E-Mails mehr zu „[^“]+“: http", text)) == 2
    assert html.count("Keine E-Mails mehr für") == 2
    assert mails.mail_immediate(now=now + timedelta(seconds=200)) == 0, "each notification once"


def test_a_notification_that_keeps_coming_waits_for_the_session_to_end(app, session_of_a_moderator, outbox):
    idea = session_of_a_moderator
    now = utcnow()
    db.session.execute(db.update(Notification).values(updated_at=now - timedelta(seconds=80)))  # the session's first steps
    moderator = db.session.scalar(db.select(User).where(User.email == "mod@example.com"))
    moderation.change_status(idea, "candidate", moderator, "Hohe Relevanz.")  # and one more, now
    db.session.commit()
    fanout.fan_out_events()
    assert mails.mail_immediate(now=now + timedelta(seconds=20)) == 0, "the first two are settled, the newest is not: all wait"
    assert mails.mail_immediate(now=now + timedelta(seconds=91)) == 3
    [mail] = outbox.messages()
    assert "„Kandidat“" in _parts(mail)[0]


def test_a_single_answer_mail_carries_the_answer_and_its_signature(app, reference, outbox):
    author = create_user("autorin@example.com")
    moderator = create_user("mod@example.com", roles=("moderator",))
    idea = make_idea(author, "Mitfahrbank")
    moderation.publish_answer(idea, moderator, "Eine gute Idee.\n\nWir prüfen Standorte.", "Moderation Kreis Coesfeld")
    db.session.commit()
    moderation.publish_answer(idea, moderator, "Zweite Fassung.", "Moderation Kreis Coesfeld")  # a later version
    db.session.commit()
    fanout.fan_out_events()
    mails.mail_immediate()
    [mail] = outbox.messages()
    text, html = _parts(mail)
    assert mail["Subject"] == "Neues zu Ihrer Idee „Mitfahrbank“"  # two answers, one mail
    assert "Eine gute Idee.\n\nWir prüfen Standorte.\n– Moderation Kreis Coesfeld" in text, "each version as it was"
    assert "Zweite Fassung.\n– Moderation Kreis Coesfeld" in text
    assert "Hello" not in text + html and "No more" not in text + html


def test_a_mail_about_one_comment_has_its_sentence_as_subject_without_the_full_stop(app, reference, outbox):
    author = create_user("autorin@example.com")
    idea = make_idea(author, "Mitfahrbank")
    participation.add_comment(create_user("fan@example.com"), idea, "Gute Idee")
    db.session.commit()
    fanout.fan_out_events()
    mails.mail_immediate()
    [mail] = outbox.messages()
    assert mail["Subject"] == "Ein neuer Kommentar zu Ihrer Idee „Mitfahrbank“"
    assert "Ein neuer Kommentar zu Ihrer Idee „Mitfahrbank“." in _parts(mail)[0], "the sentence in the text keeps it"
