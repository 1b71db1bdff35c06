"""Portfolio pages: the public portfolio, project pages and the budget overview;
for staff, project and budget edits; for the steering committee, shortlist and import.

Views are thin: they check the role, call one service, commit once, and on a
refused action show the form again with the message (422).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app import audit, reference
from app import exports as file_formats
from app.auth.decorators import role_required
from app.cache import layers
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm, form_status
from app.ideas import states
from app.models import BudgetLine, Idea, Milestone, Project, Trial, utcnow
from app.models.idea import CANDIDATE, SHORTLISTED
from app.models.portfolio import PRIORITY_GROUPS, PROJECT_STATUSES
from app.models.user import ROLE_STEERING
from app.moderation import rubric
from app.pages import project as project_page
from app.portfolio import budgets, charts, exports, imports, labels, queries, services
from app.portfolio import decisions as decision_queries
from app.portfolio.forms import (
    BudgetLineForm,
    ContributionForm,
    CsvConfirmForm,
    CsvImportForm,
    DeclineForm,
    ImportForm,
    MilestoneForm,
    NextStepsForm,
    ProjectForm,
    ShortlistForm,
    TrialForm,
)
from app.security import parse_int
from app.templating import local_today
from app.views import attempt

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")

# This area's words and sums, for every template.
bp.add_app_template_global(labels.project_status_label, "project_status_label")
bp.add_app_template_global(labels.priority_label, "priority_label")
bp.add_app_template_global(labels.kind_label, "kind_label")
bp.add_app_template_global(labels.phase_label, "phase_label")
bp.add_app_template_global(labels.release_label, "release_label")
bp.add_app_template_global(budgets.line_funding, "line_funding")
bp.add_app_template_global(budgets.line_own_share, "line_own_share")

steering_required = role_required(ROLE_STEERING)
editor_required = role_required(*services.PROJECT_EDITOR_ROLES)


def _project(number: int) -> Project:
    project = queries.load_project(number)
    if project is None:
        abort(404)
    return project


def _can_edit() -> bool:
    return current_user.is_authenticated and current_user.has_role(*services.PROJECT_EDITOR_ROLES)


# Public ----------------------------------------------------------------------

@bp.route("")
def index():
    filters = queries.Filters.from_args(request.args)
    fields = reference.action_fields(active_only=False)
    groups = queries.projects_by_field(filters, fields)
    return layers.render_page(
        "portfolio/index.html",
        filters=filters,
        groups=groups,
        participation=queries.participation_by_project(),
        count=sum(len(projects) for _field, projects in groups),
        fields=fields,
        municipalities=[m for m in reference.municipalities() if not m.is_district],
        priorities=[*[(g, labels.priority_label(g)) for g in PRIORITY_GROUPS], (queries.NO_PRIORITY, labels.priority_label(None))],
        statuses=[(s, labels.project_status_label(s)) for s in PROJECT_STATUSES],
        district_wide=queries.DISTRICT_WIDE,
        can_edit=_can_edit(),
        texts=reference.site_texts(),
    )


@bp.route("/wie-entschieden-wurde")
def decisions():
    """Supporters versus the Steuerungsgremium: the candidates ranked by supports beside the committee's choices."""
    rows = decision_queries.comparison()
    return layers.render_page("portfolio/decisions.html", rows=rows, departing=sum(r.departs for r in rows),
                              without_reason=sum(r.departs and not r.reason for r in rows))


@bp.route("/P<int:number>")
def show(number: int):
    return project_page.show(number)



@bp.route("/P<int:number>/als-naechstes", methods=["GET", "POST"])
@editor_required
def next_steps(number: int):
    """Staff write the project's official "Was passiert als Nächstes?" (dated; followers hear of it)."""
    project = _project(number)
    form = NextStepsForm(formdata=None, text=project.next_steps) if request.method == "GET" else NextStepsForm()
    if form.validate_on_submit() and attempt(services.set_next_steps, project, current_user, form.text.data or "",
                                             success=lambda changed: _("Saved: what happens next.") if changed else _("Nothing changed."),
                                             errors_to=form.text):
        return redirect(url_for("portfolio.show", number=project.number) + "#h-next", code=303)
    return render_template("portfolio/next_steps.html", project=project, form=form), form_status()


@bp.route("/budget")
def budget():
    """Per action field, or per Raum of the Smart-Cities call (?nach=raum, as the seed's own table)."""
    by_raum = request.args.get("nach") == "raum"
    overview = queries.budget_by_raum(reference.raeume()) if by_raum else queries.budget_overview(reference.action_fields(active_only=False))
    chart = charts.budget_chart(overview, label_width=330, short_labels=True) if by_raum else charts.budget_chart(overview)
    return layers.render_page("portfolio/budget.html", overview=overview, chart=chart, by_raum=by_raum,
                              application=queries.application(local_today()), limits=queries.call_limits(),
                              call=queries.funding_call(), application_projects=queries.application_projects())


