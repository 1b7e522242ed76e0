"""The lobby: accepting the ground rules, waiting, and a facilitator's admit or decline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator.errors import DomainError
from facilitator.events import MemberAdmitted, MemberDeclined
from facilitator.ids import MAIN_ROOM
from facilitator.roles import Action, Role, require
from facilitator.session import AttendanceStatus, SessionState, check_capacity, check_lobby_entry
from server.services import broadcast, media_session, support
from server.services.callers import Caller
from server.services.runtime import (
    Runtime,
    announce_lobby,
    announce_participants,
    load_session,
    room_snapshot,
    to_ms,
)
from server.storage.models import Attendance, Member


def _require_peer(caller: Caller) -> None:
    if caller.role is not Role.PEER:
        raise DomainError("forbidden", "Only peers go through the lobby.")


async def _attendance(db: AsyncSession, session_id: str, member_id: str) -> Attendance | None:
    return await db.scalar(
        select(Attendance).where(
            Attendance.session_id == session_id, Attendance.member_id == member_id
        )
    )


async def accept_rules(rt: Runtime, caller: Caller) -> dict[str, Any]:
    """Record that this member accepted the group's ground rules for this session, with time.
    Accepting again keeps the first time and does not change where they stand."""
    _require_peer(caller)
    async with rt.db() as db, db.begin():
        session, _ = await load_session(db, caller.session_id)
        if session.state == SessionState.ENDED:
            raise DomainError("session_ended", "This session has ended.")
        attendance = await _attendance(db, session.id, caller.person_id)
        if attendance is None:
            attendance = Attendance(
                session_id=session.id,
                member_id=caller.person_id,
                status=AttendanceStatus.RULES_ACCEPTED.value,
                rules_accepted_at=rt.now(),
            )
            db.add(attendance)
        accepted_at_ms = to_ms(attendance.rules_accepted_at)
    return {"ok": True, "accepted_at_ms": accepted_at_ms}


async def enter_lobby(rt: Runtime, caller: Caller) -> dict[str, Any]:
    """Wait to be admitted (rules accepted, lobby open or session live)."""
    _require_peer(caller)
    async with rt.db() as db, db.begin():
        session, group = await load_session(db, caller.session_id)
        attendance = await _attendance(db, session.id, caller.person_id)
        status = None if attendance is None else AttendanceStatus(attendance.status)
        check_lobby_entry(SessionState(session.state), status)
        assert attendance is not None
        if status is AttendanceStatus.ADMITTED:
            raise DomainError("already_admitted", "You are already in the session.")
        await support.check_contact_for_lobby(db, group, caller.person_id)
        attendance.status = AttendanceStatus.WAITING.value
    await rt.roster.wait(
        caller.session_id,
        member_id=caller.person_id,
        pseudonym=caller.name,
        since_ms=rt.clock.now_ms(),
    )
    await announce_lobby(rt, caller.session_id)
    return {"ok": True, "status": AttendanceStatus.WAITING.value}


def _clean_message(message: str | None) -> str | None:
    return (message or "").strip() or None


async def admit(rt: Runtime, caller: Caller, member_id: str, message: str | None) -> dict[str, Any]:
    """A lead or co admits a waiting member into the main room, within the group's capacity."""
    require(caller.role, Action.ADMIT)
    message = _clean_message(message)
    async with rt.db() as db, db.begin():
        # the session row is locked (PostgreSQL) so two admissions cannot both take the last seat
        session, group = await load_session(db, caller.session_id, for_update=True)
        if session.state == SessionState.ENDED:
            raise DomainError("session_ended", "This session has ended.")
        attendance = await _attendance(db, session.id, member_id)
        if attendance is None or attendance.status != AttendanceStatus.WAITING:
            raise DomainError("not_waiting", "That person is not waiting in the lobby.")
        admitted = await db.scalar(
            select(func.count())
            .select_from(Attendance)
            .where(
                Attendance.session_id == session.id,
                Attendance.status == AttendanceStatus.ADMITTED.value,
            )
        )
        check_capacity(admitted or 0, group.capacity)
        member = await db.get(Member, member_id)
        assert member is not None
        attendance.status = AttendanceStatus.ADMITTED.value
        attendance.decided_by = caller.person_id
        attendance.decided_at = rt.now()
        attendance.decision_message = message
        pseudonym = member.pseudonym
    await rt.roster.stop_waiting(session.id, member_id)
    placed = await rt.roster.place(
        session.id, person_id=member_id, name=pseudonym, role=Role.PEER.value, room_id=MAIN_ROOM
    )
    for sid in placed.sids:
        await rt.broadcaster.join(sid, broadcast.room(session.id, MAIN_ROOM))
    await media_session.person_entered(rt, session.id, member_id, MAIN_ROOM, Role.PEER.value)
    snapshot = await room_snapshot(rt, session.id, MAIN_ROOM)
    await rt.broadcaster.emit(
        MemberAdmitted(session.id, member_id, message, room=snapshot.to_payload()),
        to=broadcast.person(session.id, member_id),
    )
    await announce_participants(rt, session.id, MAIN_ROOM)
    await announce_lobby(rt, session.id)
    return {"ok": True}


async def decline(
    rt: Runtime, caller: Caller, member_id: str, message: str | None
) -> dict[str, Any]:
    """A lead or co turns a waiting member away, optionally with a message."""
    require(caller.role, Action.ADMIT)
    message = _clean_message(message)
    async with rt.db() as db, db.begin():
        session, _ = await load_session(db, caller.session_id)
        attendance = await _attendance(db, session.id, member_id)
        if attendance is None or attendance.status != AttendanceStatus.WAITING:
            raise DomainError("not_waiting", "That person is not waiting in the lobby.")
        attendance.status = AttendanceStatus.DECLINED.value
        attendance.decided_by = caller.person_id
        attendance.decided_at = rt.now()
        attendance.decision_message = message
    await rt.roster.stop_waiting(session.id, member_id)
    await rt.broadcaster.emit(
        MemberDeclined(session.id, member_id, message), to=broadcast.person(session.id, member_id)
    )
    await announce_lobby(rt, session.id)
    return {"ok": True}
