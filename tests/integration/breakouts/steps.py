"""Steps the breakout and leadership tests share."""

from __future__ import annotations

from typing import Any

from tests.integration.realtime.clients import Client
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import admitted_peer, join_staff, lead_with_open_lobby
from tests.integration.realtime.seed import World


async def texts_until(client: Client, marker: str) -> list[str]:
    """Every chat text the client receives up to and including `marker`, in order."""
    seen: list[str] = []
    while True:
        message = await client.next("chat:message")
        seen.append(message["text"])
        if message["text"] == marker:
            return seen


async def say(client: Client, text: str) -> dict[str, Any]:
    answer = await client.call("chat:send", {"text": text})
    assert answer["ok"], answer
    return answer["message"]


async def room_with_peers(
    connect: Connect, world: World, peers: int = 2, *, co: bool = True
) -> tuple[Client, Client | None, list[Client]]:
    """The lead (lobby open), the co-facilitator when asked for, and `peers` admitted peers."""
    lead = await lead_with_open_lobby(connect, world)
    co_client = await join_staff(connect, world.session_id, world.co) if co else None
    admitted = [await admitted_peer(connect, world, lead, world.peers[i]) for i in range(peers)]
    return lead, co_client, admitted


async def open_breakout(opener: Client, member_ids: list[str], **extra: Any) -> str:
    answer = await opener.call("breakout:open", {"member_ids": member_ids, **extra})
    assert answer["ok"], answer
    return str(answer["room_id"])


def ids(participants: list[dict[str, Any]]) -> set[str]:
    return {p["id"] for p in participants}
