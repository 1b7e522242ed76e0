"""A breakout opened over socket.io isolates media on the server: headless MediaPeers count the
encoded frames they receive per slot and per publisher (from the layouts the server sends), and
the backend's own forwarding counters are checked too. The peers join the app's
AiortcMediaBackend directly (tests/integration/breakouts/test_media_join.py goes through
`media:join`)."""

from __future__ import annotations

from collections.abc import Callable

from server.media.sfu import AiortcMediaBackend
from server.services.media_ids import media_participant, media_room
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
from tests.integration.realtime.seed import World


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
            forwarded("kim", "sam"),
            forwarded("kim", "co"),
            forwarded("sam", "kim"),
            forwarded("co", "kim"),
            sum(kim.frames_by_slot.values()),
            video("sam", "kim"),
            video("co", "kim"),
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
