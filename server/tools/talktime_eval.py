"""``python -m server.tools.talktime_eval FILE.wav [FILE.wav ...]``: how much speaking time and
how many turns the server measures for each recording.

It starts a Holdspace server on the embedded defaults (SQLite in a temporary data directory, a
free port on 127.0.0.1, media on loopback only), lets the first-run bootstrap create the admin,
facilitators and a session, signs in over HTTP as the lead, opens the lobby, joins one headless
peer per file through the real invite link and lobby (``sim_peer``), admits them, goes live,
plays every file at once and waits until they have ended and the last turns have closed. Then it
reads the talk-time JSON as the facilitator (``GET /api/sessions/{id}/talk-time``) and prints one
JSON line per file: ``{"file": ..., "speaking_s": float, "turns": int}``. Progress goes to
standard error. Any WAV works (mono or stereo, any sample rate).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import secrets
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import av
import socketio
from aiohttp import web

from server.app import create_app
from server.bootstrap import ensure_first_run
from server.settings import Settings
from server.tools.media_sources import load_wav_mono_48k
from server.tools.sim_peer import SimPeer

TIMEOUT_S = 15.0
# A turn closes ~600 ms after speech stops and the ledger merges pauses shorter than 1 s:
# figures are read once nobody has been speaking for this long after the files ended.
SETTLE_S = 1.5


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _check_wav(path: Path) -> float:
    """Seconds of audio (any WAV ffmpeg reads: PCM or float, mono or stereo, any rate)."""
    try:
        samples = load_wav_mono_48k(path)
    except av.error.FFmpegError as exc:
        raise ValueError(f"{path}: not a readable audio file ({exc})") from None
    if len(samples) == 0:
        raise ValueError(f"{path}: no audio")
    return len(samples) / 48_000


class Lead:
    """The lead facilitator: signed in over HTTP, in the session over socket.io."""

    def __init__(self, base_url: str, session_id: str) -> None:
        self.base_url = base_url
        self.session_id = session_id
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""
        self.sio = socketio.AsyncClient(reconnection=False)
        self.admit_names: set[str] = set()
        self.admitted: set[str] = set()
        self.sio.on("lobby:updated", self._on_lobby)
        self._told_fallback = False

    async def sign_in(self, email: str, password: str) -> None:
        async with self.http.post(
            self.base_url + "/api/auth/login", json={"email": email, "password": password}
        ) as response:
            body = await response.json()
            if response.status != 200:
                raise RuntimeError(f"sign-in refused: {body}")
        self.csrf = body["csrf_token"]
        if body["user"]["must_change_password"]:
            async with self.http.post(
                self.base_url + "/api/auth/password",
                json={"current_password": password, "new_password": secrets.token_urlsafe(16)},
                headers={"X-CSRF-Token": self.csrf},
            ) as response:
                if response.status != 200:
                    raise RuntimeError(f"password change refused: {await response.text()}")
            # changing the password signs the other browsers out, not this one
            async with self.http.get(self.base_url + "/api/auth/me") as response:
                self.csrf = (await response.json())["csrf_token"]

    async def call(self, event: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = await self.sio.call(event, data or {}, timeout=TIMEOUT_S)
        if not isinstance(answer, dict) or not answer.get("ok"):
            raise RuntimeError(f"{event} refused: {answer}")
        return answer

    async def enter(self) -> None:
        cookie = next(c.value for c in self.http.cookie_jar if c.key == "hs_session")
        await self.sio.connect(
            self.base_url, auth={"session_id": self.session_id},
            headers={"Cookie": f"hs_session={cookie}"}, transports=["websocket"],
            wait_timeout=TIMEOUT_S,
        )
        await self.call("session:join")
        await self.call("session:open_lobby")

    async def _on_lobby(self, data: dict[str, Any]) -> None:
        for waiting in data.get("waiting", ()):
            member_id = waiting["member_id"]
            if waiting["pseudonym"] in self.admit_names and member_id not in self.admitted:
                self.admitted.add(member_id)
                await self.call("lobby:admit", {"member_id": member_id})

    async def talk_time(self, fallback: Any) -> dict[str, Any]:
        """The talk-time JSON as a facilitator reads it; ``fallback()`` (the same report read
        in-process) only while the HTTP route does not exist in this build."""
        url = f"{self.base_url}/api/sessions/{self.session_id}/talk-time"
        async with self.http.get(url) as response:
            if response.status == 404:
                if not self._told_fallback:
                    self._told_fallback = True
                    log("GET /talk-time is not in this build; reading TalkTime.report in-process")
                return dict(await fallback())
            body = await response.json()
            if response.status != 200:
                raise RuntimeError(f"talk-time refused: {body}")
            return dict(body)

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
        await self.http.close()


def _someone_speaking(report: dict[str, Any], members: set[str]) -> bool:
    return any(
        m["speaking"] and m["member"] in members
        for room in report["rooms"].values()
        for m in room["members"]
    )


def _figures(report: dict[str, Any], member_id: str) -> tuple[float, int]:
    total_ms, turns = 0, 0
    for room in report["rooms"].values():
        for m in room["members"]:
            if m["member"] == member_id:
                total_ms += m["total_ms"]
                turns += m["turns"]
    return total_ms / 1000, turns


async def evaluate(
    files: list[Path], *, with_video: bool = False, timeout_s: float | None = None
) -> list[dict[str, Any]]:
    lengths = [_check_wav(f) for f in files]
    budget_s = timeout_s if timeout_s is not None else max(lengths) + 90.0
    deadline = time.monotonic() + budget_s
    with tempfile.TemporaryDirectory(prefix="holdspace-eval-") as tmp:
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        settings = Settings(
            host="127.0.0.1", port=port, data_dir=Path(tmp), secret_key=secrets.token_urlsafe(32),
            public_url=base_url, media_host_addresses=("127.0.0.1",), log_level="WARNING",
        )
        app = create_app(settings)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        lead: Lead | None = None
        peers: list[SimPeer] = []
        try:
            with contextlib.redirect_stdout(sys.stderr):  # the first-run logins
                first = await ensure_first_run(app)
            assert first is not None, "a fresh data directory always runs the first start"
            lead = Lead(base_url, first.session_id)
            await lead.sign_in(first.lead_email, first.lead_password)
            await lead.enter()
            gate = asyncio.Event()
            names = [f"Voice {i + 1}" for i in range(len(files))]
            lead.admit_names.update(names)
            peers = [
                SimPeer(
                    first.invite_url, name, path, session_id=first.session_id,
                    audio_only=not with_video, badge=i + 1, gate=gate,
                    emit=lambda line: log(json.dumps(line)),
                )
                for i, (name, path) in enumerate(zip(names, files, strict=True))
            ]

            def left() -> float:
                return max(0.1, deadline - time.monotonic())

            await asyncio.wait_for(asyncio.gather(*(p.join(left()) for p in peers)), left())
            await lead.call("session:go_live", {"solo_reason": "talk-time evaluation"})
            log(f"playing {len(files)} file(s) at once")
            gate.set()
            await asyncio.wait_for(
                asyncio.gather(*(p.media.microphone.finished.wait() for p in peers if p.media)),
                left(),
            )
            members = {p.member["id"] for p in peers}
            from server.realtime.namespace import RUNTIME
            from server.services.talk_time import TalkTime

            async def in_process() -> dict[str, Any]:
                return await TalkTime(app[RUNTIME]).report(first.session_id)

            ended_at = time.monotonic()
            while True:  # bounded by the deadline; the figures settle within ~1.5 s
                report = await lead.talk_time(in_process)
                quiet = not _someone_speaking(report, members)
                if quiet and time.monotonic() - ended_at >= SETTLE_S:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError("talk time did not settle before the time limit")
                await asyncio.sleep(0.2)
            results = []
            for path, peer in zip(files, peers, strict=True):
                speaking_s, turns = _figures(report, peer.member["id"])
                results.append(
                    {"file": str(path), "speaking_s": round(speaking_s, 3), "turns": turns}
                )
            return results
        finally:
            for peer in peers:
                with contextlib.suppress(Exception):
                    await peer.close()
            if lead is not None:
                await lead.close()
            await runner.cleanup()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m server.tools.talktime_eval",
        description="Play WAV files as simultaneous headless peers in a fresh local Holdspace "
        "server and print the speaking time and turns the server measured for each, one JSON "
        "line per file.",
    )
    parser.add_argument("files", nargs="+", type=Path, help="WAV files (mono or stereo)")
    parser.add_argument("--with-video", action="store_true",
                        help="also send a synthetic camera from each peer")
    parser.add_argument("--timeout", type=float, default=None,
                        help="give up after this many seconds (default: longest file + 90)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        results = asyncio.run(
            evaluate(args.files, with_video=args.with_video, timeout_s=args.timeout)
        )
    except (OSError, ValueError) as exc:
        log(f"talktime_eval: {exc}")
        return 2
    for line in results:
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
