"""A server whose clock the test steps and whose session loop ticks only when the test says
(``run_once``), so talk-time figures, cues and alerts are exact and nothing waits on time."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from server.app import create_app
from server.services.session_loop import LOOP_INTERVAL_S
from server.settings import Settings
from tests.integration.conftest import RunningServer, SteppedClock, start_server
from tests.integration.realtime.conftest import connect, world  # noqa: F401 - fixtures


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
async def running_server(
    server_settings: Settings, clock: SteppedClock
) -> AsyncIterator[RunningServer]:
    app = create_app(server_settings, clock=clock)
    app[LOOP_INTERVAL_S] = 0.0  # no background task: the test calls run_once
    server, running = await start_server(server_settings, app)
    try:
        yield running
    finally:
        await server.close()
