"""Peers joining through an invite: a pseudonym and a rejoin token whose hash is all we keep."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from facilitator.pseudonyms import validate_pseudonym
from facilitator.session import SessionState
from server.errors import ApiError
from server.services.invites import check_invite
from server.services.timeutil import iso, now_from
from server.services.tokens import hash_token, new_token
from server.settings import Settings
from server.storage.models import Member, Session


async def describe_invite(
    db: async_sessionmaker[Any], settings: Settings, token: str, *, now: datetime | None = None
) -> dict[str, Any]:
    """What a peer sees before joining: the group, its ground rules and its coming sessions."""
    now = now or now_from(None)
    async with db() as session:
        valid = await check_invite(session, settings, token, now=now)
        group = valid.group
        rows = await session.scalars(
            select(Session)
            .where(Session.group_id == group.id, Session.state != SessionState.ENDED.value)
            .order_by(Session.scheduled_start)
        )
        return {
            "group": {
                "id": group.id,
                "name": group.name,
                "description": group.description,
                "audience": group.audience,
                "ground_rules": list(group.ground_rules),
            },
            "sessions": [
                {
                    "id": s.id,
                    "theme": s.theme,
                    "state": s.state,
                    "scheduled_start": iso(s.scheduled_start),
                    "scheduled_end": iso(s.scheduled_end),
                }
                for s in rows.all()
            ],
        }


async def join_group(
    db: async_sessionmaker[Any],
    settings: Settings,
    token: str,
    pseudonym: str,
    *,
    now: datetime | None = None,
) -> tuple[Member, str]:
    """Create a member of the invite's group; the member token is returned once, only its hash
    is stored."""
    now = now or now_from(None)
    name = validate_pseudonym(pseudonym)
    member_token = new_token()
    async with db() as session, session.begin():
        valid = await check_invite(session, settings, token, now=now)
        member = Member(
            group_id=valid.group.id,
            pseudonym=name,
            token_hash=hash_token(member_token),
            created_at=now,
            erased_at=None,
        )
        session.add(member)
    return member, member_token


async def find_member(session: AsyncSession, member_token: str) -> Member | None:
    """The member a rejoin token belongs to (None if unknown or erased), inside the caller's
    database session."""
    member = await session.scalar(
        select(Member).where(Member.token_hash == hash_token(member_token))
    )
    if member is None or member.erased_at is not None:
        return None
    return member


async def member_for_token(db: async_sessionmaker[Any], member_token: str) -> Member | None:
    """The member a rejoin token belongs to (None if unknown or erased)."""
    async with db() as session:
        return await find_member(session, member_token)


async def resume(db: async_sessionmaker[Any], member_token: str) -> Member:
    member = await member_for_token(db, member_token)
    if member is None:
        raise ApiError(
            "member_unknown",
            "We do not recognise you any more. Please join through the invite link again.",
            404,
        )
    return member


def member_json(member: Member) -> dict[str, Any]:
    return {"id": member.id, "pseudonym": member.pseudonym}