@bp.route("/export.<any(csv, xlsx):fmt>")
def export_portfolio(fmt: str):
    return file_formats.download(exports.portfolio_table(), "portfolio", fmt)


@bp.route("/budget/export.<any(csv, xlsx):fmt>")
def export_budget(fmt: str):
    return file_formats.download(exports.budget_table(), "budget", fmt)


# Staff: projects and budget lines ------------------------------------------

@bp.route("/P<int:number>/bearbeiten", methods=["GET", "POST"])
@editor_required
def edit(number: int):
    project = _project(number)
    form = ProjectForm(obj=project)
    if request.method == "GET":
        form.priority_group.data = project.priority_group or ""
        form.partner_town_ids.data = [m.id for m in project.partner_towns]
        form.raum_id.data = project.raum_id or ""
        form.reason.data = ""
    if form.validate_on_submit() and attempt(services.edit_project, project, current_user, form.data_(), form.reason.data or "", errors_to=form,
                                             success=lambda changed: _("The project is saved.") if changed else _("Nothing was changed.")):
        return redirect(url_for("portfolio.show", number=project.number))
    return render_template("portfolio/edit.html", form=form, project=project, log=audit.entries_for("project", project.id)), form_status()


@bp.route("/P<int:number>/budget/neu", methods=["GET", "POST"])
@editor_required
def new_budget_line(number: int):
    project = _project(number)
    form = BudgetLineForm()
    if form.validate_on_submit() and attempt(services.add_budget_line, project, current_user, form.line(),
                                             success=_("The budget line is saved."), errors_to=form):
        return redirect(url_for("portfolio.show", number=project.number) + "#budget")
    return render_template("portfolio/budget_line.html", form=form, project=project, line=None), form_status()


@bp.route("/P<int:number>/meilensteine/neu", methods=["GET", "POST"])
@editor_required
def new_milestone(number: int):
    project = _project(number)
    form = MilestoneForm()
    if form.validate_on_submit() and attempt(services.add_milestone, project, current_user, form.milestone(),
                                             success=_("The milestone is saved."), errors_to=form):
        return redirect(url_for("portfolio.show", number=project.number) + "#h-milestones", code=303)
    return render_template("portfolio/milestone.html", form=form, project=project, milestone=None), form_status()


@bp.route("/P<int:number>/meilensteine/<int:milestone_id>", methods=["GET", "POST"])
@editor_required
def edit_milestone(number: int, milestone_id: int):
    project = _project(number)
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.project_id != project.id:
        abort(404)
    form = MilestoneForm(obj=milestone) if request.method == "GET" else MilestoneForm()
    if request.method == "POST" and request.form.get("delete"):
        attempt(services.delete_milestone, milestone, current_user, success=_("The milestone is removed."))
        return redirect(url_for("portfolio.show", number=project.number) + "#h-milestones", code=303)
    if form.validate_on_submit() and attempt(services.edit_milestone, milestone, current_user, form.milestone(),
                                             success=lambda changed: _("The milestone is saved.") if changed else _("Nothing changed."),
                                             errors_to=form):
        return redirect(url_for("portfolio.show", number=project.number) + "#h-milestones", code=303)
    return render_template("portfolio/milestone.html", form=form, project=project, milestone=milestone), form_status()


@bp.route("/P<int:number>/erprobungen/neu", methods=["GET", "POST"])
@editor_required
def new_trial(number: int):
    return _trial_page(_project(number), None)


@bp.route("/P<int:number>/erprobungen/<int:trial_id>", methods=["GET", "POST"])
@editor_required
def edit_trial(number: int, trial_id: int):
    project = _project(number)
    trial = db.session.get(Trial, trial_id)
    if trial is None or trial.project_id != project.id:
        abort(404)
    return _trial_page(project, trial)


def _trial_page(project: Project, trial: Trial | None):
    form = TrialForm(obj=trial) if request.method == "GET" and trial is not None else TrialForm()
    if form.validate_on_submit() and attempt(services.save_trial, project, current_user, form.trial(), trial,
                                             success=_("The trial is saved."), errors_to=form):
        return redirect(url_for("portfolio.show", number=project.number) + "#h-trials", code=303)
    return render_template("portfolio/trial.html", form=form, project=project, trial=trial), form_status()


def _budget_line(project: Project, line_id: int) -> BudgetLine:
    line = db.session.get(BudgetLine, line_id)
    if line is None or line.project_id != project.id:
        abort(404)
    return line


