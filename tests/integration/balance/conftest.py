"""A server whose clock the test steps and whose session loop ticks only when the test says
(``run_once``), so talk-time figures, cues and alerts are exact and nothing waits on time."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from server.settings import Settings
from tests.integration.conftest import RunningServer, SteppedClock, stepped_server
from tests.integration.realtime.conftest import connect, world  # noqa: F401 - fixtures


@pytest.fixture
async def running_server(
    server_settings: Settings, clock: SteppedClock
) -> AsyncIterator[RunningServer]:
    async with stepped_server(server_settings, clock) as running:
        yield running
