"""Chat in a room and the facilitators' backchannel. Never written to the SQL database."""

from __future__ import annotations

from typing import Any

from facilitator.errors import DomainError
from facilitator.events import BackchannelMessagePosted, ChatMessagePosted
from facilitator.roles import Action, require
from server.services import broadcast, support
from server.services.callers import Caller
from server.services.runtime import Runtime
from server.storage.models import new_id


async def send_chat(rt: Runtime, caller: Caller, text: str) -> dict[str, Any]:
    """A message reaches only the room its sender is in, from this very connection."""
    require(caller.role, Action.CHAT)
    presence = await rt.roster.get(caller.session_id, caller.person_id)
    if presence is None or presence.room_id is None or caller.sid not in presence.sids:
        raise DomainError("not_in_room", "You are not in the session room.")
    await support.ensure_may_chat(rt, caller)
    event = ChatMessagePosted(
        id=new_id(),
        session_id=caller.session_id,
        room_id=presence.room_id,
        sender_id=caller.person_id,
        sender_name=caller.name,
        sender_role=caller.role.value,
        text=text,
        at_ms=rt.clock.now_ms(),
    )
    message = event.to_payload()
    await rt.history.add_chat(caller.session_id, presence.room_id, message)
    await rt.broadcaster.emit(event, to=broadcast.room(caller.session_id, presence.room_id))
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
