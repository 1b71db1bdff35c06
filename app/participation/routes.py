"""Support, comment, report, follow. Every action is a POST that works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.auth import scope
from app.auth.decorators import confirmed_required
from app.extensions import db
from app.forms import ActionForm, form_status
from app.ideas import queries as idea_queries
from app.models import Comment, Idea, Project, User
from app.pages import idea as idea_page
from app.pages import project as project_page
from app.participation import queries, services
from app.participation.forms import CommentForm, ReportForm
from app.rate_limits import limit_per_account
from app.security import parse_int, safe_redirect_target
from app.views import attempt

bp = Blueprint("participation", __name__)


def _visible_comment(comment_id: int) -> tuple[Comment, Idea | Project]:
    """The comment and its idea or project, if the current person may see both; else 404."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    subject: Idea | Project | None = idea_page.visible_idea(comment.idea_id) if comment.idea_id is not None else comment.project
    if subject is None or (comment.is_hidden and not (current_user.id == comment.author_id or scope.sees_hidden(current_user, comment))):
        abort(404)
    return comment, subject


def _page_of(subject: Idea | Project) -> str:
    if isinstance(subject, Project):
        return url_for("portfolio.show", number=subject.number)
    return url_for("ideas.show", idea_id=subject.id)


def _comment_url(comment: Comment, subject: Idea | Project) -> str:
    return _page_of(subject) + f"#kommentar-{comment.id}"


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"


def _back(idea: Idea, anchor: str = ""):
    fallback = url_for("ideas.show", idea_id=idea.id) + anchor
    return redirect(safe_redirect_target(request.form.get("next"), fallback))


def _support_answer(idea: Idea, message: str, ok: bool = True, *, supported: bool | None = None, count: int | None = None,
                    following: bool | None = None):
    """The answer to a support or its withdrawal: JSON for the page's script, else a flash and the way back.
    `supported` and `count`, when the view knows them from before its commit, save reading them again;
    `following` True says the support made the person follow the idea (the script shows "Unfollow"),
    None that it did not change."""
    if _wants_json():
        supported = queries.viewer_state(current_user, idea).supported if supported is None else supported
        count = idea.support_count if count is None else count
        return jsonify(
            ok=ok,
            supported=supported,
            count=count,
            count_text=ngettext("%(num)s support", "%(num)s supports", count),
            following=following,
            message=message,
        ), (200 if ok else 409)
    flash(message, "success" if ok else "error")
    return _back(idea, "#unterstuetzen")


def _counted(change):
    """A support service that also answers the idea's count from inside its transaction (read
    again after the commit, it would cost two more queries)."""
    def run(user: User, idea: Idea) -> tuple[bool, int]:
        return change(user, idea), idea.support_count
    return run


@bp.route("/ideen/<int:idea_id>/unterstuetzen", methods=["POST"])
@confirmed_required
@limit_per_account("RATELIMIT_SUPPORT")
def support(idea_id: int):
    idea = idea_page.visible_idea(idea_id)
    done = attempt(_counted(services.support_idea), current_user, idea, errors_to=[])
    if not done:
        return _support_answer(idea, done.error, ok=False)
    added, count = done.value
    message = _("Thank you for your support!") if added else _("You already support this idea.")
    # A new support follows the idea too (services.support_idea); an old one leaves following as it was.
    return _support_answer(idea, message, supported=True, count=count, following=True if added else None)


@bp.route("/ideen/<int:idea_id>/unterstuetzung-zurueckziehen", methods=["POST"])
@confirmed_required
@limit_per_account("RATELIMIT_SUPPORT")
def withdraw_support(idea_id: int):
    idea = idea_page.visible_idea(idea_id)
    done = attempt(_counted(services.withdraw_support), current_user, idea, errors_to=[])
    if not done:
        return _support_answer(idea, done.error, ok=False)
    return _support_answer(idea, _("Your support has been withdrawn."), supported=False, count=done.value[1])


@bp.route("/ideen/<int:idea_id>/folgen", methods=["POST"])
@confirmed_required
def follow(idea_id: int):
    idea = idea_page.visible_idea(idea_id)
    attempt(services.follow_idea, current_user, idea, success=_("You are following this idea. You will find it under “My ideas”."))
    return _back(idea)


@bp.route("/ideen/<int:idea_id>/nicht-mehr-folgen", methods=["POST"])
@confirmed_required
def unfollow(idea_id: int):
    idea = idea_page.visible_idea(idea_id)
    attempt(services.unfollow_idea, current_user, idea, success=_("You no longer follow this idea."))
    return _back(idea)


@bp.route("/portfolio/P<int:number>/folgen", methods=["POST"])
@confirmed_required
def follow_project(number: int):
    project = project_page.visible_project(number)
    attempt(services.follow_project, current_user, project,
            success=_("You are following this project. You hear of its contributions, status and next steps (settings: “Notifications”)."))
    return redirect(url_for("portfolio.show", number=project.number) + "#folgen", code=303)


