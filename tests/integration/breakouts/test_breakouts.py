"""Breakouts over real socket.io clients: isolation of chat both ways, status without content,
the main-room notice, asking to return, several breakouts, stepping in, the unattended warning,
incidents and talk time."""

from __future__ import annotations

import json

from sqlalchemy import select

from server import context
from server.realtime.namespace import RUNTIME
from server.services.talk_time import TalkTime
from server.storage.models import Incident
from tests.integration.breakouts.steps import ids, open_breakout, room_with_peers, say, texts_until
from tests.integration.conftest import RunningServer
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.seed import World


async def test_a_breakout_isolates_chat_both_ways(world: World, connect: Connect) -> None:
    lead, co, (sam, kim) = await room_with_peers(connect, world)
    assert co is not None
    await say(lead, "said in the main room before")
    for client in (lead, co, sam, kim):
        assert (await client.next("chat:message"))["text"] == "said in the main room before"
    room_id = await open_breakout(co, [world.peers[0].id], notice="Back shortly")

    moved = await sam.next("room:moved")
    assert moved["room"]["room_id"] == room_id and moved["from_room_id"] == "main"
    assert ids(moved["room"]["participants"]) == {world.co.id, world.peers[0].id}
    assert moved["room"]["chat"] == []  # the main room's history does not follow them
    assert (await co.next("room:moved"))["room"]["room_id"] == room_id
    notice = await kim.next("room:notice")
    assert notice["text"] == "Back shortly" and notice["room_id"] == "main"
    assert (await lead.next("room:notice"))["text"] == "Back shortly"

    in_breakout = await say(sam, "only for the breakout")
    assert in_breakout["room_id"] == room_id
    await say(lead, "only for the main room")
    await say(co, "breakout marker")
    await say(kim, "main marker")

    assert await texts_until(co, "breakout marker") == ["only for the breakout", "breakout marker"]
    assert await texts_until(sam, "breakout marker") == ["only for the breakout", "breakout marker"]
    main_seen = ["only for the main room", "main marker"]
    assert await texts_until(lead, "main marker") == main_seen
    assert await texts_until(kim, "main marker") == main_seen
    # the later markers came through the same connections: nothing else was on its way
    assert sam.pending("room:notice") == [] and co.pending("room:notice") == []
    for client in (lead, co, sam, kim):
        assert client.pending("chat:message") == []

    # a reconnect keeps the peer in the breakout, with the breakout's history only
    await sam.close()
    again = await connect(world.session_id, member_token=world.peers[0].token)
    joined = await again.call("session:join")
    assert joined["room"]["room_id"] == room_id
    assert [m["text"] for m in joined["room"]["chat"]] == [
        "only for the breakout",
        "breakout marker",
    ]


async def test_the_lead_sees_status_never_content(world: World, connect: Connect) -> None:
    lead, co, (sam, _kim) = await room_with_peers(connect, world)
    assert co is not None
    room_id = await open_breakout(co, [world.peers[0].id])
    status = await lead.next_matching("breakouts:updated", lambda s: s["breakouts"])
    (breakout,) = status["breakouts"]
    assert breakout["room_id"] == room_id and breakout["opened_by"] == world.co.id
    assert {(m["id"], m["role"]) for m in breakout["members"]} == {
        (world.co.id, "co"),
        (world.peers[0].id, "peer"),
    }
    assert all(isinstance(m["since_ms"], int) and m["connected"] for m in breakout["members"])
    assert status["main_attended"] is True

    secret = "a private thing said in the breakout"
    await say(sam, secret)
    await say(lead, "main marker")
    assert await texts_until(lead, "main marker") == ["main marker"]
    later = await lead.call("session:join")  # a fresh join answer: status, no content
    assert [b["room_id"] for b in later["breakouts"]] == [room_id]
    assert secret not in json.dumps(later)
    for update in lead.pending("breakouts:updated"):
        assert secret not in json.dumps(update)


async def test_a_peer_asks_to_return_and_is_brought_back(
    world: World, connect: Connect, running_server: RunningServer
) -> None:
    lead, co, (sam, kim) = await room_with_peers(connect, world)
    assert co is not None
    room_id = await open_breakout(co, [world.peers[0].id])
    await sam.next("room:moved")

    assert (await sam.call("breakout:request_return"))["ok"]
    asked = await co.next_matching(
        "breakouts:updated", lambda s: s["breakouts"] and s["breakouts"][0]["return_requested"]
    )
    assert asked["breakouts"][0]["return_requested"] == [world.peers[0].id]
    in_main = await sam.call("breakout:request_return")
    assert in_main["ok"]  # asking twice is the same request

    assert (await co.call("breakout:return", {"member_id": world.peers[0].id}))["ok"]
    back = await sam.next_matching("room:moved", lambda m: m["room"]["room_id"] == "main")
    assert back["from_room_id"] == room_id
    assert world.peers[0].id in ids(
        (
            await kim.next_matching(
                "room:participants", lambda p: world.peers[0].id in ids(p["participants"])
            )
        )["participants"]
    )
    await say(kim, "welcome back")
    assert await texts_until(sam, "welcome back") == ["welcome back"]
    refused = await sam.call("breakout:request_return")
    assert refused["error"]["code"] == "not_in_breakout"

    # the co is alone in the breakout; returning closes it
    assert (await co.call("breakout:return", {"member_id": world.co.id}))["ok"]
    closed = await lead.next_matching("breakouts:updated", lambda s: s["breakouts"] == [])
    assert closed["main_attended"] is True

    app = running_server.app
    async with app[context.DB]() as db:
        (incident,) = (await db.scalars(select(Incident))).all()
    assert incident.kind == "breakout" and incident.session_id == world.session_id
    assert incident.pseudonyms == ["Peer0"] and incident.member_ids == [world.peers[0].id]
    assert [(a["what"], a["by"]) for a in incident.actions] == [
        ("moved to a breakout", world.co.id),
        ("returned from the breakout", world.co.id),
    ]


