"""Rounds: check-in, check-out or a custom round, one person at a time with a per-person timer.

A round has an order the facilitator can change. "Pass" is the member's choice not to share this
time and is recorded; "skip" means "we'll come back to you" and moves them to the end of the
order. Role checks (who may run a round) are the caller's job; these functions only keep the
round's own rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal, get_args

from facilitator.errors import DomainError
from facilitator.state_format import (
    JsonDict,
    as_bool,
    as_choice,
    as_int,
    as_list,
    as_opt_int,
    as_opt_str,
    as_str,
    as_strs,
)

MemberId = str
RoundKind = Literal["check_in", "check_out", "custom"]
Outcome = Literal["spoke", "passed"]
ROUND_KINDS: tuple[RoundKind, ...] = get_args(RoundKind)
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)

DEFAULT_PER_PERSON_MS = 360_000  # six minutes, the usual check-in share


@dataclass(frozen=True)
class RoundStarted:
    audience: ClassVar[str] = "room"
    kind: RoundKind
    title: str
    order: tuple[MemberId, ...]
    per_person_ms: int
    at_ms: int


@dataclass(frozen=True)
class SpeakerUp:
    audience: ClassVar[str] = "room"
    member: MemberId
    per_person_ms: int
    at_ms: int


@dataclass(frozen=True)
class TurnPassed:
    audience: ClassVar[str] = "room"
    member: MemberId
    at_ms: int


@dataclass(frozen=True)
class SpeakerSkipped:
    audience: ClassVar[str] = "room"
    member: MemberId
    at_ms: int


@dataclass(frozen=True)
class RoundReordered:
    audience: ClassVar[str] = "room"
    order: tuple[MemberId, ...]
    at_ms: int


@dataclass(frozen=True)
class RoundEnded:
    audience: ClassVar[str] = "room"
    kind: RoundKind
    outcomes: tuple[tuple[MemberId, Outcome], ...]
    at_ms: int


RoundEvent = RoundStarted | SpeakerUp | TurnPassed | SpeakerSkipped | RoundReordered | RoundEnded


@dataclass(frozen=True)
class Round:
    kind: RoundKind
    title: str
    per_person_ms: int
    started_at_ms: int
    current: MemberId | None
    current_started_at_ms: int | None
    waiting: tuple[MemberId, ...]  # after the current speaker, in order
    outcomes: tuple[tuple[MemberId, Outcome], ...] = ()
    ended: bool = False

    def to_dict(self) -> JsonDict:
        return {
            "kind": self.kind,
            "title": self.title,
            "per_person_ms": self.per_person_ms,
            "started_at_ms": self.started_at_ms,
            "current": self.current,
            "current_started_at_ms": self.current_started_at_ms,
            "waiting": list(self.waiting),
            "outcomes": [[member, outcome] for member, outcome in self.outcomes],
            "ended": self.ended,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Round:
        outcomes = []
        for item in as_list(data["outcomes"]):
            member, outcome = as_list(item)
            outcomes.append((as_str(member), as_choice(outcome, OUTCOMES)))
        return cls(
            kind=as_choice(data["kind"], ROUND_KINDS),
            title=as_str(data["title"]),
            per_person_ms=as_int(data["per_person_ms"]),
            started_at_ms=as_int(data["started_at_ms"]),
            current=as_opt_str(data["current"]),
            current_started_at_ms=as_opt_int(data["current_started_at_ms"]),
            waiting=as_strs(data["waiting"]),
            outcomes=tuple(outcomes),
            ended=as_bool(data["ended"]),
        )


@dataclass(frozen=True)
class RoundStatus:
    current: MemberId | None
    elapsed_ms: int
    left_ms: int
    over_time: bool
    up_next: MemberId | None
    waiting: tuple[MemberId, ...]


def start_round(
    kind: RoundKind,
    order: tuple[MemberId, ...],
    now_ms: int,
    per_person_ms: int = DEFAULT_PER_PERSON_MS,
    title: str = "",
) -> tuple[Round, tuple[RoundEvent, ...]]:
    """Open a round; the first in the order is up at once. Order must be non-empty, no repeats."""
    if not order:
        raise DomainError("empty_round", "a round needs at least one person")
    if len(set(order)) != len(order):
        raise DomainError("bad_order", "each person appears once in a round")
    if per_person_ms <= 0:
        raise DomainError("bad_timer", "the per-person time must be positive")
    rnd = Round(kind, title, per_person_ms, now_ms, order[0], now_ms, order[1:])
    return rnd, (
        RoundStarted(kind, title, order, per_person_ms, now_ms),
        SpeakerUp(order[0], per_person_ms, now_ms),
    )


def round_status(rnd: Round, now_ms: int) -> RoundStatus:
    """Who is up, how long they have had and whether they are past the per-person time."""
    elapsed = 0 if rnd.current_started_at_ms is None else now_ms - rnd.current_started_at_ms
    return RoundStatus(
        current=rnd.current,
        elapsed_ms=elapsed,
        left_ms=max(0, rnd.per_person_ms - elapsed) if rnd.current else 0,
        over_time=rnd.current is not None and elapsed >= rnd.per_person_ms,
        up_next=rnd.waiting[0] if rnd.waiting else None,
        waiting=rnd.waiting,
    )


def next_speaker(rnd: Round, now_ms: int) -> tuple[Round, tuple[RoundEvent, ...]]:
    """The current speaker has spoken; the next one is up, or the round ends when none wait."""
    _open(rnd)
    if rnd.current is None:
        return end_round(rnd, now_ms)
    return _advance(replace(rnd, outcomes=(*rnd.outcomes, (rnd.current, "spoke"))), now_ms, ())


def pass_turn(rnd: Round, member: MemberId, now_ms: int) -> tuple[Round, tuple[RoundEvent, ...]]:
    """A member declines to share this round (now or ahead of their go); it is recorded."""
    _open(rnd)
    passed = replace(rnd, outcomes=(*rnd.outcomes, (member, "passed")))
    event = TurnPassed(member, now_ms)
    if rnd.current == member:
        return _advance(passed, now_ms, (event,))
    if member not in rnd.waiting:
        raise DomainError("not_in_round", f"{member} is not waiting in this round")
    return replace(passed, waiting=tuple(m for m in rnd.waiting if m != member)), (event,)


def skip_speaker(rnd: Round, member: MemberId, now_ms: int) -> tuple[Round, tuple[RoundEvent, ...]]:
    """Come back to a member later: they move to the end of the order without an outcome."""
    _open(rnd)
    event = SpeakerSkipped(member, now_ms)
    if rnd.current == member:
        later = replace(rnd, waiting=(*rnd.waiting, member))
        return _advance(later, now_ms, (event,))
    if member not in rnd.waiting:
        raise DomainError("not_in_round", f"{member} is not waiting in this round")
    rest = tuple(m for m in rnd.waiting if m != member)
    return replace(rnd, waiting=(*rest, member)), (event,)


def reorder_round(
    rnd: Round, order: tuple[MemberId, ...], now_ms: int
) -> tuple[Round, tuple[RoundEvent, ...]]:
    """Replace the waiting order; it must hold exactly the people still waiting."""
    _open(rnd)
    if sorted(order) != sorted(rnd.waiting) or len(set(order)) != len(order):
        raise DomainError("bad_order", "the new order must list exactly the people waiting")
    return replace(rnd, waiting=order), (RoundReordered(order, now_ms),)


def add_to_round(rnd: Round, member: MemberId, now_ms: int) -> tuple[Round, tuple[RoundEvent, ...]]:
    """Someone who arrives late joins the end of the order."""
    _open(rnd)
    if member == rnd.current or member in rnd.waiting:
        raise DomainError("already_in_round", f"{member} is already in this round")
    order = (*rnd.waiting, member)
    return replace(rnd, waiting=order), (RoundReordered(order, now_ms),)


def end_round(rnd: Round, now_ms: int) -> tuple[Round, tuple[RoundEvent, ...]]:
    """Close the round; whoever was still waiting simply did not have a go."""
    _open(rnd)
    closed = replace(rnd, current=None, current_started_at_ms=None, waiting=(), ended=True)
    return closed, (RoundEnded(rnd.kind, rnd.outcomes, now_ms),)


def _open(rnd: Round) -> None:
    if rnd.ended:
        raise DomainError("round_ended", "this round has already ended")


def _advance(
    rnd: Round, now_ms: int, events: tuple[RoundEvent, ...]
) -> tuple[Round, tuple[RoundEvent, ...]]:
    if not rnd.waiting:
        closed, ended = end_round(rnd, now_ms)
        return closed, events + ended
    up = rnd.waiting[0]
    moved = replace(rnd, current=up, current_started_at_ms=now_ms, waiting=rnd.waiting[1:])
    return moved, (*events, SpeakerUp(up, rnd.per_person_ms, now_ms))
