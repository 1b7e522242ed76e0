"""Chat reaches only its session's room; the backchannel never reaches a peer."""

from __future__ import annotations

from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import (
    admitted_peer,
    join_staff,
    lead_with_open_lobby,
    wait_in_lobby,
)
from tests.integration.realtime.seed import World


async def test_chat_reaches_only_that_sessions_room(world: World, connect: Connect) -> None:
    lead = await lead_with_open_lobby(connect, world)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    other_lead = await join_staff(connect, world.other_session_id, world.other_lead)
    waiting_elsewhere = world.peers[1]  # joined but not admitted: not in the room
    lobby_peer = await wait_in_lobby(connect, world, waiting_elsewhere)

    assert (await other_lead.call("chat:send", {"text": "other session"}))["ok"]
    assert (await other_lead.next("chat:message"))["text"] == "other session"
    assert (await lead.call("chat:send", {"text": "marker"}))["ok"]
    assert (await peer.next("chat:message"))["text"] == "marker"
    assert (await lead.next("chat:message"))["text"] == "marker"
    # the marker came through the same path after the other session's message: nothing before it
    assert peer.pending("chat:message") == [] and lead.pending("chat:message") == []
    # the waiting peer got neither; a later lobby event proves its queue is up to date
    assert (await lead.call("lobby:decline", {"member_id": waiting_elsewhere.id}))["ok"]
    await lobby_peer.next("lobby:declined")
    assert lobby_peer.pending("chat:message") == []
    refused = await lobby_peer.call("chat:send", {"text": "let me in"})
    assert refused["error"]["code"] == "not_in_room"
    assert other_lead.pending("chat:message") == []


async def test_chat_text_length_is_checked(world: World, connect: Connect) -> None:
    lead = await join_staff(connect, world.session_id, world.lead)
    for bad in ("", "x" * 2001, 5, None):
        answer = await lead.call("chat:send", {"text": bad})
        assert answer["ok"] is False and answer["error"]["code"] == "bad_request", bad
        assert [f["field"] for f in answer["error"]["details"]["fields"]] == ["text"]
    assert (await lead.call("chat:send", {"text": "x" * 2000}))["ok"]


async def test_backchannel_reaches_facilitators_and_never_a_peer(
    world: World, connect: Connect
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    co = await join_staff(connect, world.session_id, world.co)
    standby = await join_staff(connect, world.session_id, world.standby)
    peer = await admitted_peer(connect, world, lead, world.peers[0])

    sent = await co.call("backchannel:send", {"text": "Peer0 seems quiet"})
    assert sent["ok"] and set(sent["message"]) == {
        "id",
        "session_id",
        "sender_id",
        "sender_name",
        "text",
        "at_ms",
    }
    for facilitator in (lead, co, standby):
        assert await facilitator.next("backchannel:message") == sent["message"]

    refused = await peer.call("backchannel:send", {"text": "can I see?"})
    assert refused["error"]["code"] == "forbidden"

    assert (await lead.call("chat:send", {"text": "marker"}))["ok"]
    assert (await peer.next("chat:message"))["text"] == "marker"
    assert peer.pending("backchannel:message") == []

    # a facilitator joining later gets the backchannel history; a peer never does
    late = await join_staff(connect, world.session_id, world.lead)
    again = await late.call("session:join")
    assert [m["text"] for m in again["backchannel"]] == ["Peer0 seems quiet"]


async def test_chat_history_is_bounded_snapshot_on_join(world: World, connect: Connect) -> None:
    lead = await join_staff(connect, world.session_id, world.lead)
    for i in range(3):
        assert (await lead.call("chat:send", {"text": f"m{i}"}))["ok"]
    co = await connect(world.session_id, headers=world.co.cookie)
    joined = await co.call("session:join")
    assert [m["text"] for m in joined["room"]["chat"]] == ["m0", "m1", "m2"]
