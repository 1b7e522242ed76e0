"""Who may do what in a live session.

Roles are per session: the lead holds the room, the co-facilitator watches the dashboard and
takes breakouts, a standby facilitator may sit in unseen, and peers join through the lobby.
Admins are an account capability, not a session role; an admin who joins a session does so as a
facilitator assigned to it or not at all.
"""

from __future__ import annotations

from enum import StrEnum

from facilitator.errors import DomainError


class Role(StrEnum):
    LEAD = "lead"
    CO = "co"
    STANDBY = "standby"
    PEER = "peer"


FACILITATOR_ROLES = frozenset({Role.LEAD, Role.CO, Role.STANDBY})


class Action(StrEnum):
    CHAT = "chat"
    BACKCHANNEL = "backchannel"
    SEE_LOBBY = "see_lobby"
    ADMIT = "admit"
    REMOVE = "remove"
    OPEN_LOBBY = "open_lobby"
    GO_LIVE = "go_live"
    END_SESSION = "end_session"
    SEE_TALK_TIME = "see_talk_time"
    SEE_ALERTS = "see_alerts"
    RELEASE_HELD = "release_held"
    RUN_ROUNDS = "run_rounds"
    OPEN_BREAKOUT = "open_breakout"
    HAND_OVER = "hand_over"
    MARK_BREACH = "mark_breach"
    RAISE_HAND = "raise_hand"
    SIGNAL_DISTRESS = "signal_distress"
    CHECK_PRESENCE = "check_presence"


_EVERY_FACILITATOR = FACILITATOR_ROLES
_LEADS = frozenset({Role.LEAD})

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.CHAT: frozenset({Role.LEAD, Role.CO, Role.STANDBY, Role.PEER}),
    Action.BACKCHANNEL: _EVERY_FACILITATOR,
    Action.SEE_LOBBY: _EVERY_FACILITATOR,
    Action.ADMIT: frozenset({Role.LEAD, Role.CO}),
    Action.REMOVE: _LEADS,
    Action.OPEN_LOBBY: frozenset({Role.LEAD, Role.CO}),
    Action.GO_LIVE: _LEADS,
    Action.END_SESSION: _LEADS,
    Action.SEE_TALK_TIME: _EVERY_FACILITATOR,
    Action.SEE_ALERTS: _EVERY_FACILITATOR,
    Action.RELEASE_HELD: frozenset({Role.LEAD, Role.CO}),
    Action.RUN_ROUNDS: frozenset({Role.LEAD, Role.CO}),
    Action.OPEN_BREAKOUT: frozenset({Role.LEAD, Role.CO}),
    Action.HAND_OVER: _LEADS,
    Action.MARK_BREACH: frozenset({Role.LEAD, Role.CO}),
    Action.RAISE_HAND: frozenset({Role.PEER}),
    Action.SIGNAL_DISTRESS: frozenset({Role.PEER}),
    # a standby sits in unseen, so only the lead and co ask "are you still there?"
    Action.CHECK_PRESENCE: frozenset({Role.LEAD, Role.CO}),
}


def parse_role(value: str) -> Role:
    """The session role a string names; anything else is refused with ``unknown_role``."""
    try:
        return Role(value)
    except ValueError:
        raise DomainError("unknown_role", f"{value!r} is not a session role.") from None


def is_facilitator(role: Role) -> bool:
    """Lead, co-facilitator and standby are facilitators; peers are not."""
    return role in FACILITATOR_ROLES


def may(role: Role, action: Action) -> bool:
    """True when `role` is allowed to perform `action`; unknown actions are denied."""
    return role in PERMISSIONS.get(action, frozenset())


def require(role: Role, action: Action) -> None:
    """Raise `DomainError('forbidden')` unless `role` may perform `action`."""
    if not may(role, action):
        raise DomainError("forbidden", f"A {role.value} may not {action.value.replace('_', ' ')}.")
