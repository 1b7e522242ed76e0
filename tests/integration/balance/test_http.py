"""Talk time over HTTP for the session's facilitators, the summary kept at the end (JSON, CSV,
SVG), and balancing thresholds edited with the group."""

from __future__ import annotations

import csv
import io
from typing import Any

import aiohttp

from server import context
from server.storage.models import SessionSummary
from tests.integration.balance.flows import live_session
from tests.integration.conftest import RunningServer, SteppedClock
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.seed import Person, World


async def _get(
    server: RunningServer, path: str, person: Person | None = None
) -> tuple[int, Any, str]:
    headers = person.cookie if person is not None else {}
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.base_url + path, headers=headers) as response,
    ):
        text = await response.text()
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body, response.content_type + "|" + text


async def test_talk_time_json_for_the_groups_facilitators_only(
    running_server: RunningServer, world: World, connect: Connect, clock: SteppedClock
) -> None:
    live = await live_session(running_server, world, connect, clock)
    await live.speak(1, 12)
    clock.step(2)
    path = f"/api/sessions/{world.session_id}/talk-time"
    for person in (world.lead, world.co, world.standby):
        status, body, _ = await _get(running_server, path, person)
        assert status == 200, body
        main = body["rooms"]["main"]
        row = next(m for m in main["members"] if m["member"] == world.peers[1].id)
        assert row["total_ms"] == 12_000 and main["fair_share_ms"] == 6_000
        assert body["names"][world.peers[1].id] == "Peer1"
        assert body["balancing"]["round_turn_s"] == 360
    for outsider in (world.other_lead, world.admin):
        status, body, _ = await _get(running_server, path, outsider)
        assert status == 404 and body["error"]["code"] == "not_found"
    status, body, _ = await _get(running_server, path)
    assert status == 401 and body["error"]["code"] == "not_signed_in"
    # a peer's member token is no sign-in
    peer_cookie = Person("x", "x", world.peers[0].token)
    status, _, _ = await _get(running_server, path, peer_cookie)
    assert status == 401
    status, _, _ = await _get(running_server, "/api/sessions/nope/talk-time", world.lead)
    assert status == 404


async def test_summary_is_kept_at_the_end_and_served(
    running_server: RunningServer, world: World, connect: Connect, clock: SteppedClock
) -> None:
    live = await live_session(running_server, world, connect, clock)
    base = f"/api/sessions/{world.session_id}/summary"
    status, body, _ = await _get(running_server, base, world.lead)
    assert status == 409 and body["error"]["code"] == "not_ended"
    await live.speak(0, 40)
    clock.step(2)
    await live.speak(1, 10)
    clock.step(2)
    assert (await live.lead.call("round:start", {"kind": "check_out"}))["ok"]
    assert (await live.lead.call("round:next"))["ok"]
    assert (await live.lead.call("round:next"))["round"]["ended"] is True
    assert (await live.lead.call("chat:send", {"text": "a private chat line"}))["ok"]
    assert (await live.lead.call("session:end"))["ok"]

    async with running_server.app[context.DB]() as db:
        stored = await db.get(SessionSummary, world.session_id)
    assert stored is not None and "a private chat line" not in str(stored.data)

    status, body, _ = await _get(running_server, base, world.co)
    assert status == 200
    summary = body["summary"]
    rows = {r["name"]: r for r in summary["rooms"]["main"]["members"]}
    assert rows["Peer0"]["total_ms"] == 40_000 and rows["Peer1"]["total_ms"] == 10_000
    assert rows["Peer0"]["share"] == 0.8
    assert [r["kind"] for r in summary["rounds"]] == ["check_out"]
    assert [o["name"] for o in summary["rounds"][0]["outcomes"]] == ["Peer0", "Peer1"]
    assert summary["cues"]["count"] == 0

    status, _, text = await _get(running_server, base + ".csv", world.lead)
    kind, content = text.split("|", 1)
    assert status == 200 and kind == "text/csv"
    table = list(csv.DictReader(io.StringIO(content)))
    assert {r["name"]: r["total_s"] for r in table if r["kind"] == "peer"} == {
        "Peer0": "40",
        "Peer1": "10",
    }
    status, _, text = await _get(running_server, base + ".svg", world.lead)
    kind, svg = text.split("|", 1)
    assert status == 200 and kind == "image/svg+xml"
    assert "<title" in svg and "<desc" in svg and "Peer0 (peer): 0 min 40 s" in svg
    status, _, _ = await _get(running_server, base + ".svg", world.other_lead)
    assert status == 404
    status, _, _ = await _get(running_server, base + ".csv")
    assert status == 401


async def test_balancing_thresholds_are_edited_with_the_group(
    running_server: RunningServer, world: World
) -> None:
    async with running_server.app[context.DB]() as db:
        from server.storage.models import Session

        session = await db.get(Session, world.session_id)
        assert session is not None
        group_id = session.group_id
    headers = {**world.admin.cookie, "X-CSRF-Token": "c"}
    url = f"{running_server.base_url}/api/groups/{group_id}"
    async with aiohttp.ClientSession() as http:
        async with http.patch(
            url, json={"balancing": {"long_turn_s": 240, "dominance_share": 0.4}}, headers=headers
        ) as response:
            body = await response.json()
        assert response.status == 200, body
        assert body["group"]["balancing"]["long_turn_s"] == 240
        assert body["group"]["balancing"]["dominance_share"] == 0.4
        assert body["group"]["balancing"]["quiet_alert_s"] == 900  # default kept
        async with http.patch(
            url, json={"balancing": {"long_turn_s": None}}, headers=headers
        ) as response:
            body = await response.json()
        assert body["group"]["balancing"]["long_turn_s"] == 360  # back to the default
        assert body["group"]["balancing"]["dominance_share"] == 0.4
        for bad in (
            {"long_turn_s": 5},
            {"dominance_share": 2},
            {"loudness": 3},
            {"long_turn_s": "long"},
        ):
            async with http.patch(url, json={"balancing": bad}, headers=headers) as response:
                body = await response.json()
            assert response.status == 400, bad
            assert body["error"]["code"] in ("bad_balancing_setting", "bad_request"), body
