"""Talk time measured by the server from the audio it forwards, against known WAVs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from server.media.backend import SpeakingChanged
from server.tools.speech_tracks import Track, Utterance, build_track
from tests.integration.media.conftest import Harness, eventually

LENGTH_S = 9.0
SCRIPT = {
    "alice": [
        Utterance(0.3, "Hello everyone, thank you for having me here tonight."),
        Utterance(5.6, "I know what you mean."),
    ],
    "bob": [Utterance(3.7, "It has been a hard week.")],
    "carol": [Utterance(7.0, "Me too, last month was bad.")],
}


@dataclass
class Ledger:
    """The simplest talk-time accumulator: sums closed turns per participant."""

    open_at_ms: dict[str, int] = field(default_factory=dict)
    total_ms: dict[str, int] = field(default_factory=dict)
    turns: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def apply(self, change: SpeakingChanged) -> None:
        who = change.participant_id
        if change.is_speaking:
            assert who not in self.open_at_ms, f"{who} started twice"
            self.open_at_ms[who] = change.at_ms
        else:
            started = self.open_at_ms.pop(who)
            assert change.at_ms > started
            self.total_ms[who] = self.total_ms.get(who, 0) + change.at_ms - started
            self.turns.setdefault(who, []).append((started, change.at_ms))


async def test_speaking_time_and_turns_match_the_recordings(
    harness: Harness, tmp_path: Path
) -> None:
    tracks: dict[str, Track] = {
        name: build_track(tmp_path / f"{name}.wav", utterances, LENGTH_S)
        for name, utterances in SCRIPT.items()
    }
    for badge, (name, track) in enumerate(tracks.items(), start=1):
        # audio only: this test is about audio, and the machine it runs on is shared
        await harness.join(name, "main", badge=badge, wav=track.path, audio_only=True)
    peers = harness.peers
    await asyncio.wait_for(
        asyncio.gather(*(p.microphone.finished.wait() for p in peers.values())), LENGTH_S * 3
    )
    ledger = Ledger()
    await eventually(
        lambda: (
            sum(not c.is_speaking for c in harness.speaking) >= 4
            and not any(harness.backend._participants[n].meter.detector.speaking for n in peers)
        ),
        3.0,
        "the last turns to close",
    )
    for change in harness.speaking:
        assert change.room_id == "main"
        ledger.apply(change)

    for name, track in tracks.items():
        measured_s = ledger.total_ms.get(name, 0) / 1000
        assert len(ledger.turns.get(name, [])) == len(track.truth_s), (name, ledger.turns)
        assert abs(measured_s - track.total_s) <= 0.10 * track.total_s, (
            name,
            measured_s,
            track.total_s,
        )
        # Turns start where the speech starts (back-dated, not where hysteresis decided):
        # the distance between a person's turns matches the recording.
        first_ms, first_truth_s = ledger.turns[name][0][0], track.truth_s[0][0]
        for (start_ms, _), (truth_s, _) in zip(ledger.turns[name], track.truth_s, strict=True):
            assert abs((start_ms - first_ms) - (truth_s - first_truth_s) * 1000) <= 150, name


async def test_a_turn_open_at_a_move_ends_in_the_old_room_and_resumes_in_the_new(
    harness: Harness, tmp_path: Path
) -> None:
    track = build_track(tmp_path / "alice.wav", [Utterance(0.2, LONG_TALK)], 8.0)
    await harness.join("alice", "main", badge=1, wav=track.path, audio_only=True)
    await harness.join("bob", "main", badge=2, audio_only=True)
    await eventually(lambda: len(harness.speaking) == 1, 10.0, "alice to start speaking")

    await harness.backend.move("alice", "breakout-1")
    # closed synchronously, in the room where it was spoken
    assert [(c.room_id, c.is_speaking) for c in harness.speaking] == [
        ("main", True),
        ("main", False),
    ]
    await eventually(lambda: len(harness.speaking) == 3, 5.0, "the turn to resume")
    assert (harness.speaking[2].room_id, harness.speaking[2].is_speaking) == ("breakout-1", True)
    assert harness.speaking[2].at_ms >= harness.speaking[1].at_ms


LONG_TALK = (
    "I have been thinking about what you said last week, about the evenings being the "
    "hardest part, and I think that is true for me as well"
)
