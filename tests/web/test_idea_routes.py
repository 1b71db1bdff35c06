import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Idea
from tests.factories import PASSWORD, create_user, make_idea
from tests.helpers import idea_form, page_text


@pytest.fixture
def logged_in(client, reference):
    user = create_user()
    client.post("/anmelden", data={"email": user.email, "password": PASSWORD})
    return user




def test_new_idea_form_has_the_draft_card_labels(client, logged_in):
    text = client.get("/ideen/neu").text
    for label in ("Titel", "Kurzbeschreibung", "Zentraler Nutzen der Idee", "Vermutete Herausforderungen und Schwierigkeiten", "Themenfelder", "Kommune", "Mögliche Partner"):
        assert f">{label}" in text, label


def test_publish_an_idea(client, logged_in):
    response = client.post("/ideen/neu", data=idea_form())
    assert response.status_code == 302
    idea = db.session.scalar(select(Idea))
    assert response.location == f"/ideen/{idea.id}"
    assert idea.status == "published" and idea.author_id == logged_in.id
    page = client.get(f"/ideen/{idea.id}").text
    assert "Bürgerbus in Echtzeit" in page and "Veröffentlicht" in page and "Nottuln" in page and "Mobilität" in page
    assert "<li>weniger Warten</li>" in page
    assert "Erika M." in page


def test_save_a_draft_only_the_author_sees_it(app, client, logged_in):
    response = client.post("/ideen/neu", data=idea_form(publish="", save_draft="Als Entwurf speichern"))
    assert response.status_code == 302
    idea = db.session.scalar(select(Idea))
    assert idea.status == "draft"
    assert "privater Entwurf" in client.get(f"/ideen/{idea.id}").text
    assert app.test_client().get(f"/ideen/{idea.id}").status_code == 404
    assert "Bürgerbus" not in app.test_client().get("/ideen").text
    client.post(f"/ideen/{idea.id}/veroeffentlichen")
    db.session.refresh(idea)
    assert idea.status == "published"
    assert app.test_client().get(f"/ideen/{idea.id}").status_code == 200


def test_bad_input_keeps_everything_typed(client, logged_in):
    data = idea_form(title="x" * 151, summary="", action_field_ids=[], municipality_id="0")
    response = client.post("/ideen/neu", data=data)
    assert response.status_code == 422
    text = response.text
    assert "x" * 151 in text
    assert "Wartende wissen, wann der Bus kommt." in text
    assert "Bürgerbusverein" in text
    assert "Bitte höchstens 150 Zeichen." in text
    assert "Bitte beschreiben Sie Ihre Idee kurz." in text
    assert "Bitte wählen Sie mindestens ein Themenfeld." in text
    assert "Bitte wählen Sie eine Kommune." in text
    assert db.session.scalar(select(func.count(Idea.id))) == 0


@pytest.mark.parametrize("field_id", ["abc", "99999"])
def test_garbage_choices_are_a_form_error_not_a_500(client, logged_in, field_id):
    response = client.post("/ideen/neu", data=idea_form(action_field_ids=[field_id], municipality_id="abc"))
    assert response.status_code == 422


def test_author_edits_and_the_page_shows_when(client, logged_in):
    idea = make_idea(logged_in, "Alt")
    form = client.get(f"/ideen/{idea.id}/bearbeiten")
    assert 'value="Alt"' in form.text and "checked" in form.text
    response = client.post(f"/ideen/{idea.id}/bearbeiten", data=idea_form(title="Neu", publish=""))
    assert response.status_code == 302
    db.session.refresh(idea)
    assert idea.title == "Neu"
    assert "Zuletzt bearbeitet" in client.get(f"/ideen/{idea.id}").text


def test_others_cannot_edit_publish_withdraw_or_delete(app, client, reference):
    author = create_user("author@example.com")
    idea = make_idea(author, publish=False)
    published = make_idea(author, "Zweite")
    create_user()
    client.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD})
    assert client.get(f"/ideen/{published.id}/bearbeiten").status_code == 403
    assert client.post(f"/ideen/{published.id}/bearbeiten", data=idea_form()).status_code == 403
    assert client.post(f"/ideen/{published.id}/zurueckziehen", data={"reason": "x"}).status_code == 403
    assert client.post(f"/ideen/{idea.id}/veroeffentlichen").status_code == 404  # drafts are invisible to others
    assert client.post(f"/ideen/{idea.id}/loeschen").status_code == 404
    db.session.refresh(published)
    assert published.status == "published" and published.title == "Zweite"


