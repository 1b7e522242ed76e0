"""Encoded-frame forwarding on top of aiortc, without decoding or re-encoding.

aiortc's ``RTCRtpReceiver`` always decodes: each reassembled frame leaves its jitter buffer
through a private ``queue.Queue`` into a decoder thread.  Its ``RTCRtpSender``, on the other
hand, only re-packetises when a track's ``recv()`` returns an ``av.Packet`` (the path used by
``MediaPlayer(decode=False)``).  This module joins the two:

* :func:`tap_encoded_frames` swaps the receiver's decoder queue for a sink that hands every
  reassembled frame to a callback on the event loop, so the decoder thread idles forever;
* :class:`ForwardedTrack` is a sender-side track that returns ``av.Packet`` objects and can be
  switched from one publisher to another while keeping its RTP timeline continuous;
* :func:`intercept_keyframe_requests` and :func:`request_keyframe` carry keyframe requests
  (PLI/FIR) from a subscriber back to the publisher.

Everything here touches aiortc internals (name-mangled attributes, the jitter buffer, the
sender's keyframe hook), so it is pinned to one aiortc version and refuses to import on any
other: read ``aiortc/rtcrtpreceiver.py`` and ``rtcrtpsender.py`` again before bumping it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from importlib.metadata import version

import av
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.codecs import is_rtx
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpCodecCapability, RTCRtpCodecParameters
from aiortc.rtp import RtpPacket
from aiortc.utils import uint16_add, uint16_gt

PINNED_AIORTC_VERSION = "1.16.0"

if version("aiortc") != PINNED_AIORTC_VERSION:  # pragma: no cover - guards an upgrade
    raise ImportError(
        f"server.media.forwarding is written against aiortc=={PINNED_AIORTC_VERSION} "
        f"(found {version('aiortc')}); re-check RTCRtpReceiver/RTCRtpSender internals"
    )

AUDIO_CLOCK_RATE = 48_000
VIDEO_CLOCK_RATE = 90_000
# A subscriber whose sender falls this far behind loses frames instead of growing memory.
MAX_QUEUED_FRAMES = 64


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One reassembled frame as it left the publisher's encoder."""

    kind: str  # "audio" | "video"
    data: bytes
    timestamp: int  # RTP timestamp, rebased to start at 0 for this publisher
    keyframe: bool
    arrived_at_s: float  # time.monotonic() when the frame was complete


def is_vp8_keyframe(data: bytes) -> bool:
    # RFC 6386 section 9.1: bit 0 of the frame tag is 0 for a key frame.
    return bool(data) and data[0] & 0x01 == 0


class _EncodedFrameSink:
    """Stands in for the receiver's decoder ``queue.Queue``.

    ``put`` is called on the event loop by ``_handle_rtp_packet``; ``get`` is called by the
    idle decoder thread, which we keep blocked until the receiver stops (``put(None)``) so
    that aiortc's own shutdown path (join the thread, end the track) still works.
    """

    def __init__(self, kind: str, on_frame: Callable[[EncodedFrame], None]) -> None:
        self._kind = kind
        self._on_frame = on_frame
        self._stopped = threading.Event()

    def put(self, item: tuple[RTCRtpCodecParameters, object] | None) -> None:
        if item is None:
            self._stopped.set()
            return
        _codec, jitter_frame = item
        data: bytes = jitter_frame.data  # type: ignore[attr-defined]
        self._on_frame(
            EncodedFrame(
                kind=self._kind,
                data=data,
                timestamp=jitter_frame.timestamp,  # type: ignore[attr-defined]
                keyframe=self._kind == "audio" or is_vp8_keyframe(data),
                arrived_at_s=time.monotonic(),
            )
        )

    def get(self) -> None:
        self._stopped.wait()
        return None


def tap_encoded_frames(
    receiver: RTCRtpReceiver, kind: str, on_frame: Callable[[EncodedFrame], None]
) -> None:
    """Make ``receiver`` hand encoded frames to ``on_frame`` instead of decoding them.

    Must be called before the receiver starts (before ``RTCPeerConnection`` connects), because
    ``receive()`` captures the queue when it starts the decoder thread.
    """
    if receiver._RTCRtpReceiver__decoder_thread is not None:  # type: ignore[attr-defined]
        raise RuntimeError("tap_encoded_frames must run before the receiver starts")
    receiver._RTCRtpReceiver__decoder_queue = _EncodedFrameSink(kind, on_frame)  # type: ignore[attr-defined]
    # aiortc releases a frame only when the first packet of the NEXT frame arrives (and
    # holds 4 audio frames on top), which costs a frame interval per hop and only helps a
    # local decoder.  A forwarder releases each frame as soon as it is complete; the
    # subscriber's own jitter buffer absorbs jitter once, not twice.
    buffer = _AudioPassThrough() if kind == "audio" else _MarkerJitterBuffer()
    receiver._RTCRtpReceiver__jitter_buffer = buffer  # type: ignore[attr-defined]


class _AudioPassThrough(JitterBuffer):
    """Every Opus packet is a whole frame: release it at once, dropping late duplicates."""

    def __init__(self) -> None:
        super().__init__(capacity=16)
        self._last_seq: int | None = None

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        seq = packet.sequence_number
        if self._last_seq is not None and not uint16_gt(seq, self._last_seq):
            return False, None
        self._last_seq = seq
        return False, JitterFrame(data=packet._data, timestamp=packet.timestamp)  # type: ignore[attr-defined]


