"""Retention deletes expired incidents and nothing else; erasure removes personal data and keeps
the anonymous counts."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from aiohttp import web
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from server import context
from server.services.contacts import save_contact
from server.services.incidents import record_incident, write_note
from server.services.retention import erase_member, purge_expired, run_retention_forever
from server.services.tokens import hash_token
from server.settings import Settings
from server.storage.db import make_sessionmaker
from server.storage.models import (
    AuditEntry,
    Incident,
    Member,
    SafeguardingContact,
    SessionSummary,
    User,
)

from .conftest import NOW, World


async def _counts(db: AsyncSession) -> dict[str, int]:
    db.expire_all()
    counts = {}
    for model in (Member, SafeguardingContact, AuditEntry, User):
        counts[model.__tablename__] = int(
            await db.scalar(select(func.count()).select_from(model)) or 0
        )
    return counts


async def _incident(db: AsyncSession, group: str, days_ago: float, tag: str) -> str:
    incident = await record_incident(
        db, group, None, "distress", [], [], tag, None, now=NOW - timedelta(days=days_ago)
    )
    return incident.id


async def _incident_ids(db: AsyncSession) -> set[str]:
    return set((await db.scalars(select(Incident.id))).all())


async def test_purge_deletes_per_group_retention_and_nothing_else(
    db: AsyncSession, settings: Settings, world: World
) -> None:
    # group A keeps 30 days, group B the default 180
    await save_contact(db, settings, world.sam, world.group_a, "07700900123", None, None)
    a_old = await _incident(db, world.group_a, 31, "a old")
    a_new = await _incident(db, world.group_a, 29, "a new")
    b_mid = await _incident(db, world.group_b, 31, "b mid")
    b_old = await _incident(db, world.group_b, 181, "b old")
    before = await _counts(db)
    assert await purge_expired(db, NOW) == 2
    assert await _incident_ids(db) == {a_new, b_mid}
    assert await _counts(db) == before
    assert a_old not in await _incident_ids(db) and b_old not in await _incident_ids(db)
    assert await purge_expired(db, NOW) == 0


async def test_erasure_removes_personal_data_and_keeps_counts(
    db: AsyncSession, settings: Settings, world: World
) -> None:
    await save_contact(db, settings, world.sam, world.group_a, "07700900123", "s@x.org", None)
    await save_contact(db, settings, world.alex, world.group_a, "07700900999", None, None)
    pair_id = (
        await record_incident(
            db,
            world.group_a,
            world.session_a,
            "distress",
            ["Sam", "Alex"],
            [world.sam, world.alex],
            "Sam moved to breakout, Alex stayed",
            world.fac_a,
        )
    ).id
    await write_note(db, world.fac_a, pair_id, "Sam said they were OK; Sample follow-up")
    await record_incident(
        db, world.group_a, world.session_a, "breach", ["Sam"], [world.sam], "reminded", None
    )
    await record_incident(
        db, world.group_b, world.session_b, "breach", ["Bo"], [world.bo], "reminded", None
    )

    async def counts_by_group_kind() -> Counter[tuple[str, str]]:
        rows = (await db.execute(select(Incident.group_id, Incident.kind))).all()
        return Counter((g, k) for g, k in rows)

    summary_rows = [
        {"member_id": world.sam, "name": "Sam", "total_ms": 61_000},
        {"member_id": world.alex, "name": "Alex", "total_ms": 12_000},
    ]
    db.add(
        SessionSummary(
            session_id=world.session_a,
            group_id=world.group_a,
            data={"rooms": {"main": {"members": summary_rows}}, "cues": {"count": 1}},
        )
    )
    await db.commit()
    counts_before = await counts_by_group_kind()
    await erase_member(db, world.sam, actor=world.admin)
    db.expire_all()

    assert await counts_by_group_kind() == counts_before
    sam = await db.get(Member, world.sam)
    assert sam is not None and sam.pseudonym == "Erased member" and sam.erased_at is not None
    assert sam.token_hash != hash_token(world.sam_token)
    found = await db.scalar(select(Member).where(Member.token_hash == hash_token(world.sam_token)))
    assert found is None
    contacts = (await db.scalars(select(SafeguardingContact.member_id))).all()
    assert contacts == [world.alex]
    raw = " ".join(str(row) for row in (await db.execute(text("SELECT * FROM incidents"))).all())
    assert "Sam" not in raw.replace("Sample", "")
    assert "Alex" in raw and "Bo" in raw
    erased_pair = await db.get(Incident, pair_id)
    assert erased_pair is not None
    assert erased_pair.pseudonyms == ["Erased member", "Alex"]
    assert erased_pair.note == "Erased member said they were OK; Sample follow-up"
    audit = (await db.scalars(select(AuditEntry).where(AuditEntry.action == "member.erased"))).all()
    assert [(a.actor_id, a.target_id) for a in audit] == [(world.admin, world.sam)]
    bo = await db.get(Member, world.bo)
    assert bo is not None and bo.pseudonym == "Bo" and bo.erased_at is None
    summary = await db.get(SessionSummary, world.session_a)
    assert summary is not None
    assert summary.data["rooms"]["main"]["members"] == [
        {"member_id": world.sam, "name": "Erased member", "total_ms": 61_000},
        {"member_id": world.alex, "name": "Alex", "total_ms": 12_000},
    ]
    assert summary.data["cues"] == {"count": 1}


async def test_erasing_twice_is_harmless(db: AsyncSession, world: World) -> None:
    await erase_member(db, world.alex, actor=None)
    await erase_member(db, world.alex, actor=None)
    alex = await db.get(Member, world.alex)
    assert alex is not None and alex.pseudonym == "Erased member"


class _Clock:
    def now_ms(self) -> int:
        return int(NOW.timestamp() * 1000)


async def test_periodic_task_purges_then_waits_and_stops_on_cancel(
    engine: AsyncEngine, db: AsyncSession, world: World
) -> None:
    expired = await _incident(db, world.group_a, 31, "old")
    kept = await _incident(db, world.group_a, 1, "new")
    app = web.Application()
    app[context.DB] = make_sessionmaker(engine)
    app[context.CLOCK] = _Clock()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await run_retention_forever(app, 60.0, sleep=sleep)
    assert waits == [60.0, 60.0]
    db.expire_all()
    ids = await _incident_ids(db)
    assert expired not in ids and kept in ids
