"""socket.io events of the safety features (support signal, breaches, safeguarding contact).

Registered by ``setup_realtime`` with the same handler as every other event (validate the
payload, check the role, call a service); docs/protocol.md describes each.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints

from facilitator.errors import DomainError
from facilitator.roles import Action, Role
from server.realtime import payloads as p
from server.realtime.namespace import EventSpec
from server.services import breaches, contacts, support
from server.services.callers import Caller
from server.services.event_limits import SUPPORT
from server.services.runtime import Runtime, load_session
from server.settings import Settings

ContactText = Annotated[str, StringConstraints(max_length=254)]


class BreachMark(p.Payload):
    member_id: p.Id
    rule: int = Field(ge=0, le=99)
    message_id: p.Id | None = None


class ContactDetails(p.Payload):
    phone: ContactText | None = None
    email: ContactText | None = None
    region: ContactText | None = None


def _require_peer(caller: Caller) -> None:
    if caller.role is not Role.PEER:
        raise DomainError("forbidden", "Only peers leave safeguarding contact details.")


async def _save_contact(
    settings: Settings, rt: Runtime, caller: Caller, details: ContactDetails
) -> dict[str, Any]:
    _require_peer(caller)
    async with rt.db() as db:
        _, group = await load_session(db, caller.session_id)
        await contacts.save_contact(
            db, settings, caller.person_id, group.id, details.phone, details.email, details.region
        )
    return {"ok": True, "has_contact": True}


async def _delete_contact(rt: Runtime, caller: Caller) -> dict[str, Any]:
    _require_peer(caller)
    async with rt.db() as db:
        await contacts.delete_contact(db, caller.person_id, caller.person_id)
    return await support.contact_status(rt, caller)


def safety_events(settings: Settings) -> dict[str, EventSpec]:
    """The safety events; ``settings`` gives the contact encryption keys."""
    return {
        "support:request": EventSpec(
            p.Empty,
            Action.SIGNAL_DISTRESS,
            lambda rt, c, _: support.request_support(rt, c),
            family=SUPPORT,
        ),
        "breach:mark": EventSpec(
            BreachMark,
            Action.MARK_BREACH,
            lambda rt, c, x: breaches.mark_breach(rt, c, x.member_id, x.rule, x.message_id),
            staff_unlimited=True,
        ),
        "contact:status": EventSpec(p.Empty, None, lambda rt, c, _: support.contact_status(rt, c)),
        "contact:save": EventSpec(
            ContactDetails, None, lambda rt, c, x: _save_contact(settings, rt, c, x)
        ),
        "contact:delete": EventSpec(p.Empty, None, lambda rt, c, _: _delete_contact(rt, c)),
    }
