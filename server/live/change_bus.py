"""A change bus: tells every server process that shared configuration changed.

In-process by default (one server process); over Redis pub/sub when REDIS_URL is set, so an
admin's save reaches every process at once. Messages are small JSON objects, never content.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

Listener = Callable[[dict[str, Any]], Awaitable[None]]


class ChangeBus(Protocol):
    def subscribe(self, channel: str, listener: Listener) -> None: ...

    async def publish(self, channel: str, message: dict[str, Any]) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class _Listeners:
    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {}

    def subscribe(self, channel: str, listener: Listener) -> None:
        self._listeners.setdefault(channel, []).append(listener)

    async def deliver(self, channel: str, message: dict[str, Any]) -> None:
        for listener in self._listeners.get(channel, ()):
            try:
                await listener(message)
            except Exception:  # a bad listener must not stop the others
                log.exception("change bus listener failed on %s", channel)


class InProcessBus(_Listeners):
    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        await self.deliver(channel, message)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class RedisBus(_Listeners):
    """Publishes on `holdspace:{channel}`; one listener task per process re-delivers locally."""

    PREFIX = "holdspace:"

    def __init__(self, url: str) -> None:
        super().__init__()
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(url)
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        await self._redis.publish(self.PREFIX + channel, json.dumps(message))

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen())
        await asyncio.wait_for(self._ready.wait(), timeout=10)

    async def _listen(self) -> None:
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.psubscribe(self.PREFIX + "*")
                self._ready.set()
                async for item in pubsub.listen():
                    if item.get("type") != "pmessage":
                        continue
                    channel = item["channel"].decode()[len(self.PREFIX) :]
                    await self.deliver(channel, json.loads(item["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("change bus lost Redis; reconnecting")
                await asyncio.sleep(1.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._redis.aclose()


def create_bus(redis_url: str) -> ChangeBus:
    return RedisBus(redis_url) if redis_url else InProcessBus()
