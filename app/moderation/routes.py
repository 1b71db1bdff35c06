"""Moderation pages: dashboard, an idea's moderation page, merge, scoring, candidates.

Views are thin: they check the role, call one service, commit once, and on a
refused action show the page again with the message beside the form (422).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app import audit, reference
from app import exports as file_formats
from app.auth import scope
from app.auth.decorators import role_required
from app.extensions import db
from app.forms import ActionForm
from app.ideas import queries as idea_queries
from app.ideas import states
from app.models import Comment, Idea, Project
from app.models.idea import DECLINED
from app.models.user import ROLE_ADMIN, ROLE_BOARD, ROLE_MODERATOR, ROLE_STEERING
from app.moderation import charts, exports, queries, rubric, services
from app.moderation.forms import (
    AnswerForm,
    HideForm,
    MergeForm,
    MoveForm,
    ProjectLinkForm,
    RestoreForm,
    StatusForm,
    score_form_class,
)
from app.participation.forms import REPORT_REASON_LABELS
from app.security import parse_int
from app.views import attempt

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

# This area's words, for every template.
bp.add_app_template_global(states.hidden_cause_label, "hidden_cause_label")

# The district's moderators only (links to projects, comments on projects, news).
moderator_required = role_required(ROLE_MODERATOR)
# The district's moderators and the towns' digital officers: every view on an idea then checks the
# officer's towns (_idea, _comment: app/auth/scope.py), and so does every service.
moderation_required = role_required(*scope.MODERATING_ROLES)
REPORT_REASONS = {choice.value: choice.label for choice in REPORT_REASON_LABELS}


def _idea(idea_id: int) -> Idea:
    """The idea, if the current person moderates it: 404 for none or a draft, 403 for another town's."""
    idea = db.session.get(Idea, idea_id)
    if idea is None or idea.is_draft:
        abort(404)
    if not scope.may_moderate(current_user, idea):
        abort(403)
    return idea


def _comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    if not scope.may_moderate(current_user, comment):
        abort(403)
    return comment


@bp.route("")
@moderation_required
def dashboard():
    towns = scope.town_scope(current_user)
    filters = queries.Filters.from_args(request.args, towns)
    waiting, waiting_total = queries.waiting_for_review(filters)
    return render_template(
        "moderation/dashboard.html",
        filters=filters,
        fields=reference.action_fields(),
        municipalities=[m for m in reference.municipalities() if towns is None or m.id in towns],
        officer=towns is not None,
        waiting=waiting,
        waiting_total=waiting_total,
        reported=queries.open_reports(filters),
        hidden_ideas=queries.hidden_ideas(filters),
        hidden_comments=queries.hidden_comments(filters),
        counts=queries.counts_by_state(filters),
        report_reasons=REPORT_REASONS,
        form=ActionForm(formdata=None),
    )


