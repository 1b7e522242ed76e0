"""A server whose clock the test steps and whose session loop ticks only when the test says
(``run_once``), so talk-time figures, cues and alerts are exact and nothing waits on time."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer

from server.app import create_app
from server.services.session_loop import LOOP_INTERVAL_S
from server.settings import Settings
from tests.integration.conftest import RunningServer
from tests.integration.realtime.conftest import connect, world  # noqa: F401 - fixtures


class SteppedClock:
    def __init__(self) -> None:
        self.ms = time.time_ns() // 1_000_000

    def now_ms(self) -> int:
        return self.ms

    def step(self, seconds: float) -> int:
        self.ms += int(seconds * 1000)
        return self.ms


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
async def running_server(
    server_settings: Settings, clock: SteppedClock
) -> AsyncIterator[RunningServer]:
    app = create_app(server_settings, clock=clock)
    app[LOOP_INTERVAL_S] = 0.0  # no background task: the test calls run_once
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield RunningServer(app, str(server.make_url("")).rstrip("/"), server_settings)
    finally:
        await server.close()
