"""The raise-hand queue, quietest first.

Order rule: hands are sorted by the member's total speaking time in the room (least first), then
by when the hand went up, so quieter voices are invited before frequent speakers. A facilitator
may move a hand to a position by hand; that hand is then pinned there and automatic reordering
flows around it, because a facilitator's judgement (someone is upset, a reply is owed) beats
the arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from facilitator.errors import DomainError

MemberId = str


@dataclass(frozen=True)
class HandRaised:
    audience: ClassVar[str] = "room"
    member: MemberId
    at_ms: int


@dataclass(frozen=True)
class HandLowered:
    audience: ClassVar[str] = "room"
    member: MemberId
    at_ms: int


@dataclass(frozen=True)
class HandTaken:
    """The facilitator invited this member to speak; their hand leaves the queue."""

    audience: ClassVar[str] = "room"
    member: MemberId
    at_ms: int


@dataclass(frozen=True)
class HandQueueChanged:
    audience: ClassVar[str] = "room"
    order: tuple[MemberId, ...]
    at_ms: int


HandEvent = HandRaised | HandLowered | HandTaken | HandQueueChanged


@dataclass(frozen=True)
class Hand:
    member: MemberId
    raised_at_ms: int
    pinned: bool = False  # moved by a facilitator: keeps its position


@dataclass(frozen=True)
class HandQueue:
    hands: tuple[Hand, ...] = ()

    def order(self) -> tuple[MemberId, ...]:
        return tuple(h.member for h in self.hands)


def order_hands(queue: HandQueue, talk_ms: Mapping[MemberId, int]) -> HandQueue:
    """Quietest first (talk time, then time raised); pinned hands stay where they were put."""
    unpinned = sorted(
        (h for h in queue.hands if not h.pinned),
        key=lambda h: (talk_ms.get(h.member, 0), h.raised_at_ms, h.member),
    )
    slots: list[Hand | None] = [h if h.pinned else None for h in queue.hands]
    fill = iter(unpinned)
    return HandQueue(tuple(h if h is not None else next(fill) for h in slots))


def raise_hand(
    queue: HandQueue, member: MemberId, now_ms: int, talk_ms: Mapping[MemberId, int]
) -> tuple[HandQueue, tuple[HandEvent, ...]]:
    """Add a hand in quietest-first order; raising an already raised hand changes nothing."""
    if member in queue.order():
        return queue, ()
    added = order_hands(HandQueue((*queue.hands, Hand(member, now_ms))), talk_ms)
    return added, (HandRaised(member, now_ms), HandQueueChanged(added.order(), now_ms))


def lower_hand(
    queue: HandQueue, member: MemberId, now_ms: int
) -> tuple[HandQueue, tuple[HandEvent, ...]]:
    """The member (or a facilitator) lowers a raised hand."""
    rest = _without(queue, member)
    return rest, (HandLowered(member, now_ms), HandQueueChanged(rest.order(), now_ms))


def take_next_hand(
    queue: HandQueue, now_ms: int
) -> tuple[HandQueue, MemberId | None, tuple[HandEvent, ...]]:
    """Invite the first hand in the queue to speak; None when no hand is up."""
    if not queue.hands:
        return queue, None, ()
    member = queue.hands[0].member
    rest = HandQueue(queue.hands[1:])
    return rest, member, (HandTaken(member, now_ms), HandQueueChanged(rest.order(), now_ms))


def move_hand(
    queue: HandQueue,
    member: MemberId,
    to_index: int,
    now_ms: int,
    talk_ms: Mapping[MemberId, int],
) -> tuple[HandQueue, tuple[HandEvent, ...]]:
    """A facilitator puts a hand at a position (clamped to the queue); it stays pinned there."""
    hand = next((h for h in queue.hands if h.member == member), None)
    if hand is None:
        raise DomainError("hand_not_raised", f"{member} has no hand raised")
    rest = list(_without(queue, member).hands)
    rest.insert(max(0, min(to_index, len(rest))), Hand(member, hand.raised_at_ms, pinned=True))
    moved = order_hands(HandQueue(tuple(rest)), talk_ms)
    return moved, (HandQueueChanged(moved.order(), now_ms),)


def _without(queue: HandQueue, member: MemberId) -> HandQueue:
    if member not in queue.order():
        raise DomainError("hand_not_raised", f"{member} has no hand raised")
    return HandQueue(tuple(h for h in queue.hands if h.member != member))
