"""Talk-time ledger: fixed times, table-driven where the rule has several cases."""

from __future__ import annotations

import pytest

from facilitator.errors import DomainError
from facilitator.talk_time import (
    SpeakerInterrupted,
    TalkLedger,
    TalkTimeConfig,
    TurnEnded,
    TurnStarted,
)
from facilitator.talk_time_report import gini

# (member, is_speaking, at_ms) steps in room "main"
Step = tuple[str, bool, int]


def run(
    steps: list[Step],
    *,
    peers: tuple[str, ...] = ("a", "b", "c"),
    facilitators: tuple[str, ...] = ("f",),
    config: TalkTimeConfig | None = None,
) -> tuple[TalkLedger, list[object]]:
    ledger = TalkLedger(config=config or TalkTimeConfig())
    events: list[object] = []
    for p in peers:
        ledger, _ = ledger.member_joined(p, "main", "peer", 0)
    for f in facilitators:
        ledger, _ = ledger.member_joined(f, "main", "facilitator", 0)
    for member, speaking, at in steps:
        ledger, ev = ledger.speaking_changed(member, "main", speaking, at)
        events.extend(ev)
    return ledger, events


@pytest.mark.parametrize(
    ("name", "steps", "now_ms", "total_ms", "turns"),
    [
        ("single turn", [("a", True, 1000), ("a", False, 4000)], 10_000, 3000, 1),
        (
            "short pause merges",
            [("a", True, 0), ("a", False, 2000), ("a", True, 2900), ("a", False, 5000)],
            10_000,
            5000,
            1,
        ),
        (
            "pause at merge gap splits",
            [("a", True, 0), ("a", False, 2000), ("a", True, 3000), ("a", False, 5000)],
            10_000,
            4000,
            2,
        ),
        ("blip is not a turn", [("a", True, 0), ("a", False, 499)], 10_000, 0, 0),
        ("exactly min turn counts", [("a", True, 0), ("a", False, 500)], 10_000, 500, 1),
        (
            "repeated start ignored",
            [("a", True, 0), ("a", True, 1000), ("a", False, 2000)],
            10_000,
            2000,
            1,
        ),
        ("open turn counted live", [("a", True, 0)], 7000, 7000, 1),
        ("open blip not counted live", [("a", True, 0)], 300, 0, 0),
    ],
)
def test_turns_merge_and_blips(
    name: str, steps: list[Step], now_ms: int, total_ms: int, turns: int
) -> None:
    ledger, _ = run(steps)
    figures = ledger.snapshot("main", now_ms).member("a")
    assert figures is not None
    assert (figures.total_ms, figures.turns) == (total_ms, turns), name


def test_turn_ends_at_pause_start_once_gap_passes() -> None:
    ledger, _ = run([("a", True, 0), ("a", False, 3000)])
    ledger, events = ledger.tick(3999)
    assert not any(isinstance(e, TurnEnded) for e in events)
    ledger, events = ledger.tick(4000)
    assert events == (TurnEnded("a", "main", 0, 3000, True),)


def test_zero_merge_gap_ends_turn_at_once() -> None:
    _, events = run(
        [("a", True, 0), ("a", False, 800)], config=TalkTimeConfig(merge_gap_ms=0, min_turn_ms=500)
    )
    assert TurnEnded("a", "main", 0, 800, True) in events


def test_overlap_counts_for_each_speaker_and_as_interruption() -> None:
    ledger, events = run(
        [("a", True, 0), ("b", True, 2000), ("a", False, 4000), ("b", False, 6000)]
    )
    snap = ledger.snapshot("main", 10_000)
    a, b = snap.member("a"), snap.member("b")
    assert a is not None and b is not None
    assert (a.total_ms, b.total_ms, snap.room_talk_ms) == (4000, 4000, 8000)
    assert (a.times_interrupted, b.interruptions_made) == (1, 1)
    assert SpeakerInterrupted("b", "a", "main", 2000) in events
    assert [(i.interrupter, i.interrupted, i.count) for i in snap.interruptions] == [("b", "a", 1)]


@pytest.mark.parametrize(
    ("name", "steps", "interruptions"),
    [
        (
            "backchannel blip is no interruption",
            [("a", True, 0), ("b", True, 1000), ("b", False, 1200)],
            0,
        ),
        (
            "starting in a short pause is turn-taking",
            [("a", True, 0), ("a", False, 2000), ("b", True, 2300)],
            0,
        ),
        (
            "starting after the turn ended",
            [("a", True, 0), ("a", False, 2000), ("b", True, 3500)],
            0,
        ),
        (
            "two speakers interrupted at once",
            [("a", True, 0), ("b", True, 100), ("c", True, 2000)],
            3,
        ),
    ],
)
def test_interruption_rules(name: str, steps: list[Step], interruptions: int) -> None:
    ledger, _ = run(steps)
    snap = ledger.snapshot("main", 5000)
    assert sum(i.count for i in snap.interruptions) == interruptions, name


