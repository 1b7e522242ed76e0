"""Signposting: the National Gambling Helpline (fixed) and the support services an admin lists.

Public to read (peers have no account); only admins replace the list, which is audited.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.errors import ApiError
from server.services import audit
from server.storage.models import SignpostingResource

HELPLINE: Final[dict[str, Any]] = {
    "name": "National Gambling Helpline",
    "phone": "0808 8020 133",
    "tel": "tel:08088020133",
    "note": "free, 24 hours",
}
MAX_RESOURCES: Final = 30


def resource_json(row: SignpostingResource) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "phone": row.phone,
        "url": row.url,
        "crisis": row.crisis,
    }


async def list_resources(db: AsyncSession, *, crisis_only: bool = False) -> list[dict[str, Any]]:
    query = select(SignpostingResource).order_by(
        SignpostingResource.position, SignpostingResource.name
    )
    if crisis_only:
        query = query.where(SignpostingResource.crisis.is_(True))
    return [resource_json(row) for row in (await db.scalars(query)).all()]


async def signposting(db: async_sessionmaker[Any]) -> dict[str, Any]:
    """What every peer screen shows: the helpline first, then the admin's resources in order."""
    async with db() as session:
        return {"helpline": dict(HELPLINE), "resources": await list_resources(session)}


def _clean(item: dict[str, Any], index: int) -> dict[str, Any]:
    name = str(item.get("name") or "").strip()
    phone = (str(item.get("phone") or "").strip()) or None
    url = (str(item.get("url") or "").strip()) or None
    if not name:
        raise ApiError("resource_invalid", f"Resource {index + 1} needs a name.", 400)
    if phone is None and url is None:
        raise ApiError("resource_invalid", f"Give {name} a phone number or a web address.", 400)
    if url is not None and not url.startswith(("https://", "http://")):
        raise ApiError(
            "resource_invalid", f"The web address of {name} must start with https://.", 400
        )
    return {
        "name": name,
        "description": str(item.get("description") or "").strip(),
        "phone": phone,
        "url": url,
        "crisis": bool(item.get("crisis", False)),
    }


async def replace_resources(
    db: async_sessionmaker[Any], *, actor_id: str, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Replace the whole list (the admin form edits it as one list, in order)."""
    if len(items) > MAX_RESOURCES:
        raise ApiError("resources_too_many", f"List at most {MAX_RESOURCES} resources.", 400)
    cleaned = [_clean(item, i) for i, item in enumerate(items)]
    async with db() as session, session.begin():
        await session.execute(delete(SignpostingResource))
        for position, item in enumerate(cleaned):
            session.add(SignpostingResource(position=position, **item))
        audit.record(
            session,
            actor_id=actor_id,
            action="signposting.replaced",
            target_type="signposting",
            details={"count": len(cleaned)},
        )
        await session.flush()
        return await list_resources(session)
