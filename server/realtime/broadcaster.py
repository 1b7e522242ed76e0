"""The Broadcaster port over python-socketio: audiences are socket.io rooms of the same name.
With REDIS_URL the server's AsyncRedisManager carries emits, room changes and disconnects to
whichever process holds the connection."""

from __future__ import annotations

import socketio

from facilitator.events import Event


class SocketBroadcaster:
    def __init__(self, sio: socketio.AsyncServer) -> None:
        self._sio = sio

    async def emit(self, event: Event, *, to: str) -> None:
        await self._sio.emit(event.name, event.to_payload(), room=to)

    async def join(self, connection_id: str, audience: str) -> None:
        await self._sio.enter_room(connection_id, audience)

    async def leave(self, connection_id: str, audience: str) -> None:
        await self._sio.leave_room(connection_id, audience)

    async def disconnect(self, connection_id: str) -> None:
        await self._sio.disconnect(connection_id)
