"""The read-only JSON API: what it shows (published ideas, never hidden ones or drafts, no personal
data beyond public names), its filters, search and pages, strict parameters, errors as JSON."""

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from app.extensions import db
from app.models import BudgetLine, Project
from app.participation.services import support_idea
from app.portfolio import services as portfolio
from tests.factories import advance_idea, create_user, make_idea


@pytest.fixture
def ideas(app, reference):
    anna = create_user("anna@example.com", display_name="Anna A.")
    verein = create_user("verein@example.com", organisation="Heimatverein Nottuln e. V.")
    made = {
        "radweg": make_idea(anna, "Sichere Radwege zur Schule"),
        "verein": make_idea(verein, "Digitale Vereinsverwaltung", municipality="nottuln", fields=("verwaltung",)),
        "bus": make_idea(anna, "Bürgerbus mit App buchen", municipality="duelmen", fields=("mobilitaet", "verwaltung")),
        "draft": make_idea(anna, "Geheimer Entwurf", publish=False),
        "hidden": make_idea(anna, "Ausgeblendete Radwege-Idee"),
    }
    made["hidden"].is_hidden = True
    db.session.commit()
    return made


def test_published_ideas_with_public_names_only(client, ideas):
    response = client.get("/api/v1/ideas")
    assert response.status_code == 200 and response.is_json
    body = response.json
    titles = [i["title"] for i in body["data"]]
    assert sorted(titles) == ["Bürgerbus mit App buchen", "Digitale Vereinsverwaltung", "Sichere Radwege zur Schule"]
    verein = next(i for i in body["data"] if i["id"] == ideas["verein"].id)
    assert verein["author"] == {"name": "Heimatverein Nottuln e. V.", "type": "organisation"}
    assert verein["municipality"] == "nottuln" and verein["action_fields"] == ["verwaltung"]
    assert verein["url"].endswith(f"/ideen/{ideas['verein'].id}")
    assert "@" not in response.text, "no e-mail address anywhere"
    assert body["meta"]["licence"]["name"] == "CC BY 4.0"
    assert (body["meta"]["total"], body["meta"]["page"], body["meta"]["pages"], body["meta"]["next"], body["meta"]["prev"]) == (3, 1, 1, None, None)


def test_hidden_ideas_and_drafts_are_not_found(client, ideas):
    assert client.get(f"/api/v1/ideas/{ideas['radweg'].id}").json["title"] == "Sichere Radwege zur Schule"
    for key in ("hidden", "draft"):
        response = client.get(f"/api/v1/ideas/{ideas[key].id}")
        assert response.status_code == 404 and response.json["error"]["status"] == 404
        assert response.headers["Cache-Control"] == "no-store", "an error is kept by nobody"
    assert client.get(f"/api/v1/ideas/{ideas['radweg'].id}").headers["Cache-Control"] == "public, max-age=60"
    bad = client.get("/api/v1/ideas?page=abc")
    assert bad.status_code == 400 and bad.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=radwege", ["Sichere Radwege zur Schule"]),
        ("field=verwaltung", ["Bürgerbus mit App buchen", "Digitale Vereinsverwaltung"]),
        ("field=bildung&field=verwaltung", ["Bürgerbus mit App buchen", "Digitale Vereinsverwaltung"]),
        ("municipality=duelmen", ["Bürgerbus mit App buchen"]),
        ("municipality=gibt-es-nicht", []),
        ("submitter=organisation", ["Digitale Vereinsverwaltung"]),
        ("status=in_review", []),
    ],
)
def test_filters_and_search(client, ideas, query, expected):
    assert sorted(i["title"] for i in client.get(f"/api/v1/ideas?{query}").json["data"]) == expected


def _path(url: str) -> str:
    return url.split("127.0.0.1:5000", 1)[-1]


def test_pages_and_their_links(client, ideas):
    first = client.get("/api/v1/ideas?per_page=2&field=mobilitaet&field=verwaltung").json
    assert [len(first["data"]), first["meta"]["pages"], first["meta"]["total"], first["meta"]["total_exact"], first["meta"]["prev"]] == [2, 2, 3, True, None]
    # next: the ideas after the last of this page (keyset), with the same filters
    next_query = parse_qs(urlsplit(first["meta"]["next"]).query)
    assert next_query == {"per_page": ["2"], "field": ["mobilitaet", "verwaltung"], "after": [str(first["data"][-1]["id"])]}
    second = client.get(_path(first["meta"]["next"])).json
    assert len(second["data"]) == 1 and second["meta"]["next"] is None
    assert (second["meta"]["page"], second["meta"]["pages"], second["meta"]["prev"], second["meta"]["total"]) == (None, None, None, 3)
    assert {i["id"] for i in first["data"] + second["data"]} == {ideas[k].id for k in ("radweg", "verein", "bus")}
    by_number = client.get("/api/v1/ideas?per_page=2&page=2&field=mobilitaet&field=verwaltung").json
    assert by_number["data"] == second["data"] and by_number["meta"]["page"] == 2
    assert parse_qs(urlsplit(by_number["meta"]["prev"]).query)["page"] == ["1"]
    beyond = client.get("/api/v1/ideas?per_page=2&page=9").json
    assert beyond["data"] == [] and beyond["meta"]["page"] == 9 and parse_qs(urlsplit(beyond["meta"]["prev"]).query)["page"] == ["2"]


