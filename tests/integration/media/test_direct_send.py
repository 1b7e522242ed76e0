"""The direct send path of a slot: RTP written from ``ForwardedTrack.push``.

A stand-in for aiortc's ``RTCRtpSender`` (SSRCs, a connected DTLS transport with identity
"SRTP", a UDP socket that records datagrams) lets these tests read every packet a subscriber
would get, and parse it with aiortc's own RTP code.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from aiortc.codecs.vpx import VpxPayloadDescriptor
from aiortc.rtcdtlstransport import State
from aiortc.rtcrtpparameters import (
    RTCRtcpParameters,
    RTCRtpCodecParameters,
    RTCRtpHeaderExtensionParameters,
    RTCRtpSendParameters,
)
from aiortc.rtp import HeaderExtensionsMap, RtpPacket, unwrap_rtx
from aiortc.utils import uint16_add

from server.media.forwarding import (
    ABS_SEND_TIME_URI,
    MAX_UNSENT_BYTES,
    MID_URI,
    VP8_CHUNK,
    EncodedFrame,
    ForwardedTrack,
)
from tests.integration.media.conftest import Harness, eventually

KEY, DELTA = b"\x00" + b"k" * 99, b"\x01" + b"d" * 99  # VP8 frame tag bit 0: 0 = keyframe
VP8, RTX, OPUS = 97, 98, 96


class FakeSocket:
    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.backlog = 0

    def sendto(self, data: bytes, addr: tuple[str, int]) -> None:
        self.sent.append(data)

    def get_write_buffer_size(self) -> int:
        return self.backlog


class FakeSender:
    """What ``_DirectSender`` uses of ``RTCRtpSender`` (and nothing else)."""

    def __init__(self) -> None:
        self._ssrc, self._rtx_ssrc = 1111, 2222
        self.socket = FakeSocket()
        pair = SimpleNamespace(
            protocol=SimpleNamespace(transport=self.socket), remote_addr=("x", 1)
        )
        ice = SimpleNamespace(_connection=SimpleNamespace(_nominated={1: pair}))
        self.transport = SimpleNamespace(
            _state=State.CONNECTED, transport=ice, _tx_srtp=SimpleNamespace(protect=bytes)
        )
        self.started_with: RTCRtpSendParameters | None = None

    async def send(self, parameters: RTCRtpSendParameters) -> None:
        self.started_with = parameters

    async def _retransmit(self, sequence_number: int) -> None:
        raise AssertionError("aiortc's own retransmission must not be used")


def parameters(kind: str) -> RTCRtpSendParameters:
    if kind == "video":
        codecs = [
            RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90_000, payloadType=VP8),
            RTCRtpCodecParameters(
                mimeType="video/rtx", clockRate=90_000, payloadType=RTX, parameters={"apt": VP8}
            ),
        ]
    else:
        codecs = [
            RTCRtpCodecParameters(
                mimeType="audio/opus", clockRate=48_000, channels=2, payloadType=OPUS
            )
        ]
    extensions = [RTCRtpHeaderExtensionParameters(id=1, uri=MID_URI)]
    if kind == "video":
        extensions.append(RTCRtpHeaderExtensionParameters(id=3, uri=ABS_SEND_TIME_URI))
    return RTCRtpSendParameters(
        codecs=codecs, headerExtensions=extensions, muxId="7", rtcp=RTCRtcpParameters(cname="c")
    )


async def direct_track(
    kind: str, asked: list[int] | None = None
) -> tuple[ForwardedTrack, FakeSender]:
    sender = FakeSender()
    track = ForwardedTrack(kind, lambda: asked.append(1) if asked is not None else None)
    track.send_directly(sender)  # type: ignore[arg-type]
    await sender.send(parameters(kind))
    assert sender.started_with is not None  # aiortc's own start still runs
    return track, sender


def parse(sender: FakeSender, kind: str) -> list[RtpPacket]:
    extensions = HeaderExtensionsMap()
    extensions.configure(parameters(kind))
    return [RtpPacket.parse(data, extensions) for data in sender.socket.sent]


def frame(kind: str, data: bytes, ts: int, at_s: float) -> EncodedFrame:
    return EncodedFrame(kind, data, ts, kind == "audio" or data[0] & 1 == 0, at_s)


async def test_a_switch_keeps_sequence_and_timestamps_and_resumes_on_a_keyframe() -> None:
    asked: list[int] = []
    track, sender = await direct_track("video", asked)
    track.set_source("alice")
    for i in range(3):
        assert track.push(frame("video", KEY if i == 0 else DELTA, 10_000 + i * 6000, i / 15))
    track.set_source("bob")  # bob's RTP clock is unrelated to alice's
    assert not track.push(frame("video", DELTA, 7_000_000, 0.5))  # dropped: no keyframe yet
    assert asked
    assert track.push(frame("video", KEY, 7_006_000, 0.55))
    assert track.push(frame("video", DELTA, 7_012_000, 0.6))

    packets = parse(sender, "video")
    assert len(packets) == 5
    assert {p.ssrc for p in packets} == {1111} and {p.payload_type for p in packets} == {VP8}
    seqs = [p.sequence_number for p in packets]
    assert seqs == [uint16_add(seqs[0], i) for i in range(5)]
    gaps = [(b.timestamp - a.timestamp) % 2**32 for a, b in zip(packets, packets[1:], strict=False)]
    assert gaps[:2] == [6000, 6000]
    assert gaps[2] == int((0.55 - 2 / 15) * 90_000)  # the switch follows wall time
    assert gaps[3] == 6000
    descriptors = [VpxPayloadDescriptor.parse(p.payload) for p in packets]
    pictures = [d.picture_id for d, _ in descriptors]
    assert pictures == [(pictures[0] + i) % 2**15 for i in range(5)]
    # the first frame bob's subscriber decodes is a keyframe
    assert [data[0] & 1 for _, data in descriptors] == [0, 1, 1, 0, 1]
    assert all(p.marker for p in packets)
    assert {p.extensions.mid for p in packets} == {"7"}
    assert all(p.extensions.abs_send_time is not None for p in packets)
    # aiortc's sender reports read these
    assert sender._RTCRtpSender__packet_count == 5  # type: ignore[attr-defined]
    assert sender._RTCRtpSender__rtp_timestamp == packets[-1].timestamp  # type: ignore[attr-defined]


async def test_a_large_frame_is_cut_into_packets_once_and_reassembles() -> None:
    track, sender = await direct_track("video")
    track.set_source("alice")
    data = KEY + bytes(range(256)) * 12
    assert track.push(frame("video", data, 0, 0.0))
    packets = parse(sender, "video")
    assert len(packets) == -(-len(data) // VP8_CHUNK) == 3
    descriptors = [VpxPayloadDescriptor.parse(p.payload) for p in packets]
    assert [d.partition_start for d, _ in descriptors] == [1, 0, 0]
    assert b"".join(body for _, body in descriptors) == data
    assert [p.marker for p in packets] == [0, 0, 1]
    assert len({p.timestamp for p in packets}) == 1
    assert max(len(p.payload) for p in packets) <= 1300


async def test_audio_packets_carry_the_opus_frame_as_is() -> None:
    track, sender = await direct_track("audio")
    track.set_source("alice")
    for i in range(3):
        assert track.push(frame("audio", b"opus%d" % i, 960 * i, i * 0.02))
    packets = parse(sender, "audio")
    assert [p.payload for p in packets] == [b"opus0", b"opus1", b"opus2"]
    assert [
        (b.timestamp - a.timestamp) % 2**32 for a, b in zip(packets, packets[1:], strict=False)
    ] == [960, 960]
    assert {p.payload_type for p in packets} == {OPUS}
    assert {p.extensions.mid for p in packets} == {"7"}


async def test_a_nack_is_answered_with_rtx_from_the_history() -> None:
    track, sender = await direct_track("video")
    track.set_source("alice")
    track.push(frame("video", KEY, 0, 0.0))
    track.push(frame("video", DELTA, 6000, 0.066))
    lost = parse(sender, "video")[0]
    await sender._retransmit(lost.sequence_number)  # what aiortc calls for an RTCP NACK
    await sender._retransmit(uint16_add(lost.sequence_number, 1000))  # not in history: ignored
    rtx = parse(sender, "video")[-1]
    assert len(sender.socket.sent) == 3
    assert (rtx.payload_type, rtx.ssrc) == (RTX, 2222)
    assert rtx.extensions.mid == "7"
    recovered = unwrap_rtx(rtx, payload_type=VP8, ssrc=1111)
    assert recovered.sequence_number == lost.sequence_number
    assert (recovered.payload, recovered.timestamp) == (lost.payload, lost.timestamp)


async def test_frames_that_cannot_be_sent_are_dropped_and_video_restarts_on_a_keyframe() -> None:
    asked: list[int] = []
    track, sender = await direct_track("video", asked)
    track.set_source("alice")
    sender.socket.backlog = MAX_UNSENT_BYTES + 1  # the subscriber's socket is backed up
    assert not track.push(frame("video", KEY, 0, 0.0))
    assert track.frames_dropped == 1 and asked
    sender.socket.backlog = 0
    assert not track.push(frame("video", DELTA, 6000, 0.066))  # waits for a keyframe
    assert track.push(frame("video", KEY, 12000, 0.133))
    sender.transport._state = State.CLOSED
    assert not track.push(frame("video", DELTA, 18000, 0.2))
    assert len(sender.socket.sent) == 1


async def test_the_senders_rtp_task_waits_until_the_track_stops() -> None:
    from aiortc.mediastreams import MediaStreamError

    track, _ = await direct_track("audio")
    waiting = asyncio.ensure_future(track.recv())
    # a direct track hands the sender nothing: recv() must still be pending after a bounded wait
    done, _ = await asyncio.wait({waiting}, timeout=0.05)
    assert not done
    track.stop()
    try:
        await waiting
    except MediaStreamError:
        pass
    else:
        raise AssertionError("recv() must end with MediaStreamError")


async def test_a_real_subscriber_sees_one_loss_free_stream_per_slot_with_sender_reports(
    harness: Harness,
) -> None:
    """aiortc peers, switched slot: no sequence gap, RTCP sender reports count what we sent."""
    await harness.join("alice", "main", badge=1)
    await harness.join("bob", "main", badge=2)
    dave = await harness.join("dave", "main", badge=4, slots=1)
    await eventually(lambda: dave.frames_by_badge[1] >= 10, 10.0, "dave to see alice")
    await harness.backend.leave("alice")
    await eventually(lambda: dave.frames_by_badge[2] >= 10, 10.0, "dave to see bob instead")

    async def reports() -> tuple[list[object], list[object]]:
        stats = list((await dave.pc.getStats()).values())
        inbound = [s for s in stats if s.type == "inbound-rtp"]
        remote = [s for s in stats if s.type == "remote-outbound-rtp"]
        return inbound, remote

    deadline = asyncio.get_running_loop().time() + 5.0
    inbound, remote = await reports()
    while len(remote) < 2 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.2)  # sender reports come every 0.5-1.5 s
        inbound, remote = await reports()
    assert len(inbound) == 2  # one audio and one video stream for the one slot, across the switch
    assert all(s.packetsLost == 0 and s.packetsReceived > 0 for s in inbound)  # type: ignore[attr-defined]
    assert {s.ssrc for s in remote} == {s.ssrc for s in inbound}  # type: ignore[attr-defined]
    assert all(s.packetsSent > 0 for s in remote)  # type: ignore[attr-defined]
