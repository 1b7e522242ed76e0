"""What happens to a chat message that mentions amounts, brands or places.

A group chooses one policy (`Group.settings["trigger_policy"]`):

- ``mask`` (default): the room receives the message with every flagged span masked; the sender
  gets a private, kind reminder with their original text (to edit and resend); facilitators get
  an alert with the original text.
- ``hold``: a peer's message is not delivered; it waits for a facilitator, who approves it (as
  written or masked) or rejects it; the sender is told either way.
- ``alert``: the message is delivered as written; facilitators get an alert.

Facilitators' own messages are checked too but never held: under ``mask`` and ``hold`` the room
receives them masked (peers are protected whoever typed the words) and the facilitator gets the
same reminder a peer would; under ``alert`` they go out as written. The other facilitators are
alerted in every case.

Pure: no I/O, no clock. Offsets of spans are given twice, as Python string indices (code points)
and as UTF-16 code units, which is what a browser's string indices count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from facilitator.errors import DomainError

GROUND_RULE = "Don't mention amounts, brands or places."
REMINDER_TEXT = (
    "A gentle reminder of our ground rule: don't mention amounts, brands or places. "
    "They can be hard for others to read. The highlighted words were hidden; you can edit "
    "your message and send it again."
)
HELD_TEXT = (
    "A gentle reminder of our ground rule: don't mention amounts, brands or places. "
    "Your message is waiting for a facilitator before anyone else sees it. You can also edit "
    "it and send it again."
)
REJECTED_TEXT = (
    "A facilitator decided not to share your message with the room, because of our ground rule "
    "about amounts, brands and places. That's okay, and you're welcome to put it another way."
)
CATEGORY_NAMES = ("amount", "brand", "venue")


class Policy(StrEnum):
    MASK = "mask"
    HOLD = "hold"
    ALERT = "alert"


DEFAULT_POLICY = Policy.MASK


class Delivery(StrEnum):
    AS_WRITTEN = "as_written"
    MASKED = "masked"
    HELD = "held"


class HitLike(Protocol):
    """A matcher hit: category, [start, end) in code points, its text and the rule that fired."""

    @property
    def category(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def text(self) -> str: ...

    @property
    def rule(self) -> str: ...


@dataclass(frozen=True)
class Span:
    """One flagged span, in code points (`start`, `end`) and UTF-16 units (`*_utf16`)."""

    category: str
    start: int
    end: int
    start_utf16: int
    end_utf16: int
    text: str
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "start_utf16": self.start_utf16,
            "end_utf16": self.end_utf16,
            "text": self.text,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class Decision:
    """Who gets what for one message.

    `delivery` says what the room receives; `remind_sender` whether the sender gets the private
    reminder; `alert_staff` whether facilitators get `trigger:alert`; `hold` whether the message
    waits for a facilitator (then facilitators get `trigger:held` instead of an alert)."""

    delivery: Delivery
    remind_sender: bool
    alert_staff: bool

    @property
    def hold(self) -> bool:
        return self.delivery is Delivery.HELD


PASS_THROUGH = Decision(Delivery.AS_WRITTEN, remind_sender=False, alert_staff=False)


def parse_policy(value: object) -> Policy:
    """A group's stored or requested policy; anything else is refused with `bad_policy`."""
    try:
        return Policy(str(value))
    except ValueError:
        allowed = ", ".join(p.value for p in Policy)
        raise DomainError("bad_policy", f"The trigger policy must be one of: {allowed}.") from None


def policy_of(settings: Mapping[str, Any] | None) -> Policy:
    """The policy in a group's settings; missing or unreadable values mean the default (mask),
    so a damaged setting never lets flagged text through unmasked."""
    raw = (settings or {}).get("trigger_policy")
    if raw is None:
        return DEFAULT_POLICY
    try:
        return Policy(str(raw))
    except ValueError:
        return DEFAULT_POLICY


def decide(policy: Policy, *, flagged: bool, sender_is_facilitator: bool) -> Decision:
    """Apply the group's policy to one message (see the module docstring for the rules)."""
    if not flagged:
        return PASS_THROUGH
    if policy is Policy.ALERT:
        return Decision(Delivery.AS_WRITTEN, remind_sender=False, alert_staff=True)
    if policy is Policy.HOLD and not sender_is_facilitator:
        return Decision(Delivery.HELD, remind_sender=True, alert_staff=True)
    return Decision(Delivery.MASKED, remind_sender=True, alert_staff=True)


def approved_delivery(as_masked: bool) -> Delivery:
    """A facilitator releases a held message either as written or masked: their choice."""
    return Delivery.MASKED if as_masked else Delivery.AS_WRITTEN


def utf16_index(text: str, index: int) -> int:
    """The UTF-16 code-unit offset of code-point `index`: characters beyond the Basic
    Multilingual Plane (most emoji) count twice."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def spans_of(text: str, hits: Iterable[HitLike]) -> tuple[Span, ...]:
    """Describe every hit with both kinds of offsets, in the order given."""
    return tuple(
        Span(
            category=h.category,
            start=h.start,
            end=h.end,
            start_utf16=utf16_index(text, h.start),
            end_utf16=utf16_index(text, h.end),
            text=h.text,
            rule=h.rule,
        )
        for h in hits
    )


def categories_of(spans: Sequence[Span]) -> tuple[str, ...]:
    """The distinct categories flagged in a message, in a fixed order."""
    present = {s.category for s in spans}
    return tuple(c for c in CATEGORY_NAMES if c in present)


def count_hits(counts: Mapping[str, int] | None, spans: Sequence[Span]) -> dict[str, int]:
    """Add one message's hits to a session's running counts per category (counts, never text);
    `messages` counts flagged messages."""
    result = {c: 0 for c in CATEGORY_NAMES}
    result["messages"] = 0
    for key, value in (counts or {}).items():
        result[key] = int(value)
    for span in spans:
        result[span.category] = result.get(span.category, 0) + 1
    if spans:
        result["messages"] += 1
    return result
