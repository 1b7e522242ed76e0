"""Media sources for the headless peer: a WAV file as microphone, a synthetic VP8 camera.

The camera encodes its own VP8 (with libvpx through av) and hands ``av.Packet`` objects to
aiortc, for two reasons: keyframes are then sent only at the start and when someone asks
(PLI), which is what a test of keyframe forwarding needs, and a benchmark can replay a
pre-encoded loop so that hundreds of simulated cameras cost almost no CPU.

Every frame carries a *badge*: the top-left 32x32 block has a luma that encodes a small
integer, so a receiver that decodes the video can tell whose camera it is looking at without
trusting any signalling (see :func:`read_badge`).
"""

from __future__ import annotations

import asyncio
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

AUDIO_RATE = 48_000
AUDIO_PTIME_S = 0.020
AUDIO_SAMPLES = int(AUDIO_RATE * AUDIO_PTIME_S)
VIDEO_TIME_BASE = Fraction(1, 90_000)
BADGE_SIZE = 32
_BADGE_BASE, _BADGE_STEP = 30, 20
MAX_BEHIND_S = 1.0  # a longer gap is the sender waiting, not jitter to catch up on


def load_wav_mono_48k(path: str | Path) -> np.ndarray:
    """Any WAV (mono/stereo, any rate) as int16 mono at 48 kHz."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=AUDIO_RATE)
    chunks: list[np.ndarray] = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
    for out in resampler.resample(None):
        chunks.append(out.to_ndarray().reshape(-1))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)


class WavMicrophone(MediaStreamTrack):
    """Plays a WAV once in real time, then silence (the stream stays up, like a muted mic)."""

    kind = "audio"

    def __init__(
        self, path: str | Path | None, *, loop: bool = False, gate: asyncio.Event | None = None
    ) -> None:
        super().__init__()
        # with a gate the file starts when the gate opens (silence until then), so several
        # peers can play "at once" however long each took to connect
        self._gate = gate
        self._offset = 0
        self._samples = load_wav_mono_48k(path) if path else np.zeros(0, dtype=np.int16)
        self._repeat = loop  # not `_loop`: pyee's event emitter keeps its event loop there
        self._pts = 0
        self._start_s: float | None = None
        self.started_at_ms: int | None = None  # epoch ms of sample 0, on the real-time timeline
        self.finished = asyncio.Event()

    @property
    def duration_s(self) -> float:
        return len(self._samples) / AUDIO_RATE

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start_s is None:
            self._start_s = time.monotonic()
            self.started_at_ms = time.time_ns() // 1_000_000
        else:  # pace in real time, as a microphone would
            behind_s = time.monotonic() - (self._start_s + self._pts / AUDIO_RATE)
            if behind_s > MAX_BEHIND_S:
                # the sender did not ask for a long while (it waits for the connection after
                # its first frame): carry on from now instead of playing seconds of the file
                # in a burst, which would squeeze its timing for whoever measures it; shorter
                # delays (a busy event loop) are caught up, like a microphone's buffer
                self._start_s += behind_s
                if self.started_at_ms is not None:  # where sample 0 is on the new timeline
                    self.started_at_ms += int(behind_s * 1000)
            else:
                await asyncio.sleep(max(0.0, -behind_s))
        if self._gate is not None and not self._gate.is_set():
            chunk = np.zeros(AUDIO_SAMPLES, np.int16)
            self._offset = self._pts + AUDIO_SAMPLES
        else:
            if self._gate is not None and self._pts == self._offset:
                self.started_at_ms = time.time_ns() // 1_000_000
            chunk = self._chunk(self._pts - self._offset)
        frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._pts
        frame.time_base = Fraction(1, AUDIO_RATE)
        self._pts += AUDIO_SAMPLES
        return frame

    def _chunk(self, start: int) -> np.ndarray:
        total = len(self._samples)
        if total and self._repeat:
            idx = np.arange(start, start + AUDIO_SAMPLES) % total
            return self._samples[idx]
        chunk = self._samples[start : start + AUDIO_SAMPLES]
        if len(chunk) < AUDIO_SAMPLES:
            self.finished.set()
            chunk = np.concatenate([chunk, np.zeros(AUDIO_SAMPLES - len(chunk), np.int16)])
        return chunk


def draw_frame(index: int, width: int, height: int, badge: int) -> av.VideoFrame:
    """A moving diagonal pattern with the badge block in the top-left corner."""
    y, x = np.mgrid[0:height, 0:width]
    luma = ((x + y + index * 4) % 128 + 64).astype(np.uint8)
    luma[:BADGE_SIZE, :BADGE_SIZE] = _BADGE_BASE + _BADGE_STEP * badge
    chroma = np.full((height // 2, width), 128, dtype=np.uint8)
    frame = av.VideoFrame.from_ndarray(np.vstack([luma, chroma]), format="yuv420p")
    return frame


def read_badge(frame: av.VideoFrame) -> int:
    """The badge drawn by :func:`draw_frame`, read from a decoded frame."""
    luma = frame.to_ndarray(format="yuv420p")[: frame.height]
    inner = luma[8 : BADGE_SIZE - 8, 8 : BADGE_SIZE - 8]
    return int(round((float(inner.mean()) - _BADGE_BASE) / _BADGE_STEP))


class Vp8Stream:
    """libvpx in real-time mode that makes keyframes only when asked."""

    def __init__(self, width: int, height: int, fps: int, bitrate: int) -> None:
        self._codec = av.CodecContext.create("libvpx", "w")
        self._codec.width, self._codec.height = width, height
        self._codec.pix_fmt = "yuv420p"
        self._codec.bit_rate = bitrate
        self._codec.time_base = VIDEO_TIME_BASE
        self._codec.gop_size = 1_000_000  # no periodic keyframes
        self._codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
        self._fps = fps

    def encode(self, frame: av.VideoFrame, index: int, keyframe: bool) -> bytes:
        frame.pts = index * 90_000 // self._fps
        frame.time_base = VIDEO_TIME_BASE
        if keyframe:
            frame.pict_type = av.video.frame.PictureType.I
        return b"".join(bytes(p) for p in self._codec.encode(frame))


class SyntheticCamera(MediaStreamTrack):
    """A VP8 camera returning ``av.Packet``; keyframes at start and on request.

    ``loop_frames`` set: encode that many frames once and replay them, restarting the loop
    (which begins with a keyframe) on a keyframe request, so each replayed frame is valid.
    """

    kind = "video"

    def __init__(
        self,
        badge: int,
        *,
        width: int = 160,
        height: int = 120,
        fps: int = 15,
        bitrate: int = 150_000,
        loop_frames: int | None = None,
    ) -> None:
        super().__init__()
        self.badge = badge
        self._size = (width, height)
        self._fps = fps
        self._encoder = Vp8Stream(width, height, fps, bitrate)
        self._encoded_loop: list[bytes] | None = None
        if loop_frames:
            self._encoded_loop = [
                self._encoder.encode(draw_frame(i, width, height, badge), i, i == 0)
                for i in range(loop_frames)
            ]
        self._index = 0
        self._loop_pos = 0
        self._keyframe_wanted = True
        self._start_s: float | None = None
        self.keyframe_requests = 0
        self.keyframes_sent = 0
        self.sent_at_s: dict[int, float] = {}  # hash(frame bytes) -> monotonic send time

    def request_keyframe(self) -> None:
        self.keyframe_requests += 1
        self._keyframe_wanted = True

    async def recv(self) -> av.Packet:  # type: ignore[type-arg]
        if self.readyState != "live":
            raise MediaStreamError
        if self._start_s is None:
            self._start_s = time.monotonic()
        else:
            due = self._start_s + self._index / self._fps
            await asyncio.sleep(max(0.0, due - time.monotonic()))
        keyframe, self._keyframe_wanted = self._keyframe_wanted, False
        if self._encoded_loop is not None:
            if keyframe:
                self._loop_pos = 0
            data = self._encoded_loop[self._loop_pos]
            self._loop_pos = (self._loop_pos + 1) % len(self._encoded_loop)
            keyframe = keyframe or self._loop_pos == 1
        else:
            frame = draw_frame(self._index, *self._size, self.badge)
            data = self._encoder.encode(frame, self._index, keyframe)
        self.keyframes_sent += int(keyframe)
        packet = av.Packet(data)
        packet.pts = self._index * 90_000 // self._fps
        packet.time_base = VIDEO_TIME_BASE
        self._index += 1
        if len(self.sent_at_s) > 4096:  # live frames never repeat: keep memory bounded
            self.sent_at_s.clear()
        self.sent_at_s[hash(data)] = time.monotonic()
        return packet
