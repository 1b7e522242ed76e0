"""Two server apps sharing one database and one Redis: people connected to different processes
are in the same session (fan-out through AsyncRedisManager, state in the Redis LiveState)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest

from server import context
from server.settings import Settings
from tests.conftest import REDIS_URL
from tests.integration.conftest import RunningServer, start_server
from tests.integration.realtime.clients import Client
from tests.integration.realtime.seed import World, seed

pytestmark = pytest.mark.redis


@pytest.fixture
async def two_servers(
    require_redis: None, server_settings: Settings
) -> AsyncIterator[tuple[RunningServer, RunningServer]]:
    settings = dataclasses.replace(server_settings, redis_url=REDIS_URL)
    started = []
    try:
        for name in ("a", "b"):  # one after the other: each applies the migrations on start
            started.append(
                await start_server(dataclasses.replace(settings, data_dir=settings.data_dir / name))
            )
        yield started[0][1], started[1][1]
    finally:
        for server, _ in reversed(started):
            await server.close()


async def test_a_message_sent_through_one_process_reaches_a_client_on_another(
    two_servers: tuple[RunningServer, RunningServer],
) -> None:
    a, b = two_servers
    world: World = await seed(a.app)
    clients: list[Client] = []

    async def connect(server: RunningServer, **kwargs: object) -> Client:
        client = Client(server.base_url)
        clients.append(client)
        return await client.connect(world.session_id, **kwargs)  # type: ignore[arg-type]

    try:
        lead = await connect(a, headers=world.lead.cookie)
        assert (await lead.call("session:join"))["ok"]
        assert (await lead.call("session:open_lobby"))["ok"]
        person = world.peers[0]
        peer = await connect(b, member_token=person.token)
        assert (await peer.call("session:join"))["ok"]
        assert (await peer.call("lobby:accept_rules"))["ok"]
        assert (await peer.call("lobby:enter"))["ok"]
        # the lobby the peer entered on B is what the lead sees on A
        waiting = await lead.next_matching("lobby:updated", lambda d: d["waiting"])
        assert [w["member_id"] for w in waiting["waiting"]] == [person.id]
        # admitted on A: the peer's connection on B enters the room through Redis
        assert (await lead.call("lobby:admit", {"member_id": person.id}))["ok"]
        admitted = await peer.next("lobby:admitted")
        assert {p["id"] for p in admitted["room"]["participants"]} == {world.lead.id, person.id}

        sent = await lead.call("chat:send", {"text": "from process A"})
        assert sent["ok"]
        assert await peer.next("chat:message") == sent["message"]
        reply = await peer.call("chat:send", {"text": "from process B"})
        assert (await lead.next("chat:message")) == sent["message"]  # its own, first
        assert (await lead.next("chat:message")) == reply["message"]

        # a co joining on B sees the history written on A
        co = await connect(b, headers=world.co.cookie)
        joined = await co.call("session:join")
        assert [m["text"] for m in joined["room"]["chat"]] == ["from process A", "from process B"]

        # removal on A closes the peer's connection on B
        assert (await lead.call("participant:remove", {"member_id": person.id}))["ok"]
        assert (await peer.next("session:removed"))["member_id"] == person.id
        await asyncio.wait_for(peer.disconnected.wait(), 10)
    finally:
        for client in clients:
            await client.close()
        for session_id in (world.session_id, world.other_session_id):
            await a.app[context.LIVE].clear_session(session_id)
