"""Shared set-up for media tests: an in-process SFU and headless peers that signal by
calling the backend directly (no socket.io in between)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from server.media.backend import Layout, SpeakingChanged
from server.media.ice import LOOPBACK
from server.media.sfu import AiortcMediaBackend
from server.tools.media_peer import MediaPeer


class Harness:
    def __init__(self, backend: AiortcMediaBackend) -> None:
        self.backend = backend
        self.peers: dict[str, MediaPeer] = {}
        self.speaking: list[SpeakingChanged] = []
        backend.add_layout_listener(self._on_layout)
        backend.add_speaking_listener(self.speaking.append)

    def _on_layout(self, participant_id: str, layout: Layout) -> None:
        self.peers[participant_id].apply_layout(layout)

    async def join(
        self,
        name: str,
        room: str,
        *,
        badge: int,
        wav: Path | None = None,
        slots: int = 3,
        audio_only: bool = False,
    ) -> MediaPeer:
        async def signal(offer_sdp: str) -> str:
            return await self.backend.join(name, room, offer_sdp, audio_only=audio_only)

        peer = MediaPeer(name, wav, signal, badge=badge, slots=slots, audio_only=audio_only)
        self.peers[name] = peer
        await peer.start()
        return peer

    async def close(self) -> None:
        for peer in self.peers.values():
            await peer.close()
        await self.backend.close()


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    h = Harness(AiortcMediaBackend(LOOPBACK))
    try:
        yield h
    finally:
        await h.close()


async def eventually(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail with ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.02)
