"""The realtime fixtures (a seeded world, socket.io clients) for the filter tests."""

from tests.integration.realtime.conftest import connect, world  # noqa: F401
