"""Ground-rule breaches: a private reminder, then mute, then removal, per the group's policy."""

from __future__ import annotations

from tests.integration.conftest import RunningServer
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import admitted_peer, join_staff, lead_with_open_lobby
from tests.integration.realtime.seed import World
from tests.integration.safetyflow.conftest import Http, set_group_settings


async def test_breach_reminds_privately_then_mutes_then_removes(
    world: World, connect: Connect, http: Http, running_server: RunningServer
) -> None:
    group_id = await set_group_settings(
        running_server, world.session_id, breach_policy={"mute_after": 2, "remove_after": 3}
    )
    lead = await lead_with_open_lobby(connect, world)
    co = await join_staff(connect, world.session_id, world.co)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    other = await admitted_peer(connect, world, lead, world.peers[1])
    member_id = world.peers[0].id
    sent = await peer.call("chat:send", {"text": "I won big at a named casino"})
    message_id = sent["message"]["id"]

    first = await lead.call(
        "breach:mark", {"member_id": member_id, "rule": 1, "message_id": message_id}
    )
    assert first["ok"] and first["action"] == "remind" and first["breach_count"] == 1
    reminder = await peer.next("breach:reminder")
    assert reminder["rule_text"] == "No naming venues or brands."
    assert reminder["action"] == "remind" and "gentle reminder" in reminder["message"]
    recorded = await co.next("breach:recorded")
    assert recorded["pseudonym"] == "Peer0" and recorded["by_name"] == "Lena"
    # the reminder is private: a message after it reached the other peer, the reminder did not
    assert (await lead.call("chat:send", {"text": "marker one"}))["ok"]
    await other.next_matching("chat:message", lambda m: m["text"] == "marker one")
    assert other.pending("breach:reminder") == [] and other.pending("breach:recorded") == []
    assert peer.pending("breach:recorded") == []

    second = await co.call("breach:mark", {"member_id": member_id, "rule": 0})
    assert second["action"] == "mute" and second["breach_count"] == 2
    assert (await peer.next("breach:reminder"))["action"] == "mute"
    muted = await peer.call("chat:send", {"text": "hello?"})
    assert muted["ok"] is False and muted["error"]["code"] == "chat_muted"
    assert "still listen" in muted["error"]["message"]
    assert (await other.call("chat:send", {"text": "others still chat"}))["ok"]
    assert (await lead.call("chat:send", {"text": "staff still chat"}))["ok"]

    third = await lead.call("breach:mark", {"member_id": member_id, "rule": 0})
    assert third["action"] == "remove" and third["breach_count"] == 3
    assert (await peer.next("breach:reminder"))["action"] == "remove"
    await peer.next("session:removed")

    status, body = await http.call("GET", f"/api/groups/{group_id}/incidents", as_=world.lead)
    assert status == 200
    assert body["counts"] == {"breach": 3, "removal": 1}
    marked = [i for i in body["incidents"] if i["kind"] == "breach"]
    assert {i["rule"]["index"] for i in marked} == {0, 1}
    assert "casino" not in str(body)  # chat text is never stored
    removal = next(i for i in body["incidents"] if i["kind"] == "removal")
    assert "breach 3" in removal["actions"][0]["what"]


async def test_breach_policy_default_only_reminds(
    world: World, connect: Connect, running_server: RunningServer
) -> None:
    await set_group_settings(running_server, world.session_id)
    lead = await lead_with_open_lobby(connect, world)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    for _ in range(4):
        answer = await lead.call("breach:mark", {"member_id": world.peers[0].id, "rule": 0})
        assert answer["action"] == "remind"
    assert (await peer.call("chat:send", {"text": "still here"}))["ok"]


async def test_breach_marking_is_checked(
    world: World, connect: Connect, running_server: RunningServer
) -> None:
    await set_group_settings(running_server, world.session_id)
    lead = await lead_with_open_lobby(connect, world)
    standby = await join_staff(connect, world.session_id, world.standby)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    target = {"member_id": world.peers[0].id, "rule": 0}
    for client in (standby, peer):
        answer = await client.call("breach:mark", target)
        assert answer["ok"] is False and answer["error"]["code"] == "forbidden"
    no_rule = await lead.call("breach:mark", {**target, "rule": 7})
    assert no_rule["error"]["code"] == "invalid_rule"
    outsider = await lead.call("breach:mark", {"member_id": world.outsider.id, "rule": 0})  # type: ignore[union-attr]
    assert outsider["error"]["code"] == "not_found"
    not_theirs = await lead.call("breach:mark", {**target, "message_id": "nope"})
    assert not_theirs["error"]["code"] == "message_not_found"
    for bad in ({"member_id": world.peers[0].id}, {**target, "rule": -1}, {**target, "x": 1}):
        assert (await lead.call("breach:mark", bad))["error"]["code"] == "bad_request"
