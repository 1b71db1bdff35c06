import re

import pytest

from app.extensions import db
from app.models import Support, utcnow
from tests.factories import create_user, make_idea
from tests.helpers import card_titles


@pytest.fixture
def ideas(app, reference):
    citizen = create_user()
    org = create_user("verein@example.com", organisation="Heimatverein Billerbeck")
    made = {
        "radweg": make_idea(citizen, "Radweg nach Dülmen", fields=["mobilitaet"], municipality="duelmen"),
        "schule": make_idea(citizen, "Tablets für Schulen", fields=["bildung"], municipality="ascheberg"),
        "markt": make_idea(org, "WLAN am Markt", fields=["innenstadt-dorfmitte", "wirtschaft"], municipality="billerbeck"),
        "draft": make_idea(citizen, "Geheimer Entwurf zum Radweg", publish=False),
    }
    return made




def test_list_shows_published_ideas_newest_first(client, ideas):
    assert card_titles(client.get("/ideen")) == ["WLAN am Markt", "Tablets für Schulen", "Radweg nach Dülmen"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("field=bildung", ["Tablets für Schulen"]),
        ("field=bildung&field=mobilitaet", ["Tablets für Schulen", "Radweg nach Dülmen"]),
        ("field=wirtschaft", ["WLAN am Markt"]),
        ("municipality=duelmen", ["Radweg nach Dülmen"]),
        ("submitter=organisation", ["WLAN am Markt"]),
        ("submitter=citizen", ["Tablets für Schulen", "Radweg nach Dülmen"]),
        ("q=Radwege", ["Radweg nach Dülmen"]),
        ("q=Schule", ["Tablets für Schulen"]),
        ("q=Radweg&field=bildung", []),
        ("status=published", ["WLAN am Markt", "Tablets für Schulen", "Radweg nach Dülmen"]),
        ("status=candidate", []),
        # Unknown values are ignored, never an error.
        ("sort=bogus&status=bogus&submitter=x&page=zwei", ["WLAN am Markt", "Tablets für Schulen", "Radweg nach Dülmen"]),
        ("municipality=atlantis", []),
    ],
)
def test_filters_and_search_live_in_the_url(client, ideas, query, expected):
    response = client.get(f"/ideen?{query}")
    assert response.status_code == 200
    assert card_titles(response) == expected
    # The count is a statement of its own (ideas only, the author joined for `submitter`): it agrees.
    if expected:
        heading = re.search(r'class="results-count">\s*(\d+) Idee', response.text)
        assert heading and int(heading.group(1)) == len(expected)


def test_sort_by_supports_comments_and_trending(client, ideas):
    from datetime import timedelta

    supporters = [create_user(f"s{i}@example.com") for i in range(3)]
    now = utcnow()
    # "schule": 3 supports long ago; "markt": 1 recent support.
    for s in supporters:
        db.session.add(Support(idea=ideas["schule"], user=s, created_at=now - timedelta(days=30)))
    db.session.add(Support(idea=ideas["markt"], user=supporters[0], created_at=now - timedelta(days=1)))
    ideas["schule"].support_count = 3
    ideas["markt"].support_count = 1
    ideas["radweg"].comment_count = 5
    db.session.commit()
    assert card_titles(client.get("/ideen?sort=supported")) == ["Tablets für Schulen", "WLAN am Markt", "Radweg nach Dülmen"]
    assert card_titles(client.get("/ideen?sort=discussed"))[0] == "Radweg nach Dülmen"
    assert card_titles(client.get("/ideen?sort=trending"))[0] == "WLAN am Markt"


def test_empty_result_says_so_and_offers_to_clear_filters(client, ideas):
    response = client.get("/ideen?q=Raumfahrt")
    assert "Keine Idee passt zu Ihrer Suche" in response.text
    assert "Alle Filter zurücksetzen" in response.text
    assert "0 Ideen" in response.text


def test_search_keeps_the_query_in_the_form(client, ideas):
    response = client.get("/ideen?q=Radwege&field=mobilitaet")
    assert 'value="Radwege"' in response.text
    assert 'value="mobilitaet" checked' in response.text


def test_pagination_keeps_filters(app, client, reference):
    author = create_user()
    for n in range(25):
        make_idea(author, f"Idee Nummer {n}", fields=["bildung"])
    first = client.get("/ideen?field=bildung")
    assert len(card_titles(first)) == 20
    assert "Seite 1 von 2" in first.text
    assert 'href="/ideen?field=bildung&amp;page=2"' in first.text
    second = client.get("/ideen?field=bildung&page=2")
    assert len(card_titles(second)) == 5
    beyond = client.get("/ideen?field=bildung&page=99")
    assert len(card_titles(beyond)) == 5  # clamped to the last page


def test_beyond_the_exact_count_the_list_says_more_than_and_pages_on(app, client, reference, monkeypatch):
    monkeypatch.setattr("app.ideas.queries.COUNT_EXACT_MAX", 3)  # counted exactly up to 3 (1,000 in use)
    author = create_user()
    for n in range(5):
        make_idea(author, f"Idee Nummer {n}", fields=["bildung"])
    app.config["IDEAS_PER_PAGE"] = 2
    first = client.get("/ideen?field=bildung")
    assert "Mehr als 3 Ideen" in first.text and "Seite 1</li>" in first.text and " von " not in first.text.split("pagination")[-1]
    assert 'href="/ideen?field=bildung&amp;page=2"' in first.text
    third = client.get("/ideen?field=bildung&page=3")  # counted up to the end of page 3 (6 > 5): exact again
    assert card_titles(third) == ["Idee Nummer 0"] and "5 Ideen" in third.text and "Seite 3 von 3" in third.text
    assert 'rel="next"' not in third.text
    second = client.get("/ideen?field=bildung&page=2")
    assert card_titles(second) == ["Idee Nummer 2", "Idee Nummer 1"] and "Mehr als 4 Ideen" in second.text and 'rel="next"' in second.text
    assert "5 Ideen" in client.get("/ideen?field=bildung&page=9").text  # past the end: the last page, exact


