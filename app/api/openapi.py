"""The OpenAPI 3 document of the API, served at /api/v1/openapi.json.

Written by hand, next to the routes it describes. The suite runs Schemathesis against it
(tests/web/test_api_schema.py): every response must match it, and no request it allows may
fail with a server error. Limits and choices come from the same constants the routes use.
"""

from __future__ import annotations

from flask import current_app

from app.api import params
from app.ideas.queries import FIELDS_MAX, QUERY_MAX, SORTS
from app.models.idea import PUBLIC_STATUSES
from app.models.portfolio import BUDGET_KINDS, PRIORITY_GROUPS, PROJECT_STATUSES
from app.models.user import ACCOUNT_TYPES
from app.pagination import COUNT_EXACT_MAX
from app.portfolio.queries import DISTRICT_WIDE, NO_PRIORITY

API_VERSION = "1.0.0"

_TEXT = {"type": "string"}
_INT = {"type": "integer"}
_MONEY = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "description": "Euro, exakt mit zwei Nachkommastellen"}
_DATETIME = {"type": "string", "format": "date-time"}
_SLUG = {"type": "string", "pattern": params.SLUG_PATTERN}


def _object(properties: dict, nullable: tuple[str, ...] = ()) -> dict:
    props = {key: ({**value, "nullable": True} if key in nullable else value) for key, value in properties.items()}
    return {"type": "object", "required": list(properties), "properties": props, "additionalProperties": False}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(name: str, meta: str = "ListMeta") -> dict:
    return _object({"data": {"type": "array", "items": _ref(name)}, "meta": _ref(meta)})


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict, description: str, **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description, **extra}


_ERRORS = {
    "400": _json(_ref("Error"), "Ein Parameter hat einen unzulässigen Wert"),
    "429": _json(_ref("Error"), "Zu viele Anfragen; Retry-After sagt, wann es wieder geht"),
}
_NOT_FOUND = {"404": _json(_ref("Error"), "Nicht vorhanden oder nicht öffentlich")}

