from sqlalchemy import func, select

from app.extensions import db
from app.models import ActionField, Comment, Follow, Idea, Municipality, Project, Support, User
from app.seed.demo import load_demo_data
from app.seed.reference import load_reference_data


def _counts():
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Municipality, ActionField, Project, Idea, User, Support, Comment)
    }


def test_reference_data_matches_the_strategy(app):
    load_reference_data()
    db.session.commit()
    names = set(db.session.scalars(select(Municipality.name)))
    assert len(names) == 12
    assert {"Dülmen", "Lüdinghausen", "Kreis Coesfeld (kreisweit)"} <= names
    assert set(db.session.scalars(select(ActionField.name))) == {"Verwaltung", "Bildung", "Wirtschaft", "Mobilität", "Innenstadt/Dorfmitte"}
    projects = {p.code: p for p in db.session.scalars(select(Project))}
    assert sorted(projects, key=lambda c: int(c[1:])) == [f"P{n}" for n in range(1, 29)]
    assert projects["P1"].title == "Online ins Rathaus" and projects["P1"].action_field.name == "Verwaltung"
    assert projects["P28"].title == "Digitaler Motivationsschub" and projects["P28"].action_field.name == "Innenstadt/Dorfmitte"
    assert projects["P1"].priority_group == "I" and projects["P5"].priority_group is None


def test_loading_twice_duplicates_nothing(app):
    load_reference_data()
    load_demo_data()
    db.session.commit()
    first = _counts()
    assert first["Idea"] == 40
    load_reference_data()
    load_demo_data()
    db.session.commit()
    assert _counts() == first


def test_demo_counters_equal_rows(app):
    load_reference_data()
    load_demo_data()
    db.session.commit()
    for idea in db.session.scalars(select(Idea)):
        supports = db.session.scalar(select(func.count()).select_from(Support).where(Support.idea_id == idea.id))
        comments = db.session.scalar(select(func.count()).select_from(Comment).where(Comment.idea_id == idea.id))
        assert (idea.support_count, idea.comment_count) == (supports, comments)
        assert idea.author_id not in set(db.session.scalars(select(Support.user_id).where(Support.idea_id == idea.id)))


def test_demo_authors_supporters_and_commenters_follow_their_ideas(app):
    """As the services make them (a comment on a demo idea reaches its author, "Meine Ideen" lists them)."""
    load_reference_data()
    load_demo_data()
    db.session.commit()
    follows = set(db.session.execute(select(Follow.user_id, Follow.idea_id)).tuples())
    wanted = set(db.session.execute(select(Idea.author_id, Idea.id)).tuples())
    wanted |= set(db.session.execute(select(Support.user_id, Support.idea_id)).tuples())
    wanted |= set(db.session.execute(select(Comment.author_id, Comment.idea_id).where(Comment.idea_id.is_not(None))).tuples())
    assert follows == wanted and len(follows) > 40


def test_demo_covers_every_action_field_and_town(app):
    load_reference_data()
    load_demo_data()
    db.session.commit()
    ideas = list(db.session.scalars(select(Idea)))
    assert {f.slug for i in ideas for f in i.action_fields} == set(db.session.scalars(select(ActionField.slug)))
    assert {i.municipality_id for i in ideas} == set(db.session.scalars(select(Municipality.id)))


def test_criteria_get_their_guidance_once_and_keep_an_edited_one(app):
    from app.models import Criterion

    load_reference_data()
    db.session.commit()
    networks = db.session.scalar(select(Criterion).where(Criterion.name == "Netzwerke"))
    staff = db.session.scalar(select(Criterion).where(Criterion.name == "Personal"))
    assert networks.description.startswith("Gibt es Partner") and "0 = " in networks.description and "5 = " in networks.description
    networks.description, staff.description = "", "Unsere eigene Leitfrage."  # an older database; an edited one
    db.session.commit()
    load_reference_data()
    db.session.commit()
    assert networks.description.startswith("Gibt es Partner") and staff.description == "Unsere eigene Leitfrage."
