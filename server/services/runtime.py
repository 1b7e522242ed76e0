"""What every live use case needs (database, live state, broadcaster, clock) and the shared
views of a session that several use cases send (session, room snapshot, participants)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from facilitator.errors import DomainError
from facilitator.events import ParticipantsChanged, RoomSnapshotTaken
from facilitator.roles import Role
from server.clock import Clock
from server.live.history import History
from server.live.roster import Presence, Roster
from server.live.state import LiveState
from server.media.backend import MediaBackend
from server.services import broadcast
from server.services.media_presence import media_states, room_view
from server.services.sessions_admin import session_json as admin_session_json
from server.services.timeutil import aware
from server.services.trigger_lists import TriggerLists
from server.storage.models import Group, Session


@dataclass
class Runtime:
    db: async_sessionmaker[AsyncSession]
    live: LiveState
    broadcaster: broadcast.Broadcaster
    clock: Clock
    triggers: TriggerLists | None = None  # None only in tests of services that never chat
    media: MediaBackend | None = None  # None only in tests of services without media
    roster: Roster = field(init=False)
    history: History = field(init=False)

    def __post_init__(self) -> None:
        self.roster = Roster(self.live)
        self.history = History(self.live)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now_ms() / 1000, UTC)


def to_ms(moment: datetime) -> int:
    return int(aware(moment).timestamp() * 1000)


def session_json(session: Session, group: Group) -> dict[str, Any]:
    return admin_session_json(session, group.name)


async def load_session(
    db: AsyncSession, session_id: str, *, for_update: bool = False
) -> tuple[Session, Group]:
    session = await db.get(Session, session_id, with_for_update=for_update)
    if session is None:
        raise DomainError("not_found", "This session does not exist any more.")
    group = await db.get(Group, session.group_id)
    assert group is not None
    return session, group


def _seen_by_peers(people: list[Presence]) -> list[Presence]:
    """A standby facilitator sits in unseen: peers' lists leave them out until they appear."""
    return [p for p in people if p.role != Role.STANDBY.value]


def _participants(
    listed: list[Presence], media: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], ...]:
    """The room's list as its people see it: who, and whether their camera and microphone are
    on (so a tile shows a placeholder rather than a black frame)."""
    return tuple({**p.to_participant(), **room_view(media.get(p.id))} for p in listed)


async def room_snapshot(
    rt: Runtime, session_id: str, room_id: str, *, for_staff: bool = False
) -> RoomSnapshotTaken:
    people = await rt.roster.in_room(session_id, room_id)
    return RoomSnapshotTaken(
        session_id=session_id,
        room_id=room_id,
        participants=_participants(
            people if for_staff else _seen_by_peers(people), await media_states(rt, session_id)
        ),
        chat=tuple(await rt.history.chat(session_id, room_id)),
    )


async def announce_participants(rt: Runtime, session_id: str, room_id: str) -> None:
    """Send the room's participant list to everyone in it (a hidden standby left out of the
    peers' copies). Called whenever who is there, their connection or their camera or
    microphone changes."""
    people = await rt.roster.in_room(session_id, room_id)
    media = await media_states(rt, session_id)

    def event(listed: list[Presence]) -> ParticipantsChanged:
        return ParticipantsChanged(
            session_id=session_id,
            room_id=room_id,
            participants=_participants(listed, media),
        )

    seen = _seen_by_peers(people)
    if len(seen) == len(people):
        await rt.broadcaster.emit(event(people), to=broadcast.room(session_id, room_id))
        return
    # a hidden standby is here: staff get the full list, each peer the list without them
    for person in people:
        listed = seen if person.role == Role.PEER.value else people
        await rt.broadcaster.emit(event(listed), to=broadcast.person(session_id, person.id))


async def announce_lobby(rt: Runtime, session_id: str) -> None:
    from facilitator.events import LobbyChanged

    waiting = await rt.roster.waiting(session_id)
    await rt.broadcaster.emit(
        LobbyChanged(session_id=session_id, waiting=tuple(waiting)), to=broadcast.staff(session_id)
    )