SCHEMAS = {
    "Licence": _object({"name": _TEXT, "url": {"type": "string", "format": "uri"}, "attribution": _TEXT}),
    "ListMeta": _object({"total": {**_INT, "minimum": 0}, "licence": _ref("Licence")}),
    "PageMeta": _object(
        {
            "total": {**_INT, "minimum": 0, "description": f"Zahl der Treffer, genau bis {COUNT_EXACT_MAX}; darüber eine Untergrenze"},
            "total_exact": {"type": "boolean", "description": "false: es gibt mehr Treffer als total"},
            "page": {**_INT, "minimum": 1, "description": "null bei einer Seite nach einer Idee (after)"},
            "per_page": {**_INT, "minimum": 1, "maximum": params.PER_PAGE_MAX},
            "pages": {**_INT, "minimum": 1, "description": "null, wenn total nicht genau ist oder die Seite nach einer Idee (after) kommt"},
            "next": {**_TEXT, "description": "die nächste Seite: die Ideen nach der letzten dieser Seite (after)"},
            "prev": _TEXT,
            "licence": _ref("Licence"),
        },
        nullable=("next", "prev", "page", "pages"),
    ),
    "Error": _object({"error": _object({"status": _INT, "message": _TEXT, "parameter": _TEXT}, nullable=("parameter",))}),
    "Author": _object({"name": _TEXT, "type": {"type": "string", "enum": list(ACCOUNT_TYPES)}}),
    "Idea": _object(
        {
            "id": _INT,
            "title": _TEXT,
            "summary": _TEXT,
            "benefit": _TEXT,
            "challenges": _TEXT,
            "partners": _TEXT,
            "status": {"type": "string", "enum": list(PUBLIC_STATUSES)},
            "status_label": _TEXT,
            "action_fields": {"type": "array", "items": _SLUG},
            "municipality": _SLUG,
            "author": _ref("Author"),
            "supports": {**_INT, "minimum": 0},
            "comments": {**_INT, "minimum": 0},
            "published_at": _DATETIME,
            "merged_into": _INT,
            "project": {"type": "string", "pattern": r"^P[0-9]+$",
                        "description": "Das Projekt des Portfolios, aus dem die Idee wurde oder das sie ergänzt (ihr Baustein, sobald sie im Portfolio ist)"},
            "url": {"type": "string", "format": "uri"},
            "images": {"type": "array", "maxItems": 3, "items": _ref("Image")},
        },
        nullable=("published_at", "merged_into", "project"),
    ),
    "Image": _object({"url": {"type": "string", "format": "uri"}, "alt": _TEXT, "width": {**_INT, "minimum": 1}, "height": {**_INT, "minimum": 1}}),
    "ActionField": _object({
        "slug": _SLUG, "name": _TEXT, "description": _TEXT, "active": {"type": "boolean"},
        "ideas": {**_INT, "minimum": 0, "description": f"öffentliche Ideen, genau bis {COUNT_EXACT_MAX}"},
        "ideas_exact": {"type": "boolean", "description": "false: mehr als ideas"},
    }),
    "Municipality": _object({"slug": _SLUG, "name": _TEXT, "district": {"type": "boolean"}}),
    "Budget": _object({"investive": _MONEY, "consumptive": _MONEY, "total": _MONEY, "funding": _MONEY, "third_party": _MONEY, "own_share": _MONEY}),
    "BudgetLine": _object(
        {
            "label": _TEXT,
            "year": _INT,
            "kind": {"type": "string", "enum": list(BUDGET_KINDS)},
            "amount": _MONEY,
            "funding_rate": _MONEY,
            "funding": _MONEY,
            "third_party": _MONEY,
            "own_share": _MONEY,
        }
    ),
    "StatusChange": _object(
        {"from": {"type": "string", "enum": list(PROJECT_STATUSES)}, "to": {"type": "string", "enum": list(PROJECT_STATUSES)}, "reason": _TEXT, "at": _DATETIME},
        nullable=("from",),
    ),
}
_PROJECT = {
    "code": {"type": "string", "pattern": r"^P[0-9]+$"},
    "title": _TEXT,
    "action_field": _SLUG,
    "priority_group": {"type": "string", "enum": list(PRIORITY_GROUPS)},
    "status": {"type": "string", "enum": list(PROJECT_STATUSES)},
    "status_label": _TEXT,
    "municipality": _SLUG,
    "district_wide": {"type": "boolean"},
    "ideas": {"type": "array", "items": _INT, "description": "Die öffentlichen Ideen, aus denen das Projekt entstand oder die es ergänzen (Bausteine und Vorschläge)"},
    "budget": _ref("Budget"),
    "url": {"type": "string", "format": "uri"},
}
SCHEMAS["Project"] = _object(_PROJECT, nullable=("priority_group", "municipality"))
SCHEMAS["ProjectDetail"] = _object(
    {
        **_PROJECT,
        "description": _TEXT,
        "goals": _TEXT,
        "responsible_body": _TEXT,
        "budget_lines": {"type": "array", "items": _ref("BudgetLine")},
        "history": {"type": "array", "items": _ref("StatusChange")},
    },
    nullable=("priority_group", "municipality"),
)


