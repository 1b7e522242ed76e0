"""The Broadcaster port: how services tell connected people about events.

Audiences are named per session so nothing can reach another session's people; the realtime
layer maps them onto socket.io rooms of the same names (see docs/protocol.md).
"""

from __future__ import annotations

from typing import Protocol

from facilitator.events import Event


def everyone(session_id: str) -> str:
    """Every joined connection of a session (lobby included)."""
    return f"s:{session_id}:all"


def room(session_id: str, room_id: str) -> str:
    """Everyone in one room of a session."""
    return f"s:{session_id}:room:{room_id}"


def staff(session_id: str) -> str:
    """The facilitators (lead, co, standby) of a session."""
    return f"s:{session_id}:staff"


def person(session_id: str, person_id: str) -> str:
    """Every connection of one member or user in one session."""
    return f"s:{session_id}:m:{person_id}"


class Broadcaster(Protocol):
    async def emit(self, event: Event, *, to: str) -> None:
        """Send `event` to every connection in the audience `to`."""

    async def join(self, connection_id: str, audience: str) -> None:
        """Add a connection to an audience (works across server processes)."""

    async def leave(self, connection_id: str, audience: str) -> None:
        """Take a connection out of an audience."""

    async def disconnect(self, connection_id: str) -> None:
        """Close a connection (works across server processes)."""
