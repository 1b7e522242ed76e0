"""A real server with media on loopback, staff signed in over HTTP and in the session over
socket.io, and headless peers (sim_peer) that join through the invite link and the lobby."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.realtime.namespace import RUNTIME
from server.services.talk_time import TalkTime
from server.settings import Settings
from server.tools.sim_peer import SimPeer
from tests.integration.conftest import RunningServer
from tests.integration.helpers import Seed, StaffClient, seed_group_with_session, signed_in
from tests.integration.realtime.clients import Client


@pytest.fixture
def server_settings(server_settings: Settings) -> Settings:
    # aioice skips loopback unless told: the SFU gathers on 127.0.0.1 only
    return dataclasses.replace(server_settings, media_host_addresses=("127.0.0.1",))


class Room:
    """One seeded session with its lead in it (lobby open), admitting the peers it expects."""

    def __init__(self, server: RunningServer, seed: Seed) -> None:
        self.server = server
        self.seed = seed
        self.invite_url = f"{server.base_url}/join/{seed.invite_token}"
        self.lead_http: StaffClient | None = None
        self.lead = Client(server.base_url)
        self.admit_names: set[str] = set()
        self.peers: list[SimPeer] = []
        self.clients: list[Client] = [self.lead]

    async def open(self) -> None:
        self.lead_http = await signed_in(
            self.server.base_url, self.seed.lead_email, self.seed.lead_password
        )
        await self.lead.connect(
            self.seed.session_id, headers={"Cookie": self.lead_http.cookie_header}
        )
        assert (await self.lead.call("session:join"))["ok"]
        assert (await self.lead.call("session:open_lobby"))["ok"]

        @self.lead.sio.on("lobby:updated")
        async def admit(data: Any) -> None:
            for waiting in data["waiting"]:
                if waiting["pseudonym"] in self.admit_names:
                    self.admit_names.discard(waiting["pseudonym"])
                    member = {"member_id": waiting["member_id"]}
                    answer = await self.lead.call("lobby:admit", member)
                    assert answer["ok"], answer

    async def staff(self, email: str) -> Client:
        http = await signed_in(self.server.base_url, email, self.seed.lead_password)
        client = Client(self.server.base_url)
        self.clients.append(client)
        await client.connect(self.seed.session_id, headers={"Cookie": http.cookie_header})
        await http.close()
        assert (await client.call("session:join"))["ok"]
        return client

    def peer(self, name: str, wav: Path | None = None, **kwargs: Any) -> SimPeer:
        peer = SimPeer(
            self.invite_url,
            name,
            wav,
            session_id=self.seed.session_id,
            emit=lambda _line: None,
            **kwargs,
        )
        self.admit_names.add(name)
        self.peers.append(peer)
        return peer

    async def talk_time(self) -> dict[str, Any]:
        """The talk-time JSON a facilitator reads over HTTP; the same report in-process while
        this build has no such route."""
        assert self.lead_http is not None
        status, body = await self.lead_http.get(f"/api/sessions/{self.seed.session_id}/talk-time")
        if status == 404:
            return await TalkTime(self.server.app[RUNTIME]).report(self.seed.session_id)
        assert status == 200, body
        return body

    async def close(self) -> None:
        for peer in self.peers:
            await peer.close()
        for client in self.clients:
            await client.close()
        if self.lead_http is not None:
            await self.lead_http.close()


@pytest.fixture
async def room(running_server: RunningServer) -> AsyncIterator[Room]:
    seed = await seed_group_with_session(running_server.app)
    r = Room(running_server, seed)
    await r.open()
    try:
        yield r
    finally:
        await r.close()
