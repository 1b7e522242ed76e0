"""Groups: who they are for, how big, their ground rules and their facilitators."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from facilitator.balancing_settings import (
    policy_from_settings,
    settings_of_policy,
    validate_balancing_settings,
)
from facilitator.errors import DomainError
from facilitator.session import (
    DEFAULT_CAPACITY,
    DEFAULT_GROUND_RULES,
    MAX_CAPACITY,
    MIN_CAPACITY,
    validate_capacity,
    validate_ground_rules,
)
from facilitator.trigger_policy import parse_policy, policy_of
from server.errors import ApiError
from server.services import audit
from server.services.group_safety import merged_settings, safety_json, split_safety_fields
from server.storage.models import Group, GroupFacilitator, User


async def facilitators_of(session: AsyncSession, group_id: str) -> list[User]:
    rows = await session.scalars(
        select(User)
        .join(GroupFacilitator, GroupFacilitator.user_id == User.id)
        .where(GroupFacilitator.group_id == group_id)
        .order_by(User.display_name)
    )
    return list(rows.all())


async def group_json(session: AsyncSession, group: Group) -> dict[str, Any]:
    return {
        "id": group.id,
        "name": group.name,
        "description": group.description,
        "audience": group.audience,
        "format": group.format,
        "capacity": group.capacity,
        "ground_rules": list(group.ground_rules),
        "trigger_policy": policy_of(group.settings).value,
        "balancing": settings_of_policy(
            policy_from_settings((group.settings or {}).get("balancing"))
        ),
        "facilitators": [
            {"id": u.id, "display_name": u.display_name, "pronouns": u.pronouns}
            for u in await facilitators_of(session, group.id)
        ],
        **safety_json(group.settings),
    }


async def is_assigned(session: AsyncSession, group_id: str, user_id: str) -> bool:
    found = await session.scalar(
        select(GroupFacilitator.user_id).where(
            GroupFacilitator.group_id == group_id, GroupFacilitator.user_id == user_id
        )
    )
    return found is not None


async def visible_group(session: AsyncSession, user: User, group_id: str) -> Group:
    """A group the user may see: any for admins, assigned ones for facilitators. Others are
    `not_found`, so a facilitator cannot even learn that another group exists."""
    group = await session.get(Group, group_id)
    if (
        group is None
        or group.archived
        or not (user.is_admin or await is_assigned(session, group_id, user.id))
    ):
        raise ApiError("not_found", "There is no such group, or it is not one of yours.", 404)
    return group


async def _set_facilitators(session: AsyncSession, group_id: str, user_ids: list[str]) -> None:
    wanted = list(dict.fromkeys(user_ids))
    if wanted:
        found = set(
            (
                await session.scalars(
                    select(User.id).where(
                        User.id.in_(wanted),
                        User.is_facilitator.is_(True),
                        User.disabled.is_(False),
                    )
                )
            ).all()
        )
        missing = [uid for uid in wanted if uid not in found]
        if missing:
            raise ApiError(
                "not_a_facilitator",
                "Only active facilitator accounts can be assigned to a group.",
                400,
                user_ids=missing,
            )
    await session.execute(delete(GroupFacilitator).where(GroupFacilitator.group_id == group_id))
    for uid in wanted:
        session.add(GroupFacilitator(group_id=group_id, user_id=uid))
    await session.flush()


def _checked(fields: dict[str, Any]) -> dict[str, Any]:
    """Apply the pure rules of a group to the fields being set."""
    out = dict(fields)
    if "capacity" in out:
        out["capacity"] = validate_capacity(out["capacity"])
    if "ground_rules" in out:
        out["ground_rules"] = list(validate_ground_rules(out["ground_rules"]))
    if "trigger_policy" in out:
        out["trigger_policy"] = parse_policy(out["trigger_policy"]).value
    if "balancing" in out:
        try:
            validate_balancing_settings(
                {k: v for k, v in out["balancing"].items() if v is not None}
            )
        except DomainError as exc:
            raise ApiError(exc.code, exc.message) from None
    if "name" in out:
        out["name"] = out["name"].strip()
        if not out["name"]:
            raise ApiError("name_empty", "A group needs a name.")
    return out


def group_defaults() -> dict[str, Any]:
    """What a new group gets when the admin leaves a field out; the client's form starts from it,
    so the default ground rules are written down only in facilitator.session."""
    return {
        "capacity": DEFAULT_CAPACITY,
        "min_capacity": MIN_CAPACITY,
        "max_capacity": MAX_CAPACITY,
        "ground_rules": list(DEFAULT_GROUND_RULES),
    }


async def create_group(
    db: async_sessionmaker[Any], *, actor_id: str | None, fields: dict[str, Any]
) -> dict[str, Any]:
    fields, safety = split_safety_fields(fields)
    values = _checked(fields)
    facilitator_ids = values.pop("facilitator_ids", None) or []
    values.setdefault("ground_rules", list(DEFAULT_GROUND_RULES))
    settings = merged_settings({}, safety)
    async with db() as session, session.begin():
        group = Group(settings=settings, archived=False, **values)
        session.add(group)
        await session.flush()
        await _set_facilitators(session, group.id, facilitator_ids)
        audit.record(
            session,
            actor_id=actor_id,
            action="group.created",
            target_type="group",
            target_id=group.id,
            group_id=group.id,
            details={"name": group.name, "capacity": group.capacity},
        )
        return await group_json(session, group)


async def update_group(
    db: async_sessionmaker[Any], *, actor: User, group_id: str, fields: dict[str, Any]
) -> dict[str, Any]:
    own, safety = split_safety_fields(fields)
    values = _checked(own)
    facilitator_ids = values.pop("facilitator_ids", None)
    policy = values.pop("trigger_policy", None)
    async with db() as session, session.begin():
        group = await visible_group(session, actor, group_id)
        if policy is not None:
            group.settings = {**(group.settings or {}), "trigger_policy": policy}
        balancing = values.pop("balancing", None)
        if balancing is not None:
            settings = dict(group.settings or {})
            merged = {**settings.get("balancing", {}), **balancing}
            settings["balancing"] = {k: v for k, v in merged.items() if v is not None}
            group.settings = settings  # a new dict, so the JSON column is saved
        for key, value in values.items():
            setattr(group, key, value)
        if safety:
            group.settings = merged_settings(group.settings, safety)
        if facilitator_ids is not None:
            await _set_facilitators(session, group_id, facilitator_ids)
        audit.record(
            session,
            actor_id=actor.id,
            action="group.updated",
            target_type="group",
            target_id=group_id,
            group_id=group_id,
            details={"changed": sorted(fields), **({"trigger_policy": policy} if policy else {})},
        )
        return await group_json(session, group)


async def set_facilitators(
    db: async_sessionmaker[Any], *, actor: User, group_id: str, user_ids: list[str]
) -> dict[str, Any]:
    async with db() as session, session.begin():
        group = await visible_group(session, actor, group_id)
        await _set_facilitators(session, group_id, user_ids)
        audit.record(
            session,
            actor_id=actor.id,
            action="group.facilitators_set",
            target_type="group",
            target_id=group_id,
            group_id=group_id,
            details={"user_ids": list(user_ids)},
        )
        return await group_json(session, group)


async def list_groups(db: async_sessionmaker[Any], user: User) -> list[dict[str, Any]]:
    async with db() as session:
        query = select(Group).where(Group.archived.is_(False)).order_by(Group.name)
        if not user.is_admin:
            query = query.join(GroupFacilitator, GroupFacilitator.group_id == Group.id).where(
                GroupFacilitator.user_id == user.id
            )
        groups = (await session.scalars(query)).all()
        return [await group_json(session, g) for g in groups]


async def get_group(db: async_sessionmaker[Any], user: User, group_id: str) -> dict[str, Any]:
    async with db() as session:
        return await group_json(session, await visible_group(session, user, group_id))