def test_withdraw_with_reason(client, logged_in):
    idea = make_idea(logged_in)
    empty = client.post(f"/ideen/{idea.id}/zurueckziehen", data={"reason": ""})
    assert empty.status_code == 422 and "Bitte geben Sie eine Begründung an." in empty.text
    response = client.post(f"/ideen/{idea.id}/zurueckziehen", data={"reason": "Hat sich erledigt"})
    assert response.status_code == 302
    page = client.get(f"/ideen/{idea.id}").text
    assert "Zurückgezogen" in page and "Hat sich erledigt" in page


def test_edit_refused_after_review_starts(client, logged_in):
    from app.ideas.services import change_state

    idea = make_idea(logged_in)
    change_state(idea, "in_review", create_user("mod@example.com", roles=("moderator",)), "moderation")
    db.session.commit()
    response = client.post(f"/ideen/{idea.id}/bearbeiten", data=idea_form(title="Zu spät"), follow_redirects=True)
    assert "kann nicht mehr bearbeitet werden" in response.text
    db.session.refresh(idea)
    assert idea.title != "Zu spät"


def test_delete_draft(client, logged_in):
    idea = make_idea(logged_in, publish=False)
    assert client.post(f"/ideen/{idea.id}/loeschen").status_code == 302
    assert db.session.scalar(select(func.count(Idea.id))) == 0


def test_publishing_a_published_idea_again_is_a_message_not_a_500(client, logged_in):
    idea = make_idea(logged_in)
    response = client.post(f"/ideen/{idea.id}/veroeffentlichen", follow_redirects=True)
    assert response.status_code == 200
    assert "kann nicht in den Status" in response.text


def test_an_overlong_text_comes_back_with_the_error_and_only_megabytes_get_413(client, logged_in):
    response = client.post("/ideen/neu", data=idea_form(benefit="x" * 300_000))
    assert response.status_code == 422 and "x" * 300_000 in response.text and "Bitte höchstens" in response.text
    response = client.post("/ideen/neu", data=idea_form(benefit="x" * 1_100_000))
    assert response.status_code == 413
    assert "Zurück" in response.text and "kürzen" in response.text


def test_unknown_idea_is_404_in_german(client, reference):
    response = client.get("/ideen/4711")
    assert response.status_code == 404 and "Seite nicht gefunden" in response.text


def test_my_ideas_lists_own_drafts_and_published_ideas_only(app, client, logged_in):
    make_idea(logged_in, "Mein Entwurf", publish=False)
    make_idea(logged_in, "Meine veröffentlichte Idee")
    make_idea(create_user("andere@example.com"), "Fremde Idee")
    page = client.get("/ideen/meine").text
    assert "Mein Entwurf" in page and "Meine veröffentlichte Idee" in page
    assert "Fremde Idee" not in page
    assert app.test_client().get("/ideen/meine").status_code == 302


def test_a_new_idea_does_not_claim_to_be_edited(client, logged_in):
    idea = make_idea(logged_in)
    assert idea.created_at == idea.edited_at
    assert "Zuletzt bearbeitet" not in client.get(f"/ideen/{idea.id}").text


def test_check_similar_ideas_shows_them_and_keeps_the_card(client, logged_in):
    existing = make_idea(create_user("other@example.com"), "Bürgerbus Position live anzeigen", summary="Wo ist der Bürgerbus gerade?")
    response = client.post("/ideen/neu", data=idea_form(publish="", check_similar="Ähnliche Ideen prüfen"))
    assert response.status_code == 200
    text = response.text
    assert f'href="/ideen/{existing.id}"' in text and "Bürgerbus Position live anzeigen" in text
    assert "Wartende wissen, wann der Bus kommt." in text and "Bürgerbusverein" in text
    assert db.session.scalar(select(func.count(Idea.id))) == 1


def test_publishing_stops_once_at_similar_ideas_then_publishes(client, logged_in):
    existing = make_idea(create_user("other@example.com"), "Bürgerbus Position live anzeigen", summary="Wo ist der Bürgerbus gerade?")
    first = client.post("/ideen/neu", data=idea_form())
    assert first.status_code == 200
    assert "Es gibt schon ähnliche Ideen" in first.text and f'href="/ideen/{existing.id}"' in first.text
    assert 'role="alert"' in first.text and "Trotzdem veröffentlichen" in first.text
    assert f'name="support_instead" value="{existing.id}">Stattdessen diese Idee unterstützen' in first.text
    assert 'name="similar_checked" type="hidden" value="1"' in first.text
    assert db.session.scalar(select(func.count(Idea.id))) == 1
    second = client.post("/ideen/neu", data=idea_form(similar_checked="1"))
    assert second.status_code == 302
    assert db.session.scalar(select(func.count(Idea.id))) == 2


