"""A breakout from a support alert in real browsers, with real media through the server's SFU.

Robin presses "I need support"; the co-facilitator opens a breakout from the alert (two clicks:
the alert's button and the dialog's). Robin and the co then see and hear each other, while
Kestrel, who stays in the main room with the lead, no longer receives Robin: the tile goes and
the receive slot that carried Robin gets no more bytes. When the co brings Robin back, Kestrel
sees and hears Robin again.

"Hearing" is read from the receiving side's RTCPeerConnection (getStats inbound-rtp audio
bytes on the slot whose tile carries the person), through the media panel's debug accessor
`holdspaceMedia.receiving()` (client/features/media/view.js).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from playwright.async_api import Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import LiveServer
from tests.e2e.flows import join_waiting_room, staffed_session

pytestmark = pytest.mark.browser

PASSWORD = "quiet harbour lantern 47"
WAIT_MS = 30_000
_keys = itertools.count()

# Each check keeps its previous reading on the page under its own key, so a reading from an
# earlier phase (another <video> element, another slot) never counts as progress.
PLAYING_JS = """
([name, key]) => {
  const tile = [...document.querySelectorAll('[data-testid="media-tile"]')]
    .find((f) => f.querySelector('figcaption')?.textContent === name);
  const video = tile && tile.querySelector('video');
  if (!video || video.videoWidth === 0) return false;
  window.__seen = window.__seen || {};
  const before = window.__seen[key];
  window.__seen[key] = video.currentTime;
  return before !== undefined && video.currentTime > before;
}
"""

HEARING_JS = """
async ([name, key, field, by]) => {
  const slot = (await window.holdspaceMedia.receiving()).find((s) => s.name === name);
  if (!slot) return false;
  window.__seen = window.__seen || {};
  if (window.__seen[key] === undefined) {
    window.__seen[key] = {index: slot.index, value: slot[field]};
  }
  const first = window.__seen[key];
  return slot.index === first.index && slot[field] >= first.value + by;
}
"""


TILES_JS = """
async () => ({
  tiles: [...document.querySelectorAll('[data-testid="media-tile"]')].map((f) => {
    const v = f.querySelector('video');
    return {name: f.querySelector('figcaption')?.textContent, slot: f.dataset.slot,
            paused: v.paused, currentTime: v.currentTime, videoWidth: v.videoWidth,
            readyState: v.readyState};
  }),
  slots: await window.holdspaceMedia.receiving(),
})
"""


async def wait_playing(page: Page, name: str) -> None:
    """`name`'s tile shows decoded video whose playback time moves on."""
    try:
        await page.wait_for_function(
            PLAYING_JS, arg=[name, f"play-{next(_keys)}"], polling=200, timeout=WAIT_MS
        )
    except PlaywrightTimeout:
        raise AssertionError(f"{name} not playing: {await page.evaluate(TILES_JS)}") from None


async def wait_received(page: Page, name: str, field: str = "audioBytes", by: int = 1) -> None:
    """The slot whose tile is `name`'s has received `by` more of `field` since the first poll."""
    try:
        await page.wait_for_function(
            HEARING_JS, arg=[name, f"hear-{next(_keys)}", field, by], polling=200, timeout=WAIT_MS
        )
    except PlaywrightTimeout:
        raise AssertionError(f"{field} from {name}: {await page.evaluate(TILES_JS)}") from None


async def wait_seen_and_heard(page: Page, name: str) -> None:
    await wait_playing(page, name)
    await wait_received(page, name, "audioBytes")


async def slot_of(page: Page, name: str) -> dict[str, Any]:
    slots = await page.evaluate("() => window.holdspaceMedia.receiving()")
    (slot,) = [s for s in slots if s["name"] == name]
    return dict(slot)


async def reading(page: Page, index: int) -> dict[str, Any]:
    slots = await page.evaluate("() => window.holdspaceMedia.receiving()")
    return dict(slots[index])


async def open_console(browser: Any, staff: Any, base_url: str, session_id: str) -> Page:
    context = await browser.new_context()
    await staff.sign_in_browser(context)
    page = await context.new_page()
    await page.goto(f"{base_url}/#/console/{session_id}")
    return page


async def test_breakout_from_a_support_alert_isolates_media(
    live_server: LiveServer, browser: Any
) -> None:
    async with staffed_session(live_server, PASSWORD) as world:
        base, session_id = live_server.base_url, world["session"]["id"]
        lead = await open_console(browser, world["lead"], base, session_id)
        await lead.get_by_role("button", name="Open lobby").click()
        await lead.get_by_role("button", name="Join with video").click()
        co = await open_console(browser, world["co"], base, session_id)
        await co.get_by_role("button", name="Join with video").click()

        peers: dict[str, Page] = {}
        for name in ("Robin", "Kestrel"):
            page = await (await browser.new_context()).new_page()
            await join_waiting_room(page, world["invite_url"], name)
            await lead.get_by_role("button", name=f"Admit {name}").click()
            await expect(page.get_by_role("heading", name="You're in the room")).to_be_visible()
            await page.get_by_role("button", name="Join with video").click()
            peers[name] = page
        robin, kestrel = peers["Robin"], peers["Kestrel"]
        await wait_seen_and_heard(kestrel, "Robin")
        await wait_seen_and_heard(robin, "Co")

        # the support alert's breakout: two clicks on the co's console
        await robin.get_by_role("button", name="I need support").click()
        alerts = co.get_by_test_id("support-alerts")
        await expect(alerts).to_contain_text("Robin asked for support")
        await alerts.get_by_role("button", name=re.compile("Open breakout")).click()
        await co.get_by_test_id("confirm-breakout").click()
        await expect(robin.get_by_test_id("breakout-banner")).to_contain_text(
            "You are in a private breakout"
        )

        # Robin and the co see and hear each other in the breakout
        await wait_seen_and_heard(robin, "Co")
        await wait_seen_and_heard(co, "Robin")

        # Kestrel stays in the main room with the lead and no longer receives Robin: the tile
        # goes, and the slot that carried Robin gets nothing while the lead's keeps arriving
        robin_tile = kestrel.get_by_test_id("media-tile").filter(has_text="Robin")
        await expect(robin_tile).to_have_count(0)
        await wait_seen_and_heard(kestrel, "Lead")
        lead_slot = await slot_of(kestrel, "Lead")
        idle = [
            s
            for s in await kestrel.evaluate("() => window.holdspaceMedia.receiving()")
            if s["index"] != lead_slot["index"] and s["audioBytes"] > 0
        ]
        assert idle, "Kestrel's slots that carried Robin and the co"
        # the first window lets packets in flight drain; during the second nothing may arrive
        for window in range(2):
            before = [await reading(kestrel, s["index"]) for s in idle]
            await wait_received(kestrel, "Lead", "audioPackets", 50)  # a second of the lead
            after = [await reading(kestrel, s["index"]) for s in idle]
            assert all(s["personId"] is None for s in after)
            if window == 1:
                assert after == before, "Kestrel received media from the breakout"

        # Robin is brought back: Kestrel sees and hears Robin again
        await co.get_by_role("button", name="Bring Robin back").click()
        await expect(robin.get_by_test_id("breakout-banner")).to_be_empty()
        await wait_seen_and_heard(kestrel, "Robin")
        await wait_seen_and_heard(robin, "Kestrel")
