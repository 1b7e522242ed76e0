"""Server-side speaking detection from each participant's own audio.

A client never reports its own speaking: the server decodes the Opus it forwards anyway
(about 2% of a core per stream), classifies every 20 ms as voiced or not (WebRTC's VAD, gated
by a minimum level so that a hiss the VAD mistakes for voice does not count), and turns that
into turns with hysteresis:

* a turn starts when ``start_voiced_ms`` of the last ``start_window_ms`` were voiced
  (200 of 300 ms: a cough or a click does not start a turn, a word does);
* it ends after ``stop_silence_ms`` without voice (600 ms: the pauses between phrases of one
  speaker stay inside the turn);
* both edges are back-dated: the start to the first voiced frame of the window, the end to the
  end of the last voiced frame, so summed turns match the speech, not the detector's delay.

RFC 6464 audio levels are not used: the encoded-frame tap sits after aiortc's jitter buffer,
which drops header extensions, and Chromium's fake microphone sets the voice bit always.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import av
import numpy as np
import webrtcvad  # type: ignore[import-untyped]

RTP_CLOCK_RATE = 48_000  # Opus RTP timestamps always tick at 48 kHz
# 16 kHz is all a voice detector needs; WebRTC's VAD costs ~8x less there than at 48 kHz
# (it resamples internally, in a slower way than swresample).
SAMPLE_RATE = 16_000
FRAME_MS = 20
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000


@dataclass(frozen=True, slots=True)
class Hysteresis:
    start_window_ms: int = 300
    start_voiced_ms: int = 200
    stop_silence_ms: int = 600
    # Quieter than this is silence whatever the VAD says (full scale sine = -3 dBFS).
    min_level_dbfs: float = -55.0
    vad_mode: int = 2  # 0 (permissive) .. 3 (aggressive)


DEFAULT_HYSTERESIS = Hysteresis()


@dataclass(frozen=True, slots=True)
class Edge:
    is_speaking: bool
    at_ms: int


class SpeakingDetector:
    """Pure hysteresis over per-frame voice decisions; times are whatever clock you pass."""

    def __init__(self, settings: Hysteresis = DEFAULT_HYSTERESIS) -> None:
        self._settings = settings
        self._window: deque[tuple[int, bool]] = deque()
        self._speaking = False
        self._last_voiced_end_ms: int | None = None

    @property
    def speaking(self) -> bool:
        return self._speaking

    def feed(self, voiced: bool, frame_start_ms: int, frame_ms: int = FRAME_MS) -> Edge | None:
        s = self._settings
        frame_end_ms = frame_start_ms + frame_ms
        if voiced:
            self._last_voiced_end_ms = frame_end_ms
        if self._speaking:
            return self._end_if_silent(frame_end_ms)
        self._window.append((frame_start_ms, voiced))
        while self._window and self._window[0][0] < frame_end_ms - s.start_window_ms:
            self._window.popleft()
        voiced_starts = [start for start, v in self._window if v]
        if len(voiced_starts) * frame_ms >= s.start_voiced_ms:
            self._speaking = True
            self._window.clear()
            return Edge(True, voiced_starts[0])
        return None

    def idle(self, now_ms: int) -> Edge | None:
        """Close a turn when audio stopped arriving altogether (muted, DTX, gone)."""
        if not self._speaking:
            return None
        return self._end_if_silent(now_ms)

    def close(self, now_ms: int) -> Edge | None:
        """End an open turn now (the speaker moved or left), at its last voiced frame."""
        if not self._speaking:
            return None
        self._speaking = False
        self._window.clear()
        last = self._last_voiced_end_ms
        return Edge(False, min(last, now_ms) if last is not None else now_ms)

    def _end_if_silent(self, now_ms: int) -> Edge | None:
        last = self._last_voiced_end_ms
        if last is not None and now_ms - last < self._settings.stop_silence_ms:
            return None
        self._speaking = False
        return Edge(False, last if last is not None else now_ms)


class VoiceClassifier:
    """Is this 20 ms of 16 kHz mono int16 voice?"""

    def __init__(self, settings: Hysteresis = DEFAULT_HYSTERESIS) -> None:
        self._vad = webrtcvad.Vad(settings.vad_mode)
        self._min_rms = 32768.0 * 10 ** (settings.min_level_dbfs / 20)

    def is_voiced(self, pcm: np.ndarray) -> bool:
        rms = float(np.sqrt(np.mean(np.square(pcm, dtype=np.float64))))
        if rms < self._min_rms:
            return False
        return bool(self._vad.is_speech(pcm.tobytes(), SAMPLE_RATE))


class OpusSpeakingMeter:
    """Decodes one publisher's Opus frames and yields speaking edges.

    Frame times come from the RTP timeline aligned with the arrival clock, so network jitter
    does not stretch or shrink turns; the alignment jumps forward when frames arrive more
    than ``_REANCHOR_MS`` later than the timeline says (a publisher that paused, a clock that
    jumped).
    """

    _REANCHOR_MS = 250

    def __init__(self, settings: Hysteresis = DEFAULT_HYSTERESIS) -> None:
        self.detector = SpeakingDetector(settings)
        self._classifier = VoiceClassifier(settings)
        # libopus always hands av 48 kHz here, whatever sample_rate says: resample
        self._decoder = av.CodecContext.create("opus", "r")
        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        self._pending = np.zeros(0, dtype=np.int16)
        self._pending_start_ms = 0
        self._offset_ms: int | None = None  # clock ms minus RTP ms

    def feed(self, data: bytes, rtp_timestamp: int, arrived_ms: int) -> list[Edge]:
        start_ms = self._media_time_ms(rtp_timestamp, arrived_ms)
        try:
            frames = self._decoder.decode(av.Packet(data))
        except av.FFmpegError:
            return []
        edges: list[Edge] = []
        for frame in frames:
            for out in self._resampler.resample(frame):
                mono = out.to_ndarray().reshape(-1)
                # the timeline of this packet wins over counting samples (losses, stalls)
                self._pending_start_ms = start_ms - len(self._pending) * 1000 // SAMPLE_RATE
                self._pending = np.concatenate([self._pending, mono])
                while len(self._pending) >= FRAME_SAMPLES:
                    chunk = self._pending[:FRAME_SAMPLES]
                    self._pending = self._pending[FRAME_SAMPLES:]
                    voiced = self._classifier.is_voiced(chunk)
                    edge = self.detector.feed(voiced, self._pending_start_ms)
                    self._pending_start_ms += FRAME_MS
                    if edge is not None:
                        edges.append(edge)
        return edges

    def _media_time_ms(self, rtp_timestamp: int, arrived_ms: int) -> int:
        # Align the RTP timeline with the least-delayed frame seen so far (a frame that
        # arrives "early" proves the earlier alignment was late); re-align forward only when
        # frames arrive much later than the timeline says (the publisher stalled).
        offset_ms = arrived_ms - rtp_timestamp * 1000 // RTP_CLOCK_RATE
        if (
            self._offset_ms is None
            or offset_ms < self._offset_ms
            or offset_ms - self._offset_ms > self._REANCHOR_MS
        ):
            self._offset_ms = offset_ms
        return rtp_timestamp * 1000 // RTP_CLOCK_RATE + self._offset_ms
