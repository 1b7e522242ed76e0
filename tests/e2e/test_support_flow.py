"""Support and breaches in real browsers against the real server process.

The setup (accounts, group, session, invite) goes through the HTTP API, which the foundation
flow already covers in the browser. Then: a peer joins through the invite and the lobby, presses
"I need support" and sees the acknowledgement with the helpline; the lead's console shows the
alert; the lead marks a breach on the peer's chat message and the peer sees the reminder.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import LiveServer
from tests.e2e.flows import staffed_session
from tests.e2e.test_foundation_flow import (
    LAPTOP,
    PHONE,
    assert_controls_named,
    assert_peer_screen,
    sign_in,
)

pytestmark = pytest.mark.browser

NEW_PASSWORD = "steady tide compass 31"


async def _set_up(live_server: LiveServer) -> tuple[str, str]:
    """The lead's email (password NEW_PASSWORD) and the invite URL of a session starting now."""
    rules = ["Be kind.", "No naming venues or brands."]
    async with staffed_session(live_server, NEW_PASSWORD, ground_rules=rules) as world:
        return world["lead"].user["email"], world["invite_url"]


async def test_support_and_breach_flow(live_server: LiveServer, browser) -> None:  # type: ignore[no-untyped-def]
    base = live_server.base_url
    lead_email, invite_url = await _set_up(live_server)

    lead = await (await browser.new_context(viewport=LAPTOP)).new_page()
    await lead.goto(f"{base}/")
    await sign_in(lead, lead_email, NEW_PASSWORD)
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
