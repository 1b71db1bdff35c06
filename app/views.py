"""The one way a view changes something: call the service, then commit once or explain why not.

A view reads as form → service → answer:

    form = HideForm()
    if form.validate_on_submit() and attempt(services.hide_item, idea, current_user, form.reason.data,
                                             success=_("The idea is hidden."), errors_to=form.reason):
        return redirect(url_for("moderation.idea", idea_id=idea.id))
    return render_idea_page(idea, hide_form=form), 422

Services flush and never commit (see docs/architecture.md); `attempt` is where a request's change
is committed. A DomainError (app/errors.py) rolls the transaction back and its German message goes
beside the field (`errors_to` a field), above the form (`errors_to` the form), into a list the view
answers with itself, to the field of the first matching error class (`errors_to` a dict such as
{WrongPassword: form.current_password, DomainError: form.password}), or, without `errors_to`, into a
flash message on the next page. What the person typed stays in the form, since the view renders
that same form again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar, cast

from flask import flash
from wtforms import Field, Form

from app.errors import DomainError
from app.extensions import db

T = TypeVar("T")
Target: TypeAlias = Field | Form | list[str]


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What `attempt` did: true when the change is committed; then `value` is the service's answer
    (on failure it is None, and `error` the German message)."""

    ok: bool
    value: T
    error: str = ""

    def __bool__(self) -> bool:
        return self.ok


def attempt(
    action: Callable[..., T],
    /,
    *args: Any,
    success: str | Callable[[T], str] | None = None,
    category: str = "success",
    errors_to: Target | dict[type[DomainError], Target] | None = None,
    **kwargs: Any,
) -> Outcome[T]:
    """Run `action(*args, **kwargs)`; commit and flash `success` (a text, or a function of the answer)
    as `category`, or roll back and put the DomainError's message where `errors_to` says."""
    try:
        value = action(*args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        message = str(error.message)
        target = errors_to
        if isinstance(target, dict):
            target = next((field for kind, field in target.items() if isinstance(error, kind)), None)
        if target is None:
            flash(message, "error")
        elif isinstance(target, Form):
            target.form_errors.append(message)
        elif isinstance(target, Field):
            target.errors.append(message)
        else:
            target.append(message)
        return Outcome(ok=False, value=cast(T, None), error=message)
    db.session.commit()
    if success is not None:
        flash(str(success(value) if callable(success) else success), category)
    return Outcome(ok=True, value=value)
