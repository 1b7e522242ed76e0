"""Frozen dataclasses for everything a client can be told about a session.

Services create these; the realtime layer serialises them with `to_payload` and emits them.

The rule modules (talk time, rounds, hands, balancing, breakouts, leadership) define their own
events next to their rules; they are re-exported at the end of this file so the server finds
every event in one place. Those modules must never import this one, or the imports would go in
a circle (a test checks this).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    name = "event"

    def to_payload(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SessionStateChanged(Event):
    name = "session:state"
    session_id: str
    state: str
    solo_reason: str | None = None


@dataclass(frozen=True)
class LobbyChanged(Event):
    name = "lobby:updated"
    session_id: str
    waiting: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class MemberAdmitted(Event):
    name = "lobby:admitted"
    session_id: str
    member_id: str
    message: str | None
    # the room:snapshot payload of the room they were admitted to
    room: dict[str, Any] | None = None


@dataclass(frozen=True)
class MemberDeclined(Event):
    name = "lobby:declined"
    session_id: str
    member_id: str
    message: str | None


@dataclass(frozen=True)
class MemberRemoved(Event):
    name = "session:removed"
    session_id: str
    member_id: str


@dataclass(frozen=True)
class ParticipantsChanged(Event):
    name = "room:participants"
    session_id: str
    room_id: str
    participants: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class RoomSnapshotTaken(Event):
    """Everything a person needs on entering a room: who is there and the recent chat."""

    name = "room:snapshot"
    session_id: str
    room_id: str
    participants: tuple[dict[str, Any], ...]
    chat: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class ChatMessagePosted(Event):
    name = "chat:message"
    id: str
    session_id: str
    room_id: str
    sender_id: str
    sender_name: str
    sender_role: str
    text: str
    at_ms: int


@dataclass(frozen=True)
class BackchannelMessagePosted(Event):
    name = "backchannel:message"
    id: str
    session_id: str
    sender_id: str
    sender_name: str
    text: str
    at_ms: int


@dataclass(frozen=True)
class TriggerReminded(Event):
    """To the sender only: their message mentioned amounts, brands or places. `text` is what
    they typed (to put back in the input), `spans` what to highlight; `outcome` is `masked`
    (the room got it masked) or `held` (waiting for a facilitator, `held_id` set)."""

    name = "trigger:reminder"
    session_id: str
    message_id: str
    outcome: str
    ground_rule: str
    reminder: str
    text: str
    spans: tuple[dict[str, Any], ...]
    held_id: str | None = None


@dataclass(frozen=True)
class TriggerAlerted(Event):
    """To facilitators: a message was flagged. `text` is the original; `delivered` says what the
    room received (`as_written` or `masked`)."""

    name = "trigger:alert"
    session_id: str
    message_id: str
    room_id: str
    sender_id: str
    sender_name: str
    sender_role: str
    text: str
    categories: tuple[str, ...]
    spans: tuple[dict[str, Any], ...]
    delivered: str
    at_ms: int


@dataclass(frozen=True)
class MessageHeld(Event):
    """To facilitators: a peer's flagged message waits for approve or reject."""

    name = "trigger:held"
    session_id: str
    held_id: str
    room_id: str
    sender_id: str
    sender_name: str
    text: str
    masked_text: str
    categories: tuple[str, ...]
    spans: tuple[dict[str, Any], ...]
    at_ms: int


@dataclass(frozen=True)
class HeldMessageResolved(Event):
    """To facilitators: a held message was approved (`delivered` as_written or masked) or
    rejected, so every console can drop it."""

    name = "trigger:resolved"
    session_id: str
    held_id: str
    decision: str
    delivered: str | None
    by_name: str


@dataclass(frozen=True)
class HeldMessageAnswered(Event):
    """To the sender of a held message: `approved` (it is in the chat now, `delivered` says how)
    or `rejected` (with a kind `message`)."""

    name = "trigger:decided"
    session_id: str
    held_id: str
    decision: str
    delivered: str | None
    message: str


# --- talk time, balancing tools and presence checks (docs/protocol.md) ----------------------


@dataclass(frozen=True)
class TalkTimeUpdated(Event):
    """The staff dashboard's figures, about once a second: every room, names, round, hands,
    presence. Sent to the session's facilitators only."""

    name = "talktime:update"
    session_id: str
    at_ms: int
    rooms: dict[str, Any]
    names: dict[str, str]
    presence: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class OwnTalkTimeUpdated(Event):
    """One peer's own figures, sent to that peer only: never anyone else's, nor room totals."""

    name = "talktime:mine"
    session_id: str
    at_ms: int
    room_id: str
    total_ms: int
    turns: int
    longest_turn_ms: int
    current_turn_ms: int
    speaking: bool


@dataclass(frozen=True)
class BalanceCueSent(Event):
    """A gentle private cue to the person speaking; nobody else sees it."""

    name = "balance:cue"
    session_id: str
    reason: str
    message: str
    at_ms: int


