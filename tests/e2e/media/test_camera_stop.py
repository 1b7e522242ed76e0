"""The client's media connection (client/features/media/connection.js) in headless Chromium
against the SFU: switching the camera off stops the camera track and sends nothing; a rejoin
(the socket came back) keeps it off; switching it on puts a new track on the same connection
(no new join, no renegotiation); a refused camera leaves it off and the microphone working.

The page imports the real module and gives it a stand-in socket that answers `media:config`,
passes `media:join` to the backend over a one-route HTTP app, and records `media:state`. What
the browser sends is measured where it arrives: the SFU's counters for the browser.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from server.media.sfu import AiortcMediaBackend
from tests.e2e.media.conftest import page_on
from tests.integration.media.conftest import eventually

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("require_chromium")]

CLIENT = Path(__file__).resolve().parents[3] / "client"
WAIT_S = 20.0

PAGE = """<!doctype html><script type="module">
import { createMediaConnection } from "/client/features/media/connection.js";

const calls = [];
const phases = [];
const cameraNotices = [];
async function answer(event, payload) {
  calls.push({ event, payload });
  if (event === "media:config") return { ok: true, ice_servers: [], slots: 2 };
  if (event === "media:join") {
    const response = await fetch("/join", { method: "POST", body: JSON.stringify(payload) });
    return { ok: true, answer_sdp: await response.text(), room_id: "main", layout: null };
  }
  return { ok: true };
}
const socket = {
  connected: true,
  on() {},
  timeout() {
    return { emit(event, payload, ack) { answer(event, payload).then((a) => ack(null, a)); } };
  },
};
// the test can make the browser refuse the camera (not the microphone)
window.refuseCamera = false;
const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (constraints) =>
  window.refuseCamera && constraints.video
    ? Promise.reject(new DOMException("refused by the test", "NotAllowedError"))
    : realGetUserMedia(constraints);

let local = null;
const connection = createMediaConnection(() => socket, {
  onLocalStream: (stream) => { local = stream; },
  onSlots: () => {},
  onLayout: () => {},
  onState: (phase) => phases.push(phase),
  onCamera: (on, problem) => cameraNotices.push({ on, problem }),
});
window.media = {
  connection, calls, phases, cameraNotices,
  local: () => local,
  joins: () => calls.filter((c) => c.event === "media:join"),
  lastState: () =>
    calls.filter((c) => c.event === "media:state").map((c) => c.payload).pop() || null,
  // what the browser holds: the stream's tracks and what the camera's sender carries
  view: () => ({
    video: local ? local.getVideoTracks().map((t) => t.readyState) : [],
    audio: local ? local.getAudioTracks().map((t) => t.readyState) : [],
    ...connection.local(),
  }),
};
window.ready = true;
</script>"""


def unchanged_for(read: Callable[[], int], quiet_s: float) -> Callable[[], bool]:
    """A condition that holds once `read()` has not changed for `quiet_s` seconds of polling."""
    seen: dict[str, Any] = {"value": None, "since": 0.0}

    def check() -> bool:
        value, now = read(), time.monotonic()
        if value != seen["value"]:
            seen.update(value=value, since=now)
            return False
        return now - seen["since"] >= quiet_s

    return check


async def test_camera_off_stops_the_track_survives_a_rejoin_and_comes_back(
    backend: AiortcMediaBackend,
) -> None:
    async def join(request: web.Request) -> web.Response:
        body = json.loads(await request.text())
        answer = await backend.join(
            "browser", "main", body["offer_sdp"], audio_only=body["audio_only"]
        )
        return web.Response(text=answer)

    async def page_html(_: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page_html)
    app.router.add_post("/join", join)
    app.router.add_static("/client", CLIENT)

    def received(kind: str) -> int:
        if backend.room_of("browser") is None:
            return -1
        stats = backend.stats("browser")
        return stats.video_frames_received if kind == "video" else stats.audio_frames_received

    async with page_on(app) as page:

        async def view() -> dict[str, Any]:
            return dict(await page.evaluate("media.view()"))

        async def last_state() -> dict[str, Any] | None:
            return await page.evaluate("media.lastState()")  # type: ignore[no-any-return]

        await page.evaluate("media.connection.start({audioOnly: false})")
        await page.wait_for_function("media.phases.includes('on')", timeout=15_000)
        await eventually(lambda: received("video") > 10, WAIT_S, "the camera at the SFU")
        assert await view() == {
            "video": ["live"],
            "audio": ["live"],
            "tracks": [
                {"kind": "audio", "readyState": "live", "enabled": True},
                {"kind": "video", "readyState": "live", "enabled": True},
            ],
            "cameraSender": "live",
        }

        # off: the very track that was sending has ended (camera light off), the stream
        # holds none, the sender carries nothing, and the SFU stops getting frames
        await page.evaluate("window.camera = media.local().getVideoTracks()[0]")
        await page.evaluate("media.connection.setCamera(false)")
        assert await page.evaluate("window.camera.readyState") == "ended"
        state = await view()
        assert state["video"] == [] and state["cameraSender"] == "none", state
        assert await last_state() == {"camera_on": False, "mic_on": True}
        await eventually(unchanged_for(lambda: received("video"), 1.5), WAIT_S, "video to stop")
        stopped_at, audio_at = received("video"), received("audio")
        await eventually(lambda: received("audio") > audio_at + 25, WAIT_S, "audio to go on")
        assert received("video") == stopped_at

        # the socket drops and comes back: a new join, still without a camera track, the
        # camera m-line offered (so it can come back) and the camera said to be off
        await page.evaluate("media.connection.pause(); media.connection.resume()")
        await page.wait_for_function("media.joins().length === 2", timeout=15_000)
        await page.wait_for_function(
            "media.phases.lastIndexOf('on') > media.phases.lastIndexOf('reconnecting')",
            timeout=15_000,
        )
        rejoin = (await page.evaluate("media.joins()"))[1]["payload"]
        assert rejoin["camera_on"] is False and rejoin["audio_only"] is False
        assert "a=sendonly" in rejoin["offer_sdp"].split("m=video", 1)[1].split("m=")[0]
        assert backend.publishes_video("browser")
        state = await view()
        assert state["video"] == [] and state["cameraSender"] == "none", state
        await eventually(lambda: received("audio") > 50, WAIT_S, "audio after the rejoin")
        assert received("video") == 0

        # the browser refuses the camera: it stays off, nothing is sent, the person is
        # told in words, the microphone carries on
        await page.evaluate("window.refuseCamera = true")
        await page.evaluate("media.connection.setCamera(true)")
        notices = await page.evaluate("media.cameraNotices")
        assert [n["on"] for n in notices] == [False]
        assert "did not let us use your camera" in notices[0]["problem"]
        state = await view()
        assert state["video"] == [] and state["cameraSender"] == "none", state
        assert await last_state() == {"camera_on": False, "mic_on": True}
        audio_at = received("audio")
        await eventually(lambda: received("audio") > audio_at + 25, WAIT_S, "audio to go on")
        assert received("video") == 0

        # on again: a new live track on the same sender, frames arrive, no new join
        await page.evaluate("window.refuseCamera = false")
        await page.evaluate("media.connection.setCamera(true)")
        state = await view()
        assert state["video"] == ["live"] and state["cameraSender"] == "live", state
        assert await page.evaluate("window.camera.readyState") == "ended"
        assert await last_state() == {"camera_on": True, "mic_on": True}
        await eventually(lambda: received("video") > 10, WAIT_S, "video again at the SFU")
        assert await page.evaluate("media.joins().length") == 2
