"""Conversation WAVs with known speech intervals, for speaking-time tests and benchmarks.

Speech comes from ``espeak-ng`` when it is installed (real phonemes, pauses between words)
and otherwise from synthetic voiced syllables (a glottal pulse train shaped by two formants),
which WebRTC's VAD also accepts.  The truth of each utterance is measured on the samples
themselves: from the first to the last sample above about -40 dBFS.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from server.tools.media_sources import load_wav_mono_48k

RATE = 48_000
ACTIVE_THRESHOLD = 300  # int16, about -40 dBFS


@dataclass(frozen=True)
class Utterance:
    start_s: float
    text: str


@dataclass(frozen=True)
class Track:
    path: Path
    truth_s: list[tuple[float, float]]  # speech intervals from the start of the file

    @property
    def total_s(self) -> float:
        return sum(end - start for start, end in self.truth_s)

    def onsets_ms(self, started_at_ms: int) -> list[int]:
        """When each utterance began, on the clock of ``started_at_ms`` (sample 0 of the file)."""
        return [started_at_ms + round(start * 1000) for start, _ in self.truth_s]


@dataclass(frozen=True)
class MatchedStart:
    """A ``talk:speaking`` start paired with the utterance onset it announces."""

    member_id: str
    onset_ms: int
    received_ms: int
    at_ms: int  # the notice's back-dated start

    @property
    def latency_ms(self) -> int:
        return self.received_ms - self.onset_ms


def match_starts(
    starts: list[tuple[int, dict[str, Any]]], onsets_ms: dict[str, list[int]]
) -> list[MatchedStart]:
    """Pair each start notice ``(received ms, talk:speaking payload)`` with the onset of that
    member nearest to the notice's back-dated ``at_ms`` (clocks: epoch ms)."""
    matched = []
    for received_ms, notice in starts:
        member = notice["member_id"]
        onset = min(onsets_ms[member], key=lambda t: abs(t - notice["at_ms"]))
        matched.append(MatchedStart(member, onset, received_ms, notice["at_ms"]))
    return matched


def _espeak(text: str, out: Path) -> np.ndarray:
    subprocess.run(["espeak-ng", "-w", str(out), text], check=True, capture_output=True)
    return load_wav_mono_48k(out)


def _formant(harmonic: int, centre_hz: float, width_hz: float) -> float:
    return float(np.exp(-(((harmonic * 120 - centre_hz) / width_hz) ** 2)))


def synthetic_speech(text: str) -> np.ndarray:
    """Roughly one voiced syllable per vowel of ``text``, 180 ms each, 60 ms apart."""
    syllables = max(1, sum(ch in "aeiou" for ch in text.lower()))
    t = np.arange(int(0.18 * RATE)) / RATE
    f0 = 120 + 20 * np.sin(2 * np.pi * 3 * t)
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    voice = sum(
        np.sin(k * phase) / k * (_formant(k, 700, 400) + _formant(k, 1200, 500))
        for k in range(1, 30)
    )
    voice *= np.hanning(len(t)) ** 0.3
    voice = voice / np.max(np.abs(voice)) * 12_000
    gap = np.zeros(int(0.06 * RATE))
    return np.concatenate([np.concatenate([voice, gap]) for _ in range(syllables)]).astype(np.int16)


def _active_span(samples: np.ndarray) -> tuple[int, int]:
    active = np.nonzero(np.abs(samples.astype(np.int32)) > ACTIVE_THRESHOLD)[0]
    return int(active[0]), int(active[-1]) + 1


def build_track(path: Path, utterances: list[Utterance], length_s: float) -> Track:
    samples = np.zeros(int(length_s * RATE), dtype=np.int16)
    truth: list[tuple[float, float]] = []
    use_espeak = shutil.which("espeak-ng") is not None
    for i, utterance in enumerate(utterances):
        if use_espeak:
            speech = _espeak(utterance.text, path.with_suffix(f".{i}.wav"))
        else:
            speech = synthetic_speech(utterance.text)
        first, last = _active_span(speech)
        speech = speech[first:last]
        at = int(utterance.start_s * RATE)
        samples[at : at + len(speech)] = speech[: len(samples) - at]
        truth.append((utterance.start_s, utterance.start_s + len(speech) / RATE))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    return Track(path, truth)
