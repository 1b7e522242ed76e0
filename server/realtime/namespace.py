"""socket.io handlers: validate the payload, check the role, call a service."""

from __future__ import annotations

import socketio
from aiohttp import web


def setup_realtime(app: web.Application, sio: socketio.AsyncServer) -> None:
    """Register every socket.io event handler on `sio`."""
