"""Two adjustments to python-socketio / python-engineio that their public API does not offer.
Written against python-engineio 4.x and python-socketio 5.x; tests/integration/realtime covers
both, so an upgrade that breaks them fails the tests.

1. Websocket per-message compression off. Browsers always offer permessage-deflate and the
   server then deflates every message once per recipient, which halves chat fan-out throughput
   (design.md). engineio's aiohttp driver builds `WebSocketResponse` without a `compress` flag,
   so this server gets its own copy of the driver table with a WebSocket class that passes
   `compress=False` (the module-level table stays untouched).
2. Whether the client asked for an acknowledgement. The protocol answers an event sent without
   an ack with an `error` event instead; socket.io handlers cannot see the packet id, so the
   server's event dispatch records it in a context variable for the duration of the handler.
"""

from __future__ import annotations

import contextvars
from typing import Any

import socketio
from aiohttp.web import WebSocketResponse
from engineio.async_drivers import aiohttp as engineio_aiohttp

ack_requested: contextvars.ContextVar[bool] = contextvars.ContextVar("ack_requested", default=True)


class UncompressedWebSocket(engineio_aiohttp.WebSocket):  # type: ignore[misc]
    async def __call__(self, environ: dict[str, Any]) -> WebSocketResponse:
        request = environ["aiohttp.request"]
        self._sock = WebSocketResponse(
            max_msg_size=self.server.max_http_buffer_size, compress=False
        )
        await self._sock.prepare(request)
        self.environ = environ
        await self.handler(self)
        return self._sock


def disable_websocket_compression(sio: socketio.AsyncServer) -> None:
    eio = sio.eio
    if eio.async_mode != "aiohttp":
        return
    eio._async = {**eio._async, "websocket": UncompressedWebSocket}


def track_ack_requests(sio: socketio.AsyncServer) -> None:
    dispatch = sio._handle_event_internal

    async def handle_event(
        server: Any, sid: str, eio_sid: str, data: Any, namespace: str, id: int | None
    ) -> None:
        ack_requested.set(id is not None)
        await dispatch(server, sid, eio_sid, data, namespace, id)

    sio._handle_event_internal = handle_event
