"""Who is connected to a session, where they are, and who waits in its lobby.

Stored in LiveState as two JSON values per session:
- `presence`: {participant_id: {id, name, role, room_id, sids}}: `sids` are the live socket
  connections of that person (several tabs are fine); `room_id` is None while not in a room.
  A person whose last connection drops stays listed (connected false) until removed.
- `lobby`: {member_id: {member_id, pseudonym, since_ms}}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.live.state import LiveState

PRESENCE = "presence"
LOBBY = "lobby"


@dataclass(frozen=True)
class Presence:
    id: str
    name: str
    role: str
    room_id: str | None
    sids: tuple[str, ...]

    @property
    def connected(self) -> bool:
        return bool(self.sids)

    def to_participant(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "role": self.role, "connected": self.connected}


def _presence(raw: dict[str, Any]) -> Presence:
    return Presence(raw["id"], raw["name"], raw["role"], raw.get("room_id"), tuple(raw["sids"]))


class Roster:
    def __init__(self, live: LiveState) -> None:
        self._live = live

    async def connect(
        self,
        session_id: str,
        *,
        person_id: str,
        name: str,
        role: str,
        room_id: str | None,
        sid: str,
    ) -> Presence:
        """Record one more live connection of a person and where they are."""

        def change(value: dict[str, Any] | None) -> dict[str, Any]:
            people = dict(value or {})
            sids = [s for s in people.get(person_id, {}).get("sids", []) if s != sid]
            people[person_id] = {
                "id": person_id,
                "name": name,
                "role": role,
                "room_id": room_id,
                "sids": [*sids, sid],
            }
            return people

        people = await self._live.update_json(session_id, PRESENCE, change)
        return _presence(people[person_id])

    async def disconnect(self, session_id: str, *, person_id: str, sid: str) -> Presence | None:
        """Forget one connection; the person stays listed (not connected) when it was the last."""

        def change(value: dict[str, Any] | None) -> dict[str, Any] | None:
            people = dict(value or {})
            if person_id not in people:
                return value
            entry = dict(people[person_id])
            entry["sids"] = [s for s in entry["sids"] if s != sid]
            people[person_id] = entry
            return people

        people = await self._live.update_json(session_id, PRESENCE, change) or {}
        raw = people.get(person_id)
        return None if raw is None else _presence(raw)

    async def place(
        self, session_id: str, *, person_id: str, name: str, role: str, room_id: str | None
    ) -> Presence:
        """Put a person in a room (or none), keeping their connections."""

        def change(value: dict[str, Any] | None) -> dict[str, Any]:
            people = dict(value or {})
            sids = people.get(person_id, {}).get("sids", [])
            people[person_id] = {
                "id": person_id,
                "name": name,
                "role": role,
                "room_id": room_id,
                "sids": sids,
            }
            return people

        people = await self._live.update_json(session_id, PRESENCE, change)
        return _presence(people[person_id])

    async def drop(self, session_id: str, person_id: str) -> Presence | None:
        """Remove a person entirely; returns what was stored (to disconnect their sockets)."""
        dropped: list[Presence] = []

        def change(value: dict[str, Any] | None) -> dict[str, Any] | None:
            people = dict(value or {})
            raw = people.pop(person_id, None)
            dropped.clear()
            if raw is not None:
                dropped.append(_presence(raw))
            return people or None

        await self._live.update_json(session_id, PRESENCE, change)
        return dropped[0] if dropped else None

    async def get(self, session_id: str, person_id: str) -> Presence | None:
        people = await self._live.get_json(session_id, PRESENCE) or {}
        raw = people.get(person_id)
        return None if raw is None else _presence(raw)

    async def everyone(self, session_id: str) -> list[Presence]:
        """Every person listed in the session (in a room or not, connected or not)."""
        people = await self._live.get_json(session_id, PRESENCE) or {}
        return [_presence(raw) for raw in people.values()]

    async def in_room(self, session_id: str, room_id: str) -> list[Presence]:
        people = await self._live.get_json(session_id, PRESENCE) or {}
        found = [_presence(raw) for raw in people.values() if raw.get("room_id") == room_id]
        return sorted(found, key=lambda p: (p.role == "peer", p.name.casefold(), p.id))

    # the lobby

    async def wait(self, session_id: str, *, member_id: str, pseudonym: str, since_ms: int) -> None:
        def change(value: dict[str, Any] | None) -> dict[str, Any]:
            waiting = dict(value or {})
            if member_id not in waiting:
                waiting[member_id] = {
                    "member_id": member_id,
                    "pseudonym": pseudonym,
                    "since_ms": since_ms,
                }
            return waiting

        await self._live.update_json(session_id, LOBBY, change)

    async def stop_waiting(self, session_id: str, member_id: str) -> bool:
        """Take a member out of the lobby; False when they were not waiting."""
        found: list[bool] = []

        def change(value: dict[str, Any] | None) -> dict[str, Any] | None:
            waiting = dict(value or {})
            found.clear()
            found.append(waiting.pop(member_id, None) is not None)
            return waiting or None

        await self._live.update_json(session_id, LOBBY, change)
        return bool(found and found[0])

    async def waiting(self, session_id: str) -> list[dict[str, Any]]:
        waiting = await self._live.get_json(session_id, LOBBY) or {}
        return sorted(waiting.values(), key=lambda w: (w["since_ms"], w["member_id"]))