def test_reconnect_continues_figures_and_left_member_not_present() -> None:
    ledger, _ = run([("a", True, 0)])
    ledger, events = ledger.member_left("a", 3000)
    assert events[-1] == TurnEnded("a", "main", 0, 3000, True)
    assert ledger.snapshot("main", 4000).member("a").present is False  # type: ignore[union-attr]
    ledger, _ = ledger.member_rejoined("a", "main", 5000)
    ledger, _ = ledger.speaking_changed("a", "main", True, 6000)
    ledger, _ = ledger.speaking_changed("a", "main", False, 8000)
    a = ledger.snapshot("main", 9500).member("a")
    assert a is not None
    assert (a.total_ms, a.turns, a.longest_turn_ms, a.present) == (5000, 2, 3000, True)


def test_speech_from_absent_member_is_refused() -> None:
    ledger, _ = run([])
    ledger, _ = ledger.member_left("a", 100)
    with pytest.raises(DomainError) as err:
        ledger.speaking_changed("a", "main", True, 200)
    assert err.value.code == "not_in_room"
    with pytest.raises(DomainError) as err:
        ledger.speaking_changed("zed", "main", True, 200)
    assert err.value.code == "unknown_member"


def test_move_measures_talk_per_room() -> None:
    ledger, _ = run([("a", True, 0)])
    ledger, events = ledger.member_moved("a", "b1", 2000)
    assert TurnEnded("a", "main", 0, 2000, True) in events
    ledger, _ = ledger.speaking_changed("a", "b1", True, 3000)
    ledger, _ = ledger.speaking_changed("a", "b1", False, 4000)
    main, b1 = ledger.snapshot("main", 9000), ledger.snapshot("b1", 9000)
    assert main.member("a").total_ms == 2000  # type: ignore[union-attr]
    assert main.member("a").present is False  # type: ignore[union-attr]
    assert b1.member("a").total_ms == 1000  # type: ignore[union-attr]
    assert main.peers_present == 2 and b1.peers_present == 1
    assert ledger.rooms() == ("b1", "main")


def test_snapshot_figures_for_dashboard() -> None:
    ledger, _ = run(
        [
            ("a", True, 0),
            ("a", False, 6000),
            ("f", True, 7000),
            ("f", False, 9000),
            ("b", True, 10_000),
            ("b", False, 12_000),
            ("c", True, 14_000),
        ]
    )
    snap = ledger.snapshot("main", 15_000)
    assert (snap.room_talk_ms, snap.peer_talk_ms, snap.facilitator_talk_ms) == (11000, 9000, 2000)
    assert snap.peers_present == 3 and snap.fair_share_ms == 3000
    assert snap.longest_monologue_member == "a" and snap.longest_monologue_ms == 6000
    assert snap.current_speakers == ("c",)
    b = snap.member("b")
    assert b is not None and b.silent_for_ms == 3000 and b.share == round(2000 / 11000, 4)
    assert snap.member("c").current_turn_ms == 1000  # type: ignore[union-attr]
    d = snap.to_dict()
    assert d["members"][0]["member"] == "a" and isinstance(d["balance_explanation"], str)


def test_not_yet_spoken_and_silence_counted_from_entry() -> None:
    ledger, _ = run([("a", True, 0), ("a", False, 2000)])
    c = ledger.snapshot("main", 60_000).member("c")
    assert c is not None and c.not_yet_spoken and c.silent_for_ms == 60_000


def test_turn_started_event() -> None:
    _, events = run([("a", True, 100)])
    assert events == [TurnStarted("a", "main", 100)]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((), 0.0),
        ((5,), 0.0),
        ((0, 0, 0), 0.0),
        ((10, 10, 10), 0.0),
        ((0, 0, 30), 0.6667),
        ((0, 10), 0.5),
        ((1, 2, 3, 4), 0.25),
    ],
)
def test_gini(values: tuple[int, ...], expected: float) -> None:
    assert gini(values) == expected


def test_balance_counts_present_peers_only() -> None:
    ledger, _ = run([("a", True, 0), ("a", False, 9000), ("f", True, 10_000), ("f", False, 40_000)])
    snap = ledger.snapshot("main", 50_000)
    assert snap.balance_gini == 0.6667  # a has all peer talk; f (facilitator) is ignored
    assert snap.balance_explanation.startswith("Talk is very uneven")
