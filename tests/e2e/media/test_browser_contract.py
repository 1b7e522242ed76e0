"""Headless Chromium follows the client contract of docs/media.md against the SFU.

The page builds the offer exactly as the contract says (sendonly mic and camera, recvonly
slots, offer sent after ICE gathering completes), the backend is called directly through
a one-route HTTP app, and an aiortc peer sits in the same room.
"""

from __future__ import annotations

import pytest
from aiohttp import web

from server.media.backend import Layout
from server.media.sfu import AiortcMediaBackend
from server.tools.media_peer import MediaPeer
from tests.e2e.media.conftest import page_on
from tests.integration.media.conftest import eventually

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("require_chromium")]

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


async def test_chromium_publishes_and_receives_through_slots(backend: AiortcMediaBackend) -> None:
    layouts: dict[str, Layout] = {}
    backend.add_layout_listener(lambda pid, layout: layouts.__setitem__(pid, layout))

    async def join(request: web.Request) -> web.Response:
        return web.Response(text=await backend.join("browser", "main", await request.text()))

    async def page_html(_: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page_html)
    app.router.add_post("/join", join)

    async def signal(offer: str) -> str:
        return await backend.join("bot", "main", offer)

    bot = MediaPeer("bot", None, signal, badge=5, slots=2)
    backend.add_layout_listener(lambda pid, layout: pid == "bot" and bot.apply_layout(layout))
    try:
        async with page_on(app) as page:
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
            await page.wait_for_function(
                """async ([video, audio]) => {
                  const inbound = await window.inbound();
                  return (inbound[video]?.frames || 0) > 5 && (inbound[audio]?.packets || 0) > 20;
                }""",
                arg=[slot.video_mid, slot.audio_mid],
                polling=100,
                timeout=15_000,
            )
            inbound = await page.evaluate("window.inbound()")
            assert inbound[slot.video_mid]["frames"] > 5, inbound
            assert inbound[slot.audio_mid]["packets"] > 20, inbound
    finally:
        await bot.close()
