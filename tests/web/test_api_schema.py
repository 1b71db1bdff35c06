"""Schemathesis against /api/v1/openapi.json: for every operation, generated requests (valid and
invalid ones) never get a server error, and every response matches the document (status code,
content type, headers, body schema). Valid requests are accepted, invalid ones rejected with 4xx.

The data behind it has every kind of idea the API must handle or leave out: public, in the
portfolio, merged, withdrawn, hidden, a draft, and projects with budget lines and history.
Examples are derandomised, so a failure here fails the same way on every run.
"""

from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from app.extensions import db
from app.models import BudgetLine
from app.portfolio import services as portfolio
from tests.factories import advance_idea, create_user, make_idea


@pytest.fixture
def api_schema(app, reference):
    author = create_user("autorin@example.com", display_name="Anna Autorin")
    organisation = create_user("verein@example.com", organisation="Heimatverein Nottuln e. V.")
    moderator = create_user("mod@example.com", roles=("moderator",))
    steering = create_user("sg@example.com", roles=("steering",))
    make_idea(author, "Sichere Radwege zur Schule")
    make_idea(organisation, "Digitale Vereinsverwaltung", municipality="nottuln", fields=("verwaltung",))
    make_idea(author, "Noch ein Entwurf", publish=False)
    hidden = make_idea(author, "Ausgeblendete Idee")
    hidden.is_hidden = True
    shortlisted = advance_idea(make_idea(author, "Ladesäulen am Bahnhof"), "in_review", "candidate", "shortlisted", moderator=moderator, steering=steering)
    (project,) = portfolio.import_into_portfolio(
        steering,
        [
            portfolio.ProjectPlan(
                [shortlisted.id],
                portfolio.ProjectData("Elektromobilität am Bahnhof", shortlisted.action_fields[0].id, priority_group="II"),
                portfolio.BudgetInput("Ladesäulen", 2027, "investiv", Decimal("250000.00")),
            )
        ],
    )
    project.budget_lines.append(BudgetLine(label="Betrieb", year=2028, kind="konsumtiv", amount=Decimal("12345.67"), funding_rate=Decimal("72.50")))
    portfolio.edit_project(project, steering, portfolio.ProjectData(project.title, project.action_field_id, priority_group="II", status="in_progress"), "Start")
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


OPERATIONS = [
    "/api/v1/ideas",
    "/api/v1/ideas/{idea_id}",
    "/api/v1/action-fields",
    "/api/v1/municipalities",
    "/api/v1/projects",
    "/api/v1/projects/{code}",
]
WITHOUT_PARAMETERS = {"/api/v1/action-fields", "/api/v1/municipalities"}  # nothing invalid to send
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_the_document_lists_every_api_route(app, api_schema):
    documented = {operation.ok().path for operation in api_schema.get_all_operations()}
    routes = {rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}") for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert documented == set(OPERATIONS)
    assert routes - {"/api/v1/openapi.json"} == documented


# schemathesis.pytest.from_fixture does not run under pytest 9.2 (it sets Function._nodeid, which is gone),
# so each operation is driven through its Hypothesis strategy directly: the same generation and checks.
CASES = [(path, GenerationMode.POSITIVE) for path in OPERATIONS] + [
    (path, GenerationMode.NEGATIVE) for path in OPERATIONS if path not in WITHOUT_PARAMETERS
]


@pytest.mark.parametrize(("path", "mode"), CASES, ids=[f"{mode.value} {path}" for path, mode in CASES])
def test_api_matches_its_openapi_document(api_schema, path, mode):
    operation = api_schema[path]["GET"]

    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode))
    def call_and_validate(case):
        case.call_and_validate()

    call_and_validate()
