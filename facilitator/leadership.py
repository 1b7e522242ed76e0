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
* **Pause.** When the last connected facilitator drops, the session pauses (``SessionPaused``);
  the first to return resumes it (``SessionResumed``) and leads.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar, Literal

from facilitator.errors import DomainError

MemberId = str
FacilitatorRole = Literal["lead", "co", "standby"]
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


@dataclass(frozen=True)
class Leadership:
    """Facilitators of one session. Treat as immutable."""

    seats: dict[MemberId, Seat] = field(default_factory=dict)
    paused_at_ms: int | None = None

    @property
    def lead(self) -> MemberId | None:
        return next((s.member for s in self.seats.values() if s.role == "lead"), None)

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
            if s.connected and s.role != "standby"
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
    if role == "lead" and state.lead is not None:
        raise DomainError("lead_taken", "this session already has a lead")
    seat = Seat(member, role, True, len(state.seats))
    return _ensure_lead(state._with(seat), member, now_ms, "joined")


def facilitator_dropped(state: Leadership, member: MemberId, now_ms: int) -> Result:
    """A facilitator disconnects: promote a successor if they led; pause if nobody is left."""
    seat = state._seat(member)
    if not seat.connected:
        return state, ()
    dropped = replace(seat, connected=False, role="co" if seat.role == "lead" else seat.role)
    after = state._with(dropped)
    if seat.role != "lead":
        return _pause_if_alone(after, now_ms)
    successor = _successor(after)
    if successor is None:
        return _pause_if_alone(after, now_ms)
    events: list[LeadershipEvent] = []
    if successor.role == "standby":
        events.append(StandbyAppeared(successor.member, now_ms))
    after = after._with(replace(successor, role="lead"))
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
    if target.role == "standby":
        events.append(StandbyAppeared(to, now_ms))
    after = state._with(replace(state._seat(actor), role="co"), replace(target, role="lead"))
    events.append(LeadChanged(to, actor, "handover", now_ms))
    return after, tuple(events)


def appear(state: Leadership, member: MemberId, now_ms: int) -> Result:
    """A standby chooses to become visible to peers, as a co-facilitator."""
    seat = state._seat(member)
    if seat.role != "standby":
        raise DomainError("not_standby", f"{member} is already visible")
    return state._with(replace(seat, role="co")), (StandbyAppeared(member, now_ms),)


def _successor(state: Leadership) -> Seat | None:
    candidates = [s for s in state.seats.values() if s.connected and s.role in ("co", "standby")]
    # co-facilitators before standbys, then whoever joined first
    candidates.sort(key=lambda s: (s.role != "co", s.joined_order))
    return candidates[0] if candidates else None


def _ensure_lead(
    state: Leadership, member: MemberId, now_ms: int, reason: ChangeReason
) -> Result:
    seat = state.seats[member]
    if seat.role == "lead":
        return state, (LeadChanged(member, None, reason, now_ms),)
    if state.lead is not None:  # the lead is always connected: a dropping lead steps down
        return state, ()
    events: list[LeadershipEvent] = []
    if seat.role == "standby":
        events.append(StandbyAppeared(member, now_ms))
    events.append(LeadChanged(member, None, reason, now_ms))
    return state._with(replace(seat, role="lead")), tuple(events)


def _pause_if_alone(state: Leadership, now_ms: int) -> Result:
    if state.paused or any(s.connected for s in state.seats.values()):
        return state, ()
    return replace(state, paused_at_ms=now_ms), (SessionPaused(now_ms),)
