"""Video in real browsers: a facilitator's console and a peer on a phone-sized screen join the
session's media through the server's SFU; each one's grid plays the other's camera."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.flows import join_waiting_room, staffed_session

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PASSWORD = "gentle river evening 31"

# True once the tile labelled `name` shows decoded frames and its playback time has moved on
# since the previous poll (so the video is playing, not frozen on one frame).
PLAYING_JS = """
(name) => {
  const tile = [...document.querySelectorAll('figure.media-tile')]
    .find((f) => f.querySelector('figcaption')?.textContent === name);
  const video = tile && tile.querySelector('video');
  if (!video || video.videoWidth === 0) return false;
  window.__seen = window.__seen || {};
  const before = window.__seen[name];
  window.__seen[name] = video.currentTime;
  return before !== undefined && video.currentTime > before;
}
"""


async def wait_playing(page: Page, name: str) -> None:
    await page.wait_for_function(PLAYING_JS, arg=name, polling=200, timeout=30_000)


async def test_console_and_phone_see_each_other(live_server: LiveServer, browser) -> None:
    async with staffed_session(live_server, PASSWORD) as world:
        lead_ctx = await browser.new_context()
        await world["lead"].sign_in_browser(lead_ctx)
        lead = await lead_ctx.new_page()
        await lead.goto(f"{live_server.base_url}/#/console/{world['session']['id']}")
        await lead.get_by_role("button", name="Open lobby").click()
        await lead.get_by_role("button", name="Join with video").click()

        peer_ctx = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        peer = await peer_ctx.new_page()
        await join_waiting_room(peer, world["invite_url"], "Robin")
        await lead.get_by_role("button", name="Admit Robin").click()
        await expect(peer.get_by_role("heading", name="You're in the room")).to_be_visible()
        await peer.get_by_role("button", name="Join with video").click()

        await wait_playing(peer, world["lead"].user["display_name"])
        await wait_playing(lead, "Robin")

        # the phone's grid fits its 360 px screen, self-view included
        assert await peer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await expect(peer.locator("figure[data-self] video")).to_have_js_property("muted", True)

        # the toggles say what they do and whether they are on
        mic = peer.get_by_role("button", name="Microphone on")
        await expect(mic).to_have_attribute("aria-pressed", "true")
        await mic.click()
        await expect(peer.get_by_role("button", name="Microphone off")).to_have_attribute(
            "aria-pressed", "false"
        )
