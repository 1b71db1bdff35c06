from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app import reference
from app.auth.decorators import confirmed_required
from app.cache import layers
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm, form_status
from app.ideas import images as image_service
from app.ideas import queries, services, states
from app.ideas.forms import IdeaForm, ImageForm, WithdrawForm
from app.models import Idea, IdeaImage
from app.models.idea import TITLE_MAX
from app.models.user import ACCOUNT_CITIZEN, ACCOUNT_ORGANISATION
from app.pages import idea as idea_page
from app.rate_limits import limit_per_account, sent_a_file, went_through
from app.reference import find_project, project_choice
from app.views import attempt

bp = Blueprint("ideas", __name__, url_prefix="/ideen")

# This area's words and pictures, for every template.
bp.add_app_template_global(states.label, "status_label")
bp.add_app_template_global(states.action_label, "status_action_label")
bp.add_app_template_global(image_service.url, "image_url")
bp.add_app_template_global(image_service.srcset, "image_srcset")


def _own_idea(idea_id: int) -> Idea:
    idea = idea_page.visible_idea(idea_id)
    if idea.author_id != current_user.id:
        abort(403)
    return idea


@bp.route("")
def index():
    filters = queries.IdeaFilters.from_args(request.args)
    fields = reference.action_fields(active_only=False)
    municipalities = reference.municipalities()
    page = queries.list_ideas(filters, current_app.config["IDEAS_PER_PAGE"], card=True, fields=fields, municipalities=municipalities)
    return layers.render_page(
        "ideas/index.html",
        page=page,
        filters=filters,
        fields=fields,
        municipalities=municipalities,
        sorts=queries.SORTS,
        statuses=[(s, states.label(s)) for s in states.LABELS if s != "draft"],
        submitters=[(ACCOUNT_CITIZEN, _("Citizens")), (ACCOUNT_ORGANISATION, _("Businesses / organisations"))],
    )


@bp.route("/neu", methods=["GET", "POST"])
@confirmed_required
# Only a saved idea counts, not "check similar ideas", the duplicate gate or a card with errors.
@limit_per_account("RATELIMIT_SUBMIT", counts=went_through)
@limit_per_account("RATELIMIT_UPLOAD", counts=sent_a_file)
def new():
    form = IdeaForm()
    if request.method == "GET" and request.args.get("projekt"):
        # From a project's page: "Eine Idee zu diesem Projekt einreichen" (checked like a typed one).
        found = find_project(request.args["projekt"][:20], form.project_choices)
        form.builds_on.data = project_choice(found) if found else ""
    similar, similar_projects = None, []
    picture, picture_error = _picture_of(form) if form.is_submitted() else (None, None)
    contribute_to = find_project((request.form.get("contribute_to") or "")[:20], form.project_choices) if form.is_submitted() else None
    if contribute_to is not None:
        # "Zu diesem Projekt beitragen" beside a similar project: the card comes back as typed, building on it.
        form.builds_on.data = project_choice(contribute_to)
        flash(_("Your idea now builds on %(code)s “%(title)s”. Complete the card and publish it.", code=contribute_to.code,
                title=contribute_to.title), "info")
    if form.is_submitted() and (form.check_similar.data or contribute_to is not None):
        # Only reads: the card comes back as typed, with the similar ideas under its title.
        similar = queries.similar_ideas(form.similarity_text())
        form.similar_checked.data = "1"
        if picture_error:
            form.picture.errors = [picture_error]
        return render_template("ideas/form.html", form=form, idea=None, similar=similar, before_publishing=False, picture=picture,
                               similar_projects=queries.similar_projects(form.similarity_text()) if contribute_to is None else [])
    valid = form.validate_on_submit()
    if picture_error:
        form.picture.errors = [*form.picture.errors, picture_error]
    if picture is not None and not form.picture_alt.data:
        form.picture_alt.errors = [*form.picture_alt.errors, _("Please describe the picture for people who cannot see it.")]
    if valid and not form.picture.errors and not form.picture_alt.errors:
        instead = form.similar_idea_chosen()  # "support this similar idea instead": keep the text as a draft
        publish = bool(form.publish.data) and instead is None
        if publish and form.similar_checked.data != "1":
            similar = queries.similar_ideas(form.similarity_text())
            form.similar_checked.data = "1"
            similar_projects = queries.similar_projects(form.similarity_text()) if similar and not form.builds_on.data else []
        if not similar:
            if instead is not None:
                success = _("Your text is saved as a private draft under “My ideas”. Here you can support the similar idea.")
            else:
                success = _("Your idea is published. Thank you!") if publish else _("Your draft is saved. Only you can see it.")
            done = attempt(image_service.submit_with_picture, current_user, form.card(), publish, picture, form.picture_alt.data or "",
                           errors_to=form, success=success)
            if done and instead is not None:
                return redirect(url_for("ideas.show", idea_id=instead, _anchor="unterstuetzen"))
            if done:
                return redirect(url_for("ideas.show", idea_id=done.value.id))
    # The step before publishing is not an error; a card with errors is.
    return (render_template("ideas/form.html", form=form, idea=None, similar=similar, before_publishing=bool(similar), picture=picture,
                            similar_projects=similar_projects),
            200 if similar else form_status())


