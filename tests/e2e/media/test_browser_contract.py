"""Headless Chromium follows the client contract of docs/media.md against the SFU.

The page builds the offer exactly as the contract says (sendonly mic and camera, recvonly
slots, offer sent after ICE gathering completes), the backend is called directly through
a one-route HTTP app, and an aiortc peer sits in the same room.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from server.media.backend import Layout
from server.media.ice import LOOPBACK
from server.media.sfu import AiortcMediaBackend
from server.tools.media_peer import MediaPeer
from tests.integration.media.conftest import eventually

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium"),
]

CHROMIUM_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PAGE = """<!doctype html><script type="module">
const SLOTS = 2;
const pc = new RTCPeerConnection({bundlePolicy: "max-bundle", iceServers: []});
const media = await navigator.mediaDevices.getUserMedia({audio: true, video: {width: 320}});
pc.addTransceiver(media.getAudioTracks()[0], {direction: "sendonly"});
pc.addTransceiver(media.getVideoTracks()[0], {direction: "sendonly"});
for (let i = 0; i < SLOTS; i++) {
  pc.addTransceiver("audio", {direction: "recvonly"});
  pc.addTransceiver("video", {direction: "recvonly"});
}
await pc.setLocalDescription(await pc.createOffer());
await new Promise(done => {
  if (pc.iceGatheringState === "complete") return done();
  pc.addEventListener("icegatheringstatechange",
    () => pc.iceGatheringState === "complete" && done());
});
const response = await fetch("/join", {method: "POST", body: pc.localDescription.sdp});
await pc.setRemoteDescription({type: "answer", sdp: await response.text()});
window.inbound = async () => {
  const out = {};
  for (const t of pc.getTransceivers()) {
    if (t.direction !== "recvonly") continue;
    const stats = await t.receiver.getStats();
    stats.forEach(s => {
      if (s.type === "inbound-rtp") {
        out[t.mid] = {kind: s.kind, packets: s.packetsReceived, frames: s.framesDecoded || 0};
      }
    });
  }
  return out;
};
window.ready = true;
</script>"""


@pytest.fixture
async def backend() -> AsyncIterator[AiortcMediaBackend]:
    b = AiortcMediaBackend(LOOPBACK)
    yield b
    await b.close()


async def test_chromium_publishes_and_receives_through_slots(backend: AiortcMediaBackend) -> None:
    from playwright.async_api import async_playwright

    layouts: dict[str, Layout] = {}
    backend.add_layout_listener(lambda pid, layout: layouts.__setitem__(pid, layout))

    async def join(request: web.Request) -> web.Response:
        return web.Response(text=await backend.join("browser", "main", await request.text()))

    async def page_html(_: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page_html)
    app.router.add_post("/join", join)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def signal(offer: str) -> str:
        return await backend.join("bot", "main", offer)

    bot = MediaPeer("bot", None, signal, badge=5, slots=2)
    backend.add_layout_listener(lambda pid, layout: pid == "bot" and bot.apply_layout(layout))
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            page = await browser.new_page()
            await page.goto(f"http://127.0.0.1:{port}/")
            await page.wait_for_function("window.ready === true", timeout=15_000)
            await bot.start()

            # the bot hears and sees the browser
            await eventually(
                lambda: (
                    bot.received("audio", "browser") > 20 and bot.received("video", "browser") > 5
                ),
                15.0,
                "the bot to receive the browser",
            )
            # the browser decodes the bot's video in the slot the layout names
            slot = next(s for s in layouts["browser"].slots if s.participant_id == "bot")
            inbound: dict = {}
            for _ in range(150):
                inbound = await page.evaluate("window.inbound()")
                if (
                    inbound.get(slot.video_mid, {}).get("frames", 0) > 5
                    and inbound.get(slot.audio_mid, {}).get("packets", 0) > 20
                ):
                    break
                await page.wait_for_timeout(100)
            assert inbound[slot.video_mid]["frames"] > 5, inbound
            assert inbound[slot.audio_mid]["packets"] > 20, inbound
            await browser.close()
    finally:
        await bot.close()
        await runner.cleanup()
