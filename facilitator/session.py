"""Rules of a session's life: its states, going live, the lobby and capacity.

A session moves scheduled -> lobby_open -> live -> ended. The lobby may open before the session
goes live so peers can read the rules and wait. Going live needs both the lead and the
co-facilitator present; a lead may go live alone only by recording a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from facilitator.errors import DomainError

DEFAULT_CAPACITY = 10
MAX_CAPACITY = 14
MIN_CAPACITY = 2

DEFAULT_GROUND_RULES: tuple[str, ...] = (
    "Be respectful: listen without judging, and speak from your own experience.",
    "Don't interrupt: one person speaks at a time.",
    "Keep your camera on if you can.",
    "No drinking or smoking on camera.",
    "Don't mention amounts, brands or places: they can be triggering for others.",
    "What is shared here stays here.",
)


class SessionState(StrEnum):
    SCHEDULED = "scheduled"
    LOBBY_OPEN = "lobby_open"
    LIVE = "live"
    ENDED = "ended"


class Audience(StrEnum):
    MIXED = "mixed"
    WOMEN_ONLY = "women_only"
    MEN_ONLY = "men_only"
    AFFECTED_OTHERS = "affected_others"
    PEOPLE_WHO_GAMBLE = "people_who_gamble"


class GroupFormat(StrEnum):
    DROP_IN = "drop_in"
    CLOSED = "closed"


class AttendanceStatus(StrEnum):
    """Where one member stands in one session."""

    RULES_ACCEPTED = "rules_accepted"
    WAITING = "waiting"
    ADMITTED = "admitted"
    DECLINED = "declined"
    REMOVED = "removed"


_TRANSITIONS: dict[SessionState, frozenset[SessionState]] = {
    SessionState.SCHEDULED: frozenset(
        {SessionState.LOBBY_OPEN, SessionState.LIVE, SessionState.ENDED}
    ),
    SessionState.LOBBY_OPEN: frozenset({SessionState.LIVE, SessionState.ENDED}),
    SessionState.LIVE: frozenset({SessionState.ENDED}),
    SessionState.ENDED: frozenset(),
}


def transition(current: SessionState, target: SessionState) -> SessionState:
    """Return `target` if a session may move there from `current`, else raise `bad_state`."""
    if target not in _TRANSITIONS[current]:
        raise DomainError(
            "bad_state", f"A session that is {current.value} cannot become {target.value}."
        )
    return target


@dataclass(frozen=True)
class GoLiveDecision:
    state: SessionState
    solo_reason: str | None


def decide_go_live(
    current: SessionState,
    *,
    lead_present: bool,
    co_present: bool,
    solo_reason: str | None,
) -> GoLiveDecision:
    """Going live needs the lead, and the co-facilitator too unless the lead records a reason."""
    state = transition(current, SessionState.LIVE)
    if not lead_present:
        raise DomainError("lead_absent", "The lead facilitator must be in the session to go live.")
    reason = (solo_reason or "").strip() or None
    if co_present:
        return GoLiveDecision(state, None)
    if reason is None:
        raise DomainError(
            "co_absent",
            "The co-facilitator is not here yet. Wait for them, or record why you are going"
            " live alone.",
        )
    return GoLiveDecision(state, reason)


def may_enter_lobby(state: SessionState) -> bool:
    """Peers can wait in the lobby once it is open and while the session is live."""
    return state in (SessionState.LOBBY_OPEN, SessionState.LIVE)


def check_lobby_entry(state: SessionState, status: AttendanceStatus | None) -> None:
    """A peer waits only after accepting the rules, only while the lobby is open or the session
    is live; a declined or removed peer may ask again (a facilitator decides)."""
    if not may_enter_lobby(state):
        if state is SessionState.ENDED:
            raise DomainError("session_ended", "This session has ended.")
        raise DomainError(
            "lobby_closed", "The lobby is not open yet. Please come back a little later."
        )
    if status is None:
        raise DomainError("rules_not_accepted", "Please read and accept the ground rules first.")


def check_capacity(admitted_peers: int, capacity: int) -> None:
    """Admission stops at the group's capacity; facilitators do not count against it."""
    if admitted_peers >= capacity:
        raise DomainError(
            "room_full", f"The session is full ({capacity} people). No one else can be admitted."
        )


def validate_capacity(capacity: int) -> int:
    """Groups are small by design: between 2 and 14 peers, 10 by default."""
    if capacity > MAX_CAPACITY:
        raise DomainError(
            "capacity_too_large",
            f"Groups are small by design: at most {MAX_CAPACITY} people"
            f" (you asked for {capacity}).",
        )
    if capacity < MIN_CAPACITY:
        raise DomainError("capacity_too_small", f"A group needs room for at least {MIN_CAPACITY}.")
    return capacity


def validate_ground_rules(rules: list[str]) -> tuple[str, ...]:
    """Ground rules: 1 to 20 non-empty lines of at most 300 characters each."""
    cleaned = tuple(rule.strip() for rule in rules if rule.strip())
    if not cleaned:
        raise DomainError("rules_empty", "A group needs at least one ground rule.")
    if len(cleaned) > 20:
        raise DomainError("rules_too_many", "Keep the ground rules to 20 or fewer.")
    if any(len(rule) > 300 for rule in cleaned):
        raise DomainError("rule_too_long", "Each ground rule must be 300 characters or fewer.")
    return cleaned
