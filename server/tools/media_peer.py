"""A headless media peer: what a browser does, on aiortc, for tests, demos and load.

It follows the client contract of ``server/media/backend.py``: one connection, a ``sendonly``
microphone (a WAV file) and camera (synthetic VP8), then ``slots`` pairs of ``recvonly``
audio/video m-lines.  Signalling is injected (``async def signal(offer_sdp) -> answer_sdp``),
so a test can call ``MediaBackend.join`` directly and ``sim_peer`` can go through socket.io.

It counts what it RECEIVES, per slot and per publisher (by the latest layout), and for
decoded video also per *badge* read from the pixels, which identifies the publishing camera
independently of any signalling: that is what isolation tests should assert on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiortc import RTCPeerConnection, RTCRtpTransceiver, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError

from server.media.backend import Layout
from server.media.forwarding import (
    EncodedFrame,
    codec_preferences,
    intercept_keyframe_requests,
    tap_encoded_frames,
)
from server.media.ice import LOOPBACK, IceSettings, gathering_on
from server.tools.media_sources import SyntheticCamera, WavMicrophone, read_badge

Signal = Callable[[str], Awaitable[str]]
SentAt = Callable[[int], float | None]


class MediaPeer:
    """One simulated participant.  ``start()`` connects; ``close()`` hangs up."""

    def __init__(
        self,
        name: str,
        wav_path: str | Path | None,
        signal: Signal,
        *,
        ice: IceSettings = LOOPBACK,
        slots: int = 4,
        audio_only: bool = False,
        badge: int = 0,
        decode: bool = True,
        camera: SyntheticCamera | None = None,
        sent_at: SentAt | None = None,
        loop_audio: bool = False,
    ) -> None:
        self.name = name
        self._signal = signal
        self._ice = ice
        self._slots = slots
        self._audio_only = audio_only
        self._decode = decode
        self._sent_at = sent_at
        self.microphone = WavMicrophone(wav_path, loop=loop_audio)
        self.camera = None if audio_only else (camera or SyntheticCamera(badge))
        self.pc = RTCPeerConnection(ice.configuration())
        self.layout: Layout | None = None
        self._slot_of_mid: dict[str, tuple[str, int]] = {}
        self._recv: list[RTCRtpTransceiver] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._progress = asyncio.Event()
        self.frames_by_slot: Counter[tuple[str, int]] = Counter()
        self.frames_by_source: Counter[tuple[str, str]] = Counter()
        self.keyframes_by_source: Counter[str] = Counter()
        self.frames_by_badge: Counter[int] = Counter()
        self.latencies_s: list[float] = []

    # -- connection ------------------------------------------------------------------------

    async def start(self) -> None:
        mic = self.pc.addTransceiver(self.microphone, "sendonly")
        mic.setCodecPreferences(codec_preferences("audio"))
        if self.camera is not None:
            cam = self.pc.addTransceiver(self.camera, "sendonly")
            cam.setCodecPreferences(codec_preferences("video"))
            intercept_keyframe_requests(cam.sender, self.camera.request_keyframe)
        kinds = ("audio",) if self._audio_only else ("audio", "video")
        for index in range(self._slots):
            for kind in kinds:
                t = self.pc.addTransceiver(kind, "recvonly")
                t.setCodecPreferences(codec_preferences(kind))
                self._recv.append(t)
                if not self._decode:
                    tap_encoded_frames(t.receiver, kind, self._encoded_counter(t, index))
        with gathering_on(self._ice.host_addresses):
            await self.pc.setLocalDescription(await self.pc.createOffer())
        for index, t in enumerate(self._recv):
            assert t.mid is not None  # assigned by createOffer
            self._slot_of_mid[t.mid] = (t.kind, index // len(kinds))
        answer = await self._signal(self.pc.localDescription.sdp)
        await self.pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))
        if self._decode:
            for t in self._recv:
                if t.currentDirection in ("recvonly", "sendrecv"):
                    self._tasks.append(asyncio.ensure_future(self._consume(t)))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, MediaStreamError):
                await task
        await self.pc.close()

    def apply_layout(self, layout: Layout) -> None:
        """Feed the layouts the server sends (the ``on_layout`` messages of a browser)."""
        self.layout = layout

    def publisher_of(self, mid: str) -> str | None:
        return self.layout.publisher_of_mid(mid) if self.layout else None

    # -- counting --------------------------------------------------------------------------

    def _count(self, t: RTCRtpTransceiver, keyframe: bool) -> str | None:
        mid = t.mid or ""
        kind, index = self._slot_of_mid[mid]
        self.frames_by_slot[(kind, index)] += 1
        source = self.publisher_of(mid)
        if source is not None:
            self.frames_by_source[(kind, source)] += 1
            if keyframe:
                self.keyframes_by_source[source] += 1
        self._progress.set()
        return source

    async def _consume(self, t: RTCRtpTransceiver) -> None:
        track = t.receiver.track
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                if t.kind == "video":
                    self.frames_by_badge[read_badge(frame)] += 1  # type: ignore[arg-type]
                self._count(t, keyframe=False)

    def _encoded_counter(self, t: RTCRtpTransceiver, index: int) -> Callable[[EncodedFrame], None]:
        def on_frame(frame: EncodedFrame) -> None:
            self._count(t, keyframe=frame.kind == "video" and frame.keyframe)
            if frame.kind == "video" and self._sent_at is not None:
                sent = self._sent_at(hash(frame.data))
                if sent is not None:
                    self.latencies_s.append(time.monotonic() - sent)

        return on_frame

    def received(self, kind: str, source: str) -> int:
        return self.frames_by_source[(kind, source)]

    async def wait_until(self, predicate: Callable[[], bool], timeout_s: float) -> None:
        """Wait until ``predicate()`` holds, re-checking on every received frame."""
        deadline = time.monotonic() + timeout_s
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: condition not met in {timeout_s} s")
            self._progress.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._progress.wait(), min(remaining, 0.5))
