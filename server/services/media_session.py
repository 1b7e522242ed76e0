"""A person's media in a live session: joining the SFU from the room the roster says they are
in, leaving it, their camera/microphone state (told to their room), and what the SFU measures
(speaking) feeding talk time.

The room always comes from the roster, never from the client: a peer who is not admitted (or
was removed) has no room and is refused. Which socket connection holds a person's media is kept
in LiveState (``media_connections``), so a second tab's disconnect does not close the first
tab's media, and a disconnect on any process finds the owner.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from facilitator.errors import DomainError
from facilitator.events import Event
from facilitator.roles import Role
from facilitator.session import SessionState
from server.media.backend import Layout, MediaBackend, NegotiationFailed, SpeakingChanged
from server.services import broadcast
from server.services.callers import Caller
from server.services.media_ids import media_participant, media_room, split_media_id
from server.services.media_presence import media_state_changed
from server.services.runtime import Runtime, announce_participants, load_session
from server.services.talk_time import TalkTime

log = logging.getLogger("holdspace.media")

MEDIA_CONNECTIONS = "media_connections"
# Receive slots a client should offer: everyone else the room can hold (capacity peers plus
# lead, co and a standby), bounded so the offer stays well under the socket's message limit.
MAX_SLOTS = 16
STAFF_IN_ROOM = 3


@dataclass(frozen=True)
class SpeakingNoticed(Event):
    """Server-measured start or end of someone's speech, for the facilitators' screens."""

    name = "talk:speaking"
    session_id: str
    member_id: str
    room_id: str
    is_speaking: bool
    at_ms: int


@dataclass(frozen=True)
class LayoutChanged(Event):
    """Which person each receive slot of this person's connection carries (docs/media.md)."""

    name = "media:layout"
    session_id: str
    room_id: str
    slots: tuple[dict[str, Any], ...]
    unslotted: tuple[str, ...]


def _backend(rt: Runtime) -> MediaBackend:
    if rt.media is None:
        raise DomainError("media_unavailable", "Video and audio are not available right now.")
    return rt.media


def layout_json(layout: Layout) -> dict[str, Any]:
    """A layout as the client sees it: rooms and people by their session ids, not media ids."""
    raw = layout.to_json()
    raw["room_id"] = split_media_id(layout.room_id)[1]
    for slot in raw["slots"]:
        if slot["participant_id"] is not None:
            slot["participant_id"] = split_media_id(slot["participant_id"])[1]
    raw["unslotted"] = [split_media_id(u)[1] for u in layout.unslotted]
    return raw


async def media_config(rt: Runtime, caller: Caller, ice_servers: list[dict[str, str]]) -> dict:  # type: ignore[type-arg]
    """What a client needs before it builds its peer connection."""
    async with rt.db() as db:
        _, group = await load_session(db, caller.session_id)
    slots = max(1, min(MAX_SLOTS, group.capacity + STAFF_IN_ROOM - 1))
    return {"ok": True, "ice_servers": ice_servers, "slots": slots}


async def _room_of(rt: Runtime, caller: Caller) -> str:
    presence = await rt.roster.get(caller.session_id, caller.person_id)
    if presence is None or presence.room_id is None or caller.sid not in presence.sids:
        raise DomainError("not_in_room", "Join the room first; then video and audio can start.")
    return presence.room_id


async def join_media(
    rt: Runtime,
    caller: Caller,
    offer_sdp: str,
    audio_only: bool,
    *,
    camera_on: bool = True,
    mic_on: bool = True,
) -> dict[str, Any]:
    """Connect the caller's one upstream connection into the room the roster has them in.
    ``camera_on``/``mic_on`` are the client's state at joining (a reconnect with the camera
    off stays off for the room from the first moment); the camera reads as on only when the
    connection publishes video."""
    backend = _backend(rt)
    async with rt.db() as db:
        session, _ = await load_session(db, caller.session_id)
        if session.state == SessionState.ENDED:
            raise DomainError("session_ended", "This session has ended.")
    room_id = await _room_of(rt, caller)
    participant = media_participant(caller.session_id, caller.person_id)
    # a standby is unseen by peers until they appear: their media goes to nobody until then
    backend.set_hidden(participant, caller.role is Role.STANDBY)
    try:
        answer = await backend.join(
            participant, media_room(caller.session_id, room_id), offer_sdp, audio_only=audio_only
        )
    except NegotiationFailed as exc:
        log.info("media offer of %s refused: %s", participant, exc)
        raise DomainError(
            "negotiation_failed",
            "Your browser's video offer could not be used; try reloading the page.",
        ) from None

    def own(raw: dict[str, str] | None) -> dict[str, str]:
        return {**(raw or {}), caller.person_id: caller.sid}

    await rt.live.update_json(caller.session_id, MEDIA_CONNECTIONS, own)
    await _record_state(
        rt,
        caller.session_id,
        caller.person_id,
        camera_on=camera_on and backend.publishes_video(participant),
        mic_on=mic_on,
        connected_media=True,
    )
    return {"ok": True, "answer_sdp": answer, "room_id": room_id}