def test_the_gate_offers_each_similar_idea_and_keeps_the_text_as_a_draft(client, logged_in):
    other = create_user("other@example.com")
    first = make_idea(other, "Bürgerbus Position live anzeigen", summary="Wo ist der Bürgerbus gerade?")
    second = make_idea(other, "Bürgerbus live im Netz", summary="Den Bürgerbus live verfolgen.")
    gate = client.post("/ideen/neu", data=idea_form())
    for idea in (first, second):
        assert f'name="support_instead" value="{idea.id}">Stattdessen diese Idee unterstützen' in gate.text
    chosen = client.post("/ideen/neu", data=idea_form(similar_checked="1", publish="", support_instead=str(second.id)))
    assert chosen.status_code == 302 and chosen.location == f"/ideen/{second.id}#unterstuetzen"
    draft = db.session.scalar(select(Idea).where(Idea.author_id != other.id))
    typed = idea_form()
    assert draft.status == "draft" and (draft.title, draft.summary, draft.benefit, draft.partners) == (
        typed["title"], typed["summary"], typed["benefit"], typed["partners"])
    assert "als privater Entwurf unter „Meine Ideen“ gespeichert" in client.get(chosen.location).text
    # Pressed from the gate of a card that says "publish": still only a draft.
    client.post("/ideen/neu", data=idea_form(similar_checked="1", support_instead=str(first.id)))
    assert db.session.scalar(select(func.count(Idea.id)).where(Idea.status == "published")) == 2


def test_without_similar_ideas_publishing_needs_no_extra_step(client, logged_in):
    make_idea(create_user("other@example.com"), "Freies WLAN am Marktplatz", summary="WLAN für alle in der Innenstadt.")
    assert client.post("/ideen/neu", data=idea_form()).status_code == 302


def test_similar_fragment_for_the_live_title(client, reference):
    existing = make_idea(create_user("other@example.com"), "Bürgerbus Position live anzeigen")
    response = client.get("/ideen/aehnliche", query_string={"titel": "Bürgerbus live"})
    assert response.status_code == 200
    assert f'href="/ideen/{existing.id}"' in response.text and "<html" not in response.text
    assert "Keine ähnlichen Ideen gefunden." in client.get("/ideen/aehnliche?titel=Kuhstall").text
    assert client.get("/ideen/aehnliche").text.strip() == ""


def test_a_draft_needs_only_a_title_and_is_completed_before_publishing(client, logged_in):
    """"Als Entwurf speichern" promised a private draft but demanded every field."""
    from app.models import Municipality

    saved = client.post("/ideen/neu", data={"title": "Halbe Idee", "save_draft": "Als Entwurf speichern"})
    assert saved.status_code == 302
    idea = db.session.scalar(select(Idea))
    assert (idea.status, idea.summary, idea.action_fields) == ("draft", "", [])
    assert db.session.get(Municipality, idea.municipality_id).is_district, "kept as kreisweit until the author chooses"

    refused = client.post(f"/ideen/{idea.id}/veroeffentlichen", follow_redirects=True)
    assert "Bitte vervollständigen Sie zuerst die Karte" in refused.text
    db.session.refresh(idea)
    assert idea.status == "draft"

    untitled = client.post("/ideen/neu", data={"title": "", "summary": "Nur Text", "save_draft": "Als Entwurf speichern"})
    assert untitled.status_code == 422 and "Bitte geben Sie Ihrer Idee einen Titel." in untitled.text and "Nur Text" in untitled.text
    publish_half = client.post(f"/ideen/{idea.id}/bearbeiten", data={"title": "Halbe Idee", "publish": "Veröffentlichen"})
    assert publish_half.status_code == 422 and "Bitte beschreiben Sie Ihre Idee kurz." in publish_half.text

    assert client.post(f"/ideen/{idea.id}/bearbeiten", data=idea_form(title="Ganze Idee")).status_code == 302
    db.session.refresh(idea)
    assert idea.status == "published" and idea.title == "Ganze Idee"


def test_the_idea_page_says_what_a_support_does_and_how_long_it_has_waited(client, reference):
    from datetime import timedelta

    from sqlalchemy import update

    from app.models import utcnow

    idea = make_idea(create_user("autorin@example.com"), "Wartende Idee")
    page = page_text(client.get(f"/ideen/{idea.id}").text)
    assert "Was eine Unterstützung bewirkt" in page and "allein entscheidet sie nicht" in page
    assert "wartet seit" not in page, "within the promised 14 days nothing is said"
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(published_at=utcnow() - timedelta(days=20, hours=1)))
    db.session.commit()
    client.application.extensions["page_cache"].clear()
    page = page_text(client.get(f"/ideen/{idea.id}").text)
    assert "Diese Idee wartet seit 20 Tagen auf die Prüfung, länger als die 14 Tage, die der Kreis zusagt." in page
