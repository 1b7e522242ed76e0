"""A Holdspace server started in this process on the embedded defaults, with its lead
facilitator signed in and in the session: what ``talktime_eval`` and ``bench.speaking_bench``
drive headless peers (``sim_peer``) against.

SQLite in a temporary data directory, a free port on 127.0.0.1, media on loopback only
(``MEDIA_HOST_ADDRESSES=127.0.0.1``); the first-run bootstrap creates the admin, facilitators,
a group and a session, and the lead signs in over HTTP, joins over socket.io and opens the
lobby, admitting the pseudonyms put in ``lead.admit_names``.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import socketio
from aiohttp import web

from server.app import create_app
from server.bootstrap import FirstRun, ensure_first_run
from server.settings import Settings

TIMEOUT_S = 15.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
            self.base_url,
            auth={"session_id": self.session_id},
            headers={"Cookie": f"hs_session={cookie}"},
            transports=["websocket"],
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


@dataclass
class LocalServer:
    app: web.Application
    base_url: str
    first: FirstRun
    lead: Lead


@contextlib.asynccontextmanager
async def local_server(on_lead: Any = None) -> AsyncIterator[LocalServer]:
    """Start the server, sign the lead in and open the lobby; stop everything on exit.

    ``on_lead(lead)`` runs before the lead's socket connects (to add event handlers)."""
    with tempfile.TemporaryDirectory(prefix="holdspace-local-") as tmp:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        settings = Settings(
            host="127.0.0.1",
            port=port,
            data_dir=Path(tmp),
            secret_key=secrets.token_urlsafe(32),
            public_url=base_url,
            media_host_addresses=("127.0.0.1",),
            log_level="WARNING",
        )
        app = create_app(settings)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        lead: Lead | None = None
        try:
            with contextlib.redirect_stdout(sys.stderr):  # the first-run logins
                first = await ensure_first_run(app)
            assert first is not None, "a fresh data directory always runs the first start"
            lead = Lead(base_url, first.session_id)
            if on_lead is not None:
                on_lead(lead)
            await lead.sign_in(first.lead_email, first.lead_password)
            await lead.enter()
            yield LocalServer(app, base_url, first, lead)
        finally:
            if lead is not None:
                await lead.close()
            await runner.cleanup()
