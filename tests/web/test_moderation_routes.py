"""Moderation pages through HTTP: dashboard, idea actions, merge, scoring, answers, candidates."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Idea
from app.moderation import rubric
from app.moderation import services as moderation
from app.participation import services as participation
from tests.factories import create_user, make_idea
from tests.helpers import page_text


@pytest.fixture
def moderator(app, reference, auth):
    user = create_user("mod@example.com", roles=("moderator",), display_name="Mod")
    assert auth.login("mod@example.com").status_code == 302
    return user


@pytest.fixture
def idea(app, reference):
    return make_idea(create_user("autorin@example.com", display_name="Autorin"), "Digitale Sprechstunde im Rathaus")


def test_dashboard_lists_waiting_reported_and_hidden(client, moderator, idea, count_queries):
    other = make_idea(idea.author, "Carsharing in Olfen", municipality="olfen")
    comment = participation.add_comment(create_user("c@example.com"), other, "Unfug!")
    participation.report(create_user("r@example.com"), comment, reason="insult", note="beleidigend")
    db.session.commit()
    with count_queries() as counter:
        page = client.get("/moderation")
    assert page.status_code == 200
    assert "Warten auf Prüfung (2)" in page.text and "Digitale Sprechstunde im Rathaus" in page.text
    assert "Beleidigung (1)" in page.text and "beleidigend" in page.text
    assert counter.count <= 15  # (one of them: the staff banner "Rechtstexte unvollständig")
    filtered = client.get("/moderation?municipality=olfen")
    assert "Warten auf Prüfung (1)" in filtered.text and "Digitale Sprechstunde" not in filtered.text


def test_reports_come_first_and_several_ideas_go_into_review_at_once(client, moderator, idea):
    from datetime import timedelta

    from sqlalchemy import update

    from app.models import utcnow

    second = make_idea(idea.author, "Carsharing in Olfen", municipality="olfen")
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(published_at=utcnow() - timedelta(days=12)))
    db.session.commit()
    page = client.get("/moderation").text
    assert page.index("Gemeldete Beiträge") < page.index("Warten auf Prüfung"), "reported items first"
    assert "12 Tage" in page and "heute" in page, "each idea's age"
    assert client.post("/moderation/ideen/in-pruefung", data={}).status_code == 303
    done = client.post("/moderation/ideen/in-pruefung", data={"idea_id": [str(idea.id), str(second.id)]}, follow_redirects=True)
    assert "2 Ideen sind jetzt in Prüfung." in done.text
    assert {i.status for i in db.session.scalars(select(Idea))} == {"in_review"}
    again = client.post("/moderation/ideen/in-pruefung", data={"idea_id": [str(idea.id)]}, follow_redirects=True)
    assert "Es wurde nichts geändert" in again.text, "already in review: refused as a whole"


def test_an_item_hidden_by_reports_offers_to_restore_it_not_to_hide_it(client, moderator, idea):
    participation.report(create_user("r@example.com"), idea, reason="spam")
    db.session.commit()
    open_item = client.get("/moderation").text
    assert "Meldungen verwerfen" in open_item and "Wiederherstellen (Meldungen unbegründet)" not in open_item
    for n in range(2):
        participation.report(create_user(f"r{n}@example.com"), idea, reason="spam")
    db.session.commit()
    assert idea.is_hidden
    page = client.get("/moderation").text
    assert "Wiederherstellen (Meldungen unbegründet)" in page and "Verborgen lassen" in page
    assert client.post(f"/moderation/ideen/{idea.id}/meldungen-verwerfen").status_code in (302, 303)
    db.session.refresh(idea)
    assert not idea.is_hidden


def test_the_moderation_page_shows_the_whole_card_and_every_comment(client, moderator, idea):
    shown = participation.add_comment(create_user("c@example.com"), idea, "Gute Sache!")
    gone = participation.add_comment(create_user("d@example.com"), idea, "Weg damit")
    participation.delete_comment(gone.author, gone)
    db.session.commit()
    page = client.get(f"/moderation/ideen/{idea.id}").text
    assert "Die Ideenkarte" in page and "Der Nutzen ist groß." in page and "Es gibt Hürden." in page
    assert "Gute Sache!" in page and "von der Verfasserin oder dem Verfasser gelöscht" in page
    assert f'id="kommentar-{shown.id}"' in page


def test_the_scoring_page_shows_the_card_and_each_criterions_guidance(client, moderator, idea):
    moderation.change_status(idea, "in_review", moderator)
    db.session.commit()
    page = client.get(f"/moderation/ideen/{idea.id}/bewertung").text
    assert "Die Ideenkarte" in page and "Der Nutzen ist groß." in page
    assert "Gibt es Partner, Vereine oder Netzwerke, die mitziehen?" in page and "5 = ein starkes Bündnis steht bereit." in page


def test_take_into_review_answer_score_promote(client, moderator, idea):
    assert client.post(f"/moderation/ideen/{idea.id}/status", data={"to_status": "in_review"}).status_code == 302
    response = client.post(
        f"/moderation/ideen/{idea.id}/antwort",
        data={"body": "Danke! Wir prüfen das mit dem Bürgerbüro.", "signature": "Moderation, Dülmen"},
    )
    assert response.status_code == 302
    form = client.get(f"/moderation/ideen/{idea.id}/bewertung")
    assert form.status_code == 200 and "Wachstumspotenzial" in form.text and "Bereitschaft der Verwaltung" in form.text
    data = {f"value_{c.id}": "4" for c in rubric.active_criteria()}
    assert client.post(f"/moderation/ideen/{idea.id}/bewertung", data=data).status_code == 302
    assert client.post(f"/moderation/ideen/{idea.id}/status", data={"to_status": "candidate"}).status_code == 302
    db.session.refresh(idea)
    assert idea.status == "candidate"
    public = client.get(f"/ideen/{idea.id}")
    assert "Offizielle Antwort" in public.text and "Moderation, Dülmen" in public.text and "Kandidat" in public.text
    page = client.get(f"/moderation/ideen/{idea.id}")
    assert "4,00" in page.text and "Bewertet" in page.text or "Bewertung" in page.text


def test_a_score_form_with_gaps_comes_back_with_the_input(client, moderator, idea):
    moderation.change_status(idea, "in_review", moderator)
    db.session.commit()
    criteria = rubric.active_criteria()
    data = {f"value_{c.id}": "3" for c in criteria[1:]} | {f"note_{criteria[1].id}": "mein Hinweis"}
    response = client.post(f"/moderation/ideen/{idea.id}/bewertung", data=data)
    assert response.status_code == 422
    assert "Bitte wählen Sie eine Bewertung von 0 bis 5." in response.text
    assert "mein Hinweis" in response.text


def test_refused_transition_is_a_message_not_a_500(client, moderator, idea):
    response = client.post(f"/moderation/ideen/{idea.id}/status", data={"to_status": "candidate"})
    assert response.status_code == 422
    assert "kann nicht" in response.text
    declined = client.post(f"/moderation/ideen/{idea.id}/status", data={"to_status": "declined", "reason": ""})
    assert declined.status_code == 422 and "Begründung" in declined.text
    assert client.post(f"/moderation/ideen/{idea.id}/status", data={"to_status": "merged"}).status_code == 400


def test_merge_screen_suggests_similar_ideas_and_merges(client, moderator, idea):
    target = make_idea(create_user("z@example.com"), "Digitale Sprechstunde für alle Rathäuser")
    page = client.get(f"/moderation/ideen/{idea.id}/zusammenfuehren")
    assert page.status_code == 200 and "Digitale Sprechstunde für alle Rathäuser" in page.text
    # The similar ideas come before the form, and the hint says so.
    assert page.text.index("Digitale Sprechstunde für alle Rathäuser") < page.text.index("Ähnliche Ideen stehen oben.")
    bad = client.post(f"/moderation/ideen/{idea.id}/zusammenfuehren", data={"target_id": "999999", "reason": "Doppelt"})
    assert bad.status_code == 422 and "Doppelt" in bad.text
    done = client.post(f"/moderation/ideen/{idea.id}/zusammenfuehren", data={"target_id": str(target.id), "reason": "Doppelt"})
    assert done.status_code == 302
    public = client.get(f"/ideen/{idea.id}").text
    assert "zusammengeführt" in public and f"/ideen/{target.id}" in public
    assert "Die Unterstützungen sind übergegangen zu" in public and f'href="/ideen/{target.id}#unterstuetzen"' in public
    assert "data-support-count" not in public, "no count of 0 on a merged idea"


def test_hide_and_restore_an_idea(client, moderator, idea):
    assert client.post(f"/moderation/ideen/{idea.id}/verbergen", data={"reason": ""}).status_code == 422
    assert client.post(f"/moderation/ideen/{idea.id}/verbergen", data={"reason": "Prüfung"}).status_code == 302
    assert db.session.get(Idea, idea.id).is_hidden
    assert client.post(f"/moderation/ideen/{idea.id}/wiederherstellen", data={"reason": ""}).status_code == 302
    assert not db.session.get(Idea, idea.id).is_hidden


def test_candidates_view_with_chart_and_table(client, moderator, idea, count_queries):
    moderation.change_status(idea, "in_review", moderator)
    rubric.score_idea(idea, moderator, {c.id: (5 if c.axis == "relevance" else 1, "") for c in rubric.active_criteria()})
    unscored = make_idea(idea.author, "Noch ohne Bewertung")
    moderation.change_status(unscored, "in_review", moderator)
    db.session.commit()
    with count_queries() as counter:
        page = client.get("/moderation/kandidaten?sort=potential")
    assert page.status_code == 200 and counter.count <= 9  # (one: the staff banner)
    assert "<svg" in page.text and f'href="/moderation/ideen/{idea.id}"' in page.text
    assert "5,00" in page.text and "1,00" in page.text
    assert "Noch ohne Bewertung" in page.text
    assert 'aria-label="Nr. 1: ' in page.text and 'class="dot-number"' in page.text, "the dots are numbered as the rows"


def test_moderator_pages_404_for_missing_objects(client, moderator):
    for url in ("/moderation/ideen/99999", "/moderation/ideen/99999/bewertung"):
        assert client.get(url).status_code == 404
    assert client.post("/moderation/kommentare/99999/verbergen", data={"reason": "x"}).status_code == 404


def test_drafts_are_not_moderated(client, moderator, idea):
    draft = make_idea(idea.author, "Privat", publish=False)
    assert client.get(f"/moderation/ideen/{draft.id}").status_code == 404
    assert db.session.scalar(select(Idea.status).where(Idea.id == draft.id)) == "draft"


def test_only_the_decline_card_says_its_reason_is_required(client, moderator, idea):
    """"Beim Ablehnen erforderlich" stood under every state card's reason."""
    import re

    page = client.get(f"/moderation/ideen/{idea.id}").text
    cards = re.findall(r'<form method="post" action="/moderation/ideen/\d+/status".*?</form>', page, flags=re.S)
    declined = [card for card in cards if 'value="declined"' in card]
    others = [card for card in cards if 'value="declined"' not in card]
    assert len(declined) == 1 and others
    assert "Beim Ablehnen erforderlich" in declined[0]
    for card in others:
        assert "Beim Ablehnen erforderlich" not in card and "Freiwillig" in card


def test_the_dashboard_marks_ideas_past_the_promise_and_filters_unanswered_ones(client, moderator, idea):
    from datetime import timedelta

    from sqlalchemy import update

    from app.models import utcnow

    answered = make_idea(idea.author, "Schon beantwortet")
    moderation.publish_answer(answered, moderator, "Danke, wir prüfen das.", "Ihre Digitalagentur")
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(published_at=utcnow() - timedelta(days=20)))
    db.session.commit()
    page = page_text(client.get("/moderation").text)
    assert "20 Tage über der Zusage von 14 Tagen" in page
    assert "Schon beantwortet" in page
    filtered = page_text(client.get("/moderation?ohne_antwort=1").text)
    assert "Digitale Sprechstunde im Rathaus" in filtered and "Schon beantwortet" not in filtered
