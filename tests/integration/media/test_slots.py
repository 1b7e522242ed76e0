"""Slot allocation: more publishers than slots, slots freed by leavers, audio-only joins."""

from __future__ import annotations

import pytest

from server.media.backend import NegotiationFailed, UnknownParticipant
from server.tools.media_peer import MediaPeer
from tests.integration.media.conftest import Harness, eventually


async def test_unslotted_publishers_take_slots_freed_by_leavers(harness: Harness) -> None:
    await harness.join("alice", "main", badge=1)
    await harness.join("bob", "main", badge=2)
    dave = await harness.join("dave", "main", badge=4, slots=1)
    await harness.join("carol", "main", badge=3)

    assert [s.participant_id for s in dave.layout.slots] == ["alice"]
    assert dave.layout.unslotted == ("bob", "carol")
    await eventually(lambda: dave.frames_by_badge[1] >= 3, 10.0, "dave to see alice")
    assert set(dave.frames_by_badge) == {1}

    await harness.backend.leave("alice")
    assert dave.layout.slots[0].participant_id == "bob"
    assert dave.layout.unslotted == ("carol",)
    await eventually(lambda: dave.frames_by_badge[2] >= 3, 10.0, "dave to see bob instead")


async def test_audio_only_participant_neither_sends_nor_gets_video(harness: Harness) -> None:
    alice = await harness.join("alice", "main", badge=1)
    eve = await harness.join("eve", "main", badge=5, audio_only=True)
    await eventually(
        lambda: eve.received("audio", "alice") >= 20 and alice.received("audio", "eve") >= 20,
        10.0,
        "audio both ways",
    )
    assert not any(kind == "video" for kind, _ in eve.frames_by_slot)
    assert harness.backend.stats("eve").video_frames_received == 0
    assert alice.received("video", "eve") == 0
    assert harness.backend.publishes_video("alice")
    assert not harness.backend.publishes_video("eve")
    assert not harness.backend.publishes_video("nobody")


async def test_an_offer_without_a_camera_publishes_no_video(harness: Harness) -> None:
    """Not asking for audio only but offering no sending video m-line is the same thing for
    what the server reports (the room is never told such a camera is on)."""

    async def signal(offer_sdp: str) -> str:
        return await harness.backend.join("finn", "main", offer_sdp, audio_only=False)

    finn = MediaPeer("finn", None, signal, audio_only=True)
    harness.peers["finn"] = finn
    await finn.start()
    assert not harness.backend.publishes_video("finn")
    await harness.backend.leave("finn")
    assert not harness.backend.publishes_video("finn")


async def test_an_offer_without_vp8_is_refused_and_leaves_nothing_behind(harness: Harness) -> None:
    offers: list[str] = []

    async def capture(offer_sdp: str) -> str:
        offers.append(offer_sdp)
        raise ConnectionAbortedError  # only the offer is wanted

    peer = MediaPeer("mallory", None, capture, slots=1)
    with pytest.raises(ConnectionAbortedError):
        await peer.start()
    await peer.close()
    h264_only = offers[0].replace("VP8/90000", "H264/90000")
    with pytest.raises(NegotiationFailed):
        await harness.backend.join("mallory", "main", h264_only)
    with pytest.raises(NegotiationFailed):
        await harness.backend.join("mallory", "main", "this is not SDP")
    assert harness.backend.participant_ids() == []
    with pytest.raises(UnknownParticipant):
        harness.backend.stats("mallory")
