"""socket.io test clients that keep every event they receive, in order and per name."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import socketio

# An upper bound on waiting for something that should come, never a delay: on a loaded 2-core
# machine a breakout:open has taken 17 s (0.5 s when quiet).
TIMEOUT_S = 30


class Client:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.queues: dict[str, asyncio.Queue[Any]] = defaultdict(asyncio.Queue)
        self.connect_errors: asyncio.Queue[Any] = asyncio.Queue()
        self.disconnected = asyncio.Event()

        @self.sio.on("*")
        async def any_event(event: str, data: Any = None) -> None:
            self.queues[event].put_nowait(data)

        @self.sio.event
        async def connect_error(data: Any) -> None:
            self.connect_errors.put_nowait(data)

        @self.sio.event
        async def disconnect(*_reason: Any) -> None:
            self.disconnected.set()

    async def connect(
        self,
        session_id: str,
        *,
        member_token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Client:
        auth: dict[str, Any] = {"session_id": session_id}
        if member_token is not None:
            auth["member_token"] = member_token
        await self.sio.connect(
            self.base_url,
            auth=auth,
            headers=headers or {},
            transports=["websocket"],
            wait_timeout=TIMEOUT_S,
        )
        return self

    async def call(self, event: str, data: Any = None) -> dict[str, Any]:
        return await self.sio.call(event, {} if data is None else data, timeout=TIMEOUT_S)

    async def next(self, event: str) -> Any:
        return await asyncio.wait_for(self.queues[event].get(), TIMEOUT_S)

    async def next_matching(self, event: str, predicate: Any) -> Any:
        """The next `event` whose payload satisfies `predicate` (earlier ones are skipped)."""

        async def find() -> Any:
            while True:
                data = await self.queues[event].get()
                if predicate(data):
                    return data

        return await asyncio.wait_for(find(), TIMEOUT_S)

    async def next_connect_error(self) -> Any:
        return await asyncio.wait_for(self.connect_errors.get(), TIMEOUT_S)

    def pending(self, event: str) -> list[Any]:
        """Everything of `event` received and not yet consumed (taken out of the queue)."""
        items = []
        queue = self.queues[event]
        while not queue.empty():
            items.append(queue.get_nowait())
        return items

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
