"""Breakout rooms: open, move in and out, step in, ask to return, close.

Rules:

* Only a lead or co-facilitator runs breakouts (``MAY_RUN``); a standby must appear first.
  Roles are ``roles.Role`` values given when a member arrives (``roles.py`` decides them
  elsewhere); a plain role string such as ``"peer"`` is accepted and stored as its ``Role``.
* A breakout is opened with one or more peers who are in the main room; a peer already in
  another breakout is refused (``peer_busy``), so nobody is in two places.
* The facilitator who opens it goes in with the peers unless ``facilitator_joins`` is False.
* The main room may be left without a facilitator, but never silently: the change that leaves
  it unattended also emits ``MainRoomUnattended`` to the facilitators. Any facilitator (lead, co
  or standby) present in the main room attends it, because any of them can respond.
* A breakout left with nobody in it closes itself; closing sends everyone back to the main room.
* The lead sees each breakout's status (who, since when, notice, a pending return request) and
  nothing of what is said there: this module holds no content at all.
* A peer may ask to return; the request is recorded and shown to facilitators, who bring them
  back, so that a facilitator is never surprised by a peer leaving a one-to-one conversation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from facilitator.errors import DomainError
from facilitator.roles import FACILITATOR_ROLES, Role, parse_role
from facilitator.state_format import (
    FORMAT_VERSION,
    JsonDict,
    as_choice,
    as_dict,
    as_int,
    as_list,
    as_opt_str,
    as_str,
    as_strs,
    check_version,
    reading,
)

MemberId = str
RoomId = str

MAIN_ROOM: RoomId = "main"
MAY_RUN: frozenset[Role] = frozenset({Role.LEAD, Role.CO})
MAX_NOTICE_CHARS = 200


@dataclass(frozen=True)
class BreakoutOpened:
    audience: ClassVar[str] = "facilitators"
    room: RoomId
    opened_by: MemberId
    members: tuple[MemberId, ...]
    at_ms: int


@dataclass(frozen=True)
class MemberMoved:
    """Tells ``member`` (and the server's media layer) where they now are."""

    audience: ClassVar[str] = "member"
    member: MemberId
    from_room: RoomId
    to_room: RoomId
    at_ms: int


@dataclass(frozen=True)
class BreakoutNoticePosted:
    """The neutral words the facilitator chose for the main room, e.g. "Back shortly"."""

    audience: ClassVar[str] = "room"
    room: RoomId
    text: str
    at_ms: int


@dataclass(frozen=True)
class FacilitatorSteppedIn:
    audience: ClassVar[str] = "facilitators"
    member: MemberId
    room: RoomId
    at_ms: int


@dataclass(frozen=True)
class ReturnRequested:
    audience: ClassVar[str] = "facilitators"
    member: MemberId
    room: RoomId
    at_ms: int


@dataclass(frozen=True)
class BreakoutClosed:
    audience: ClassVar[str] = "facilitators"
    room: RoomId
    returned: tuple[MemberId, ...]
    at_ms: int


@dataclass(frozen=True)
class MainRoomUnattended:
    """Warning: no facilitator is left in the main room."""

    audience: ClassVar[str] = "facilitators"
    peers_in_main: int
    at_ms: int


@dataclass(frozen=True)
class MainRoomAttended:
    audience: ClassVar[str] = "facilitators"
    member: MemberId
    at_ms: int


BreakoutEvent = (
    BreakoutOpened
    | MemberMoved
    | BreakoutNoticePosted
    | FacilitatorSteppedIn
    | ReturnRequested
    | BreakoutClosed
    | MainRoomUnattended
    | MainRoomAttended
)
Result = tuple["BreakoutBoard", tuple[BreakoutEvent, ...]]


@dataclass(frozen=True)
class Breakout:
    room: RoomId
    opened_by: MemberId
    opened_at_ms: int
    notice: str | None
    return_requested: frozenset[MemberId] = frozenset()

    def to_dict(self) -> JsonDict:
        return {
            "room": self.room,
            "opened_by": self.opened_by,
            "opened_at_ms": self.opened_at_ms,
            "notice": self.notice,
            "return_requested": sorted(self.return_requested),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Breakout:
        return cls(
            as_str(data["room"]),
            as_str(data["opened_by"]),
            as_int(data["opened_at_ms"]),
            as_opt_str(data["notice"]),
            frozenset(as_strs(data["return_requested"])),
        )


@dataclass(frozen=True)
class BreakoutStatus:
    """What the lead may see of a breakout: who, since when; never what is said."""

    room: RoomId
    opened_by: MemberId
    opened_at_ms: int
    notice: str | None
    members: tuple[tuple[MemberId, Role, int], ...]  # (member, role, in the room since ms)
    return_requested: tuple[MemberId, ...]


@dataclass(frozen=True)
class BreakoutBoard:
    """Who is in which room of a session. Treat as immutable."""

    roles: dict[MemberId, Role] = field(default_factory=dict)
    where: dict[MemberId, tuple[RoomId, int]] = field(default_factory=dict)  # room, since ms
    breakouts: dict[RoomId, Breakout] = field(default_factory=dict)

    def room_of(self, member: MemberId) -> RoomId:
        """The room a present member is in."""
        if member not in self.where:
            raise DomainError("unknown_member", f"{member} is not in this session")
        return self.where[member][0]

    def members_in(self, room: RoomId) -> tuple[MemberId, ...]:
        return tuple(sorted(m for m, (r, _) in self.where.items() if r == room))

    def main_attended(self) -> bool:
        return any(self.roles[m] in FACILITATOR_ROLES for m in self.members_in(MAIN_ROOM))

    def to_dict(self) -> JsonDict:
        """Roles, who is where since when, and the open breakouts, as plain JSON values."""
        return {
            "v": FORMAT_VERSION,
            "roles": {member: role.value for member, role in self.roles.items()},
            "where": {
                member: {"room": room, "since_ms": since_ms}
                for member, (room, since_ms) in self.where.items()
            },
            "breakouts": [breakout.to_dict() for breakout in self.breakouts.values()],
        }

    @classmethod
    def from_dict(cls, data: object) -> BreakoutBoard:
        """Restore a board saved by ``to_dict``; refuse other versions (``bad_state_format``)."""
        doc = check_version(data, "breakout board")
        with reading("breakout board"):
            where = {}
            for member, place in as_dict(doc["where"]).items():
                row = as_dict(place)
                where[as_str(member)] = (as_str(row["room"]), as_int(row["since_ms"]))
            breakouts = [Breakout.from_dict(as_dict(b)) for b in as_list(doc["breakouts"])]
            return cls(
                roles={
                    as_str(member): as_choice(role, tuple(Role))
                    for member, role in as_dict(doc["roles"]).items()
                },
                where=where,
                breakouts={b.room: b for b in breakouts},
            )


def member_arrived(board: BreakoutBoard, member: MemberId, role: Role, now_ms: int) -> Result:
    """A member admitted from the lobby is placed in the main room.

    A member already placed (a reconnect) keeps their room, so a dropped connection never pulls
    a peer out of a breakout; only ``member_departed`` (leaving for good) removes them.
    """
    roles, where = dict(board.roles), dict(board.where)
    roles[member] = parse_role(role)
    where.setdefault(member, (MAIN_ROOM, now_ms))
    return _checked(board, replace(board, roles=roles, where=where), now_ms, ())


def member_departed(board: BreakoutBoard, member: MemberId, now_ms: int) -> Result:
    """A member leaves the session; a breakout left empty closes."""
    room = board.room_of(member)
    roles, where = dict(board.roles), dict(board.where)
    del roles[member], where[member]
    after = _close_if_empty(replace(board, roles=roles, where=where), room, now_ms)
    return _checked(board, after[0], now_ms, after[1])


def set_role(board: BreakoutBoard, member: MemberId, role: Role, now_ms: int) -> Result:
    """Record a role change (handover, promotion, a standby appearing)."""
    board.room_of(member)
    roles = dict(board.roles)
    roles[member] = parse_role(role)
    return _checked(board, replace(board, roles=roles), now_ms, ())


def open_breakout(
    board: BreakoutBoard,
    actor: MemberId,
    room: RoomId,
    peers: tuple[MemberId, ...],
    now_ms: int,
    notice: str | None = None,
    facilitator_joins: bool = True,
) -> Result:
    """Open a breakout with peers from the main room; the opener joins unless told not to."""
    _may_run(board, actor)
    if room == MAIN_ROOM or room in board.breakouts:
        raise DomainError("breakout_exists", f"a room called {room} already exists")
    if not peers or len(set(peers)) != len(peers):
        raise DomainError("no_peers", "a breakout needs one or more distinct peers")
    if notice is not None and len(notice) > MAX_NOTICE_CHARS:
        raise DomainError("notice_too_long", f"a notice has at most {MAX_NOTICE_CHARS} characters")
    for peer in peers:
        if board.roles.get(peer) != Role.PEER:
            raise DomainError("not_a_peer", f"{peer} is not a peer in this session")
        if board.room_of(peer) != MAIN_ROOM:
            raise DomainError("peer_busy", f"{peer} is already in a breakout")
    going = peers + ((actor,) if facilitator_joins else ())
    breakouts = dict(board.breakouts)
    breakouts[room] = Breakout(room, actor, now_ms, notice)
    after = replace(board, breakouts=breakouts)
    events: list[BreakoutEvent] = [BreakoutOpened(room, actor, going, now_ms)]
    for member in going:
        after, moved = _move(after, member, room, now_ms)
        events.extend(moved)
    if notice:
        events.append(BreakoutNoticePosted(MAIN_ROOM, notice, now_ms))
    return _checked(board, after, now_ms, tuple(events))


def move_to_breakout(
    board: BreakoutBoard, actor: MemberId, member: MemberId, room: RoomId, now_ms: int
) -> Result:
    """Bring another peer from the main room into an open breakout."""
    _may_run(board, actor)
    _breakout(board, room)
    if board.roles.get(member) != Role.PEER:
        raise DomainError("not_a_peer", f"{member} is not a peer in this session")
    if board.room_of(member) != MAIN_ROOM:
        raise DomainError("peer_busy", f"{member} is already in a breakout")
    after, events = _move(board, member, room, now_ms)
    return _checked(board, after, now_ms, events)


def step_in(board: BreakoutBoard, actor: MemberId, room: RoomId, now_ms: int) -> Result:
    """A facilitator joins a breakout (from the main room or another breakout)."""
    _may_run(board, actor)
    _breakout(board, room)
    left = board.room_of(actor)
    if left == room:
        return board, ()
    after, events = _move(board, actor, room, now_ms)
    after, closed = _close_if_empty(after, left, now_ms)
    stepped = (*events, FacilitatorSteppedIn(actor, room, now_ms), *closed)
    return _checked(board, after, now_ms, stepped)


def request_return(board: BreakoutBoard, member: MemberId, now_ms: int) -> Result:
    """A peer in a breakout asks to go back; facilitators are told and bring them back."""
    room = board.room_of(member)
    if room == MAIN_ROOM:
        raise DomainError("not_in_breakout", f"{member} is already in the main room")
    breakout = board.breakouts[room]
    if member in breakout.return_requested:
        return board, ()
    breakouts = dict(board.breakouts)
    breakouts[room] = replace(breakout, return_requested=breakout.return_requested | {member})
    return replace(board, breakouts=breakouts), (ReturnRequested(member, room, now_ms),)


def return_to_main(board: BreakoutBoard, actor: MemberId, member: MemberId, now_ms: int) -> Result:
    """A facilitator brings a member (or themselves) back; an emptied breakout closes."""
    _may_run(board, actor)
    room = board.room_of(member)
    if room == MAIN_ROOM:
        raise DomainError("not_in_breakout", f"{member} is already in the main room")
    after, events = _move(board, member, MAIN_ROOM, now_ms)
    after, closed = _close_if_empty(after, room, now_ms)
    return _checked(board, after, now_ms, events + closed)


def close_breakout(board: BreakoutBoard, actor: MemberId, room: RoomId, now_ms: int) -> Result:
    """Close a breakout: everyone in it goes back to the main room."""
    _may_run(board, actor)
    _breakout(board, room)
    returned = board.members_in(room)
    after: BreakoutBoard = board
    events: list[BreakoutEvent] = []
    for member in returned:
        after, moved = _move(after, member, MAIN_ROOM, now_ms)
        events.extend(moved)
    breakouts = dict(after.breakouts)
    del breakouts[room]
    events.append(BreakoutClosed(room, returned, now_ms))
    return _checked(board, replace(after, breakouts=breakouts), now_ms, tuple(events))


def breakout_status(board: BreakoutBoard) -> tuple[BreakoutStatus, ...]:
    """Every open breakout as the lead sees it: who is there and since when, no content."""
    return tuple(
        BreakoutStatus(
            room=b.room,
            opened_by=b.opened_by,
            opened_at_ms=b.opened_at_ms,
            notice=b.notice,
            members=tuple((m, board.roles[m], board.where[m][1]) for m in board.members_in(room)),
            return_requested=tuple(sorted(b.return_requested)),
        )
        for room, b in sorted(board.breakouts.items())
    )


def _may_run(board: BreakoutBoard, actor: MemberId) -> None:
    if board.roles.get(actor) not in MAY_RUN:
        raise DomainError("not_permitted", "only the lead or a co-facilitator runs breakouts")


def _breakout(board: BreakoutBoard, room: RoomId) -> Breakout:
    if room not in board.breakouts:
        raise DomainError("unknown_breakout", f"there is no open breakout called {room}")
    return board.breakouts[room]


def _move(
    board: BreakoutBoard, member: MemberId, room: RoomId, now_ms: int
) -> tuple[BreakoutBoard, tuple[BreakoutEvent, ...]]:
    came_from = board.room_of(member)
    where = dict(board.where)
    where[member] = (room, now_ms)
    breakouts = dict(board.breakouts)
    if came_from in breakouts:  # a pending request is answered by leaving
        old = breakouts[came_from]
        breakouts[came_from] = replace(old, return_requested=old.return_requested - {member})
    moved = replace(board, where=where, breakouts=breakouts)
    return moved, (MemberMoved(member, came_from, room, now_ms),)


def _close_if_empty(
    board: BreakoutBoard, room: RoomId, now_ms: int
) -> tuple[BreakoutBoard, tuple[BreakoutEvent, ...]]:
    if room == MAIN_ROOM or room not in board.breakouts or board.members_in(room):
        return board, ()
    breakouts = dict(board.breakouts)
    del breakouts[room]
    return replace(board, breakouts=breakouts), (BreakoutClosed(room, (), now_ms),)


def _checked(
    before: BreakoutBoard, after: BreakoutBoard, now_ms: int, events: tuple[BreakoutEvent, ...]
) -> Result:
    """Add the main-room warning (or all-clear) when a change flips its attendance."""
    if before.main_attended() and not after.main_attended():
        peers = sum(1 for m in after.members_in(MAIN_ROOM) if after.roles[m] is Role.PEER)
        return after, (*events, MainRoomUnattended(peers, now_ms))
    if not before.main_attended() and after.main_attended():
        back = next(m for m in after.members_in(MAIN_ROOM) if after.roles[m] in FACILITATOR_ROLES)
        return after, (*events, MainRoomAttended(back, now_ms))
    return after, events