@bp.route("/portfolio/P<int:number>/nicht-mehr-folgen", methods=["POST"])
@confirmed_required
def unfollow_project(number: int):
    project = project_page.visible_project(number)
    attempt(services.unfollow_project, current_user, project, success=_("You no longer follow this project."))
    return redirect(url_for("portfolio.show", number=project.number) + "#folgen", code=303)


@bp.route("/ideen/<int:idea_id>/kommentare", methods=["POST"])
@confirmed_required
@limit_per_account("RATELIMIT_COMMENT")
def comment(idea_id: int):
    idea = idea_page.visible_idea(idea_id)
    return _comment_on(idea, lambda **forms: idea_page.render(idea, **forms))


@bp.route("/portfolio/P<int:number>/kommentare", methods=["POST"])
@confirmed_required
@limit_per_account("RATELIMIT_COMMENT")
def comment_project(number: int):
    project = project_page.visible_project(number)
    return _comment_on(project, lambda **forms: project_page.render(project, **forms))


def _comment_on(subject: Idea | Project, render_again):
    form = CommentForm()
    parent = None
    if form.parent_id.data:
        parent_id = parse_int(form.parent_id.data)
        parent = db.session.get(Comment, parent_id) if parent_id is not None else None
        if parent is None or not services.is_comment_on(parent, subject):
            abort(400)
    if form.validate_on_submit() and (done := attempt(services.add_comment, current_user, subject, form.body.data, parent,
                                                       success=_("Your comment is published."), errors_to=form.body)):
        return redirect(_comment_url(done.value, subject))
    # Show the page again with the text kept and the error beside the field. A reply to a
    # comment hidden meanwhile has no reply form any more: its text comes back in the main form.
    if parent is not None and (parent.is_hidden or parent.deleted_at is not None):
        parent = None
    return render_again(comment_form=form if not parent else None, reply_form=form if parent else None, reply_to=parent), 422


@bp.route("/kommentare/<int:comment_id>/bearbeiten", methods=["GET", "POST"])
@confirmed_required
def edit_comment(comment_id: int):
    comment, subject = _visible_comment(comment_id)
    if comment.author_id != current_user.id:
        abort(403)
    if not services.can_edit_comment(current_user, comment):
        flash(_("Comments can only be edited within 15 minutes."), "error")
        return redirect(_comment_url(comment, subject))
    form = CommentForm(obj=comment)
    if form.validate_on_submit() and attempt(services.edit_comment, current_user, comment, form.body.data,
                                             success=_("Your comment has been changed."), errors_to=form.body):
        return redirect(_comment_url(comment, subject))
    return render_template("participation/edit_comment.html", form=form, comment=comment, **_subject(subject)), form_status()


@bp.route("/kommentare/<int:comment_id>/loeschen", methods=["GET", "POST"])
@confirmed_required
def delete_comment(comment_id: int):
    comment, subject = _visible_comment(comment_id)
    if comment.author_id != current_user.id:
        abort(403)
    if request.method == "POST" and attempt(services.delete_comment, current_user, comment, success=_("Your comment has been deleted.")):
        return redirect(_comment_url(comment, subject))
    return render_template("participation/delete_comment.html", form=ActionForm(), comment=comment, **_subject(subject))


def _subject(subject: Idea | Project) -> dict:
    """What the comment pages say of the comment's place: `idea` or `project`, and `back` to its page."""
    return {"idea": subject if isinstance(subject, Idea) else None, "project": subject if isinstance(subject, Project) else None,
            "back": _page_of(subject)}


def _report_page(subject: Idea | Project, target: Idea | Comment):
    """Report `target`: the idea itself or a comment on `subject` (a project is not reported, its comments are)."""
    form = ReportForm()
    comment = target if isinstance(target, Comment) else None
    if services.has_reported(current_user, target):
        flash(_("You have already reported this. The moderation will look at it."), "info")
        return redirect(_page_of(subject))
    if form.validate_on_submit() and attempt(lambda: services.report(current_user, target, reason=form.reason.data, note=form.note.data or ""),
                                             success=_("Thank you. The moderation will look at your report."), errors_to=form.reason):
        return redirect(_page_of(subject))
    return render_template("participation/report.html", form=form, comment=comment, **_subject(subject)), form_status()


@bp.route("/ideen/<int:idea_id>/melden", methods=["GET", "POST"])
@confirmed_required
@limit_per_account("RATELIMIT_REPORT")
def report_idea(idea_id: int):
    idea = idea_page.visible_idea(idea_id)
    return _report_page(idea, idea)


@bp.route("/kommentare/<int:comment_id>/melden", methods=["GET", "POST"])
@confirmed_required
@limit_per_account("RATELIMIT_REPORT")
def report_comment(comment_id: int):
    comment, subject = _visible_comment(comment_id)
    return _report_page(subject, comment)


@bp.route("/ideen/meine")
@login_required
def mine():
    own = idea_queries.ideas_by_author(current_user.id)
    return render_template(
        "participation/mine.html",
        drafts=[i for i in own if i.is_draft],
        published=[i for i in own if not i.is_draft],
        supported=queries.supported_ideas(current_user),
        followed=queries.followed_ideas(current_user),
    )
