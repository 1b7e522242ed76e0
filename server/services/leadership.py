"""Who leads a live session, kept as ``facilitator.leadership.Leadership`` in LiveState.

A facilitator's role in a session starts as the one the schedule gives them (``Caller.role`` at
connect time) and from then on is whatever Leadership says: ``current_caller`` is applied to
every socket event before its role check, so a co-facilitator promoted because the lead dropped
can end the session without reconnecting. The roster mirrors each facilitator's current role
(peers' participant lists leave out standbys, see ``runtime.announce_participants``).

Service rules on top of the pure ones:
* The scheduled lead takes the lead the first time they arrive (whoever held it until then got
  it only by arriving first); coming back after a drop, they come back as co-facilitator.
* Everyone in the session is told when the lead changes (``lead:changed``) and when the session
  pauses for want of a facilitator or resumes (``session:paused`` / ``session:resumed``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from facilitator.errors import DomainError
from facilitator.leadership import (
    LeadChanged,
    Leadership,
    LeadershipEvent,
    SessionPaused,
    SessionResumed,
    appear,
    facilitator_dropped,
    facilitator_joined,
    facilitator_returned,
    facilitator_role,
    hand_over,
)
from facilitator.roles import Action, Role, require
from facilitator.room_events import (
    FacilitatorsUpdated,
    LeadChangeAnnounced,
    SessionPauseAnnounced,
    SessionResumeAnnounced,
)
from server.live.roster import Presence
from server.services import broadcast
from server.services.callers import Caller
from server.services.media_ids import media_participant
from server.services.runtime import Runtime, announce_participants

LEADERSHIP = "leadership"
HOLDING_MESSAGE = (
    "The facilitators have lost their connection for a moment. Please hold on: the session"
    " carries on as soon as one of them is back. Support is always one tap away at the top."
)

Step = Callable[[Leadership], tuple[Leadership, tuple[LeadershipEvent, ...]]]
Change = tuple[Leadership, Leadership, tuple[LeadershipEvent, ...]]


async def load(rt: Runtime, session_id: str) -> Leadership:
    raw = await rt.live.get_json(session_id, LEADERSHIP)
    return Leadership.from_dict(raw) if raw is not None else Leadership()


async def current_caller(rt: Runtime, caller: Caller) -> Caller:
    """The caller with their role as it is now (after a handover, promotion or appearing)."""
    if not caller.is_facilitator:
        return caller
    seat = (await load(rt, caller.session_id)).seats.get(caller.person_id)
    if seat is None or seat.role is caller.role:
        return caller
    return replace(caller, role=seat.role)


async def _change(rt: Runtime, session_id: str, step: Step) -> Change:
    seen: list[Change] = []

    def change(raw: Any | None) -> Any | None:
        before = Leadership.from_dict(raw) if raw is not None else Leadership()
        after, events = step(before)
        seen[:] = [(before, after, events)]
        return raw if after is before else after.to_dict()

    await rt.live.update_json(session_id, LEADERSHIP, change)
    return seen[0]


async def seat(rt: Runtime, caller: Caller) -> tuple[Caller, Callable[[], Awaitable[None]]]:
    """A facilitator's connection joins: seat them (or welcome them back). Returns the caller
    with their current role and what to announce once the join is complete."""
    if not caller.is_facilitator:
        return caller, _nothing
    member, now_ms = caller.person_id, rt.clock.now_ms()

    def step(state: Leadership) -> tuple[Leadership, tuple[LeadershipEvent, ...]]:
        if member in state.seats:
            return facilitator_returned(state, member, now_ms)
        lead = state.lead
        if caller.role is Role.LEAD and lead is not None:
            state, joined = facilitator_joined(state, member, Role.CO, now_ms)
            state, handed = hand_over(state, lead, member, now_ms)
            return state, joined + handed
        return facilitator_joined(state, member, facilitator_role(caller.role), now_ms)

    change = await _change(rt, caller.session_id, step)
    now = change[1].seats[member].role

    async def announce() -> None:
        await _announce(rt, caller.session_id, change, {member: caller.name})

    return replace(caller, role=now), announce


async def on_left(rt: Runtime, caller: Caller, after: Presence | None) -> None:
    """A connection closed: when it was a facilitator's last, they have dropped."""
    if not caller.is_facilitator or after is None or after.connected:
        return
    member, now_ms = caller.person_id, rt.clock.now_ms()

    def step(state: Leadership) -> tuple[Leadership, tuple[LeadershipEvent, ...]]:
        if member not in state.seats:  # the session ended and its live state is gone
            return state, ()
        return facilitator_dropped(state, member, now_ms)

    await _announce(rt, caller.session_id, await _change(rt, caller.session_id, step), {})


