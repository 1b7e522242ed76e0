"""The send slot: keyframe gating, timeline continuity across switches, back-pressure."""

from __future__ import annotations

import pytest
from aiortc.rtp import RtpPacket

from server.media.forwarding import (
    MAX_QUEUED_FRAMES,
    EncodedFrame,
    ForwardedTrack,
    _AudioPassThrough,
    _MarkerJitterBuffer,
)
from server.media.ice import advertise_public_address

KEY, DELTA = b"\x00rest", b"\x01rest"  # VP8 frame tag bit 0: 0 = keyframe


def frame(kind: str, data: bytes, ts: int, at_s: float) -> EncodedFrame:
    return EncodedFrame(kind, data, ts, kind == "audio" or data[0] & 1 == 0, at_s)


async def test_video_slot_waits_for_a_keyframe_and_asks_for_one() -> None:
    asked: list[int] = []
    track = ForwardedTrack("video", lambda: asked.append(1))
    track.set_source("alice")
    assert not track.push(frame("video", DELTA, 0, 0.0))
    assert asked
    assert track.push(frame("video", KEY, 3000, 0.033))
    assert track.push(frame("video", DELTA, 6000, 0.066))
    assert [(await track.recv()).pts for _ in range(2)] == [0, 3000]


async def test_timeline_continues_across_a_switch() -> None:
    track = ForwardedTrack("audio", lambda: None)
    track.set_source("alice")
    track.push(frame("audio", b"a", 96_000, 10.0))
    track.push(frame("audio", b"a", 96_960, 10.02))
    track.set_source("bob")  # bob's clock is unrelated to alice's
    track.push(frame("audio", b"b", 5_000_000, 10.52))
    track.push(frame("audio", b"b", 5_000_960, 10.54))
    pts = [(await track.recv()).pts for _ in range(2)]
    assert pts[0] == 960 + 24_000  # alice's last + 0.5 s of wall time at 48 kHz
    assert pts[1] == pts[0] + 960


async def test_a_slot_with_no_source_forwards_nothing() -> None:
    track = ForwardedTrack("audio", lambda: None)
    assert not track.push(frame("audio", b"a", 0, 0.0))
    track.set_source("alice")
    track.push(frame("audio", b"a", 0, 0.0))
    track.set_source(None)  # queued frames of the old source are discarded too
    assert track._queue.empty()
    assert not track.push(frame("audio", b"a", 960, 0.02))


def test_a_slow_subscriber_loses_frames_not_memory() -> None:
    asked: list[int] = []
    track = ForwardedTrack("video", lambda: asked.append(1))
    track.set_source("alice")
    pushed = [
        track.push(frame("video", KEY, i * 3000, i / 30)) for i in range(MAX_QUEUED_FRAMES + 5)
    ]
    assert pushed.count(True) == MAX_QUEUED_FRAMES
    assert track.frames_dropped == 5 and asked


def test_public_address_is_advertised_next_to_host_candidates() -> None:
    sdp = "a=candidate:abc 1 udp 2130706431 10.0.0.5 40000 typ host\r\na=end-of-candidates\r\n"
    out = advertise_public_address(sdp, "203.0.113.7").splitlines()
    assert out[0].endswith("10.0.0.5 40000 typ host")
    assert out[1] == "a=candidate:abcp 1 udp 2130705431 203.0.113.7 40000 typ host"
    assert advertise_public_address(sdp, None) == sdp


def vp8_packet(seq: int, ts: int, start: bool, marker: bool, body: bytes) -> RtpPacket:
    packet = RtpPacket(payload_type=97, sequence_number=seq, timestamp=ts, marker=int(marker))
    packet.payload = bytes([0x10 if start else 0x00]) + body
    packet._data = body  # what aiortc's depayloader leaves for the jitter buffer
    return packet


def test_video_frames_leave_the_buffer_at_their_marker_packet() -> None:
    buffer = _MarkerJitterBuffer()
    assert buffer.add(vp8_packet(10, 900, True, False, b"a"))[1] is None
    assert buffer.add(vp8_packet(11, 900, False, False, b"b"))[1] is None
    frame = buffer.add(vp8_packet(12, 900, False, True, b"c"))[1]
    assert frame is not None and (frame.data, frame.timestamp) == (b"abc", 900)
    # a lost middle packet holds the frame until its retransmission completes it
    assert buffer.add(vp8_packet(13, 3900, True, False, b"d"))[1] is None
    assert buffer.add(vp8_packet(15, 3900, False, True, b"f"))[1] is None
    frame = buffer.add(vp8_packet(14, 3900, False, False, b"e"))[1]
    assert frame is not None and frame.data == b"def"


def test_audio_packets_pass_straight_through_and_late_ones_are_dropped() -> None:
    buffer = _AudioPassThrough()
    out = [buffer.add(vp8_packet(seq, seq * 960, True, True, b"x"))[1] for seq in (1, 2, 4, 3, 5)]
    assert [f.timestamp if f else None for f in out] == [960, 1920, 3840, None, 4800]


def test_forwarding_refuses_another_aiortc_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import importlib.metadata

    import server.media.forwarding as forwarding

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "1.17.0")
    with pytest.raises(ImportError, match="aiortc==1.16.0"):
        importlib.reload(forwarding)
