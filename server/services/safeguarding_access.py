"""Who may see safeguarding data: a group's assigned facilitators (and, for incidents, admins).

Checked on the server for every call; the HTTP and socket layers pass the signed-in user's id.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.services import audit
from server.storage.models import AuditEntry, GroupFacilitator, User


async def active_user(db: AsyncSession, user_id: str | None) -> User | None:
    """The user, unless unknown or disabled."""
    if not user_id:
        return None
    user = await db.get(User, user_id)
    if user is None or user.disabled:
        return None
    return user


async def is_group_facilitator(db: AsyncSession, user_id: str | None, group_id: str) -> bool:
    """True only for an enabled facilitator account assigned to this group."""
    user = await active_user(db, user_id)
    if user is None or not user.is_facilitator:
        return False
    row = await db.scalar(
        select(GroupFacilitator).where(
            GroupFacilitator.group_id == group_id, GroupFacilitator.user_id == user.id
        )
    )
    return row is not None


async def is_group_facilitator_or_admin(
    db: AsyncSession, user_id: str | None, group_id: str
) -> bool:
    user = await active_user(db, user_id)
    if user is None:
        return False
    return user.is_admin or await is_group_facilitator(db, user_id, group_id)


def add_audit(
    db: AsyncSession,
    *,
    actor_id: str | None,
    action: str,
    target_type: str,
    target_id: str | None,
    group_id: str | None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Stage an audit row in the caller's transaction (see server.services.audit.record)."""
    return audit.record(
        db,
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        group_id=group_id,
        details=details,
    )
