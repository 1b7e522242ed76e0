"""With Redis, exactly one process ticks a session: the lease is held and renewed by its owner
only, and freed on shutdown for another process to take."""

from __future__ import annotations

import uuid

import pytest

from server.services.session_loop import RedisLease
from tests.conftest import REDIS_URL


@pytest.mark.redis
async def test_only_one_process_holds_a_sessions_lease(require_redis: None) -> None:
    prefix = f"hs-test-{uuid.uuid4().hex[:8]}:"
    first, second = RedisLease(REDIS_URL, prefix=prefix), RedisLease(REDIS_URL, prefix=prefix)
    try:
        assert await first.hold("s1") is True
        assert await second.hold("s1") is False
        assert await first.hold("s1") is True  # renewed by its owner
        assert await second.hold("s2") is True  # another session is free
        await first.release_all()
        assert await second.hold("s1") is True
    finally:
        await second.release_all()
