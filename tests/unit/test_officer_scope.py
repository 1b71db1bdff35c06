"""The towns' digital officers (decision 0025): one rule decides who moderates which idea
(app/auth/scope.py), and every moderation service asks it. The administration assigns the towns."""

import pytest
from sqlalchemy import select

from app.admin import services as admin
from app.auth import scope
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.models import AuditEntry, Criterion, OfficerTown
from app.moderation import rubric, services
from app.participation import services as participation
from tests.factories import create_user, make_idea, town_id


@pytest.fixture
def people(app, reference):
    admin_user = create_user("admin@example.com", roles=("admin",))
    officer = create_user("cdo@example.com", roles=("officer",), display_name="CDO Dülmen")
    admin.set_officer_towns(officer, [town_id("duelmen")], admin_user)
    db.session.commit()
    return {
        "admin": admin_user,
        "officer": officer,
        "moderator": create_user("mod@example.com", roles=("moderator",)),
        "steering": create_user("sg@example.com", roles=("steering",)),
        "author": create_user("autorin@example.com", display_name="Autorin"),
        "citizen": create_user("buerger@example.com"),
    }


@pytest.fixture
def ideas(people):
    author = people["author"]
    return {
        "duelmen": make_idea(author, "Dülmener WLAN im Park", municipality="duelmen"),
        "duelmen2": make_idea(author, "Dülmener Bürgerbus digital", municipality="duelmen"),
        "nottuln": make_idea(author, "Nottulner Dorf-App", municipality="nottuln"),
        "district": make_idea(author, "Kreisweite Ehrenamtsbörse", municipality="kreis-coesfeld"),
    }


def test_the_rule_officers_moderate_their_towns_only(people, ideas):
    officer, moderator = people["officer"], people["moderator"]
    assert scope.may_moderate(officer, ideas["duelmen"])
    assert not scope.may_moderate(officer, ideas["nottuln"])
    assert ideas["district"].municipality.is_district
    assert not scope.may_moderate(officer, ideas["district"]), "district-wide ideas stay with the district's moderators"
    assert all(scope.may_moderate(moderator, idea) for idea in ideas.values())
    for nobody in (people["steering"], people["citizen"], people["admin"], None):
        assert not scope.may_moderate(nobody, ideas["duelmen"])
    assert scope.town_scope(moderator) is None and scope.town_scope(officer) == {town_id("duelmen")}
    comment = participation.add_comment(people["citizen"], ideas["duelmen"], "In Dülmen")
    other = participation.add_comment(people["citizen"], ideas["nottuln"], "In Nottuln")
    on_project = participation.add_comment(people["citizen"], _p20(), "Zum Projekt")
    assert scope.may_moderate(officer, comment) and not scope.may_moderate(officer, other)
    assert not scope.may_moderate(officer, on_project) and scope.may_moderate(moderator, on_project)


def _p20():
    from app.models import Project

    return db.session.scalar(select(Project).where(Project.number == 20))


def test_every_moderation_service_asks_the_rule(people, ideas):
    officer = people["officer"]
    nottuln, duelmen, duelmen2 = ideas["nottuln"], ideas["duelmen"], ideas["duelmen2"]
    comment = participation.add_comment(people["citizen"], nottuln, "Kommentar in Nottuln")
    db.session.commit()
    refused = [
        lambda: services.change_status(nottuln, "in_review", officer),
        lambda: services.review_many([duelmen, nottuln], officer),
        lambda: services.publish_answer(nottuln, officer, "Danke!", "CDO Dülmen"),
        lambda: services.hide_item(nottuln, officer, "Test"),
        lambda: services.hide_item(comment, officer, "Test"),
        lambda: services.dismiss_reports(nottuln, officer),
        lambda: services.merge_idea(nottuln, duelmen, officer, "Doppelt"),
        lambda: services.merge_idea(duelmen, nottuln, officer, "Doppelt"),
        lambda: services.link_project(duelmen, officer, _p20(), "Passt"),  # the district's alone
    ]
    for call in refused:
        with pytest.raises(NotAllowed):
            call()
        db.session.rollback()
    assert nottuln.status == "published" and not nottuln.is_hidden and duelmen.status == "published"

    services.change_status(duelmen, "in_review", officer)
    services.publish_answer(duelmen, officer, "Wir prüfen das mit dem Bauhof.", "CDO Dülmen")
    services.merge_idea(duelmen2, duelmen, officer, "Gleiche Idee")
    db.session.commit()
    assert duelmen.status == "in_review" and duelmen2.merged_into_id == duelmen.id

    values = {c.id: (3, "") for c in db.session.scalars(select(Criterion).where(Criterion.is_active.is_(True)))}
    assert rubric.can_score(duelmen, officer)
    rubric.score_idea(duelmen, officer, values)
    services.change_status(nottuln, "in_review", people["moderator"])
    db.session.commit()
    assert not rubric.can_score(nottuln, officer)
    with pytest.raises(NotAllowed):
        rubric.score_idea(nottuln, officer, values)


def test_hidden_ideas_show_to_the_officer_of_their_town_only(people, ideas):
    from app.ideas.services import can_view

    for idea in (ideas["duelmen"], ideas["nottuln"]):
        services.hide_item(idea, people["moderator"], "Prüfung")
    db.session.commit()
    assert can_view(ideas["duelmen"], people["officer"])
    assert not can_view(ideas["nottuln"], people["officer"])
    assert can_view(ideas["nottuln"], people["steering"])


def test_the_administration_assigns_towns_never_the_district(people):
    admin_user, officer, citizen = people["admin"], people["officer"], people["citizen"]
    with pytest.raises(InvalidInput):
        admin.set_officer_towns(officer, [town_id("kreis-coesfeld")], admin_user)
    with pytest.raises(InvalidInput):
        admin.set_officer_towns(officer, [99999], admin_user)
    with pytest.raises(InvalidInput):
        admin.set_officer_towns(citizen, [town_id("nottuln")], admin_user)  # not an officer
    with pytest.raises(NotAllowed):
        admin.set_officer_towns(officer, [town_id("nottuln")], officer)
    assert admin.set_officer_towns(officer, [town_id("duelmen"), town_id("nottuln")], admin_user)
    assert not admin.set_officer_towns(officer, [town_id("nottuln"), town_id("duelmen")], admin_user), "unchanged"
    db.session.commit()
    assert scope.officer_towns(officer) == {town_id("duelmen"), town_id("nottuln")}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.officer_towns").order_by(AuditEntry.id.desc())).first()
    assert entry.before == {"towns": ["Dülmen"]} and entry.after == {"towns": ["Dülmen", "Nottuln"]}
    assert admin.revoke_role(officer, "officer", admin_user)
    db.session.commit()
    assert db.session.scalars(select(OfficerTown).where(OfficerTown.user_id == officer.id)).all() == []
    assert scope.officer_towns(officer) == frozenset()
