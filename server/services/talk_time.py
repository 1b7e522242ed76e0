"""Talk time of a live session: the pure ledger (facilitator/talk_time.py) kept in LiveState,
fed by the media layer's server-side speaking detection and by presence, read by the
facilitators' dashboard and over HTTP.

The ledger is one JSON value per session, changed with LiveState.update_json, so any server
process can apply a speaking change and a restart loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from facilitator.talk_time import MemberKind, TalkEvent, TalkLedger
from server.services.runtime import Runtime

LEDGER = "talk_ledger"


def kind_of(role: str) -> MemberKind:
    return "peer" if role == "peer" else "facilitator"


class TalkTime:
    """Use cases that change or read one session's ledger."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt

    async def _change(
        self,
        session_id: str,
        step: Callable[[TalkLedger], tuple[TalkLedger, tuple[TalkEvent, ...]]],
    ) -> tuple[TalkEvent, ...]:
        events: tuple[TalkEvent, ...] = ()

        def change(raw: Any | None) -> Any:
            nonlocal events
            ledger = TalkLedger.from_dict(raw) if raw is not None else TalkLedger()
            ledger, events = step(ledger)
            return ledger.to_dict()

        await self._rt.live.update_json(session_id, LEDGER, change)
        return events

    async def entered(self, session_id: str, member_id: str, room_id: str, role: str) -> None:
        """A person is in a room (first join, reconnect or a move): figures continue."""
        now_ms = self._rt.clock.now_ms()

        def step(ledger: TalkLedger) -> tuple[TalkLedger, tuple[TalkEvent, ...]]:
            known = ledger.participants.get(member_id)
            if known is None:
                return ledger.member_joined(member_id, room_id, kind_of(role), now_ms)
            if not known.present:
                return ledger.member_rejoined(member_id, room_id, now_ms)
            return ledger.member_moved(member_id, room_id, now_ms)

        await self._change(session_id, step)

    async def left(self, session_id: str, member_id: str) -> None:
        now_ms = self._rt.clock.now_ms()

        def step(ledger: TalkLedger) -> tuple[TalkLedger, tuple[TalkEvent, ...]]:
            known = ledger.participants.get(member_id)
            if known is None or not known.present:
                return ledger, ()
            return ledger.member_left(member_id, now_ms)

        await self._change(session_id, step)

    async def speaking_changed(
        self, session_id: str, member_id: str, room_id: str, is_speaking: bool, at_ms: int
    ) -> tuple[TalkEvent, ...]:
        """Measured on the server from the person's audio; never reported by a client. A change
        for someone the ledger does not have in that room (a race with a move) is ignored."""

        def step(ledger: TalkLedger) -> tuple[TalkLedger, tuple[TalkEvent, ...]]:
            known = ledger.participants.get(member_id)
            if known is None or not known.present or known.room != room_id:
                return ledger, ()
            return ledger.speaking_changed(member_id, room_id, is_speaking, at_ms)

        return await self._change(session_id, step)

    async def tick(self, session_id: str) -> tuple[TalkEvent, ...]:
        now_ms = self._rt.clock.now_ms()
        return await self._change(session_id, lambda ledger: ledger.tick(now_ms))

    async def ledger(self, session_id: str) -> TalkLedger:
        raw = await self._rt.live.get_json(session_id, LEDGER)
        return TalkLedger.from_dict(raw) if raw is not None else TalkLedger()

    async def report(self, session_id: str) -> dict[str, Any]:
        """Every room's figures now, as the dashboard and the HTTP JSON show them."""
        now_ms = self._rt.clock.now_ms()
        ledger, _ = (await self.ledger(session_id)).tick(now_ms)
        return {
            "session_id": session_id,
            "at_ms": now_ms,
            "rooms": {room: ledger.snapshot(room, now_ms).to_dict() for room in ledger.rooms()},
        }
