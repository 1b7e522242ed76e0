"""Events of the safety features: "I need support", ground-rule breaches, incidents and the
follow-up after a peer leaves. Each docstring says who may receive it; the server decides the
audience (facilitators only, or the one peer concerned), never a client.

Kept apart from ``events.py`` so the safety features change in one place; like the rule
modules' events they are re-exported there, and (like them) this module must not import it.
They serialise as ``events.Event`` does: ``name`` and ``to_payload()``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class SafetyEvent:
    name: ClassVar[str] = "safety"
    audience: ClassVar[str] = "facilitators"

    def to_payload(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SupportRequested(SafetyEvent):
    """A peer pressed "I need support". Facilitators only: other peers must never learn it."""

    name = "support:requested"
    session_id: str
    member_id: str
    pseudonym: str
    at_ms: int
    incident_id: str


@dataclass(frozen=True)
class SupportAcknowledged(SafetyEvent):
    """To the peer who asked (every connection of theirs): a gentle acknowledgement and the
    crisis resources."""

    name = "support:acknowledged"
    audience = "member"
    session_id: str
    member_id: str
    message: str
    helpline: dict[str, Any]
    resources: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class BreachReminded(SafetyEvent):
    """To the peer concerned only: a kind reminder of the rule, and whether their chat is now
    muted (``action`` is remind, mute or remove)."""

    name = "breach:reminder"
    audience = "member"
    session_id: str
    member_id: str
    rule_index: int
    rule_text: str
    action: str
    message: str


@dataclass(frozen=True)
class BreachRecorded(SafetyEvent):
    """Facilitators only: a breach was marked and what followed from the group's policy."""

    name = "breach:recorded"
    session_id: str
    member_id: str
    pseudonym: str
    rule_index: int
    rule_text: str
    action: str
    breach_count: int
    incident_id: str
    by_name: str


@dataclass(frozen=True)
class IncidentRecorded(SafetyEvent):
    """Facilitators only: an incident of this session was recorded or changed (the incident as
    ``GET /api/groups/{id}/incidents`` shows it)."""

    name = "incident:recorded"
    session_id: str
    incident: dict[str, Any]


@dataclass(frozen=True)
class FollowUpPrompted(SafetyEvent):
    """Facilitators only: a peer left (disconnected or was removed) during a breakout or after a
    distress signal. ``has_contact`` says whether "Show contact" can find anything; the contact
    itself is only ever shown through the audited view."""

    name = "safety:follow_up"
    session_id: str
    member_id: str
    pseudonym: str
    reason: str
    incident_id: str
    has_contact: bool
    checklist: tuple[str, ...]
    at_ms: int
