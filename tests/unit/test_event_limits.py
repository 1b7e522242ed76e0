"""Per-connection socket event limits: the token bucket, the limits of the families and the
staff exemption, at fixed times (no clock is read). Which event is in which family is part of
its EventSpec; tests/integration/realtime/test_rate_limits.py checks those against the docs."""

from __future__ import annotations

import pytest

from server.services.event_limits import (
    CHAT,
    FAMILY_LIMITS,
    GENERAL,
    MEDIA_STATE,
    SIGNALS,
    STAFF_FACTOR,
    SUPPORT,
    ConnectionLimits,
    Limit,
    TokenBucket,
    limit_for,
)

T0 = 1_700_000_000_000
CHAT_LIMIT = Limit(burst=5, interval_ms=1000)


def takes(bucket: TokenBucket, now_ms: int, times: int) -> list[int]:
    return [bucket.take(now_ms) for _ in range(times)]


def test_a_full_bucket_takes_a_burst_then_refuses_with_the_wait() -> None:
    bucket = TokenBucket(CHAT_LIMIT, T0)
    assert takes(bucket, T0, 5) == [0, 0, 0, 0, 0]
    assert takes(bucket, T0, 3) == [1000, 1000, 1000]  # refusals take nothing
    assert bucket.available(T0) == 0


def test_retry_after_counts_down_as_time_passes() -> None:
    bucket = TokenBucket(CHAT_LIMIT, T0)
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
    bucket = TokenBucket(CHAT_LIMIT, T0)
    takes(bucket, T0, 5)
    assert bucket.available(T0 + idle_ms) == available


def test_the_sustained_rate_is_one_per_interval() -> None:
    bucket = TokenBucket(CHAT_LIMIT, T0)
    takes(bucket, T0, 5)
    accepted = [t for t in range(T0, T0 + 10_001, 100) if bucket.take(t) == 0]
    assert len(accepted) == 10  # ten seconds at one a second, after the burst


def test_partial_credit_is_kept_between_refusals() -> None:
    bucket = TokenBucket(Limit(burst=2, interval_ms=500), T0)
    assert takes(bucket, T0, 3) == [0, 0, 500]
    assert bucket.take(T0 + 300) == 200
    assert bucket.take(T0 + 500) == 0


def test_a_clock_that_goes_back_refills_nothing() -> None:
    bucket = TokenBucket(CHAT_LIMIT, T0)
    takes(bucket, T0, 5)
    assert bucket.take(T0 - 60_000) == 1000
    assert bucket.take(T0 + 1000) == 0  # time is counted from the latest moment seen


@pytest.mark.parametrize(("burst", "interval_ms"), [(0, 1000), (5, 0), (-1, 10)])
def test_a_limit_needs_a_burst_and_an_interval(burst: int, interval_ms: int) -> None:
    with pytest.raises(ValueError):
        Limit(burst, interval_ms)


def test_the_default_families() -> None:
    assert {
        CHAT: Limit(5, 1000),
        MEDIA_STATE: Limit(5, 500),
        SIGNALS: Limit(5, 1000),
        SUPPORT: Limit(3, 5000),
        GENERAL: Limit(20, 200),
    } == FAMILY_LIMITS


@pytest.mark.parametrize("family", sorted(FAMILY_LIMITS))
def test_staff_get_double_and_moderation_is_never_limited_for_them(family: str) -> None:
    peer = FAMILY_LIMITS[family]
    staff = Limit(peer.burst * STAFF_FACTOR, peer.interval_ms // STAFF_FACTOR)
    assert limit_for(family, staff_unlimited=False, staff=False) == peer
    assert limit_for(family, staff_unlimited=False, staff=True) == staff
    # moderation (participant:remove, or hand:lower of anyone's hand) is a peer's like any other
    assert limit_for(family, staff_unlimited=True, staff=False) == peer
    assert limit_for(family, staff_unlimited=True, staff=True) is None


def test_connections_and_families_have_their_own_buckets() -> None:
    limits = ConnectionLimits()
    flood = [
        limits.check("a", CHAT, staff_unlimited=False, staff=False, now_ms=T0) for _ in range(7)
    ]
    assert flood[:5] == [None] * 5
    assert [(r.family, r.retry_after_ms, r.in_a_row) for r in flood[5:] if r] == [
        ("chat", 1000, 1),
        ("chat", 1000, 2),
    ]
    # the same connection's other families, and another connection, are untouched
    assert limits.check("a", SUPPORT, staff_unlimited=False, staff=False, now_ms=T0) is None
    assert limits.check("a", MEDIA_STATE, staff_unlimited=False, staff=False, now_ms=T0) is None
    assert limits.check("b", CHAT, staff_unlimited=False, staff=False, now_ms=T0) is None
    # accepted again after the wait; the next refusal starts a new run
    assert limits.check("a", CHAT, staff_unlimited=False, staff=False, now_ms=T0 + 1000) is None
    refused = limits.check("a", CHAT, staff_unlimited=False, staff=False, now_ms=T0 + 1000)
    assert refused is not None and refused.in_a_row == 1


def test_staff_moderation_goes_through_a_flood() -> None:
    limits = ConnectionLimits()
    assert all(
        limits.check("lead", GENERAL, staff_unlimited=True, staff=True, now_ms=T0) is None
        for _ in range(1000)
    )
    chat = [
        limits.check("lead", CHAT, staff_unlimited=False, staff=True, now_ms=T0) for _ in range(11)
    ]
    assert chat[:10] == [None] * 10 and chat[10] is not None
    assert chat[10].retry_after_ms == 500
    # lowering anyone's hand takes nothing from the staff's own signals (raising their hand)
    for _ in range(100):
        assert limits.check("lead", SIGNALS, staff_unlimited=True, staff=True, now_ms=T0) is None
    signals = [
        limits.check("lead", SIGNALS, staff_unlimited=False, staff=True, now_ms=T0)
        for _ in range(11)
    ]
    assert signals[:10] == [None] * 10 and signals[10] is not None


def test_forgetting_a_connection_drops_its_buckets() -> None:
    limits = ConnectionLimits()
    for _ in range(6):
        limits.check("a", CHAT, staff_unlimited=False, staff=False, now_ms=T0)
    limits.check("b", CHAT, staff_unlimited=False, staff=False, now_ms=T0)
    assert limits.tracked() == {"a", "b"}
    limits.forget("a")
    limits.forget("never-seen")
    assert limits.tracked() == {"b"}
    # a new connection with a reused sid would start full
    assert limits.check("a", CHAT, staff_unlimited=False, staff=False, now_ms=T0) is None
