"""Headless MediaPeers in a breakouts world: the app runs on an AiortcMediaBackend the test
holds, and each peer joins it either directly (with the session-scoped media ids the services
use) or through the person's socket.io connection (`media:join`, roster room and role rules
included). Layouts come from the backend's listener, so both ways are labelled alike.

A test module uses the fixtures by importing the ``*_fixture`` functions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server import context
from server.app import create_app
from server.clock import SystemClock
from server.media.backend import Layout
from server.media.ice import LOOPBACK
from server.media.sfu import AiortcMediaBackend
from server.services.media_ids import media_participant, media_room
from server.settings import Settings
from server.tools.media_peer import MediaPeer
from tests.integration.conftest import RunningServer, start_server
from tests.integration.realtime.clients import Client
from tests.integration.realtime.seed import World

CONNECT_S = 15.0


@pytest.fixture(name="database_url")
def database_url_fixture(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(name="backend")
async def backend_fixture() -> AsyncIterator[AiortcMediaBackend]:
    media = AiortcMediaBackend(LOOPBACK)
    yield media
    await media.close()


class AheadClock(SystemClock):
    """The wall clock, which a test may move ahead (never back): to give a deliberate burst of
    events the time a person's clicks would take, so the rate limit does not refuse them."""

    def __init__(self) -> None:
        self.ahead_ms = 0

    def now_ms(self) -> int:
        return super().now_ms() + self.ahead_ms

    def step_ms(self, ms: int) -> None:
        self.ahead_ms += ms


@pytest.fixture(name="clock")
def clock_fixture() -> AheadClock:
    return AheadClock()


@pytest.fixture(name="running_server")
async def running_server_fixture(
    server_settings: Settings, backend: AiortcMediaBackend, clock: AheadClock
) -> AsyncIterator[RunningServer]:
    app = create_app(server_settings, clock=clock)
    app[context.MEDIA] = backend
    server, running = await start_server(server_settings, app)
    try:
        yield running
    finally:
        await server.close()


class Peers:
    """MediaPeers of one session, fed the layouts the backend sends."""

    def __init__(self, backend: AiortcMediaBackend, session_id: str) -> None:
        self.backend, self.session_id = backend, session_id
        self.by_media_id: dict[str, MediaPeer] = {}
        backend.add_layout_listener(self._on_layout)

    def _on_layout(self, participant_id: str, layout: Layout) -> None:
        if participant_id in self.by_media_id:
            self.by_media_id[participant_id].apply_layout(layout)

    def media_id(self, person_id: str) -> str:
        return media_participant(self.session_id, person_id)

    async def join(
        self,
        person_id: str,
        via: Client | None = None,
        *,
        camera: bool = True,
        **fields: Any,
    ) -> MediaPeer:
        """Join the main room directly, or with `media:join` on `via` (the server picks the
        room from the roster). `camera` False: the peer offers no camera and no video slots
        (whatever `media:join` says); `fields` go into the `media:join` payload as they are
        (`audio_only`, `camera_on`, `mic_on`)."""
        media_id = self.media_id(person_id)
        room = media_room(self.session_id, "main")

        async def signal(offer_sdp: str) -> str:
            if via is None:
                return await self.backend.join(media_id, room, offer_sdp)
            answer = await via.call("media:join", {"offer_sdp": offer_sdp, **fields})
            assert answer["ok"], answer
            return str(answer["answer_sdp"])

        # encoded frames are counted as they arrive (no decoder backlog to blur the boundary)
        peer = MediaPeer(person_id, None, signal, slots=3, decode=False, audio_only=not camera)
        previous = self.by_media_id.get(media_id)
        self.by_media_id[media_id] = peer
        if previous is not None:
            await previous.close()
        await peer.start()
        return peer

    async def close(self) -> None:
        for peer in self.by_media_id.values():
            await peer.close()


@pytest.fixture(name="peers")
async def peers_fixture(backend: AiortcMediaBackend, world: World) -> AsyncIterator[Peers]:
    joined = Peers(backend, world.session_id)
    yield joined
    await joined.close()
