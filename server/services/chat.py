"""Chat in a room and the facilitators' backchannel. Never written to the SQL database.

Every room message is scanned with the matcher of its group's word lists; what happens next is
decided by `facilitator.trigger_policy` and carried out by `server.services.triggers`.
"""

from __future__ import annotations

from typing import Any

from facilitator.errors import DomainError
from facilitator.events import BackchannelMessagePosted, ChatMessagePosted
from facilitator.roles import Action, require
from facilitator.trigger_policy import DEFAULT_POLICY, Delivery, decide, spans_of
from rules.matcher import mask
from server.services import broadcast, support, triggers
from server.services.callers import Caller
from server.services.runtime import Runtime
from server.storage.models import new_id


async def send_chat(rt: Runtime, caller: Caller, text: str) -> dict[str, Any]:
    """A message reaches only the room its sender is in, from this very connection, after the
    group's trigger policy had its say (masked, held for a facilitator, or as written)."""
    require(caller.role, Action.CHAT)
    presence = await rt.roster.get(caller.session_id, caller.person_id)
    if presence is None or presence.room_id is None or caller.sid not in presence.sids:
        raise DomainError("not_in_room", "You are not in the session room.")
    await support.ensure_may_chat(rt, caller)
    room_id = presence.room_id
    hits = []
    policy = DEFAULT_POLICY
    if rt.triggers is not None:
        group_id, policy = await rt.triggers.group_and_policy(caller.session_id)
        hits = (await rt.triggers.matcher_for_group(group_id)).scan(text)
    spans = spans_of(text, hits)
    decision = decide(policy, flagged=bool(hits), sender_is_facilitator=caller.is_facilitator)
    message_id = new_id()
    at_ms = rt.clock.now_ms()
    if spans:
        await triggers.count(rt, caller.session_id, spans)
    if decision.hold:
        held = await triggers.hold(
            rt, caller, message_id, room_id, text, mask(text, hits), spans, at_ms
        )
        await support.record_held_message(
            rt, caller.session_id, caller.person_id, list(triggers.categories_of(spans))
        )
        return {"ok": True, "message": None, "held": held}
    delivered = mask(text, hits) if decision.delivery is Delivery.MASKED else text
    event = ChatMessagePosted(
        id=message_id,
        session_id=caller.session_id,
        room_id=room_id,
        sender_id=caller.person_id,
        sender_name=caller.name,
        sender_role=caller.role.value,
        text=delivered,
        at_ms=at_ms,
    )
    message = event.to_payload()
    await rt.history.add_chat(caller.session_id, room_id, message)
    await rt.broadcaster.emit(event, to=broadcast.room(caller.session_id, room_id))
    if decision.alert_staff:
        await triggers.alert(rt, caller, message_id, room_id, text, spans, decision.delivery, at_ms)
    if decision.remind_sender:
        await triggers.remind(rt, caller, message_id, text, spans, held_id=None)
    return {"ok": True, "message": message}


async def send_backchannel(rt: Runtime, caller: Caller, text: str) -> dict[str, Any]:
    """Facilitators talk among themselves; peers never receive it."""
    require(caller.role, Action.BACKCHANNEL)
    presence = await rt.roster.get(caller.session_id, caller.person_id)
    if presence is None or caller.sid not in presence.sids:
        raise DomainError("not_joined", "Join the session first.")
    event = BackchannelMessagePosted(
        id=new_id(),
        session_id=caller.session_id,
        sender_id=caller.person_id,
        sender_name=caller.name,
        text=text,
        at_ms=rt.clock.now_ms(),
    )
    message = event.to_payload()
    await rt.history.add_backchannel(caller.session_id, message)
    await rt.broadcaster.emit(event, to=broadcast.staff(caller.session_id))
    return {"ok": True, "message": message}
