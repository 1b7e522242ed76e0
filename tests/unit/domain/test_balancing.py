"""Nudges, alerts and hand reordering from ``evaluate``, on hand-built snapshots."""

from __future__ import annotations

from dataclasses import replace

import pytest

from facilitator.balancing import (
    BalancingPolicy,
    BalancingState,
    HandQueue,
    HandQueueChanged,
    PeerQuietFlagged,
    RoundTimeUp,
    SpeakerNudged,
    TalkDominanceFlagged,
    evaluate,
    raise_hand,
    start_round,
)
from facilitator.talk_time_report import MemberTalkTime, RoomTalkTime, build_room_snapshot

MIN = 60_000


def person(
    member: str,
    total_ms: int = 0,
    *,
    current_ms: int = 0,
    speaking: bool = False,
    silent_ms: int = 0,
    kind: str = "peer",
    present: bool = True,
) -> MemberTalkTime:
    return MemberTalkTime(
        member,
        kind,
        present,
        speaking,
        total_ms,
        1 if total_ms else 0,
        current_ms,
        current_ms,
        silent_ms,
        total_ms == 0,
        0.0,
        0,
        0,
    )


def room(*members: MemberTalkTime, now_ms: int = 0) -> RoomTalkTime:
    return build_room_snapshot("main", now_ms, members, ())


EVEN = (person("b", 3 * MIN), person("c", 3 * MIN), person("d", 3 * MIN))


@pytest.mark.parametrize(
    ("name", "speaker", "reason"),
    [
        ("long turn", person("a", 7 * MIN, current_ms=6 * MIN, speaking=True), "long_turn"),
        ("just under long turn", person("a", 3 * MIN, current_ms=6 * MIN - 1, speaking=True), None),
        # fair share = 22/4 = 5.5 min; a holds 13 > 11
        (
            "over twice fair share",
            person("a", 13 * MIN, current_ms=MIN, speaking=True),
            "large_share",
        ),
        ("over share but silent", person("a", 13 * MIN), None),
        (
            "facilitator not nudged",
            person("a", 13 * MIN, current_ms=7 * MIN, speaking=True, kind="facilitator"),
            None,
        ),
    ],
)
def test_nudge_reasons(name: str, speaker: MemberTalkTime, reason: str | None) -> None:
    _, events = evaluate(room(speaker, *EVEN), BalancingPolicy(), BalancingState(), 1000)
    nudges = [e for e in events if isinstance(e, SpeakerNudged)]
    assert [n.reason for n in nudges] == ([reason] if reason else []), name


def test_share_rules_wait_for_enough_peers() -> None:
    snap = room(person("a", 13 * MIN, current_ms=MIN, speaking=True), person("b", MIN))
    _, events = evaluate(snap, BalancingPolicy(), BalancingState(), 0)
    assert events == ()


def test_nudge_throttled_per_person() -> None:
    policy = BalancingPolicy(nudge_repeat_ms=120_000)
    state = BalancingState()
    sent = []
    for now in range(0, 300_001, 1000):
        long_talk = person("a", 7 * MIN, current_ms=6 * MIN + now, speaking=True)
        state, events = evaluate(room(long_talk, *EVEN), policy, state, now)
        sent += [e.at_ms for e in events if isinstance(e, SpeakerNudged)]
    assert sent == [0, 120_000, 240_000]


def test_round_time_nudges_speaker_and_tells_facilitators_once() -> None:
    rnd, _ = start_round("check_in", ("a", "b"), 0, per_person_ms=2 * MIN)
    state = BalancingState(round=rnd)
    speaker = person("a", 2 * MIN, current_ms=MIN, speaking=True)
    state, events = evaluate(room(speaker, *EVEN), BalancingPolicy(), state, 2 * MIN - 1)
    assert events == ()
    state, events = evaluate(room(speaker, *EVEN), BalancingPolicy(), state, 2 * MIN)
    assert events == (RoundTimeUp("a", 2 * MIN, 2 * MIN), SpeakerNudged("a", "round_time", 2 * MIN))
    state, events = evaluate(room(speaker, *EVEN), BalancingPolicy(), state, 2 * MIN + 1000)
    assert events == ()


def test_quiet_peer_alert_once_per_crossing() -> None:
    policy = BalancingPolicy(quiet_alert_ms=15 * MIN)
    state = BalancingState()
    timeline = [(14 * MIN, 0), (15 * MIN, 1), (16 * MIN, 0), (0, 0), (15 * MIN, 1), (15 * MIN, 0)]
    for silent, alerts in timeline:
        snap = room(
            person("q", silent_ms=silent), person("f", kind="facilitator", silent_ms=60 * MIN)
        )
        state, events = evaluate(snap, policy, state, 0)
        flagged = [e for e in events if isinstance(e, PeerQuietFlagged)]
        assert len(flagged) == alerts, (silent, alerts)
        assert all(e.member == "q" for e in flagged)


def test_dominance_alert_once_per_crossing() -> None:
    state = BalancingState()
    counts = []
    for a_ms in (7 * MIN, 10 * MIN, 12 * MIN, 8 * MIN, 10 * MIN):  # others hold 9 min
        state, events = evaluate(room(person("a", a_ms), *EVEN), BalancingPolicy(), state, 0)
        counts.append(sum(isinstance(e, TalkDominanceFlagged) for e in events))
    assert counts == [0, 1, 0, 0, 1]


def test_hand_queue_reordered_as_talk_changes() -> None:
    queue = HandQueue()
    talk = {"a": 0, "b": MIN}
    for member, at in (("a", 0), ("b", 1)):
        queue, _ = raise_hand(queue, member, at, talk)
    state = BalancingState(hands=queue)
    snap = room(person("a", 3 * MIN), person("b", MIN))
    state, events = evaluate(snap, BalancingPolicy(), state, 500)
    assert state.hands.order() == ("b", "a")
    assert HandQueueChanged(("b", "a"), 500) in events
    _, events = evaluate(snap, BalancingPolicy(), state, 501)
    assert events == ()


def test_policy_is_per_group() -> None:
    strict = replace(BalancingPolicy(), long_turn_ms=MIN)
    speaker = person("a", 2 * MIN, current_ms=MIN, speaking=True)
    _, events = evaluate(room(speaker, *EVEN), strict, BalancingState(), 0)
    assert events == (SpeakerNudged("a", "long_turn", 0),)
