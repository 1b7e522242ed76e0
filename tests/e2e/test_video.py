"""Video in real browsers: a facilitator's console and a peer on a phone-sized screen join the
session's media through the server's SFU; each one's grid plays the other's camera."""

from __future__ import annotations

import re
from typing import Any

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


async def lead_and_robin_on_video(
    live_server: LiveServer, browser: Any, world: dict[str, Any], *peer_scripts: str
) -> tuple[Page, Page]:
    """The lead on the console and Robin on a phone-sized screen, both joined with video;
    `peer_scripts` run in Robin's pages before each load."""
    lead_ctx = await browser.new_context()
    await world["lead"].sign_in_browser(lead_ctx)
    lead = await lead_ctx.new_page()
    await lead.goto(f"{live_server.base_url}/#/console/{world['session']['id']}")
    await lead.get_by_role("button", name="Open lobby").click()
    await lead.get_by_role("button", name="Join with video").click()

    peer_ctx = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    for script in peer_scripts:
        await peer_ctx.add_init_script(script)
    peer = await peer_ctx.new_page()
    await join_waiting_room(peer, world["invite_url"], "Robin")
    await lead.get_by_role("button", name="Admit Robin").click()
    await expect(peer.get_by_role("heading", name="You're in the room")).to_be_visible()
    await peer.get_by_role("button", name="Join with video").click()
    return lead, peer


async def test_console_and_phone_see_each_other(live_server: LiveServer, browser) -> None:
    async with staffed_session(live_server, PASSWORD) as world:
        lead, peer = await lead_and_robin_on_video(live_server, browser, world)

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


# True once the video in the tile captioned `name` shows a picture rather than black: the mean
# brightness of a 32x24 copy of its current frame (black frames, as a disabled camera track
# used to send, measured 0; Chromium's fake camera's green test pattern about 59 of 255).
LIT_JS = """
(name) => {
  const tile = [...document.querySelectorAll('figure.media-tile')]
    .find((f) => f.querySelector('figcaption')?.textContent === name);
  const video = tile && tile.querySelector('video');
  if (!video || video.videoWidth === 0) return false;
  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 24;
  const context = canvas.getContext('2d');
  context.drawImage(video, 0, 0, 32, 24);
  const pixels = context.getImageData(0, 0, 32, 24).data;
  let sum = 0;
  for (let i = 0; i < pixels.length; i += 4) sum += pixels[i] + pixels[i + 1] + pixels[i + 2];
  return sum / (pixels.length / 4) / 3 > 20;
}
"""


# Frames received so far on the video of the slot whose tile is captioned `name` (getStats
# inbound-rtp framesReceived, through the media panel's debug accessor), or null.
FRAMES_JS = """
async (name) => {
  const slot = (await holdspaceMedia.receiving()).find((s) => s.name === name);
  return slot ? slot.videoFrames : null;
}
"""

# True once the video frames received for `name` have not changed for `quietMs` of polling.
FRAMES_STOPPED_JS = """
async ({name, quietMs}) => {
  const slot = (await holdspaceMedia.receiving()).find((s) => s.name === name);
  if (!slot) return false;
  const now = performance.now();
  window.__frames = window.__frames || {};
  const last = window.__frames[name];
  if (!last || last.frames !== slot.videoFrames) {
    window.__frames[name] = {frames: slot.videoFrames, since: now};
    return false;
  }
  return now - last.since >= quietMs;
}
"""

# True once more than `above` video frames were received for `name`.
FRAMES_ABOVE_JS = """
async ({name, above}) => {
  const slot = (await holdspaceMedia.receiving()).find((s) => s.name === name);
  return Boolean(slot) && slot.videoFrames > above;
}
"""


