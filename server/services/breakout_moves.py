"""Moving one person between rooms of a session, on every layer that forwards to them.

The order matters: the old room's socket.io audience is left before the new one is joined, and
the media backend's ``move`` stops forwarding in both directions before it returns, so once a
move has been carried out nothing of the old room reaches the person and nothing of theirs
reaches it.
"""

from __future__ import annotations

from facilitator.breakouts import MAIN_ROOM
from facilitator.roles import Role, is_facilitator
from facilitator.room_events import PersonMoved
from server.live.roster import Presence
from server.media.backend import MediaBackend
from server.services import broadcast
from server.services.media_ids import media_participant, media_room
from server.services.runtime import Runtime, room_snapshot
from server.services.talk_time import TalkTime


async def move_person(
    rt: Runtime,
    media: MediaBackend | None,
    session_id: str,
    person_id: str,
    from_room: str,
    to_room: str,
) -> Presence | None:
    """Carry out a move the breakout board decided; None when the person is not listed."""
    presence = await rt.roster.get(session_id, person_id)
    if presence is None:
        return None
    placed = await rt.roster.place(
        session_id, person_id=person_id, name=presence.name, role=presence.role, room_id=to_room
    )
    for sid in placed.sids:
        await rt.broadcaster.leave(sid, broadcast.room(session_id, from_room))
        await rt.broadcaster.join(sid, broadcast.room(session_id, to_room))
    if media is not None:
        participant = media_participant(session_id, person_id)
        if media.room_of(participant) is not None:
            await media.move(participant, media_room(session_id, to_room))
    await TalkTime(rt).entered(session_id, person_id, to_room, presence.role)
    return placed


async def tell_moved(rt: Runtime, session_id: str, person: Presence, from_room: str) -> None:
    """Tell a moved person where they are now (sent once every move of a change is done, so
    the snapshot lists everyone who went with them)."""
    to_room = person.room_id or MAIN_ROOM
    snapshot = await room_snapshot(
        rt, session_id, to_room, for_staff=is_facilitator(Role(person.role))
    )
    breakout = None if to_room == MAIN_ROOM else {"room_id": to_room}
    await rt.broadcaster.emit(
        PersonMoved(session_id, person.id, from_room, snapshot.to_payload(), breakout),
        to=broadcast.person(session_id, person.id),
    )