@bp.route("/P<int:number>/budget/<int:line_id>", methods=["GET", "POST"])
@editor_required
def edit_budget_line(number: int, line_id: int):
    project = _project(number)
    line = _budget_line(project, line_id)
    form = BudgetLineForm(obj=line)
    if request.method == "GET":
        form.amount.data = budgets.input_text(line.amount)
        form.funding_rate.data = budgets.input_text(line.funding_rate.normalize())
        form.third_party.data = budgets.input_text(line.third_party) if line.third_party else ""
    if form.validate_on_submit() and attempt(services.edit_budget_line, line, current_user, form.line(),
                                             success=_("The budget line is saved."), errors_to=form):
        return redirect(url_for("portfolio.show", number=project.number) + "#budget")
    return render_template("portfolio/budget_line.html", form=form, project=project, line=line, delete_form=ActionForm(formdata=None)), form_status()


@bp.route("/P<int:number>/budget/<int:line_id>/loeschen", methods=["POST"])
@editor_required
def delete_budget_line(number: int, line_id: int):
    project = _project(number)
    line = _budget_line(project, line_id)
    attempt(services.delete_budget_line, line, current_user)
    flash(_("The budget line is deleted."), "success")
    return redirect(url_for("portfolio.show", number=project.number) + "#budget")


# Staff: CSV import of projects and budget lines ---------------------------------

@bp.route("/csv-import", methods=["GET", "POST"])
@editor_required
def csv_import():
    """Upload (GET form, POST file): the POST shows the preview. Nothing is written yet."""
    form = CsvImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            text = imports.decode(upload.read())
        except DomainError as error:
            form.file.errors.append(str(error.message))
        else:
            return _csv_preview(imports.preview(form.kind.data, text), text, upload.filename or "")
    return render_template("portfolio/csv_import.html", form=form, columns=imports.COLUMNS), form_status()


@bp.route("/csv-import/bestaetigen", methods=["POST"])
@editor_required
def csv_import_confirm():
    """Write the previewed file, all rows or none; only if it would still do what the preview showed."""
    form = CsvConfirmForm()
    carried = imports.unsign(form.token.data) if form.validate_on_submit() else None
    if carried is None:
        upload = CsvImportForm(formdata=None)
        upload.form_errors.append(_("The preview has expired. Please upload the file again."))
        return render_template("portfolio/csv_import.html", form=upload, columns=imports.COLUMNS), 422
    result = imports.preview(carried.kind, carried.text)
    if result.fingerprint() != carried.fingerprint:
        notice = _("The portfolio has changed since the preview. Please check the new preview.")
        return _csv_preview(result, carried.text, carried.filename, notice=notice, status=409)
    done = attempt(imports.apply, result, current_user, errors_to=[],
                   success=lambda codes: _("Imported: %(codes)s.", codes=", ".join(codes)) if codes else _("Nothing was changed."))
    if not done:
        return _csv_preview(result, carried.text, carried.filename, notice=done.error, status=422)
    return redirect(url_for("portfolio.index"))


def _csv_preview(result: imports.Preview, text: str, filename: str, *, notice: str = "", status: int | None = None):
    confirm = None
    if result.ok and result.has_changes:
        confirm = CsvConfirmForm(formdata=None, data={"token": imports.sign(result, text, filename)})
    upload = CsvImportForm(formdata=None, data={"kind": result.kind})
    return render_template(
        "portfolio/csv_preview.html", result=result, filename=filename, confirm=confirm, upload=upload, notice=notice, actions=imports.ACTION_LABELS
    ), status or (200 if result.ok else 422)


# Steering committee: shortlist and import ------------------------------------

def _committee_idea(idea_id: int) -> Idea:
    """A candidate or a shortlisted idea (what the committee decides on); else 404."""
    idea = db.session.get(Idea, idea_id)
    if idea is None or idea.status not in (CANDIDATE, SHORTLISTED):
        abort(404)
    return idea


@bp.route("/shortlist/<int:idea_id>", methods=["GET", "POST"])
@steering_required
def shortlist(idea_id: int):
    idea = _committee_idea(idea_id)
    form = ShortlistForm()
    change = services.shortlist_idea if idea.status == CANDIDATE else services.remove_from_shortlist
    if form.validate_on_submit() and attempt(change, idea, current_user, form.note.data or "", errors_to=form.note,
                                             success=lambda _none: states.changed_message(idea.status)):
        return redirect(url_for("moderation.candidates"))
    return render_template("portfolio/shortlist.html", form=form, decline_form=DeclineForm(formdata=None), idea=idea), form_status()


@bp.route("/shortlist/<int:idea_id>/ablehnen", methods=["POST"])
@steering_required
def decline(idea_id: int):
    """The committee declines a candidate or a shortlisted idea, with a public reason."""
    idea = _committee_idea(idea_id)
    form = DeclineForm()
    if form.validate_on_submit() and attempt(services.decline_idea, idea, current_user, form.reason.data or "", errors_to=form.reason,
                                             success=lambda _none: states.changed_message(idea.status)):
        return redirect(url_for("moderation.candidates"), code=303)
    return render_template("portfolio/shortlist.html", form=ShortlistForm(formdata=None), decline_form=form, idea=idea), 422


