"""Forwarding through the in-process SFU, observed from the receiving peers.

Video sources are identified by the badge drawn into each camera's pixels, so these tests do
not take the server's layout messages on trust when they check who sees whom.
"""

from __future__ import annotations

from tests.integration.media.conftest import Harness, eventually

NAMES = {"alice": 1, "bob": 2, "carol": 3}
CONNECT_S = 10.0


async def join_three(h: Harness) -> None:
    for name, badge in NAMES.items():
        await h.join(name, "main", badge=badge)


async def test_every_peer_receives_every_other_peers_audio_and_video(harness: Harness) -> None:
    await join_three(harness)
    for name, peer in harness.peers.items():
        others = [o for o in NAMES if o != name]
        await eventually(
            lambda peer=peer, others=others: all(
                peer.received("audio", o) >= 10 and peer.frames_by_badge[NAMES[o]] >= 5
                for o in others
            ),
            CONNECT_S,
            f"{name} to hear and see {others}",
        )
        # decoded frames of a VP8 stream imply its keyframe arrived; nobody sees themselves
        assert peer.frames_by_badge[NAMES[name]] == 0
        assert set(peer.frames_by_badge) == {NAMES[o] for o in others}
        stats = harness.backend.stats(name)
        assert stats.audio_frames_received > 0 and stats.video_frames_received > 0
        assert set(stats.forwarded_by_source) == set(others)


async def test_breakout_isolates_media_both_ways_and_return_restores_it(harness: Harness) -> None:
    await join_three(harness)
    alice, bob, carol = (harness.peers[n] for n in NAMES)
    await eventually(
        lambda: (
            all(p.frames_by_badge[3] >= 3 for p in (alice, bob)) and carol.frames_by_badge[1] >= 3
        ),
        CONNECT_S,
        "everyone connected",
    )
    carol_slot = next(s.index for s in alice.layout.slots if s.participant_id == "carol")

    await harness.backend.move("carol", "breakout-1")
    assert harness.backend.room_of("carol") == "breakout-1"
    assert all(s.participant_id is None for s in carol.layout.slots)

    def from_carol() -> tuple[int, ...]:
        return (
            alice.frames_by_badge[3],
            bob.frames_by_badge[3],
            alice.frames_by_slot[("audio", carol_slot)],
            harness.backend.stats("alice").forwarded_by_source.get("carol", 0),
            harness.backend.stats("bob").forwarded_by_source.get("carol", 0),
        )

    def to_carol() -> int:
        return sum(carol.frames_by_slot.values())

    # Two windows of progress, measured by frames alice keeps getting from bob (and carol
    # keeps publishing): the first lets frames already in flight drain, the second must
    # carry nothing at all across the breakout boundary.
    for window in range(2):
        before, before_carol = from_carol(), to_carol()
        bob_then = alice.received("audio", "bob")
        carol_published = harness.backend.stats("carol").audio_frames_received
        await eventually(
            lambda bob_then=bob_then, carol_published=carol_published: (
                alice.received("audio", "bob") >= bob_then + 25
                and harness.backend.stats("carol").audio_frames_received >= carol_published + 25
            ),
            CONNECT_S,
            "more media to flow in both rooms",
        )
        if window == 1:
            assert from_carol() == before, "main room still receives carol"
            assert to_carol() == before_carol, "carol still receives the main room"

    await harness.backend.move("carol", "main")
    back = from_carol()
    carol_back = dict(carol.frames_by_badge)
    await eventually(
        lambda: (
            alice.frames_by_badge[3] > back[0] + 5
            and bob.frames_by_badge[3] > back[1] + 5
            and carol.frames_by_badge[1] > carol_back.get(1, 0) + 5
            and carol.frames_by_badge[2] > carol_back.get(2, 0) + 5
            and alice.received("audio", "carol") > 0
        ),
        CONNECT_S,
        "forwarding to resume after the breakout",
    )


async def test_late_joiner_gets_a_keyframe_through_pli(harness: Harness) -> None:
    alice = await harness.join("alice", "main", badge=1)
    bob = await harness.join("bob", "main", badge=2)
    # Run long enough that the keyframes sent at start-up are history: the cameras make
    # keyframes only when asked.
    await eventually(
        lambda: alice.frames_by_badge[2] >= 20 and bob.frames_by_badge[1] >= 20,
        CONNECT_S,
        "alice and bob to see each other",
    )
    keyframes_before = {p.name: p.camera.keyframes_sent for p in (alice, bob)}
    requests_before = {
        n: harness.backend.stats(n).keyframe_requests_upstream for n in ("alice", "bob")
    }

    carol = await harness.join("carol", "main", badge=3)
    await eventually(
        lambda: carol.frames_by_badge[1] >= 3 and carol.frames_by_badge[2] >= 3,
        CONNECT_S,
        "the late joiner to decode both cameras",
    )
    for p in (alice, bob):
        assert p.camera.keyframes_sent > keyframes_before[p.name]
        assert harness.backend.stats(p.name).keyframe_requests_upstream > requests_before[p.name]
