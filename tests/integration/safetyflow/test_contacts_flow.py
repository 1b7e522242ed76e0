"""Safeguarding contact in the peer flow, and the audited view for the group's facilitators."""

from __future__ import annotations

from tests.integration.conftest import RunningServer
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import join_peer, lead_with_open_lobby
from tests.integration.realtime.seed import World
from tests.integration.safetyflow.conftest import Http, audit_actions, set_group_settings


async def test_required_contact_blocks_the_lobby_until_given(
    world: World, connect: Connect, running_server: RunningServer
) -> None:
    await set_group_settings(running_server, world.session_id, contact_policy="required")
    lead = await lead_with_open_lobby(connect, world)
    peer, _ = await join_peer(connect, world.session_id, world.peers[0])
    assert (await peer.call("lobby:accept_rules"))["ok"]
    assert await peer.call("contact:status") == {
        "ok": True,
        "contact_policy": "required",
        "has_contact": False,
    }

    refused = await peer.call("lobby:enter")
    assert refused["ok"] is False and refused["error"]["code"] == "contact_required"
    assert "reach you" in refused["error"]["message"]

    bad = await peer.call("contact:save", {"phone": "not a number"})
    assert bad["ok"] is False and bad["error"]["code"] == "invalid_contact"
    empty = await peer.call("contact:save", {"region": "Leeds"})
    assert empty["ok"] is False and empty["error"]["code"] == "invalid_contact"
    assert (await peer.call("lobby:enter"))["error"]["code"] == "contact_required"

    saved = await peer.call("contact:save", {"email": "sam@example.org", "region": "Leeds"})
    assert saved == {"ok": True, "has_contact": True}
    assert await peer.call("lobby:enter") == {"ok": True, "status": "waiting"}
    waiting = await lead.next_matching("lobby:updated", lambda p: p["waiting"])
    assert [w["member_id"] for w in waiting["waiting"]] == [world.peers[0].id]


async def test_optional_contact_can_be_skipped_and_off_collects_nothing(
    world: World, connect: Connect, running_server: RunningServer
) -> None:
    await lead_with_open_lobby(connect, world)
    peer, _ = await join_peer(connect, world.session_id, world.peers[0])
    assert (await peer.call("contact:status"))["contact_policy"] == "off"
    off = await peer.call("contact:save", {"phone": "07700900123"})
    assert off["ok"] is False and off["error"]["code"] == "contacts_off"

    await set_group_settings(running_server, world.session_id, contact_policy="optional")
    assert (await peer.call("lobby:accept_rules"))["ok"]
    assert await peer.call("lobby:enter") == {"ok": True, "status": "waiting"}


async def test_contact_view_is_for_the_groups_facilitators_and_audited(
    world: World, connect: Connect, http: Http, running_server: RunningServer
) -> None:
    await set_group_settings(running_server, world.session_id, contact_policy="optional")
    peer, _ = await join_peer(connect, world.session_id, world.peers[0])
    assert (await peer.call("contact:save", {"phone": "07700 900123", "region": "Leeds"}))["ok"]
    member_id = world.peers[0].id
    path = f"/api/members/{member_id}/contact/view"

    status, body = await http.call("POST", path, {"reason": "left after distress"}, as_=world.co)
    assert status == 200
    assert body["contact"] == {"phone": "07700900123", "email": None, "region": "Leeds"}

    for outsider in (world.other_lead, world.admin):
        status, body = await http.call("POST", path, {"reason": "curious"}, as_=outsider)
        assert status == 403 and body["error"]["code"] == "forbidden"
        assert "phone" not in str(body)
    status, body = await http.call("POST", path, {"reason": "no cookie"})
    assert status == 401
    status, body = await http.call("POST", path, {}, as_=world.lead)
    assert status == 400 and body["error"]["code"] == "bad_request"

    actions = await audit_actions(running_server, member_id)
    assert actions == [
        ("contact.saved", member_id),
        ("contact.view", world.co.id),
        ("contact.view_refused", world.other_lead.id),
        ("contact.view_refused", world.admin.id),
    ]


async def test_staff_cannot_save_contacts_and_a_peer_can_withdraw(
    world: World, connect: Connect, running_server: RunningServer
) -> None:
    await set_group_settings(running_server, world.session_id, contact_policy="optional")
    lead = await lead_with_open_lobby(connect, world)
    refused = await lead.call("contact:save", {"phone": "07700900123"})
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    peer, _ = await join_peer(connect, world.session_id, world.peers[0])
    assert (await peer.call("contact:save", {"phone": "07700900123"}))["ok"]
    assert (await peer.call("contact:delete"))["has_contact"] is False
