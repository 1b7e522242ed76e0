"""Rounds and the raise-hand queue over socket.io: who may do what, what everyone in the room
sees (order and who's up, never talk figures), payload validation."""

from __future__ import annotations

from tests.integration.balance.flows import live_session, marker
from tests.integration.conftest import RunningServer, SteppedClock
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.seed import World


async def test_a_check_in_round_from_start_to_end(
    running_server: RunningServer, world: World, connect: Connect, clock: SteppedClock
) -> None:
    live = await live_session(running_server, world, connect, clock, peers=3)
    p0, p1, p2 = (p.id for p in world.peers[:3])
    started = await live.co.call("round:start", {"kind": "check_in", "per_person_s": 60})
    assert started["ok"], started
    rnd = started["round"]
    assert rnd["current"] == p0 and rnd["waiting"] == [p1, p2] and rnd["up_next"] == p1
    assert rnd["per_person_ms"] == 60_000
    seen = await live.peers[2].next("round:updated")
    assert seen["change"] == "started" and seen["round"]["current"] == p0
    assert seen["names"][p1] == "Peer1"
    assert "members" not in seen and "total_ms" not in str(seen)

    again = await live.lead.call("round:start", {"kind": "check_out"})
    assert again["error"]["code"] == "round_running"
    assert (await live.peers[1].call("round:next"))["error"]["code"] == "forbidden"
    assert (await live.peers[1].call("round:pass", {"member_id": p0}))["error"]["code"] == (
        "forbidden"
    )

    reordered = await live.lead.call("round:reorder", {"order": [p2, p1]})
    assert reordered["round"]["waiting"] == [p2, p1]
    bad = await live.lead.call("round:reorder", {"order": [p2]})
    assert bad["error"]["code"] == "bad_order"
    assert (await live.peers[0].call("round:pass"))["round"]["current"] == p2  # own turn
    skipped = await live.lead.call("round:skip", {"member_id": p2})
    assert skipped["round"]["current"] == p1 and skipped["round"]["waiting"] == [p2]
    clock.step(61)
    await live.tick()
    over = await live.co.next_matching("balance:alert", lambda a: a["kind"] == "round_time_up")
    assert over["member_id"] == p1
    assert (await live.lead.call("round:next"))["round"]["current"] == p2
    ended = await live.lead.call("round:end")
    assert ended["round"]["ended"] is True
    assert ended["round"]["outcomes"] == [
        {"member_id": p0, "outcome": "passed"},
        {"member_id": p1, "outcome": "spoke"},
    ]
    last = await live.peers[0].next_matching("round:updated", lambda r: r["change"] == "ended")
    assert last["round"]["ended"] is True
    assert (await live.lead.call("round:next"))["error"]["code"] == "no_round"


async def test_round_payloads_are_validated(
    running_server: RunningServer, world: World, connect: Connect, clock: SteppedClock
) -> None:
    live = await live_session(running_server, world, connect, clock)
    bogus = await live.lead.call("round:start", {"kind": "gossip"})
    assert bogus["error"]["code"] == "bad_request"
    extra = await live.lead.call("round:start", {"kind": "check_in", "colour": "red"})
    assert extra["error"]["code"] == "bad_request"
    short = await live.lead.call("round:start", {"kind": "check_in", "per_person_s": 5})
    assert short["error"]["details"]["fields"][0]["field"] == "per_person_s"
    stranger = await live.lead.call(
        "round:start",
        {"kind": "check_in", "order": [world.outsider.id]},  # type: ignore[union-attr]
    )
    assert stranger["error"]["code"] == "not_in_room"
    assert (await live.peers[0].call("round:start", {"kind": "check_in"}))["error"]["code"] == (
        "forbidden"
    )


async def test_hands_are_quietest_first_and_the_facilitator_can_reorder(
    running_server: RunningServer, world: World, connect: Connect, clock: SteppedClock
) -> None:
    live = await live_session(running_server, world, connect, clock)
    p0, p1 = world.peers[0].id, world.peers[1].id
    await live.speak(0, 30)
    clock.step(2)
    assert (await live.peers[0].call("hand:raise"))["queue"][0]["member_id"] == p0
    raised = await live.peers[1].call("hand:raise")
    assert [h["member_id"] for h in raised["queue"]] == [p1, p0]  # the quieter one first
    seen = await live.peers[0].next_matching("hands:updated", lambda h: len(h["queue"]) == 2)
    assert [h["name"] for h in seen["queue"]] == ["Peer1", "Peer0"]

    assert (await live.lead.call("hand:raise"))["error"]["code"] == "forbidden"
    assert (await live.peers[0].call("hand:take"))["error"]["code"] == "forbidden"
    assert (await live.peers[0].call("hand:lower", {"member_id": p1}))["error"]["code"] == (
        "forbidden"
    )
    moved = await live.co.call("hand:move", {"member_id": p0, "to_index": 0})
    assert [h["member_id"] for h in moved["queue"]] == [p0, p1] and moved["queue"][0]["pinned"]
    taken = await live.lead.call("hand:take")
    assert taken["taken"] == p0 and [h["member_id"] for h in taken["queue"]] == [p1]
    told = await live.peers[1].next_matching("hands:updated", lambda h: h["taken"] == p0)
    assert [h["member_id"] for h in told["queue"]] == [p1]
    assert (await live.peers[1].call("hand:lower"))["queue"] == []
    assert (await live.lead.call("hand:take"))["error"]["code"] == "no_hands"
    missing = await live.lead.call("hand:move", {"member_id": p1, "to_index": -1})
    assert missing["error"]["code"] == "bad_request"
    await marker(live.peers[0], live)
    assert live.peers[0].pending("talktime:update") == []
