"""The two-facilitator model over real socket.io clients: handover, automatic promotion when the
lead drops (with lead powers at once, no reconnect), standbys unseen until they appear, and the
pause when the last facilitator drops."""

from __future__ import annotations

from tests.integration.breakouts.steps import ids, room_with_peers, say, texts_until
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import admitted_peer, join_staff
from tests.integration.realtime.seed import World


async def test_when_the_lead_drops_the_co_leads_and_can_end_the_session(
    world: World, connect: Connect
) -> None:
    lead, co, (sam,) = await room_with_peers(connect, world, peers=1)
    assert co is not None
    assert (await co.call("session:end"))["error"]["code"] == "forbidden"

    await lead.close()
    told = await sam.next_matching("lead:changed", lambda e: e["reason"] == "lead_dropped")
    assert told["lead_id"] == world.co.id and told["lead_name"] == "Cory"
    assert told["previous_id"] == world.lead.id
    seats = await co.next_matching("facilitators:updated", lambda e: e["lead_id"] == world.co.id)
    assert {(f["id"], f["role"], f["connected"]) for f in seats["facilitators"]} == {
        (world.co.id, "lead", True),
        (world.lead.id, "co", False),
    }
    participants = await sam.next_matching(
        "room:participants",
        lambda p: any(x["id"] == world.co.id and x["role"] == "lead" for x in p["participants"]),
    )
    assert world.lead.id in ids(participants["participants"])  # listed, not connected

    # the same connection now has the lead's powers
    ended = await co.call("session:end")
    assert ended["ok"] and ended["session"]["state"] == "ended"
    assert (await sam.next("session:state"))["state"] == "ended"

    # the old lead comes back as a co-facilitator (no flip-flopping on a flaky connection)...
    # but the session is over, so there is no seat to come back to and no error either
    back = await join_staff(connect, world.session_id, world.lead)
    assert back is not None


async def test_a_returning_lead_comes_back_as_co(world: World, connect: Connect) -> None:
    lead, co, (sam,) = await room_with_peers(connect, world, peers=1)
    assert co is not None
    await lead.close()
    await sam.next_matching("lead:changed", lambda e: e["reason"] == "lead_dropped")
    again = await connect(world.session_id, headers=world.lead.cookie)
    joined = await again.call("session:join")
    assert joined["me"]["role"] == "co" and joined["leadership"]["lead_id"] == world.co.id
    assert (await again.call("session:end"))["error"]["code"] == "forbidden"


async def test_the_lead_hands_over(world: World, connect: Connect) -> None:
    lead, co, (sam,) = await room_with_peers(connect, world, peers=1)
    assert co is not None
    refused = await co.call("lead:handover", {"to": world.lead.id})
    assert refused["error"]["code"] == "forbidden"
    gone = await lead.call("lead:handover", {"to": world.peers[0].id})
    assert gone["error"]["code"] == "unknown_facilitator"

    handed = await lead.call("lead:handover", {"to": world.co.id})
    assert handed == {"ok": True, "role": "co"}
    for client in (sam, lead, co):
        told = await client.next_matching("lead:changed", lambda e: e["reason"] == "handover")
        assert told["lead_id"] == world.co.id and told["previous_id"] == world.lead.id
    assert (await lead.call("session:end"))["error"]["code"] == "forbidden"
    assert (await lead.call("participant:remove", {"member_id": world.peers[0].id}))["error"][
        "code"
    ] == "forbidden"
    assert (await co.call("session:go_live", {"solo_reason": "testing"}))["ok"]


async def test_the_scheduled_lead_takes_the_lead_on_arrival(world: World, connect: Connect) -> None:
    co = await connect(world.session_id, headers=world.co.cookie)
    first = await co.call("session:join")
    assert first["me"]["role"] == "lead"  # nobody else is here: the first to arrive leads
    lead = await connect(world.session_id, headers=world.lead.cookie)
    joined = await lead.call("session:join")
    assert joined["me"]["role"] == "lead"
    told = await co.next_matching("lead:changed", lambda e: e["reason"] == "handover")
    assert told["lead_id"] == world.lead.id
    assert (await co.call("session:open_lobby"))["ok"]  # a co may
    assert (await co.call("session:end"))["error"]["code"] == "forbidden"


