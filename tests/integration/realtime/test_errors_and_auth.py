"""Connection auth, malformed payloads and wrong roles on every event, errors without an ack,
websocket compression off."""

from __future__ import annotations

import aiohttp
import pytest
import socketio

from server.realtime.namespace import EVENTS
from tests.integration.conftest import RunningServer
from tests.integration.realtime.clients import Client
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import admitted_peer, join_staff, lead_with_open_lobby
from tests.integration.realtime.seed import World, expired_staff


async def _refused(running_server: RunningServer, auth: object, headers: dict[str, str]) -> dict:
    client = Client(running_server.base_url)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.sio.connect(
            running_server.base_url,
            auth=auth,
            headers=headers,
            transports=["websocket"],
            wait_timeout=10,
        )
    data = await client.next_connect_error()
    await client.close()
    return data


async def test_unauthenticated_and_unassigned_connections_are_refused(
    running_server: RunningServer, world: World
) -> None:
    assert world.outsider is not None
    expired = await expired_staff(running_server.app, world)
    cases = [
        ({"session_id": world.session_id}, {}),  # nobody
        ({"session_id": world.session_id}, {"Cookie": "hs_session=not-a-token"}),
        ({"session_id": world.session_id}, expired.cookie),
        ({"session_id": world.session_id}, world.admin.cookie),  # admin, not assigned
        ({"session_id": world.session_id}, world.other_lead.cookie),  # another group's staff
        ({"session_id": world.session_id, "member_token": world.outsider.token}, {}),
        ({"session_id": world.session_id, "member_token": "guess"}, {}),
        ({"session_id": "no-such-session"}, world.lead.cookie),
        ({"session_id": world.session_id, "extra": 1}, world.lead.cookie),
        (None, world.lead.cookie),
    ]
    for auth, headers in cases:
        data = await _refused(running_server, auth, headers)
        # python-socketio hands over the whole error packet; browsers see it as err.data
        assert data["data"]["code"] == "not_authorised", (auth, headers)
        assert data["data"]["message"] == data["message"] != "", (auth, headers)


async def test_roles_per_session(world: World, connect: Connect) -> None:
    for person, role in ((world.lead, "lead"), (world.co, "co"), (world.standby, "standby")):
        client = await connect(world.session_id, headers=person.cookie)
        assert (await client.call("session:join"))["me"]["role"] == role
    other = await connect(world.other_session_id, headers=world.other_lead.cookie)
    assert (await other.call("session:join"))["me"]["role"] == "lead"


@pytest.mark.parametrize("event", sorted(EVENTS))
async def test_every_event_rejects_a_malformed_payload(
    event: str, world: World, connect: Connect
) -> None:
    lead = await join_staff(connect, world.session_id, world.lead)
    for bad in ({"unexpected": True}, "not an object", [1, 2]):
        answer = await lead.call(event, bad)
        assert answer["ok"] is False, (event, bad)
        assert answer["error"]["code"] == "bad_request", (event, bad)
        assert answer["error"]["message"] and answer["error"]["details"]["fields"]


WRONG_ROLE = {
    # event: (payload, roles that must be refused)
    "lobby:accept_rules": ({}, ("lead", "co", "standby")),
    "lobby:enter": ({}, ("lead", "co", "standby")),
    "lobby:admit": ({"member_id": "PEER1"}, ("standby", "peer")),
    "lobby:decline": ({"member_id": "PEER1"}, ("standby", "peer")),
    "session:open_lobby": ({}, ("standby", "peer")),
    "session:go_live": ({"solo_reason": "x"}, ("co", "standby", "peer")),
    "session:end": ({}, ("co", "standby", "peer")),
    "backchannel:send": ({"text": "x"}, ("peer",)),
    "participant:remove": ({"member_id": "PEER1"}, ("co", "standby", "peer")),
    "trigger:approve": ({"held_id": "H1"}, ("standby", "peer")),
    "trigger:reject": ({"held_id": "H1"}, ("standby", "peer")),
}


def test_every_event_is_covered_for_roles() -> None:
    # session:join and chat:send are open to every role of the session
    assert set(WRONG_ROLE) | {"session:join", "chat:send"} == set(EVENTS)


@pytest.mark.parametrize("event", sorted(WRONG_ROLE))
async def test_every_event_refuses_the_wrong_role(
    event: str, world: World, connect: Connect
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    second = world.peers[1]
    clients = {
        "lead": lead,
        "co": await join_staff(connect, world.session_id, world.co),
        "standby": await join_staff(connect, world.session_id, world.standby),
        "peer": peer,
    }
    payload, refused_roles = WRONG_ROLE[event]
    payload = {k: (second.id if v == "PEER1" else v) for k, v in payload.items()}
    for role in refused_roles:
        answer = await clients[role].call(event, payload)
        assert answer["ok"] is False and answer["error"]["code"] == "forbidden", (event, role)
        assert answer["error"]["message"]


async def test_an_event_without_ack_gets_an_error_event(world: World, connect: Connect) -> None:
    lead = await join_staff(connect, world.session_id, world.lead)
    # with an ack: the error is the ack and no error event follows
    assert (await lead.call("chat:send", {}))["error"]["code"] == "bad_request"
    await lead.sio.emit("session:go_live", {"solo_reason": 3})
    error = await lead.next("error")
    assert error["ok"] is False and error["error"]["code"] == "bad_request"
    assert [f["field"] for f in error["error"]["details"]["fields"]] == ["solo_reason"]
    await lead.sio.emit("session:end", {})  # a valid event without ack: no error event
    await lead.sio.emit("participant:remove", {"member_id": "nobody"})
    marker = await lead.next("error")
    assert marker["error"]["code"] == "not_found"
    assert lead.pending("error") == []


async def test_websocket_compression_is_off(running_server: RunningServer, world: World) -> None:
    url = running_server.base_url + "/socket.io/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as http, http.ws_connect(url, compress=15) as ws:
        opened = await ws.receive_str()
        assert opened.startswith("0")  # engine.io open packet: the upgrade really happened
        assert ws.compress == 0


async def test_a_failing_service_answers_internal_and_the_server_goes_on(
    world: World, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.services import chat

    async def broken(*_args: object) -> dict:
        raise RuntimeError("boom")

    lead = await join_staff(connect, world.session_id, world.lead)
    monkeypatch.setattr(chat, "send_chat", broken)
    answer = await lead.call("chat:send", {"text": "hello"})
    assert answer["ok"] is False and answer["error"]["code"] == "internal"
    assert "boom" not in answer["error"]["message"]
    monkeypatch.undo()
    assert (await lead.call("chat:send", {"text": "still here"}))["ok"]