async def test_talk_time_follows_people_into_the_breakout(
    world: World, connect: Connect, running_server: RunningServer
) -> None:
    _lead, co, _peers = await room_with_peers(connect, world)
    assert co is not None
    room_id = await open_breakout(co, [world.peers[0].id])
    ledger = await TalkTime(running_server.app[RUNTIME]).ledger(world.session_id)
    assert ledger.participants[world.peers[0].id].room == room_id
    assert ledger.participants[world.co.id].room == room_id
    assert (await co.call("breakout:close", {"room_id": room_id}))["ok"]
    ledger = await TalkTime(running_server.app[RUNTIME]).ledger(world.session_id)
    assert ledger.participants[world.peers[0].id].room == "main"


async def test_several_breakouts_and_stepping_in(world: World, connect: Connect) -> None:
    lead, co, (sam, kim, ali) = await room_with_peers(connect, world, peers=3)
    assert co is not None
    first = await open_breakout(co, [world.peers[0].id])
    second = await open_breakout(co, [world.peers[1].id], join=False)
    assert first != second
    status = await lead.next_matching("breakouts:updated", lambda s: len(s["breakouts"]) == 2)
    members = {b["room_id"]: {m["id"] for m in b["members"]} for b in status["breakouts"]}
    assert members == {first: {world.co.id, world.peers[0].id}, second: {world.peers[1].id}}

    busy = await co.call("breakout:open", {"member_ids": [world.peers[1].id]})
    assert busy["error"]["code"] == "peer_busy"

    assert (await lead.call("breakout:step_in", {"room_id": second}))["ok"]
    stepped = await lead.next("room:moved")
    assert stepped["room"]["room_id"] == second
    assert ids(stepped["room"]["participants"]) == {world.lead.id, world.peers[1].id}
    warning = await co.next("facilitators:warning")
    assert warning["active"] is True and warning["peers_in_main"] == 1
    assert warning["warning"] == "main_room_unattended" and warning["message"]
    assert (await lead.next("facilitators:warning"))["active"] is True

    await say(kim, "in the second")
    await say(sam, "in the first")
    await say(ali, "in the main room")
    await say(lead, "second marker")
    await say(co, "first marker")
    assert await texts_until(lead, "second marker") == ["in the second", "second marker"]
    assert await texts_until(co, "first marker") == ["in the first", "first marker"]
    assert await texts_until(ali, "in the main room") == ["in the main room"]
    assert ali.pending("chat:message") == []

    unknown = await lead.call("breakout:step_in", {"room_id": "no-such-room"})
    assert unknown["error"]["code"] == "unknown_breakout"
    assert (await lead.call("breakout:return", {"member_id": world.lead.id}))["ok"]
    assert (await co.next("facilitators:warning"))["active"] is False
    assert (await co.call("breakout:close", {"room_id": second}))["ok"]
    back = await kim.next_matching("room:moved", lambda m: m["room"]["room_id"] == "main")
    assert back["from_room_id"] == second
    left = await lead.next_matching("breakouts:updated", lambda s: len(s["breakouts"]) == 1)
    assert [b["room_id"] for b in left["breakouts"]] == [first]


async def test_the_opener_leaving_the_main_room_empty_is_warned(
    world: World, connect: Connect
) -> None:
    lead, _co, (_sam, kim) = await room_with_peers(connect, world, co=False)
    await open_breakout(lead, [world.peers[0].id])
    warning = await lead.next("facilitators:warning")
    assert warning["active"] is True and warning["peers_in_main"] == 1
    assert (await lead.call("breakout:return", {"member_id": world.lead.id}))["ok"]
    assert (await lead.next("facilitators:warning"))["active"] is False
    await say(lead, "marker")
    assert await texts_until(kim, "marker") == ["marker"]
    assert kim.pending("facilitators:warning") == []  # facilitators only


async def test_no_notice_means_the_main_room_hears_nothing(world: World, connect: Connect) -> None:
    lead, co, (_sam, kim) = await room_with_peers(connect, world)
    assert co is not None
    await open_breakout(co, [world.peers[0].id])
    await say(lead, "marker")
    assert await texts_until(kim, "marker") == ["marker"]
    assert kim.pending("room:notice") == [] and lead.pending("room:notice") == []
