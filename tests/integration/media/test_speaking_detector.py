"""The hysteresis of speaking detection, frame by frame, with times passed in."""

from __future__ import annotations

import pytest

from server.media.speaking import Edge, SpeakingDetector


def run(pattern: str, frame_ms: int = 20) -> list[Edge]:
    """``pattern``: one character per 20 ms frame, ``#`` voiced, ``.`` not."""
    detector = SpeakingDetector()
    edges = [
        edge
        for i, ch in enumerate(pattern)
        if (edge := detector.feed(ch == "#", i * frame_ms)) is not None
    ]
    return edges


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("." * 50, []),
        # a 100 ms click is not a turn
        ("....#####" + "." * 50, []),
        # 200 ms of voice within 300 ms starts a turn, back-dated to its first voiced frame
        ("..##.########" + "." * 5, [Edge(True, 40)]),
        # 600 ms of silence ends it, back-dated to the end of the last voiced frame
        ("#" * 20 + "." * 30, [Edge(True, 0), Edge(False, 400)]),
        # a 400 ms pause between phrases stays inside the turn
        ("#" * 20 + "." * 20 + "#" * 20 + "." * 30, [Edge(True, 0), Edge(False, 1200)]),
        # two turns
        (
            "#" * 15 + "." * 40 + "#" * 15 + "." * 30,
            [Edge(True, 0), Edge(False, 300), Edge(True, 1100), Edge(False, 1400)],
        ),
    ],
)
def test_edges(pattern: str, expected: list[Edge]) -> None:
    assert run(pattern) == expected


def test_idle_closes_a_turn_when_audio_stops_arriving() -> None:
    detector = SpeakingDetector()
    for i in range(15):
        detector.feed(True, i * 20)
    assert detector.speaking
    assert detector.idle(500) is None  # 200 ms after the last voice: still a pause
    assert detector.idle(900) == Edge(False, 300)
    assert not detector.speaking


def test_close_ends_an_open_turn_even_mid_word() -> None:
    detector = SpeakingDetector()
    for i in range(15):
        detector.feed(True, i * 20)
    # the media timeline may run a frame ahead of the caller's clock
    assert detector.close(290) == Edge(False, 290)
    assert detector.close(400) is None
    assert not detector.speaking
