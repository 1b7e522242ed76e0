"""Helpers for integration tests that need signed-in staff, a seeded group, or a peer.

seed = await seed_group_with_session(running_server.app)
base = running_server.base_url
async with await signed_in(base, seed.lead_email, seed.lead_password) as lead:
    status, body = await lead.get("/api/me/sessions")
member, member_token = await join_as_peer(base, seed.invite_token, "Sam")
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp import web

from server import context
from server.services import accounts, groups, invites, sessions_admin
from server.services.accounts import SESSION_COOKIE
from server.services.timeutil import now_from

PASSWORD = "correct horse battery staple"


@dataclass
class StaffClient:
    """A browser-like staff client: cookie jar with `hs_session`, CSRF header on writes."""

    base_url: str
    http: aiohttp.ClientSession
    csrf_token: str
    user: dict[str, Any]

    async def request(
        self, method: str, path: str, json: Any = None, *, csrf: bool = True, data: Any = None
    ) -> tuple[int, dict[str, Any]]:
        headers = {"X-CSRF-Token": self.csrf_token} if csrf else {}
        kwargs: dict[str, Any] = {"headers": headers}
        if data is not None:
            kwargs["data"] = data
            headers["Content-Type"] = "application/json"
        elif json is not None:
            kwargs["json"] = json
        async with self.http.request(method, self.base_url + path, **kwargs) as response:
            return response.status, await response.json()

    async def get(self, path: str) -> tuple[int, dict[str, Any]]:
        return await self.request("GET", path)

    async def post(self, path: str, json: Any = None, **kw: Any) -> tuple[int, dict[str, Any]]:
        return await self.request("POST", path, json, **kw)

    async def patch(self, path: str, json: Any = None, **kw: Any) -> tuple[int, dict[str, Any]]:
        return await self.request("PATCH", path, json, **kw)

    async def put(self, path: str, json: Any = None, **kw: Any) -> tuple[int, dict[str, Any]]:
        return await self.request("PUT", path, json, **kw)

    async def delete(self, path: str, **kw: Any) -> tuple[int, dict[str, Any]]:
        return await self.request("DELETE", path, **kw)

    @property
    def session_token(self) -> str:
        """The `hs_session` cookie value (e.g. for a socket.io handshake)."""
        for cookie in self.http.cookie_jar:
            if cookie.key == SESSION_COOKIE:
                return cookie.value
        raise AssertionError("not signed in")

    @property
    def cookie_header(self) -> str:
        """`hs_session=...`, ready for `socketio.AsyncClient.connect(headers={"Cookie": ...})`."""
        return f"{SESSION_COOKIE}={self.session_token}"

    async def close(self) -> None:
        await self.http.close()

    async def __aenter__(self) -> StaffClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


async def signed_in(base_url: str, email: str, password: str) -> StaffClient:
    """Sign in over HTTP like a browser; fails the test if the login is refused."""
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.post(
        base_url + "/api/auth/login", json={"email": email, "password": password}
    ) as response:
        body = await response.json()
    if response.status != 200:
        await http.close()
        raise AssertionError(f"login as {email} refused: {response.status} {body}")
    return StaffClient(
        base_url=base_url, http=http, csrf_token=body["csrf_token"], user=body["user"]
    )


@dataclass(frozen=True)
class Seed:
    admin_id: str
    admin_email: str
    admin_password: str
    lead_id: str
    lead_email: str
    lead_password: str
    co_id: str
    co_email: str
    co_password: str
    standby_id: str
    standby_email: str
    standby_password: str
    group_id: str
    session_id: str
    invite_id: str
    invite_token: str
    invite_url: str


async def seed_group_with_session(
    app: web.Application, *, tag: str = "", capacity: int = 10, start_in_s: int = 0
) -> Seed:
    """Through the services: an admin, three facilitators assigned to one group (lead, co and a
    standby), a scheduled session starting `start_in_s` from now (lasting 90 minutes), and an
    invite. Every password is `PASSWORD`; no one must change it. `tag` keeps emails apart when a
    test seeds more than one group (`lead{tag}@example.test`)."""
    db = app[context.DB]
    settings = app[context.SETTINGS]
    people: dict[str, Any] = {}
    async with db() as session, session.begin():
        for role, is_admin in (("admin", True), ("lead", False), ("co", False), ("standby", False)):
            people[role] = await accounts.add_user(
                session,
                email=f"{role}{tag}@example.test",
                display_name=f"{role.title()} {tag}".strip(),
                password=PASSWORD,
                is_admin=is_admin,
                is_facilitator=not is_admin,
                must_change_password=False,
            )
    admin = people["admin"]
    group = await groups.create_group(
        db,
        actor_id=admin.id,
        fields={
            "name": f"Test group {tag}".strip(),
            "capacity": capacity,
            "facilitator_ids": [people[r].id for r in ("lead", "co", "standby")],
        },
    )
    start = now_from(app[context.CLOCK]) + timedelta(seconds=start_in_s)
    session_row = await sessions_admin.create_session(
        db,
        actor=admin,
        group_id=group["id"],
        fields={
            "theme": "Test theme",
            "scheduled_start": start,
            "scheduled_end": start + timedelta(minutes=90),
            "lead_id": people["lead"].id,
            "co_id": people["co"].id,
        },
    )
    invite = await invites.create_invite(db, settings, actor=admin, group_id=group["id"])
    return Seed(
        admin_id=admin.id,
        admin_email=admin.email,
        admin_password=PASSWORD,
        lead_id=people["lead"].id,
        lead_email=people["lead"].email,
        lead_password=PASSWORD,
        co_id=people["co"].id,
        co_email=people["co"].email,
        co_password=PASSWORD,
        standby_id=people["standby"].id,
        standby_email=people["standby"].email,
        standby_password=PASSWORD,
        group_id=group["id"],
        session_id=session_row["id"],
        invite_id=invite["id"],
        invite_token=invite["token"],
        invite_url=invite["url"],
    )


async def join_as_peer(
    base_url: str, invite_token: str, pseudonym: str
) -> tuple[dict[str, Any], str]:
    """Join a group through its invite over HTTP; returns (member {id, pseudonym}, member_token)."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{base_url}/api/invites/{invite_token}/members", json={"pseudonym": pseudonym}
        ) as response,
    ):
        body = await response.json()
    if response.status != 200:
        raise AssertionError(f"joining as {pseudonym!r} refused: {response.status} {body}")
    return body["member"], body["member_token"]
