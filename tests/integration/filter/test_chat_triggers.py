"""Trigger language in live chat, through real socket.io clients: mask, hold, alert, the
facilitators' own messages, and the session's hit counts."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from rules.matcher import MASK_CHAR
from server import context
from server.storage.models import Session
from tests.integration.conftest import RunningServer
from tests.integration.realtime.clients import Client
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import admitted_peer, join_staff, lead_with_open_lobby
from tests.integration.realtime.seed import Person, World

FLAGGED = "😀 I lost £500 on bet365 last night"
MASKED = "😀 I lost " + MASK_CHAR * 4 + " on " + MASK_CHAR * 6 + " last night"


async def set_policy(server: RunningServer, world: World, policy: str) -> dict[str, Any]:
    async with server.app[context.DB]() as db:
        group_id = (await db.get(Session, world.session_id)).group_id  # type: ignore[union-attr]
    admin = world.admin
    async with (
        aiohttp.ClientSession() as http,
        http.patch(
            f"{server.base_url}/api/groups/{group_id}",
            json={"trigger_policy": policy},
            headers={**admin.cookie, "X-CSRF-Token": "c"},
        ) as response,
    ):
        body = await response.json()
    return {"status": response.status, **body}


async def stats(server: RunningServer, world: World, person: Person) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{server.base_url}/api/sessions/{world.session_id}/trigger-stats",
            headers=person.cookie,
        ) as response,
    ):
        assert response.status == 200
        return dict(await response.json())


async def room(connect: Connect, world: World) -> tuple[Client, Client, Client, Client]:
    """Lead and co in the room, two admitted peers."""
    lead = await lead_with_open_lobby(connect, world)
    co = await join_staff(connect, world.session_id, world.co)
    a = await admitted_peer(connect, world, lead, world.peers[0])
    b = await admitted_peer(connect, world, lead, world.peers[1])
    return lead, co, a, b


async def test_mask_peer_b_gets_masked_text_sender_a_reminder_facilitators_the_original(
    running_server: RunningServer, world: World, connect: Connect
) -> None:
    lead, co, a, b = await room(connect, world)
    sent = await a.call("chat:send", {"text": FLAGGED})
    assert sent["ok"] and sent["message"]["text"] == MASKED

    received = await b.next("chat:message")
    assert received["text"] == MASKED
    assert "bet365" not in str(received) and "£500" not in str(received)

    reminder = await a.next("trigger:reminder")
    assert reminder["outcome"] == "masked" and reminder["text"] == FLAGGED
    assert "Don't mention amounts, brands or places" in reminder["ground_rule"]
    assert [
        (s["category"], s["start"], s["end"], s["start_utf16"], s["end_utf16"])
        for s in reminder["spans"]
    ] == [("amount", 9, 13, 10, 14), ("brand", 17, 23, 18, 24)]
    assert "😀 I lost £500 on bet365"[9:13] == "£500"

    for staff in (lead, co):
        alert = await staff.next("trigger:alert")
        assert alert["text"] == FLAGGED and alert["message_id"] == sent["message"]["id"]
        assert alert["categories"] == ["amount", "brand"]
        assert alert["sender_name"] == world.peers[0].name and alert["delivered"] == "masked"
    # the reminder went to the sender only, the alert to staff only; history keeps the mask
    assert b.pending("trigger:reminder") == [] and b.pending("trigger:alert") == []
    assert a.pending("trigger:alert") == []
    joined = await (await join_staff(connect, world.session_id, world.standby)).call("session:join")
    assert [m["text"] for m in joined["room"]["chat"]] == [MASKED]


async def test_an_unflagged_message_goes_out_as_written_without_alerts(
    running_server: RunningServer, world: World, connect: Connect
) -> None:
    lead, _co, a, b = await room(connect, world)
    sent = await a.call("chat:send", {"text": "I went for a walk instead"})
    assert (await b.next("chat:message"))["text"] == "I went for a walk instead"
    await lead.next_matching("chat:message", lambda m: m["id"] == sent["message"]["id"])
    assert lead.pending("trigger:alert") == [] and a.pending("trigger:reminder") == []


async def test_hold_nothing_reaches_peers_until_approved_then_as_the_facilitator_chose(
    running_server: RunningServer, world: World, connect: Connect
) -> None:
    assert (await set_policy(running_server, world, "hold"))["group"]["trigger_policy"] == "hold"
    lead, co, a, b = await room(connect, world)

    sent = await a.call("chat:send", {"text": FLAGGED})
    assert sent["ok"] and sent["message"] is None
    held_id = sent["held"]["held_id"]
    reminder = await a.next("trigger:reminder")
    assert reminder["outcome"] == "held" and reminder["held_id"] == held_id
    held = await co.next("trigger:held")
    assert held["held_id"] == held_id and held["text"] == FLAGGED
    assert held["masked_text"] == MASKED
    # a held message is an incident: categories, never the text
    incident = (
        await co.next_matching(
            "incident:recorded", lambda e: e["incident"]["kind"] == "held_message"
        )
    )["incident"]
    assert "brand" in incident["actions"][0]["what"]
    assert FLAGGED not in str(incident)

    # a later, harmless message overtakes it: b never saw the held one
    await a.call("chat:send", {"text": "sorry, rephrasing"})
    assert (await b.next("chat:message"))["text"] == "sorry, rephrasing"
    assert b.pending("chat:message") == []
    # a facilitator reconnecting still sees what waits
    again = await join_staff(connect, world.session_id, world.standby)
    assert [h["held_id"] for h in (await again.call("session:join"))["held"]] == [held_id]
    # standby may not release it
    refused = await again.call("trigger:approve", {"held_id": held_id})
    assert refused["error"]["code"] == "forbidden"

    approved = await lead.call("trigger:approve", {"held_id": held_id, "masked": True})
    assert approved["ok"] and approved["message"]["text"] == MASKED
    assert (await b.next("chat:message"))["text"] == MASKED
    decided = await a.next("trigger:decided")
    assert decided["decision"] == "approved" and decided["delivered"] == "masked"
    resolved = await co.next("trigger:resolved")
    assert resolved["held_id"] == held_id and resolved["decision"] == "approved"
    # deciding twice is refused
    twice = await co.call("trigger:reject", {"held_id": held_id})
    assert twice["error"]["code"] == "not_held"

    # as written, this time
    second = await a.call("chat:send", {"text": "bet365 again"})
    await co.next_matching("trigger:held", lambda h: h["held_id"] == second["held"]["held_id"])
    assert (await co.call("trigger:approve", {"held_id": second["held"]["held_id"]}))["ok"]
    assert (await b.next("chat:message"))["text"] == "bet365 again"


async def test_hold_rejected_message_never_reaches_peers_and_the_sender_is_told_kindly(
    running_server: RunningServer, world: World, connect: Connect
) -> None:
    await set_policy(running_server, world, "hold")
    lead, _co, a, b = await room(connect, world)
    sent = await a.call("chat:send", {"text": FLAGGED})
    held_id = sent["held"]["held_id"]
    await lead.next("trigger:held")
    assert (await lead.call("trigger:reject", {"held_id": held_id})) == {"ok": True}
    decided = await a.next("trigger:decided")
    assert decided["decision"] == "rejected" and "welcome" in decided["message"]
    await a.call("chat:send", {"text": "ok, thanks"})
    assert (await b.next("chat:message"))["text"] == "ok, thanks"
    assert b.pending("chat:message") == []
    assert (await stats(running_server, world, world.lead))["held_waiting"] == 0


async def test_alert_only_delivers_as_written_and_alerts_facilitators(
    running_server: RunningServer, world: World, connect: Connect
) -> None:
    await set_policy(running_server, world, "alert")
    lead, _co, a, b = await room(connect, world)
    sent = await a.call("chat:send", {"text": FLAGGED})
    assert (await b.next("chat:message"))["text"] == FLAGGED
    alert = await lead.next("trigger:alert")
    assert alert["delivered"] == "as_written" and alert["message_id"] == sent["message"]["id"]
    assert a.pending("trigger:reminder") == []


@pytest.mark.parametrize("policy", ["mask", "hold"])
async def test_a_facilitators_message_is_never_held_but_masked_and_the_other_is_alerted(
    running_server: RunningServer, world: World, connect: Connect, policy: str
) -> None:
    await set_policy(running_server, world, policy)
    lead, co, _a, b = await room(connect, world)
    sent = await lead.call("chat:send", {"text": FLAGGED})
    assert sent["message"] is not None and sent["message"]["text"] == MASKED
    assert (await b.next("chat:message"))["text"] == MASKED
    alert = await co.next("trigger:alert")
    assert alert["sender_role"] == "lead" and alert["text"] == FLAGGED
    assert (await lead.next("trigger:reminder"))["outcome"] == "masked"
    assert co.pending("trigger:held") == []


async def test_hit_counts_per_category_are_kept_for_facilitators_only(
    running_server: RunningServer, world: World, connect: Connect
) -> None:
    lead, _co, a, _b = await room(connect, world)
    await a.call("chat:send", {"text": FLAGGED})
    await a.call("chat:send", {"text": "went to the Grosvenor casino"})
    await a.call("chat:send", {"text": "a quiet evening"})
    await lead.next("trigger:alert")
    await lead.next("trigger:alert")
    found = await stats(running_server, world, world.lead)
    assert found["counts"] == {"amount": 1, "brand": 2, "venue": 0}
    assert found["messages_flagged"] == 2 and found["held_waiting"] == 0
    assert "bet365" not in str(found)
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{running_server.base_url}/api/sessions/{world.session_id}/trigger-stats",
            headers=world.other_lead.cookie,
        ) as response,
    ):
        assert response.status == 404


async def test_a_bad_policy_is_refused(running_server: RunningServer, world: World) -> None:
    answer = await set_policy(running_server, world, "delete")
    assert answer["status"] == 400 and answer["error"]["code"] == "bad_policy"
