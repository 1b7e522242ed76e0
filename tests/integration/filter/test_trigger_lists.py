"""Trigger list versions against a real database: validation, history, diff, revert, and the
compiled matcher swapping when a save lands, in this process and in another one over Redis."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from server.errors import ApiError
from server.live.change_bus import InProcessBus, RedisBus
from server.services.trigger_lists import GLOBAL, TriggerLists
from server.storage.db import create_engine, make_sessionmaker, migrate
from server.storage.models import Group, TriggerListVersion
from tests.conftest import REDIS_URL


@pytest.fixture
async def db(database_url: str):  # type: ignore[no-untyped-def]
    await migrate(database_url)
    engine = create_engine(database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def _group(db: Any) -> str:
    async with db() as session:
        group = Group(name="Tuesday group", ground_rules=["Be kind."])
        session.add(group)
        await session.commit()
        return group.id


async def _count_versions(db: Any) -> int:
    async with db() as session:
        return int(await session.scalar(select(func.count()).select_from(TriggerListVersion)))


def _categories(hits: list[Any]) -> list[str]:
    return [hit.category for hit in hits]


async def test_defaults_flag_a_brand_before_any_save(db: Any) -> None:
    lists = TriggerLists(db, InProcessBus())
    matcher = await lists.matcher_for_group(None)
    assert "brand" in _categories(matcher.scan("I used to be on bet365 every night"))


async def test_global_save_adds_a_term_and_history_diff_and_revert_follow(db: Any) -> None:
    lists = TriggerLists(db, InProcessBus())
    data = await lists.global_data()
    assert not (await lists.matcher_for_group(None)).scan("my zorblax habit")
    data["brand"]["terms"].append({"term": "zorblax", "aliases": ["zorb1ax"]})
    saved = await lists.save(GLOBAL, data, None, "add zorblax")
    assert saved.number == 1
    hits = (await lists.matcher_for_group(None)).scan("my Zorblax habit")
    assert [(h.category, h.text) for h in hits] == [("brand", "Zorblax")]

    diff = await lists.diff(GLOBAL, 0, 1)
    assert "terms: zorblax" in diff["brand"]["added"]
    history = await lists.history(GLOBAL)
    assert [v["summary"] for v in history] == ["add zorblax"]

    reverted = await lists.revert(GLOBAL, 0, None)
    assert reverted.number == 2
    assert not (await lists.matcher_for_group(None)).scan("my zorblax habit")


@pytest.mark.parametrize(
    "bad_term",
    ["", " ", "x" * 101, "**", "bet*365*"],
    ids=["empty", "blank", "too-long", "only-wildcards", "inner-wildcard"],
)
async def test_bad_lists_are_refused_and_nothing_is_saved(db: Any, bad_term: str) -> None:
    lists = TriggerLists(db, InProcessBus())
    data = await lists.global_data()
    data["brand"]["terms"].append({"term": bad_term})
    with pytest.raises(ApiError) as raised:
        await lists.save(GLOBAL, data, None)
    assert raised.value.code == "invalid_lists"
    assert raised.value.details["problems"]
    assert await _count_versions(db) == 0


async def test_more_than_5000_terms_is_refused(db: Any) -> None:
    lists = TriggerLists(db, InProcessBus())
    data = await lists.global_data()
    data["venue"]["terms"] = [{"term": f"venue{i}"} for i in range(5001)]
    with pytest.raises(ApiError):
        await lists.save(GLOBAL, data, None)
    assert await _count_versions(db) == 0


async def test_group_overrides_apply_only_to_that_group(db: Any) -> None:
    lists = TriggerLists(db, InProcessBus())
    group_a, group_b = await _group(db), await _group(db)
    await lists.save(
        group_a,
        {"additions": {"venue": ["the bowling club"]}, "removals": {}, "exceptions": {}},
        None,
    )
    text = "we met at the bowling club"
    assert _categories((await lists.matcher_for_group(group_a)).scan(text)) == ["venue"]
    assert (await lists.matcher_for_group(group_b)).scan(text) == []


async def test_group_overrides_with_unknown_fields_are_refused(db: Any) -> None:
    lists = TriggerLists(db, InProcessBus())
    group = await _group(db)
    with pytest.raises(ApiError) as raised:
        await lists.save(group, {"additions": {"colour": ["red"]}}, None)
    assert raised.value.code == "bad_request"
    assert await _count_versions(db) == 0


async def test_a_save_reaches_another_process_over_redis(db: Any, require_redis: None) -> None:
    bus_a, bus_b = RedisBus(REDIS_URL), RedisBus(REDIS_URL)
    await bus_a.start()
    await bus_b.start()
    try:
        writer, reader = TriggerLists(db, bus_a), TriggerLists(db, bus_b)
        term = "qx" + uuid.uuid4().hex[:8]
        assert (await reader.matcher_for_group(None)).scan(f"at {term} again") == []
        swapped = asyncio.Event()
        bus_b.subscribe("trigger_lists", lambda _m: _set(swapped))
        data = await writer.global_data()
        data["brand"]["terms"].append({"term": term})
        await writer.save(GLOBAL, data, None)
        await asyncio.wait_for(swapped.wait(), timeout=2.0)
        hits = (await reader.matcher_for_group(None)).scan(f"at {term} again")
        assert _categories(hits) == ["brand"]
    finally:
        await bus_a.stop()
        await bus_b.stop()


async def _set(event: asyncio.Event) -> None:
    event.set()
