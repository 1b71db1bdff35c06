"""A public page per town and a comparison of the 12 (the first slice of the towns' issue)."""

import re
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Municipality, OfficialAnswer, Project, Trial, utcnow
from app.moderation import services as moderation
from tests.factories import create_user, make_idea
from tests.helpers import page_text


def test_a_towns_page_shows_its_ideas_projects_and_trials(client, reference):
    author, moderator = create_user(), create_user("mod@example.com", roles=("moderator",))
    radweg = make_idea(author, "Radweg nach Buldern", municipality="duelmen")
    make_idea(author, "WLAN im Freibad", municipality="nottuln")
    moderation.publish_answer(radweg, moderator, "Wir prüfen das.", "Moderation")
    duelmen = db.session.scalar(select(Municipality).where(Municipality.slug == "duelmen"))
    p20 = db.session.scalar(select(Project).where(Project.number == 20))
    p20.municipality = duelmen
    db.session.add(Trial(project=p20, what="Pendler-App im Alltag", municipality=duelmen, starts_on=date.today() - timedelta(days=1)))
    db.session.commit()
    page = client.get("/kommunen/duelmen")
    assert page.status_code == 200
    text = page_text(page.text)
    assert "Ideen aus Dülmen" in text and "Radweg nach Buldern" in text and "WLAN im Freibad" not in text
    assert "P20 App in die Verkehrswende" in text and "Pendler-App im Alltag" in text
    assert "Innerhalb von 14 Tagen beantwortet 1" in text
    assert client.get("/kommunen/gibt-es-nicht").status_code == 404
    assert 'href="/kommunen/duelmen">Dülmen</a>' in client.get(f"/ideen/{radweg.id}").text, "a town's name links to its page"


def test_the_towns_compared_in_a_table(client, reference):
    author, moderator = create_user(), create_user("mod@example.com", roles=("moderator",))
    late = make_idea(author, "Spät beantwortet", municipality="olfen")
    moderation.publish_answer(late, moderator, "Endlich.", "Moderation")
    db.session.execute(OfficialAnswer.__table__.update().values(created_at=utcnow() + timedelta(days=20)))
    make_idea(author, "Zweite Idee", municipality="olfen")
    db.session.commit()
    page = client.get("/kommunen").text
    rows = {m.group(1): m.group(2) for m in re.finditer(r'>([^<]+)</a></th>(.*?)</tr>', page, re.S)}
    assert len(rows) == 12 and list(rows)[0] == "Kreis Coesfeld (kreisweit)"
    olfen = page_text(rows["Olfen"])
    assert olfen.split() == ["2", "0", "0", "0"], olfen  # two ideas, no supports, none answered within 14 days, no project
