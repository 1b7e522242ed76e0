"""The two-facilitator model: a lead, co-facilitators and hidden standbys.

Invariant: while any facilitator is connected there is exactly one connected lead; while none
is, the session is paused. Rules:

* **Handover.** Only the connected lead hands over, to another connected facilitator; the old
  lead becomes a co-facilitator. Handing over to a standby makes them appear.
* **Auto-promotion.** If the lead drops, the connected co-facilitator who joined earliest becomes
  lead and the room is told. With no co connected, a connected standby is promoted (and so
  appears): a hidden facilitator who is present should not leave the room leaderless. The lead
  who dropped comes back as a co-facilitator, so leadership does not flip back and forth on a
  flaky connection.
* **Standby** facilitators are hidden from peers until they choose to appear; appearing makes
  them a co-facilitator.
* **Roles** are ``roles.Role`` values (lead, co, standby); a plain role string is accepted and
  stored as its ``Role``; a peer has no seat here (``not_a_facilitator``).
* **Pause.** When the last connected facilitator drops, the session pauses (``SessionPaused``);
  the first to return resumes it (``SessionResumed``) and leads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

from facilitator.errors import DomainError
from facilitator.roles import Role, parse_role
from facilitator.state_format import (
    FORMAT_VERSION,
    JsonDict,
    as_bool,
    as_choice,
    as_dict,
    as_int,
    as_list,
    as_opt_int,
    as_str,
    check_version,
    reading,
)

MemberId = str
FacilitatorRole = Literal[Role.LEAD, Role.CO, Role.STANDBY]
SEAT_ROLES: tuple[FacilitatorRole, ...] = (Role.LEAD, Role.CO, Role.STANDBY)
ChangeReason = Literal["joined", "handover", "lead_dropped", "resumed"]


@dataclass(frozen=True)
class LeadChanged:
    audience: ClassVar[str] = "room"
    lead: MemberId
    previous: MemberId | None
    reason: ChangeReason
    at_ms: int


@dataclass(frozen=True)
class StandbyAppeared:
    audience: ClassVar[str] = "room"
    member: MemberId
    at_ms: int


@dataclass(frozen=True)
class SessionPaused:
    audience: ClassVar[str] = "room"
    at_ms: int


@dataclass(frozen=True)
class SessionResumed:
    audience: ClassVar[str] = "room"
    by: MemberId
    paused_for_ms: int
    at_ms: int


LeadershipEvent = LeadChanged | StandbyAppeared | SessionPaused | SessionResumed
Result = tuple["Leadership", tuple[LeadershipEvent, ...]]


@dataclass(frozen=True)
class Seat:
    member: MemberId
    role: FacilitatorRole
    connected: bool
    joined_order: int  # earlier joiners are promoted first

    def to_dict(self) -> JsonDict:
        return {
            "member": self.member,
            "role": self.role.value,
            "connected": self.connected,
            "joined_order": self.joined_order,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Seat:
        return cls(
            as_str(data["member"]),
            as_choice(data["role"], SEAT_ROLES),
            as_bool(data["connected"]),
            as_int(data["joined_order"]),
        )


@dataclass(frozen=True)
class Leadership:
    """Facilitators of one session. Treat as immutable."""

    seats: dict[MemberId, Seat] = field(default_factory=dict)
    paused_at_ms: int | None = None

    @property
    def lead(self) -> MemberId | None:
        return next((s.member for s in self.seats.values() if s.role is Role.LEAD), None)

    @property
    def paused(self) -> bool:
        return self.paused_at_ms is not None

    def role_of(self, member: MemberId) -> FacilitatorRole:
        return self._seat(member).role

    def visible_facilitators(self) -> tuple[tuple[MemberId, FacilitatorRole], ...]:
        """What peers see: connected facilitators who are not standing by hidden."""
        return tuple(
            (s.member, s.role)
            for s in sorted(self.seats.values(), key=lambda s: s.joined_order)
            if s.connected and s.role is not Role.STANDBY
        )

    def to_dict(self) -> JsonDict:
        """Every seat (connected or not) and the pause, as plain JSON values."""
        return {
            "v": FORMAT_VERSION,
            "seats": [seat.to_dict() for seat in self.seats.values()],
            "paused_at_ms": self.paused_at_ms,
        }

    @classmethod
    def from_dict(cls, data: object) -> Leadership:
        """Restore leadership saved by ``to_dict``; refuse other versions (``bad_state_format``)."""
        doc = check_version(data, "leadership")
        with reading("leadership"):
            seats = [Seat.from_dict(as_dict(item)) for item in as_list(doc["seats"])]
            return cls(
                seats={seat.member: seat for seat in seats},
                paused_at_ms=as_opt_int(doc["paused_at_ms"]),
            )

    def _seat(self, member: MemberId) -> Seat:
        if member not in self.seats:
            raise DomainError("unknown_facilitator", f"{member} is not a facilitator here")
        return self.seats[member]

    def _with(self, *seats: Seat) -> Leadership:
        updated = dict(self.seats)
        for seat in seats:
            updated[seat.member] = seat
        return replace(self, seats=updated)


def facilitator_joined(
    state: Leadership, member: MemberId, role: FacilitatorRole, now_ms: int
) -> Result:
    """Seat a facilitator; only one lead at a time; the first to arrive leads if nobody does."""
    if member in state.seats:
        raise DomainError("already_joined", f"{member} is already a facilitator here")
    seat_role = facilitator_role(role)
    if seat_role is Role.LEAD and state.lead is not None:
        raise DomainError("lead_taken", "this session already has a lead")
    seat = Seat(member, seat_role, True, len(state.seats))
    return _ensure_lead(state._with(seat), member, now_ms, "joined")


def facilitator_dropped(state: Leadership, member: MemberId, now_ms: int) -> Result:
    """A facilitator disconnects: promote a successor if they led; pause if nobody is left."""
    seat = state._seat(member)
    if not seat.connected:
        return state, ()
    stepped_down = Role.CO if seat.role is Role.LEAD else seat.role
    after = state._with(replace(seat, connected=False, role=stepped_down))
    if seat.role is not Role.LEAD:
        return _pause_if_alone(after, now_ms)
    successor = _successor(after)
    if successor is None:
        return _pause_if_alone(after, now_ms)
    events: list[LeadershipEvent] = []
    if successor.role is Role.STANDBY:
        events.append(StandbyAppeared(successor.member, now_ms))
    after = after._with(replace(successor, role=Role.LEAD))
    events.append(LeadChanged(successor.member, member, "lead_dropped", now_ms))
    return after, tuple(events)


def facilitator_returned(state: Leadership, member: MemberId, now_ms: int) -> Result:
    """A facilitator reconnects with their seat; a paused session resumes and they lead."""
    seat = state._seat(member)
    if seat.connected:
        return state, ()
    after = state._with(replace(seat, connected=True))
    events: tuple[LeadershipEvent, ...] = ()
    if state.paused_at_ms is not None:
        events = (SessionResumed(member, now_ms - state.paused_at_ms, now_ms),)
        after = replace(after, paused_at_ms=None)
    after, led = _ensure_lead(after, member, now_ms, "resumed")
    return after, events + led


def hand_over(state: Leadership, actor: MemberId, to: MemberId, now_ms: int) -> Result:
    """The lead passes the lead to another connected facilitator and becomes a co."""
    if state.lead != actor:
        raise DomainError("not_lead", "only the lead can hand over")
    target = state._seat(to)
    if to == actor:
        raise DomainError("already_lead", f"{to} already leads")
    if not target.connected:
        raise DomainError("not_connected", f"{to} is not connected")
    events: list[LeadershipEvent] = []
    if target.role is Role.STANDBY:
        events.append(StandbyAppeared(to, now_ms))
    after = state._with(replace(state._seat(actor), role=Role.CO), replace(target, role=Role.LEAD))
    events.append(LeadChanged(to, actor, "handover", now_ms))
    return after, tuple(events)


def appear(state: Leadership, member: MemberId, now_ms: int) -> Result:
    """A standby chooses to become visible to peers, as a co-facilitator."""
    seat = state._seat(member)
    if seat.role is not Role.STANDBY:
        raise DomainError("not_standby", f"{member} is already visible")
    return state._with(replace(seat, role=Role.CO)), (StandbyAppeared(member, now_ms),)


def facilitator_role(value: str) -> FacilitatorRole:
    """The seat role a string names: lead, co or standby; a peer has no facilitator seat."""
    role = parse_role(value)
    for seat_role in SEAT_ROLES:
        if role is seat_role:
            return seat_role
    raise DomainError("not_a_facilitator", f"a {role.value} has no facilitator seat")


def _successor(state: Leadership) -> Seat | None:
    candidates = [
        s for s in state.seats.values() if s.connected and s.role in (Role.CO, Role.STANDBY)
    ]
    # co-facilitators before standbys, then whoever joined first
    candidates.sort(key=lambda s: (s.role is not Role.CO, s.joined_order))
    return candidates[0] if candidates else None


def _ensure_lead(state: Leadership, member: MemberId, now_ms: int, reason: ChangeReason) -> Result:
    seat = state.seats[member]
    if seat.role is Role.LEAD:
        return state, (LeadChanged(member, None, reason, now_ms),)
    if state.lead is not None:  # the lead is always connected: a dropping lead steps down
        return state, ()
    events: list[LeadershipEvent] = []
    if seat.role is Role.STANDBY:
        events.append(StandbyAppeared(member, now_ms))
    events.append(LeadChanged(member, None, reason, now_ms))
    return state._with(replace(seat, role=Role.LEAD)), tuple(events)


def _pause_if_alone(state: Leadership, now_ms: int) -> Result:
    if state.paused or any(s.connected for s in state.seats.values()):
        return state, ()
    return replace(state, paused_at_ms=now_ms), (SessionPaused(now_ms),)
