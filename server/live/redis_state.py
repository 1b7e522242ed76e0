"""Redis LiveState: shared by any number of server processes.

Values are JSON strings, logs are Redis lists trimmed on every append; every key carries a TTL.
update_json uses WATCH/MULTI and retries when another writer changed the key first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import WatchError

from server.live.state import DEFAULT_TTL_S, ConflictError

MAX_ATTEMPTS = 100


class RedisLiveState:
    def __init__(self, client: Redis, *, prefix: str = "hs:", ttl_s: int = DEFAULT_TTL_S) -> None:
        self._redis = client
        self._prefix = prefix
        self._ttl_s = ttl_s

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "hs:") -> RedisLiveState:
        return cls(Redis.from_url(url, decode_responses=True), prefix=prefix)

    def _key(self, session_id: str, key: str) -> str:
        return f"{self._prefix}s:{session_id}:{key}"

    async def get_json(self, session_id: str, key: str) -> Any | None:
        raw = await self._redis.get(self._key(session_id, key))
        return None if raw is None else json.loads(raw)

    async def set_json(self, session_id: str, key: str, value: Any) -> None:
        name = self._key(session_id, key)
        if value is None:
            await self._redis.delete(name)
        else:
            await self._redis.set(name, json.dumps(value), ex=self._ttl_s)

    async def update_json(
        self, session_id: str, key: str, change: Callable[[Any | None], Any | None]
    ) -> Any | None:
        name = self._key(session_id, key)
        async with self._redis.pipeline(transaction=True) as pipe:
            for _ in range(MAX_ATTEMPTS):
                try:
                    await pipe.watch(name)
                    raw = await pipe.get(name)
                    new = change(None if raw is None else json.loads(raw))
                    pipe.multi()
                    if new is None:
                        pipe.delete(name)
                    else:
                        pipe.set(name, json.dumps(new), ex=self._ttl_s)
                    await pipe.execute()
                    return None if new is None else json.loads(json.dumps(new))
                except WatchError:
                    continue
        raise ConflictError(f"too many concurrent writers on {key}")

    async def append(self, session_id: str, key: str, item: Any, *, keep: int) -> None:
        name = self._key(session_id, key)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(name, json.dumps(item))
            pipe.ltrim(name, -keep, -1)
            pipe.expire(name, self._ttl_s)
            await pipe.execute()

    async def tail(self, session_id: str, key: str, limit: int) -> list[Any]:
        if limit <= 0:
            return []
        items = await self._redis.lrange(self._key(session_id, key), -limit, -1)
        return [json.loads(raw) for raw in items]

    async def clear_session(self, session_id: str) -> None:
        pattern = self._key(session_id, "*")
        names = [name async for name in self._redis.scan_iter(match=pattern, count=200)]
        if names:
            await self._redis.delete(*names)

    async def close(self) -> None:
        await self._redis.aclose()