async def test_a_camera_turned_off_shows_a_placeholder_tile(
    live_server: LiveServer, browser
) -> None:
    async with staffed_session(live_server, PASSWORD) as world:
        lead, peer = await lead_and_robin_on_video(live_server, browser, world)
        await wait_playing(lead, "Robin")

        # the lead's tile for Robin, found by its accessible name, which says the state in words
        robin = lead.get_by_role("figure", name=re.compile(r"^Robin: "))
        placeholder = robin.get_by_test_id("camera-off")
        await expect(robin).to_have_attribute("aria-label", "Robin: camera on, microphone on")
        await expect(robin.locator("video")).to_be_visible()
        await expect(placeholder).to_be_hidden()
        await expect(robin.get_by_text("Microphone off")).to_be_hidden()
        await lead.wait_for_function(LIT_JS, arg="Robin", polling=200, timeout=30_000)
        # the camera track Robin's self-view shows, kept to look at after it is switched off
        await peer.evaluate(
            "window.__camera = document.querySelector('figure[data-self] video')"
            ".srcObject.getVideoTracks()[0]"
        )
        assert await peer.evaluate("window.__camera.readyState") == "live"

        # Robin switches the camera off mid-session: the lead sees a placeholder, not black
        await peer.get_by_role("button", name="Camera on").click()
        await expect(peer.get_by_role("button", name="Camera off")).to_have_attribute(
            "aria-pressed", "false"
        )
        # the camera itself is stopped (its light goes out), not just hidden: the track has
        # ended, the local stream holds no video, the connection sends none, the self-view
        # shows nothing
        await peer.wait_for_function("window.__camera.readyState === 'ended'", timeout=5_000)
        local = await peer.evaluate("holdspaceMedia.local()")
        assert [t["kind"] for t in local["tracks"]] == ["audio"], local
        assert local["cameraSender"] == "none", local
        await expect(peer.locator("figure[data-self] video")).to_have_js_property("srcObject", None)
        # and the lead's slot for Robin stops receiving frames
        await lead.wait_for_function(
            FRAMES_STOPPED_JS, arg={"name": "Robin", "quietMs": 1500}, polling=200, timeout=30_000
        )
        frames_when_off = await lead.evaluate(FRAMES_JS, "Robin")
        assert frames_when_off > 0
        await expect(robin).to_have_attribute("aria-label", "Robin: camera off, microphone on")
        await expect(placeholder).to_be_visible()
        await expect(placeholder).to_contain_text("Camera off")
        await expect(placeholder.locator(".media-initials")).to_have_text("R")
        await expect(robin.locator("video")).to_be_hidden()
        await expect(robin.get_by_text("Microphone off")).to_be_hidden()
        # and so does Robin's own self-view
        own = peer.locator("figure[data-self]")
        await expect(own).to_have_attribute("aria-label", "Robin (you): camera off, microphone on")
        await expect(own.get_by_test_id("camera-off")).to_be_visible()

        # the microphone too, as text on the tile
        await peer.get_by_role("button", name="Microphone on").click()
        await expect(robin).to_have_attribute("aria-label", "Robin: camera off, microphone off")
        await expect(robin.get_by_text("Microphone off")).to_be_visible()
        await expect(own.get_by_text("Microphone off")).to_be_visible()

        # the placeholders fit the phone's 360 px screen
        assert await peer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        tile_box = await own.bounding_box()
        circle_box = await own.locator(".media-initials").bounding_box()
        assert tile_box is not None and circle_box is not None
        assert circle_box["y"] >= tile_box["y"]
        assert circle_box["y"] + circle_box["height"] <= tile_box["y"] + tile_box["height"]

        # camera back on: a new live camera track, the video again, playing and showing a
        # picture, frames arriving again on the same slot
        await peer.get_by_role("button", name="Camera off").click()
        await expect(robin).to_have_attribute("aria-label", "Robin: camera on, microphone off")
        await expect(placeholder).to_be_hidden()
        await expect(robin.locator("video")).to_be_visible()
        await expect(own.get_by_test_id("camera-off")).to_be_hidden()
        local = await peer.evaluate("holdspaceMedia.local()")
        assert sorted((t["kind"], t["readyState"]) for t in local["tracks"]) == [
            ("audio", "live"),
            ("video", "live"),
        ], local
        assert local["cameraSender"] == "live", local
        assert await peer.evaluate("window.__camera.readyState") == "ended"
        await lead.wait_for_function(
            FRAMES_ABOVE_JS,
            arg={"name": "Robin", "above": frames_when_off + 10},
            polling=200,
            timeout=30_000,
        )
        await wait_playing(lead, "Robin")
        await lead.wait_for_function(LIT_JS, arg="Robin", polling=200, timeout=30_000)

        # a camera the browser refuses when switched on again: it stays off, Robin is told
        # why in words, the room goes on seeing the placeholder, the rest keeps working
        await peer.evaluate(
            """() => {
              const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
              navigator.mediaDevices.getUserMedia = (constraints) => constraints.video
                ? Promise.reject(new DOMException("refused by the test", "NotAllowedError"))
                : real(constraints);
            }"""
        )
        await peer.get_by_role("button", name="Camera on").click()
        await expect(robin).to_have_attribute("aria-label", "Robin: camera off, microphone off")
        await peer.get_by_role("button", name="Camera off").click()
        notice = peer.get_by_role("status").filter(has_text="did not let us use your camera")
        await expect(notice).to_be_visible()
        await expect(peer.get_by_role("button", name="Camera off")).to_have_attribute(
            "aria-pressed", "false"
        )
        await expect(own.get_by_test_id("camera-off")).to_be_visible()
        local = await peer.evaluate("holdspaceMedia.local()")
        assert [t["kind"] for t in local["tracks"]] == ["audio"], local
        await peer.get_by_role("button", name="Microphone off").click()
        await expect(robin).to_have_attribute("aria-label", "Robin: camera off, microphone on")
        await expect(placeholder).to_be_visible()
        # trying again while the browser still refuses: still off, still said
        await peer.get_by_role("button", name="Camera off").click()
        await expect(notice).to_be_visible()
        await expect(peer.get_by_role("button", name="Camera off")).to_be_visible()


