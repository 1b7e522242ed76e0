"""Events a client is told about breakouts and about who leads (docs/protocol.md).

The rule modules (``breakouts.py``, ``leadership.py``) return their own events; the services
translate them into these, which carry what a screen needs (names, snapshots) and nothing
more. In particular nothing here ever carries what is said inside a breakout.

Kept apart from ``events.py`` (and, like the rule modules, not importing it); they serialise
as ``events.Event`` does: ``name`` and ``to_payload()``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class Event:
    name: ClassVar[str] = "event"

    def to_payload(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BreakoutsUpdated(Event):
    """To facilitators: every open breakout's status (who, since when), never its content."""

    name = "breakouts:updated"
    session_id: str
    breakouts: tuple[dict[str, Any], ...]
    main_attended: bool


@dataclass(frozen=True)
class PersonMoved(Event):
    """To the person moved (all their connections): the room they are in now."""

    name = "room:moved"
    session_id: str
    member_id: str
    from_room_id: str
    room: dict[str, Any]  # the room:snapshot payload of the new room
    breakout: dict[str, Any] | None  # {room_id, opened_at_ms} when the new room is a breakout


@dataclass(frozen=True)
class RoomNoticePosted(Event):
    """To the main room: the neutral words a facilitator chose when opening a breakout."""

    name = "room:notice"
    session_id: str
    room_id: str
    text: str
    at_ms: int


@dataclass(frozen=True)
class FacilitatorsWarned(Event):
    """To facilitators: the main room has no connected facilitator (``active`` true), or has one
    again (``active`` false)."""

    name = "facilitators:warning"
    session_id: str
    warning: str
    active: bool
    peers_in_main: int
    message: str
    at_ms: int


@dataclass(frozen=True)
class LeadChangeAnnounced(Event):
    """To everyone in the session: who leads now, and why."""

    name = "lead:changed"
    session_id: str
    lead_id: str
    lead_name: str
    previous_id: str | None
    reason: str
    at_ms: int


@dataclass(frozen=True)
class FacilitatorsUpdated(Event):
    """To facilitators: every facilitator seat (standbys included) and whether it is paused."""

    name = "facilitators:updated"
    session_id: str
    lead_id: str | None
    paused: bool
    facilitators: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class SessionPauseAnnounced(Event):
    """To everyone: no facilitator is connected; peers see a holding message."""

    name = "session:paused"
    session_id: str
    message: str
    at_ms: int


@dataclass(frozen=True)
class SessionResumeAnnounced(Event):
    name = "session:resumed"
    session_id: str
    by_id: str
    by_name: str
    paused_for_ms: int
    at_ms: int
