"""Role × route matrix: every route of the app, for anonymous, citizen, organisation,
moderator, steering committee, admin, a town's digital officer (of the matrix idea's town and of
another), a Digitallotsin and a member of the decision bodies (read only: every POST refuses it). A
new route without an entry here fails.

Categories:
- public: everyone may call it (never 401/403, never a 500)
- signed_in: any account; anonymous people are sent to the login page
- author: only the idea's / comment's author (others: 403)
- a set of roles: only those staff roles (signed in without it: 403; anonymous: login page)
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import BudgetLine, Milestone, Municipality, OfficerTown, Project, Trial
from app.participation import services as participation
from tests.factories import create_user, make_idea

PUBLIC, SIGNED_IN, AUTHOR = "public", "signed_in", "author"
MODERATOR, STEERING, ADMIN, OFFICER, HELPER, BOARD = "moderator", "steering", "admin", "officer", "helper", "board"
# Routes on one idea or comment: a digital officer may use them only within their towns (the matrix's
# idea and comment are in Coesfeld; "officer_elsewhere" looks after Nottuln and gets 403).
SCOPED = {"moderation.idea", "moderation.change_status", "moderation.move", "moderation.hide_idea", "moderation.restore_idea",
          "moderation.dismiss_idea_reports", "moderation.dismiss_comment_reports", "moderation.hide_comment",
          "moderation.restore_comment", "moderation.merge", "moderation.answer", "moderation.score"}

EXPECTED = {
    "static": PUBLIC,
    "main.index": PUBLIC,
    "towns.index": PUBLIC,
    "towns.show": PUBLIC,
    "capture.take_down": {HELPER, OFFICER, MODERATOR, STEERING, ADMIN},
    "capture.claim": PUBLIC,
    "meetings.index": PUBLIC,
    "meetings.show": PUBLIC,
    "meetings.calendar_file": PUBLIC,
    "meetings.feed": PUBLIC,
    "meetings.sign_up": SIGNED_IN,
    "meetings.cancel": SIGNED_IN,
    "meetings.new": {MODERATOR, STEERING, ADMIN, OFFICER},
    "meetings.edit": {MODERATOR, STEERING, ADMIN, OFFICER},
    "main.set_language": PUBLIC,
    "main.open_data": PUBLIC,
    "main.help_page": PUBLIC,
    "main.easy_language": PUBLIC,
    "main.security_txt": PUBLIC,
    "operations.health": PUBLIC,
    "auth.signup": PUBLIC,
    "auth.check_mail": PUBLIC,
    "auth.resend_signup_mail": PUBLIC,
    "auth.confirm": PUBLIC,
    "auth.confirm_post": PUBLIC,
    "auth.login": PUBLIC,
    "auth.second_factor": PUBLIC,
    "auth.enrol_second_factor": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.unlock": PUBLIC,
    "auth.unlock_post": PUBLIC,
    "auth.resend_confirmation": SIGNED_IN,
    "auth.account": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.change_profile": SIGNED_IN,
    "auth.change_contact": {OFFICER},
    "auth.end_session": SIGNED_IN,
    "auth.end_other_sessions": SIGNED_IN,
    "auth.change_email": SIGNED_IN,
    "auth.confirm_email_change": PUBLIC,
    "auth.confirm_email_change_post": PUBLIC,
    "privacy.index": SIGNED_IN,
    "privacy.request_export": SIGNED_IN,
    "privacy.download": AUTHOR,  # only the owner's own download (export_id is someone else's here)
    "privacy.delete_export": AUTHOR,
    "privacy.delete_account": SIGNED_IN,
    "ideas.index": PUBLIC,
    "ideas.images": AUTHOR,
    "ideas.remove_image": AUTHOR,
    "ideas.image_file": PUBLIC,
    "ideas.show": PUBLIC,
    "ideas.similar": PUBLIC,
    "ideas.new": SIGNED_IN,
    "ideas.edit": AUTHOR,
    "ideas.publish": AUTHOR,
    "ideas.withdraw": AUTHOR,
    "ideas.delete": AUTHOR,
    "participation.mine": SIGNED_IN,
    "participation.comment": SIGNED_IN,
    "participation.comment_project": SIGNED_IN,
    "participation.support": SIGNED_IN,
    "participation.withdraw_support": SIGNED_IN,
    "participation.follow": SIGNED_IN,
    "participation.unfollow": SIGNED_IN,
    "participation.report_idea": SIGNED_IN,
    "participation.report_comment": SIGNED_IN,
    "participation.edit_comment": AUTHOR,
    "participation.delete_comment": AUTHOR,
    "moderation.dashboard": {MODERATOR, OFFICER},
    "moderation.review_many": {MODERATOR, OFFICER},
    "moderation.idea": {MODERATOR, OFFICER},
    "moderation.change_status": {MODERATOR, OFFICER},
    "moderation.link_project": {MODERATOR},
    "moderation.move": {MODERATOR, OFFICER},
    "moderation.hide_idea": {MODERATOR, OFFICER},
    "moderation.restore_idea": {MODERATOR, OFFICER},
    "moderation.dismiss_idea_reports": {MODERATOR, OFFICER},
    "moderation.dismiss_comment_reports": {MODERATOR, OFFICER},
    "moderation.hide_comment": {MODERATOR, OFFICER},
    "moderation.restore_comment": {MODERATOR, OFFICER},
    "moderation.merge": {MODERATOR, OFFICER},
    "moderation.answer": {MODERATOR, OFFICER},
    "moderation.score": {MODERATOR, OFFICER},
    "moderation.candidates": {MODERATOR, STEERING, BOARD},
    "reports.report": {MODERATOR, STEERING, ADMIN, BOARD},
    "reports.report_pdf": {MODERATOR, STEERING, ADMIN, BOARD},
    "reports.request_report": {MODERATOR, STEERING, ADMIN, BOARD},
    "reports.download": {MODERATOR, STEERING, ADMIN, BOARD},
    "moderation.export_ideas": {MODERATOR, STEERING, ADMIN, BOARD},
    "portfolio.index": PUBLIC,
    "portfolio.show": PUBLIC,
    "portfolio.budget": PUBLIC,
    "portfolio.export_portfolio": PUBLIC,
    "portfolio.export_budget": PUBLIC,
    "portfolio.edit": {STEERING, ADMIN},
    "portfolio.next_steps": {STEERING, ADMIN},
    "participation.follow_project": SIGNED_IN,
    "participation.unfollow_project": SIGNED_IN,
    "portfolio.new_budget_line": {STEERING, ADMIN},
    "portfolio.edit_budget_line": {STEERING, ADMIN},
    "portfolio.new_milestone": {STEERING, ADMIN},
    "portfolio.edit_milestone": {STEERING, ADMIN},
    "portfolio.new_trial": {STEERING, ADMIN},
    "portfolio.edit_trial": {STEERING, ADMIN},
    "portfolio.delete_budget_line": {STEERING, ADMIN},
    "portfolio.csv_import": {STEERING, ADMIN},
    "portfolio.csv_import_confirm": {STEERING, ADMIN},
    "portfolio.shortlist": {STEERING},
    "portfolio.decline": {STEERING},
    "portfolio.decisions": PUBLIC,
    "portfolio.import_ideas": {STEERING},
    "portfolio.add_contributions": {STEERING},
    "admin.accounts": {ADMIN},
    "admin.account": {ADMIN},
    "admin.change_role": {ADMIN},
    "admin.officer_towns": {ADMIN},
    "admin.municipalities": {ADMIN},
    "admin.action_fields": {ADMIN},
    "admin.criteria": {ADMIN},
    "admin.new_criterion": {ADMIN},
    "admin.criterion": {ADMIN},
    "admin.funding_call": {ADMIN},
    "admin.site_texts": {ADMIN},
    "admin.raeume": {ADMIN},
    "admin.raum": {ADMIN},
    "admin.new_action_field": {ADMIN},
    "admin.action_field": {ADMIN},
    "admin.municipality": {ADMIN},
    "admin.block": {ADMIN},
    "admin.unblock": {ADMIN},
    "admin.reset_second_factor": {ADMIN},
    "admin.audit_log": {ADMIN},
    "admin.mails": {ADMIN},
    "admin.retry_mails": {ADMIN},
    "notifications.centre": SIGNED_IN,
    "notifications.open_notification": SIGNED_IN,
    "notifications.mark_all_read": SIGNED_IN,
    "notifications.settings": SIGNED_IN,
    "notifications.unsubscribe": PUBLIC,
    "notifications.news": PUBLIC,
    "notifications.new_announcement": {MODERATOR, ADMIN},
    "legal.show": PUBLIC,
    "legal.report_barrier": PUBLIC,
    "legal.accept_terms": SIGNED_IN,
    "legal.edit": {ADMIN},
    "api.openapi_document": PUBLIC,
    "api.ideas": PUBLIC,
    "api.idea": PUBLIC,
    "api.action_fields": PUBLIC,
    "api.municipalities": PUBLIC,
    "api.projects": PUBLIC,
    "api.project": PUBLIC,
}

PERSONAS = {
    "anonymous": None,
    "citizen": ("citizen@example.com", {}),
    "organisation": ("org@example.com", {"organisation": "Verein e. V."}),
    "moderator": ("mod@example.com", {"roles": ("moderator",)}),
    "steering": ("steering@example.com", {"roles": ("steering",)}),
    "admin": ("admin@example.com", {"roles": ("admin",)}),
    "officer": ("cdo-coesfeld@example.com", {"roles": ("officer",)}),
    "officer_elsewhere": ("cdo-nottuln@example.com", {"roles": ("officer",)}),
    "helper": ("lotsin@example.com", {"roles": ("helper",)}),
    "board": ("gremium@example.com", {"roles": ("board",)}),
}
OFFICER_TOWNS = {"officer": "coesfeld", "officer_elsewhere": "nottuln"}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(EXPECTED), f"missing: {endpoints - set(EXPECTED)}, stale: {set(EXPECTED) - endpoints}"


def _calls(app, ids):
    """(endpoint, method, url) for every rule and method."""
    for rule in app.url_map.iter_rules():
        values = {}
        for argument in rule.arguments:
            values[argument] = {"filename": "css/site.css", "token": "kein-token", "fmt": "csv", "code": "P1"}.get(argument, ids.get(argument))
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_role_route_matrix(app, client, auth, reference, persona):
    author = create_user("author@example.com", display_name="Autorin")
    idea = make_idea(author, "Eine Idee für die Matrix")
    comment = participation.add_comment(author, idea, "Ein Kommentar der Autorin")
    target_user = create_user("target@example.com")
    for name, spec in PERSONAS.items():
        if spec is not None:
            user = create_user(spec[0], **spec[1])
            if name in OFFICER_TOWNS:
                town = db.session.scalar(select(Municipality.id).where(Municipality.slug == OFFICER_TOWNS[name]))
                db.session.add(OfficerTown(user_id=user.id, municipality_id=town))
    db.session.commit()
    project = db.session.scalar(select(Project).where(Project.number == 1))
    line = BudgetLine(project=project, label="Matrix", year=2027, kind="investiv", amount=Decimal("1000.00"))
    milestone = Milestone(project=project, title="Matrix", planned_on=date(2027, 3, 1))
    trial = Trial(project=project, what="Matrix", municipality_id=project.municipality_id or _district_id(), starts_on=date(2027, 3, 1))
    db.session.add_all([line, milestone, trial])
    db.session.commit()
    ids = {"idea_id": idea.id, "comment_id": comment.id, "user_id": target_user.id, "number": 1, "line_id": line.id, "milestone_id": milestone.id, "trial_id": trial.id, "notification_id": 1, "document": "impressum", "session_id": 99999, "export_id": 99999, "image_id": 99999, "name": "0" * 32 + "-480.webp", "slug": "duelmen", "meeting_id": 99999, "municipality_id": 1, "field_id": 1, "criterion_id": 1, "request_id": 99999, "raum_id": 1}
    if PERSONAS[persona] is not None:
        assert auth.login(PERSONAS[persona][0]).status_code == 302
    user_roles = set(PERSONAS[persona][1].get("roles", ())) if PERSONAS[persona] else set()

    failures = []
    for endpoint, method, url in _calls(app, ids):
        if endpoint in ("auth.logout",):
            continue  # would end this persona's session; tested in test_auth_routes
        response = client.open(url, method=method, data={})
        status = response.status_code
        to_login = status == 302 and "/anmelden" in response.headers.get("Location", "")
        expected = EXPECTED[endpoint]
        if status >= 500:
            failures.append(f"{method} {url}: {status}")
        elif expected == PUBLIC:
            if status in (401, 403):
                failures.append(f"{method} {url}: {status}, expected public")
        elif expected in (SIGNED_IN, AUTHOR):
            if persona == "anonymous" and not to_login:
                failures.append(f"{method} {url}: {status}, expected redirect to login")
            if persona != "anonymous" and expected == AUTHOR and status not in (403, 404):
                failures.append(f"{method} {url}: {status}, expected 403 for a non-author")
            if persona != "anonymous" and expected == SIGNED_IN and (to_login or status == 403):
                failures.append(f"{method} {url}: {status}, expected access for any account")
        else:
            allowed = bool(user_roles & expected) and not (persona == "officer_elsewhere" and endpoint in SCOPED)
            if persona == "anonymous":
                ok = to_login
            elif allowed:
                ok = status not in (401, 403) and not to_login
            else:
                ok = status == 403
            if not ok:
                failures.append(f"{method} {url}: {status} for {persona}, allowed roles {sorted(expected)}")
    assert not failures, "\n".join(failures)


def test_the_author_may_use_author_routes(app, client, auth, reference):
    author = create_user("author@example.com")
    idea = make_idea(author, "Meine Idee", publish=False)
    comment = participation.add_comment(author, make_idea(author, "Zweite"), "Mein Kommentar")
    db.session.commit()
    auth.login("author@example.com")
    assert client.get(f"/ideen/{idea.id}/bearbeiten").status_code == 200
    assert client.get(f"/kommentare/{comment.id}/bearbeiten").status_code == 200
    assert client.post(f"/ideen/{idea.id}/veroeffentlichen").status_code == 302


def test_every_public_page_is_declared_to_the_page_cache(app):
    """A public page is either cached (declared with the parameters it reads) or declared not
    cached, with why (app/cache/contract.py): a new public page cannot slip past the decision."""
    from app.cache import contract

    public_gets = {rule.endpoint for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and EXPECTED.get(rule.endpoint) == PUBLIC}
    undeclared = sorted(public_gets - set(contract.CACHED_ENDPOINTS) - set(contract.NOT_CACHED))
    assert not undeclared, f"declare these pages to the page cache (cached or not, and why): {undeclared}"


def _district_id() -> int:
    return db.session.scalar(select(Municipality.id).where(Municipality.is_district.is_(True)))


# POSTs that change nothing of the district's data, only the reader's own bookkeeping.
OWN_BOOKKEEPING = {"reports.request_report": "asks the worker for a report's PDF for the one who asks"}


def test_the_decision_bodies_read_and_change_nothing(app):
    """No route that changes anything admits the read-only role "board"."""
    writing = {rule.endpoint for rule in app.url_map.iter_rules()
               if rule.methods & {"POST", "PUT", "PATCH", "DELETE"} and rule.endpoint not in OWN_BOOKKEEPING}
    admitting = {endpoint for endpoint, expected in EXPECTED.items() if isinstance(expected, set) and BOARD in expected}
    assert not writing & admitting, f"these change something and admit the decision bodies: {sorted(writing & admitting)}"
    assert {"reports.report", "moderation.candidates", "moderation.export_ideas"} <= admitting
