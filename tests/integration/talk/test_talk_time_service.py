"""The talk-time use cases keep the pure ledger in live state: figures survive a reconnect,
a move and a fresh service object (as after a process restart), in memory and in Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from server.live.state import LiveState, create_live_state
from server.services.runtime import Runtime
from server.services.talk_time import TalkTime
from tests.conftest import REDIS_URL


class SteppedClock:
    def __init__(self) -> None:
        self.ms = 1_000_000

    def now_ms(self) -> int:
        return self.ms


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def live(request: pytest.FixtureRequest) -> AsyncIterator[LiveState]:
    if request.param == "redis":
        request.getfixturevalue("require_redis")
        state = create_live_state(REDIS_URL, prefix=f"hs-test-{uuid.uuid4().hex[:8]}:")
    else:
        state = create_live_state("")
    yield state
    await state.close()


def _runtime(live: LiveState, clock: SteppedClock) -> Runtime:
    return Runtime(db=None, live=live, broadcaster=None, clock=clock)  # type: ignore[arg-type]


async def _speak(talk: TalkTime, clock: SteppedClock, member: str, start: int, length: int) -> None:
    clock.ms = start
    await talk.speaking_changed("s1", member, "main", True, start)
    clock.ms = start + length
    await talk.speaking_changed("s1", member, "main", False, start + length)


def _member(report: dict[str, Any], room: str, member: str) -> dict[str, Any]:
    members = report["rooms"][room]["members"]
    return next(m for m in members if m["member"] == member)


async def test_speaking_time_accumulates_and_survives_a_new_service(live: LiveState) -> None:
    clock = SteppedClock()
    talk = TalkTime(_runtime(live, clock))
    await talk.entered("s1", "ana", "main", "peer")
    await talk.entered("s1", "lead", "main", "lead")
    await _speak(talk, clock, "ana", 1_001_000, 4_000)
    await _speak(talk, clock, "ana", 1_010_000, 2_000)

    restarted = TalkTime(_runtime(live, clock))  # nothing kept in the service object
    clock.ms = 1_020_000
    ana = _member(await restarted.report("s1"), "main", "ana")
    assert ana["total_ms"] == 6_000
    assert ana["turns"] == 2


async def test_reconnect_continues_and_a_move_measures_the_new_room(live: LiveState) -> None:
    clock = SteppedClock()
    talk = TalkTime(_runtime(live, clock))
    await talk.entered("s1", "ana", "main", "peer")
    await _speak(talk, clock, "ana", 1_001_000, 3_000)
    clock.ms = 1_005_000
    await talk.left("s1", "ana")
    await talk.entered("s1", "ana", "main", "peer")
    await _speak(talk, clock, "ana", 1_006_000, 3_000)
    clock.ms = 1_010_000
    await talk.entered("s1", "ana", "breakout-1", "peer")
    await talk.speaking_changed("s1", "ana", "main", True, 1_010_500)  # stale room: ignored
    clock.ms = 1_011_000
    await talk.speaking_changed("s1", "ana", "breakout-1", True, 1_011_000)
    clock.ms = 1_013_000
    await talk.speaking_changed("s1", "ana", "breakout-1", False, 1_013_000)
    clock.ms = 1_020_000
    report = await talk.report("s1")
    assert _member(report, "main", "ana")["total_ms"] == 6_000
    assert _member(report, "breakout-1", "ana")["total_ms"] == 2_000
