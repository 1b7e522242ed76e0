"""The admin word-list routes: save, validation (nothing saved), history, diff, revert, YAML
round trip, the try box (saved and draft lists), who may do what, and the audit trail; and a
save on one server process masking chat on another."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import yaml

from server import context
from server.settings import Settings
from server.storage.models import Session
from tests.conftest import REDIS_URL
from tests.integration.conftest import RunningServer, start_server
from tests.integration.helpers import StaffClient, seed_group_with_session, signed_in
from tests.integration.realtime.clients import Client
from tests.integration.realtime.seed import World, seed


@pytest.fixture
async def admin_and_lead(
    running_server: RunningServer,
) -> AsyncIterator[tuple[StaffClient, StaffClient, str]]:
    s = await seed_group_with_session(running_server.app)
    admin = await signed_in(running_server.base_url, s.admin_email, s.admin_password)
    lead = await signed_in(running_server.base_url, s.lead_email, s.lead_password)
    try:
        yield admin, lead, s.group_id
    finally:
        await admin.close()
        await lead.close()


async def test_save_history_diff_revert_and_audit(
    admin_and_lead: tuple[StaffClient, StaffClient, str],
) -> None:
    admin, lead, _ = admin_and_lead
    status, current = await admin.get("/api/wordlists")
    assert status == 200 and current["version"] == 0
    lists = current["lists"]
    lists["brand"]["terms"].append({"term": "zorblax", "aliases": ["zorb"], "note": "test"})
    status, saved = await admin.put(
        "/api/wordlists", {"lists": lists, "summary": "add zorblax", "base_version": 0}
    )
    assert status == 200 and saved["version"] == 1
    # a save against an old version is a conflict
    status, stale = await admin.put("/api/wordlists", {"lists": lists, "base_version": 0})
    assert status == 409 and stale["error"]["code"] == "conflict"

    status, tried = await admin.post("/api/wordlists/try", {"text": "my Zorb habit"})
    assert [(h["category"], h["text"], h["rule"]) for h in tried["hits"]] == [
        ("brand", "Zorb", "zorblax (as zorb)")
    ]
    status, history = await admin.get("/api/wordlists/history?scope=global")
    assert [(v["number"], v["summary"], v["created_by_name"]) for v in history["versions"]] == [
        (1, "add zorblax", admin.user["display_name"])
    ]
    status, diff = await admin.get("/api/wordlists/diff?scope=global&from=0&to=1")
    assert "terms: zorblax" in diff["changes"]["brand"]["added"]

    status, reverted = await admin.post("/api/wordlists/revert", {"scope": "global", "number": 0})
    assert status == 200 and reverted["version"] == 2
    _, tried = await admin.post("/api/wordlists/try", {"text": "my Zorb habit"})
    assert tried["hits"] == []

    _, audit = await admin.get("/api/audit")
    actions = [e["action"] for e in audit["entries"] if e["action"].startswith("trigger_lists")]
    assert actions == ["trigger_lists.revert", "trigger_lists.save"]

    # facilitators may not read or write the global lists, nor revert
    assert (await lead.get("/api/wordlists"))[0] == 403
    assert (await lead.put("/api/wordlists", {"lists": lists}))[0] == 403
    assert (await lead.post("/api/wordlists/revert", {"scope": "global", "number": 1}))[0] == 403


@pytest.mark.parametrize(
    ("term", "reason"),
    [
        ("", "empty term"),
        ("x" * 101, "over 100"),
        ("bet*365", "does not compile"),
    ],
)
async def test_bad_lists_are_refused_with_problems_and_nothing_saved(
    admin_and_lead: tuple[StaffClient, StaffClient, str], term: str, reason: str
) -> None:
    admin, _, _ = admin_and_lead
    _, current = await admin.get("/api/wordlists")
    lists = current["lists"]
    lists["venue"]["terms"].append({"term": term})
    status, answer = await admin.put("/api/wordlists", {"lists": lists})
    assert status == 400 and answer["error"]["code"] == "invalid_lists"
    assert answer["error"]["message"].startswith("Nothing was saved")
    assert any(reason in p["reason"] for p in answer["error"]["details"]["problems"])
    assert (await admin.get("/api/wordlists"))[1]["version"] == 0
    assert (await admin.get("/api/wordlists/history"))[1]["versions"] == []


async def test_more_than_5000_terms_in_a_category_is_refused(
    admin_and_lead: tuple[StaffClient, StaffClient, str],
) -> None:
    admin, _, _ = admin_and_lead
    _, current = await admin.get("/api/wordlists")
    lists = current["lists"]
    lists["brand"]["terms"] = [f"brandname{i}" for i in range(5001)]
    status, answer = await admin.put("/api/wordlists", {"lists": lists})
    assert status == 400
    assert any("more than 5000" in p["reason"] for p in answer["error"]["details"]["problems"])
    assert (await admin.get("/api/wordlists"))[1]["version"] == 0


async def test_yaml_export_import_round_trip_and_bad_yaml(
    running_server: RunningServer, admin_and_lead: tuple[StaffClient, StaffClient, str]
) -> None:
    admin, _, _ = admin_and_lead
    base = running_server.base_url
    async with admin.http.get(base + "/api/wordlists/venue.yaml") as response:
        assert response.status == 200
        assert response.content_type == "text/yaml"
        exported = await response.text()
    data = yaml.safe_load(exported)
    assert data["category"] == "venue"
    data["terms"].append({"term": "the blue parrot arcade"})
    headers = {"X-CSRF-Token": admin.csrf_token, "Content-Type": "text/yaml"}
    async with admin.http.put(
        base + "/api/wordlists/venue.yaml", data=yaml.safe_dump(data), headers=headers
    ) as response:
        assert response.status == 200, await response.text()
    async with admin.http.get(base + "/api/wordlists/venue.yaml") as response:
        again = yaml.safe_load(await response.text())
    assert again == data
    _, tried = await admin.post("/api/wordlists/try", {"text": "at the Blue Parrot Arcade"})
    assert [h["category"] for h in tried["hits"]] == ["venue"]
    _, audit = await admin.get("/api/audit")
    assert "trigger_lists.import" in [e["action"] for e in audit["entries"]]

    async with admin.http.put(
        base + "/api/wordlists/venue.yaml", data="terms: [ : :", headers=headers
    ) as response:
        body = await response.json()
        assert response.status == 400 and body["error"]["code"] == "invalid_lists"
    async with admin.http.put(
        base + "/api/wordlists/brand.yaml", data="category: venue\nterms: []\n", headers=headers
    ) as response:
        assert response.status == 400
    assert (await admin.get("/api/wordlists"))[1]["version"] == 1
    async with admin.http.get(base + "/api/wordlists/colour.yaml") as response:
        assert response.status == 404


async def test_try_box_with_a_draft_and_group_overrides_and_policy(
    admin_and_lead: tuple[StaffClient, StaffClient, str],
) -> None:
    admin, lead, group_id = admin_and_lead
    _, current = await admin.get("/api/wordlists")
    draft = current["lists"]
    draft["brand"]["terms"].append({"term": "quokkabet"})
    body: dict[str, Any] = {"text": "😀 quokkabet and bet365", "draft": {"lists": draft}}
    _, tried = await admin.post("/api/wordlists/try", body)
    assert [(h["text"], h["start"], h["start_utf16"]) for h in tried["hits"]] == [
        ("quokkabet", 2, 3),
        ("bet365", 16, 17),
    ]
    # the draft was not saved
    _, plain = await admin.post("/api/wordlists/try", {"text": "quokkabet"})
    assert plain["hits"] == []
    # a draft that does not compile says why
    draft["brand"]["terms"].append({"term": "a*b"})
    status, bad = await admin.post("/api/wordlists/try", body)
    assert status == 400 and bad["error"]["details"]["problems"]

    overrides = {
        "additions": {"brand": ["localbookie"]},
        "removals": {"brand": ["bet365"]},
        "exceptions": {},
    }
    status, saved = await admin.put(
        f"/api/groups/{group_id}/wordlists", {"overrides": overrides, "summary": "local"}
    )
    assert status == 200 and saved["version"] == 1
    # the group's facilitator reads the overrides and tries messages against their group
    status, read = await lead.get(f"/api/groups/{group_id}/wordlists")
    assert status == 200 and read["overrides"]["additions"] == {"brand": ["localbookie"]}
    assert read["trigger_policy"] == "mask"
    _, tried = await lead.post(
        "/api/wordlists/try", {"text": "localbookie not bet365", "group_id": group_id}
    )
    assert [h["text"] for h in tried["hits"]] == ["localbookie"]
    assert tried["masked"].startswith("▇▇▇▇")
    # but may not save, nor try without a group
    assert (await lead.put(f"/api/groups/{group_id}/wordlists", {"overrides": overrides}))[0] == 403
    assert (await lead.post("/api/wordlists/try", {"text": "x"}))[0] == 403
    bad_overrides = {"additions": {"brand": [""]}}
    status, refused = await admin.put(
        f"/api/groups/{group_id}/wordlists", {"overrides": {"additions": {"colour": ["x"]}}}
    )
    assert status == 400
    status, refused = await admin.put(
        f"/api/groups/{group_id}/wordlists", {"overrides": bad_overrides}
    )
    assert status == 400 and refused["error"]["code"] == "invalid_lists"
    assert (await admin.get(f"/api/wordlists/history?scope={group_id}"))[1]["versions"][0][
        "number"
    ] == 1


# --- two processes ---------------------------------------------------------------------------


@pytest.fixture
async def two_servers(
    require_redis: None, require_postgres: None, server_settings: Settings
) -> AsyncIterator[tuple[RunningServer, RunningServer]]:
    settings = dataclasses.replace(server_settings, redis_url=REDIS_URL)
    started = []
    try:
        for name in ("a", "b"):
            started.append(
                await start_server(dataclasses.replace(settings, data_dir=settings.data_dir / name))
            )
        yield started[0][1], started[1][1]
    finally:
        for server, _ in reversed(started):
            await server.close()


@pytest.mark.redis
# two processes share one PostgreSQL database, as in a scaled-out deployment
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_list_saved_on_one_process_masks_chat_on_another(
    two_servers: tuple[RunningServer, RunningServer],
) -> None:
    a, b = two_servers
    world: World = await seed(a.app)
    async with a.app[context.DB]() as db:
        group_id = (await db.get(Session, world.session_id)).group_id  # type: ignore[union-attr]
    # wait on B's bus: it has heard the save when its matcher for the group was rebuilt
    heard = asyncio.Event()

    async def on_change(message: dict[str, Any]) -> None:
        heard.set()

    b.app[context.TRIGGERS]._bus.subscribe("trigger_lists", on_change)
    await b.app[context.TRIGGERS].matcher_for_group(group_id)  # B has compiled the old lists

    clients: list[Client] = []
    try:
        lead = Client(b.base_url)
        peer = Client(b.base_url)
        clients += [lead, peer]
        await lead.connect(world.session_id, headers=world.lead.cookie)
        assert (await lead.call("session:join"))["ok"]
        assert (await lead.call("session:open_lobby"))["ok"]
        await peer.connect(world.session_id, member_token=world.peers[0].token)
        assert (await peer.call("session:join"))["ok"]
        assert (await peer.call("lobby:accept_rules"))["ok"]
        assert (await peer.call("lobby:enter"))["ok"]
        assert (await lead.call("lobby:admit", {"member_id": world.peers[0].id}))["ok"]
        await peer.next("lobby:admitted")
        before = await peer.call("chat:send", {"text": "I miss wombatspin"})
        assert before["message"]["text"] == "I miss wombatspin"

        async with (
            aiohttp.ClientSession() as http,
            http.put(
                f"{a.base_url}/api/groups/{group_id}/wordlists",
                json={"overrides": {"additions": {"brand": ["wombatspin"]}}},
                headers={**world.admin.cookie, "X-CSRF-Token": "c"},
            ) as response,
        ):
            assert response.status == 200
        await asyncio.wait_for(heard.wait(), 2)
        after = await peer.call("chat:send", {"text": "I miss wombatspin"})
        assert after["message"]["text"] == "I miss ▇▇▇▇▇▇▇▇▇▇"
        alert = await lead.next("trigger:alert")
        assert alert["text"] == "I miss wombatspin"
    finally:
        for client in clients:
            await client.close()
