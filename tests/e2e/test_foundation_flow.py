"""The foundation flow in real browsers against the real server process.

An admin sets up a group, two facilitators, a session and an invite; the facilitators run the
session from their consoles; three peers on phone-sized screens join through the invite, the
ground rules and the lobby; chat reaches everyone in the room and the backchannel reaches no peer.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 900}
NEW_ADMIN_PASSWORD = "calm harbour lantern 42"
NEW_FACILITATOR_PASSWORD = "quiet meadow river 77"

# Every visible form control must have an accessible name (label, aria-label(ledby), title or,
# for buttons, text). Returns a description of each control that has none.
UNNAMED_CONTROLS_JS = """
() => {
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && style.display !== 'none'
      && (box.width > 0 || box.height > 0);
  };
  const nameOf = (el) => {
    const labelledby = el.getAttribute('aria-labelledby');
    if (labelledby) {
      const text = labelledby.split(/\\s+/)
        .map((id) => document.getElementById(id)?.textContent || '').join(' ');
      if (text.trim()) return text;
    }
    if ((el.getAttribute('aria-label') || '').trim()) return el.getAttribute('aria-label');
    if (el.labels && [...el.labels].some((l) => l.textContent.trim())) return 'label';
    if ((el.getAttribute('title') || '').trim()) return el.getAttribute('title');
    if (el.tagName === 'BUTTON' && el.textContent.trim()) return el.textContent;
    return '';
  };
  return [...document.querySelectorAll('input:not([type=hidden]), button, select, textarea')]
    .filter(visible)
    .filter((el) => !nameOf(el).trim())
    .map((el) => el.outerHTML.slice(0, 120));
}
"""


async def assert_controls_named(page: Page) -> None:
    unnamed = await page.evaluate(UNNAMED_CONTROLS_JS)
    assert unnamed == [], f"controls without an accessible name on {page.url}: {unnamed}"


async def assert_peer_screen(page: Page) -> None:
    """Every peer screen: support is one click away, and every control is named."""
    await expect(page.get_by_role("button", name="Get support now")).to_be_visible()
    await assert_controls_named(page)


async def sign_in(page: Page, email: str, password: str) -> None:
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def change_password(page: Page, current: str, new: str) -> None:
    await expect(page.get_by_role("heading", name="Choose your own password")).to_be_visible()
    await assert_controls_named(page)
    await page.get_by_label("Current password").fill(current)
    await page.get_by_label("New password", exact=True).fill(new)
    await page.get_by_label("New password again").fill(new)
    await page.get_by_role("button", name="Save new password").click()


async def create_facilitator(page: Page, email: str, name: str, pronouns: str) -> str:
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Display name").fill(name)
    await page.get_by_label("Pronouns (optional)").fill(pronouns)
    await page.get_by_role("button", name="Create account").click()
    notice = page.get_by_text(f"Account created for {email}.")
    await expect(notice).to_be_visible()
    password = await page.get_by_test_id("one-time-password").input_value()
    assert len(password) >= 6
    return password


async def test_foundation_flow(live_server: LiveServer, browser) -> None:  # noqa: PLR0915
    base = live_server.base_url

    # --- the admin signs in, replaces the one-time password and sets everything up ---------------
    admin_ctx = await browser.new_context(viewport=LAPTOP)
    admin = await admin_ctx.new_page()
    await admin.goto(f"{base}/")
    await assert_controls_named(admin)
    await sign_in(admin, live_server.admin_email, live_server.admin_password)
    await change_password(admin, live_server.admin_password, NEW_ADMIN_PASSWORD)

    await admin.get_by_role("link", name="Facilitators").click()
    await expect(admin.get_by_role("heading", name="Facilitators", level=1)).to_be_visible()
    await assert_controls_named(admin)
    lead_password = await create_facilitator(admin, "ash.lead@example.org", "Ash", "they/them")
    co_password = await create_facilitator(admin, "sam.co@example.org", "Sam", "she/her")

    await admin.get_by_role("link", name="Groups").click()
    await admin.get_by_role("button", name="New group").click()
    await admin.get_by_label("Name", exact=True).fill("Tuesday evening group")
    await admin.get_by_label("Description").fill("A space for people experiencing gambling harms.")
    await admin.get_by_label("Capacity (peers)").fill("20")
    await admin.get_by_label("Ash (they/them)").check()
    await admin.get_by_label("Sam (she/her)").check()
    await assert_controls_named(admin)
    await admin.get_by_role("button", name="Create group").click()
    # Refused over 14, with the server's own message shown.
    await expect(admin.get_by_role("alert")).to_contain_text("14")
    await admin.get_by_label("Capacity (peers)").fill("8")
    await admin.get_by_role("button", name="Create group").click()
    await expect(admin.get_by_role("heading", name="Tuesday evening group")).to_be_visible()

    await admin.get_by_role("link", name="Sessions").click()
    await expect(
        admin.get_by_role("heading", name="New session for Tuesday evening group")
    ).to_be_visible()
    now = datetime.now()
    await admin.get_by_label("Theme (optional)").fill("Finding calm")
    await admin.get_by_label("Starts").fill((now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    await admin.get_by_label("Ends").fill((now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    await admin.get_by_label("Lead facilitator").select_option(label="Ash (they/them)")
    await admin.get_by_label("Co-facilitator").select_option(label="Sam (she/her)")
    await assert_controls_named(admin)
    await admin.get_by_role("button", name="Create session").click()
    await expect(admin.get_by_role("cell", name="Finding calm")).to_be_visible()

    await admin.get_by_role("link", name="Invite links").click()
    await admin.get_by_label("Label (optional)").fill("Tuesday flyer")
    await admin.get_by_role("button", name="Create invite link").click()
    invite_field = admin.locator("input.invite-url").first
    await expect(invite_field).to_have_value(re.compile(r"/join/"))
    invite_url = await invite_field.input_value()
    await assert_controls_named(admin)

    await admin.get_by_role("link", name="Audit log").click()
    await expect(admin.get_by_role("heading", name="Audit log")).to_be_visible()

    # --- the lead opens the lobby; going live without the co asks for a reason ------------------
    lead_ctx = await browser.new_context(viewport=LAPTOP)
    lead = await lead_ctx.new_page()
    await lead.goto(f"{base}/")
    await sign_in(lead, "ash.lead@example.org", lead_password)
    await change_password(lead, lead_password, NEW_FACILITATOR_PASSWORD)
    await lead.get_by_role("link", name=re.compile("Open console")).click()
    await expect(lead.get_by_text("Your role: Lead facilitator")).to_be_visible()
    await lead.get_by_role("button", name="Open lobby").click()
    await expect(lead.get_by_test_id("session-state")).to_contain_text("Lobby open")

    await lead.get_by_role("button", name="Go live").click()
    co_absent = lead.get_by_role("dialog", name="Go live without your co-facilitator?")
    await expect(co_absent).to_be_visible()
    await assert_controls_named(lead)
    await co_absent.get_by_role("button", name="Wait for them").click()
    await expect(co_absent).to_be_hidden()
    await expect(lead.get_by_test_id("session-state")).to_contain_text("Lobby open")

    co_ctx = await browser.new_context(viewport=LAPTOP)
    co = await co_ctx.new_page()
    await co.goto(f"{base}/")
    await sign_in(co, "sam.co@example.org", co_password)
    await change_password(co, co_password, NEW_FACILITATOR_PASSWORD)
    await co.get_by_role("link", name=re.compile("Open console")).click()
    await expect(co.get_by_text("Your role: Co-facilitator")).to_be_visible()
    backchannel_note = "Only facilitators see this. Peers never see these messages."
    await expect(co.get_by_text(backchannel_note)).to_be_visible()
    await assert_controls_named(co)

    await lead.get_by_role("button", name="Go live").click()
    await expect(lead.get_by_test_id("session-state")).to_contain_text("Live")
    await expect(co.get_by_test_id("session-state")).to_contain_text("Live")

    # --- three peers join on phones ------------------------------------------------------------
    peers: dict[str, Page] = {}
    for name in ("Robin", "Kestrel", "Wren"):
        ctx = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = await ctx.new_page()
        peers[name] = page
        await page.goto(invite_url)
        await expect(
            page.get_by_role("heading", name="Welcome to Tuesday evening group")
        ).to_be_visible()
        await expect(page.get_by_text("It doesn't need to be your real name.")).to_be_visible()
        await assert_peer_screen(page)
        await page.get_by_role("button", name="Get support now").click()
        await expect(page.get_by_role("link", name=re.compile(r"0808 8020 133"))).to_have_attribute(
            "href", "tel:08088020133"
        )
        await page.get_by_role("button", name="Close support information").click()
        await page.get_by_label("Your name for this group").fill(name)
        await page.get_by_role("button", name="Continue").click()

        await expect(page.get_by_role("heading", name="Ground rules")).to_be_visible()
        await assert_peer_screen(page)
        await page.get_by_role("button", name="Join the waiting room").click()
        await expect(page.get_by_role("alert")).to_contain_text("tick the box")
        await page.get_by_label("I have read the ground rules").check()
        await page.get_by_role("button", name="Join the waiting room").click()
        await expect(page.get_by_role("heading", name="You're in the waiting room")).to_be_visible()
        await assert_peer_screen(page)
        await expect(lead.get_by_test_id("lobby-list")).to_contain_text(name)

    for name, page in peers.items():
        await lead.get_by_role("button", name=f"Admit {name}").click()
        await expect(page.get_by_role("heading", name="You're in the room")).to_be_visible()
        await assert_peer_screen(page)
    await expect(lead.get_by_test_id("lobby-list")).to_contain_text("No one is waiting.")
    for page in peers.values():
        for other in peers:
            await expect(page.locator("#participants-heading + ul")).to_contain_text(other)

    # --- chat reaches everyone in the room --------------------------------------------------------
    robin = peers["Robin"]
    await robin.get_by_label("Message to the room").fill("Hello <b>everyone</b>, glad to be here")
    await robin.get_by_role("button", name="Send").click()
    for page in (peers["Kestrel"], peers["Wren"], lead, co):
        log = page.get_by_test_id("chat-log")
        await expect(log).to_contain_text("Hello <b>everyone</b>, glad to be here")
        assert await log.locator("b").count() == 0, "chat text must never be rendered as HTML"

    # --- the backchannel reaches the facilitators and no peer ------------------------------------
    await lead.get_by_label("Private message to facilitators").fill(
        "BC-private: keep an eye on Wren"
    )
    await lead.locator("#backchannel").get_by_role("button", name="Send").click()
    await expect(co.get_by_test_id("backchannel-log")).to_contain_text(
        "BC-private: keep an eye on Wren"
    )
    await co.get_by_label("Message to the room").fill("marker: welcome, all three of you")
    await co.locator("#chat").get_by_role("button", name="Send").click()
    for page in peers.values():
        await expect(page.get_by_test_id("chat-log")).to_contain_text(
            "marker: welcome, all three of you"
        )
        await expect(page.locator("body")).not_to_contain_text("BC-private")
        assert await page.get_by_test_id("backchannel-log").count() == 0

    # --- a reload brings a peer back as the same member; the lead can remove a peer -------------
    wren = peers["Wren"]
    await wren.reload()
    await expect(wren.get_by_role("heading", name="You're in the room")).to_be_visible()
    await expect(wren.get_by_test_id("chat-log")).to_contain_text("marker: welcome")
    await expect(wren.locator("#participants-heading + ul")).to_contain_text("Wren (you)")
    await lead.get_by_role("button", name="Remove Wren").click()
    remove_dialog = lead.get_by_role("dialog", name="Remove Wren?")
    await expect(remove_dialog).to_be_visible()
    await remove_dialog.get_by_role("button", name="Remove Wren").click()
    await expect(
        wren.get_by_role("heading", name="You are no longer in this session")
    ).to_be_visible()
    await assert_peer_screen(wren)
    await expect(lead.locator("#participants-heading + ul")).not_to_contain_text("Wren")
    del peers["Wren"]

    # --- the lead ends the session; peers are told kindly ---------------------------------------
    await lead.get_by_role("button", name="End session").click()
    end_dialog = lead.get_by_role("dialog", name="End this session?")
    await end_dialog.get_by_role("button", name="End session").click()
    await expect(lead.get_by_test_id("session-state")).to_contain_text("Ended")
    for page in peers.values():
        await expect(page.get_by_role("heading", name="This session has ended")).to_be_visible()
        await assert_peer_screen(page)
