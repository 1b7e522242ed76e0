"""Ground-rule breaches: a facilitator marks one (from a chat message or a person), the peer gets
a private, kind reminder, and the group's breach_policy may mute their chat for the session or
remove them. Everything is recorded as incidents (services.incidents.record_breach)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from facilitator.errors import DomainError
from facilitator.roles import Action, require
from facilitator.safety_events import BreachRecorded, BreachReminded
from facilitator.session import AttendanceStatus
from facilitator.support import breach_reminder
from server.services import broadcast, incidents, session_control, support
from server.services.callers import Caller
from server.services.runtime import Runtime, load_session
from server.storage.models import Attendance, Incident, Member

_PRESENT = (AttendanceStatus.ADMITTED.value, AttendanceStatus.WAITING.value)


async def _check_message(rt: Runtime, session_id: str, member_id: str, message_id: str) -> None:
    presence = await rt.roster.get(session_id, member_id)
    rooms = {presence.room_id} if presence is not None and presence.room_id else set()
    for room_id in rooms:
        for message in await rt.history.chat(session_id, room_id):
            if message.get("id") == message_id and message.get("sender_id") == member_id:
                return
    raise DomainError("message_not_found", "That message is not theirs, or is no longer shown.")


async def mark_breach(
    rt: Runtime, caller: Caller, member_id: str, rule: int, message_id: str | None
) -> dict[str, Any]:
    """Lead or co marks a breach of ground rule ``rule`` (0-based index) by a peer of this
    session, optionally pointing at one of their chat messages (its text is not stored)."""
    require(caller.role, Action.MARK_BREACH)
    async with rt.db() as db:
        session, group = await load_session(db, caller.session_id)
        attendance = await db.scalar(
            select(Attendance).where(
                Attendance.session_id == session.id, Attendance.member_id == member_id
            )
        )
        member = await db.get(Member, member_id)
        if attendance is None or attendance.status not in _PRESENT or member is None:
            raise DomainError("not_found", "That person is not in this session.")
        pseudonym = member.pseudonym
    if message_id is not None:
        await _check_message(rt, session.id, member_id, message_id)
    async with rt.db() as db:
        outcome = await incidents.record_breach(
            db, group.id, session.id, member_id, pseudonym, rule, caller.person_id, now=rt.now()
        )
        incident = await db.get(Incident, outcome.incident_id)
        assert incident is not None and incident.rule is not None
        if message_id is not None:
            await incidents.append_action(
                db, incident.id, "marked from a chat message", caller.person_id, now=rt.now()
            )
        rule_text = str(incident.rule["text"])
    await support.announce_incident(rt, session.id, incident)
    if outcome.action == "mute":
        await support.mute_chat(rt, session.id, member_id)
    await rt.broadcaster.emit(
        BreachReminded(
            session.id,
            member_id,
            rule,
            rule_text,
            outcome.action,
            breach_reminder(rule_text, outcome.action),
        ),
        to=broadcast.person(session.id, member_id),
    )
    await rt.broadcaster.emit(
        BreachRecorded(
            session.id,
            member_id,
            pseudonym,
            rule,
            rule_text,
            outcome.action,
            outcome.breach_count,
            outcome.incident_id,
            caller.name,
        ),
        to=broadcast.staff(session.id),
    )
    if outcome.action == "remove":
        await session_control.remove_member(
            rt,
            session.id,
            member_id,
            decided_by=caller.person_id,
            why=f"removed after breach {outcome.breach_count} (group policy)",
        )
    return {
        "ok": True,
        "action": outcome.action,
        "breach_count": outcome.breach_count,
        "incident_id": outcome.incident_id,
    }