class _MarkerJitterBuffer(JitterBuffer):
    """aiortc's video jitter buffer, plus: a frame is complete once its marker packet and
    everything before it are in (a retransmission can be the packet that completes it)."""

    def __init__(self) -> None:
        super().__init__(capacity=512, is_video=True)

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        pli_flag, frame = super().add(packet)
        if frame is None:
            frame = self._take_first_frame()
        return pli_flag, frame

    def _take_first_frame(self) -> JitterFrame | None:
        if self._origin is None:
            return None
        packets: list[RtpPacket] = []
        for i in range(self._capacity):
            p = self._packets[uint16_add(self._origin, i) % self._capacity]
            if p is None or (packets and p.timestamp != packets[0].timestamp):
                return None  # a gap, or the frame has no marker: leave it to aiortc
            packets.append(p)
            if p.marker:
                break
        first = packets[0].payload
        # VP8 payload descriptor (RFC 7741): S bit set and partition 0 = start of a frame.
        if not first or not first[0] & 0x10 or first[0] & 0x0F:
            return None
        self.remove(len(packets))
        data = b"".join(p._data for p in packets)  # type: ignore[attr-defined]
        return JitterFrame(data=data, timestamp=packets[0].timestamp)


def request_keyframe(receiver: RTCRtpReceiver) -> bool:
    """Send a PLI upstream to whoever publishes into ``receiver``; False if none is known yet."""
    sources = receiver.getSynchronizationSources()
    if not sources:
        return False
    ssrc = max(sources, key=lambda s: s.timestamp).source
    asyncio.ensure_future(receiver._send_rtcp_pli(ssrc))
    return True


def intercept_keyframe_requests(sender: RTCRtpSender, on_request: Callable[[], None]) -> None:
    """Route PLI/FIR that a subscriber sends to ``sender`` into ``on_request``.

    aiortc reacts to PLI by setting a flag its encoder reads; a forwarded stream has no
    encoder, so the request must travel to the publisher instead.
    """
    sender._send_keyframe = on_request  # type: ignore[method-assign]


def codec_preferences(kind: str) -> list[RTCRtpCodecCapability]:
    """The only codecs we forward: Opus for audio, VP8 (+ RTX) for video.

    Forwarding without transcoding requires every publisher and subscriber to agree on one
    codec, so the server answers every m-line with exactly these.
    """
    wanted = {"audio": ("audio/opus",), "video": ("video/vp8",)}[kind]
    return [
        c
        for c in RTCRtpSender.getCapabilities(kind).codecs
        if c.mimeType.lower() in wanted or is_rtx(c)
    ]


class ForwardedTrack(MediaStreamTrack):
    """A send slot: returns the encoded frames of whichever publisher feeds it right now.

    The RTP timestamps a subscriber sees must stay monotonic and roughly follow wall time
    across switches, so each new source gets an offset that continues the slot's timeline
    from where it stopped.  A video slot drops frames after a switch until a keyframe
    arrives (asking for one through ``on_keyframe_needed``), because a VP8 decoder cannot
    start on an inter frame of a stream it has never seen.
    """

    def __init__(self, kind: str, on_keyframe_needed: Callable[[], None]) -> None:
        super().__init__()
        self.kind = kind
        self._clock_rate = AUDIO_CLOCK_RATE if kind == "audio" else VIDEO_CLOCK_RATE
        self._time_base = Fraction(1, self._clock_rate)
        self._on_keyframe_needed = on_keyframe_needed
        self._queue: asyncio.Queue[av.Packet | None] = asyncio.Queue()  # type: ignore[type-arg]
        self._source: object | None = None
        self._offset: int | None = None
        self._awaiting_keyframe = kind == "video"
        self._last_out_ts: int | None = None
        self._last_out_s = 0.0
        self.frames_forwarded = 0
        self.bytes_forwarded = 0
        self.frames_dropped = 0

    @property
    def source(self) -> object | None:
        return self._source

    def set_source(self, source: object | None) -> None:
        """Switch the slot to another publisher (or to nobody); queued frames are discarded."""
        if source is self._source:
            return
        self._source = source
        self._offset = None
        self._awaiting_keyframe = self.kind == "video"
        while not self._queue.empty():
            self._queue.get_nowait()

    def push(self, frame: EncodedFrame) -> bool:
        """Queue ``frame`` for the subscriber; returns False when it had to be dropped."""
        if self.readyState != "live" or self._source is None:
            return False
        if self._awaiting_keyframe:
            if not frame.keyframe:
                self.frames_dropped += 1
                self._on_keyframe_needed()
                return False
            self._awaiting_keyframe = False
        if self._queue.qsize() >= MAX_QUEUED_FRAMES:
            self.frames_dropped += 1
            if self.kind == "video":
                self._awaiting_keyframe = True
                self._on_keyframe_needed()
            return False
        if self._offset is None:
            self._offset = self._continue_timeline(frame) - frame.timestamp
        packet = av.Packet(frame.data)
        packet.pts = frame.timestamp + self._offset
        packet.time_base = self._time_base
        self._last_out_ts = packet.pts
        self._last_out_s = frame.arrived_at_s
        self._queue.put_nowait(packet)
        self.frames_forwarded += 1
        self.bytes_forwarded += len(frame.data)
        return True

    def _continue_timeline(self, frame: EncodedFrame) -> int:
        if self._last_out_ts is None:
            return 0
        elapsed = max(frame.arrived_at_s - self._last_out_s, 0.001)
        return self._last_out_ts + int(elapsed * self._clock_rate)

    async def recv(self) -> av.Packet:  # type: ignore[type-arg]
        if self.readyState != "live":
            raise MediaStreamError
        packet = await self._queue.get()
        if packet is None:
            raise MediaStreamError
        return packet

    def stop(self) -> None:
        super().stop()
        self._queue.put_nowait(None)
