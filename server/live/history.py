"""Chat and backchannel history of a session, bounded and kept only in LiveState."""

from __future__ import annotations

from typing import Any

from server.live.state import LiveState

KEEP_MESSAGES = 200


def chat_key(room_id: str) -> str:
    return f"chat:{room_id}"


BACKCHANNEL = "backchannel"


class History:
    def __init__(self, live: LiveState, *, keep: int = KEEP_MESSAGES) -> None:
        self._live = live
        self._keep = keep

    async def add_chat(self, session_id: str, room_id: str, message: dict[str, Any]) -> None:
        await self._live.append(session_id, chat_key(room_id), message, keep=self._keep)

    async def chat(self, session_id: str, room_id: str) -> list[dict[str, Any]]:
        return await self._live.tail(session_id, chat_key(room_id), self._keep)

    async def add_backchannel(self, session_id: str, message: dict[str, Any]) -> None:
        await self._live.append(session_id, BACKCHANNEL, message, keep=self._keep)

    async def backchannel(self, session_id: str) -> list[dict[str, Any]]:
        return await self._live.tail(session_id, BACKCHANNEL, self._keep)
