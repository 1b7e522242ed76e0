"""Support and breaches in real browsers against the real server process.

The setup (accounts, group, session, invite) goes through the HTTP API, which the foundation
flow already covers in the browser. Then: a peer joins through the invite and the lobby, presses
"I need support" and sees the acknowledgement with the helpline; the lead's console shows the
alert; the lead marks a breach on the peer's chat message and the peer sees the reminder.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from playwright.async_api import expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_foundation_flow import (
    LAPTOP,
    PHONE,
    assert_controls_named,
    assert_peer_screen,
    sign_in,
)

pytestmark = pytest.mark.browser

NEW_PASSWORD = "steady tide compass 31"


class Api:
    def __init__(self, base: str) -> None:
        self.base = base
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""

    async def call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        async with self.http.request(
            method, self.base + path, json=body, headers={"X-CSRF-Token": self.csrf}
        ) as response:
            data = await response.json()
        assert response.status == 200, (path, data)
        return data

    async def sign_in(self, email: str, password: str) -> None:
        self.csrf = (
            await self.call("POST", "/api/auth/login", {"email": email, "password": password})
        )["csrf_token"]
        await self.call(
            "POST",
            "/api/auth/password",
            {"current_password": password, "new_password": NEW_PASSWORD},
        )


async def _set_up(base: str, first: LiveServer) -> str:
    """Returns the invite URL of a live-able session led by lead@example.org."""
    admin, lead = Api(base), Api(base)
    try:
        await admin.sign_in(first.admin_email, first.admin_password)
        ids = {}
        for name in ("lead", "co"):
            created = await admin.call(
                "POST", "/api/users", {"email": f"{name}@example.org", "display_name": name.title()}
            )
            ids[name] = created["user"]["id"]
            if name == "lead":
                await lead.sign_in("lead@example.org", created["one_time_password"])
        group = (
            await admin.call(
                "POST",
                "/api/groups",
                {
                    "name": "Support group",
                    "facilitator_ids": list(ids.values()),
                    "ground_rules": ["Be kind.", "No naming venues or brands."],
                },
            )
        )["group"]
        now = datetime.now(UTC)
        await admin.call(
            "POST",
            f"/api/groups/{group['id']}/sessions",
            {
                "scheduled_start": (now - timedelta(minutes=5)).isoformat(),
                "scheduled_end": (now + timedelta(hours=2)).isoformat(),
                "lead_id": ids["lead"],
                "co_id": ids["co"],
            },
        )
        invite = await admin.call("POST", f"/api/groups/{group['id']}/invites", {})
        return str(invite["invite"]["url"])
    finally:
        await admin.http.close()
        await lead.http.close()


async def test_support_and_breach_flow(live_server: LiveServer, browser) -> None:  # type: ignore[no-untyped-def]
    base = live_server.base_url
    invite_url = await _set_up(base, live_server)

    lead = await (await browser.new_context(viewport=LAPTOP)).new_page()
    await lead.goto(f"{base}/")
    await sign_in(lead, "lead@example.org", NEW_PASSWORD)
    await lead.get_by_role("link", name=re.compile("Open console")).click()
    await lead.get_by_role("button", name="Open lobby").click()
    await expect(lead.get_by_test_id("session-state")).to_contain_text("Lobby open")

    peer = await (await browser.new_context(viewport=PHONE)).new_page()
    await peer.goto(invite_url)
    await peer.get_by_label("Your name for this group").fill("Robin")
    await peer.get_by_role("button", name="Continue").click()
    await peer.get_by_label("I have read the ground rules").check()
    await peer.get_by_role("button", name="Join the waiting room").click()
    await expect(peer.get_by_role("heading", name="You're in the waiting room")).to_be_visible()
    await lead.get_by_role("button", name="Admit Robin").click()
    await expect(peer.get_by_role("heading", name="You're in the room")).to_be_visible()

    # "I need support": a gentle acknowledgement with the helpline, an alert for the lead
    await peer.get_by_role("button", name="I need support").click()
    ack = peer.get_by_test_id("support-ack")
    await expect(ack).to_contain_text("A facilitator has been told, privately")
    await expect(ack.get_by_role("link", name=re.compile("0808 8020 133"))).to_be_visible()
    alerts = lead.get_by_test_id("support-alerts")
    await expect(alerts).to_contain_text("Robin asked for support")
    breakout = alerts.get_by_role("button", name=re.compile("Open breakout"))
    # the alert offers the breakout (the breakout flow itself is tests/e2e/test_breakout_flow.py)
    await expect(breakout).to_be_enabled()
    await expect(lead.get_by_test_id("incidents")).to_contain_text("Asked for support")
    await assert_peer_screen(peer)
    await assert_controls_named(lead)

    # a breach marked on the peer's chat message: the peer sees a private reminder
    await peer.get_by_label("Message to the room").fill(
        "I won big at the bookies on the high street"
    )
    await peer.get_by_role("button", name="Send").click()
    await lead.get_by_role("button", name="Mark a ground-rule breach in Robin's message").click()
    dialog = lead.get_by_role("dialog", name="Mark a ground-rule breach by Robin")
    await dialog.get_by_label("Which rule?").select_option(label="2. No naming venues or brands.")
    await dialog.get_by_role("button", name="Mark breach").click()
    reminder = peer.get_by_test_id("breach-reminder")
    await expect(reminder).to_contain_text("No naming venues or brands.")
    await expect(reminder).to_contain_text("gentle reminder")
    await expect(lead.get_by_test_id("breach-status")).to_contain_text("reminded privately")
    await expect(lead.get_by_test_id("incidents")).to_contain_text("Ground-rule breach")
