"""The balancing tools in real browsers: the co-facilitator runs a check-in round with a
reordered order, peers see whose turn it is and "you're up next", a peer raises a hand and the
facilitator takes it; the presence check reaches the peer and its answer reaches the panel.
And speaking time from real speech: a peer's Chromium plays an espeak-ng recording as its
microphone, and the co-facilitator's dashboard shows that peer speaking and their time rising.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from server.tools.speech_tracks import Utterance, build_track
from tests.e2e.conftest import ARTIFACTS_DIR, CHROMIUM, CHROMIUM_ARGS, LiveServer, save_screenshots
from tests.e2e.flows import staffed_session
from tests.e2e.test_foundation_flow import LAPTOP, PHONE, assert_controls_named, sign_in

pytestmark = pytest.mark.browser
PASSWORD = "steady tide compass 19"


async def _setup(live_server: LiveServer) -> tuple[str, str, str]:
    """Lead's and co's emails (password PASSWORD) and the invite URL of a session starting now."""
    async with staffed_session(live_server, PASSWORD) as world:
        return world["lead"].user["email"], world["co"].user["email"], world["invite_url"]


async def _staff(browser: Any, base: str, email: str) -> Page:
    page = await (await browser.new_context(viewport=LAPTOP)).new_page()
    await page.goto(f"{base}/")
    await sign_in(page, email, PASSWORD)
    await page.get_by_role("link", name=re.compile("Open console")).click()
    return page


async def test_rounds_hands_and_presence_check(live_server: LiveServer, browser: Any) -> None:
    base = live_server.base_url
    lead_email, co_email, invite_url = await _setup(live_server)
    lead = await _staff(browser, base, lead_email)
    co = await _staff(browser, base, co_email)
    await lead.get_by_role("button", name="Open lobby").click()
    await expect(lead.get_by_test_id("session-state")).to_contain_text("Lobby open")

    peers: dict[str, Page] = {}
    for name in ("Robin", "Kestrel"):
        page = await (await browser.new_context(viewport=PHONE, is_mobile=True)).new_page()
        peers[name] = page
        await page.goto(invite_url)
        await page.get_by_label("Your name for this group").fill(name)
        await page.get_by_role("button", name="Continue").click()
        await page.get_by_label("I have read the ground rules").check()
        await page.get_by_role("button", name="Join the waiting room").click()
        await lead.get_by_role("button", name=f"Admit {name}").click()
        await expect(page.get_by_role("heading", name="You're in the room")).to_be_visible()
    await lead.get_by_role("button", name="Go live").click()
    await expect(co.get_by_test_id("session-state")).to_contain_text("Live")

    # the co prepares a check-in: Kestrel first, with the up/down buttons
    order = co.get_by_test_id("round-order")
    await expect(order).to_contain_text("Robin")
    await expect(order).to_contain_text("Kestrel")
    if (await order.locator("li").first.inner_text()).startswith("Robin"):
        await co.get_by_role("button", name="Move Kestrel up").click()
    await expect(order.locator("li").first).to_contain_text("Kestrel")
    await assert_controls_named(co)
    await co.get_by_role("button", name="Start round").click()
    await expect(co.get_by_test_id("round-timer")).to_contain_text("left")
    await expect(peers["Kestrel"].get_by_test_id("peer-round")).to_contain_text("It's your turn")
    await expect(peers["Robin"].get_by_test_id("peer-round")).to_contain_text("You're up next")
    await peers["Kestrel"].get_by_role("button", name="I'd rather pass").click()
    await expect(peers["Robin"].get_by_test_id("peer-round")).to_contain_text("It's your turn")
    await co.get_by_role("button", name="End round").click()
    await expect(peers["Robin"].get_by_test_id("peer-round")).to_be_empty()

    # a raised hand reaches the queue; the facilitator invites them
    robin = peers["Robin"]
    await robin.get_by_role("button", name="Raise hand").click()
    await expect(robin.get_by_text("you're first in the queue")).to_be_visible()
    await expect(co.get_by_test_id("hand-queue")).to_contain_text("Robin")
    await co.get_by_role("button", name="Invite the next person").click()
    await expect(robin.get_by_text("The facilitator has invited you to speak.")).to_be_visible()
    await expect(co.get_by_test_id("hand-queue")).to_contain_text("No hands raised.")

    # "are you still there?" and the answer on the presence panel
    presence = co.get_by_test_id("presence-list").locator("li", has_text="Kestrel")
    await presence.get_by_role("button", name="Are you still there?").click()
    kestrel = peers["Kestrel"]
    await kestrel.get_by_role("button", name="I'm here").click()
    await expect(presence.get_by_test_id("presence-answer")).to_contain_text("Answered")
    await expect(presence).to_contain_text("connected without camera or microphone")
    for page in peers.values():
        await assert_controls_named(page)
        assert await page.get_by_test_id("talk-dashboard").count() == 0
    # everyone in the room is on the dashboard (presence feeds talk time); nobody has spoken
    await expect(co.get_by_test_id("current-speaker")).to_contain_text("nobody")


# Robin's talk time in seconds as the dashboard's table shows it ("12 s", "1 min 02 s").
TALK_S_JS = """
(name) => {
  const row = [...document.querySelectorAll('[data-testid="talk-dashboard"] tr[data-member]')]
    .find((r) => r.querySelector('th').textContent.startsWith(name));
  const m = row && row.querySelector('td').textContent.match(/^(?:(\\d+) min )?(\\d+) s$/);
  return m ? Number(m[1] || 0) * 60 + Number(m[2]) : null;
}
"""
SPEECH = [
    Utterance(0.3, "Hello everyone, thank you for having me here tonight."),
    Utterance(4.5, "It has been a really hard week for me."),
]


async def _talk_s_above(page: Page, name: str, floor_s: int) -> int:
    """Wait until the dashboard shows `name` with more than `floor_s` seconds; return it."""
    await page.wait_for_function(
        f"(name) => ({TALK_S_JS})(name) > {floor_s}", arg=name, polling=250, timeout=45_000
    )
    return int(await page.evaluate(TALK_S_JS, name))


async def test_dashboard_shows_speaking_time_rising(
    live_server: LiveServer, browser: Any, tmp_path: Path
) -> None:
    base = live_server.base_url
    lead_email, co_email, invite_url = await _setup(live_server)
    # Chromium takes the fake microphone's file per launch (and loops it): Robin gets a
    # browser of their own
    speech = build_track(tmp_path / "robin.wav", SPEECH, length_s=8.0)
    speaker = await browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={speech.path}"],
    )
    try:
        lead = await _staff(browser, base, lead_email)
        co = await _staff(browser, base, co_email)
        await lead.get_by_role("button", name="Open lobby").click()
        robin = await (await speaker.new_context(viewport=PHONE, is_mobile=True)).new_page()
        await robin.goto(invite_url)
        await robin.get_by_label("Your name for this group").fill("Robin")
        await robin.get_by_role("button", name="Continue").click()
        await robin.get_by_label("I have read the ground rules").check()
        await robin.get_by_role("button", name="Join the waiting room").click()
        await lead.get_by_role("button", name="Admit Robin").click()
        await expect(robin.get_by_role("heading", name="You're in the room")).to_be_visible()
        await lead.get_by_role("button", name="Go live").click()
        await robin.get_by_role("button", name="Join audio only").click()

        await co.get_by_label("Show as a table").check()
        # the server hears Robin: current speaker at some point, and the time keeps rising
        await expect(co.get_by_test_id("current-speaker")).to_contain_text("Robin", timeout=45_000)
        first_s = await _talk_s_above(co, "Robin", 0)
        second_s = await _talk_s_above(co, "Robin", first_s)
        assert second_s > first_s > 0
    except BaseException:
        await save_screenshots(speaker, ARTIFACTS_DIR, "test_dashboard_shows_speaking_time_rising")
        raise
    finally:
        await speaker.close()
