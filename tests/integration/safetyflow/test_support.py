"""'I need support': private to facilitators, acknowledged to the peer, an incident; leaving
afterwards prompts the facilitators to follow up."""

from __future__ import annotations

from tests.integration.conftest import RunningServer
from tests.integration.realtime.clients import Client
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import admitted_peer, join_staff, lead_with_open_lobby
from tests.integration.realtime.seed import World
from tests.integration.safetyflow.conftest import Http, group_of, set_group_settings

SUPPORT_EVENTS = ("support:requested", "support:acknowledged", "incident:recorded")


async def _marker(sender: Client, receivers: list[Client], text: str) -> None:
    """A chat message sent after the events under test: once it arrived, anything emitted
    before it to the same connection has arrived too."""
    assert (await sender.call("chat:send", {"text": text}))["ok"]
    for receiver in receivers:
        await receiver.next_matching("chat:message", lambda m: m["text"] == text)


async def test_support_request_reaches_facilitators_only(
    world: World, connect: Connect, http: Http, running_server: RunningServer
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    co = await join_staff(connect, world.session_id, world.co)
    standby = await join_staff(connect, world.session_id, world.standby)
    asking = await admitted_peer(connect, world, lead, world.peers[0])
    other = await admitted_peer(connect, world, lead, world.peers[1])

    answer = await asking.call("support:request")
    assert answer["ok"] is True
    ack = answer["acknowledgement"]
    assert ack["helpline"]["phone"] == "0808 8020 133"
    assert "privately" in ack["message"]
    assert (await asking.next("support:acknowledged"))["member_id"] == world.peers[0].id

    for staff in (lead, co, standby):
        alert = await staff.next("support:requested")
        assert alert["member_id"] == world.peers[0].id
        assert alert["pseudonym"] == "Peer0"
        assert alert["incident_id"] == answer["incident_id"]
        assert isinstance(alert["at_ms"], int)
        assert (await staff.next("incident:recorded"))["incident"]["kind"] == "distress"

    await _marker(lead, [asking, other], "marker after support")
    assert other.pending("support:requested") == []
    assert other.pending("support:acknowledged") == []
    assert other.pending("incident:recorded") == []
    assert asking.pending("support:requested") == []
    assert asking.pending("incident:recorded") == []

    group_id = await group_of(running_server, world.session_id)
    status, body = await http.call("GET", f"/api/groups/{group_id}/incidents", as_=world.co)
    assert status == 200
    assert [(i["kind"], i["pseudonyms"]) for i in body["incidents"]] == [("distress", ["Peer0"])]

    # asking again adds to the same incident instead of a new one
    again = await asking.call("support:request")
    assert again["incident_id"] == answer["incident_id"]
    assert (await lead.next("support:requested"))["incident_id"] == answer["incident_id"]


async def test_only_peers_ask_for_support(world: World, connect: Connect) -> None:
    lead = await lead_with_open_lobby(connect, world)
    answer = await lead.call("support:request")
    assert answer["ok"] is False and answer["error"]["code"] == "forbidden"


async def test_leaving_after_distress_prompts_the_facilitators(
    world: World, connect: Connect, http: Http, running_server: RunningServer
) -> None:
    group_id = await set_group_settings(running_server, world.session_id, contact_policy="optional")
    lead = await lead_with_open_lobby(connect, world)
    co = await join_staff(connect, world.session_id, world.co)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    assert (await peer.call("contact:save", {"phone": "07700 900123"}))["ok"]
    assert (await peer.call("support:request"))["ok"]
    await peer.close()

    for staff in (lead, co):
        prompt = await staff.next("safety:follow_up")
        assert prompt["member_id"] == world.peers[0].id
        assert prompt["reason"] == "left_after_distress"
        assert prompt["has_contact"] is True
        assert any("voicemail" in step for step in prompt["checklist"])
        assert "phone" not in prompt and "07700" not in str(prompt)

    status, body = await http.call("GET", f"/api/groups/{group_id}/incidents", as_=world.lead)
    assert status == 200
    assert sorted(i["kind"] for i in body["incidents"]) == ["distress", "left_after_distress"]


async def test_leaving_without_a_signal_prompts_nothing(world: World, connect: Connect) -> None:
    lead = await lead_with_open_lobby(connect, world)
    quiet = await admitted_peer(connect, world, lead, world.peers[0])
    await quiet.close()
    gone = world.peers[0].id
    await lead.next_matching(
        "room:participants",
        lambda p: any(x["id"] == gone and not x["connected"] for x in p["participants"]),
    )
    # the follow-up would have been emitted before the participants update
    assert lead.pending("safety:follow_up") == []


async def test_removal_after_distress_is_recorded_and_prompts(
    world: World, connect: Connect, http: Http, running_server: RunningServer
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    assert (await peer.call("support:request"))["ok"]
    assert (await lead.call("participant:remove", {"member_id": world.peers[0].id}))["ok"]
    prompt = await lead.next("safety:follow_up")
    assert prompt["has_contact"] is False
    group_id = await group_of(running_server, world.session_id)
    _, body = await http.call("GET", f"/api/groups/{group_id}/incidents", as_=world.lead)
    kinds = sorted(i["kind"] for i in body["incidents"])
    assert kinds == ["distress", "left_after_distress", "removal"]
    removal = next(i for i in body["incidents"] if i["kind"] == "removal")
    assert removal["actions"][0]["what"] == "removed by the lead"
    assert removal["actions"][0]["by"] == world.lead.id
