"""Ledger of speaking turns, measured per member and per room.

Every method takes ``now_ms`` and returns a new ledger plus a tuple of events; nothing here reads
a clock. The server feeds it from audio (voice activity with hysteresis) and calls ``tick`` about
once a second so that turns end and interruptions are confirmed even when nobody changes state.

Rules chosen here (tests in ``tests/unit/domain/test_talk_time.py`` pin each one):

* **Merge gap.** A pause shorter than ``merge_gap_ms`` (1000 ms) does not end a turn: people
  breathe and hesitate mid-sentence. A turn's length runs from its first voice to the start of the
  pause that ended it, short pauses included.
* **Minimum turn.** A turn shorter than ``min_turn_ms`` (500 ms) is a blip (a cough, an "mm-hm")
  and is discarded: no time, no turn, no interruption.
* **Overlap.** Overlapping speech counts fully for each speaker, so a room's talk is the sum of its
  members' talk and shares add up to 1.
* **Interruption.** Counted when someone starts a new turn while another member of the same room
  is audibly speaking (not during their short pause, which is ordinary turn-taking), once the new
  turn is confirmed to be longer than a blip.
* **Reconnects** keep the member's figures; **moves** between rooms close the turn in the old
  room, since talk is measured per room.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal, get_args

from facilitator.errors import DomainError
from facilitator.state_format import (
    FORMAT_VERSION,
    JsonDict,
    as_bool,
    as_choice,
    as_dict,
    as_int,
    as_list,
    as_opt_int,
    as_str,
    as_strs,
    check_version,
    reading,
)
from facilitator.talk_time_report import (
    Interruption,
    MemberTalkTime,
    RoomTalkTime,
    build_room_snapshot,
)

MemberId = str
RoomId = str
MemberKind = Literal["peer", "facilitator"]
MEMBER_KINDS: tuple[MemberKind, ...] = get_args(MemberKind)

__all__ = [
    "Interruption",
    "MemberTalkTime",
    "RoomTalkTime",
    "SpeakerInterrupted",
    "TalkEvent",
    "TalkLedger",
    "TalkTimeConfig",
    "TurnEnded",
    "TurnStarted",
]


@dataclass(frozen=True)
class TalkTimeConfig:
    merge_gap_ms: int = 1000
    min_turn_ms: int = 500

    def to_dict(self) -> JsonDict:
        return {"merge_gap_ms": self.merge_gap_ms, "min_turn_ms": self.min_turn_ms}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TalkTimeConfig:
        return cls(as_int(data["merge_gap_ms"]), as_int(data["min_turn_ms"]))


@dataclass(frozen=True)
class TurnStarted:
    audience: ClassVar[str] = "facilitators"
    member: MemberId
    room: RoomId
    started_at_ms: int


@dataclass(frozen=True)
class TurnEnded:
    """``counted`` is False for a blip shorter than the minimum turn."""

    audience: ClassVar[str] = "facilitators"
    member: MemberId
    room: RoomId
    started_at_ms: int
    ended_at_ms: int
    counted: bool


@dataclass(frozen=True)
class SpeakerInterrupted:
    audience: ClassVar[str] = "facilitators"
    interrupter: MemberId
    interrupted: MemberId
    room: RoomId
    at_ms: int


TalkEvent = TurnStarted | TurnEnded | SpeakerInterrupted


@dataclass(frozen=True)
class Tally:
    """Figures of one member in one room, counted turns only."""

    total_ms: int = 0
    turns: int = 0
    longest_turn_ms: int = 0
    last_spoke_at_ms: int | None = None

    def to_dict(self) -> JsonDict:
        return {
            "total_ms": self.total_ms,
            "turns": self.turns,
            "longest_turn_ms": self.longest_turn_ms,
            "last_spoke_at_ms": self.last_spoke_at_ms,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Tally:
        return cls(
            as_int(data["total_ms"]),
            as_int(data["turns"]),
            as_int(data["longest_turn_ms"]),
            as_opt_int(data["last_spoke_at_ms"]),
        )


@dataclass(frozen=True)
class OpenTurn:
    room: RoomId
    started_at_ms: int
    paused_at_ms: int | None = None  # None while audibly speaking
    confirmed: bool = False  # reached min_turn_ms; interruptions already counted
    interrupting: tuple[MemberId, ...] = ()

    def length_ms(self, now_ms: int) -> int:
        end = now_ms if self.paused_at_ms is None else self.paused_at_ms
        return max(0, end - self.started_at_ms)

    def to_dict(self) -> JsonDict:
        """An unconfirmed turn is a possible blip; ``interrupting`` keeps who it may count as
        interrupting once confirmed, so a restored ledger confirms it exactly as before."""
        return {
            "room": self.room,
            "started_at_ms": self.started_at_ms,
            "paused_at_ms": self.paused_at_ms,
            "confirmed": self.confirmed,
            "interrupting": list(self.interrupting),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OpenTurn:
        return cls(
            as_str(data["room"]),
            as_int(data["started_at_ms"]),
            as_opt_int(data["paused_at_ms"]),
            as_bool(data["confirmed"]),
            as_strs(data["interrupting"]),
        )


@dataclass(frozen=True)
class Participant:
    member: MemberId
    kind: MemberKind
    room: RoomId
    present: bool
    entered_room_at_ms: int
    turn: OpenTurn | None = None

    def to_dict(self) -> JsonDict:
        return {
            "member": self.member,
            "kind": self.kind,
            "room": self.room,
            "present": self.present,
            "entered_room_at_ms": self.entered_room_at_ms,
            "turn": None if self.turn is None else self.turn.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Participant:
        turn = data["turn"]
        return cls(
            as_str(data["member"]),
            as_choice(data["kind"], MEMBER_KINDS),
            as_str(data["room"]),
            as_bool(data["present"]),
            as_int(data["entered_room_at_ms"]),
            None if turn is None else OpenTurn.from_dict(as_dict(turn)),
        )


@dataclass(frozen=True)
class TalkLedger:
    """All rooms of one session. Treat as immutable: every change returns a new ledger."""

    config: TalkTimeConfig = field(default_factory=TalkTimeConfig)
    participants: dict[MemberId, Participant] = field(default_factory=dict)
    tallies: dict[tuple[RoomId, MemberId], Tally] = field(default_factory=dict)
    # (room, interrupter, interrupted) -> count
    interruptions: dict[tuple[RoomId, MemberId, MemberId], int] = field(default_factory=dict)

    # --- inputs -------------------------------------------------------------------------------

    def member_joined(
        self, member: MemberId, room: RoomId, kind: MemberKind, now_ms: int
    ) -> tuple[TalkLedger, tuple[TalkEvent, ...]]:
        """Start measuring a member; their kind (peer or facilitator) is fixed at join."""
        if member in self.participants:
            raise DomainError("already_joined", f"{member} is already in the session")
        ledger, events = self.tick(now_ms)
        people = dict(ledger.participants)
        people[member] = Participant(member, kind, room, True, now_ms)
        return replace(ledger, participants=people), events

    def speaking_changed(
        self, member: MemberId, room: RoomId, is_speaking: bool, now_ms: int
    ) -> tuple[TalkLedger, tuple[TalkEvent, ...]]:
        """Record voice starting or stopping; short pauses merge, blips are dropped later."""
        ledger, events = self.tick(now_ms)
        who = ledger._present(member, room)
        turn = who.turn
        if is_speaking:
            if turn is not None and turn.paused_at_ms is not None:
                # still inside the merge gap (tick would have ended it otherwise): resume
                return ledger._with(replace(who, turn=replace(turn, paused_at_ms=None))), events
            if turn is not None:
                return ledger, events  # already speaking: repeated signal
            speaking_now = tuple(
                other.member
                for other in ledger.participants.values()
                if other.member != member
                and other.present
                and other.room == room
                and other.turn is not None
                and other.turn.paused_at_ms is None
            )
            new_turn = OpenTurn(room, now_ms, interrupting=speaking_now)
            ledger = ledger._with(replace(who, turn=new_turn))
            return ledger, (*events, TurnStarted(member, room, now_ms))
        if turn is None or turn.paused_at_ms is not None:
            return ledger, events
        paused = replace(who, turn=replace(turn, paused_at_ms=now_ms))
        # a zero merge gap means every pause ends the turn at once
        return ledger._with(paused).tick(now_ms, events)

    def member_left(
        self, member: MemberId, now_ms: int
    ) -> tuple[TalkLedger, tuple[TalkEvent, ...]]:
        """A disconnect ends any open turn; the figures stay for a reconnect."""
        ledger, events = self.tick(now_ms)
        who = ledger._known(member)
        ledger, ended = ledger._close_turn(who, now_ms)
        return ledger._with(replace(ledger.participants[member], present=False)), events + ended

    def member_rejoined(
        self, member: MemberId, room: RoomId, now_ms: int
    ) -> tuple[TalkLedger, tuple[TalkEvent, ...]]:
        """A reconnect continues the same member's figures (in that room, if it is the same)."""
        ledger, events = self.tick(now_ms)
        who = ledger._known(member)
        entered = who.entered_room_at_ms if room == who.room else now_ms
        return ledger._with(replace(who, present=True, room=room, entered_room_at_ms=entered)), (
            events
        )

    def member_moved(
        self, member: MemberId, new_room: RoomId, now_ms: int
    ) -> tuple[TalkLedger, tuple[TalkEvent, ...]]:
        """Move to another room (breakouts): the turn in the old room ends; talk is per room."""
        ledger, events = self.tick(now_ms)
        who = ledger._known(member)
        if who.room == new_room:
            return ledger, events
        ledger, ended = ledger._close_turn(who, now_ms)
        moved = replace(ledger.participants[member], room=new_room, entered_room_at_ms=now_ms)
        return ledger._with(moved), events + ended

    def tick(
        self, now_ms: int, events: tuple[TalkEvent, ...] = ()
    ) -> tuple[TalkLedger, tuple[TalkEvent, ...]]:
        """Settle time: end turns whose pause reached the merge gap, confirm non-blip turns."""
        ledger = self
        out = list(events)
        for member in sorted(self.participants):
            who = ledger.participants[member]
            turn = who.turn
            if turn is None:
                continue
            if turn.paused_at_ms is not None and now_ms - turn.paused_at_ms >= (
                ledger.config.merge_gap_ms
            ):
                ledger, ended = ledger._close_turn(who, now_ms)
                out.extend(ended)
            elif not turn.confirmed and turn.length_ms(now_ms) >= ledger.config.min_turn_ms:
                ledger, confirmed = ledger._confirm(who, turn, now_ms)
                out.extend(confirmed)
        return ledger, tuple(out)

    # --- saving and restoring -----------------------------------------------------------------

    def to_dict(self) -> JsonDict:
        """Everything needed to continue exactly where this ledger is, as plain JSON values:
        config, every participant with their open (possibly unconfirmed) turn, the per-room
        tallies and the interruption counts. Order is kept so a restore is equal, not just
        equivalent."""
        return {
            "v": FORMAT_VERSION,
            "config": self.config.to_dict(),
            "participants": [who.to_dict() for who in self.participants.values()],
            "tallies": [
                {"room": room, "member": member, **tally.to_dict()}
                for (room, member), tally in self.tallies.items()
            ],
            "interruptions": [
                {"room": room, "interrupter": a, "interrupted": b, "count": count}
                for (room, a, b), count in self.interruptions.items()
            ],
        }

    @classmethod
    def from_dict(cls, data: object) -> TalkLedger:
        """Restore a ledger saved by ``to_dict``; refuse other versions (``bad_state_format``)."""
        doc = check_version(data, "talk ledger")
        with reading("talk ledger"):
            people = [Participant.from_dict(as_dict(p)) for p in as_list(doc["participants"])]
            tallies = {}
            for item in as_list(doc["tallies"]):
                row = as_dict(item)
                tallies[(as_str(row["room"]), as_str(row["member"]))] = Tally.from_dict(row)
            interruptions = {}
            for item in as_list(doc["interruptions"]):
                row = as_dict(item)
                key = (as_str(row["room"]), as_str(row["interrupter"]), as_str(row["interrupted"]))
                interruptions[key] = as_int(row["count"])
            return cls(
                config=TalkTimeConfig.from_dict(as_dict(doc["config"])),
                participants={who.member: who for who in people},
                tallies=tallies,
                interruptions=interruptions,
            )

    # --- reading ------------------------------------------------------------------------------

    def rooms(self) -> tuple[RoomId, ...]:
        """Every room anyone is in or has talk figures for."""
        found = {p.room for p in self.participants.values()} | {r for r, _ in self.tallies}
        return tuple(sorted(found))

    def snapshot(self, room: RoomId, now_ms: int) -> RoomTalkTime:
        """The dashboard view of one room at ``now_ms`` (settles time without keeping it)."""
        ledger, _ = self.tick(now_ms)
        members = []
        for member in sorted(
            {m for r, m in ledger.tallies if r == room}
            | {p.member for p in ledger.participants.values() if p.room == room and p.present}
        ):
            who = ledger.participants[member]
            tally = ledger.tallies.get((room, member), Tally())
            open_ms = 0
            speaking = False
            if who.turn is not None and who.turn.room == room:
                speaking = who.turn.paused_at_ms is None
                if who.turn.confirmed:
                    open_ms = who.turn.length_ms(now_ms)
            in_room = who.present and who.room == room
            last = tally.last_spoke_at_ms
            if open_ms and who.turn is not None:
                last = now_ms if who.turn.paused_at_ms is None else who.turn.paused_at_ms
            since = who.entered_room_at_ms if in_room else now_ms
            members.append(
                MemberTalkTime(
                    member=member,
                    kind=who.kind,
                    present=in_room,
                    speaking=speaking,
                    total_ms=tally.total_ms + open_ms,
                    turns=tally.turns + (1 if open_ms else 0),
                    longest_turn_ms=max(tally.longest_turn_ms, open_ms),
                    current_turn_ms=open_ms,
                    silent_for_ms=now_ms - max(since, last if last is not None else since),
                    not_yet_spoken=tally.turns == 0 and not open_ms,
                    share=0.0,
                    interruptions_made=sum(
                        n
                        for (r, a, _), n in ledger.interruptions.items()
                        if r == room and a == member
                    ),
                    times_interrupted=sum(
                        n
                        for (r, _, b), n in ledger.interruptions.items()
                        if r == room and b == member
                    ),
                )
            )
        pairs = tuple(
            Interruption(a, b, n)
            for (r, a, b), n in sorted(ledger.interruptions.items())
            if r == room
        )
        return build_room_snapshot(room, now_ms, tuple(members), pairs)

    # --- internals ----------------------------------------------------------------------------

    def _with(self, who: Participant) -> TalkLedger:
        people = dict(self.participants)
        people[who.member] = who
        return replace(self, participants=people)

    def _known(self, member: MemberId) -> Participant:
        who = self.participants.get(member)
        if who is None:
            raise DomainError("unknown_member", f"{member} has not joined this session")
        return who

    def _present(self, member: MemberId, room: RoomId) -> Participant:
        who = self._known(member)
        if not who.present or who.room != room:
            raise DomainError("not_in_room", f"{member} is not present in {room}")
        return who

    def _confirm(
        self, who: Participant, turn: OpenTurn, now_ms: int
    ) -> tuple[TalkLedger, tuple[TalkEvent, ...]]:
        counts = dict(self.interruptions)
        events: list[TalkEvent] = []
        for other in turn.interrupting:
            key = (turn.room, who.member, other)
            counts[key] = counts.get(key, 0) + 1
            events.append(SpeakerInterrupted(who.member, other, turn.room, turn.started_at_ms))
        ledger = replace(self, interruptions=counts)._with(
            replace(who, turn=replace(turn, confirmed=True))
        )
        return ledger, tuple(events)

    def _close_turn(
        self, who: Participant, now_ms: int
    ) -> tuple[TalkLedger, tuple[TalkEvent, ...]]:
        turn = who.turn
        if turn is None:
            return self, ()
        end_ms = now_ms if turn.paused_at_ms is None else turn.paused_at_ms
        length = turn.length_ms(now_ms)
        counted = length >= self.config.min_turn_ms
        ledger: TalkLedger = self
        events: tuple[TalkEvent, ...] = ()
        if counted and not turn.confirmed:
            ledger, events = ledger._confirm(who, turn, now_ms)
        if counted:
            key = (turn.room, who.member)
            old = ledger.tallies.get(key, Tally())
            tallies = dict(ledger.tallies)
            tallies[key] = Tally(
                total_ms=old.total_ms + length,
                turns=old.turns + 1,
                longest_turn_ms=max(old.longest_turn_ms, length),
                last_spoke_at_ms=end_ms,
            )
            ledger = replace(ledger, tallies=tallies)
        ledger = ledger._with(replace(ledger.participants[who.member], turn=None))
        ended = TurnEnded(who.member, turn.room, turn.started_at_ms, end_ms, counted)
        return ledger, (*events, ended)
