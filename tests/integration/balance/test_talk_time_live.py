"""The session loop: staff see everyone's figures, a peer only their own, a cue reaches only the
speaker, quiet and dominance alerts reach only the staff. Time is stepped; ticks are explicit."""

from __future__ import annotations

from typing import Any

from server.realtime.namespace import RUNTIME
from server.services.media_presence import media_state_changed
from tests.integration.balance.flows import live_session, marker, set_balancing
from tests.integration.conftest import RunningServer, SteppedClock
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.seed import World


def _member(update: dict[str, Any], member: str) -> dict[str, Any]:
    return next(m for m in update["rooms"]["main"]["members"] if m["member"] == member)


async def test_staff_see_every_figure_each_tick(
    running_server: RunningServer, world: World, connect: Connect, clock: SteppedClock
) -> None:
    live = await live_session(running_server, world, connect, clock)
    p0, p1 = world.peers[0].id, world.peers[1].id
    await live.speak(0, 10)
    clock.step(2)  # past the merge gap: the turn has ended
    assert await live.tick() == [world.session_id]
    update = await live.co.next("talktime:update")
    main = update["rooms"]["main"]
    expected = {
        "total_ms": 10_000,
        "turns": 1,
        "longest_turn_ms": 10_000,
        "speaking": False,
        "not_yet_spoken": False,
    }
    assert _member(update, p0).items() >= expected.items()
    assert _member(update, p1)["not_yet_spoken"] is True
    assert _member(update, world.lead.id)["kind"] == "facilitator"
    assert main["fair_share_ms"] == 5_000 and main["peer_talk_ms"] == 10_000
    assert main["balance_gini"] == 0.5 and "0 means every peer" in main["balance_explanation"]
    assert main["longest_monologue_member"] == p0
    assert update["names"][p0] == "Peer0"
    assert {row["id"] for row in update["presence"]} >= {p0, p1, world.lead.id}

    # the current speaker and a running turn show on the next tick
    await live.start_speaking(1)
    clock.step(3)
    await live.tick()
    for staff in (live.lead, live.co):
        update = await staff.next_matching(
            "talktime:update", lambda u: u["rooms"]["main"]["current_speakers"]
        )
        assert update["rooms"]["main"]["current_speakers"] == [p1]
        assert _member(update, p1)["current_turn_ms"] == 3_000


async def test_a_peer_gets_only_their_own_figures(
    running_server: RunningServer, world: World, connect: Connect, clock: SteppedClock
) -> None:
    live = await live_session(running_server, world, connect, clock)
    await live.speak(0, 8)
    clock.step(2)
    await live.tick()
    mine = await live.peers[0].next("talktime:mine")
    assert mine == {
        "session_id": world.session_id,
        "at_ms": clock.ms,
        "room_id": "main",
        "total_ms": 8_000,
        "turns": 1,
        "longest_turn_ms": 8_000,
        "current_turn_ms": 0,
        "speaking": False,
    }
    other = await live.peers[1].next("talktime:mine")
    assert other["total_ms"] == 0 and world.peers[0].id not in str(other)
    for peer in live.peers:
        await marker(peer, live)
        assert peer.pending("talktime:update") == []
        assert peer.pending("balance:alert") == []
        assert peer.pending("talktime:mine") == []  # exactly one each, no one else's


async def test_a_gentle_cue_reaches_only_the_speaker(
    running_server: RunningServer, world: World, connect: Connect, clock: SteppedClock
) -> None:
    await set_balancing(running_server, world, {"long_turn_s": 30})
    live = await live_session(running_server, world, connect, clock)
    await live.start_speaking(0)
    clock.step(29)
    await live.tick()
    clock.step(2)
    await live.tick()
    cue = await live.peers[0].next("balance:cue")
    assert cue["reason"] == "long_turn"
    assert "maybe check if someone else would like to come in" in cue["message"]
    alert = await live.co.next_matching("balance:alert", lambda a: a["kind"] == "cue_sent")
    assert alert["member_id"] == world.peers[0].id and alert["member_name"] == "Peer0"
    # one cue, not one per tick
    clock.step(1)
    await live.tick()
    await marker(live.peers[0], live)
    assert live.peers[0].pending("balance:cue") == []
    await marker(live.peers[1], live)
    assert live.peers[1].pending("balance:cue") == []
    await marker(live.lead, live)
    assert live.lead.pending("balance:cue") == []


