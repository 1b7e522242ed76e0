"""The audit log: who changed what, and when. Entries are written in the caller's transaction so
a change and its record commit together."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.services.timeutil import iso
from server.storage.models import AuditEntry, User


def record(
    session: AsyncSession,
    *,
    actor_id: str | None,
    action: str,
    target_type: str = "",
    target_id: str | None = None,
    group_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Stage an audit row in the caller's transaction. Never put pseudonyms or contact details
    in ``details``: the audit log outlives erasure."""
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        group_id=group_id,
        details=details or {},
    )
    session.add(entry)
    return entry


async def list_entries(db: async_sessionmaker[Any], *, limit: int = 200) -> list[dict[str, Any]]:
    """Newest first, with the actor's email so a reader sees who without another lookup."""
    async with db() as session:
        rows = await session.execute(
            select(AuditEntry, User.email)
            .outerjoin(User, User.id == AuditEntry.actor_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id)
            .limit(limit)
        )
        return [
            {
                "id": entry.id,
                "at": iso(entry.at),
                "actor_id": entry.actor_id,
                "actor_email": email,
                "action": entry.action,
                "target_type": entry.target_type,
                "target_id": entry.target_id,
                "group_id": entry.group_id,
                "details": entry.details,
            }
            for entry, email in rows.all()
        ]
