"""Incident notes, erasure, group safety settings, signposting, and the feature hooks."""

from __future__ import annotations

from sqlalchemy import select

from server import context
from server.realtime.namespace import RUNTIME
from server.services import support
from server.storage.models import Member, SafeguardingContact
from tests.integration.conftest import RunningServer
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import admitted_peer, lead_with_open_lobby
from tests.integration.realtime.seed import World
from tests.integration.safetyflow.conftest import Http, group_of, set_group_settings


async def test_notes_by_the_groups_facilitators_and_admins(
    world: World, connect: Connect, http: Http, running_server: RunningServer
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    incident_id = (await peer.call("support:request"))["incident_id"]
    path = f"/api/incidents/{incident_id}/note"

    status, body = await http.call("PUT", path, {"note": "Called Peer0, all fine."}, as_=world.co)
    assert status == 200 and body["incident"]["note"] == "Called Peer0, all fine."
    assert body["incident"]["note_by"] == world.co.id
    status, body = await http.call("PUT", path, {"note": "nosy"}, as_=world.other_lead)
    assert status == 403
    status, _ = await http.call("PUT", path, {"note": ""}, as_=world.lead)
    assert status == 400
    status, body = await http.call("PUT", path, {"note": "Admin checked."}, as_=world.admin)
    assert status == 200

    group_id = await group_of(running_server, world.session_id)
    status, body = await http.call(
        "GET", f"/api/groups/{group_id}/incidents?session_id={world.session_id}", as_=world.admin
    )
    assert status == 200 and body["incidents"][0]["note"] == "Admin checked."
    status, _ = await http.call("GET", f"/api/groups/{group_id}/incidents", as_=world.other_lead)
    assert status == 403


async def test_erasure_removes_personal_data_and_keeps_counts(
    world: World, connect: Connect, http: Http, running_server: RunningServer
) -> None:
    group_id = await set_group_settings(running_server, world.session_id, contact_policy="optional")
    lead = await lead_with_open_lobby(connect, world)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    assert (await peer.call("contact:save", {"phone": "07700900123"}))["ok"]
    assert (await peer.call("support:request"))["ok"]
    assert (await lead.call("participant:remove", {"member_id": world.peers[0].id}))["ok"]
    incidents_path = f"/api/groups/{group_id}/incidents"
    _, before = await http.call("GET", incidents_path, as_=world.lead)

    status, body = await http.call("GET", f"/api/groups/{group_id}/members", as_=world.admin)
    assert status == 200
    listed = next(m for m in body["members"] if m["id"] == world.peers[0].id)
    assert listed["has_contact"] is True and listed["erased"] is False

    erase = f"/api/members/{world.peers[0].id}/erase"
    status, _ = await http.call("POST", erase, as_=world.lead)
    assert status == 403
    status, body = await http.call("POST", erase, as_=world.admin)
    assert status == 200, body
    status, _ = await http.call("POST", "/api/members/nobody/erase", as_=world.admin)
    assert status == 404

    _, after = await http.call("GET", incidents_path, as_=world.lead)
    assert (
        after["counts"]
        == before["counts"]
        == {
            "distress": 1,
            "removal": 1,
            "left_after_distress": 1,
        }
    )
    assert "Peer0" not in str(after["incidents"])
    async with running_server.app[context.DB]() as db:
        member = await db.get(Member, world.peers[0].id)
        assert member is not None and member.pseudonym == "Erased member"
        contact = await db.scalar(
            select(SafeguardingContact).where(SafeguardingContact.member_id == member.id)
        )
        assert contact is None


async def test_group_form_edits_safety_settings(world: World, http: Http) -> None:
    status, body = await http.call(
        "POST",
        "/api/groups",
        {
            "name": "Safe group",
            "contact_policy": "required",
            "retention_days": 30,
            "breach_policy": {"mute_after": 2, "remove_after": 4},
        },
        as_=world.admin,
    )
    assert status == 200, body
    group = body["group"]
    assert (group["contact_policy"], group["retention_days"]) == ("required", 30)
    assert group["breach_policy"] == {"mute_after": 2, "remove_after": 4}
    path = f"/api/groups/{group['id']}"
    status, body = await http.call(
        "PATCH", path, {"breach_policy": {"mute_after": 3, "remove_after": 2}}, as_=world.admin
    )
    assert status == 400 and body["error"]["code"] == "invalid_settings"
    status, body = await http.call("PATCH", path, {"retention_days": 0}, as_=world.admin)
    assert status == 400 and body["error"]["code"] == "invalid_settings"
    status, body = await http.call("PATCH", path, {"contact_policy": "maybe"}, as_=world.admin)
    assert status == 400 and body["error"]["code"] == "bad_request"
    status, body = await http.call("PATCH", path, {"contact_policy": "off"}, as_=world.admin)
    assert status == 200
    assert body["group"]["contact_policy"] == "off"
    assert body["group"]["retention_days"] == 30  # untouched fields stay


async def test_signposting_is_public_and_admins_edit_it(
    world: World, connect: Connect, http: Http
) -> None:
    status, body = await http.call("GET", "/api/signposting")
    assert status == 200
    assert body["helpline"]["phone"] == "0808 8020 133" and body["resources"] == []

    resources = [
        {"name": "Samaritans", "description": "Any time", "phone": "116 123", "crisis": True},
        {"name": "GamCare", "description": "Live chat", "url": "https://www.gamcare.org.uk/"},
    ]
    status, _ = await http.call("PUT", "/api/signposting", {"resources": resources}, as_=world.lead)
    assert status == 403
    status, _ = await http.call("PUT", "/api/signposting", {"resources": resources})
    assert status == 401
    bad = [{"name": "Nowhere"}]
    status, body = await http.call("PUT", "/api/signposting", {"resources": bad}, as_=world.admin)
    assert status == 400 and body["error"]["code"] == "resource_invalid"
    status, body = await http.call(
        "PUT", "/api/signposting", {"resources": resources}, as_=world.admin
    )
    assert status == 200
    status, body = await http.call("GET", "/api/signposting")
    assert [r["name"] for r in body["resources"]] == ["Samaritans", "GamCare"]

    lead = await lead_with_open_lobby(connect, world)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    ack = (await peer.call("support:request"))["acknowledgement"]
    assert [r["name"] for r in ack["resources"]] == ["Samaritans"]  # crisis resources only


async def test_breakout_and_held_message_hooks(
    world: World, connect: Connect, http: Http, running_server: RunningServer
) -> None:
    rt = running_server.app[RUNTIME]
    lead = await lead_with_open_lobby(connect, world)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    member_id = world.peers[0].id

    held = await support.record_held_message(rt, world.session_id, member_id, ["brand", "amount"])
    recorded = await lead.next("incident:recorded")
    assert recorded["incident"]["id"] == held
    assert recorded["incident"]["actions"][0]["what"] == "message held back (amount, brand)"

    opened = await support.record_breakout_opened(rt, world.session_id, member_id, world.co.id)
    await support.record_breakout_closed(rt, world.session_id, member_id, world.co.id)
    await support.record_breakout_opened(rt, world.session_id, member_id, world.co.id)
    await peer.close()
    prompt = await lead.next("safety:follow_up")
    assert prompt["reason"] == "left_during_breakout"

    group_id = await group_of(running_server, world.session_id)
    _, body = await http.call("GET", f"/api/groups/{group_id}/incidents", as_=world.lead)
    assert body["counts"] == {"held_message": 1, "breakout": 2, "left_after_distress": 1}
    first = next(i for i in body["incidents"] if i["id"] == opened)
    assert [a["what"] for a in first["actions"]] == [
        "moved to a breakout",
        "returned from the breakout",
    ]
