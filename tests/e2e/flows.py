"""Steps several browser tests share: staff set up over HTTP, a staff browser signed in by
cookie, a peer joining through the invite page, the ground rules and the waiting room."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from playwright.async_api import BrowserContext, Page, expect

from tests.e2e.conftest import LiveServer


class Staff:
    """A signed-in staff HTTP client (cookie + CSRF), for setting up what a test does not show."""

    def __init__(self, base_url: str, http: aiohttp.ClientSession, csrf: str, user: dict[str, Any]):
        self.base_url, self.http, self.csrf, self.user = base_url, http, csrf, user

    async def call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        async with self.http.request(
            method, self.base_url + path, json=body, headers={"X-CSRF-Token": self.csrf}
        ) as response:
            data = await response.json()
            assert response.status == 200, (path, data)
            return dict(data)

    @property
    def cookie(self) -> str:
        return next(c.value for c in self.http.cookie_jar if c.key == "hs_session")

    async def sign_in_browser(self, context: BrowserContext) -> None:
        host = urlsplit(self.base_url).hostname or "127.0.0.1"
        await context.add_cookies(
            [{"name": "hs_session", "value": self.cookie, "domain": host, "path": "/"}]
        )


async def staff_login(base_url: str, email: str, password: str, new_password: str) -> Staff:
    """Sign in over HTTP, choosing `new_password` when the account still has a one-time one."""
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.post(
        base_url + "/api/auth/login", json={"email": email, "password": password}
    ) as response:
        body = await response.json()
        assert response.status == 200, body
    staff = Staff(base_url, http, body["csrf_token"], body["user"])
    if body["user"]["must_change_password"]:
        await staff.call(
            "POST",
            "/api/auth/password",
            {"current_password": password, "new_password": new_password},
        )
    return staff


async def setup_session(
    admin: Staff, new_password: str, *, ground_rules: list[str] | None = None
) -> dict[str, Any]:
    """A lead and a co (signed in), a group with a session starting now, and an invite."""
    people = {}
    for role in ("lead", "co"):
        created = await admin.call(
            "POST",
            "/api/users",
            {"email": f"{role}@example.test", "display_name": role.title(), "is_facilitator": True},
        )
        people[role] = await staff_login(
            admin.base_url, f"{role}@example.test", created["one_time_password"], new_password
        )
    group = (
        await admin.call(
            "POST",
            "/api/groups",
            {
                "name": "Thursday group",
                "facilitator_ids": [p.user["id"] for p in people.values()],
                **({"ground_rules": ground_rules} if ground_rules else {}),
            },
        )
    )["group"]
    start = datetime.now(UTC)
    session = (
        await admin.call(
            "POST",
            f"/api/groups/{group['id']}/sessions",
            {
                "scheduled_start": start.isoformat(),
                "scheduled_end": (start + timedelta(minutes=90)).isoformat(),
                "lead_id": people["lead"].user["id"],
                "co_id": people["co"].user["id"],
            },
        )
    )["session"]
    invite = (await admin.call("POST", f"/api/groups/{group['id']}/invites", {}))["invite"]
    return {"group": group, "session": session, "invite_url": invite["url"], **people}


async def join_waiting_room(page: Page, invite_url: str, name: str) -> None:
    """A peer opens the invite, picks a name, accepts the ground rules and waits."""
    await page.goto(invite_url)
    await page.get_by_label("Your name for this group").fill(name)
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="Ground rules")).to_be_visible()
    await page.get_by_label("I have read the ground rules").check()
    await page.get_by_role("button", name="Join the waiting room").click()
    await expect(page.get_by_role("heading", name="You're in the waiting room")).to_be_visible()


@asynccontextmanager
async def staffed_session(
    live_server: LiveServer, new_password: str, *, ground_rules: list[str] | None = None
) -> AsyncIterator[dict[str, Any]]:
    """The first-run admin signed in, plus `setup_session`'s world (key "admin" added); every
    HTTP client is closed afterwards."""
    admin = await staff_login(
        live_server.base_url, live_server.admin_email, live_server.admin_password, new_password
    )
    try:
        world = await setup_session(admin, new_password, ground_rules=ground_rules)
        try:
            yield {**world, "admin": admin}
        finally:
            for role in ("lead", "co"):
                await world[role].http.close()
    finally:
        await admin.http.close()
