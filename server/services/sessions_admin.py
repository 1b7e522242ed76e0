"""Scheduling sessions: when, about what, and who leads. Going live happens over socket.io."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from facilitator.roles import Role
from facilitator.session import SessionState
from server.errors import ApiError
from server.services import audit
from server.services.groups import is_assigned, visible_group
from server.services.timeutil import aware, iso
from server.storage.models import Group, GroupFacilitator, Session, User


def session_json(session: Session, group_name: str) -> dict[str, Any]:
    return {
        "id": session.id,
        "group_id": session.group_id,
        "group_name": group_name,
        "theme": session.theme,
        "scheduled_start": iso(session.scheduled_start),
        "scheduled_end": iso(session.scheduled_end),
        "state": session.state,
        "lead_id": session.lead_id,
        "co_id": session.co_id,
        "solo_reason": session.solo_reason,
    }


def role_of(session: Session, user_id: str) -> Role:
    """Lead and co are named on the session; any other assigned facilitator is on standby."""
    if session.lead_id == user_id:
        return Role.LEAD
    if session.co_id == user_id:
        return Role.CO
    return Role.STANDBY


async def _check_people_and_times(
    db_session: AsyncSession, group_id: str, values: dict[str, Any]
) -> None:
    lead_id, co_id = values["lead_id"], values["co_id"]
    if lead_id == co_id:
        raise ApiError(
            "lead_is_co", "The lead and the co-facilitator must be two different people.", 400
        )
    for field, uid in (("lead_id", lead_id), ("co_id", co_id)):
        if not await is_assigned(db_session, group_id, uid):
            raise ApiError(
                "not_group_facilitator",
                "The lead and the co-facilitator must both be facilitators of this group.",
                400,
                field=field,
            )
    if aware(values["scheduled_end"]) <= aware(values["scheduled_start"]):
        raise ApiError("bad_schedule", "A session must end after it starts.", 400)


async def create_session(
    db: async_sessionmaker[Any], *, actor: User, group_id: str, fields: dict[str, Any]
) -> dict[str, Any]:
    async with db() as session, session.begin():
        group = await visible_group(session, actor, group_id)
        await _check_people_and_times(session, group_id, fields)
        row = Session(
            group_id=group_id,
            theme=(fields.get("theme") or "").strip(),
            scheduled_start=aware(fields["scheduled_start"]),
            scheduled_end=aware(fields["scheduled_end"]),
            state=SessionState.SCHEDULED.value,
            lead_id=fields["lead_id"],
            co_id=fields["co_id"],
        )
        session.add(row)
        await session.flush()
        audit.record(
            session,
            actor_id=actor.id,
            action="session.created",
            target_type="session",
            target_id=row.id,
            group_id=group_id,
            details={"lead_id": row.lead_id, "co_id": row.co_id},
        )
        return session_json(row, group.name)


async def _visible_session(
    db_session: AsyncSession, user: User, session_id: str
) -> tuple[Session, Group]:
    row = await db_session.get(Session, session_id)
    if row is None:
        raise ApiError("not_found", "There is no such session, or it is not one of yours.", 404)
    try:
        group = await visible_group(db_session, user, row.group_id)
    except ApiError:
        raise ApiError(
            "not_found", "There is no such session, or it is not one of yours.", 404
        ) from None
    return row, group


async def update_session(
    db: async_sessionmaker[Any], *, actor: User, session_id: str, fields: dict[str, Any]
) -> dict[str, Any]:
    async with db() as session, session.begin():
        row, group = await _visible_session(session, actor, session_id)
        if row.state == SessionState.ENDED.value:
            raise ApiError("session_ended", "This session has ended and can no longer change.", 409)
        merged = {
            "lead_id": row.lead_id,
            "co_id": row.co_id,
            "scheduled_start": row.scheduled_start,
            "scheduled_end": row.scheduled_end,
        } | fields
        await _check_people_and_times(session, row.group_id, merged)
        for key, value in fields.items():
            if isinstance(value, datetime):
                value = aware(value)
            elif key == "theme":
                value = (value or "").strip()
            setattr(row, key, value)
        audit.record(
            session,
            actor_id=actor.id,
            action="session.updated",
            target_type="session",
            target_id=session_id,
            group_id=row.group_id,
            details={"changed": sorted(fields)},
        )
        return session_json(row, group.name)


async def get_session(db: async_sessionmaker[Any], user: User, session_id: str) -> dict[str, Any]:
    async with db() as session:
        row, group = await _visible_session(session, user, session_id)
        return session_json(row, group.name)


async def list_group_sessions(
    db: async_sessionmaker[Any], user: User, group_id: str
) -> list[dict[str, Any]]:
    async with db() as session:
        group = await visible_group(session, user, group_id)
        rows = await session.scalars(
            select(Session).where(Session.group_id == group_id).order_by(Session.scheduled_start)
        )
        return [session_json(r, group.name) for r in rows.all()]


async def my_sessions(db: async_sessionmaker[Any], user: User) -> list[dict[str, Any]]:
    """Sessions of every group the user is assigned to, with their role in each."""
    async with db() as session:
        rows = await session.execute(
            select(Session, Group.name)
            .join(Group, Group.id == Session.group_id)
            .join(GroupFacilitator, GroupFacilitator.group_id == Group.id)
            .where(GroupFacilitator.user_id == user.id, Group.archived.is_(False))
            .order_by(Session.scheduled_start)
        )
        return [
            session_json(row, name) | {"my_role": role_of(row, user.id).value}
            for row, name in rows.all()
        ]