@dataclass(frozen=True)
class BalanceAlertRaised(Event):
    """Something the facilitators may want to act on: kind is quiet, dominance,
    round_time_up or cue_sent."""

    name = "balance:alert"
    session_id: str
    room_id: str
    kind: str
    member_id: str
    member_name: str
    message: str
    at_ms: int
    silent_for_ms: int | None = None
    share: float | None = None


@dataclass(frozen=True)
class RoundUpdated(Event):
    """The round of a room as everyone in it may see it (order, who is up, timer start)."""

    name = "round:updated"
    session_id: str
    room_id: str
    change: str
    round: dict[str, Any] | None
    names: dict[str, str]
    at_ms: int


@dataclass(frozen=True)
class HandsUpdated(Event):
    """The raise-hand queue of a room in order; ``taken`` is who was just invited to speak."""

    name = "hands:updated"
    session_id: str
    room_id: str
    queue: tuple[dict[str, Any], ...]
    taken: str | None
    at_ms: int


@dataclass(frozen=True)
class PresenceCheckAsked(Event):
    """'Are you still there?' to one peer."""

    name = "presence:check"
    session_id: str
    check_id: str
    at_ms: int


@dataclass(frozen=True)
class PresenceCheckAnswered(Event):
    """A peer answered a presence check; to the facilitators."""

    name = "presence:answered"
    session_id: str
    check_id: str
    member_id: str
    member_name: str
    asked_at_ms: int
    answered_at_ms: int


# --- events of the rule modules, re-exported ----------------------------------------------------

from facilitator.balancing import (  # noqa: E402
    BalancingEvent,
    PeerQuietFlagged,
    RoundTimeUp,
    SpeakerNudged,
    TalkDominanceFlagged,
)
from facilitator.breakouts import (  # noqa: E402
    BreakoutClosed,
    BreakoutEvent,
    BreakoutNoticePosted,
    BreakoutOpened,
    FacilitatorSteppedIn,
    MainRoomAttended,
    MainRoomUnattended,
    MemberMoved,
    ReturnRequested,
)
from facilitator.hands import (  # noqa: E402
    HandEvent,
    HandLowered,
    HandQueueChanged,
    HandRaised,
    HandTaken,
)
from facilitator.leadership import (  # noqa: E402
    LeadChanged,
    LeadershipEvent,
    SessionPaused,
    SessionResumed,
    StandbyAppeared,
)
from facilitator.rounds import (  # noqa: E402
    RoundEnded,
    RoundEvent,
    RoundReordered,
    RoundStarted,
    SpeakerSkipped,
    SpeakerUp,
    TurnPassed,
)
from facilitator.safety_events import (  # noqa: E402
    BreachRecorded,
    BreachReminded,
    FollowUpPrompted,
    IncidentRecorded,
    SafetyEvent,
    SupportAcknowledged,
    SupportRequested,
)
from facilitator.talk_time import (  # noqa: E402
    SpeakerInterrupted,
    TalkEvent,
    TurnEnded,
    TurnStarted,
)

DomainEvent = TalkEvent | RoundEvent | HandEvent | BalancingEvent | BreakoutEvent | LeadershipEvent
"""Any event a rule module returns; each class says who may see it in its ``audience``."""

__all__ = [
    # session events defined here
    "BackchannelMessagePosted",
    "ChatMessagePosted",
    "Event",
    "LobbyChanged",
    "MemberAdmitted",
    "MemberDeclined",
    "MemberRemoved",
    "ParticipantsChanged",
    "SessionStateChanged",
    "HeldMessageAnswered",
    "HeldMessageResolved",
    "MessageHeld",
    "TriggerAlerted",
    "TriggerReminded",
    "BalanceAlertRaised",
    "BalanceCueSent",
    "HandsUpdated",
    "OwnTalkTimeUpdated",
    "PresenceCheckAnswered",
    "PresenceCheckAsked",
    "RoundUpdated",
    "TalkTimeUpdated",
    # rule-module events
    "DomainEvent",
    "TalkEvent",
    "SpeakerInterrupted",
    "TurnEnded",
    "TurnStarted",
    "RoundEvent",
    "RoundEnded",
    "RoundReordered",
    "RoundStarted",
    "SpeakerSkipped",
    "SpeakerUp",
    "TurnPassed",
    "HandEvent",
    "HandLowered",
    "HandQueueChanged",
    "HandRaised",
    "HandTaken",
    "BalancingEvent",
    "PeerQuietFlagged",
    "RoundTimeUp",
    "SpeakerNudged",
    "TalkDominanceFlagged",
    "BreakoutEvent",
    "BreakoutClosed",
    "BreakoutNoticePosted",
    "BreakoutOpened",
    "FacilitatorSteppedIn",
    "MainRoomAttended",
    "MainRoomUnattended",
    "MemberMoved",
    "ReturnRequested",
    "LeadershipEvent",
    "LeadChanged",
    "SessionPaused",
    "SessionResumed",
    "StandbyAppeared",
    "SafetyEvent",
    "BreachRecorded",
    "BreachReminded",
    "FollowUpPrompted",
    "IncidentRecorded",
    "SupportAcknowledged",
    "SupportRequested",
]
