from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, request, session, url_for

from app import reference
from app.cache import layers
from app.config import security_txt_expiry, upcoming_dates
from app.extensions import csrf
from app.i18n import is_supported
from app.ideas import queries
from app.meetings import queries as meeting_queries
from app.models import utcnow
from app.notifications import services as notification_services
from app.portfolio import queries as portfolio_queries
from app.security import is_same_origin_request, safe_redirect_target
from app.templating import local_today
from app.urls import absolute_url

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    newest, most_supported = queries.start_page_ideas(5)
    return layers.render_page(
        "main/index.html",
        results=queries.start_page_results(),
        trials=portfolio_queries.running_trials(local_today()),
        dates=upcoming_dates(current_app.config["UPCOMING_DATES"], local_today()),
        meetings=meeting_queries.upcoming(limit=3),
        fields=queries.action_fields_with_counts(),
        newest=newest,
        most_supported=most_supported,
        news=notification_services.latest_announcements(3),
        texts=reference.site_texts(),
    )


@bp.route("/sprache", methods=["POST"])
@csrf.exempt  # checked by origin instead: the form sits on cached pages without a session token
def set_language():
    if not is_same_origin_request(request):
        abort(400)
    lang = request.form.get("lang")
    if is_supported(lang):
        session["lang"] = lang
    return redirect(safe_redirect_target(request.form.get("next"), url_for("main.index")))


@bp.route("/hilfe")
def help_page():
    """Questions people ask, and the strategy's words explained (German: the strategy's own words)."""
    return layers.render_page("main/help.html", fields=reference.action_fields(), texts=reference.site_texts())


@bp.route("/leichte-sprache")
def easy_language():
    """What the platform is, how to take part and where to get help, in Leichte Sprache; the
    operator's sign-language video with captions when one is configured (SIGN_LANGUAGE_VIDEO)."""
    return layers.render_page("main/easy_language.html")


@bp.route("/offene-daten")
def open_data():
    """What the platform publishes as open data: the exports and the JSON API, with the licence."""
    return layers.render_page("main/open_data.html")


@bp.route("/.well-known/security.txt")
def security_txt():
    """RFC 9116: whom to tell about a vulnerability (SECURITY.md says what is in scope)."""
    config = current_app.config
    # Production refuses to start without SECURITY_TXT_EXPIRES (app.config.check_production);
    # development shows half a year ahead.
    moment = security_txt_expiry(config["SECURITY_TXT_EXPIRES"] or "") or utcnow() + timedelta(days=180)
    expires = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        f"Contact: {config['SECURITY_CONTACT']}",
        f"Expires: {expires}",
        "Preferred-Languages: de, en",
        f"Canonical: {absolute_url('main.security_txt')}",
    ]
    if config["SECURITY_POLICY_URL"]:
        lines.append(f"Policy: {config['SECURITY_POLICY_URL']}")
    return current_app.response_class("\n".join(lines) + "\n", mimetype="text/plain")
