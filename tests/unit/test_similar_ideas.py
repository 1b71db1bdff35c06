"""Similar ideas: shared stems of title and text, German stemming, same on both databases."""

import pytest

from app.ideas.queries import similar_ideas
from tests.factories import create_user, make_idea


@pytest.fixture
def ideas(app, reference):
    author = create_user()
    return {
        "bus": make_idea(author, "Bürgerbus mit App buchen", summary="Den Bürgerbus per App und Telefon buchen."),
        "rad": make_idea(author, "Sichere Radwege zur Schule", summary="Mehr sichere Radwege für Schulkinder."),
        "wlan": make_idea(author, "Freies WLAN in der Innenstadt", summary="Öffentliches WLAN auf dem Marktplatz."),
        "draft": make_idea(author, "Bürgerbus Entwurf", summary="Bürgerbus buchen per App.", publish=False),
    }


def test_finds_the_idea_that_shares_words(ideas):
    found = similar_ideas("Buchung des Bürgerbusses über eine App")
    assert [i.id for i in found] == [ideas["bus"].id]


def test_stemming_matches_word_forms(ideas):
    assert ideas["rad"] in similar_ideas("Radweg für Schulen")


def test_stopwords_alone_find_nothing_and_drafts_never_appear(ideas):
    assert similar_ideas("die der und eine Idee für uns") == []
    assert ideas["draft"] not in similar_ideas("Bürgerbus App buchen")


def test_excludes_the_idea_itself_and_limits_to_five(app, ideas):
    assert similar_ideas("Bürgerbus App buchen", exclude_id=ideas["bus"].id) == []
    author = create_user("b@example.com")
    for n in range(7):
        make_idea(author, f"Bürgerbus App Variante {n}")
    assert len(similar_ideas("Bürgerbus App")) == 5


def test_the_strategys_generic_words_and_town_names_do_not_make_ideas_similar(app, reference):
    author = create_user()
    make_idea(author, "Digitales Bürgeramt online", summary="Anträge der Stadt Coesfeld digital und online stellen.")
    make_idea(author, "Digitalisierung der Schulen im Kreis", summary="Eine App für Coesfelder Schulen.")
    bench = make_idea(author, "Mitfahrbank in Billerbeck", summary="Eine Bank, an der man mitgenommen wird.")
    assert similar_ideas("Digitale Mitfahrbank") == [bench]
    assert similar_ideas("Digitale App für den Kreis Coesfeld online") == []
