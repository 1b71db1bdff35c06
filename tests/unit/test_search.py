
from app import search
from app.extensions import db
from app.ideas import queries
from tests.factories import create_user, make_idea


def test_stems_fold_inflections_and_umlauts():
    assert search.stems("Radwege Radweg") == ["radweg", "radweg"]
    assert search.stems("Schule Schulen") == ["schul", "schul"]
    assert search.stems("Mobilität") == search.stems("mobilitat")
    assert search.stems("Straße") == search.stems("Strasse")


def test_query_terms_drop_syntax_and_duplicates():
    assert search.query_terms('Radwege "OR" radweg* -Schule') == ["radweg", "or", "schul"]
    assert search.query_terms("  !!! ") == []


def _search(text_: str) -> list[str]:
    return [i.title for i in queries.list_ideas(queries.IdeaFilters(q=text_), 20).items]


def test_search_finds_inflected_german_words(app, reference):
    author = create_user()
    make_idea(author, "Ein sicherer Radweg nach Dülmen", summary="Beleuchtung fehlt.")
    make_idea(author, "Tablets für Schulen", summary="Jede Klasse bekommt Geräte.")
    make_idea(author, "Marktplatz-WLAN", summary="Freies Netz in der Ortsmitte.")
    assert _search("Radwege") == ["Ein sicherer Radweg nach Dülmen"]
    assert _search("Schule") == ["Tablets für Schulen"]
    assert _search("dulmen radweg") == ["Ein sicherer Radweg nach Dülmen"]
    assert _search("Ortsmitten") == ["Marktplatz-WLAN"]
    assert _search("Raumfahrt") == []


def test_search_covers_every_text_field_and_follows_edits(app, reference):
    from app.ideas.services import IdeaCard, edit_idea

    author = create_user()
    idea = make_idea(author, "Titel", summary="S", benefit="Bürgerbus fährt öfter", challenges="Ehrenamtliche fehlen", partners="Heimatverein")
    assert _search("BURGERBUS") == ["Titel"]
    assert _search("Ehrenamt") == ["Titel"]
    assert _search("Heimatvereine") == ["Titel"]
    edit_idea(
        idea,
        author,
        IdeaCard("Titel", "S", "Carsharing", "Keine", idea.municipality_id, [f.id for f in idea.action_fields]),
    )
    db.session.commit()
    assert _search("Bürgerbus") == []
    assert _search("Carsharing") == ["Titel"]


def test_search_ignores_drafts(app, reference):
    author = create_user()
    make_idea(author, "Geheimer Radweg", publish=False)
    assert _search("Radweg") == []