def render_idea_page(idea: Idea, **forms) -> str:
    """The moderation page of an idea; the action views call it again to show an error."""
    answer = services.current_answer(idea)
    answer_form = forms.pop("answer_form", None) or AnswerForm(
        formdata=None,
        body=answer.body if answer else "",
        signature=answer.signature if answer else services.default_signature(current_user),
    )
    transitions = services.available_transitions(idea)
    status_forms = {to: forms.get(f"status_form_{to}") or StatusForm(formdata=None, to_status=to) for to in transitions}
    hide_form = forms.get("hide_form") or HideForm(formdata=None)
    restore_form = forms.get("restore_form") or RestoreForm(formdata=None)
    # Several forms on one page: give their fields distinct ids.
    for to, status_form in status_forms.items():
        status_form.reason.id = f"reason-{to}"
        if to != DECLINED:  # "required when declining" only where it applies
            status_form.reason.description = _("Shown on the idea page. Optional.")
    hide_form.reason.id, restore_form.reason.id = "hide-reason", "restore-reason"
    link_form = forms.get("link_form") or ProjectLinkForm(formdata=None, project=idea.project_id or 0)
    move_form = forms.get("move_form") or MoveForm(formdata=None, action_field_ids=[f.id for f in idea.action_fields],
                                                   municipality_id=idea.municipality_id)
    return render_template(
        "moderation/idea.html",
        idea=idea,
        error=forms.get("error"),
        transitions=transitions,
        status_forms=status_forms,
        hide_form=hide_form,
        restore_form=restore_form,
        link_form=link_form,
        move_form=move_form,
        can_link_project=current_user.has_role(ROLE_MODERATOR),
        answer_form=answer_form,
        answers=services.answer_history(idea),
        scores=rubric.scores_for_ideas([idea.id])[idea.id],
        can_score=rubric.can_score(idea, current_user),
        can_merge=states.allowed(idea.status, "merged", states.MODERATION),
        reports=queries.open_reports_of(idea),
        comments=queries.comments_of(idea),
        report_reasons=REPORT_REASONS,
        audit_entries=audit.entries_for("idea", idea.id),
        similar=idea_queries.similar_ideas(f"{idea.title} {idea.summary}", exclude_id=idea.id),
        form=ActionForm(formdata=None),
    )


@bp.route("/ideen/<int:idea_id>")
@moderation_required
def idea(idea_id: int):
    return render_idea_page(_idea(idea_id))


@bp.route("/ideen/<int:idea_id>/status", methods=["POST"])
@moderation_required
def change_status(idea_id: int):
    idea = _idea(idea_id)
    form = StatusForm()
    to_status = (form.to_status.data or "")[:20]
    if to_status not in services.MODERATION_TARGETS:
        abort(400)
    if form.validate_on_submit() and attempt(services.change_status, idea, to_status, current_user, form.reason.data or "",
                                             success=states.changed_message(to_status), errors_to=form.reason):
        return redirect(url_for("moderation.idea", idea_id=idea.id))
    # The message shows beside the form, or on top when this change has no form now.
    return render_idea_page(idea, error=" ".join(form.reason.errors), **{f"status_form_{to_status}": form}), 422


@bp.route("/ideen/<int:idea_id>/projekt", methods=["POST"])
@moderator_required
def link_project(idea_id: int):
    """Link the idea to the portfolio project it builds on, change or remove the link (public reason)."""
    idea = _idea(idea_id)
    form = ProjectLinkForm()
    project = db.session.get(Project, form.project.data) if form.project.data else None
    if form.project.data and project is None:
        form.project.errors = [_("Please choose a project of the portfolio from the list.")]
    elif form.validate_on_submit() and attempt(services.link_project, idea, current_user, project, form.link_reason.data or "",
                                               success=lambda changed: _("The link to the project is saved.") if changed else _("Nothing changed."),
                                               errors_to=form.link_reason):
        return redirect(url_for("moderation.idea", idea_id=idea.id) + "#h-project", code=303)
    return render_idea_page(idea, link_form=form), 422


@bp.route("/ideen/<int:idea_id>/zuordnung", methods=["POST"])
@moderation_required
def move(idea_id: int):
    """Other action fields or another town, with a public reason ("Falsches Themenfeld")."""
    idea = _idea(idea_id)
    form = MoveForm()
    if form.validate_on_submit() and attempt(services.move_idea, idea, current_user, action_field_ids=list(form.action_field_ids.data or []),
                                             municipality_id=form.municipality_id.data, reason=form.move_reason.data or "",
                                             success=lambda moved: _("The idea has been moved.") if moved else _("Nothing changed."),
                                             errors_to=form):
        return redirect(url_for("moderation.idea", idea_id=idea.id) + "#h-move", code=303)
    return render_idea_page(idea, move_form=form), 422


