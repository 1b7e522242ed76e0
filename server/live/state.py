"""The LiveState port: everything a running session needs to survive a reconnect or a server
process restart, kept outside any handler's memory.

The port is deliberately small: per-session JSON values with optimistic concurrency and bounded
per-session logs. Typed views (who is connected, the lobby, chat history) are built on top of it
in `roster.py` and `history.py`, so an adapter only stores and retrieves JSON.
Nothing here is ever written to the SQL database: chat in particular lives only here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

# Every key of a session expires this long after its last write, so an abandoned session's
# live state (chat included) does not linger.
DEFAULT_TTL_S = 24 * 3600


class ConflictError(Exception):
    """update_json gave up after too many concurrent writers changed the same value."""


class LiveState(Protocol):
    async def get_json(self, session_id: str, key: str) -> Any | None:
        """The stored value, or None."""

    async def set_json(self, session_id: str, key: str, value: Any) -> None:
        """Store `value` (JSON-serialisable); None deletes the key."""

    async def update_json(
        self, session_id: str, key: str, change: Callable[[Any | None], Any | None]
    ) -> Any | None:
        """Read-modify-write with optimistic concurrency: `change` gets the current value (or
        None) and returns the new one (None deletes). It may be called more than once when
        another writer got there first, so it must be pure. Returns the stored value."""

    async def append(self, session_id: str, key: str, item: Any, *, keep: int) -> None:
        """Append `item` to a log, keeping only the newest `keep` items."""

    async def tail(self, session_id: str, key: str, limit: int) -> list[Any]:
        """The newest `limit` items of a log, oldest first."""

    async def clear_session(self, session_id: str) -> None:
        """Forget everything about a session (used when it ends)."""

    async def close(self) -> None:
        """Release connections."""


def create_live_state(redis_url: str = "", *, prefix: str = "hs:") -> LiveState:
    """The in-process adapter by default; the Redis adapter when a Redis URL is configured."""
    if redis_url:
        from server.live.redis_state import RedisLiveState

        return RedisLiveState.from_url(redis_url, prefix=prefix)
    from server.live.memory import InMemoryLiveState

    return InMemoryLiveState()
