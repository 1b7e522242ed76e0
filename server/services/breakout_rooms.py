"""Breakouts in a live session: ``facilitator.breakouts.BreakoutBoard`` kept in LiveState and
carried out on every layer that forwards anything to anyone.

Moving a person is enforced by the server, never asked of a client: their connections leave
the old room's socket.io audience and join the new one (chat reaches the sender's current room
as the roster says, so a breakout's chat stays in it, and its history is its own), the roster
records the room, talk time continues in the new room, and the media backend stops forwarding
between them and the old room before it wires them into the new one.

The board is brought in line with the roster (who is in the session, with which role) inside
every change, so admissions, removals and role changes need no hook of their own here.

Facilitators are told each breakout's status (``breakouts:updated``: who, since when, a pending
request to return), never what is said there. The main room's attendance is watched on the
roster, connections included: whenever it flips, facilitators get ``facilitators:warning``.
Each peer taken aside is an incident (``support.record_breakout_opened``, pseudonyms only),
closed with an action when they are back; leaving in between prompts the follow-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from facilitator.breakouts import (
    MAIN_ROOM,
    BreakoutBoard,
    BreakoutEvent,
    BreakoutNoticePosted,
    MemberMoved,
    breakout_status,
    close_breakout,
    member_arrived,
    member_departed,
    open_breakout,
    request_return,
    return_to_main,
    set_role,
    step_in,
)
from facilitator.errors import DomainError
from facilitator.roles import FACILITATOR_ROLES, Action, Role, require
from facilitator.room_events import BreakoutsUpdated, FacilitatorsWarned, RoomNoticePosted
from facilitator.session import SessionState
from server.live.roster import Presence
from server.media.backend import MediaBackend
from server.services import broadcast, support
from server.services.breakout_moves import move_person, tell_moved
from server.services.callers import Caller
from server.services.runtime import Runtime, announce_participants, load_session
from server.storage.models import new_id

BOARD = "breakouts"
WATCH = "main_watch"  # {"attended": bool}

Step = Callable[[BreakoutBoard], tuple[BreakoutBoard, tuple[BreakoutEvent, ...]]]

UNATTENDED = (
    "No facilitator is in the main room now. One of you, please go back, or bring the"
    " breakout to a close."
)
ATTENDED = "A facilitator is back in the main room."


def synced(board: BreakoutBoard, people: list[Presence], now_ms: int) -> BreakoutBoard:
    """The board with exactly the people in a room of the roster, with their roster roles.
    Someone new is placed in the main room; someone gone leaves (an emptied breakout closes)."""
    listed = {p.id: p for p in people if p.room_id is not None}
    for person in listed.values():
        role = Role(person.role)
        if person.id not in board.where:
            board, _ = member_arrived(board, person.id, role, now_ms)
        elif board.roles.get(person.id) is not role:
            board, _ = set_role(board, person.id, role, now_ms)
    for member in [m for m in board.where if m not in listed]:
        board, _ = member_departed(board, member, now_ms)
    return board


async def load(rt: Runtime, session_id: str) -> BreakoutBoard:
    raw = await rt.live.get_json(session_id, BOARD)
    return BreakoutBoard.from_dict(raw) if raw is not None else BreakoutBoard()


async def _change(
    rt: Runtime, session_id: str, step: Step
) -> tuple[BreakoutBoard, tuple[BreakoutEvent, ...]]:
    people = await rt.roster.everyone(session_id)
    now_ms = rt.clock.now_ms()
    seen: list[tuple[BreakoutBoard, tuple[BreakoutEvent, ...]]] = []

    def change(raw: Any | None) -> Any:
        board = BreakoutBoard.from_dict(raw) if raw is not None else BreakoutBoard()
        after, events = step(synced(board, people, now_ms))
        seen[:] = [(after, events)]
        return after.to_dict()

    await rt.live.update_json(session_id, BOARD, change)
    return seen[0]


async def _running(rt: Runtime, session_id: str) -> None:
    """Refuse a session that has ended."""
    async with rt.db() as db:
        session, _ = await load_session(db, session_id)
    if session.state == SessionState.ENDED:
        raise DomainError("session_ended", "This session has ended.")


# --- use cases --------------------------------------------------------------------------------


async def open_with(
    rt: Runtime,
    media: MediaBackend | None,
    caller: Caller,
    member_ids: list[str],
    notice: str | None,
    join: bool = True,
) -> dict[str, Any]:
    """A lead or co opens a breakout with peers from the main room (and goes in with them
    unless ``join`` is false); the main room sees the notice they chose, or nothing."""
    require(caller.role, Action.OPEN_BREAKOUT)
    await _running(rt, caller.session_id)
    room_id = f"breakout-{new_id()[:12]}"
    notice = (notice or "").strip() or None
    now_ms = rt.clock.now_ms()
    _, events = await _change(
        rt,
        caller.session_id,
        lambda b: open_breakout(
            b, caller.person_id, room_id, tuple(member_ids), now_ms, notice, join
        ),
    )
    await _carry_out(rt, media, caller, events)
    return {"ok": True, "room_id": room_id}


async def _staff_change(
    rt: Runtime,
    media: MediaBackend | None,
    caller: Caller,
    step: Callable[[BreakoutBoard, int], tuple[BreakoutBoard, tuple[BreakoutEvent, ...]]],
) -> dict[str, Any]:
    """A lead or co changes the breakouts of a running session; the effects follow the board."""
    require(caller.role, Action.OPEN_BREAKOUT)
    await _running(rt, caller.session_id)
    now_ms = rt.clock.now_ms()
    _, events = await _change(rt, caller.session_id, lambda b: step(b, now_ms))
    await _carry_out(rt, media, caller, events)
    return {"ok": True}


async def bring_back(
    rt: Runtime, media: MediaBackend | None, caller: Caller, member_id: str
) -> dict[str, Any]:
    """A lead or co brings someone (a peer, or themselves) back to the main room."""
    return await _staff_change(
        rt, media, caller, lambda b, now_ms: return_to_main(b, caller.person_id, member_id, now_ms)
    )


async def step_into(
    rt: Runtime, media: MediaBackend | None, caller: Caller, room_id: str
) -> dict[str, Any]:
    """A lead or co joins an open breakout."""
    return await _staff_change(
        rt, media, caller, lambda b, now_ms: step_in(b, caller.person_id, room_id, now_ms)
    )


async def close(
    rt: Runtime, media: MediaBackend | None, caller: Caller, room_id: str
) -> dict[str, Any]:
    """A lead or co closes a breakout: everyone in it goes back to the main room."""
    return await _staff_change(
        rt, media, caller, lambda b, now_ms: close_breakout(b, caller.person_id, room_id, now_ms)
    )


async def ask_to_return(rt: Runtime, caller: Caller) -> dict[str, Any]:
    """A peer in a breakout asks to go back; the facilitators see it in the status and bring
    them back (a peer is never silently gone from a one-to-one conversation)."""
    if caller.role is not Role.PEER:
        raise DomainError("forbidden", "Facilitators leave a breakout with breakout:return.")
    await _running(rt, caller.session_id)
    now_ms = rt.clock.now_ms()
    await _change(rt, caller.session_id, lambda b: request_return(b, caller.person_id, now_ms))
    await announce_status(rt, caller.session_id)
    return {"ok": True}


# --- what other services ask --------------------------------------------------------------------


async def room_on_join(
    rt: Runtime, session_id: str, person_id: str, room_id: str | None
) -> str | None:
    """The room a joining connection enters: a person placed in a breakout stays there across
    reconnects; otherwise ``room_id`` (the main room, or None outside the room)."""
    if room_id is None:
        return None
    board = await load(rt, session_id)
    place = board.where.get(person_id)
    return place[0] if place is not None and place[0] in board.breakouts else room_id


async def status(rt: Runtime, session_id: str) -> list[dict[str, Any]]:
    """Each open breakout as facilitators see it: who (with connection), since when, the
    notice, pending requests to return. Nothing that was said."""
    board = await load(rt, session_id)
    people = {p.id: p for p in await rt.roster.everyone(session_id)}

    def name(member: str) -> str:
        return people[member].name if member in people else ""

    return [
        {
            "room_id": s.room,
            "opened_by": s.opened_by,
            "opened_by_name": name(s.opened_by),
            "opened_at_ms": s.opened_at_ms,
            "notice": s.notice,
            "members": [
                {
                    "id": member,
                    "name": name(member),
                    "role": role.value,
                    "since_ms": since,
                    "connected": member in people and people[member].connected,
                }
                for member, role, since in s.members
            ],
            "return_requested": list(s.return_requested),
        }
        for s in breakout_status(board)
    ]


async def announce_status(rt: Runtime, session_id: str) -> None:
    breakouts = await status(rt, session_id)
    attended, _ = await _main_attendance(rt, session_id)
    await rt.broadcaster.emit(
        BreakoutsUpdated(session_id, tuple(breakouts), attended), to=broadcast.staff(session_id)
    )


async def _main_attendance(rt: Runtime, session_id: str) -> tuple[bool, int]:
    people = await rt.roster.in_room(session_id, MAIN_ROOM)
    attended = any(p.connected and Role(p.role) in FACILITATOR_ROLES for p in people)
    return attended, sum(1 for p in people if p.role == Role.PEER.value)


async def check_main_attended(rt: Runtime, session_id: str) -> None:
    """Warn the facilitators when the main room is left without a connected facilitator, and
    tell them when one is back. Told once per change, whatever caused it."""
    attended, peers = await _main_attendance(rt, session_id)
    flipped: list[bool | None] = []

    def change(raw: Any | None) -> Any:
        before = None if raw is None else bool(raw["attended"])
        flipped[:] = [before] if before is not attended else []
        return {"attended": attended}

    await rt.live.update_json(session_id, WATCH, change)
    if not flipped or (flipped[0] is None and attended):
        return
    await rt.broadcaster.emit(
        FacilitatorsWarned(
            session_id,
            "main_room_unattended",
            not attended,
            peers,
            ATTENDED if attended else UNATTENDED,
            rt.clock.now_ms(),
        ),
        to=broadcast.staff(session_id),
    )


# --- carrying out the board's events -----------------------------------------------------------


async def _carry_out(
    rt: Runtime,
    media: MediaBackend | None,
    caller: Caller,
    events: tuple[BreakoutEvent, ...],
) -> None:
    session_id, by = caller.session_id, caller.person_id
    touched: set[str] = set()
    moves: list[tuple[Presence, str]] = []
    for event in events:
        if isinstance(event, MemberMoved):
            came, went = event.from_room, event.to_room
            moved = await move_person(rt, media, session_id, event.member, came, went)
            touched |= {came, went}
            if moved is None:
                continue
            moves.append((moved, came))
            if moved.role == Role.PEER.value:  # an incident per peer (pseudonyms, no content)
                if came == MAIN_ROOM:
                    await support.record_breakout_opened(rt, session_id, moved.id, by)
                elif went == MAIN_ROOM:
                    await support.record_breakout_closed(rt, session_id, moved.id, by)
        elif isinstance(event, BreakoutNoticePosted):
            await rt.broadcaster.emit(
                RoomNoticePosted(session_id, event.room, event.text, event.at_ms),
                to=broadcast.room(session_id, event.room),
            )
    for person, came in moves:
        await tell_moved(rt, session_id, person, came)
    for room_id in sorted(touched):
        await announce_participants(rt, session_id, room_id)
    await announce_status(rt, session_id)
    await check_main_attended(rt, session_id)
