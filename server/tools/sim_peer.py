"""``python -m server.tools.sim_peer``: a headless peer that joins a session the way a browser
does and plays a WAV file as its microphone (plus a synthetic camera).

The flow is the browser's, over the same HTTP routes and socket.io events: open the invite
(``GET /api/invites/{token}``), choose a pseudonym (``POST /api/invites/{token}/members`` ->
member token), connect with ``{session_id, member_token}``, ``session:join``, accept the
ground rules, enter the lobby, wait for ``lobby:admitted``, then ``media:config`` and
``media:join`` with an offer built as docs/media.md says. It prints JSON lines on standard
output: what happened (``member``, ``waiting``, ``admitted``, ``media``) and, every
``--report-every`` seconds and at the end, the frames it received per person (``received``).

Everything is bounded in time: admission waits ``--admit-timeout`` seconds, the whole run ends
after ``--duration`` seconds (default: the WAV's length plus three seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import aiohttp
import socketio

from server.media.backend import Layout, SlotAssignment
from server.media.ice import LOOPBACK, IceSettings
from server.tools.media_peer import MediaPeer
from server.tools.media_sources import WavMicrophone

TIMEOUT_S = 15.0
Emit = Callable[[dict[str, Any]], None]


def print_json(line: dict[str, Any]) -> None:
    print(json.dumps(line, sort_keys=True), flush=True)


def layout_from_json(raw: dict[str, Any]) -> Layout:
    return Layout(
        room_id=raw["room_id"],
        slots=tuple(
            SlotAssignment(s["index"], s["audio_mid"], s["video_mid"], s["participant_id"])
            for s in raw["slots"]
        ),
        unslotted=tuple(raw.get("unslotted", ())),
    )


def split_invite(invite_url: str, server: str | None = None) -> tuple[str, str]:
    """(base URL, invite token) of ``{base}/join/{token}``; ``server`` overrides the base."""
    parts = urlsplit(invite_url)
    token = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    base = server or f"{parts.scheme}://{parts.netloc}"
    if not token or not base.startswith(("http://", "https://")):
        raise ValueError(f"not an invite link: {invite_url!r}")
    return base.rstrip("/"), token


class SimPeer:
    """One simulated peer. ``await join()``, then ``media`` is the running MediaPeer."""

    def __init__(
        self,
        invite_url: str,
        name: str,
        audio: str | Path | None,
        *,
        server: str | None = None,
        session_id: str | None = None,
        audio_only: bool = False,
        badge: int = 0,
        decode: bool = False,
        ice: IceSettings = LOOPBACK,
        emit: Emit = print_json,
        gate: asyncio.Event | None = None,
    ) -> None:
        self.base_url, self.token = split_invite(invite_url, server)
        self.name = name
        self._audio = audio
        self._session_id = session_id
        self._audio_only = audio_only
        self._badge = badge
        self._decode = decode
        self._ice = ice
        self._emit = emit
        self._gate = gate
        self.sio = socketio.AsyncClient(reconnection=False)
        self.member: dict[str, Any] = {}
        self.member_token = ""
        self.session_id = ""
        self.media: MediaPeer | None = None
        self.names: dict[str, str] = {}
        self._admitted = asyncio.Event()
        self._pending_layout: Layout | None = None
        self.sio.on("lobby:admitted", self._on_admitted)
        self.sio.on("lobby:declined", self._on_declined)
        self.sio.on("media:layout", self._on_layout)
        self.sio.on("room:participants", self._on_participants)
        self._declined: str | None = None

    # -- socket events ---------------------------------------------------------------------

    async def _on_admitted(self, data: dict[str, Any]) -> None:
        self._remember(data.get("room") or {})
        self._admitted.set()

    async def _on_declined(self, data: dict[str, Any]) -> None:
        self._declined = data.get("message") or "declined"
        self._admitted.set()

    async def _on_participants(self, data: dict[str, Any]) -> None:
        self._remember(data)

    def _remember(self, room: dict[str, Any]) -> None:
        for person in room.get("participants", ()):
            self.names[person["id"]] = person["name"]

    async def _on_layout(self, data: dict[str, Any]) -> None:
        layout = layout_from_json(data)
        if self.media is not None:
            self.media.apply_layout(layout)
        else:
            self._pending_layout = layout

    async def _call(self, event: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = await self.sio.call(event, data or {}, timeout=TIMEOUT_S)
        if not isinstance(answer, dict) or not answer.get("ok"):
            raise RuntimeError(f"{event} refused: {answer}")
        return answer

    # -- the flow --------------------------------------------------------------------------

    async def _http(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, self.base_url + path, json=body) as response,
        ):
            data: dict[str, Any] = await response.json()
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: {response.status} {data}")
        return data

    async def join(self, admit_timeout_s: float = 60.0) -> None:
        """Invite -> member -> socket -> rules -> lobby -> admitted -> media."""
        invite = await self._http("GET", f"/api/invites/{self.token}")
        sessions = invite["sessions"]
        if self._session_id is None:
            live = [s for s in sessions if s["state"] in ("live", "lobby_open")] or sessions
            if not live:
                raise RuntimeError("this invite's group has no session to join")
            self._session_id = live[0]["id"]
        self.session_id = self._session_id
        created = await self._http(
            "POST", f"/api/invites/{self.token}/members", {"pseudonym": self.name}
        )
        self.member = created["member"]
        self.member_token = created["member_token"]
        self._emit({"event": "member", "name": self.name, "member_id": self.member["id"]})
        await self.sio.connect(
            self.base_url,
            auth={"session_id": self.session_id, "member_token": created["member_token"]},
            transports=["websocket"],
            wait_timeout=TIMEOUT_S,
        )
        joined = await self._call("session:join")
        if joined.get("room") is None:
            await self._call("lobby:accept_rules")
            await self._call("lobby:enter")
            self._emit({"event": "waiting", "name": self.name})
            await asyncio.wait_for(self._admitted.wait(), admit_timeout_s)
            if self._declined is not None:
                raise RuntimeError(f"declined: {self._declined}")
        else:
            self._remember(joined["room"])
        self._emit({"event": "admitted", "name": self.name})
        await self.start_media()

    async def start_media(self) -> None:
        config = await self._call("media:config")
        layout_in_ack: list[Layout] = []

        async def signal(offer_sdp: str) -> str:
            answer = await self._call(
                "media:join", {"offer_sdp": offer_sdp, "audio_only": self._audio_only}
            )
            if answer.get("layout"):
                layout_in_ack.append(layout_from_json(answer["layout"]))
            return str(answer["answer_sdp"])

        self.media = MediaPeer(
            self.name,
            self._audio,
            signal,
            ice=self._ice,
            slots=int(config["slots"]),
            audio_only=self._audio_only,
            badge=self._badge,
            decode=self._decode,
        )
        if self._gate is not None:
            self.media.microphone = WavMicrophone(self._audio, gate=self._gate)
        await self.media.start()
        # a layout event may have come before or after the ack; the latest one wins
        latest = self._pending_layout or (layout_in_ack[0] if layout_in_ack else None)
        if latest is not None and self.media.layout is None:
            self.media.apply_layout(latest)
        self._emit({"event": "media", "name": self.name, "slots": config["slots"]})

    # -- reporting -------------------------------------------------------------------------

    def received(self) -> dict[str, Any]:
        """Frames received so far, per kind and per person (pseudonym when known)."""
        counts: dict[str, dict[str, int]] = {"audio": {}, "video": {}}
        if self.media is not None:
            for (kind, source), n in self.media.frames_by_source.items():
                counts[kind][self.names.get(source, source)] = n
        return counts

    def report(self) -> dict[str, Any]:
        return {
            "event": "received",
            "name": self.name,
            "at_ms": time.time_ns() // 1_000_000,
            **self.received(),
        }

    async def run(self, duration_s: float, report_every_s: float) -> None:
        deadline = time.monotonic() + duration_s
        while (remaining := deadline - time.monotonic()) > 0:
            await asyncio.sleep(min(report_every_s, remaining))  # pacing the report, no sync
            self._emit(self.report())

    async def close(self) -> None:
        if self.media is not None:
            with contextlib.suppress(Exception):
                await self._call("media:leave")
            await self.media.close()
        if self.sio.connected:
            await self.sio.disconnect()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m server.tools.sim_peer",
        description="Join a Holdspace session through its invite link and lobby, like a "
        "browser, and play a WAV file as the microphone (plus a synthetic camera). Prints "
        "JSON lines: progress events and the frames received per person.",
    )
    parser.add_argument("--invite", required=True, help="invite link, .../join/TOKEN")
    parser.add_argument("--name", required=True, help="pseudonym to join with")
    parser.add_argument(
        "--audio",
        help="WAV file to play as the microphone (any rate, mono or stereo); silence when left out",
    )
    parser.add_argument("--server", help="server base URL when it differs from the link's")
    parser.add_argument("--session", help="session id (default: the live or open one)")
    parser.add_argument("--audio-only", action="store_true", help="no camera, receive audio only")
    parser.add_argument("--badge", type=int, default=0, help="number drawn into the camera image")
    parser.add_argument(
        "--host-address",
        action="append",
        default=None,
        help="local address to gather ICE candidates on (repeatable; default "
        "127.0.0.1: loopback only)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help="seconds to stay after joining (default: WAV length + 3)",
    )
    parser.add_argument(
        "--admit-timeout",
        type=float,
        default=120.0,
        help="seconds to wait in the lobby before giving up",
    )
    parser.add_argument("--report-every", type=float, default=1.0, help="seconds between reports")
    return parser.parse_args(argv)


async def main_async(args: argparse.Namespace) -> int:
    ice = IceSettings(servers=(), host_addresses=tuple(args.host_address or ("127.0.0.1",)))
    peer = SimPeer(
        args.invite,
        args.name,
        args.audio,
        server=args.server,
        session_id=args.session,
        audio_only=args.audio_only,
        badge=args.badge,
        ice=ice,
    )
    try:
        await peer.join(args.admit_timeout)
        assert peer.media is not None
        duration = args.duration
        if duration is None:
            duration = peer.media.microphone.duration_s + 3.0
        await peer.run(duration, args.report_every)
    except Exception as exc:  # noqa: BLE001 - a command line tool reports and exits
        print_json({"event": "error", "name": args.name, "message": str(exc)})
        return 1
    finally:
        await peer.close()
    print_json({**peer.report(), "event": "done"})
    return 0


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