# Installed in the peer's page before each load: every getUserMedia call's constraints, so a
# test can tell whether the camera was asked for at all (the camera light).
RECORD_GUM_JS = """
window.__gum = [];
const realGum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (constraints) => {
  window.__gum.push({ audio: Boolean(constraints.audio), video: Boolean(constraints.video) });
  return realGum(constraints);
};
"""

# On the lead's page: every accessible name Robin's tile has from now on, and "gone" whenever
# there is no tile for Robin (his media connection closed), in order.
WATCH_ROBIN_JS = """
() => {
  window.__robin = [];
  const note = () => {
    const tile = [...document.querySelectorAll('figure.media-tile[data-slot]')]
      .find((f) => f.querySelector('figcaption')?.textContent === 'Robin');
    const seen = tile ? tile.getAttribute('aria-label') : 'gone';
    if (window.__robin[window.__robin.length - 1] !== seen) window.__robin.push(seen);
  };
  note();
  new MutationObserver(note).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label'],
  });
}
"""


async def test_camera_and_microphone_off_are_remembered_across_a_reload(
    live_server: LiveServer, browser
) -> None:
    async with staffed_session(live_server, PASSWORD) as world:
        lead, peer = await lead_and_robin_on_video(live_server, browser, world)
        await wait_playing(lead, "Robin")
        robin = lead.get_by_role("figure", name=re.compile(r"^Robin: "))
        placeholder = robin.get_by_test_id("camera-off")

        # Robin switches the camera and the microphone off, then the page reloads
        await peer.get_by_role("button", name="Camera on").click()
        await peer.get_by_role("button", name="Microphone on").click()
        await expect(robin).to_have_attribute("aria-label", "Robin: camera off, microphone off")
        stored = await peer.evaluate("({...localStorage})")
        media_keys = {k: v for k, v in stored.items() if k.startswith("holdspace.media.")}
        # on/off flags only, nothing about who or where
        assert media_keys == {"holdspace.media.cameraOff": "1", "holdspace.media.micOff": "1"}
        await peer.context.add_init_script(RECORD_GUM_JS)
        await lead.evaluate(WATCH_ROBIN_JS)
        await peer.reload()
        await expect(peer.get_by_role("heading", name="You're in the room")).to_be_visible()
        await expect(
            peer.get_by_text("Your camera and microphone will stay off, as you left them.")
        ).to_be_visible()
        await peer.get_by_role("button", name="Join with video").click()

        # back in the room's media: the camera was never asked for, no video track, the
        # camera's m-line offered without one, the toggles say off
        await expect(peer.get_by_role("button", name="Camera off")).to_have_attribute(
            "aria-pressed", "false"
        )
        await expect(peer.get_by_role("button", name="Microphone off")).to_have_attribute(
            "aria-pressed", "false"
        )
        await peer.wait_for_function(
            "() => holdspaceMedia.local().cameraSender === 'none'", polling=200, timeout=30_000
        )
        local = await peer.evaluate("holdspaceMedia.local()")
        assert local["tracks"] == [{"kind": "audio", "readyState": "live", "enabled": False}], local
        own = peer.locator("figure[data-self]")
        await expect(own).to_have_attribute("aria-label", "Robin (you): camera off, microphone off")
        # the lead saw Robin's tile go and come back, never with the camera on
        await lead.wait_for_function(
            "() => window.__robin.includes('gone') && window.__robin.at(-1) !== 'gone'",
            polling=200,
            timeout=30_000,
        )
        await expect(robin).to_have_attribute("aria-label", "Robin: camera off, microphone off")
        await expect(placeholder).to_be_visible()
        labels = await lead.evaluate("window.__robin")
        assert not [label for label in labels if "camera on" in label], labels
        assert await peer.evaluate("window.__gum") == [{"audio": True, "video": False}]

        # switching them on works, and is what the browser remembers from then on
        await peer.get_by_role("button", name="Camera off").click()
        await peer.get_by_role("button", name="Microphone off").click()
        await expect(robin).to_have_attribute("aria-label", "Robin: camera on, microphone on")
        await expect(placeholder).to_be_hidden()
        await wait_playing(lead, "Robin")
        await expect(own).to_have_attribute("aria-label", "Robin (you): camera on, microphone on")
        stored = await peer.evaluate("({...localStorage})")
        assert not [k for k in stored if k.startswith("holdspace.media.")], stored


