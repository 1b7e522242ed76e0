from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.integration.conftest import RunningServer
from tests.integration.realtime.clients import Client
from tests.integration.realtime.seed import World, seed

Connect = Callable[..., Awaitable[Client]]


@pytest.fixture
async def world(running_server: RunningServer) -> World:
    return await seed(running_server.app)


@pytest.fixture
async def connect(running_server: RunningServer) -> AsyncIterator[Connect]:
    """connect(session_id, member_token=?, headers=?) -> a connected Client, closed afterwards."""
    clients: list[Client] = []

    async def make(session_id: str, **kwargs: object) -> Client:
        client = Client(running_server.base_url)
        clients.append(client)
        return await client.connect(session_id, **kwargs)  # type: ignore[arg-type]

    yield make
    for client in clients:
        await client.close()