async def test_a_standby_is_unseen_by_peers_until_they_appear(
    world: World, connect: Connect
) -> None:
    lead, _co, (sam,) = await room_with_peers(connect, world, peers=1, co=False)
    standby = await join_staff(connect, world.session_id, world.standby)
    staff_view = await lead.next_matching(
        "room:participants", lambda p: world.standby.id in ids(p["participants"])
    )
    assert {p["role"] for p in staff_view["participants"] if p["id"] == world.standby.id} == {
        "standby"
    }
    kim = await admitted_peer(connect, world, lead, world.peers[1])
    # the admission snapshot and every list since leave the standby out
    last = await sam.next_matching(
        "room:participants", lambda p: world.peers[1].id in ids(p["participants"])
    )
    assert world.standby.id not in ids(last["participants"])
    for earlier in sam.pending("room:participants"):
        assert world.standby.id not in ids(earlier["participants"])
    rejoined = await sam.call("session:join")
    assert world.standby.id not in ids(rejoined["room"]["participants"])
    assert world.standby.id in ids((await standby.call("session:join"))["room"]["participants"])
    # a standby cannot run breakouts or hand over, and only a standby appears
    refused = await standby.call("breakout:open", {"member_ids": [world.peers[0].id]})
    assert refused["error"]["code"] == "forbidden"
    assert (await lead.call("standby:appear"))["error"]["code"] == "forbidden"

    assert (await standby.call("standby:appear")) == {"ok": True, "role": "co"}
    seen = await kim.next_matching(
        "room:participants", lambda p: world.standby.id in ids(p["participants"])
    )
    assert {p["role"] for p in seen["participants"] if p["id"] == world.standby.id} == {"co"}
    assert (await standby.call("standby:appear"))["error"]["code"] == "forbidden"  # a co now
    # now a co-facilitator: may open a breakout without reconnecting
    assert (await standby.call("breakout:open", {"member_ids": [world.peers[0].id]}))["ok"]


async def test_the_last_facilitator_dropping_pauses_the_session(
    world: World, connect: Connect
) -> None:
    lead, co, (sam,) = await room_with_peers(connect, world, peers=1)
    assert co is not None
    await co.close()
    await say(lead, "still here")
    assert await texts_until(sam, "still here") == ["still here"]
    assert sam.pending("session:paused") == []  # one facilitator left: no pause

    await lead.close()
    paused = await sam.next("session:paused")
    assert paused["session_id"] == world.session_id and "hold on" in paused["message"]
    rejoined = await sam.call("session:join")
    assert rejoined["leadership"] == {"lead_id": None, "paused": True}

    back = await connect(world.session_id, headers=world.co.cookie)
    joined = await back.call("session:join")
    assert joined["me"]["role"] == "lead"  # the first to return leads
    resumed = await sam.next("session:resumed")
    assert resumed["by_id"] == world.co.id and resumed["by_name"] == "Cory"
    assert resumed["paused_for_ms"] >= 0
    told = await sam.next_matching("lead:changed", lambda e: e["reason"] == "resumed")
    assert told["lead_id"] == world.co.id
    assert (await back.call("session:end"))["ok"]


async def test_a_second_tab_closing_is_not_a_drop(world: World, connect: Connect) -> None:
    lead, co, (sam,) = await room_with_peers(connect, world, peers=1)
    assert co is not None
    second_tab = await join_staff(connect, world.session_id, world.lead)
    await say(lead, "marker")  # its ack comes after the join's participant list
    lead.pending("room:participants")
    assert [e["reason"] for e in lead.pending("lead:changed")] == ["joined"]
    await second_tab.close()
    # the server announces the list after it handled the drop (or not) of that connection
    await lead.next("room:participants")
    assert lead.pending("lead:changed") == [] and sam.pending("lead:changed") == []
    assert (await lead.call("session:go_live", {"solo_reason": "co is in"}))["ok"]
    await lead.close()  # the lead's last connection: this one is a drop
    told = await sam.next("lead:changed")
    assert told["lead_id"] == world.co.id and told["reason"] == "lead_dropped"
