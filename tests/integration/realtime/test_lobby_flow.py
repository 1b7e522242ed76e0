"""Joining, the ground rules, the lobby, admission, decline and capacity."""

from __future__ import annotations

from sqlalchemy import select

from server import context
from server.storage.models import Attendance
from tests.integration.conftest import RunningServer
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import (
    admitted_peer,
    join_peer,
    join_staff,
    lead_with_open_lobby,
    wait_in_lobby,
)
from tests.integration.realtime.seed import World, seed


async def test_join_rules_lobby_admission_and_first_chat(
    running_server: RunningServer, world: World, connect: Connect
) -> None:
    lead = await connect(world.session_id, headers=world.lead.cookie)
    joined = await lead.call("session:join")
    assert joined["me"] == {
        "id": world.lead.id,
        "name": "Lena",
        "role": "lead",
        "status": "facilitator",
    }
    assert joined["session"]["id"] == world.session_id
    assert joined["session"]["state"] == "scheduled"
    assert joined["group"] == {"name": "Tuesday evening", "ground_rules": ["Be kind."]}
    assert joined["room"]["participants"] == [
        {
            "id": world.lead.id,
            "name": "Lena",
            "role": "lead",
            "connected": True,
            "camera_on": False,  # no media connection yet
            "mic_on": False,
        }
    ]
    assert joined["lobby"] == {"waiting": []}

    peer_person = world.peers[0]
    peer, answer = await join_peer(connect, world.session_id, peer_person)
    assert answer["me"] == {"id": peer_person.id, "name": "Peer0", "role": "peer", "status": None}
    assert "room" not in answer and "lobby" not in answer and "backchannel" not in answer

    accepted = await peer.call("lobby:accept_rules")
    assert accepted["ok"] and isinstance(accepted["accepted_at_ms"], int)
    closed = await peer.call("lobby:enter")
    assert closed["error"]["code"] == "lobby_closed"

    opened = await lead.call("session:open_lobby")
    assert opened["session"]["state"] == "lobby_open"
    assert await peer.next("session:state") == {
        "session_id": world.session_id,
        "state": "lobby_open",
        "solo_reason": None,
    }

    assert await peer.call("lobby:enter") == {"ok": True, "status": "waiting"}
    lobby = await lead.next("lobby:updated")
    assert [(w["member_id"], w["pseudonym"]) for w in lobby["waiting"]] == [
        (peer_person.id, "Peer0")
    ]
    assert isinstance(lobby["waiting"][0]["since_ms"], int)

    assert await lead.call("lobby:admit", {"member_id": peer_person.id, "message": "Welcome"}) == {
        "ok": True
    }
    admitted = await peer.next("lobby:admitted")
    assert admitted["message"] == "Welcome" and admitted["member_id"] == peer_person.id
    assert {p["id"] for p in admitted["room"]["participants"]} == {world.lead.id, peer_person.id}
    participants = await lead.next_matching(
        "room:participants", lambda d: len(d["participants"]) == 2
    )
    assert participants["room_id"] == "main"
    assert (await lead.next("lobby:updated"))["waiting"] == []

    sent = await peer.call("chat:send", {"text": "hello <b>all</b>"})
    assert sent["ok"] and sent["message"]["text"] == "hello <b>all</b>"
    message = await lead.next("chat:message")
    assert message == sent["message"]
    assert message["sender_id"] == peer_person.id and message["sender_role"] == "peer"

    async with running_server.app[context.DB]() as db:
        row = await db.scalar(select(Attendance).where(Attendance.member_id == peer_person.id))
    assert row is not None and row.status == "admitted" and row.decided_by == world.lead.id
    assert row.rules_accepted_at is not None and row.decision_message == "Welcome"


async def test_lobby_needs_the_rules_accepted_first(world: World, connect: Connect) -> None:
    await lead_with_open_lobby(connect, world)
    peer, _ = await join_peer(connect, world.session_id, world.peers[0])
    refused = await peer.call("lobby:enter")
    assert refused["ok"] is False and refused["error"]["code"] == "rules_not_accepted"
    assert refused["error"]["message"]
    assert (await peer.call("lobby:accept_rules"))["ok"]
    assert (await peer.call("lobby:enter"))["ok"]


async def test_decline_with_a_message_and_asking_again(world: World, connect: Connect) -> None:
    lead = await lead_with_open_lobby(connect, world)
    person = world.peers[0]
    peer = await wait_in_lobby(connect, world, person)
    await lead.next_matching("lobby:updated", lambda d: d["waiting"])
    declined = await lead.call("lobby:decline", {"member_id": person.id, "message": "Not today"})
    assert declined == {"ok": True}
    assert await peer.next("lobby:declined") == {
        "session_id": world.session_id,
        "member_id": person.id,
        "message": "Not today",
    }
    assert (await lead.next("lobby:updated"))["waiting"] == []
    again = await lead.call("lobby:admit", {"member_id": person.id})
    assert again["error"]["code"] == "not_waiting"
    # a declined peer may ask again; a facilitator decides
    assert (await peer.call("lobby:enter"))["ok"]
    assert (await lead.call("lobby:admit", {"member_id": person.id}))["ok"]
    await peer.next("lobby:admitted")


async def test_admission_stops_at_capacity(running_server: RunningServer, connect: Connect) -> None:
    world = await seed(running_server.app, capacity=2, peers=3)
    lead = await lead_with_open_lobby(connect, world)
    await admitted_peer(connect, world, lead, world.peers[0])
    await admitted_peer(connect, world, lead, world.peers[1])
    third = await wait_in_lobby(connect, world, world.peers[2])
    full = await lead.call("lobby:admit", {"member_id": world.peers[2].id})
    assert full["ok"] is False and full["error"]["code"] == "room_full"
    # still waiting: nothing was changed by the refused admission
    assert (await third.call("lobby:enter"))["status"] == "waiting"


async def test_co_may_admit_and_standby_may_not(world: World, connect: Connect) -> None:
    await lead_with_open_lobby(connect, world)
    co = await join_staff(connect, world.session_id, world.co)
    standby = await join_staff(connect, world.session_id, world.standby)
    await wait_in_lobby(connect, world, world.peers[0])
    refused = await standby.call("lobby:admit", {"member_id": world.peers[0].id})
    assert refused["error"]["code"] == "forbidden"
    assert (await co.call("lobby:admit", {"member_id": world.peers[0].id}))["ok"]


async def test_admit_cannot_reach_a_member_of_another_session(
    world: World, connect: Connect
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    other = await join_staff(connect, world.other_session_id, world.other_lead)
    assert (await other.call("session:open_lobby"))["ok"]
    assert world.outsider is not None
    outsider, _ = await join_peer(connect, world.other_session_id, world.outsider)
    assert (await outsider.call("lobby:accept_rules"))["ok"]
    assert (await outsider.call("lobby:enter"))["ok"]
    refused = await lead.call("lobby:admit", {"member_id": world.outsider.id})
    assert refused["error"]["code"] == "not_waiting"
