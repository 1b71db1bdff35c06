import pytest
from sqlalchemy import func, select

from app.errors import InvalidInput, InvalidTransition, NotAllowed
from app.extensions import db
from app.ideas import services
from app.ideas.services import IdeaCard
from app.models import Idea, IdeaStateChange, Municipality
from tests.factories import create_user, make_idea


def _card(**changes) -> IdeaCard:
    municipality_id = db.session.scalar(select(Municipality.id).where(Municipality.slug == "olfen"))
    from app.models import ActionField

    field_id = db.session.scalar(select(ActionField.id).where(ActionField.slug == "bildung"))
    values = dict(title="Titel", summary="Kurz", benefit="Nutzen", challenges="Hürden", municipality_id=municipality_id, action_field_ids=[field_id])
    values.update(changes)
    return IdeaCard(**values)


def test_submit_as_draft_records_history(app, reference):
    author = create_user()
    idea = services.submit_idea(author, _card(), publish=False)
    db.session.commit()
    assert idea.status == "draft" and idea.published_at is None
    assert [c.to_status for c in idea.state_changes] == ["draft"]


def test_submit_and_publish(app, reference):
    author = create_user()
    idea = services.submit_idea(author, _card(title="  Viel   Platz  "), publish=True)
    db.session.commit()
    assert idea.status == "published"
    assert idea.title == "Viel Platz"
    assert idea.published_at is not None
    assert [(c.from_status, c.to_status) for c in idea.state_changes] == [(None, "draft"), ("draft", "published")]
    assert all(c.actor_id == author.id for c in idea.state_changes)


def test_unconfirmed_accounts_cannot_submit(app, reference):
    author = create_user(confirmed=False)
    with pytest.raises(NotAllowed):
        services.submit_idea(author, _card(), publish=True)


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "x" * 151},
        {"summary": "x" * 501},
        {"benefit": "x" * 5001},
        {"challenges": "x" * 5001},
        {"partners": "x" * 1001},
        {"title": ""},
        {"action_field_ids": []},
        {"action_field_ids": [99999]},
        {"municipality_id": 99999},
    ],
)
def test_card_limits_and_required_values(app, reference, changes):
    author = create_user()
    with pytest.raises(InvalidInput):
        services.submit_idea(author, _card(**changes), publish=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Idea.id))) == 0


def test_limits_are_inclusive(app, reference):
    author = create_user()
    idea = services.submit_idea(
        author, _card(title="x" * 150, summary="y" * 500, benefit="z" * 5000, challenges="w" * 5000, partners="p" * 1000), publish=True
    )
    db.session.commit()
    assert len(idea.title) == 150


def test_author_edits_until_review(app, reference):
    author = create_user()
    idea = make_idea(author)
    before = idea.edited_at
    services.edit_idea(idea, author, _card(title="Neuer Titel"))
    db.session.commit()
    assert idea.title == "Neuer Titel"
    assert idea.edited_at >= before
    services.change_state(idea, "in_review", create_user("mod@example.com", roles=("moderator",)), "moderation")
    db.session.commit()
    assert not services.can_edit(idea, author)
    with pytest.raises(NotAllowed):
        services.edit_idea(idea, author, _card(title="Zu spät"))


def test_others_cannot_edit_publish_withdraw_or_delete(app, reference):
    author = create_user()
    other = create_user("other@example.com")
    idea = make_idea(author, publish=False)
    for action in (
        lambda: services.edit_idea(idea, other, _card()),
        lambda: services.publish_idea(idea, other),
        lambda: services.withdraw_idea(idea, other, "weil"),
        lambda: services.delete_draft(idea, other),
    ):
        with pytest.raises(NotAllowed):
            action()


def test_withdraw_needs_a_reason_and_is_recorded(app, reference):
    author = create_user()
    idea = make_idea(author)
    with pytest.raises(InvalidInput):
        services.withdraw_idea(idea, author, "   ")
    services.withdraw_idea(idea, author, "Hat sich erledigt")
    db.session.commit()
    assert idea.status == "withdrawn"
    last = db.session.scalars(select(IdeaStateChange).where(IdeaStateChange.idea_id == idea.id).order_by(IdeaStateChange.id.desc())).first()
    assert (last.from_status, last.to_status, last.reason, last.actor_id) == ("published", "withdrawn", "Hat sich erledigt", author.id)


def test_a_draft_cannot_be_withdrawn_and_a_published_idea_cannot_be_deleted(app, reference):
    author = create_user()
    draft = make_idea(author, publish=False)
    with pytest.raises(InvalidTransition):
        services.withdraw_idea(draft, author, "weil")
    published = make_idea(author, "Zweite")
    with pytest.raises(InvalidTransition):
        services.delete_draft(published, author)
    services.delete_draft(draft, author)
    db.session.commit()
    assert db.session.get(Idea, draft.id) is None


def test_visibility(app, reference):
    author = create_user()
    other = create_user("other@example.com")
    staff = create_user("mod@example.com", roles=("moderator",))
    draft = make_idea(author, publish=False)
    assert services.can_view(draft, author)
    assert not services.can_view(draft, other)
    assert not services.can_view(draft, staff)
    assert not services.can_view(draft, None)
    published = make_idea(author, "Öffentlich")
    assert services.can_view(published, None)
    published.is_hidden = True
    assert not services.can_view(published, None)
    assert not services.can_view(published, other)
    assert services.can_view(published, staff)
    assert services.can_view(published, author)