@pytest.mark.parametrize("sort", ["newest", "supported", "discussed", "trending"])
def test_following_next_walks_every_idea_once_in_the_order_of_the_pages(client, reference, sort, monkeypatch):
    monkeypatch.setattr("app.ideas.queries.COUNT_EXACT_MAX", 4)
    author = create_user("anna@example.com")
    readers = [create_user(f"leser{n}@example.com") for n in range(3)]
    made = [make_idea(author, f"Idee Nummer {n}") for n in range(7)]
    for n, idea in enumerate(made):  # ties in every count, so the tie-breakers are walked too
        for reader in readers[: n % 3]:
            support_idea(reader, idea)
    db.session.commit()
    by_pages = [i["id"] for page in (1, 2, 3) for i in client.get(f"/api/v1/ideas?sort={sort}&per_page=3&page={page}").json["data"]]
    walked, url, metas = [], f"/api/v1/ideas?sort={sort}&per_page=3", []
    while url:
        body = client.get(url).json
        walked += [i["id"] for i in body["data"]]
        metas.append((body["meta"]["total"], body["meta"]["total_exact"]))
        url = body["meta"]["next"] and _path(body["meta"]["next"])
    assert walked == by_pages and sorted(walked) == sorted(i.id for i in made)
    assert metas == [(4, False)] * 3  # 7 ideas, counted exactly up to 4: "more than 4" on every page


@pytest.mark.parametrize("query", ["", "sort=supported&field=mobilitaet&municipality=duelmen", "after={bus}&per_page=100"])
def test_a_page_of_ideas_costs_a_fixed_number_of_queries(client, ideas, count_queries, query):
    url = "/api/v1/ideas?" + query.format(bus=ideas["bus"].id)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    few = counter.count
    author = create_user("viele@example.com")
    for n in range(30):
        make_idea(author, f"Noch eine Idee {n}", municipality="duelmen", fields=("mobilitaet", "bildung"))
    with count_queries() as counter:
        assert client.get(url).json["data"]
    # the performance targets: at most 6 (names of a filter's field and town, the keyset's start, count, ideas, their fields, pictures)
    assert counter.count == few and counter.count <= 6, counter.statements


def test_after_an_idea_that_is_not_listed_comes_nothing(client, ideas):
    for idea_id in (ideas["draft"].id, 999_999):
        body = client.get(f"/api/v1/ideas?after={idea_id}").json
        assert body["data"] == [] and body["meta"]["next"] is None and body["meta"]["total"] == 3
    # after a hidden idea: the ideas after its place in the order (a page's last idea may be hidden meanwhile)
    body = client.get(f"/api/v1/ideas?after={ideas['hidden'].id}").json
    assert [i["id"] for i in body["data"]] == [ideas[k].id for k in ("bus", "verein", "radweg")]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("page=0", "page"), ("after=0", "after"), ("after=x", "after"), ("per_page=101", "per_page"), ("page=eins", "page"), ("status=draft", "status"), ("sort=random", "sort"), ("field=Mobilität", "field"), ("q=" + "x" * 201, "q")],
)
def test_invalid_parameters_are_a_400_naming_the_parameter(client, reference, query, parameter):
    response = client.get(f"/api/v1/ideas?{query}")
    assert response.status_code == 400
    assert response.json["error"]["parameter"] == parameter
    assert response.json["error"]["message"].startswith(("Bitte", "Erlaubte Werte"))  # in German


def test_action_fields_count_visible_ideas_and_municipalities(client, ideas):
    fields = {f["slug"]: f for f in client.get("/api/v1/action-fields").json["data"]}
    assert fields["mobilitaet"]["ideas"] == 2 and fields["verwaltung"]["ideas"] == 2  # hidden and draft not counted
    assert fields["mobilitaet"]["name"] == "Mobilität" and fields["mobilitaet"]["ideas_exact"] is True
    towns = client.get("/api/v1/municipalities").json
    assert towns["meta"]["total"] == 12
    assert {"slug": "kreis-coesfeld", "name": "Kreis Coesfeld (kreisweit)", "district": True} in towns["data"]


