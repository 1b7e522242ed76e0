"""Every breakout and leadership event checks the caller's current role on the server and
validates its payload."""

from __future__ import annotations

import pytest

from server.realtime.breakouts import breakout_events
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import (
    admitted_peer,
    join_peer,
    join_staff,
    lead_with_open_lobby,
)
from tests.integration.realtime.seed import World

WRONG_ROLE = {
    # event: (payload, roles that must be refused); PEER1 is an admitted peer's id
    "breakout:open": ({"member_ids": ["PEER1"]}, ("standby", "peer")),
    "breakout:return": ({"member_id": "PEER1"}, ("standby", "peer")),
    "breakout:step_in": ({"room_id": "breakout-x"}, ("standby", "peer")),
    "breakout:close": ({"room_id": "breakout-x"}, ("standby", "peer")),
    "breakout:request_return": ({}, ("lead", "co", "standby")),
    "lead:handover": ({"to": "CO"}, ("co", "standby", "peer")),
    "standby:appear": ({}, ("lead", "co", "peer")),
}


def test_every_event_is_covered_for_roles() -> None:
    assert set(WRONG_ROLE) == set(breakout_events(lambda: None))


@pytest.mark.parametrize("event", sorted(WRONG_ROLE))
async def test_every_event_refuses_the_wrong_role(
    event: str, world: World, connect: Connect
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    clients = {
        "lead": lead,
        "co": await join_staff(connect, world.session_id, world.co),
        "standby": await join_staff(connect, world.session_id, world.standby),
        "peer": await admitted_peer(connect, world, lead, world.peers[0]),
    }
    payload, refused_roles = WRONG_ROLE[event]
    names = {"PEER1": world.peers[0].id, "CO": world.co.id}
    payload = {
        k: [names.get(x, x) for x in v] if isinstance(v, list) else names.get(v, v)
        for k, v in payload.items()
    }
    for role in refused_roles:
        answer = await clients[role].call(event, payload)
        assert answer["ok"] is False and answer["error"]["code"] == "forbidden", (event, role)
        assert answer["error"]["message"]


@pytest.mark.parametrize("event", sorted(WRONG_ROLE))
async def test_every_event_rejects_a_malformed_payload(
    event: str, world: World, connect: Connect
) -> None:
    lead = await join_staff(connect, world.session_id, world.lead)
    for bad in ({"unexpected": True}, "not an object", [1, 2]):
        answer = await lead.call(event, bad)
        assert answer["error"]["code"] == "bad_request", (event, bad)
        assert answer["error"]["details"]["fields"]


async def test_breakout_payload_limits(world: World, connect: Connect) -> None:
    lead = await join_staff(connect, world.session_id, world.lead)
    for bad in (
        {"member_ids": []},
        {"member_ids": ["x" * 65]},
        {"member_ids": ["a"] * 15},
        {"member_ids": ["a"], "notice": "n" * 201},
        {"member_ids": "a"},
    ):
        answer = await lead.call("breakout:open", bad)
        assert answer["error"]["code"] == "bad_request", bad


async def test_only_peers_in_the_main_room_can_be_taken_aside(
    world: World, connect: Connect
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    await join_staff(connect, world.session_id, world.co)
    waiting = world.peers[1]
    client, _ = await join_peer(connect, world.session_id, waiting)
    for member_ids, code in (
        ([world.co.id], "not_a_peer"),
        ([waiting.id], "not_a_peer"),  # joined, not admitted
        (["nobody"], "not_a_peer"),
    ):
        answer = await lead.call("breakout:open", {"member_ids": member_ids})
        assert answer["error"]["code"] == code, member_ids
    assert client.pending("room:moved") == []
