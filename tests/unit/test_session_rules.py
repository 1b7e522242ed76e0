"""Rules of a session's life: transitions, going live, lobby, capacity, ground rules."""

from __future__ import annotations

import pytest

from facilitator.errors import DomainError
from facilitator.session import (
    DEFAULT_CAPACITY,
    DEFAULT_GROUND_RULES,
    AttendanceStatus,
    SessionState,
    check_capacity,
    check_lobby_entry,
    decide_go_live,
    transition,
    validate_capacity,
    validate_ground_rules,
)

S = SessionState
ALLOWED = {
    (S.SCHEDULED, S.LOBBY_OPEN),
    (S.SCHEDULED, S.LIVE),
    (S.SCHEDULED, S.ENDED),
    (S.LOBBY_OPEN, S.LIVE),
    (S.LOBBY_OPEN, S.ENDED),
    (S.LIVE, S.ENDED),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_transitions(current, target):
    if (current, target) in ALLOWED:
        assert transition(current, target) is target
    else:
        with pytest.raises(DomainError) as err:
            transition(current, target)
        assert err.value.code == "bad_state"


@pytest.mark.parametrize(
    ("lead", "co", "reason", "outcome"),
    [
        (True, True, None, (S.LIVE, None)),
        (True, True, "ignored", (S.LIVE, None)),
        (True, False, "  co is ill  ", (S.LIVE, "co is ill")),
        (True, False, None, "co_absent"),
        (True, False, "   ", "co_absent"),
        (False, True, None, "lead_absent"),
        (False, False, "reason", "lead_absent"),
    ],
)
def test_go_live_decision(lead, co, reason, outcome):
    if isinstance(outcome, str):
        with pytest.raises(DomainError) as err:
            decide_go_live(S.LOBBY_OPEN, lead_present=lead, co_present=co, solo_reason=reason)
        assert err.value.code == outcome
    else:
        decision = decide_go_live(
            S.LOBBY_OPEN, lead_present=lead, co_present=co, solo_reason=reason
        )
        assert (decision.state, decision.solo_reason) == outcome


def test_go_live_from_a_live_or_ended_session_is_bad_state():
    for state in (S.LIVE, S.ENDED):
        with pytest.raises(DomainError) as err:
            decide_go_live(state, lead_present=True, co_present=True, solo_reason=None)
        assert err.value.code == "bad_state"


@pytest.mark.parametrize(
    ("state", "status", "code"),
    [
        (S.SCHEDULED, AttendanceStatus.RULES_ACCEPTED, "lobby_closed"),
        (S.ENDED, AttendanceStatus.RULES_ACCEPTED, "session_ended"),
        (S.LOBBY_OPEN, None, "rules_not_accepted"),
        (S.LIVE, None, "rules_not_accepted"),
        (S.LOBBY_OPEN, AttendanceStatus.RULES_ACCEPTED, None),
        (S.LIVE, AttendanceStatus.DECLINED, None),
    ],
)
def test_lobby_entry(state, status, code):
    if code is None:
        check_lobby_entry(state, status)
    else:
        with pytest.raises(DomainError) as err:
            check_lobby_entry(state, status)
        assert err.value.code == code


@pytest.mark.parametrize(
    ("capacity", "code"),
    [
        (1, "capacity_too_small"),
        (2, None),
        (DEFAULT_CAPACITY, None),
        (14, None),
        (15, "capacity_too_large"),
        (100, "capacity_too_large"),
    ],
)
def test_capacity_bounds(capacity, code):
    if code is None:
        assert validate_capacity(capacity) == capacity
    else:
        with pytest.raises(DomainError) as err:
            validate_capacity(capacity)
        assert err.value.code == code


def test_admission_stops_at_capacity():
    check_capacity(9, 10)
    with pytest.raises(DomainError) as err:
        check_capacity(10, 10)
    assert err.value.code == "room_full"


@pytest.mark.parametrize(
    ("rules", "result"),
    [
        ([" Be kind ", "", "  "], ("Be kind",)),
        (list(DEFAULT_GROUND_RULES), DEFAULT_GROUND_RULES),
        (["x" * 300], ("x" * 300,)),
        ([], "rules_empty"),
        (["  ", ""], "rules_empty"),
        (["r"] * 21, "rules_too_many"),
        (["x" * 301], "rule_too_long"),
    ],
)
def test_ground_rules(rules, result):
    if isinstance(result, str):
        with pytest.raises(DomainError) as err:
            validate_ground_rules(rules)
        assert err.value.code == result
    else:
        assert validate_ground_rules(rules) == result