@bp.route("/ideen/in-pruefung", methods=["POST"])
@moderation_required
def review_many():
    """The dashboard's bulk action: the ticked ideas go into review together."""
    ids = sorted({i for i in (parse_int(v) for v in request.form.getlist("idea_id")) if i is not None})[:100]
    ideas = list(db.session.scalars(select(Idea).where(Idea.id.in_(ids)).order_by(Idea.id))) if ids else []
    if not all(scope.may_moderate(current_user, idea) for idea in ideas):
        abort(403)
    if not ideas:
        flash(_("Please tick the ideas to take into review."), "error")
        return redirect(url_for("moderation.dashboard"), code=303)
    if not attempt(services.review_many, ideas, current_user, errors_to=[],
                   success=lambda count: ngettext("%(num)d idea is now in review.", "%(num)d ideas are now in review.", count)):
        flash(_("Not every ticked idea could be taken into review (one has changed meanwhile). Nothing was changed; please look again."), "error")
    return redirect(url_for("moderation.dashboard"), code=303)


@bp.route("/ideen/<int:idea_id>/verbergen", methods=["POST"])
@moderation_required
def hide_idea(idea_id: int):
    idea = _idea(idea_id)
    form = HideForm()
    if form.validate_on_submit() and attempt(services.hide_item, idea, current_user, form.reason.data,
                                             success=_("The idea is hidden."), errors_to=form.reason):
        return redirect(url_for("moderation.idea", idea_id=idea.id))
    return render_idea_page(idea, hide_form=form), 422


@bp.route("/ideen/<int:idea_id>/wiederherstellen", methods=["POST"])
@moderation_required
def restore_idea(idea_id: int):
    idea = _idea(idea_id)
    form = RestoreForm()
    if form.validate_on_submit() and attempt(services.restore_item, idea, current_user, form.reason.data or "",
                                             success=_("The idea is visible again."), errors_to=form.reason):
        return redirect(url_for("moderation.idea", idea_id=idea.id))
    return render_idea_page(idea, restore_form=form), 422


@bp.route("/ideen/<int:idea_id>/meldungen-verwerfen", methods=["POST"])
@moderation_required
def dismiss_idea_reports(idea_id: int):
    idea = _idea(idea_id)
    return _dismiss(idea, url_for("moderation.idea", idea_id=idea.id))


@bp.route("/kommentare/<int:comment_id>/meldungen-verwerfen", methods=["POST"])
@moderation_required
def dismiss_comment_reports(comment_id: int):
    return _dismiss(_comment(comment_id), url_for("moderation.dashboard"))


def _dismiss(item, back: str):
    form = RestoreForm()
    if form.validate_on_submit():
        attempt(services.dismiss_reports, item, current_user, form.reason.data or "",
                success=lambda settled: _("%(count)s reports dismissed.", count=settled))
    return redirect(back)


@bp.route("/kommentare/<int:comment_id>/verbergen", methods=["POST"])
@moderation_required
def hide_comment(comment_id: int):
    comment = _comment(comment_id)
    form = HideForm()
    if form.validate_on_submit():
        attempt(services.hide_item, comment, current_user, form.reason.data, success=_("The comment is hidden."))
    else:
        flash(_("Please give a reason for hiding the comment."), "error")
    return redirect(_back_to_dashboard())


@bp.route("/kommentare/<int:comment_id>/wiederherstellen", methods=["POST"])
@moderation_required
def restore_comment(comment_id: int):
    comment = _comment(comment_id)
    form = RestoreForm()
    if form.validate_on_submit():
        attempt(services.restore_item, comment, current_user, form.reason.data or "", success=_("The comment is visible again."))
    return redirect(_back_to_dashboard())


def _back_to_dashboard() -> str:
    return url_for("moderation.dashboard") + "#h-reports"


