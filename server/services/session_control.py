"""Running a session: opening the lobby, going live, ending it, removing a participant."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from facilitator.errors import DomainError
from facilitator.events import MemberRemoved, SessionStateChanged
from facilitator.ids import MAIN_ROOM
from facilitator.roles import Action, require
from facilitator.session import AttendanceStatus, SessionState, decide_go_live, transition
from server.services import broadcast, media_session, summary, support
from server.services.callers import Caller
from server.services.runtime import (
    Runtime,
    announce_lobby,
    announce_participants,
    load_session,
    to_ms,
)
from server.services.runtime import session_json as _session_json
from server.storage.models import Attendance

log = logging.getLogger("holdspace.session_control")


async def _announce_state(
    rt: Runtime, session_id: str, state: str, solo_reason: str | None
) -> None:
    await rt.broadcaster.emit(
        SessionStateChanged(session_id, state, solo_reason), to=broadcast.everyone(session_id)
    )


async def open_lobby(rt: Runtime, caller: Caller) -> dict[str, Any]:
    """Let peers wait before the session goes live."""
    require(caller.role, Action.OPEN_LOBBY)
    async with rt.db() as db, db.begin():
        session, group = await load_session(db, caller.session_id, for_update=True)
        session.state = transition(SessionState(session.state), SessionState.LOBBY_OPEN).value
        session.lobby_opened_at = rt.now()
        answer = _session_json(session, group)
    await _announce_state(rt, session.id, session.state, session.solo_reason)
    return {"ok": True, "session": answer}


async def _present(rt: Runtime, session_id: str, user_id: str | None) -> bool:
    if user_id is None:
        return False
    presence = await rt.roster.get(session_id, user_id)
    return presence is not None and presence.connected and presence.room_id is not None


async def go_live(rt: Runtime, caller: Caller, solo_reason: str | None) -> dict[str, Any]:
    """Go live with both facilitators present, or the lead alone with a recorded reason."""
    require(caller.role, Action.GO_LIVE)
    async with rt.db() as db, db.begin():
        session, group = await load_session(db, caller.session_id, for_update=True)
        decision = decide_go_live(
            SessionState(session.state),
            lead_present=await _present(rt, session.id, session.lead_id),
            co_present=await _present(rt, session.id, session.co_id),
            solo_reason=solo_reason,
        )
        session.state = decision.state.value
        session.solo_reason = decision.solo_reason
        session.went_live_at = rt.now()
        answer = _session_json(session, group)
    await _announce_state(rt, session.id, session.state, session.solo_reason)
    return {"ok": True, "session": answer}


async def end_session(rt: Runtime, caller: Caller) -> dict[str, Any]:
    """End the session; its live state, chat included, is forgotten at once."""
    require(caller.role, Action.END_SESSION)
    async with rt.db() as db, db.begin():
        session, group = await load_session(db, caller.session_id, for_update=True)
        session.state = transition(SessionState(session.state), SessionState.ENDED).value
        session.ended_at = rt.now()
        answer = _session_json(session, group)
        went_live_ms = None if session.went_live_at is None else to_ms(session.went_live_at)
    await _keep_summary(rt, session.id, group.id, went_live_ms)
    await media_session.session_ended(rt, session.id)
    await rt.live.clear_session(session.id)
    await _announce_state(rt, session.id, session.state, session.solo_reason)
    return {"ok": True, "session": answer}


async def _keep_summary(
    rt: Runtime, session_id: str, group_id: str, went_live_ms: int | None
) -> None:
    """Store the talk-time summary before live state goes. A failure is logged, never allowed
    to stop the session from ending."""
    try:
        await summary.store_summary(rt, session_id, group_id, went_live_ms)
    except Exception:
        log.exception("could not store the summary of session %s", session_id)


async def remove_participant(rt: Runtime, caller: Caller, member_id: str) -> dict[str, Any]:
    """The lead removes a peer: every connection of theirs closes at once, and they can come
    back only by being admitted again."""
    require(caller.role, Action.REMOVE)
    await remove_member(
        rt, caller.session_id, member_id, decided_by=caller.person_id, why="removed by the lead"
    )
    return {"ok": True}


async def remove_member(
    rt: Runtime, session_id: str, member_id: str, *, decided_by: str | None, why: str
) -> None:
    """Close a peer's place in the session (the lead's decision, or the group's breach policy);
    recorded as an incident."""
    async with rt.db() as db, db.begin():
        session, _ = await load_session(db, session_id)
        attendance = await db.scalar(
            select(Attendance).where(
                Attendance.session_id == session.id, Attendance.member_id == member_id
            )
        )
        if attendance is None or attendance.status not in (
            AttendanceStatus.ADMITTED,
            AttendanceStatus.WAITING,
        ):
            raise DomainError("not_found", "That person is not in this session.")
        attendance.status = AttendanceStatus.REMOVED.value
        attendance.decided_by = decided_by
        attendance.decided_at = rt.now()
    dropped = await rt.roster.drop(session.id, member_id)
    await media_session.leave_media(rt, session.id, member_id)
    await media_session.person_left(rt, session.id, member_id)
    was_waiting = await rt.roster.stop_waiting(session.id, member_id)
    await rt.broadcaster.emit(
        MemberRemoved(session.id, member_id), to=broadcast.person(session.id, member_id)
    )
    for sid in dropped.sids if dropped else ():
        await rt.broadcaster.disconnect(sid)
    await announce_participants(rt, session.id, MAIN_ROOM)
    if was_waiting:
        await announce_lobby(rt, session.id)
    await support.record_removal(rt, session.id, member_id, by=decided_by, why=why)
