"""Typed keys for everything long-lived that create_app puts on the application."""

from __future__ import annotations

from typing import Any

import socketio
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from server.clock import Clock
from server.live.state import LiveState
from server.media.backend import MediaBackend
from server.services.trigger_lists import TriggerLists
from server.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
CLOCK = web.AppKey("clock", Clock)
ENGINE = web.AppKey("engine", AsyncEngine)
DB = web.AppKey("db", async_sessionmaker[Any])
SIO = web.AppKey("sio", socketio.AsyncServer)
LIVE = web.AppKey("live", LiveState)
TRIGGERS = web.AppKey("trigger_lists", TriggerLists)
MEDIA = web.AppKey("media", MediaBackend)
