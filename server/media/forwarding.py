"""Encoded-frame forwarding on top of aiortc, without decoding or re-encoding.

aiortc's ``RTCRtpReceiver`` always decodes: each reassembled frame leaves its jitter buffer
through a private ``queue.Queue`` into a decoder thread.  Its ``RTCRtpSender``, on the other
hand, only re-packetises when a track's ``recv()`` returns an ``av.Packet`` (the path used by
``MediaPlayer(decode=False)``).  This module joins the two:

* :func:`tap_encoded_frames` swaps the receiver's decoder queue for a sink that hands every
  reassembled frame to a callback on the event loop, so the decoder thread idles forever;
* :class:`ForwardedTrack` is a send slot that can be switched from one publisher to another
  while keeping its RTP timeline continuous.  By default (:meth:`ForwardedTrack.send_directly`)
  it writes each frame's RTP packets itself, straight from :meth:`ForwardedTrack.push`: the
  frame is cut into payloads once per publisher, and per subscriber only a 12-byte header,
  the header extensions and the VP8 payload descriptor are written before SRTP and
  ``sendto``.  aiortc's ``RTCRtpSender`` stays in place for everything else (SSRC, RTCP
  sender reports and SDES, NACK -> RTX from our history, PLI/FIR), but its RTP task just
  waits.  Without ``send_directly`` the track returns ``av.Packet`` objects from ``recv()``
  and aiortc's sender re-packetises them (one task wake-up per frame and subscriber);
* :func:`intercept_keyframe_requests` and :func:`request_keyframe` carry keyframe requests
  (PLI/FIR) from a subscriber back to the publisher.

Everything here touches aiortc internals (name-mangled attributes, the jitter buffer, the
sender's keyframe hook), so it is pinned to one aiortc version and refuses to import on any
other: read ``aiortc/rtcrtpreceiver.py`` and ``rtcrtpsender.py`` again before bumping it.
"""

from __future__ import annotations

import asyncio
import random
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from importlib.metadata import version
from typing import Protocol, cast

import av
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.codecs import is_rtx
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcdtlstransport import State as DtlsState
from aiortc.rtcrtpparameters import (
    RTCRtpCodecCapability,
    RTCRtpCodecParameters,
    RTCRtpSendParameters,
)
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
# Direct sending: the same guard, on bytes the subscriber's UDP socket could not take yet.
MAX_UNSENT_BYTES = 256 * 1024
# aiortc cuts VP8 frames into payloads of at most 1300 bytes including the 4-byte descriptor.
VP8_CHUNK = 1300 - 4
# Packets kept per slot for retransmission on NACK (aiortc keeps 128).
RTP_HISTORY = 256
NTP_EPOCH_OFFSET_S = 2_208_988_800
MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid"
ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
_RTP_HEADER = struct.Struct("!BBHII")


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One reassembled frame as it left the publisher's encoder."""

    kind: str  # "audio" | "video"
    data: bytes
    timestamp: int  # RTP timestamp, rebased to start at 0 for this publisher
    keyframe: bool
    arrived_at_s: float  # time.monotonic() when the frame was complete
    # RTP payload bodies (VP8: without payload descriptor), cut once for every subscriber
    payloads: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if not self.payloads:
            object.__setattr__(self, "payloads", split_payloads(self.kind, self.data))


def split_payloads(kind: str, data: bytes) -> tuple[bytes, ...]:
    if kind == "audio" or len(data) <= VP8_CHUNK:
        return (data,)
    return tuple(data[i : i + VP8_CHUNK] for i in range(0, len(data), VP8_CHUNK))


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


class _Udp(Protocol):
    """The part of asyncio's datagram transport that the direct path uses."""

    def sendto(self, data: bytes, addr: tuple[str, int]) -> None: ...
    def get_write_buffer_size(self) -> int: ...


