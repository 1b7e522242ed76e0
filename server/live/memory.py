"""In-process LiveState: one server process, state lost when it stops."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from typing import Any


def _copy(value: Any) -> Any:
    # a JSON round trip gives the same semantics as the Redis adapter: callers never share
    # mutable objects with the store, and non-JSON values fail here too
    return json.loads(json.dumps(value))


class InMemoryLiveState:
    def __init__(self) -> None:
        self._values: dict[str, dict[str, str]] = {}
        self._logs: dict[str, dict[str, deque[str]]] = {}

    async def get_json(self, session_id: str, key: str) -> Any | None:
        raw = self._values.get(session_id, {}).get(key)
        return None if raw is None else json.loads(raw)

    async def set_json(self, session_id: str, key: str, value: Any) -> None:
        values = self._values.setdefault(session_id, {})
        if value is None:
            values.pop(key, None)
        else:
            values[key] = json.dumps(value)

    async def update_json(
        self, session_id: str, key: str, change: Callable[[Any | None], Any | None]
    ) -> Any | None:
        # no await between read and write: atomic on one event loop
        current = await self.get_json(session_id, key)
        new = change(current)
        await self.set_json(session_id, key, new)
        return None if new is None else _copy(new)

    async def append(self, session_id: str, key: str, item: Any, *, keep: int) -> None:
        logs = self._logs.setdefault(session_id, {})
        log = logs.get(key)
        if log is None or log.maxlen != keep:
            log = deque(log or (), maxlen=keep)
            logs[key] = log
        log.append(json.dumps(item))

    async def tail(self, session_id: str, key: str, limit: int) -> list[Any]:
        log = self._logs.get(session_id, {}).get(key)
        if not log or limit <= 0:
            return []
        return [json.loads(raw) for raw in list(log)[-limit:]]

    async def clear_session(self, session_id: str) -> None:
        self._values.pop(session_id, None)
        self._logs.pop(session_id, None)

    async def close(self) -> None:
        return None
