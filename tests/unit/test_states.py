"""The state table, tested both ways: every allowed transition, and every other one refused."""

import itertools

import pytest

from app.ideas import states
from app.models.idea import STATUSES

ACTORS = (states.AUTHOR, states.MODERATION, states.STEERING)
EXPECTED_ALLOWED = {
    ("draft", "published", "author"),
    ("published", "in_review", "moderation"),
    ("published", "declined", "moderation"),
    ("published", "merged", "moderation"),
    ("published", "withdrawn", "author"),
    ("in_review", "candidate", "moderation"),
    ("in_review", "declined", "moderation"),
    ("in_review", "merged", "moderation"),
    ("in_review", "withdrawn", "author"),
    ("candidate", "shortlisted", "steering"),
    ("candidate", "declined", "moderation"),
    ("candidate", "declined", "steering"),
    ("shortlisted", "candidate", "steering"),
    ("shortlisted", "in_portfolio", "steering"),
    ("shortlisted", "declined", "steering"),  # the committee declines a shortlisted idea, with a reason (issue #35)
}


@pytest.mark.parametrize("transition", sorted(EXPECTED_ALLOWED))
def test_allowed_transitions(transition):
    assert states.allowed(*transition)


REFUSED = sorted(
    t for t in itertools.product(STATUSES, STATUSES, ACTORS) if t not in EXPECTED_ALLOWED
)


@pytest.mark.parametrize("transition", REFUSED)
def test_every_other_transition_is_refused(transition):
    assert not states.allowed(*transition)


def test_every_status_has_a_label():
    assert set(states.LABELS) == set(STATUSES)


def test_end_states_have_no_way_out():
    for end in ("in_portfolio", "declined", "merged", "withdrawn"):
        assert not any(from_ == end for from_, _to in states.TRANSITIONS)
