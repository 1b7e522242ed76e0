"""Per-connection rate limits for socket events: a token bucket per connection and event family.

Every limit of every socket event is in this module (docs/protocol.md, "Rate limits", lists
them for clients). A connection starts with a full bucket per family: `burst` events at once,
then one more every `interval_ms`. An event over the limit is refused before anything happens
(nothing is validated, stored or sent for it); what was accepted before stays accepted.

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
    "chat": Limit(burst=5, interval_ms=1000),
    # each real change re-sends the room's participant list to everyone in it
    "media_state": Limit(burst=5, interval_ms=500),
    # hands, turns and answers that notify the room or the facilitators
    "signals": Limit(burst=5, interval_ms=1000),
    # its own bucket so nothing else can use it up; asking again while the first signal stands
    # only adds to the same incident, so the refill is slow
    "support": Limit(burst=3, interval_ms=5000),
    # everything else (joining, media set-up, contact details...): generous
    GENERAL: Limit(burst=20, interval_ms=200),
}

EVENT_FAMILIES: dict[str, str] = {
    "chat:send": "chat",
    "backchannel:send": "chat",
    "media:state": "media_state",
    "hand:raise": "signals",
    "hand:lower": "signals",
    "round:pass": "signals",
    "lobby:enter": "signals",
    "breakout:request_return": "signals",
    "presence:here": "signals",
    "support:request": "support",
}

STAFF_FACTOR = 2

# Moderation and session control: never limited for staff (peers are refused them by role,
# after their general limit).
STAFF_UNLIMITED: frozenset[str] = frozenset(
    {
        "lobby:admit",
        "lobby:decline",
        "session:open_lobby",
        "session:go_live",
        "session:end",
        "participant:remove",
        "breach:mark",
        "trigger:approve",
        "trigger:reject",
        "breakout:open",
        "breakout:return",
        "breakout:step_in",
        "breakout:close",
        "lead:handover",
        "standby:appear",
        "round:start",
        "round:next",
        "round:pass",
        "round:skip",
        "round:reorder",
        "round:end",
        "hand:take",
        "hand:move",
        "hand:lower",
        "presence:check",
    }
)


def family_of(event: str) -> str:
    return EVENT_FAMILIES.get(event, GENERAL)


def limit_for(event: str, *, staff: bool) -> Limit | None:
    """The limit on `event` for a peer or a staff connection; None: never limited."""
    if staff and event in STAFF_UNLIMITED:
        return None
    limit = FAMILY_LIMITS[family_of(event)]
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

    def check(self, sid: str, event: str, *, staff: bool, now_ms: int) -> Refusal | None:
        """Count `event` from connection `sid`: None when it may go ahead, else a Refusal."""
        limit = limit_for(event, staff=staff)
        if limit is None:
            return None
        family = family_of(event)
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
