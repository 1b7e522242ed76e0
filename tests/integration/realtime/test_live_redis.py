"""The LiveState contract against a real Redis, each test under its own key prefix."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from server.live.redis_state import RedisLiveState
from tests.conftest import REDIS_URL
from tests.unit.live.contract import LiveStateContract

pytestmark = pytest.mark.redis


@pytest.fixture
async def live(require_redis: None) -> AsyncIterator[RedisLiveState]:
    prefix = f"hs-test-{uuid.uuid4().hex}:"
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    state = RedisLiveState(client, prefix=prefix)
    try:
        yield state
    finally:
        names = [name async for name in client.scan_iter(match=prefix + "*")]
        if names:
            await client.delete(*names)
        await client.aclose()


class TestRedisLiveState(LiveStateContract):
    async def test_keys_expire(self, live: RedisLiveState) -> None:
        await live.set_json("s1", "k", 1)
        await live.append("s1", "log", 1, keep=3)
        ttl_value = await live._redis.ttl(live._key("s1", "k"))
        ttl_log = await live._redis.ttl(live._key("s1", "log"))
        assert 0 < ttl_value <= 24 * 3600 and 0 < ttl_log <= 24 * 3600