def document() -> dict:
    config = current_app.config
    licence = {"name": config["OPEN_DATA_LICENCE"], "url": config["OPEN_DATA_LICENCE_URL"]}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Coesfeld 12.0 – Ideenplattform, offene Daten",
            "version": API_VERSION,
            "description": (
                "Nur lesend und ohne Anmeldung: veröffentlichte Ideen, Themenfelder, Kommunen und die Projekte "
                f"des Portfolios. Die Daten stehen unter der Lizenz {licence['name']} ({licence['url']}); "
                f"Namensnennung: „{config['OPEN_DATA_ATTRIBUTION']}“. Ausgeblendete Inhalte und personenbezogene Daten "
                "außer den öffentlichen Namen der Einreichenden sind nicht enthalten. Beträge sind Zeichenketten mit "
                "genau zwei Nachkommastellen (Euro), damit nichts gerundet wird."
            ),
            "license": licence,
            "x-data-licence": {**licence, "attribution": config["OPEN_DATA_ATTRIBUTION"]},
        },
        "paths": {
            "/api/v1/ideas": {
                "get": {
                    "operationId": "listIdeas",
                    "summary": "Veröffentlichte Ideen, gefiltert, durchsucht und seitenweise",
                    "parameters": [
                        _query("q", {"type": "string", "maxLength": QUERY_MAX}, "Volltextsuche (deutsche Wortstämme)"),
                        _query(
                            "field",
                            {"type": "array", "items": _SLUG, "maxItems": FIELDS_MAX},
                            "Themenfelder (Slug), mehrfach möglich: Ideen in einem davon",
                            style="form",
                            explode=True,
                        ),
                        _query("municipality", _SLUG, "Kommune (Slug)"),
                        _query("status", {"type": "string", "enum": list(PUBLIC_STATUSES)}, "Status; ohne: alle außer zusammengeführten und zurückgezogenen"),
                        _query("submitter", {"type": "string", "enum": list(ACCOUNT_TYPES)}, "Eingereicht von Bürgerinnen und Bürgern oder Organisationen"),
                        _query("sort", {"type": "string", "enum": list(SORTS)}, "Reihenfolge (Standard: newest)"),
                        _query("page", {"type": "integer", "minimum": 1, "maximum": params.PAGE_MAX}, "Seite, ab 1"),
                        _query(
                            "after",
                            {"type": "integer", "minimum": 1, "maximum": params.ID_MAX},
                            "Die Ideen nach dieser Idee in der Reihenfolge (meta.next nennt die letzte der Seite); page gilt dann nicht",
                        ),
                        _query(
                            "per_page",
                            {"type": "integer", "minimum": 1, "maximum": params.PER_PAGE_MAX},
                            f"Ideen je Seite (Standard {config['IDEAS_PER_PAGE']})",
                        ),
                    ],
                    "responses": {"200": _json(_object({"data": {"type": "array", "items": _ref("Idea")}, "meta": _ref("PageMeta")}), "Eine Seite Ideen"), **_ERRORS},
                }
            },
            "/api/v1/ideas/{idea_id}": {
                "get": {
                    "operationId": "getIdea",
                    "summary": "Eine veröffentlichte Idee",
                    "parameters": [{"name": "idea_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}],
                    "responses": {"200": _json(_ref("Idea"), "Die Idee"), **_NOT_FOUND, **_ERRORS},
                }
            },
            "/api/v1/action-fields": {
                "get": {
                    "operationId": "listActionFields",
                    "summary": "Die Themenfelder der Strategie mit der Zahl ihrer öffentlichen Ideen",
                    "responses": {"200": _json(_list_of("ActionField"), "Alle Themenfelder"), **_ERRORS},
                }
            },
            "/api/v1/municipalities": {
                "get": {
                    "operationId": "listMunicipalities",
                    "summary": "Die 11 Städte und Gemeinden und der Kreis",
                    "responses": {"200": _json(_list_of("Municipality"), "Alle Kommunen"), **_ERRORS},
                }
            },
            "/api/v1/projects": {
                "get": {
                    "operationId": "listProjects",
                    "summary": "Die Projekte des Portfolios (P1, P2, …)",
                    "parameters": [
                        _query("field", _SLUG, "Themenfeld (Slug)"),
                        _query("priority", {"type": "string", "enum": [*PRIORITY_GROUPS, NO_PRIORITY]}, f"Prioritätsgruppe; {NO_PRIORITY}: nicht festgelegt"),
                        _query("status", {"type": "string", "enum": list(PROJECT_STATUSES)}, "Status"),
                        _query("municipality", _SLUG, f"Federführende Kommune (Slug) oder {DISTRICT_WIDE}"),
                    ],
                    "responses": {"200": _json(_list_of("Project"), "Die Projekte, nach Code"), **_ERRORS},
                }
            },
            "/api/v1/projects/{code}": {
                "get": {
                    "operationId": "getProject",
                    "summary": "Ein Projekt mit Beschreibung, Budgetposten und Statusverlauf",
                    "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string", "pattern": r"^P[1-9][0-9]{0,8}$"}}],
                    "responses": {"200": _json(_ref("ProjectDetail"), "Das Projekt"), **_NOT_FOUND, **_ERRORS},
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
