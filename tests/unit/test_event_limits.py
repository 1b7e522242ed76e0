"""Per-connection socket event limits: the token bucket and the table of families, at fixed
times (no clock is read)."""

from __future__ import annotations

import pytest

from server.services.event_limits import (
    FAMILY_LIMITS,
    GENERAL,
    STAFF_FACTOR,
    STAFF_UNLIMITED,
    ConnectionLimits,
    Limit,
    TokenBucket,
    family_of,
    limit_for,
)

T0 = 1_700_000_000_000
CHAT = Limit(burst=5, interval_ms=1000)


def takes(bucket: TokenBucket, now_ms: int, times: int) -> list[int]:
    return [bucket.take(now_ms) for _ in range(times)]


def test_a_full_bucket_takes_a_burst_then_refuses_with_the_wait() -> None:
    bucket = TokenBucket(CHAT, T0)
    assert takes(bucket, T0, 5) == [0, 0, 0, 0, 0]
    assert takes(bucket, T0, 3) == [1000, 1000, 1000]  # refusals take nothing
    assert bucket.available(T0) == 0


def test_retry_after_counts_down_as_time_passes() -> None:
    bucket = TokenBucket(CHAT, T0)
    takes(bucket, T0, 5)
    assert bucket.take(T0 + 1) == 999
    assert bucket.take(T0 + 600) == 400
    assert bucket.take(T0 + 999) == 1
    assert bucket.take(T0 + 1000) == 0  # exactly when it said
    assert bucket.take(T0 + 1000) == 1000


@pytest.mark.parametrize(
    ("idle_ms", "available"),
    [(0, 0), (999, 0), (1000, 1), (2500, 2), (5000, 5), (3_600_000, 5)],
)
def test_refill_is_one_per_interval_up_to_the_burst(idle_ms: int, available: int) -> None:
    bucket = TokenBucket(CHAT, T0)
    takes(bucket, T0, 5)
    assert bucket.available(T0 + idle_ms) == available


def test_the_sustained_rate_is_one_per_interval() -> None:
    bucket = TokenBucket(CHAT, T0)
    takes(bucket, T0, 5)
    accepted = [t for t in range(T0, T0 + 10_001, 100) if bucket.take(t) == 0]
    assert len(accepted) == 10  # ten seconds at one a second, after the burst


def test_partial_credit_is_kept_between_refusals() -> None:
    bucket = TokenBucket(Limit(burst=2, interval_ms=500), T0)
    assert takes(bucket, T0, 3) == [0, 0, 500]
    assert bucket.take(T0 + 300) == 200
    assert bucket.take(T0 + 500) == 0


def test_a_clock_that_goes_back_refills_nothing() -> None:
    bucket = TokenBucket(CHAT, T0)
    takes(bucket, T0, 5)
    assert bucket.take(T0 - 60_000) == 1000
    assert bucket.take(T0 + 1000) == 0  # time is counted from the latest moment seen


@pytest.mark.parametrize(("burst", "interval_ms"), [(0, 1000), (5, 0), (-1, 10)])
def test_a_limit_needs_a_burst_and_an_interval(burst: int, interval_ms: int) -> None:
    with pytest.raises(ValueError):
        Limit(burst, interval_ms)


def test_the_default_families() -> None:
    assert FAMILY_LIMITS["chat"] == Limit(5, 1000)
    assert FAMILY_LIMITS["media_state"] == Limit(5, 500)
    assert family_of("chat:send") == family_of("backchannel:send") == "chat"
    assert family_of("media:state") == "media_state"
    assert family_of("support:request") == "support"
    assert family_of("hand:raise") == family_of("lobby:enter") == "signals"
    assert family_of("session:join") == family_of("media:join") == GENERAL


def test_staff_get_double_and_moderation_is_never_limited_for_them() -> None:
    assert limit_for("chat:send", staff=False) == Limit(5, 1000)
    assert limit_for("chat:send", staff=True) == Limit(5 * STAFF_FACTOR, 1000 // STAFF_FACTOR)
    for event in ("participant:remove", "breach:mark", "trigger:approve", "lobby:admit"):
        assert event in STAFF_UNLIMITED
        assert limit_for(event, staff=True) is None
        assert limit_for(event, staff=False) == FAMILY_LIMITS[GENERAL]
    # a peer lowers only their own hand (a signal); a facilitator lowers anyone's (moderation)
    assert limit_for("hand:lower", staff=False) == FAMILY_LIMITS["signals"]
    assert limit_for("hand:lower", staff=True) is None


def test_connections_and_families_have_their_own_buckets() -> None:
    limits = ConnectionLimits()
    flood = [limits.check("a", "chat:send", staff=False, now_ms=T0) for _ in range(7)]
    assert flood[:5] == [None] * 5
    assert [(r.family, r.retry_after_ms, r.in_a_row) for r in flood[5:] if r] == [
        ("chat", 1000, 1),
        ("chat", 1000, 2),
    ]
    # the same connection's other families, and another connection, are untouched
    assert limits.check("a", "support:request", staff=False, now_ms=T0) is None
    assert limits.check("a", "media:state", staff=False, now_ms=T0) is None
    assert limits.check("b", "chat:send", staff=False, now_ms=T0) is None
    # accepted again after the wait; the next refusal starts a new run
    assert limits.check("a", "chat:send", staff=False, now_ms=T0 + 1000) is None
    refused = limits.check("a", "chat:send", staff=False, now_ms=T0 + 1000)
    assert refused is not None and refused.in_a_row == 1


def test_staff_moderation_goes_through_a_flood() -> None:
    limits = ConnectionLimits()
    assert all(
        limits.check("lead", "participant:remove", staff=True, now_ms=T0) is None
        for _ in range(1000)
    )
    chat = [limits.check("lead", "chat:send", staff=True, now_ms=T0) for _ in range(11)]
    assert chat[:10] == [None] * 10 and chat[10] is not None
    assert chat[10].retry_after_ms == 500


def test_forgetting_a_connection_drops_its_buckets() -> None:
    limits = ConnectionLimits()
    for _ in range(6):
        limits.check("a", "chat:send", staff=False, now_ms=T0)
    limits.check("b", "chat:send", staff=False, now_ms=T0)
    assert limits.tracked() == {"a", "b"}
    limits.forget("a")
    limits.forget("never-seen")
    assert limits.tracked() == {"b"}
    # a new connection with a reused sid would start full
    assert limits.check("a", "chat:send", staff=False, now_ms=T0) is None
