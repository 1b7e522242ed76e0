"""Lead handover, auto-promotion, hidden standbys and the pause when nobody facilitates."""

from __future__ import annotations

import pytest

from facilitator.errors import DomainError
from facilitator.leadership import (
    FacilitatorRole,
    LeadChanged,
    Leadership,
    SessionPaused,
    SessionResumed,
    StandbyAppeared,
    appear,
    facilitator_dropped,
    facilitator_joined,
    facilitator_returned,
    hand_over,
)
from facilitator.roles import Role


def seated(*people: tuple[str, FacilitatorRole]) -> Leadership:
    state = Leadership()
    for member, role in people:
        state, _ = facilitator_joined(state, member, role, 0)
    return state


TEAM = (("ann", "lead"), ("bo", "co"), ("cy", "co"), ("sam", "standby"))


def test_handover_old_lead_becomes_co() -> None:
    state, events = hand_over(seated(*TEAM), "ann", "cy", 100)
    assert events == (LeadChanged("cy", "ann", "handover", 100),)
    assert (state.lead, state.role_of("ann")) == ("cy", "co")


def test_handover_to_standby_makes_them_appear() -> None:
    state, events = hand_over(seated(*TEAM), "ann", "sam", 100)
    assert events == (StandbyAppeared("sam", 100), LeadChanged("sam", "ann", "handover", 100))
    assert ("sam", "lead") in state.visible_facilitators()


@pytest.mark.parametrize(
    ("name", "actor", "to", "code"),
    [
        ("co cannot hand over", "bo", "cy", "not_lead"),
        ("to self", "ann", "ann", "already_lead"),
        ("to a stranger", "ann", "zed", "unknown_facilitator"),
        ("to someone disconnected", "ann", "bo", "not_connected"),
    ],
)
def test_handover_refusals(name: str, actor: str, to: str, code: str) -> None:
    state, _ = facilitator_dropped(seated(*TEAM), "bo", 50)
    with pytest.raises(DomainError) as err:
        hand_over(state, actor, to, 100)
    assert err.value.code == code, name


@pytest.mark.parametrize(
    ("name", "team", "dropped_first", "new_lead", "appeared"),
    [
        ("earliest co promoted", TEAM, (), "bo", False),
        ("next co if first is gone", TEAM, ("bo",), "cy", False),
        ("standby only if no co", TEAM, ("bo", "cy"), "sam", True),
    ],
)
def test_lead_drop_promotes(
    name: str,
    team: tuple[tuple[str, FacilitatorRole], ...],
    dropped_first: tuple[str, ...],
    new_lead: str,
    appeared: bool,
) -> None:
    state = seated(*team)
    for member in dropped_first:
        state, _ = facilitator_dropped(state, member, 10)
    state, events = facilitator_dropped(state, "ann", 100)
    assert events[-1] == LeadChanged(new_lead, "ann", "lead_dropped", 100), name
    assert (StandbyAppeared(new_lead, 100) in events) == appeared
    assert state.lead == new_lead and not state.paused


def test_dropped_lead_returns_as_co() -> None:
    state, _ = facilitator_dropped(seated(*TEAM), "ann", 100)
    state, events = facilitator_returned(state, "ann", 200)
    assert events == () and state.lead == "bo" and state.role_of("ann") == "co"


def test_last_facilitator_drop_pauses_until_one_returns() -> None:
    state = seated(("ann", "lead"), ("bo", "co"))
    state, events = facilitator_dropped(state, "bo", 100)
    assert events == ()
    state, events = facilitator_dropped(state, "ann", 200)
    assert events == (SessionPaused(200),) and state.paused and state.lead is None
    assert facilitator_dropped(state, "ann", 250) == (state, ())
    state, events = facilitator_returned(state, "bo", 5200)
    assert events == (SessionResumed("bo", 5000, 5200), LeadChanged("bo", None, "resumed", 5200))
    assert state.lead == "bo" and not state.paused
    state, events = facilitator_returned(state, "ann", 6000)
    assert events == () and state.role_of("ann") == "co"


def test_standby_hidden_until_they_appear() -> None:
    state = seated(*TEAM)
    assert [m for m, _ in state.visible_facilitators()] == ["ann", "bo", "cy"]
    state, events = appear(state, "sam", 300)
    assert events == (StandbyAppeared("sam", 300),) and state.role_of("sam") == "co"
    assert [m for m, _ in state.visible_facilitators()] == ["ann", "bo", "cy", "sam"]
    with pytest.raises(DomainError) as err:
        appear(state, "sam", 400)
    assert err.value.code == "not_standby"


def test_join_rules() -> None:
    state, events = facilitator_joined(Leadership(), "bo", "co", 0)
    assert events == (LeadChanged("bo", None, "joined", 0),)  # nobody led: the first one leads
    with pytest.raises(DomainError) as err:
        facilitator_joined(state, "ann", "lead", 1)
    assert err.value.code == "lead_taken"
    with pytest.raises(DomainError) as err:
        facilitator_joined(state, "bo", "co", 2)
    assert err.value.code == "already_joined"
    state, events = facilitator_joined(state, "sam", "standby", 3)
    assert events == () and state.role_of("sam") == "standby"


@pytest.mark.parametrize(
    ("role", "code"), [("peer", "not_a_facilitator"), ("boss", "unknown_role")]
)
def test_only_facilitator_roles_take_a_seat(role: str, code: str) -> None:
    with pytest.raises(DomainError) as err:
        facilitator_joined(Leadership(), "x", role, 0)  # type: ignore[arg-type]
    assert err.value.code == code


def test_roles_are_stored_as_role_values() -> None:
    state = seated(("ann", "lead"), ("sam", "standby"))
    assert state.role_of("ann") is Role.LEAD and state.role_of("sam") is Role.STANDBY
