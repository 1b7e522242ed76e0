"""Trigger language in real browsers: a peer's flagged message reaches the other peer masked,
the facilitator sees the alert, the sender can edit and resend; an admin adds a term and the
try box flags it at once, before saving."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import LiveServer
from tests.e2e.flows import join_waiting_room, staffed_session

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PASSWORD = "steady lighthouse morning 9"
FLAGGED = "I lost £500 on bet365 last night"
MASKED = "I lost ▇▇▇▇ on ▇▇▇▇▇▇ last night"


async def test_flagged_message_is_masked_alerted_and_a_new_term_is_tried_at_once(
    live_server: LiveServer, browser
) -> None:
    async with staffed_session(live_server, PASSWORD) as world:
        admin = world["admin"]
        lead_ctx = await browser.new_context()
        await world["lead"].sign_in_browser(lead_ctx)
        lead = await lead_ctx.new_page()
        await lead.goto(f"{live_server.base_url}/#/console/{world['session']['id']}")
        await lead.get_by_role("button", name="Open lobby").click()

        peers = {}
        for name in ("Robin", "Kestrel"):
            ctx = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            peers[name] = await ctx.new_page()
            await join_waiting_room(peers[name], world["invite_url"], name)
            await lead.get_by_role("button", name=f"Admit {name}").click()
            await expect(
                peers[name].get_by_role("heading", name="You're in the room")
            ).to_be_visible()

        robin, kestrel = peers["Robin"], peers["Kestrel"]
        await robin.get_by_label("Message to the room").fill(FLAGGED)
        await robin.get_by_role("button", name="Send").click()

        await expect(kestrel.get_by_test_id("chat-log")).to_contain_text(MASKED)
        assert "bet365" not in await kestrel.get_by_test_id("chat-log").inner_text()
        alerts = lead.get_by_test_id("trigger-alerts")
        await expect(alerts).to_contain_text("Robin")
        await expect(alerts.locator("mark")).to_have_text(["£500", "bet365"])

        reminder = robin.get_by_test_id("trigger-reminder")
        await expect(reminder).to_contain_text(
            "don't mention amounts, brands or places", ignore_case=True
        )
        await expect(reminder.locator("mark")).to_have_text(["£500", "bet365"])
        await reminder.get_by_role("button", name="Edit and resend").click()
        await expect(robin.get_by_label("Message to the room")).to_have_value(FLAGGED)

        # an admin adds a term; the try box flags it against the unsaved draft at once
        admin_ctx = await browser.new_context(viewport=PHONE)
        await admin.sign_in_browser(admin_ctx)
        page = await admin_ctx.new_page()
        await page.goto(f"{live_server.base_url}/#/admin/wordlists")
        await expect(page.get_by_role("heading", name="Trigger words", level=1)).to_be_visible()
        await page.get_by_label("Message to try").fill("I still think about wombatspin")
        await expect(page.get_by_test_id("try-matches")).to_contain_text("Nothing would be flagged")
        brands = page.get_by_test_id("terms-brand")
        await page.get_by_role("button", name="Add a brand term").click()
        new_term = brands.get_by_role("textbox", name="Term", exact=True).first  # added go on top
        await expect(new_term).to_be_focused()
        await new_term.fill("wombatspin")
        await expect(page.get_by_test_id("try-result").locator("mark")).to_have_text("wombatspin")
        await expect(page.get_by_test_id("try-matches")).to_contain_text("brand, by wombatspin")
