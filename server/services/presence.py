"""Joining a session and leaving it: presence, rooms and rejoining after a disconnect."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from facilitator.ids import MAIN_ROOM
from facilitator.roles import Action, may
from facilitator.session import AttendanceStatus, SessionState
from server.services import breakout_rooms, broadcast, leadership, media_session, support
from server.services.callers import Caller
from server.services.runtime import (
    Runtime,
    announce_participants,
    load_session,
    room_snapshot,
    session_json,
)
from server.storage.models import Attendance


async def join_session(rt: Runtime, caller: Caller) -> dict[str, Any]:
    """Register the connection. Staff enter the main room; a peer enters it only when admitted
    and not removed since (a returning member continues where they were), otherwise they are
    in the lobby flow. Answers with what the client needs to draw the session."""
    async with rt.db() as db:
        session, group = await load_session(db, caller.session_id)
        status: str | None
        if caller.is_facilitator:
            status = "facilitator"
        else:
            attendance = await db.scalar(
                select(Attendance).where(
                    Attendance.session_id == session.id, Attendance.member_id == caller.person_id
                )
            )
            status = None if attendance is None else attendance.status
    ended = session.state == SessionState.ENDED
    in_room = not ended and (caller.is_facilitator or status == AttendanceStatus.ADMITTED)
    room_id = await breakout_rooms.room_on_join(
        rt, session.id, caller.person_id, MAIN_ROOM if in_room else None
    )
    announce_leadership = None
    if not ended:
        caller, announce_leadership = await leadership.seat(rt, caller)

    sid = caller.sid
    await rt.broadcaster.join(sid, broadcast.everyone(session.id))
    await rt.broadcaster.join(sid, broadcast.person(session.id, caller.person_id))
    if caller.is_facilitator:
        await rt.broadcaster.join(sid, broadcast.staff(session.id))
    if not ended:
        await rt.roster.connect(
            session.id,
            person_id=caller.person_id,
            name=caller.name,
            role=caller.role.value,
            room_id=room_id,
            sid=sid,
        )
    answer: dict[str, Any] = {
        "ok": True,
        "me": {
            "id": caller.person_id,
            "name": caller.name,
            "role": caller.role.value,
            "status": status,
        },
        "session": session_json(session, group),
        "group": {"name": group.name, "ground_rules": list(group.ground_rules or [])},
    }
    if room_id is not None:
        await media_session.person_entered(
            rt, session.id, caller.person_id, room_id, caller.role.value
        )
        await rt.broadcaster.join(sid, broadcast.room(session.id, room_id))
        await announce_participants(rt, session.id, room_id)
        answer["room"] = (
            await room_snapshot(rt, session.id, room_id, for_staff=caller.is_facilitator)
        ).to_payload()
    if may(caller.role, Action.SEE_LOBBY):
        answer["lobby"] = {"waiting": await rt.roster.waiting(session.id)}
    if may(caller.role, Action.BACKCHANNEL):
        answer["backchannel"] = await rt.history.backchannel(session.id)
    if may(caller.role, Action.SEE_ALERTS):
        from server.services.triggers import held_messages

        answer["held"] = await held_messages(rt.live, session.id)
    if announce_leadership is not None:
        await announce_leadership()
        answer.update(await leadership.view(rt, caller))
        if caller.is_facilitator:
            answer["breakouts"] = await breakout_rooms.status(rt, session.id)
    return answer


async def leave_session(rt: Runtime, caller: Caller) -> None:
    """A connection closed: the person stays listed (not connected) so they can come back."""
    after = await rt.roster.disconnect(
        caller.session_id, person_id=caller.person_id, sid=caller.sid
    )
    await media_session.connection_closed(rt, caller)
    if after is not None and not after.connected:
        await media_session.person_left(rt, caller.session_id, caller.person_id)
    await leadership.on_left(rt, caller, after)
    if after is not None and after.room_id is not None:
        await announce_participants(rt, caller.session_id, after.room_id)
    await support.on_peer_left(rt, caller, after)
