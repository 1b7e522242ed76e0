"""Safety flows over real socket.io clients and HTTP against an in-process server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from server import context
from server.storage.models import AuditEntry, Group, Session
from tests.integration.conftest import RunningServer
from tests.integration.realtime.conftest import connect, world  # noqa: F401  (fixtures)
from tests.integration.realtime.seed import Person, World


class Http:
    """Plain HTTP as a browser: the staff cookie of `person` (if any) and its CSRF token."""

    def __init__(self, base_url: str, http: aiohttp.ClientSession) -> None:
        self.base_url = base_url
        self.http = http

    async def call(
        self, method: str, path: str, body: Any = None, *, as_: Person | None = None
    ) -> tuple[int, dict[str, Any]]:
        headers = {"X-CSRF-Token": "c"}  # the seed's csrf_token
        if as_ is not None:
            headers["Cookie"] = f"hs_session={as_.token}"
        async with self.http.request(
            method, self.base_url + path, json=body, headers=headers
        ) as response:
            return response.status, await response.json()


@pytest.fixture
async def http(running_server: RunningServer) -> AsyncIterator[Http]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield Http(running_server.base_url, session)


async def group_of(running_server: RunningServer, session_id: str) -> str:
    async with running_server.app[context.DB]() as db:
        session = await db.get(Session, session_id)
        assert session is not None
        return session.group_id


async def set_group_settings(
    running_server: RunningServer, session_id: str, **settings: Any
) -> str:
    """Write safety settings of the session's group straight to the row; returns the group id."""
    async with running_server.app[context.DB]() as db, db.begin():
        session = await db.get(Session, session_id)
        assert session is not None
        group = await db.get(Group, session.group_id)
        assert group is not None
        group.settings = {**(group.settings or {}), **settings}
        group.ground_rules = ["Be kind.", "No naming venues or brands."]
        return group.id


async def audit_actions(running_server: RunningServer, target_id: str) -> list[tuple[str, str]]:
    async with running_server.app[context.DB]() as db:
        rows = (
            await db.scalars(
                select(AuditEntry).where(AuditEntry.target_id == target_id).order_by(AuditEntry.at)
            )
        ).all()
    return [(row.action, str(row.actor_id)) for row in rows]


__all__ = ["Http", "World", "audit_actions", "group_of", "set_group_settings"]
