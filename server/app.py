"""create_app(settings) wires the pieces together; it holds no rules."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import socketio
from aiohttp import web

from server import context
from server.clock import Clock, SystemClock
from server.live.change_bus import create_bus
from server.live.state import create_live_state
from server.services.trigger_lists import TriggerLists
from server.settings import Settings
from server.storage.db import create_engine, make_sessionmaker, migrate

CLIENT_DIR = Path(__file__).resolve().parent.parent / "client"
log = logging.getLogger("holdspace")


def create_sio(settings: Settings) -> socketio.AsyncServer:
    """One socket.io server; with REDIS_URL, fan-out goes through Redis to every process."""
    manager = socketio.AsyncRedisManager(settings.redis_url) if settings.redis_url else None
    return socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=manager,
        cors_allowed_origins=[],
        http_compression=False,
        max_http_buffer_size=64 * 1024,
        logger=False,
        engineio_logger=False,
    )


def create_app(settings: Settings, *, clock: Clock | None = None) -> web.Application:
    from server.http.routes import setup_http
    from server.realtime.namespace import setup_realtime
    from server.services.retention import retention_cleanup_ctx

    app = web.Application(client_max_size=1024 * 1024)
    app[context.SETTINGS] = settings
    app[context.CLOCK] = clock or SystemClock()
    sio = create_sio(settings)
    app[context.SIO] = sio
    sio.attach(app)
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_live_state)
    app.cleanup_ctx.append(_trigger_lists)
    app.cleanup_ctx.append(retention_cleanup_ctx())
    app.cleanup_ctx.append(_media)
    setup_http(app)
    setup_realtime(app, sio)
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    url = app[context.SETTINGS].effective_database_url
    await migrate(url)
    engine = create_engine(url)
    app[context.ENGINE] = engine
    app[context.DB] = make_sessionmaker(engine)
    yield
    await engine.dispose()


async def _live_state(app: web.Application) -> AsyncIterator[None]:
    live = create_live_state(app[context.SETTINGS].redis_url)
    app[context.LIVE] = live
    yield
    await live.close()


async def _trigger_lists(app: web.Application) -> AsyncIterator[None]:
    """Word lists and their compiled matchers; a change bus tells every process about saves."""
    bus = create_bus(app[context.SETTINGS].redis_url)
    await bus.start()
    lists = TriggerLists(app[context.DB], bus)
    app[context.TRIGGERS] = lists
    await lists.matcher_for_group(None)  # compile the global lists before the first message
    yield
    await bus.stop()


async def _media(app: web.Application) -> AsyncIterator[None]:
    """The SFU (in-process aiortc adapter) on the deployment's ICE settings; see docs/media.md."""
    from server.media.ice import ice_settings_from
    from server.media.sfu import AiortcMediaBackend

    if context.MEDIA in app:  # given by the caller (a test's own backend): theirs to close
        yield
        return
    settings = app[context.SETTINGS]
    if settings.media_backend != "aiortc":
        raise RuntimeError(f"MEDIA_BACKEND={settings.media_backend!r} is not available yet")
    backend = AiortcMediaBackend(
        ice_settings_from(settings.ice_servers, settings.media_host_addresses, settings.public_ip)
    )
    app[context.MEDIA] = backend
    yield
    await backend.close()
