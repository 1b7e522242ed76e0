"""The meter on real Opus: decoded, resampled and timed from the RTP timeline."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np

from server.media.speaking import OpusSpeakingMeter
from server.tools.speech_tracks import synthetic_speech

RATE = 48_000


def opus_packets(samples: np.ndarray) -> list[bytes]:
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate, encoder.layout, encoder.format = RATE, "mono", "s16"
    encoder.time_base = Fraction(1, RATE)
    packets: list[bytes] = []
    for i in range(0, len(samples) - 959, 960):
        frame = av.AudioFrame.from_ndarray(samples[i : i + 960].reshape(1, -1), "s16", "mono")
        frame.sample_rate, frame.pts = RATE, i
        packets += [bytes(p) for p in encoder.encode(frame)]
    return packets


def test_turn_edges_and_when_they_are_known() -> None:
    voice = synthetic_speech("it has been a hard week")  # ~1.9 s of voiced syllables
    silence = np.zeros(RATE, dtype=np.int16)
    packets = opus_packets(np.concatenate([silence, voice, silence, silence]))
    meter = OpusSpeakingMeter()
    t0_ms = 1_000_000
    decided: list[tuple[int, bool, int]] = []  # (arrival ms, is_speaking, at_ms)
    for n, data in enumerate(packets):
        arrived_ms = t0_ms + n * 20 + 20 + (7 if n % 3 else 0)  # jitter must not matter
        for edge in meter.feed(data, n * 960, arrived_ms):
            decided.append((arrived_ms, edge.is_speaking, edge.at_ms))
    assert [speaking for _, speaking, _ in decided] == [True, False]
    (start_known, _, start), (end_known, _, end) = decided
    voice_ms = len(voice) * 1000 // RATE
    # edges sit on the speech (the encoder's look-ahead shifts everything by a few ms)
    assert abs(start - (t0_ms + 1000)) <= 40
    assert abs(end - (t0_ms + 1000 + voice_ms)) <= 80
    # the start is known after ~200 ms of speech, the end after ~600 ms of silence
    assert 180 <= start_known - start <= 300
    assert 580 <= end_known - end <= 700
