"""Incidents: what happened in a session that a facilitator may need to follow up.

Pseudonyms only, never chat text or contact details. The socket layer records incidents as they
happen; facilitators add a note afterwards. Every function commits its own unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator.errors import DomainError
from facilitator.safeguarding import (
    INCIDENT_KINDS,
    BreachAction,
    decide_breach,
    read_safety_settings,
)
from server.errors import ApiError
from server.services.safeguarding_access import add_audit, is_group_facilitator_or_admin
from server.storage.models import Group, Incident, Session, utcnow

MAX_NOTE_CHARS = 5000
MAX_ACTION_CHARS = 500


@dataclass(frozen=True)
class BreachOutcome:
    """What the socket layer must now do: remind, mute or remove the member."""

    action: BreachAction
    breach_count: int
    incident_id: str


def _action(what: str, by: str | None, at: datetime) -> dict[str, Any]:
    what = what.strip()
    if not what or len(what) > MAX_ACTION_CHARS:
        raise ApiError("invalid_action", f"an action is 1 to {MAX_ACTION_CHARS} characters", 400)
    return {"at": at.isoformat(), "by": by, "what": what}


async def record_incident(
    db: AsyncSession,
    group_id: str,
    session_id: str | None,
    kind: str,
    pseudonyms: list[str],
    member_ids: list[str],
    action: str,
    by: str | None,
    *,
    rule: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Incident:
    """Record an incident. ``pseudonyms[i]`` belongs to ``member_ids[i]``; ``action`` is the
    first entry of its action list (``by`` is a user id, or None for the system)."""
    if kind not in INCIDENT_KINDS:
        raise ApiError("invalid_kind", f"kind must be one of {', '.join(INCIDENT_KINDS)}", 400)
    if len(pseudonyms) != len(member_ids):
        raise ApiError("invalid_incident", "one pseudonym per member id", 400)
    if session_id is not None:
        session = await db.get(Session, session_id)
        if session is None or session.group_id != group_id:
            raise ApiError("not_found", "no such session in this group", 404)
    elif await db.get(Group, group_id) is None:
        raise ApiError("not_found", "no such group", 404)
    at = now or utcnow()
    incident = Incident(
        group_id=group_id,
        session_id=session_id,
        kind=kind,
        occurred_at=at,
        pseudonyms=list(pseudonyms),
        member_ids=list(member_ids),
        actions=[_action(action, by, at)],
        rule=rule,
    )
    db.add(incident)
    await db.commit()
    return incident


async def _incident(db: AsyncSession, incident_id: str) -> Incident:
    incident = await db.get(Incident, incident_id)
    if incident is None:
        raise ApiError("not_found", "no such incident", 404)
    return incident


async def append_action(
    db: AsyncSession, incident_id: str, what: str, by: str | None, *, now: datetime | None = None
) -> Incident:
    """Add what was done next (e.g. "returned from breakout", "removed")."""
    incident = await _incident(db, incident_id)
    # a new list, so the JSON column is seen as changed
    incident.actions = [*incident.actions, _action(what, by, now or utcnow())]
    await db.commit()
    return incident


async def write_note(
    db: AsyncSession, user_id: str, incident_id: str, note: str, *, now: datetime | None = None
) -> Incident:
    """Write (or replace) the incident note; only the group's facilitators and admins."""
    incident = await _incident(db, incident_id)
    if not await is_group_facilitator_or_admin(db, user_id, incident.group_id):
        raise ApiError("forbidden", "only this group's facilitators can write notes", 403)
    note = note.strip()
    if not note or len(note) > MAX_NOTE_CHARS:
        raise ApiError("invalid_note", f"a note is 1 to {MAX_NOTE_CHARS} characters", 400)
    at = now or utcnow()
    incident.note, incident.note_by, incident.note_at = note, user_id, at
    incident.actions = [*incident.actions, _action("note written", user_id, at)]
    add_audit(
        db,
        actor_id=user_id,
        action="incident.note_written",
        target_type="incident",
        target_id=incident.id,
        group_id=incident.group_id,
    )
    await db.commit()
    return incident


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    # SQLite hands back naive datetimes; everything is stored in UTC
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def incident_view(incident: Incident) -> dict[str, Any]:
    """What facilitators see: no member ids (they are for erasure only)."""
    return {
        "id": incident.id,
        "group_id": incident.group_id,
        "session_id": incident.session_id,
        "kind": incident.kind,
        "occurred_at": _iso(incident.occurred_at),
        "pseudonyms": list(incident.pseudonyms),
        "actions": list(incident.actions),
        "rule": incident.rule,
        "note": incident.note,
        "note_by": incident.note_by,
        "note_at": _iso(incident.note_at),
    }


async def list_incidents(
    db: AsyncSession, user_id: str, group_id: str, *, session_id: str | None = None
) -> list[dict[str, Any]]:
    """A group's incidents, newest first; only the group's facilitators and admins."""
    if not await is_group_facilitator_or_admin(db, user_id, group_id):
        raise ApiError("forbidden", "only this group's facilitators can see incidents", 403)
    query = select(Incident).where(Incident.group_id == group_id)
    if session_id is not None:
        query = query.where(Incident.session_id == session_id)
    rows = (await db.scalars(query.order_by(Incident.occurred_at.desc(), Incident.id))).all()
    return [incident_view(row) for row in rows]


def _rule_text(ground_rules: list[Any], index: int) -> str:
    if not 0 <= index < len(ground_rules):
        raise ApiError("invalid_rule", "no such ground rule", 400)
    item = ground_rules[index]
    if isinstance(item, dict):
        return str(item.get("text", ""))
    return str(item)


async def record_breach(
    db: AsyncSession,
    group_id: str,
    session_id: str,
    member_id: str,
    pseudonym: str,
    rule: int,
    by: str | None,
    *,
    now: datetime | None = None,
) -> BreachOutcome:
    """Record a breach of ground rule number ``rule`` (index into the group's ground_rules) and
    apply the group's breach_policy to the member's breaches in this session. The caller acts
    on the returned action (remind, mute, remove)."""
    group = await db.get(Group, group_id)
    if group is None:
        raise ApiError("not_found", "no such group", 404)
    try:
        policy = read_safety_settings(group.settings or {}).breach_policy
    except DomainError as exc:
        raise ApiError(exc.code, exc.message, 500) from exc
    text = _rule_text(list(group.ground_rules or []), rule)
    earlier = (
        await db.scalars(
            select(Incident.member_ids).where(
                Incident.group_id == group_id,
                Incident.session_id == session_id,
                Incident.kind == "breach",
            )
        )
    ).all()
    count = 1 + sum(1 for ids in earlier if member_id in ids)
    decision = decide_breach(count, policy)
    incident = await record_incident(
        db,
        group_id,
        session_id,
        "breach",
        [pseudonym],
        [member_id],
        f"breach {count} of rule {rule + 1}: {decision.action}",
        by,
        rule={"index": rule, "text": text},
        now=now,
    )
    return BreachOutcome(decision.action, decision.breach_count, incident.id)
