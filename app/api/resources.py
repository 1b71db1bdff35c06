"""What the API says about each object. Public content only: no hidden ideas, no drafts, no e-mail
addresses or staff names; an author appears with the public name shown on the idea page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.ideas import images, states
from app.models import ActionField, Idea, IdeaImage, Municipality, Project
from app.pagination import Count
from app.portfolio import budgets, labels, queries
from app.urls import absolute_url


def money(value: Decimal) -> str:
    """Euros as an exact decimal string with two places ("12500.00"): JSON numbers are floats."""
    return f"{value:.2f}"


def idea(item: Idea) -> dict:
    return {
        "id": item.id,
        "title": item.title,
        "summary": item.summary,
        "benefit": item.benefit,
        "challenges": item.challenges,
        "partners": item.partners or "",
        "status": item.status,
        "status_label": states.label(item.status),
        "action_fields": [f.slug for f in item.action_fields],
        "municipality": item.municipality.slug,
        "author": {"name": item.public_author, "type": item.author.account_type},
        "supports": item.support_count,
        "comments": item.comment_count,
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "merged_into": item.merged_into_id,
        "project": item.project.code if item.project is not None else None,
        "url": absolute_url("ideas.show", idea_id=item.id),
        "images": [image(i) for i in item.images],
    }


def image(item: IdeaImage) -> dict:
    """A picture in its largest stored width, with the text that describes it."""
    return {"url": images.public_address(item), "alt": item.alt_text,
            "width": item.width, "height": item.height}


def action_field(item: ActionField, ideas: Count) -> dict:
    return {
        "slug": item.slug, "name": item.name, "description": item.description or "", "active": item.is_active,
        "ideas": ideas.number, "ideas_exact": ideas.exact,
    }


def municipality(item: Municipality) -> dict:
    return {"slug": item.slug, "name": item.name, "district": item.is_district}


def project(item: Project, *, detail: bool = False) -> dict:
    totals = queries.project_totals(item)
    data: dict[str, Any] = {
        "code": item.code,
        "title": item.title,
        "action_field": item.action_field.slug,
        "priority_group": item.priority_group,
        "status": item.status,
        "status_label": labels.project_status_label(item.status),
        "municipality": None if item.is_district_wide or item.municipality is None else item.municipality.slug,
        "district_wide": item.is_district_wide,
        "ideas": [i.id for i in item.public_ideas],
        "budget": {
            "investive": money(totals.investive),
            "consumptive": money(totals.consumptive),
            "total": money(totals.total),
            "funding": money(totals.funding),
            "third_party": money(totals.third_party),
            "own_share": money(totals.own_share),
        },
        "url": absolute_url("portfolio.show", number=item.number),
    }
    if detail:
        data["description"] = item.description or ""
        data["goals"] = item.goals or ""
        data["responsible_body"] = item.responsible_body or ""
        data["budget_lines"] = [
            {
                "label": line.label,
                "year": line.year,
                "kind": line.kind,
                "amount": money(line.amount),
                "funding_rate": money(line.funding_rate),
                "funding": money(budgets.line_funding(line)),
                "third_party": money(line.third_party),
                "own_share": money(budgets.line_own_share(line)),
            }
            for line in item.budget_lines
        ]
        data["history"] = [
            {"from": change.from_status, "to": change.to_status, "reason": change.reason or "", "at": change.created_at.isoformat()}
            for change in item.status_changes
            if change.event is None and change.idea_id is None  # the status changes; the ideas are in "ideas"
        ]
    return data