def _picture_of(form: IdeaForm) -> tuple[image_service.Stored | None, str | None]:
    """The picture chosen in the form (stored now, so it survives the form coming back) or kept from
    an earlier post of it; and why a chosen file was refused."""
    upload: FileStorage | None = form.picture.data if isinstance(form.picture.data, FileStorage) else None
    if upload is not None and upload.filename:
        try:
            form.picture_token.data = image_service.keep_upload(current_user, upload.read(image_service.MAX_BYTES + 1))
        except DomainError as error:
            form.picture_token.data = ""
            return None, str(error.message)
    return image_service.read_kept(current_user, form.picture_token.data), None


@bp.route("/aehnliche")
def similar():
    """Similar ideas for the title being typed (an HTML fragment for ideas/similar.js)."""
    title = request.args.get("titel", "")[: TITLE_MAX]
    return render_template("ideas/_similar.html", similar=queries.similar_ideas(title) if title.strip() else None,
                           similar_projects=queries.similar_projects(title) if title.strip() else [])


@bp.route("/<int:idea_id>")
def show(idea_id: int):
    return idea_page.show(idea_id)


@bp.route("/<int:idea_id>/bearbeiten", methods=["GET", "POST"])
@confirmed_required
def edit(idea_id: int):
    idea = _own_idea(idea_id)
    if not services.can_edit(idea, current_user):
        flash(_("This idea is being reviewed by the moderation and can no longer be edited."), "error")
        return redirect(url_for("ideas.show", idea_id=idea.id))
    form = IdeaForm(obj=idea)
    if request.method == "GET":
        form.action_field_ids.data = [f.id for f in idea.action_fields]
        form.builds_on.data = project_choice(idea.project) if idea.project else ""
    if form.validate_on_submit() and attempt(services.edit_idea, idea, current_user, form.card(), bool(form.publish.data),
                                             success=_("Your changes are saved."), errors_to=form):
        return redirect(url_for("ideas.show", idea_id=idea.id))
    return render_template("ideas/form.html", form=form, idea=idea), form_status()


@bp.route("/<int:idea_id>/veroeffentlichen", methods=["POST"])
@confirmed_required
def publish(idea_id: int):
    idea = _own_idea(idea_id)
    attempt(services.publish_idea, idea, current_user, success=_("Your idea is published. Thank you!"))
    return redirect(url_for("ideas.show", idea_id=idea.id))


@bp.route("/<int:idea_id>/zurueckziehen", methods=["GET", "POST"])
@confirmed_required
def withdraw(idea_id: int):
    idea = _own_idea(idea_id)
    form = WithdrawForm()
    if form.validate_on_submit() and attempt(services.withdraw_idea, idea, current_user, form.reason.data,
                                             success=_("Your idea has been withdrawn."), errors_to=form.reason):
        return redirect(url_for("ideas.show", idea_id=idea.id))
    return render_template("ideas/withdraw.html", form=form, idea=idea), form_status()


@bp.route("/<int:idea_id>/loeschen", methods=["POST"])
@confirmed_required
def delete(idea_id: int):
    idea = _own_idea(idea_id)
    if not attempt(services.delete_draft, idea, current_user, success=_("Your draft has been deleted.")):
        return redirect(url_for("ideas.show", idea_id=idea.id))
    return redirect(url_for("ideas.index"))


# Pictures ------------------------------------------------------------------

@bp.route("/<int:idea_id>/bilder", methods=["GET", "POST"])
@confirmed_required
@limit_per_account("RATELIMIT_UPLOAD")
def images(idea_id: int):
    """The author's pictures of an idea: add one (file and description), remove one."""
    idea = _own_idea(idea_id)
    form = ImageForm()
    if form.validate_on_submit() and attempt(image_service.add_image, idea, current_user, form.picture.data.read(image_service.MAX_BYTES + 1),
                                             form.alt_text.data, success=_("The picture is added."), errors_to=form.picture):
        return redirect(url_for("ideas.images", idea_id=idea.id), code=303)
    return render_template("ideas/images.html", idea=idea, form=form, can_edit=services.can_edit(idea, current_user),
                           max_images=image_service.MAX_IMAGES, action_form=ActionForm(formdata=None)), form_status()


@bp.route("/<int:idea_id>/bilder/<int:image_id>/entfernen", methods=["POST"])
@confirmed_required
def remove_image(idea_id: int, image_id: int):
    idea = _own_idea(idea_id)
    image = db.session.get(IdeaImage, image_id)
    if image is None or image.idea_id != idea.id:
        abort(404)
    attempt(image_service.remove_image, idea, current_user, image, success=_("The picture is removed."))
    return redirect(url_for("ideas.images", idea_id=idea.id), code=303)


@bp.route("/bilder/<name>")
def image_file(name: str):
    """A stored picture, for whoever may see its idea."""
    parsed = image_service.parse_name(name)
    image = db.session.scalar(select(IdeaImage).where(IdeaImage.file_key == parsed[0])) if parsed else None
    user = current_user if current_user.is_authenticated else None
    path = image_service.path_of(name) if image is not None else None
    if image is None or path is None or not services.can_view(image.idea, user):
        abort(404)
    response = send_file(path, mimetype="image/webp", max_age=0)  # with ETag and Last-Modified
    public = not image.idea.is_draft and not image.idea.is_hidden
    # Kept by browsers and proxies, but asked about every time (an unchanged picture is a 304): once its
    # idea is hidden, a picture is gone as quickly as the idea's page.
    response.headers["Cache-Control"] = "public, no-cache" if public else "private, no-store"
    return response