@bp.route("/ideen/<int:idea_id>/zusammenfuehren", methods=["GET", "POST"])
@moderation_required
def merge(idea_id: int):
    idea = _idea(idea_id)
    form = MergeForm()
    if request.method == "GET" and parse_int(request.args.get("target")) is not None:
        form.target_id.data = parse_int(request.args["target"])
    if form.validate_on_submit():
        target = db.session.get(Idea, form.target_id.data)
        if target is None or target.is_draft:
            form.target_id.errors.append(_("There is no idea with this number."))
        elif not scope.may_moderate(current_user, target):
            abort(403)
        elif attempt(services.merge_idea, idea, target, current_user, form.reason.data, errors_to=form.reason,
                     success=lambda carried: _("Merged. %(count)s supports carried over.", count=carried)):
            return redirect(url_for("moderation.idea", idea_id=target.id))
    return render_template(
        "moderation/merge.html",
        idea=idea,
        form=form,
        similar=idea_queries.similar_ideas(f"{idea.title} {idea.summary}", exclude_id=idea.id),
    ), (200 if request.method == "GET" else 422)


@bp.route("/ideen/<int:idea_id>/antwort", methods=["POST"])
@moderation_required
def answer(idea_id: int):
    idea = _idea(idea_id)
    form = AnswerForm()
    if form.validate_on_submit() and attempt(services.publish_answer, idea, current_user, form.body.data, form.signature.data,
                                             success=_("The official answer is published."), errors_to=form.body):
        return redirect(url_for("moderation.idea", idea_id=idea.id))
    return render_idea_page(idea, answer_form=form), 422


@bp.route("/ideen/<int:idea_id>/bewertung", methods=["GET", "POST"])
@moderation_required
def score(idea_id: int):
    idea = _idea(idea_id)
    if not rubric.can_score(idea, current_user):
        flash(_("Only ideas in review and candidates can be scored."), "error")
        return redirect(url_for("moderation.idea", idea_id=idea.id))
    criteria = rubric.active_criteria()
    ScoreForm = score_form_class(criteria)
    if request.method == "GET":
        mine = rubric.scores_of(idea, current_user)
        data = {}
        for c in criteria:
            if c.id in mine:
                data[f"value_{c.id}"] = str(mine[c.id].value)
                data[f"note_{c.id}"] = mine[c.id].note
        form = ScoreForm(formdata=None, data=data)
    else:
        form = ScoreForm()
        if form.validate_on_submit():
            values = {
                c.id: (int(form[f"value_{c.id}"].data), form[f"note_{c.id}"].data or "") for c in criteria
            }
            if attempt(rubric.score_idea, idea, current_user, values, success=_("Your scores are saved.")):
                return redirect(url_for("moderation.idea", idea_id=idea.id))
    return render_template(
        "moderation/score.html",
        idea=idea,
        form=form,
        criteria_by_axis=[(axis, [c for c in criteria if c.axis == axis]) for axis in ("relevance", "potential")],
        axis_labels=rubric.AXIS_LABELS,
    ), (200 if request.method == "GET" else 422)


@bp.route("/ideen/export.<any(csv, xlsx):fmt>")
@role_required(ROLE_MODERATOR, ROLE_STEERING, ROLE_ADMIN, ROLE_BOARD)
def export_ideas(fmt: str):
    """All public ideas with counts and scores, hidden ones marked (staff only)."""
    return file_formats.download(exports.ideas_table(), "ideen", fmt)


@bp.route("/kandidaten")
@role_required(ROLE_MODERATOR, ROLE_STEERING, ROLE_BOARD)
def candidates():
    filters = queries.Filters.from_args(request.args)
    sort = request.args.get("sort", "relevance")
    if sort not in queries.CANDIDATE_SORTS:
        sort = "relevance"
    rows = queries.candidates(filters, sort)
    return render_template(
        "moderation/candidates.html",
        rows=rows,
        sort=sort,
        filters=filters,
        fields=reference.action_fields(),
        municipalities=reference.municipalities(),
        chart=charts.quadrant_chart(rows),
        idea_endpoint="moderation.idea" if current_user.has_role(ROLE_MODERATOR) else "ideas.show",
        can_shortlist=current_user.has_role(ROLE_STEERING),
    )

