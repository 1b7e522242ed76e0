"""A real Holdspace server on a free 127.0.0.1 port, over the database under test."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from server.app import create_app
from server.services.session_loop import LOOP_INTERVAL_S
from server.settings import Settings


@dataclass
class RunningServer:
    app: web.Application
    base_url: str
    settings: Settings


class SteppedClock:
    """A clock that moves only when the test steps it (from the wall clock's time at start)."""

    def __init__(self) -> None:
        self.ms = time.time_ns() // 1_000_000

    def now_ms(self) -> int:
        return self.ms

    def step(self, seconds: float) -> int:
        self.ms += int(seconds * 1000)
        return self.ms

    def step_ms(self, ms: int) -> None:
        self.ms += ms


async def start_server(
    settings: Settings, app: web.Application | None = None
) -> tuple[TestServer, RunningServer]:
    """Serve `app` (by default a fresh one for `settings`) on a free 127.0.0.1 port."""
    app = app or create_app(settings)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    base_url = str(server.make_url("")).rstrip("/")
    return server, RunningServer(app=app, base_url=base_url, settings=settings)


@pytest.fixture
def server_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        host="127.0.0.1",
        port=0,
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-" + tmp_path.name,
        login_attempts_per_minute=50,
    )


@pytest.fixture
async def running_server(server_settings: Settings) -> AsyncIterator[RunningServer]:
    server, running = await start_server(server_settings)
    try:
        yield running
    finally:
        await server.close()


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@asynccontextmanager
async def stepped_server(settings: Settings, clock: SteppedClock) -> AsyncIterator[RunningServer]:
    """A server on `clock` with no session-loop task: nothing runs on its own, so a test steps
    the clock and calls what it needs (talk-time figures, rate limits) exactly."""
    app = create_app(settings, clock=clock)
    app[LOOP_INTERVAL_S] = 0.0
    server, running = await start_server(settings, app)
    try:
        yield running
    finally:
        await server.close()