def test_action_field_counts_stop_at_the_exact_maximum(client, ideas, monkeypatch):
    monkeypatch.setattr("app.ideas.queries.COUNT_EXACT_MAX", 1)
    fields = {f["slug"]: f for f in client.get("/api/v1/action-fields").json["data"]}
    assert (fields["mobilitaet"]["ideas"], fields["mobilitaet"]["ideas_exact"]) == (1, False)  # two: "more than 1"
    assert (fields["bildung"]["ideas"], fields["bildung"]["ideas_exact"]) == (0, True)
    assert "Mehr als 1 Ideen" in client.get("/").text


def test_projects_with_budget_origin_and_history(client, ideas):
    moderator = create_user("mod@example.com", roles=("moderator",))
    steering = create_user("sg@example.com", roles=("steering",))
    advance_idea(ideas["bus"], "in_review", "candidate", "shortlisted", moderator=moderator, steering=steering)
    (project,) = portfolio.import_into_portfolio(
        steering,
        [
            portfolio.ProjectPlan(
                [ideas["bus"].id],
                portfolio.ProjectData("Bürgerbus digital", ideas["bus"].action_fields[0].id, municipality_id=ideas["bus"].municipality_id, priority_group="II"),
                portfolio.BudgetInput("App", 2027, "investiv", Decimal("10000.01")),
            )
        ],
    )
    project.budget_lines.append(BudgetLine(label="Betrieb", year=2028, kind="konsumtiv", amount=Decimal("999.99"), funding_rate=Decimal("50.00"),
                                           third_party=Decimal("250.00")))
    db.session.commit()
    listed = client.get("/api/v1/projects?priority=II").json
    assert [p["code"] for p in listed["data"]] == ["P29"]
    p29 = listed["data"][0]
    assert p29["ideas"] == [ideas["bus"].id] and p29["municipality"] == "duelmen" and p29["district_wide"] is False
    assert p29["budget"] == {"investive": "10000.01", "consumptive": "999.99", "total": "11000.00", "funding": "7000.01", "third_party": "250.00",
                             "own_share": "3749.99"}
    assert len(client.get("/api/v1/projects").json["data"]) == 29
    assert [p["code"] for p in client.get("/api/v1/projects?municipality=kreisweit&priority=I").json["data"]] == ["P1", "P2", "P3", "P4"]
    detail = client.get("/api/v1/projects/P29").json
    assert [line["funding"] for line in detail["budget_lines"]] == ["6500.01", "500.00"]
    # The page's arithmetic: third-party money comes off the own share, never off the funding.
    assert [(line["third_party"], line["own_share"]) for line in detail["budget_lines"]] == [("0.00", "3500.00"), ("250.00", "249.99")]
    assert detail["history"][0]["to"] == "planned" and detail["history"][0]["from"] is None
    assert "sg@example.com" not in json.dumps(detail)
    assert client.get("/api/v1/ideas?municipality=duelmen").json["data"][0]["project"] == "P29"
    for missing in ("P99", "P0", "P029", "29", "Pxyz"):
        assert client.get(f"/api/v1/projects/{missing}").status_code == 404


def test_hidden_origin_ideas_are_left_out_of_projects(client, ideas):
    project = db.session.query(Project).filter_by(number=3).one()
    ideas["hidden"].project = project
    db.session.commit()
    assert client.get("/api/v1/projects/P3").json["ideas"] == []


def test_open_data_headers_no_cookies_and_json_errors(client, reference):
    response = client.get("/api/v1/municipalities")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers
    not_allowed = client.post("/api/v1/ideas")
    assert not_allowed.status_code == 405 and "GET" in not_allowed.headers["Allow"] and not_allowed.is_json
    unknown = client.get("/api/v1/gibt-es-nicht")
    assert unknown.status_code == 404 and unknown.json["error"]["message"]


def test_the_openapi_document_states_the_licence(client, reference):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert document["info"]["license"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/deed.de"}
    assert "CC BY 4.0" in document["info"]["description"]
    assert set(document["paths"]) == {
        "/api/v1/ideas", "/api/v1/ideas/{idea_id}", "/api/v1/action-fields", "/api/v1/municipalities", "/api/v1/projects", "/api/v1/projects/{code}"
    }


def test_the_open_data_page_explains_licence_downloads_and_api(client, reference):
    page = client.get("/offene-daten")
    assert page.status_code == 200
    for text in ("CC BY 4.0", "Kreis Coesfeld, Ideenplattform Coesfeld 12.0", "/api/v1/openapi.json", "/portfolio/export.csv", "/api/v1/projects"):
        assert text in page.text
    assert 'href="/offene-daten"' in client.get("/").text  # linked from every page's footer
