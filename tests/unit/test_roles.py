"""The permission matrix of session roles, written out in full so any change is deliberate."""

from __future__ import annotations

import pytest

from facilitator.errors import DomainError
from facilitator.roles import Action, Role, is_facilitator, may, require

L, C, S, P = Role.LEAD, Role.CO, Role.STANDBY, Role.PEER
EXPECTED: dict[Action, set[Role]] = {
    Action.CHAT: {L, C, S, P},
    Action.BACKCHANNEL: {L, C, S},
    Action.SEE_LOBBY: {L, C, S},
    Action.ADMIT: {L, C},
    Action.REMOVE: {L},
    Action.OPEN_LOBBY: {L, C},
    Action.GO_LIVE: {L},
    Action.END_SESSION: {L},
    Action.SEE_TALK_TIME: {L, C, S},
    Action.SEE_ALERTS: {L, C, S},
    Action.RELEASE_HELD: {L, C},
    Action.RUN_ROUNDS: {L, C},
    Action.OPEN_BREAKOUT: {L, C},
    Action.HAND_OVER: {L},
    Action.MARK_BREACH: {L, C},
    Action.RAISE_HAND: {P},
    Action.SIGNAL_DISTRESS: {P},
    Action.CHECK_PRESENCE: {L, C},
}


def test_every_action_is_in_the_matrix():
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_matrix(role, action):
    allowed = role in EXPECTED[action]
    assert may(role, action) is allowed
    if allowed:
        require(role, action)
    else:
        with pytest.raises(DomainError) as err:
            require(role, action)
        assert err.value.code == "forbidden"


def test_unknown_action_is_denied():
    assert may(Role.LEAD, "launch_rockets") is False  # type: ignore[arg-type]


def test_who_is_a_facilitator():
    assert [r for r in Role if is_facilitator(r)] == [L, C, S]
