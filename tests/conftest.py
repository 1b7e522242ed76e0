"""Shared fixtures: real SQLite and PostgreSQL databases, Redis, a running server.

Outside CI a missing PostgreSQL, Redis or Chromium skips the tests that need it; with CI=true in
the environment it fails them, so a green CI always means the real parts were exercised.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((host, port)) == 0


def require_service(name: str, available: bool) -> None:
    """Skip locally, fail in CI, when a real service a test needs is not there."""
    if available:
        return
    message = f"{name} is not available on this machine"
    if IN_CI:
        pytest.fail(message + " (CI=true: a missing service is a failure)")
    pytest.skip(message)


@pytest.fixture
def require_postgres() -> None:
    require_service("PostgreSQL on 127.0.0.1:5432", _port_open("127.0.0.1", 5432))


@pytest.fixture
def require_redis() -> None:
    require_service("Redis on 127.0.0.1:6379", _port_open("127.0.0.1", 6379))


@pytest.fixture
def require_chromium() -> None:
    require_service(f"Chromium at {CHROMIUM}", Path(CHROMIUM).exists())


async def _create_pg_database() -> tuple[str, str]:
    import asyncpg

    name = f"hs_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name, f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"


async def _drop_pg_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database: SQLite in a temp folder, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    require_service("PostgreSQL on 127.0.0.1:5432", _port_open("127.0.0.1", 5432))
    name, url = await _create_pg_database()
    try:
        yield url
    finally:
        await _drop_pg_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
