"""Trigger language in a live session: reminders, alerts, held messages and hit counts.

Held messages and counts live only in LiveState (never in the SQL database) and go with the rest
of the session's live state when it ends. Counts are per category, never text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from facilitator.errors import DomainError
from facilitator.events import (
    ChatMessagePosted,
    HeldMessageAnswered,
    HeldMessageResolved,
    MessageHeld,
    TriggerAlerted,
    TriggerReminded,
)
from facilitator.roles import Action, require
from facilitator.trigger_policy import (
    CATEGORY_NAMES,
    GROUND_RULE,
    HELD_TEXT,
    REJECTED_TEXT,
    REMINDER_TEXT,
    Delivery,
    Span,
    approved_delivery,
    categories_of,
    count_hits,
)
from server.live.state import LiveState
from server.services import broadcast
from server.services.callers import Caller
from server.services.runtime import Runtime

COUNTS = "trigger_counts"
HELD = "trigger_held"


async def count(rt: Runtime, session_id: str, spans: Sequence[Span]) -> None:
    await rt.live.update_json(session_id, COUNTS, lambda current: count_hits(current, spans))


async def remind(
    rt: Runtime,
    caller: Caller,
    message_id: str,
    text: str,
    spans: Sequence[Span],
    *,
    held_id: str | None,
) -> None:
    """The sender's private, kind reminder, with what they typed so they can edit and resend."""
    event = TriggerReminded(
        session_id=caller.session_id,
        message_id=message_id,
        outcome="held" if held_id else "masked",
        ground_rule=GROUND_RULE,
        reminder=HELD_TEXT if held_id else REMINDER_TEXT,
        text=text,
        spans=tuple(s.to_dict() for s in spans),
        held_id=held_id,
    )
    await rt.broadcaster.emit(event, to=broadcast.person(caller.session_id, caller.person_id))


async def alert(
    rt: Runtime,
    caller: Caller,
    message_id: str,
    room_id: str,
    text: str,
    spans: Sequence[Span],
    delivered: Delivery,
    at_ms: int,
) -> None:
    event = TriggerAlerted(
        session_id=caller.session_id,
        message_id=message_id,
        room_id=room_id,
        sender_id=caller.person_id,
        sender_name=caller.name,
        sender_role=caller.role.value,
        text=text,
        categories=categories_of(spans),
        spans=tuple(s.to_dict() for s in spans),
        delivered=delivered.value,
        at_ms=at_ms,
    )
    await rt.broadcaster.emit(event, to=broadcast.staff(caller.session_id))


async def hold(
    rt: Runtime,
    caller: Caller,
    held_id: str,
    room_id: str,
    text: str,
    masked_text: str,
    spans: Sequence[Span],
    at_ms: int,
) -> dict[str, Any]:
    """Keep a peer's flagged message for a facilitator; nobody else sees it until approved."""
    event = MessageHeld(
        session_id=caller.session_id,
        held_id=held_id,
        room_id=room_id,
        sender_id=caller.person_id,
        sender_name=caller.name,
        text=text,
        masked_text=masked_text,
        categories=categories_of(spans),
        spans=tuple(s.to_dict() for s in spans),
        at_ms=at_ms,
    )
    record = {**event.to_payload(), "sender_role": caller.role.value}
    await rt.live.update_json(
        caller.session_id, HELD, lambda current: {**(current or {}), held_id: record}
    )
    await rt.broadcaster.emit(event, to=broadcast.staff(caller.session_id))
    await remind(rt, caller, held_id, text, spans, held_id=held_id)
    return {"held_id": held_id}


async def held_messages(live: LiveState, session_id: str) -> list[dict[str, Any]]:
    """Messages waiting for a facilitator, oldest first (the `trigger:held` payloads)."""
    held = await live.get_json(session_id, HELD) or {}
    records = sorted(held.values(), key=lambda r: r["at_ms"])
    return [{k: v for k, v in r.items() if k != "sender_role"} for r in records]


async def _take(rt: Runtime, session_id: str, held_id: str) -> dict[str, Any]:
    """Remove a held message exactly once, even when two facilitators decide at once."""
    taken: dict[str, Any] = {}

    def without(current: Any) -> Any:
        taken.clear()
        if not current or held_id not in current:
            return current
        taken.update(current[held_id])
        rest = {k: v for k, v in current.items() if k != held_id}
        return rest or None

    await rt.live.update_json(session_id, HELD, without)
    if not taken:
        raise DomainError("not_held", "This message is no longer waiting; someone decided already.")
    return taken


async def approve(rt: Runtime, caller: Caller, held_id: str, as_masked: bool) -> dict[str, Any]:
    """Release a held message to its room, as written or masked (the facilitator's choice)."""
    require(caller.role, Action.RELEASE_HELD)
    record = await _take(rt, caller.session_id, held_id)
    delivered = approved_delivery(as_masked)
    event = ChatMessagePosted(
        id=held_id,
        session_id=caller.session_id,
        room_id=record["room_id"],
        sender_id=record["sender_id"],
        sender_name=record["sender_name"],
        sender_role=record.get("sender_role", "peer"),
        text=record["masked_text"] if delivered is Delivery.MASKED else record["text"],
        at_ms=rt.clock.now_ms(),
    )
    message = event.to_payload()
    await rt.history.add_chat(caller.session_id, event.room_id, message)
    await rt.broadcaster.emit(event, to=broadcast.room(caller.session_id, event.room_id))
    await _announce(rt, caller, record, "approved", delivered.value, "")
    return {"ok": True, "message": message}


async def reject(rt: Runtime, caller: Caller, held_id: str) -> dict[str, Any]:
    """Keep a held message from the room for good; its sender is told kindly."""
    require(caller.role, Action.RELEASE_HELD)
    record = await _take(rt, caller.session_id, held_id)
    await _announce(rt, caller, record, "rejected", None, REJECTED_TEXT)
    return {"ok": True}


async def _announce(
    rt: Runtime,
    caller: Caller,
    record: dict[str, Any],
    decision: str,
    delivered: str | None,
    message: str,
) -> None:
    session_id = caller.session_id
    held_id = record["held_id"]
    await rt.broadcaster.emit(
        HeldMessageResolved(session_id, held_id, decision, delivered, caller.name),
        to=broadcast.staff(session_id),
    )
    await rt.broadcaster.emit(
        HeldMessageAnswered(session_id, held_id, decision, delivered, message),
        to=broadcast.person(session_id, record["sender_id"]),
    )


async def stats(live: LiveState, session_id: str) -> dict[str, Any]:
    """Hit counts of a session by category (and flagged messages), plus how many wait."""
    counts = await live.get_json(session_id, COUNTS) or {}
    held = await live.get_json(session_id, HELD) or {}
    return {
        "counts": {c: int(counts.get(c, 0)) for c in CATEGORY_NAMES},
        "messages_flagged": int(counts.get("messages", 0)),
        "held_waiting": len(held),
    }
