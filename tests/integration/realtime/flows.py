"""Steps several tests share: a facilitator joining, a peer going through the lobby."""

from __future__ import annotations

from typing import Any

from tests.integration.realtime.clients import Client
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.seed import Person, World


async def join_staff(connect: Connect, session_id: str, person: Person) -> Client:
    client = await connect(session_id, headers=person.cookie)
    answer = await client.call("session:join")
    assert answer["ok"], answer
    return client


async def join_peer(connect: Connect, session_id: str, person: Person) -> tuple[Client, Any]:
    client = await connect(session_id, member_token=person.token)
    answer = await client.call("session:join")
    assert answer["ok"], answer
    return client, answer


async def wait_in_lobby(connect: Connect, world: World, person: Person) -> Client:
    client, _ = await join_peer(connect, world.session_id, person)
    assert (await client.call("lobby:accept_rules"))["ok"]
    assert (await client.call("lobby:enter")) == {"ok": True, "status": "waiting"}
    return client


async def admitted_peer(connect: Connect, world: World, admitter: Client, person: Person) -> Client:
    client = await wait_in_lobby(connect, world, person)
    assert (await admitter.call("lobby:admit", {"member_id": person.id})) == {"ok": True}
    await client.next("lobby:admitted")
    return client


async def lead_with_open_lobby(connect: Connect, world: World) -> Client:
    lead = await join_staff(connect, world.session_id, world.lead)
    assert (await lead.call("session:open_lobby"))["ok"]
    return lead