async def _record_state(
    rt: Runtime,
    session_id: str,
    person_id: str,
    *,
    camera_on: bool,
    mic_on: bool,
    connected_media: bool,
    announce: bool = True,
) -> None:
    """Record the state for the presence panel and, when the camera or microphone went on or
    off, send the person's room its participant list again: only that room (a breakout's
    people never hear of the main room's cameras, nor the other way round), through the same
    audience as any other change of the list (a hidden standby stays out of peers' copies)."""
    changed = await media_state_changed(
        rt,
        session_id,
        person_id,
        camera_on=camera_on,
        mic_on=mic_on,
        connected_media=connected_media,
    )
    if not (changed and announce):
        return
    presence = await rt.roster.get(session_id, person_id)
    if presence is not None and presence.room_id is not None:
        await announce_participants(rt, session_id, presence.room_id)


async def set_media_state(
    rt: Runtime, caller: Caller, camera_on: bool, mic_on: bool
) -> dict[str, Any]:
    """The person switched their camera or microphone: the facilitators' presence panel and
    the tiles of everyone in the room show it (talk time is measured from the audio itself).
    Without a media connection both read as off, whatever the client says; so does the
    camera of a connection that publishes no video (joined audio only, or offered no camera),
    so nobody is told a camera is on that nobody can see."""
    backend = _backend(rt)
    participant = media_participant(caller.session_id, caller.person_id)
    connected = backend.room_of(participant)
    await _record_state(
        rt,
        caller.session_id,
        caller.person_id,
        camera_on=camera_on and connected is not None and backend.publishes_video(participant),
        mic_on=mic_on and connected is not None,
        connected_media=connected is not None,
    )
    return {"ok": True}


async def leave_media(
    rt: Runtime, session_id: str, person_id: str, *, announce: bool = True
) -> None:
    """Close a person's media connection (leaving, removal, end of session). ``announce``
    false: the caller sends the room's participant list itself right after."""
    if rt.media is not None:
        await rt.media.leave(media_participant(session_id, person_id))

    def forget(raw: dict[str, str] | None) -> dict[str, str] | None:
        rest = {k: v for k, v in (raw or {}).items() if k != person_id}
        return rest or None

    await rt.live.update_json(session_id, MEDIA_CONNECTIONS, forget)
    await _record_state(
        rt,
        session_id,
        person_id,
        camera_on=False,
        mic_on=False,
        connected_media=False,
        announce=announce,
    )


async def leave_media_by_caller(rt: Runtime, caller: Caller) -> dict[str, Any]:
    await leave_media(rt, caller.session_id, caller.person_id)
    return {"ok": True}


async def connection_closed(rt: Runtime, caller: Caller) -> None:
    """A socket closed: its person's media goes with it when this socket held it. The caller
    (presence.leave_session) then tells the room once, camera and connection together."""
    owners = await rt.live.get_json(caller.session_id, MEDIA_CONNECTIONS) or {}
    if owners.get(caller.person_id) == caller.sid:
        await leave_media(rt, caller.session_id, caller.person_id, announce=False)


async def session_ended(rt: Runtime, session_id: str) -> None:
    """Every media connection of the session closes (on this process; others' sockets close
    as their clients see the session end)."""
    if rt.media is None:
        return
    prefix = media_participant(session_id, "")
    for participant in rt.media.participant_ids():
        if participant.startswith(prefix):
            await rt.media.leave(participant)


# -- presence feeding talk time --------------------------------------------------------------


async def person_entered(
    rt: Runtime, session_id: str, person_id: str, room_id: str, role: str
) -> None:
    """Someone is in a room (joined, admitted, reconnected): their talk figures continue. A
    second connection of someone already there changes nothing (an open turn stays open)."""
    ledger = await TalkTime(rt).ledger(session_id)
    known = ledger.participants.get(person_id)
    if known is not None and known.present and known.room == room_id:
        return
    await TalkTime(rt).entered(session_id, person_id, room_id, role)


async def person_left(rt: Runtime, session_id: str, person_id: str) -> None:
    """Their last connection closed or they were removed: any open turn ends now."""
    await TalkTime(rt).left(session_id, person_id)


# -- what the SFU reports --------------------------------------------------------------------


async def speaking_changed(rt: Runtime, change: SpeakingChanged) -> None:
    """Feed the ledger, then tell the session's facilitators at once (not on the next tick),
    so the dashboard shows who speaks within half a second."""
    session_id, member_id = split_media_id(change.participant_id)
    _, room_id = split_media_id(change.room_id)
    await TalkTime(rt).speaking_changed(
        session_id, member_id, room_id, change.is_speaking, change.at_ms
    )
    await rt.broadcaster.emit(
        SpeakingNoticed(session_id, member_id, room_id, change.is_speaking, change.at_ms),
        to=broadcast.staff(session_id),
    )


async def layout_changed(rt: Runtime, participant_id: str, layout: Layout) -> None:
    """Send a person's new layout to their connections only."""
    session_id, person_id = split_media_id(participant_id)
    raw = layout_json(layout)
    await rt.broadcaster.emit(
        LayoutChanged(session_id, raw["room_id"], tuple(raw["slots"]), tuple(raw["unslotted"])),
        to=broadcast.person(session_id, person_id),
    )