def test_hidden_ideas_are_not_listed(client, ideas):
    ideas["markt"].is_hidden = True
    db.session.commit()
    assert "WLAN am Markt" not in card_titles(client.get("/ideen"))


def _list_queries(client, count_queries, url: str) -> int:
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_a_list_page_costs_a_fixed_number_of_queries(app, client, reference, count_queries):
    author = create_user()
    for n in range(3):
        make_idea(author, f"Wenige {n}")
    few = {url: _list_queries(client, count_queries, url) for url in ("/ideen", "/ideen?sort=trending&field=bildung&q=wenig", "/")}
    others = [create_user(f"autor{n}@example.com", organisation=f"Verein {n}" if n % 2 else None) for n in range(6)]
    for n in range(40):
        make_idea(others[n % 6], f"Viele {n}", fields=["bildung", "mobilitaet"])
    many = {url: _list_queries(client, count_queries, url) for url in few}
    assert many == few
    # The performance targets: at most 6 a page; the start page 9, with the cache's version, the
    # next events (app/meetings) and the site's texts beside the trials, the results, the ideas, the
    # fields and the news (on a miss only: a hit reads the version alone).
    assert many["/ideen"] <= 6 and many["/"] <= 9, many


def test_searching_an_action_field_or_a_town_finds_the_ideas_tagged_with_it(client, ideas):
    """"Mobilität" found no idea although several carry that field."""
    assert card_titles(client.get("/ideen?q=Mobilität")) == ["Radweg nach Dülmen"]
    assert card_titles(client.get("/ideen?q=Billerbeck")) == ["WLAN am Markt"]
    assert card_titles(client.get("/ideen?q=Wirtschaft")) == ["WLAN am Markt"]
    assert [i["title"] for i in client.get("/api/v1/ideas?q=Ascheberg").json["data"]] == ["Tablets für Schulen"]


def test_ideas_are_not_similar_for_sharing_a_field_or_a_town(app, ideas):
    from app.ideas.queries import similar_ideas

    assert similar_ideas("Mobilität in Dülmen") == []


def test_the_answered_filter_lists_only_ideas_with_an_official_answer(client, ideas):
    from app.moderation.services import publish_answer

    moderator = create_user("moderation@example.com", roles=("moderator",))
    publish_answer(ideas["schule"], moderator, "Danke, wir prüfen das mit den Schulträgern.", "Ihre Moderation")
    db.session.commit()
    page = client.get("/ideen?answered=1")
    assert card_titles(page) == ["Tablets für Schulen"]
    assert 'id="answered" name="answered" value="1" checked' in page.text
    assert len(card_titles(client.get("/ideen"))) == 3


def test_the_start_page_says_plainly_what_this_is_and_what_came_of_the_ideas(app, client, ideas):
    from app.models import Idea
    from app.moderation.services import publish_answer

    moderator = create_user("moderation@example.com", roles=("moderator",))
    publish_answer(ideas["schule"], moderator, "Danke, wir prüfen das.", "Ihre Moderation")
    publish_answer(ideas["markt"], moderator, "Gute Idee.", "Ihre Moderation")
    db.session.get(Idea, ideas["radweg"].id).status = "in_portfolio"
    db.session.commit()
    text = re.sub(r"\s+", " ", client.get("/").text)
    assert "Hier sammeln Menschen und Unternehmen aus dem Kreis Coesfeld Ideen" in text
    assert "Der Kreis beantwortet jede Idee öffentlich" in text
    assert "The digitalisation strategy" not in text and "nicht mit einem Dokument enden" not in text  # strategy prose is gone
    assert re.search(r'href="/ideen"><span class="figure">3</span> Ideen eingereicht', text)
    assert re.search(r'href="/ideen\?answered=1"><span class="figure">2</span> öffentlich beantwortet', text)
    assert re.search(r'href="/ideen\?status=in_portfolio"><span class="figure">1</span> ins Portfolio aufgenommen', text)


def test_the_start_page_shows_the_next_dates_from_the_settings(app, client, reference):
    app.config["UPCOMING_DATES"] = ("2020-01-01 Vorbei; 2999-03-04 Themenworkshop Mobilität;\n"
                                    "2999-02-16 Sitzung des Steuerungsgremiums; kein Datum")
    text = client.get("/").text
    assert "Vorbei" not in text and "kein Datum" not in text
    assert text.index('<time datetime="2999-02-16">16.02.2999</time>: Sitzung des Steuerungsgremiums') < text.index("04.03.2999")
    app.config["UPCOMING_DATES"] = ""
    assert "Nächste Termine" not in client.get("/?leer").text


def test_unreadable_dates_are_named():
    from app.config import unreadable_dates

    assert unreadable_dates("2027-01-01 Gut; 1.2.2027 Schlecht; 2027-02-30 Unmöglich; 2027-03-01") == [
        "1.2.2027 Schlecht", "2027-02-30 Unmöglich", "2027-03-01"]
