"""Camera and microphone state reaches the people in the same room, and only them: it rides on
`room:participants` (and the room snapshot a newcomer gets), so a breakout's people never hear
of the main room's cameras, nor the other way round, no other session hears of either, and a
hidden standby stays out of the peers' lists.

"Did not receive" is shown by order, not by waiting: socket.io delivers one connection's events
in the order the server sent them, so once a client has the change made *after* the one it must
not see, anything leaked would already be in its queue."""

from __future__ import annotations

from typing import Any

from server.services.event_limits import FAMILY_LIMITS, MEDIA_STATE
from tests.integration.breakouts.media_peers import (  # noqa: F401 - fixtures
    AheadClock,
    Peers,
    backend_fixture,
    clock_fixture,
    database_url_fixture,
    peers_fixture,
    running_server_fixture,
)
from tests.integration.breakouts.steps import open_breakout, room_with_peers
from tests.integration.realtime.clients import Client
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import join_staff, wait_in_lobby
from tests.integration.realtime.seed import World

LISTS = "room:participants"


def state_of(participants: list[dict[str, Any]], person_id: str) -> tuple[bool, bool] | None:
    """(camera_on, mic_on) of one person in a participant list, or None when not listed."""
    for p in participants:
        if p["id"] == person_id:
            return p["camera_on"], p["mic_on"]
    return None


async def lists_until(client: Client, person_id: str, state: tuple[bool, bool]) -> list[Any]:
    """Every participant list the client receives, up to and including the first that shows
    `person_id` in `state`."""
    seen: list[Any] = []
    while True:
        data = await client.next(LISTS)
        seen.append(data)
        if state_of(data["participants"], person_id) == state:
            return seen


async def settled(client: Client) -> None:
    """A round trip: every event the server sent this client before it is now in its queues."""
    assert (await client.call("media:config"))["ok"]


async def send_state(clock: AheadClock, client: Client, payload: Any) -> dict[str, Any]:
    """Send `media:state` one refill interval after the one before, as a person's clicks come,
    so the rate limit (tests/integration/realtime/test_rate_limits.py) never refuses it here."""
    clock.step_ms(FAMILY_LIMITS[MEDIA_STATE].interval_ms)
    return await client.call("media:state", payload)


async def set_state(clock: AheadClock, client: Client, camera_on: bool, mic_on: bool) -> None:
    answer = await send_state(clock, client, {"camera_on": camera_on, "mic_on": mic_on})
    assert answer == {"ok": True}, answer


async def test_camera_and_mic_state_reach_the_same_room_only(
    world: World, connect: Connect, peers: Peers, clock: AheadClock
) -> None:
    lead, co, (sam, kim) = await room_with_peers(connect, world, peers=2)
    assert co is not None
    sam_id, kim_id, co_id = world.peers[0].id, world.peers[1].id, world.co.id
    elsewhere = await join_staff(connect, world.other_session_id, world.other_lead)
    for person_id, client in ((world.lead.id, lead), (co_id, co), (sam_id, sam), (kim_id, kim)):
        await peers.join(person_id, via=client)
    room_id = await open_breakout(co, [sam_id])  # the co goes in with sam
    # the lists sent up to the move are of no interest here
    for client in (lead, co, sam, kim, elsewhere):
        await settled(client)
        client.pending(LISTS)

    # sam switches both off in the breakout: the co (and sam) are told, with the co's own
    # state unchanged beside it
    await set_state(clock, sam, camera_on=False, mic_on=False)
    for client in (co, sam):
        (told,) = await lists_until(client, sam_id, (False, False))
        assert told["room_id"] == room_id
        assert state_of(told["participants"], co_id) == (True, True)
        assert state_of(told["participants"], kim_id) is None

    # kim switches her camera off in the main room: the lead and kim are told, and nothing
    # they received before it was about the breakout
    await set_state(clock, kim, camera_on=False, mic_on=True)
    for client in (lead, kim):
        received = await lists_until(client, kim_id, (False, True))
        assert [r["room_id"] for r in received] == ["main"]
        assert all(state_of(r["participants"], sam_id) is None for r in received)

    # sam's camera back on: the breakout is told, and had kim's change reached it, it would
    # be in the co's queue before this
    await set_state(clock, sam, camera_on=True, mic_on=False)
    received = await lists_until(co, sam_id, (True, False))
    assert [r["room_id"] for r in received] == [room_id]
    assert all(state_of(r["participants"], kim_id) is None for r in received)

    # the other session heard nothing: its own session:state comes after all of the above
    assert (await elsewhere.call("session:open_lobby"))["ok"]
    await elsewhere.next("session:state")
    assert elsewhere.pending(LISTS) == []

    # the same report again changes nothing the room sees, so the room is not told again
    await set_state(clock, kim, camera_on=False, mic_on=True)
    await set_state(clock, kim, camera_on=True, mic_on=True)
    (told,) = await lists_until(lead, kim_id, (True, True))
    assert told["room_id"] == "main"


