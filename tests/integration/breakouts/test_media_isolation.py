"""A breakout opened over socket.io isolates media on the server: headless MediaPeers count the
encoded frames they receive per slot and per publisher (from the layouts the server sends), and
the backend's own forwarding counters are checked too. Until the socket.io media join lands,
the peers join the app's AiortcMediaBackend directly with the session-scoped media ids the
services use."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from server import context
from server.app import create_app
from server.media.backend import Layout
from server.media.ice import LOOPBACK
from server.media.sfu import AiortcMediaBackend
from server.services.media_ids import media_participant, media_room
from server.settings import Settings
from server.tools.media_peer import MediaPeer
from tests.integration.breakouts.steps import open_breakout, room_with_peers
from tests.integration.conftest import RunningServer
from tests.integration.media.conftest import eventually
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.seed import World

CONNECT_S = 15.0


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
async def backend() -> AsyncIterator[AiortcMediaBackend]:
    media = AiortcMediaBackend(LOOPBACK)
    yield media
    await media.close()


@pytest.fixture
async def running_server(
    server_settings: Settings, backend: AiortcMediaBackend
) -> AsyncIterator[RunningServer]:
    app = create_app(server_settings)
    app[context.MEDIA] = backend
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield RunningServer(app, str(server.make_url("")).rstrip("/"), server_settings)
    finally:
        await server.close()


class Peers:
    """MediaPeers joined to one session's main room, fed the layouts the backend sends."""

    def __init__(self, backend: AiortcMediaBackend, session_id: str) -> None:
        self.backend, self.session_id = backend, session_id
        self.by_media_id: dict[str, MediaPeer] = {}
        backend.add_layout_listener(self._on_layout)

    def _on_layout(self, participant_id: str, layout: Layout) -> None:
        if participant_id in self.by_media_id:
            self.by_media_id[participant_id].apply_layout(layout)

    async def join(self, person_id: str) -> MediaPeer:
        media_id = media_participant(self.session_id, person_id)
        room = media_room(self.session_id, "main")

        async def signal(offer_sdp: str) -> str:
            return await self.backend.join(media_id, room, offer_sdp)

        # encoded frames are counted as they arrive (no decoder backlog to blur the boundary)
        peer = MediaPeer(person_id, None, signal, slots=3, decode=False)
        self.by_media_id[media_id] = peer
        await peer.start()
        return peer

    async def close(self) -> None:
        for peer in self.by_media_id.values():
            await peer.close()


@pytest.fixture
async def peers(backend: AiortcMediaBackend, world: World) -> AsyncIterator[Peers]:
    joined = Peers(backend, world.session_id)
    yield joined
    await joined.close()


async def test_a_breakout_stops_media_both_ways_and_return_resumes_it(
    world: World, connect: Connect, peers: Peers, backend: AiortcMediaBackend
) -> None:
    _lead, co, _clients = await room_with_peers(connect, world, peers=2)
    assert co is not None
    ids = {
        "co": media_participant(world.session_id, world.co.id),
        "sam": media_participant(world.session_id, world.peers[0].id),
        "kim": media_participant(world.session_id, world.peers[1].id),
    }
    co_media = await peers.join(world.co.id)
    sam = await peers.join(world.peers[0].id)
    kim = await peers.join(world.peers[1].id)
    everyone = {"co": co_media, "sam": sam, "kim": kim}

    def video(receiver: str, sender: str) -> int:
        return everyone[receiver].received("video", ids[sender])

    await eventually(
        lambda: all(video(r, s) >= 3 for r in everyone for s in everyone if r != s),
        CONNECT_S,
        "everyone to see everyone in the main room",
    )

    room_id = await open_breakout(co, [world.peers[0].id])
    in_breakout = media_room(world.session_id, room_id)
    assert backend.room_of(ids["sam"]) == in_breakout
    assert backend.room_of(ids["co"]) == in_breakout

    def forwarded(receiver: str, sender: str) -> int:
        return backend.stats(ids[receiver]).forwarded_by_source.get(ids[sender], 0)

    def across() -> tuple[int, ...]:
        """Frames crossing the breakout boundary in either direction: on the server, and as
        received (kim is alone in the main room's media, so anything she gets crossed)."""
        return (
            forwarded("kim", "sam"), forwarded("kim", "co"),
            forwarded("sam", "kim"), forwarded("co", "kim"),
            sum(kim.frames_by_slot.values()),
            video("sam", "kim"), video("co", "kim"),
        )

    def inside() -> Callable[[], bool]:
        start = (video("sam", "co"), video("co", "sam"))
        return lambda: video("sam", "co") >= start[0] + 10 and video("co", "sam") >= start[1] + 10

    # the first window lets frames in flight drain; during the second, while sam and the co
    # keep seeing each other and kim keeps publishing, nothing may cross
    for window in range(2):
        before = across()
        kim_published = backend.stats(ids["kim"]).video_frames_received
        await eventually(inside(), CONNECT_S, "sam and the co to see each other in the breakout")
        assert backend.stats(ids["kim"]).video_frames_received > kim_published
        if window == 1:
            assert across() == before, "media crossed between the breakout and the main room"

    assert (await co.call("breakout:close", {"room_id": room_id}))["ok"]
    assert backend.room_of(ids["sam"]) == media_room(world.session_id, "main")
    back = {(r, s): video(r, s) for r in everyone for s in everyone if r != s}
    await eventually(
        lambda: all(video(r, s) > then + 5 for (r, s), then in back.items()),
        CONNECT_S,
        "media to flow between sam, the co and kim again",
    )
