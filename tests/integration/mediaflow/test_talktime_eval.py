"""``python -m server.tools.talktime_eval`` on a mono 16 kHz and a stereo 44.1 kHz WAV."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

from server.tools.speech_tracks import RATE, Track, Utterance, build_track

REPO = Path(__file__).resolve().parents[3]


def _resampled(track: Track, out: Path, rate: int, channels: int) -> Path:
    """The same recording at another rate and channel count (timing unchanged)."""
    with wave.open(str(track.path), "rb") as src:
        samples = np.frombuffer(src.readframes(src.getnframes()), dtype=np.int16)
    t_out = np.arange(int(len(samples) * rate / RATE)) / rate
    mono = np.interp(t_out, np.arange(len(samples)) / RATE, samples.astype(np.float64))
    frames = np.repeat(mono[:, None], channels, axis=1)
    if channels == 2:
        frames[:, 1] *= 0.5  # channels need not be equal
    with wave.open(str(out), "wb") as dst:
        dst.setnchannels(channels)
        dst.setsampwidth(2)
        dst.setframerate(rate)
        dst.writeframes(np.round(frames).astype(np.int16).tobytes())
    return out


def test_talktime_eval_prints_speaking_time_per_file(tmp_path: Path) -> None:
    # the tool starts its own server (SQLite in a temporary directory)
    first = build_track(
        tmp_path / "a48.wav",
        [
            Utterance(0.3, "Thank you all for coming tonight."),
            Utterance(4.5, "I agree with what you said."),
        ],
        7.0,
    )
    second = build_track(tmp_path / "b48.wav", [Utterance(2.2, "It was a hard week.")], 7.0)
    mono16 = _resampled(first, tmp_path / "mono16k.wav", 16_000, 1)
    stereo44 = _resampled(second, tmp_path / "stereo44k.wav", 44_100, 2)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "server.tools.talktime_eval",
            str(mono16),
            str(stereo44),
            "--timeout",
            "120",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert [line["file"] for line in lines] == [str(mono16), str(stereo44)]
    for line, track in zip(lines, (first, second), strict=True):
        print(line, "truth", round(track.total_s, 3))
        assert line["turns"] == len(track.truth_s), line
        assert abs(line["speaking_s"] - track.total_s) <= 0.10 * track.total_s, line