async def test_a_newcomer_and_a_second_tab_get_the_current_state(
    world: World, connect: Connect, peers: Peers, clock: AheadClock
) -> None:
    lead, _co, (sam,) = await room_with_peers(connect, world, peers=1, co=False)
    sam_id = world.peers[0].id
    await peers.join(world.lead.id, via=lead)
    await peers.join(sam_id, via=sam)
    await set_state(clock, sam, camera_on=False, mic_on=True)
    await lists_until(lead, sam_id, (False, True))

    kim_id = world.peers[1].id
    kim = await wait_in_lobby(connect, world, world.peers[1])
    assert (await lead.call("lobby:admit", {"member_id": kim_id})) == {"ok": True}
    listed = (await kim.next("lobby:admitted"))["room"]["participants"]
    assert state_of(listed, sam_id) == (False, True)
    assert state_of(listed, world.lead.id) == (True, True)
    assert state_of(listed, kim_id) == (False, False)  # no media yet: both read as off

    second_tab = await connect(world.session_id, member_token=world.peers[1].token)
    joined = await second_tab.call("session:join")
    participants = joined["room"]["participants"]
    assert state_of(participants, sam_id) == (False, True)
    assert state_of(participants, world.lead.id) == (True, True)

    # a client without a media connection cannot claim its camera is on
    await set_state(clock, second_tab, camera_on=True, mic_on=True)
    await set_state(clock, sam, camera_on=True, mic_on=True)
    received = await lists_until(lead, sam_id, (True, True))
    assert state_of(received[-1]["participants"], kim_id) == (False, False)


async def test_bad_media_state_payloads_get_structured_errors(
    world: World, connect: Connect, peers: Peers, clock: AheadClock
) -> None:
    lead, _co, (sam,) = await room_with_peers(connect, world, peers=1, co=False)
    sam_id = world.peers[0].id
    await peers.join(sam_id, via=sam)
    await lists_until(lead, sam_id, (True, True))
    cases: list[tuple[Any, set[str]]] = [
        ({}, {"camera_on", "mic_on"}),
        ({"camera_on": False}, {"mic_on"}),
        ({"camera_on": "no", "mic_on": True}, {"camera_on"}),  # strict: no coercion
        ({"camera_on": 0, "mic_on": True}, {"camera_on"}),
        ({"camera_on": False, "mic_on": True, "room_id": "main"}, {"room_id"}),
        ("camera off", {"(body)"}),
    ]
    for payload, fields in cases:
        answer = await send_state(clock, sam, payload)
        assert answer["ok"] is False, payload
        assert answer["error"]["code"] == "bad_request", payload
        assert answer["error"]["message"]
        assert {f["field"] for f in answer["error"]["details"]["fields"]} == fields, payload

    # none of them changed anything: the next list the lead gets is the valid change
    await set_state(clock, sam, camera_on=False, mic_on=True)
    (told,) = await lists_until(lead, sam_id, (False, True))
    assert told["room_id"] == "main"


