from __future__ import annotations

import pytest

from server.live.memory import InMemoryLiveState
from tests.unit.live.contract import LiveStateContract


@pytest.fixture
def live() -> InMemoryLiveState:
    return InMemoryLiveState()


class TestInMemoryLiveState(LiveStateContract):
    pass