class _DirectSender:
    """Writes a slot's RTP packets itself, on behalf of an aiortc ``RTCRtpSender``.

    The sender keeps its SSRC, its RTCP task (sender reports read the counters we update,
    SDES, BYE) and its RTCP handling (PLI/FIR go to ``intercept_keyframe_requests``; NACKs
    land in :meth:`retransmit`, which answers from our own history with RTX).  Packets are
    laid out as aiortc's sender lays them out: random initial sequence number, timestamp
    origin and VP8 picture ID, the ``mid`` and ``abs-send-time`` header extensions when
    negotiated, marker on the last packet of a frame.
    """

    def __init__(self, sender: RTCRtpSender, kind: str) -> None:
        self._sender = sender
        self._video = kind == "video"
        self._ready = False
        self._payload_type = 0
        self._rtx_payload_type: int | None = None
        self._ssrc = sender._ssrc
        self._rtx_ssrc = sender._rtx_ssrc
        self._sequence = random.getrandbits(16)
        self._rtx_sequence = random.getrandbits(16)
        self._timestamp_origin = random.getrandbits(32)
        self._picture_id = random.getrandbits(15)
        self._ext_head = b""  # extension block up to the abs-send-time value
        self._ext_tail = b""  # padding after it
        self._abs_send_time = False
        self._history: list[bytes | None] = [None] * RTP_HISTORY
        self._header_length = 12
        self.packets_sent = 0
        self.octets_sent = 0
        self.retransmissions = 0
        start = sender.send

        async def send(parameters: RTCRtpSendParameters) -> None:
            self._configure(parameters)
            await start(parameters)

        sender.send = send  # type: ignore[method-assign]
        sender._retransmit = self.retransmit  # type: ignore[method-assign]

    def _configure(self, parameters: RTCRtpSendParameters) -> None:
        codec = parameters.codecs[0]
        assert codec.payloadType is not None  # aiortc assigns them while negotiating
        self._payload_type = codec.payloadType
        for c in parameters.codecs:
            if is_rtx(c) and c.parameters.get("apt") == codec.payloadType:
                self._rtx_payload_type = c.payloadType
                break
        ids = {ext.uri: ext.id for ext in parameters.headerExtensions}
        elements = b""
        if MID_URI in ids and parameters.muxId:
            mid = parameters.muxId.encode()
            elements += bytes([(ids[MID_URI] << 4) | (len(mid) - 1)]) + mid
        if self._video and ABS_SEND_TIME_URI in ids:
            self._abs_send_time = True
            elements += bytes([(ids[ABS_SEND_TIME_URI] << 4) | 2])
        if elements:
            length = len(elements) + (3 if self._abs_send_time else 0)
            padding = -length % 4
            self._ext_head = struct.pack("!HH", 0xBEDE, (length + padding) // 4) + elements
            self._ext_tail = b"\0" * padding
            self._header_length = 12 + 4 + length + padding
        self._ready = True

    def _route(self) -> tuple[_Udp, tuple[str, int]] | None:
        """The subscriber's UDP socket and address, when its DTLS session is up."""
        dtls = self._sender.transport
        if not self._ready or dtls._state != DtlsState.CONNECTED:
            return None
        pair = dtls.transport._connection._nominated.get(1)
        if pair is None or pair.protocol.transport is None:
            return None
        # asyncio's datagram transport has get_write_buffer_size; typeshed omits it
        return cast(_Udp, pair.protocol.transport), pair.remote_addr

    def send_frame(self, payloads: tuple[bytes, ...], timestamp: int) -> bool:
        """Send one frame; False (nothing sent) when the subscriber cannot take it now."""
        route = self._route()
        if route is None:
            return False
        udp, addr = route
        if udp.get_write_buffer_size() > MAX_UNSENT_BYTES:
            return False
        protect = self._sender.transport._tx_srtp.protect
        now_s = time.time()
        ntp = int((now_s + NTP_EPOCH_OFFSET_S) * (1 << 32))
        extensions = b""
        if self._ext_head:
            abs_time = ((ntp >> 14) & 0xFFFFFF).to_bytes(3) if self._abs_send_time else b""
            extensions = self._ext_head + abs_time + self._ext_tail
        first_byte = 0x90 if extensions else 0x80
        timestamp = (self._timestamp_origin + timestamp) & 0xFFFFFFFF
        last = len(payloads) - 1
        octets = 0
        for i, body in enumerate(payloads):
            if self._video:
                # VP8 payload descriptor (RFC 7741): X, S on the first packet, I, 15-bit M
                body = (
                    bytes((0x90 if i == 0 else 0x80, 0x80))
                    + (0x8000 | self._picture_id).to_bytes(2)
                    + body
                )
            marker = 0x80 if i == last else 0
            packet = (
                _RTP_HEADER.pack(
                    first_byte, marker | self._payload_type, self._sequence, timestamp, self._ssrc
                )
                + extensions
                + body
            )
            self._history[self._sequence % RTP_HISTORY] = packet
            udp.sendto(protect(packet), addr)
            self._sequence = (self._sequence + 1) & 0xFFFF
            octets += len(body)
        if self._video:
            self._picture_id = (self._picture_id + 1) & 0x7FFF
        self.packets_sent += len(payloads)
        self.octets_sent += octets
        # what aiortc's RTCP task puts into sender reports
        sender = self._sender
        sender._RTCRtpSender__ntp_timestamp = ntp  # type: ignore[attr-defined]
        sender._RTCRtpSender__rtp_timestamp = timestamp  # type: ignore[attr-defined]
        sender._RTCRtpSender__packet_count = self.packets_sent  # type: ignore[attr-defined]
        sender._RTCRtpSender__octet_count = self.octets_sent  # type: ignore[attr-defined]
        return True

    async def retransmit(self, sequence_number: int) -> None:
        """Answer a NACK: resend the packet as RTX (RFC 4588), or as is without RTX."""
        packet = self._history[sequence_number % RTP_HISTORY]
        if packet is None or int.from_bytes(packet[2:4]) != sequence_number:
            return
        route = self._route()
        if route is None:
            return
        if self._rtx_payload_type is not None:
            n = self._header_length
            packet = (
                bytes((packet[0], (packet[1] & 0x80) | self._rtx_payload_type))
                + self._rtx_sequence.to_bytes(2)
                + packet[4:8]
                + self._rtx_ssrc.to_bytes(4)
                + packet[12:n]
                + packet[2:4]
                + packet[n:]
            )
            self._rtx_sequence = (self._rtx_sequence + 1) & 0xFFFF
        try:
            data = self._sender.transport._tx_srtp.protect(packet)
        except Exception:  # libsrtp refuses to protect the same index twice without RTX
            return
        udp, addr = route
        udp.sendto(data, addr)
        self.retransmissions += 1


class ForwardedTrack(MediaStreamTrack):
    """A send slot: forwards the encoded frames of whichever publisher feeds it right now.

    The RTP timestamps a subscriber sees must stay monotonic and roughly follow wall time
    across switches, so each new source gets an offset that continues the slot's timeline
    from where it stopped.  A video slot drops frames after a switch until a keyframe
    arrives (asking for one through ``on_keyframe_needed``), because a VP8 decoder cannot
    start on an inter frame of a stream it has never seen.  The same holds for frames that
    could not be sent (connection not up yet, socket backed up).
    """

    def __init__(self, kind: str, on_keyframe_needed: Callable[[], None]) -> None:
        super().__init__()
        self.kind = kind
        self._clock_rate = AUDIO_CLOCK_RATE if kind == "audio" else VIDEO_CLOCK_RATE
        self._time_base = Fraction(1, self._clock_rate)
        self._on_keyframe_needed = on_keyframe_needed
        self._queue: asyncio.Queue[av.Packet | None] = asyncio.Queue()  # type: ignore[type-arg]
        self._direct: _DirectSender | None = None
        self._ended: asyncio.Future[None] | None = None
        self._source: object | None = None
        self._offset: int | None = None
        self._awaiting_keyframe = kind == "video"
        self._last_out_ts: int | None = None
        self._last_out_s = 0.0
        self.frames_forwarded = 0
        self.bytes_forwarded = 0
        self.frames_dropped = 0

    def send_directly(self, sender: RTCRtpSender) -> None:
        """Write this slot's RTP from :meth:`push` instead of through ``sender``'s RTP task.

        Call before the connection starts (before ``sender.send``).
        """
        self._direct = _DirectSender(sender, self.kind)

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
        """Forward ``frame`` to the subscriber; returns False when it had to be dropped."""
        if self.readyState != "live" or self._source is None:
            return False
        if self._awaiting_keyframe:
            if not frame.keyframe:
                self.frames_dropped += 1
                self._on_keyframe_needed()
                return False
            self._awaiting_keyframe = False
        if self._direct is None and self._queue.qsize() >= MAX_QUEUED_FRAMES:
            return self._drop()
        if self._offset is None:
            self._offset = self._continue_timeline(frame) - frame.timestamp
        timestamp = (frame.timestamp + self._offset) & 0xFFFFFFFF
        if self._direct is not None:
            if not self._direct.send_frame(frame.payloads, timestamp):
                return self._drop()
        else:
            packet = av.Packet(frame.data)
            packet.pts = timestamp
            packet.time_base = self._time_base
            self._queue.put_nowait(packet)
        self._last_out_ts = timestamp
        self._last_out_s = frame.arrived_at_s
        self.frames_forwarded += 1
        self.bytes_forwarded += len(frame.data)
        return True

    def _drop(self) -> bool:
        self.frames_dropped += 1
        if self.kind == "video":
            self._awaiting_keyframe = True
            self._on_keyframe_needed()
        return False

    def _continue_timeline(self, frame: EncodedFrame) -> int:
        if self._last_out_ts is None:
            return 0
        elapsed = max(frame.arrived_at_s - self._last_out_s, 0.001)
        return self._last_out_ts + int(elapsed * self._clock_rate)

    async def recv(self) -> av.Packet:  # type: ignore[type-arg]
        if self.readyState != "live":
            raise MediaStreamError
        if self._direct is not None:
            # aiortc's RTP task waits here for good: push() does the sending
            if self._ended is None:
                self._ended = asyncio.get_running_loop().create_future()
            await self._ended
            raise MediaStreamError
        packet = await self._queue.get()
        if packet is None:
            raise MediaStreamError
        return packet

    def stop(self) -> None:
        super().stop()
        self._queue.put_nowait(None)
        if self._ended is not None and not self._ended.done():
            self._ended.set_result(None)