async def test_a_hidden_standby_stays_out_of_the_peers_lists(
    world: World, connect: Connect, peers: Peers, clock: AheadClock
) -> None:
    lead, _co, (sam,) = await room_with_peers(connect, world, peers=1, co=False)
    standby = await join_staff(connect, world.session_id, world.standby)
    await peers.join(world.peers[0].id, via=sam)
    await peers.join(world.standby.id, via=standby)
    await set_state(clock, standby, camera_on=False, mic_on=True)
    # the staff are told; sam gets the same change as a list without the standby in it
    await lists_until(lead, world.standby.id, (False, True))
    await set_state(clock, sam, camera_on=False, mic_on=True)
    received = await lists_until(sam, world.peers[0].id, (False, True))
    assert all(state_of(r["participants"], world.standby.id) is None for r in received)


async def test_a_connection_without_a_camera_is_never_reported_camera_on(
    world: World, connect: Connect, peers: Peers, clock: AheadClock
) -> None:
    lead, _co, (sam, kim) = await room_with_peers(connect, world, peers=2, co=False)
    sam_id, kim_id = world.peers[0].id, world.peers[1].id

    # sam joins audio only: the room is told the camera is off from the start
    await peers.join(sam_id, via=sam, camera=False, audio_only=True)
    await lists_until(lead, sam_id, (False, True))
    # and however sam's client reports it, it stays off for everyone: the claim alone
    # changes nothing the room sees (nothing sent), the microphone part still does
    await set_state(clock, sam, camera_on=True, mic_on=True)
    await set_state(clock, sam, camera_on=True, mic_on=False)
    received = await lists_until(lead, sam_id, (False, False))
    assert all(state_of(r["participants"], sam_id) == (False, False) for r in received)

    # kim does not say "audio only" but her offer carries no camera: the same
    await peers.join(kim_id, via=kim, camera=False)
    await lists_until(lead, kim_id, (False, True))
    await set_state(clock, kim, camera_on=True, mic_on=True)
    await set_state(clock, kim, camera_on=True, mic_on=False)
    received = await lists_until(lead, kim_id, (False, False))
    assert all(state_of(r["participants"], kim_id) == (False, False) for r in received)

    # bad payloads are still refused with structured errors, and change nothing
    cases: list[tuple[str, Any, set[str]]] = [
        ("media:state", {"camera_on": "yes", "mic_on": True}, {"camera_on"}),
        ("media:state", {"camera_on": True}, {"mic_on"}),
        ("media:join", {"offer_sdp": "v=0", "camera_on": "yes"}, {"camera_on"}),
        ("media:join", {"offer_sdp": "v=0", "mic_on": 1}, {"mic_on"}),
        ("media:join", {"offer_sdp": "v=0", "publishes_video": True}, {"publishes_video"}),
    ]
    for event, payload, fields in cases:
        if event == "media:state":
            answer = await send_state(clock, sam, payload)
        else:
            answer = await sam.call(event, payload)
        assert answer["ok"] is False, (event, payload)
        assert answer["error"]["code"] == "bad_request", (event, payload)
        assert answer["error"]["message"]
        assert {f["field"] for f in answer["error"]["details"]["fields"]} == fields, payload

    # sam rejoins with a camera: from then on the camera is whatever sam says
    await peers.join(sam_id, via=sam)
    received = await lists_until(lead, sam_id, (True, True))
    assert all(state_of(r["participants"], sam_id) != (True, False) for r in received)
    await set_state(clock, sam, camera_on=False, mic_on=True)
    await lists_until(lead, sam_id, (False, True))
    await set_state(clock, sam, camera_on=True, mic_on=True)
    await lists_until(lead, sam_id, (True, True))


async def test_joining_with_the_camera_off_is_off_for_the_room_from_the_start(
    world: World, connect: Connect, peers: Peers, clock: AheadClock
) -> None:
    lead, _co, (sam,) = await room_with_peers(connect, world, peers=1, co=False)
    sam_id = world.peers[0].id
    # a reconnect with the camera (and microphone) switched off: the room never sees them
    # on in between
    await peers.join(sam_id, via=sam, camera_on=False, mic_on=False)
    await set_state(clock, sam, camera_on=True, mic_on=False)
    received = await lists_until(lead, sam_id, (True, False))
    # (lists from before sam was admitted do not list sam)
    earlier = [state_of(r["participants"], sam_id) for r in received[:-1]]
    assert set(earlier) <= {None, (False, False)}, earlier
