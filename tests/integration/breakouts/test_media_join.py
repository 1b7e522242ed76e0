"""`media:join` over socket.io in a session with breakouts and a standby: the server picks the
room from the roster (a peer reconnecting inside a breakout rejoins the breakout's media) and
keeps a standby's media from everyone until they appear. Headless MediaPeers count the frames
they receive per slot, whatever the layout says, and the backend's forwarding counters are
checked too."""

from __future__ import annotations

from server.media.sfu import AiortcMediaBackend
from server.services.media_ids import media_room
from tests.integration.breakouts.media_peers import (  # noqa: F401 - fixtures
    CONNECT_S,
    Peers,
    backend_fixture,
    clock_fixture,
    database_url_fixture,
    peers_fixture,
    running_server_fixture,
)
from tests.integration.breakouts.steps import open_breakout, room_with_peers
from tests.integration.media.conftest import eventually
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import join_staff
from tests.integration.realtime.seed import World


async def test_a_standby_is_unseen_and_unheard_until_they_appear(
    world: World, connect: Connect, peers: Peers, backend: AiortcMediaBackend
) -> None:
    lead, _co, (sam_socket,) = await room_with_peers(connect, world, peers=1, co=False)
    standby_socket = await join_staff(connect, world.session_id, world.standby)
    lead_media = await peers.join(world.lead.id, via=lead)
    sam = await peers.join(world.peers[0].id, via=sam_socket)
    standby = await peers.join(world.standby.id, via=standby_socket)
    lead_id, sam_id = peers.media_id(world.lead.id), peers.media_id(world.peers[0].id)
    hidden = peers.media_id(world.standby.id)

    def from_standby() -> tuple[int, ...]:
        """Everything of the standby's that reached the others, on the server and as received
        (sam's slots carry only the lead, so any frame beyond the lead's came from elsewhere)."""
        return (
            backend.stats(sam_id).forwarded_by_source.get(hidden, 0),
            backend.stats(lead_id).forwarded_by_source.get(hidden, 0),
            sum(sam.frames_by_slot.values())
            - sam.received("audio", lead_id)
            - sam.received("video", lead_id),
            sum(lead_media.frames_by_slot.values())
            - lead_media.received("audio", sam_id)
            - lead_media.received("video", sam_id),
        )

    # the standby hears and sees the room while publishing to nobody
    await eventually(
        lambda: (
            standby.received("video", lead_id) >= 10
            and standby.received("video", sam_id) >= 10
            and standby.received("audio", sam_id) >= 25
            and sam.received("video", lead_id) >= 10
        ),
        CONNECT_S,
        "the standby to receive the lead and sam, and sam the lead",
    )
    published = backend.stats(hidden)
    assert published.video_frames_received > 0 and published.audio_frames_received > 0
    assert from_standby() == (0, 0, 0, 0)
    for peer in (sam, lead_media):
        assert peer.layout is not None
        listed = {s.participant_id for s in peer.layout.slots} | set(peer.layout.unslotted)
        assert hidden not in listed

    assert (await standby_socket.call("standby:appear")) == {"ok": True, "role": "co"}
    await eventually(
        lambda: sam.received("video", hidden) >= 10 and sam.received("audio", hidden) >= 25,
        CONNECT_S,
        "sam to see and hear the facilitator who appeared",
    )
    assert backend.stats(lead_id).forwarded_by_source.get(hidden, 0) > 0


async def test_a_peer_reconnecting_in_a_breakout_rejoins_its_media(
    world: World, connect: Connect, peers: Peers, backend: AiortcMediaBackend
) -> None:
    lead, co, (sam_socket, kim_socket) = await room_with_peers(connect, world, peers=2)
    assert co is not None
    await peers.join(world.lead.id, via=lead)
    await peers.join(world.co.id, via=co)
    await peers.join(world.peers[0].id, via=sam_socket)
    await peers.join(world.peers[1].id, via=kim_socket)
    sam_id, co_id = peers.media_id(world.peers[0].id), peers.media_id(world.co.id)

    room_id = await open_breakout(co, [world.peers[0].id])
    in_breakout = media_room(world.session_id, room_id)
    assert backend.room_of(sam_id) == in_breakout

    # the socket drops: the media connection goes with it
    await sam_socket.close()
    await eventually(lambda: backend.room_of(sam_id) is None, CONNECT_S, "sam's media to close")

    again = await connect(world.session_id, member_token=world.peers[0].token)
    assert (await again.call("session:join"))["room"]["room_id"] == room_id
    sam = await peers.join(world.peers[0].id, via=again)
    assert backend.room_of(sam_id) == in_breakout
    await eventually(
        lambda: sam.received("video", co_id) >= 10 and sam.received("audio", co_id) >= 25,
        CONNECT_S,
        "sam to receive the co in the breakout again",
    )
    # only the co: nothing of the main room reached sam's slots
    assert sum(sam.frames_by_slot.values()) == (
        sam.received("video", co_id) + sam.received("audio", co_id)
    )
    assert sam.layout is not None and sam.layout.room_id == in_breakout