def _shortlisted() -> list[Idea]:
    return list(
        db.session.scalars(
            select(Idea).where(Idea.status == SHORTLISTED, Idea.is_hidden.is_(False)).order_by(Idea.id)
        )
    )


@bp.route("/uebernahme", methods=["GET", "POST"])
@steering_required
def import_ideas():
    """Step 1 (GET): choose shortlisted ideas and whether to combine them.
    Step 2 (GET with ideas): the projects to create, prefilled. POST: import, all or nothing."""
    shortlisted = _shortlisted()
    by_id = {idea.id: idea for idea in shortlisted}
    if request.method == "GET":
        chosen = [by_id[i] for i in [parse_int(i) for i in request.args.getlist("idee")] if i in by_id]
        if not chosen:
            return render_template("portfolio/import_select.html", shortlisted=shortlisted, projects=reference.projects(),
                                   missing="idee" in request.args or "modus" in request.args)
        if request.args.get("modus") == "bestehend":
            form = ContributionForm(formdata=None, data={"idea_ids": ",".join(str(i.id) for i in chosen),
                                                         "project": parse_int(request.args.get("projekt") or "") or "",
                                                         "budget_year": utcnow().astimezone(get_timezone()).year + 1})
            return render_template("portfolio/import_contribution.html", form=form, ideas=chosen)
        groups = [chosen] if request.args.get("modus") == "zusammen" else [[idea] for idea in chosen]
        form = ImportForm(formdata=None, data={"projects": [_proposal(group) for group in groups]})
    else:
        form = ImportForm()
        if request.form.get("preview"):
            # "Finanzierung berechnen" without JavaScript: the same page with the sums, nothing saved.
            valid = form.validate_on_submit()
            return _import_plan_page(form, by_id, previewing=True), 200 if valid else 422
        if form.validate_on_submit():
            plans = [services.ProjectPlan(idea_ids=entry.form.id_list(), data=entry.form.data_(), budget=entry.form.budget()) for entry in form.projects]
            done = attempt(services.import_into_portfolio, current_user, plans, errors_to=form,
                           success=lambda projects: _("Imported into the portfolio: %(codes)s.", codes=", ".join(p.code for p in projects)))
            if done:
                return redirect(url_for("portfolio.show", number=done.value[0].number))
    return _import_plan_page(form, by_id), form_status()


@bp.route("/uebernahme/baustein", methods=["POST"])
@steering_required
def add_contributions():
    """The import's third choice: the chosen shortlisted ideas become contributions of an existing project."""
    by_id = {idea.id: idea for idea in _shortlisted()}
    form = ContributionForm()
    ideas = [by_id[i] for i in form.id_list() if i in by_id]
    if request.form.get("preview"):
        valid = form.validate_on_submit()
        return render_template("portfolio/import_contribution.html", form=form, ideas=ideas, previewing=True), 200 if valid else 422
    if form.validate_on_submit():
        project = db.session.get(Project, form.project.data)
        done = attempt(services.add_to_project, current_user, project, form.id_list(), form.budget(), errors_to=form,
                       success=lambda p: _("Added to %(code)s as contributions: %(count)d ideas.", code=p.code, count=len(form.id_list())))
        if done:
            return redirect(url_for("portfolio.show", number=done.value.number) + "#h-origin", code=303)
    return render_template("portfolio/import_contribution.html", form=form, ideas=ideas), form_status()


def _import_plan_page(form: ImportForm, by_id: dict[int, Idea], *, previewing: bool = False) -> str:
    # Only shortlisted ideas are shown; any other id answers like an unknown one (no draft titles leak).
    ideas_of = {entry.form.idea_ids.data: [by_id[i] for i in entry.form.id_list() if i in by_id] for entry in form.projects}
    shown = [idea.id for ideas in ideas_of.values() for idea in ideas]
    return render_template("portfolio/import_plan.html", form=form, ideas_of=ideas_of, previewing=previewing,
                           scores=rubric.scores_for_ideas(shown), notes=queries.shortlist_notes(shown))


def _proposal(ideas: list[Idea]) -> dict:
    """A project proposed from ideas: the first idea's title, action field and municipality."""
    first = ideas[0]
    return {
        "idea_ids": ",".join(str(i.id) for i in ideas),
        "title": first.title,
        "description": "\n\n".join(i.summary for i in ideas),
        "action_field_id": first.action_fields[0].id if first.action_fields else None,
        "municipality_id": first.municipality_id,
        "priority_group": "",
        "budget_year": utcnow().astimezone(get_timezone()).year + 1,  # budgets are planned for the coming year
    }