# Installed in the peer's page before each load: every use of localStorage throws, as in a
# browser that blocks this site's data.
BLOCK_STORAGE_JS = """
Object.defineProperty(window, 'localStorage', {
  get() { throw new DOMException('blocked by the test', 'SecurityError'); },
});
"""


async def test_a_camera_switched_off_stays_off_through_audio_only_with_storage_blocked(
    live_server: LiveServer, browser
) -> None:
    async with staffed_session(live_server, PASSWORD) as world:
        lead, peer = await lead_and_robin_on_video(
            live_server, browser, world, BLOCK_STORAGE_JS, RECORD_GUM_JS
        )
        await wait_playing(lead, "Robin")
        robin = lead.get_by_role("figure", name=re.compile(r"^Robin: "))
        await peer.get_by_role("button", name="Camera on").click()
        await expect(robin).to_have_attribute("aria-label", "Robin: camera off, microphone on")
        await peer.evaluate("window.__gum = []")

        # audio only and back: the choice is held by the page, not read back from storage
        audio_only = peer.get_by_role("button", name="Audio only")
        await audio_only.click()
        await expect(audio_only).to_have_attribute("aria-pressed", "true")
        await audio_only.click()
        await expect(audio_only).to_have_attribute("aria-pressed", "false")
        camera = peer.get_by_role("button", name=re.compile(r"^Camera (on|off)$"))
        await expect(camera).to_have_text("Camera off")
        await expect(camera).to_have_attribute("aria-pressed", "false")
        # with video again, the camera's m-line offered without a track: never asked for
        await peer.wait_for_function(
            "() => holdspaceMedia.local().cameraSender === 'none'", polling=200, timeout=30_000
        )
        assert not [c for c in await peer.evaluate("window.__gum") if c["video"]]
        await expect(robin).to_have_attribute("aria-label", "Robin: camera off, microphone on")
