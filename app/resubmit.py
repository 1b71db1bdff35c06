"""Text a person wrote is never lost to an expired form, a rate limit or an ended session.

When a POST with free text (an idea card, a comment, an official answer, a report, a project or
budget line, a moderation reason) is refused before its view runs, because the CSRF token went
stale in another tab (400) or a rate limit was hit (429), the answer is this page: the person's
text in a fresh form to the same address, with a German message saying what happened and what
to do. Nothing is saved until they send it again.

The fresh form carries a new CSRF token, so it is only offered for requests from this site
(Origin/Referer, app.security.is_same_origin_request): a forged cross-site POST gets the plain
error page and cannot put its text into a form the victim might send.

When a staff session idled out (or any session ended) and the POST arrives signed out, the
login page shows the text, read-only, and says to copy it before logging in again.

Passwords, codes and tokens are never echoed. Uploaded files cannot be carried: the CSV import
says so on its own page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l

from app.security import is_safe_redirect, is_same_origin_request

# Form fields people write in (the last part of the name: "projects-0-title" is a "title").
FREE_TEXT = {
    "title": _l("Title"),
    "summary": _l("Short description"),
    "benefit": _l("Central benefit of the idea"),
    "challenges": _l("Expected challenges and difficulties"),
    "partners": _l("Possible partners (optional)"),
    "body": _l("Text"),
    "note": _l("Note"),
    "reason": _l("Reason"),
    "signature": _l("Signature"),
    "description": _l("Description"),
    "goals": _l("Goals"),
    "label": _l("Budget line"),
    "budget_label": _l("Budget line"),
}
NEVER_ECHOED = ("password", "csrf_token", "code", "token", "website")


@dataclass
class KeptField:
    name: str
    value: str
    label: str | None  # None: carried as a hidden field (choices, ids, buttons)


def kept_fields() -> list[KeptField]:
    """The posted fields to carry, in their order; empty if none holds free text. A file cannot be
    carried (a browser sends one only from its own file field): the text around it is."""
    if request.method != "POST":
        return []
    fields = []
    for name, value in request.form.items(multi=True):
        if any(secret in name for secret in NEVER_ECHOED):
            continue
        label = FREE_TEXT.get(name.rsplit("-", 1)[-1])
        fields.append(KeptField(name, value, str(label) if label is not None else None))
    return fields if any(f.label and f.value.strip() for f in fields) else []


def resubmit_page(status: int, message, link: tuple[str, object] | None = None):
    """The form again with the person's text, or None when there is nothing to keep (or the request is cross-site).
    `link` (address, label) is shown with the message, e.g. to the page that must be visited first."""
    fields = kept_fields()
    if not fields or not is_same_origin_request(request):
        return None
    return render_template("errors/resubmit.html", fields=fields, message=message, link=link, action=request.full_path.rstrip("?")), status


def login_page_with_text(form, message):
    """The login page for a POST that arrived signed out, with the text shown to copy; None without text.
    After logging in, the person returns to the page the form was on."""
    fields = kept_fields()
    if not fields:
        return None
    referrer = urlsplit(request.referrer or "")
    back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    if not is_same_origin_request(request) or not is_safe_redirect(back):
        back = url_for("main.index")
    return render_template(
        "auth/login.html",
        form=form,
        login_action=url_for("auth.login", next=back),
        kept_fields=[f for f in fields if f.label],
        kept_message=message,
    ), 401
