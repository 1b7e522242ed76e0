"""Safety use cases of a live session: "I need support", incidents as they happen, the
follow-up when a worried-about peer leaves, and the hooks other features call.

Live markers (LiveState key ``safety``, forgotten when the session ends):
``{"muted": [member_id], "distress": {member_id: incident_id},
"breakout": {member_id: incident_id}}``.

Hooks for other features (each records an incident and tells the facilitators):
- breakouts: ``record_breakout_opened(rt, session_id, member_id, by)`` when a peer is moved into
  a breakout (returns the incident id) and ``record_breakout_closed(rt, session_id, member_id,
  by)`` when they return; a peer who disconnects in between prompts the follow-up.
- trigger filter: ``record_held_message(rt, session_id, member_id, categories)`` when a message
  is held back (never pass the text).
- removal: ``record_removal`` is called by session_control.remove_member.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from facilitator.errors import DomainError
from facilitator.roles import Action, Role, require
from facilitator.safeguarding import read_safety_settings
from facilitator.safety_events import (
    FollowUpPrompted,
    IncidentRecorded,
    SupportAcknowledged,
    SupportRequested,
)
from facilitator.support import (
    CHAT_MUTED_MESSAGE,
    CONTACT_REQUIRED_MESSAGE,
    FOLLOW_UP_CHECKLIST,
    SUPPORT_ACKNOWLEDGEMENT,
    follow_up_reason,
)
from server.live.roster import Presence
from server.services import broadcast, incidents
from server.services.callers import Caller
from server.services.contacts import has_contact
from server.services.runtime import Runtime, load_session
from server.services.signposting import HELPLINE, list_resources
from server.storage.models import Group, Incident, Member

SAFETY = "safety"


# --- live markers ---------------------------------------------------------------------------


def _markers(value: Any | None) -> dict[str, Any]:
    raw = dict(value or {})
    return {
        "muted": list(raw.get("muted", [])),
        "distress": dict(raw.get("distress", {})),
        "breakout": dict(raw.get("breakout", {})),
    }


async def markers(rt: Runtime, session_id: str) -> dict[str, Any]:
    return _markers(await rt.live.get_json(session_id, SAFETY))


async def _mark(rt: Runtime, session_id: str, kind: str, member_id: str, value: Any) -> None:
    """Set (value not None) or clear one marker of one member."""

    def change(current: Any | None) -> dict[str, Any]:
        state = _markers(current)
        if kind == "muted":
            muted = [m for m in state["muted"] if m != member_id]
            state["muted"] = [*muted, member_id] if value else muted
        elif value is None:
            state[kind].pop(member_id, None)
        else:
            state[kind][member_id] = value
        return state

    await rt.live.update_json(session_id, SAFETY, change)


async def mute_chat(rt: Runtime, session_id: str, member_id: str) -> None:
    await _mark(rt, session_id, "muted", member_id, True)


async def ensure_may_chat(rt: Runtime, caller: Caller) -> None:
    """chat:send calls this: a peer muted after ground-rule breaches is refused, kindly."""
    if caller.role is not Role.PEER:
        return
    if caller.person_id in (await markers(rt, caller.session_id))["muted"]:
        raise DomainError("chat_muted", CHAT_MUTED_MESSAGE)


# --- incidents ------------------------------------------------------------------------------


async def _member(db: AsyncSession, group_id: str, member_id: str) -> Member:
    member = await db.get(Member, member_id)
    if member is None or member.group_id != group_id:
        raise DomainError("not_found", "That person is not in this group.")
    return member


async def announce_incident(rt: Runtime, session_id: str, incident: Incident) -> None:
    await rt.broadcaster.emit(
        IncidentRecorded(session_id, incidents.incident_view(incident)),
        to=broadcast.staff(session_id),
    )


async def record_member_incident(
    rt: Runtime,
    session_id: str,
    member_id: str,
    kind: str,
    action: str,
    by: str | None,
    *,
    rule: dict[str, Any] | None = None,
) -> Incident:
    """Record an incident about one peer of this session and tell the facilitators."""
    async with rt.db() as db:
        session, group = await load_session(db, session_id)
        member = await _member(db, group.id, member_id)
        incident = await incidents.record_incident(
            db,
            group.id,
            session.id,
            kind,
            [member.pseudonym],
            [member.id],
            action,
            by,
            rule=rule,
            now=rt.now(),
        )
    await announce_incident(rt, session_id, incident)
    return incident


async def add_action(
    rt: Runtime, session_id: str, incident_id: str, what: str, by: str | None
) -> None:
    async with rt.db() as db:
        incident = await incidents.append_action(db, incident_id, what, by, now=rt.now())
    await announce_incident(rt, session_id, incident)


# --- "I need support" -------------------------------------------------------------------------


async def crisis_resources(rt: Runtime) -> list[dict[str, Any]]:
    async with rt.db() as db:
        return await list_resources(db, crisis_only=True)


async def request_support(rt: Runtime, caller: Caller) -> dict[str, Any]:
    """A peer asks for support, privately: the facilitators get ``support:requested`` (never
    other peers), the peer a gentle acknowledgement with the helpline and crisis resources.
    Asking again while the first signal stands adds to the same incident."""
    require(caller.role, Action.SIGNAL_DISTRESS)
    presence = await rt.roster.get(caller.session_id, caller.person_id)
    if presence is None or caller.sid not in presence.sids:
        raise DomainError("not_joined", "Join the session first.")
    earlier = (await markers(rt, caller.session_id))["distress"].get(caller.person_id)
    if earlier is not None:
        await add_action(rt, caller.session_id, earlier, "asked for support again", None)
        incident_id = earlier
    else:
        incident = await record_member_incident(
            rt,
            caller.session_id,
            caller.person_id,
            "distress",
            "asked for support (I need support)",
            None,
        )
        incident_id = incident.id
        await _mark(rt, caller.session_id, "distress", caller.person_id, incident_id)
    at_ms = rt.clock.now_ms()
    await rt.broadcaster.emit(
        SupportRequested(caller.session_id, caller.person_id, caller.name, at_ms, incident_id),
        to=broadcast.staff(caller.session_id),
    )
    ack = SupportAcknowledged(
        caller.session_id,
        caller.person_id,
        SUPPORT_ACKNOWLEDGEMENT,
        dict(HELPLINE),
        tuple(await crisis_resources(rt)),
    )
    await rt.broadcaster.emit(ack, to=broadcast.person(caller.session_id, caller.person_id))
    return {"ok": True, "incident_id": incident_id, "acknowledgement": ack.to_payload()}


# --- leaving, removal and the follow-up -----------------------------------------------------


async def _prompt_follow_up(
    rt: Runtime, session_id: str, member_id: str, *, removed: bool, by: str | None
) -> None:
    state = await markers(rt, session_id)
    reason = follow_up_reason(
        in_breakout=member_id in state["breakout"], distressed=member_id in state["distress"]
    )
    if reason is None:
        return
    how = "was removed" if removed else "left the session"
    when = "during a breakout" if reason == "left_during_breakout" else "after asking for support"
    incident = await record_member_incident(
        rt, session_id, member_id, "left_after_distress", f"{how} {when}", by
    )
    await _mark(rt, session_id, "distress", member_id, None)
    await _mark(rt, session_id, "breakout", member_id, None)
    async with rt.db() as db:
        contact = await has_contact(db, member_id)
    await rt.broadcaster.emit(
        FollowUpPrompted(
            session_id,
            member_id,
            incident.pseudonyms[0],
            reason,
            incident.id,
            contact,
            FOLLOW_UP_CHECKLIST,
            rt.clock.now_ms(),
        ),
        to=broadcast.staff(session_id),
    )


async def on_peer_left(rt: Runtime, caller: Caller, after: Presence | None) -> None:
    """presence.leave_session calls this when a connection closes: a peer whose last
    connection closed during a breakout or after a distress signal prompts the follow-up.
    ``after`` None means they were dropped from the session: removal prompts on its own."""
    if caller.role is not Role.PEER or after is None or after.connected:
        return
    await _prompt_follow_up(rt, caller.session_id, caller.person_id, removed=False, by=None)


async def record_removal(
    rt: Runtime, session_id: str, member_id: str, *, by: str | None, why: str
) -> None:
    """session_control.remove_member calls this: every removal is an incident, and removing a
    peer who was in a breakout or had asked for support prompts the follow-up."""
    await record_member_incident(rt, session_id, member_id, "removal", why, by)
    await _prompt_follow_up(rt, session_id, member_id, removed=True, by=by)


# --- hooks for the breakout and trigger-filter features -------------------------------------


async def record_breakout_opened(
    rt: Runtime, session_id: str, member_id: str, by: str | None
) -> str:
    """Call when a peer is moved into a breakout; returns the incident id. Until
    ``record_breakout_closed``, their disconnecting prompts the follow-up."""
    incident = await record_member_incident(
        rt, session_id, member_id, "breakout", "moved to a breakout", by
    )
    await _mark(rt, session_id, "breakout", member_id, incident.id)
    return incident.id


async def record_breakout_closed(
    rt: Runtime, session_id: str, member_id: str, by: str | None
) -> None:
    """Call when a peer returns from (or the facilitator closes) their breakout."""
    incident_id = (await markers(rt, session_id))["breakout"].get(member_id)
    if incident_id is None:
        return
    await _mark(rt, session_id, "breakout", member_id, None)
    await add_action(rt, session_id, incident_id, "returned from the breakout", by)


async def record_held_message(
    rt: Runtime, session_id: str, member_id: str, categories: list[str], by: str | None = None
) -> str:
    """Call when the trigger filter holds a peer's message back. ``categories`` are the
    filter's labels (e.g. ["brand", "amount"]); never the text, which incidents must not hold.
    Returns the incident id."""
    what = "message held back" + (f" ({', '.join(sorted(set(categories)))})" if categories else "")
    incident = await record_member_incident(rt, session_id, member_id, "held_message", what, by)
    return incident.id


# --- safeguarding contact in the lobby flow -------------------------------------------------


def contact_policy_of(group: Group) -> str:
    return read_safety_settings(group.settings or {}).contact_policy


async def check_contact_for_lobby(db: AsyncSession, group: Group, member_id: str) -> None:
    """lobby.enter_lobby calls this: a group whose contact_policy is "required" lets a peer wait
    only once they left a contact."""
    if contact_policy_of(group) == "required" and not await has_contact(db, member_id):
        raise DomainError("contact_required", CONTACT_REQUIRED_MESSAGE)


async def contact_status(rt: Runtime, caller: Caller) -> dict[str, Any]:
    if caller.role is not Role.PEER:
        raise DomainError("forbidden", "Only peers leave safeguarding contact details.")
    async with rt.db() as db:
        _, group = await load_session(db, caller.session_id)
        return {
            "ok": True,
            "contact_policy": contact_policy_of(group),
            "has_contact": await has_contact(db, caller.person_id),
        }
