"""Per-connection rate limits for socket events: a token bucket per connection and event family.

The numbers are in this module (docs/protocol.md, "Rate limits", lists them for clients); which
family an event belongs to, and whether staff are exempt from it, is part of the event's one
declaration (`EventSpec` in server/realtime/namespace.py). A connection starts with a full
bucket per family: `burst` events at once, then one more every `interval_ms`. An event over the
limit is refused before anything happens (nothing is validated, stored or sent for it); what was
accepted before stays accepted.

Families keep one chatty thing from starving another: a peer who floods the chat can still ask
for support or switch their camera off. Staff (lead, co, standby) get twice every limit, and
their moderation events (admit, remove, breach, release a held message, breakouts, rounds,
hands, presence checks, ending the session...) are never limited: staff are accounts an admin
created, and a facilitator acting in a crisis must never be told to wait.

State is plain process memory keyed by the socket.io sid: the process that holds a socket
receives all of its events, so with several server processes each connection is limited
exactly, by the process holding it. The limit is per connection, not per person.

Pure: no asyncio, no wall clock; every method takes `now_ms`.
"""

from __future__ import annotations

from dataclasses import dataclass

# the families; an event not given one is GENERAL
CHAT = "chat"
MEDIA_STATE = "media_state"
SIGNALS = "signals"
SUPPORT = "support"
GENERAL = "general"


@dataclass(frozen=True)
class Limit:
    """`burst` events at once, then one every `interval_ms` on average."""

    burst: int
    interval_ms: int

    def __post_init__(self) -> None:
        if self.burst < 1 or self.interval_ms < 1:
            raise ValueError(f"a limit needs burst >= 1 and interval_ms >= 1, not {self}")

    def scaled(self, factor: int) -> Limit:
        """The same limit `factor` times as generous: bigger bursts, faster refill."""
        return Limit(self.burst * factor, max(1, self.interval_ms // factor))


# Limits per family for peers; staff get STAFF_FACTOR times each (see the module docstring).
FAMILY_LIMITS: dict[str, Limit] = {
    # reaches the whole room (or every facilitator): bursts of 5, then 1 a second
    CHAT: Limit(burst=5, interval_ms=1000),
    # each real change re-sends the room's participant list to everyone in it
    MEDIA_STATE: Limit(burst=5, interval_ms=500),
    # hands, turns and answers that notify the room or the facilitators
    SIGNALS: Limit(burst=5, interval_ms=1000),
    # its own bucket so nothing else can use it up; asking again while the first signal stands
    # only adds to the same incident, so the refill is slow
    SUPPORT: Limit(burst=3, interval_ms=5000),
    # everything else (joining, media set-up, contact details...): generous
    GENERAL: Limit(burst=20, interval_ms=200),
}

STAFF_FACTOR = 2


def limit_for(family: str, *, staff_unlimited: bool, staff: bool) -> Limit | None:
    """The limit on an event of `family` for a peer or a staff connection; None: never limited.
    An event marked `staff_unlimited` (moderation, session control) is never limited for staff;
    for peers it counts in its family like any other."""
    if staff and staff_unlimited:
        return None
    limit = FAMILY_LIMITS[family]
    return limit.scaled(STAFF_FACTOR) if staff else limit


class TokenBucket:
    """A token bucket counted in milliseconds of credit: full is `burst * interval_ms`, an event
    costs `interval_ms`, and credit comes back one millisecond per millisecond. Integers only,
    so `retry_after_ms` is exact. A clock that goes back refills nothing."""

    def __init__(self, limit: Limit, now_ms: int) -> None:
        self._limit = limit
        self._credit_ms = limit.burst * limit.interval_ms
        self._updated_ms = now_ms

    def _refill(self, now_ms: int) -> None:
        elapsed_ms = max(0, now_ms - self._updated_ms)
        full_ms = self._limit.burst * self._limit.interval_ms
        self._credit_ms = min(full_ms, self._credit_ms + elapsed_ms)
        self._updated_ms = max(self._updated_ms, now_ms)

    def take(self, now_ms: int) -> int:
        """Take one event's worth: 0 when taken, else the milliseconds until one would be (and
        nothing is taken)."""
        self._refill(now_ms)
        cost_ms = self._limit.interval_ms
        if self._credit_ms >= cost_ms:
            self._credit_ms -= cost_ms
            return 0
        return cost_ms - self._credit_ms

    def available(self, now_ms: int) -> int:
        """Whole events that would be taken now."""
        self._refill(now_ms)
        return self._credit_ms // self._limit.interval_ms


@dataclass(frozen=True)
class Refusal:
    family: str
    retry_after_ms: int
    in_a_row: int  # refusals of this family on this connection since its last accepted event


class ConnectionLimits:
    """The buckets of every connection of this process, by sid and family."""

    def __init__(self) -> None:
        self._buckets: dict[str, dict[str, TokenBucket]] = {}
        self._refused: dict[tuple[str, str], int] = {}

    def check(
        self, sid: str, family: str, *, staff_unlimited: bool, staff: bool, now_ms: int
    ) -> Refusal | None:
        """Count an event of `family` from connection `sid` (see `limit_for`): None when it may
        go ahead, else a Refusal."""
        limit = limit_for(family, staff_unlimited=staff_unlimited, staff=staff)
        if limit is None:
            return None
        buckets = self._buckets.setdefault(sid, {})
        bucket = buckets.get(family)
        if bucket is None:
            bucket = buckets[family] = TokenBucket(limit, now_ms)
        wait_ms = bucket.take(now_ms)
        if wait_ms == 0:
            self._refused.pop((sid, family), None)
            return None
        in_a_row = self._refused.get((sid, family), 0) + 1
        self._refused[(sid, family)] = in_a_row
        return Refusal(family, wait_ms, in_a_row)

    def forget(self, sid: str) -> None:
        """The connection closed: drop its buckets."""
        for family in self._buckets.pop(sid, {}):
            self._refused.pop((sid, family), None)

    def tracked(self) -> set[str]:
        """The sids that have buckets (for tests and diagnostics)."""
        return set(self._buckets)
