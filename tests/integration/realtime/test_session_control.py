"""Going live, ending, removing a participant, rejoining with the member token."""

from __future__ import annotations

import asyncio

from server import context
from server.storage.models import Session
from tests.integration.conftest import RunningServer
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import (
    admitted_peer,
    join_peer,
    join_staff,
    lead_with_open_lobby,
)
from tests.integration.realtime.seed import World


async def _stored_session(running_server: RunningServer, session_id: str) -> Session:
    async with running_server.app[context.DB]() as db:
        session = await db.get(Session, session_id)
    assert session is not None
    return session


async def test_going_live_alone_needs_a_recorded_reason(
    running_server: RunningServer, world: World, connect: Connect
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    refused = await lead.call("session:go_live")
    assert refused["error"]["code"] == "co_absent"
    blank = await lead.call("session:go_live", {"solo_reason": "   "})
    assert blank["error"]["code"] == "co_absent"
    assert (await _stored_session(running_server, world.session_id)).state == "lobby_open"

    live = await lead.call("session:go_live", {"solo_reason": "Co-facilitator is ill"})
    assert live["ok"] and live["session"]["state"] == "live"
    assert live["session"]["solo_reason"] == "Co-facilitator is ill"
    assert await peer.next_matching("session:state", lambda d: d["state"] == "live") == {
        "session_id": world.session_id,
        "state": "live",
        "solo_reason": "Co-facilitator is ill",
    }
    stored = await _stored_session(running_server, world.session_id)
    assert stored.state == "live" and stored.solo_reason == "Co-facilitator is ill"
    assert stored.went_live_at is not None
    again = await lead.call("session:go_live", {"solo_reason": "x"})
    assert again["error"]["code"] == "bad_state"


async def test_going_live_with_both_needs_no_reason(
    running_server: RunningServer, world: World, connect: Connect
) -> None:
    lead = await join_staff(connect, world.session_id, world.lead)
    co_not_joined = await connect(world.session_id, headers=world.co.cookie)
    # connected is not present: the co must have joined the session
    assert (await lead.call("session:go_live"))["error"]["code"] == "co_absent"
    assert (await co_not_joined.call("session:join"))["ok"]
    live = await lead.call("session:go_live", {"solo_reason": "ignored when both are here"})
    assert live["ok"] and live["session"]["solo_reason"] is None
    assert (await _stored_session(running_server, world.session_id)).solo_reason is None


async def test_lead_absent_refuses_going_live(world: World, connect: Connect) -> None:
    await join_staff(connect, world.session_id, world.co)
    lead = await connect(world.session_id, headers=world.lead.cookie)
    answer = await lead.call("session:go_live", {"solo_reason": "x"})
    assert answer["error"]["code"] == "lead_absent"


async def test_removed_peer_is_disconnected_and_must_be_admitted_again(
    world: World, connect: Connect
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    person = world.peers[0]
    peer = await admitted_peer(connect, world, lead, person)
    await lead.next_matching("room:participants", lambda d: len(d["participants"]) == 2)

    assert await lead.call("participant:remove", {"member_id": person.id}) == {"ok": True}
    assert await peer.next("session:removed") == {
        "session_id": world.session_id,
        "member_id": person.id,
    }
    await asyncio.wait_for(peer.disconnected.wait(), 10)
    participants = await lead.next_matching(
        "room:participants", lambda d: len(d["participants"]) == 1
    )
    assert [p["id"] for p in participants["participants"]] == [world.lead.id]

    back, answer = await join_peer(connect, world.session_id, person)
    assert answer["me"]["status"] == "removed" and "room" not in answer
    assert (await back.call("chat:send", {"text": "I'm back"}))["error"]["code"] == "not_in_room"
    assert (await back.call("lobby:enter"))["status"] == "waiting"
    assert (await lead.call("lobby:admit", {"member_id": person.id}))["ok"]
    assert (await back.next("lobby:admitted"))["member_id"] == person.id
    assert (await back.call("chat:send", {"text": "thanks"}))["ok"]


async def test_rejoin_with_the_token_continues_as_the_same_member(
    world: World, connect: Connect
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    person = world.peers[0]
    peer = await admitted_peer(connect, world, lead, person)
    assert (await peer.call("chat:send", {"text": "before the tunnel"}))["ok"]
    await peer.close()
    gone = await lead.next_matching(
        "room:participants",
        lambda d: any(p["id"] == person.id and not p["connected"] for p in d["participants"]),
    )
    assert len(gone["participants"]) == 2

    back, answer = await join_peer(connect, world.session_id, person)
    assert answer["me"] == {"id": person.id, "name": "Peer0", "role": "peer", "status": "admitted"}
    assert [m["text"] for m in answer["room"]["chat"]] == ["before the tunnel"]
    await lead.next_matching(
        "room:participants",
        lambda d: any(p["id"] == person.id and p["connected"] for p in d["participants"]),
    )
    assert (await back.call("chat:send", {"text": "after"}))["ok"]
    assert await lead.next_matching("chat:message", lambda d: d["text"] == "after")


async def test_ending_forgets_the_chat_and_closes_the_room(
    running_server: RunningServer, world: World, connect: Connect
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    assert (await peer.call("chat:send", {"text": "private"}))["ok"]
    ended = await lead.call("session:end")
    assert ended["session"]["state"] == "ended"
    assert await peer.next_matching("session:state", lambda d: d["state"] == "ended")
    assert (await peer.call("chat:send", {"text": "late"}))["error"]["code"] == "not_in_room"
    live = running_server.app[context.LIVE]
    assert await live.tail(world.session_id, "chat:main", 200) == []
    rejoined, answer = await join_peer(connect, world.session_id, world.peers[0])
    assert answer["session"]["state"] == "ended" and "room" not in answer
    assert (await rejoined.call("lobby:enter"))["error"]["code"] == "session_ended"
