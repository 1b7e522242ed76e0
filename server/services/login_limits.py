"""Login rate limit: a sliding one-minute window of failed attempts, per email and per IP.

In-process: each server process counts on its own, so with N processes an attacker gets at most N
times the limit. That is acceptable for a small self-hosted service; a shared limit would live in
Redis behind the same two methods.
"""

from __future__ import annotations

from collections import deque

WINDOW_MS = 60_000


class LoginLimiter:
    def __init__(self, attempts_per_minute: int) -> None:
        self._limit = attempts_per_minute
        self._failures: dict[str, deque[int]] = {}

    def _recent(self, key: str, now_ms: int) -> deque[int]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now_ms - WINDOW_MS:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after_s(self, keys: list[str], now_ms: int) -> int:
        """0 when every key may try now, else the seconds until the oldest failure leaves the
        window of the most-limited key."""
        wait_ms = 0
        for key in keys:
            times = self._recent(key, now_ms)
            if len(times) >= self._limit:
                wait_ms = max(wait_ms, times[0] + WINDOW_MS - now_ms)
        return -(-wait_ms // 1000)

    def record_failure(self, keys: list[str], now_ms: int) -> None:
        for key in keys:
            self._recent(key, now_ms)
            self._failures.setdefault(key, deque()).append(now_ms)

    def clear(self, key: str) -> None:
        self._failures.pop(key, None)
