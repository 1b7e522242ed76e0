"""Retention and erasure: incidents are kept for each group's ``retention_days``; a member can be
erased, which removes their personal data but keeps the anonymous counts (incident rows stay).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator.errors import DomainError
from facilitator.safeguarding import (
    DEFAULT_RETENTION_DAYS,
    ERASED_PSEUDONYM,
    erase_from_summary,
    read_safety_settings,
    scrub_pseudonym,
)
from server import context
from server.errors import ApiError
from server.services.contacts import stage_contact_deletion
from server.services.safeguarding_access import add_audit
from server.services.tokens import hash_token, new_token
from server.storage.models import Attendance, Group, Incident, Member, SessionSummary, utcnow

log = logging.getLogger("holdspace.retention")

DEFAULT_INTERVAL_S = 3600.0


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _retention_days(settings: dict[str, object] | None) -> int:
    try:
        return read_safety_settings(settings or {}).retention_days
    except DomainError:
        # a broken setting must not stop the purge of every other group; keep the default
        log.warning("invalid safety settings; purging with %d days", DEFAULT_RETENTION_DAYS)
        return DEFAULT_RETENTION_DAYS


async def purge_expired(db: AsyncSession, now: datetime) -> int:
    """Delete incidents older than their group's retention_days; nothing else. Returns how many
    were deleted. One transaction: a cancelled purge deletes nothing."""
    now = _as_utc(now)
    groups = (await db.execute(select(Group.id, Group.settings))).all()
    deleted = 0
    for group_id, settings in groups:
        cutoff = now - timedelta(days=_retention_days(settings))
        result = await db.execute(
            delete(Incident).where(Incident.group_id == group_id, Incident.occurred_at < cutoff)
        )
        deleted += result.rowcount or 0  # type: ignore[attr-defined]  # a CursorResult
    await db.commit()
    if deleted:
        log.info("retention: deleted %d expired incidents", deleted)
    return deleted


async def erase_member(db: AsyncSession, member_id: str, actor: str | None) -> None:
    """Remove a member's personal data: contact deleted, pseudonym replaced by "Erased member",
    rejoin token hash replaced (their link stops working), pseudonym scrubbed from incidents
    and lobby messages. Incident rows and their kinds stay, so anonymous counts do not change.
    Idempotent; audited as ``member.erased``."""
    member = await db.get(Member, member_id)
    if member is None:
        raise ApiError("not_found", "no such member", 404)
    old_pseudonym = member.pseudonym
    await stage_contact_deletion(db, member_id, actor)
    incidents = (
        await db.scalars(select(Incident).where(Incident.group_id == member.group_id))
    ).all()
    for incident in incidents:
        if member_id not in incident.member_ids:
            continue
        incident.pseudonyms = [
            ERASED_PSEUDONYM if owner == member_id else name
            for owner, name in zip(incident.member_ids, incident.pseudonyms, strict=False)
        ]
        incident.actions = [
            {**entry, "what": scrub_pseudonym(str(entry.get("what", "")), old_pseudonym)}
            for entry in incident.actions
        ]
        if incident.note:
            incident.note = scrub_pseudonym(incident.note, old_pseudonym)
    attendances = (
        await db.scalars(select(Attendance).where(Attendance.member_id == member_id))
    ).all()
    for attendance in attendances:
        if attendance.decision_message:
            attendance.decision_message = scrub_pseudonym(
                attendance.decision_message, old_pseudonym
            )
    summaries = (
        await db.scalars(select(SessionSummary).where(SessionSummary.group_id == member.group_id))
    ).all()
    for summary in summaries:
        summary.data = erase_from_summary(summary.data, member_id)
    member.pseudonym = ERASED_PSEUDONYM
    member.token_hash = hash_token(new_token())  # nobody holds this token
    member.erased_at = member.erased_at or utcnow()
    add_audit(
        db,
        actor_id=actor,
        action="member.erased",
        target_type="member",
        target_id=member_id,
        group_id=member.group_id,
    )
    await db.commit()


async def run_retention_forever(
    app: web.Application,
    interval_s: float = DEFAULT_INTERVAL_S,
    *,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> None:
    """Purge expired incidents now and then every ``interval_s``, until cancelled. A failed
    purge is logged and retried next time; cancellation propagates (each purge is one
    transaction, so cancelling mid-purge leaves nothing half-done)."""
    while True:
        now = datetime.fromtimestamp(app[context.CLOCK].now_ms() / 1000, UTC)
        try:
            async with app[context.DB]() as db:
                await purge_expired(db, now)
        except Exception:
            log.exception("retention purge failed; retrying in %.0f s", interval_s)
        await sleep(interval_s)


def retention_cleanup_ctx(
    interval_s: float = DEFAULT_INTERVAL_S,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """For ``app.cleanup_ctx.append(...)`` after the database context: runs the purge loop as a
    background task for the app's lifetime and cancels it on shutdown."""

    async def _retention(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(run_retention_forever(app, interval_s))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return _retention
