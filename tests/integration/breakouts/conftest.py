"""Breakout and leadership tests use the realtime fixtures: a seeded world and socket.io
clients against an in-process server."""

from __future__ import annotations

from tests.integration.realtime.conftest import connect, world  # noqa: F401