async def test_quiet_and_dominance_alerts_reach_staff_only(
    running_server: RunningServer, world: World, connect: Connect, clock: SteppedClock
) -> None:
    await set_balancing(
        running_server,
        world,
        {
            "quiet_alert_s": 60,
            "dominance_share": 0.5,
            "min_room_talk_s": 0,
            "min_peers_for_share": 2,
        },
    )
    live = await live_session(running_server, world, connect, clock)
    await live.speak(0, 20)
    clock.step(2)
    await live.tick()
    dominance = await live.lead.next_matching("balance:alert", lambda a: a["kind"] == "dominance")
    assert dominance["member_id"] == world.peers[0].id and dominance["share"] == 1.0
    assert "holds 100% of the talk" in dominance["message"]
    clock.step(40)  # Peer1 silent since joining (62 s), Peer0 since speaking (42 s)
    await live.tick()
    quiet = await live.co.next_matching("balance:alert", lambda a: a["kind"] == "quiet")
    assert quiet["member_id"] == world.peers[1].id
    assert quiet["silent_for_ms"] == 62_000 and "has not spoken for 1 minute" in quiet["message"]
    await marker(live.co, live)
    assert [a for a in live.co.pending("balance:alert") if a["kind"] == "quiet"] == []
    for peer in live.peers:
        await marker(peer, live)
        assert peer.pending("balance:alert") == []


async def test_presence_panel_shows_camera_off_and_no_media(
    running_server: RunningServer, world: World, connect: Connect, clock: SteppedClock
) -> None:
    live = await live_session(running_server, world, connect, clock)
    rt = running_server.app[RUNTIME]
    p0 = world.peers[0].id
    await media_state_changed(
        rt, world.session_id, p0, camera_on=False, mic_on=True, connected_media=True
    )
    clock.step(90)
    await media_state_changed(
        rt, world.session_id, p0, camera_on=False, mic_on=False, connected_media=True
    )
    await live.tick()
    update = await live.co.next("talktime:update")
    rows = {row["id"]: row for row in update["presence"]}
    assert rows[p0]["camera_off_for_ms"] == 90_000
    assert rows[p0]["media"]["mic_since_ms"] == clock.ms
    assert rows[p0]["connected_without_media"] is False
    assert rows[world.peers[1].id]["connected_without_media"] is True

    # "are you still there?" and the answer, seen by the staff
    asked = await live.lead.call("presence:check", {"member_id": p0})
    assert asked["ok"]
    check = await live.peers[0].next("presence:check")
    assert check["check_id"] == asked["check"]["check_id"]
    clock.step(4)
    assert await live.peers[0].call("presence:here") == {"ok": True}
    answer = await live.co.next("presence:answered")
    assert answer["member_id"] == p0 and answer["answered_at_ms"] - answer["asked_at_ms"] == 4000
    assert (await live.peers[1].call("presence:here"))["error"]["code"] == "no_check"
    standby = await connect(world.session_id, headers=world.standby.cookie)
    assert (await standby.call("session:join"))["ok"]
    refused = await standby.call("presence:check", {"member_id": p0})
    assert refused["error"]["code"] == "forbidden"
    refused = await live.peers[1].call("presence:check", {"member_id": p0})
    assert refused["error"]["code"] == "forbidden"


async def test_loop_skips_sessions_that_are_not_live(
    running_server: RunningServer, world: World, connect: Connect, clock: SteppedClock
) -> None:
    live = await live_session(running_server, world, connect, clock)
    assert (await live.lead.call("session:end"))["ok"]
    assert await live.tick() == []
