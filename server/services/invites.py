"""Invite links: one per purpose per group, signed with the server secret, expiring, revocable.

A token is `{invite_id}.{mac}` where mac = urlsafe-base64(HMAC-SHA256(secret_key, invite_id))
without padding, so a guessed or altered link fails before the database is asked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.errors import ApiError
from server.services import audit
from server.services.groups import visible_group
from server.services.timeutil import aware, iso, now_from
from server.settings import Settings
from server.storage.models import Group, Invite, User


def _mac(secret_key: str, invite_id: str) -> str:
    digest = hmac.new(secret_key.encode(), invite_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def invite_token(secret_key: str, invite_id: str) -> str:
    return f"{invite_id}.{_mac(secret_key, invite_id)}"


def invite_url(settings: Settings, invite_id: str) -> str:
    return f"{settings.base_url}/join/{invite_token(settings.secret_key, invite_id)}"


def invite_json(settings: Settings, invite: Invite) -> dict[str, Any]:
    return {
        "id": invite.id,
        "group_id": invite.group_id,
        "url": invite_url(settings, invite.id),
        "token": invite_token(settings.secret_key, invite.id),
        "label": invite.label,
        "created_at": iso(invite.created_at),
        "expires_at": iso(invite.expires_at),
        "revoked_at": iso(invite.revoked_at),
    }


@dataclass(frozen=True)
class ValidInvite:
    invite: Invite
    group: Group


async def check_invite(
    session: AsyncSession, settings: Settings, token: str, *, now: datetime
) -> ValidInvite:
    """The invite and group behind a token, or `invite_invalid` (404), `invite_revoked` or
    `invite_expired` (410)."""
    invite_id, _, mac = token.partition(".")
    invalid = ApiError(
        "invite_invalid", "This invite link is not valid. Ask your group for a new one.", 404
    )
    if (
        not invite_id
        or not mac
        or not hmac.compare_digest(mac, _mac(settings.secret_key, invite_id))
    ):
        raise invalid
    invite = await session.get(Invite, invite_id)
    group = await session.get(Group, invite.group_id) if invite else None
    if invite is None or group is None or group.archived:
        raise invalid
    if invite.revoked_at is not None:
        raise ApiError(
            "invite_revoked",
            "This invite link has been withdrawn. Ask your group for a new one.",
            410,
        )
    if aware(invite.expires_at) <= now:
        raise ApiError(
            "invite_expired", "This invite link has expired. Ask your group for a new one.", 410
        )
    return ValidInvite(invite, group)


async def create_invite(
    db: async_sessionmaker[Any],
    settings: Settings,
    *,
    actor: User,
    group_id: str,
    label: str = "",
    ttl_s: int | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    now = now or now_from(None)
    ttl = settings.invite_ttl_s if ttl_s is None else ttl_s
    async with db() as session, session.begin():
        await visible_group(session, actor, group_id)
        invite = Invite(
            group_id=group_id,
            created_by=actor.id,
            label=label.strip(),
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
            revoked_at=None,
        )
        session.add(invite)
        await session.flush()
        audit.record(
            session,
            actor_id=actor.id,
            action="invite.created",
            target_type="invite",
            target_id=invite.id,
            group_id=group_id,
            details={"label": invite.label, "expires_at": iso(invite.expires_at)},
        )
        return invite_json(settings, invite)


async def list_invites(
    db: async_sessionmaker[Any], settings: Settings, *, user: User, group_id: str
) -> list[dict[str, Any]]:
    async with db() as session:
        await visible_group(session, user, group_id)
        rows = await session.scalars(
            select(Invite).where(Invite.group_id == group_id).order_by(Invite.created_at.desc())
        )
        return [invite_json(settings, i) for i in rows.all()]


async def revoke_invite(
    db: async_sessionmaker[Any], *, actor: User, invite_id: str, now: datetime | None = None
) -> None:
    now = now or now_from(None)
    async with db() as session, session.begin():
        invite = await session.get(Invite, invite_id)
        if invite is None:
            raise ApiError("not_found", "There is no such invite.", 404)
        await visible_group(session, actor, invite.group_id)
        if invite.revoked_at is None:
            invite.revoked_at = now
            audit.record(
                session,
                actor_id=actor.id,
                action="invite.revoked",
                target_type="invite",
                target_id=invite_id,
                group_id=invite.group_id,
            )