async def hand_lead_over(rt: Runtime, caller: Caller, to: str) -> dict[str, Any]:
    """The lead passes the lead to another connected facilitator and becomes a co."""
    require(caller.role, Action.HAND_OVER)
    now_ms = rt.clock.now_ms()
    change = await _change(
        rt, caller.session_id, lambda state: hand_over(state, caller.person_id, to, now_ms)
    )
    await _announce(rt, caller.session_id, change, {})
    return {"ok": True, "role": change[1].role_of(caller.person_id).value}


async def appear_to_peers(rt: Runtime, caller: Caller) -> dict[str, Any]:
    """A standby chooses to be seen by peers, as a co-facilitator."""
    if caller.role is not Role.STANDBY:
        raise DomainError("forbidden", "Only a standby facilitator can appear.")
    now_ms = rt.clock.now_ms()
    change = await _change(
        rt, caller.session_id, lambda state: appear(state, caller.person_id, now_ms)
    )
    await _announce(rt, caller.session_id, change, {})
    return {"ok": True, "role": change[1].role_of(caller.person_id).value}


async def view(rt: Runtime, caller: Caller) -> dict[str, Any]:
    """What the session:join answer adds: who leads and whether it is paused; for facilitators
    also every seat."""
    state = await load(rt, caller.session_id)
    answer: dict[str, Any] = {"leadership": {"lead_id": state.lead, "paused": state.paused}}
    if caller.is_facilitator:
        answer["facilitators"] = await _seats(rt, caller.session_id, state, {})
    return answer


async def _seats(
    rt: Runtime, session_id: str, state: Leadership, names: dict[str, str]
) -> list[dict[str, Any]]:
    people = {p.id: p for p in await rt.roster.everyone(session_id)}
    return [
        {
            "id": s.member,
            "name": people[s.member].name if s.member in people else names.get(s.member, ""),
            "role": s.role.value,
            "connected": s.connected,
        }
        for s in sorted(state.seats.values(), key=lambda s: s.joined_order)
    ]


async def _nothing() -> None:
    return None


async def _announce(rt: Runtime, session_id: str, change: Change, names: dict[str, str]) -> None:
    """Carry a change out: roster roles, the events everyone or the facilitators are told, the
    participant lists of the rooms concerned, and the main-room watch."""
    from server.services.breakout_rooms import announce_status, check_main_attended

    before, after, events = change
    if after is before:
        return
    rooms: set[str] = set()
    for member, now in after.seats.items():
        was = before.seats.get(member)
        if was is not None and was.role is now.role:
            continue
        if rt.media is not None:  # a standby's media reaches peers once they appear
            rt.media.set_hidden(media_participant(session_id, member), now.role is Role.STANDBY)
        presence = await rt.roster.get(session_id, member)
        if presence is not None and presence.room_id is not None:
            await rt.roster.place(
                session_id,
                person_id=member,
                name=presence.name,
                role=now.role.value,
                room_id=presence.room_id,
            )
            rooms.add(presence.room_id)
        names.setdefault(member, presence.name if presence else "")
    everyone = broadcast.everyone(session_id)
    for event in events:
        if isinstance(event, LeadChanged):
            if event.lead not in names:
                presence = await rt.roster.get(session_id, event.lead)
                names[event.lead] = presence.name if presence else ""
            await rt.broadcaster.emit(
                LeadChangeAnnounced(
                    session_id,
                    event.lead,
                    names[event.lead],
                    event.previous,
                    event.reason,
                    event.at_ms,
                ),
                to=everyone,
            )
        elif isinstance(event, SessionPaused):
            await rt.broadcaster.emit(
                SessionPauseAnnounced(session_id, HOLDING_MESSAGE, event.at_ms), to=everyone
            )
        elif isinstance(event, SessionResumed):
            if event.by not in names:
                presence = await rt.roster.get(session_id, event.by)
                names[event.by] = presence.name if presence else ""
            by = names[event.by]
            await rt.broadcaster.emit(
                SessionResumeAnnounced(session_id, event.by, by, event.paused_for_ms, event.at_ms),
                to=everyone,
            )
    await rt.broadcaster.emit(
        FacilitatorsUpdated(
            session_id,
            after.lead,
            after.paused,
            tuple(await _seats(rt, session_id, after, names)),
        ),
        to=broadcast.staff(session_id),
    )
    for room_id in sorted(rooms):
        await announce_participants(rt, session_id, room_id)
    if rooms:
        await announce_status(rt, session_id)
    await check_main_attended(rt, session_id)
