"""Balancing a room's talk: nudges to speakers, alerts to facilitators, the round and the hands.

The server calls ``evaluate`` about once a second per room with the ledger's snapshot. Rounds
live in ``facilitator.rounds`` and the hand queue in ``facilitator.hands``; this module holds the
per-room state that ties them to the talk figures, and re-exports their API.

Rules (thresholds are per group, in ``BalancingPolicy``):

* **Nudge** (a gentle private cue to the speaker, never shown to the room): while someone is
  audibly speaking and (a) they are up in a round and past its per-person time, or (b) their
  current turn passed ``long_turn_ms``, or (c) their talk passed ``share_nudge_factor`` times the
  fair share. At most one nudge per person per ``nudge_repeat_ms``, whatever the reason, so a cue
  never turns into nagging. Facilitators are not nudged unless ``nudge_facilitators``.
* **Quiet peer alert** to facilitators when a present peer has not spoken for
  ``quiet_alert_ms``: once per crossing; it re-arms when they speak.
* **Dominance alert** to facilitators when one present member holds more than
  ``dominance_share`` of the room's talk: once per crossing; it re-arms when they fall below.
* Share-based rules (c and dominance) wait until the room has talked ``min_room_talk_ms`` and at
  least ``min_peers_for_share`` peers are present: early shares are noise, and in a one-to-one
  breakout half the talk is simply fair.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar, Literal

from facilitator.hands import (
    Hand,
    HandEvent,
    HandLowered,
    HandQueue,
    HandQueueChanged,
    HandRaised,
    HandTaken,
    lower_hand,
    move_hand,
    order_hands,
    raise_hand,
    take_next_hand,
)
from facilitator.rounds import (
    DEFAULT_PER_PERSON_MS,
    Round,
    RoundEnded,
    RoundEvent,
    RoundReordered,
    RoundStarted,
    RoundStatus,
    SpeakerSkipped,
    SpeakerUp,
    TurnPassed,
    add_to_round,
    end_round,
    next_speaker,
    pass_turn,
    reorder_round,
    round_status,
    skip_speaker,
    start_round,
)
from facilitator.state_format import (
    FORMAT_VERSION,
    JsonDict,
    as_dict,
    as_int,
    as_str,
    as_strs,
    check_version,
    reading,
)
from facilitator.talk_time_report import MemberTalkTime, RoomTalkTime

MemberId = str
NudgeReason = Literal["round_time", "long_turn", "large_share"]

__all__ = [
    "DEFAULT_PER_PERSON_MS",
    "BalancingPolicy",
    "BalancingState",
    "Hand",
    "HandEvent",
    "HandLowered",
    "HandQueue",
    "HandQueueChanged",
    "HandRaised",
    "HandTaken",
    "PeerQuietFlagged",
    "Round",
    "RoundEnded",
    "RoundEvent",
    "RoundReordered",
    "RoundStarted",
    "RoundStatus",
    "RoundTimeUp",
    "SpeakerNudged",
    "SpeakerSkipped",
    "SpeakerUp",
    "TalkDominanceFlagged",
    "TurnPassed",
    "add_to_round",
    "end_round",
    "evaluate",
    "lower_hand",
    "move_hand",
    "next_speaker",
    "order_hands",
    "pass_turn",
    "raise_hand",
    "reorder_round",
    "round_status",
    "skip_speaker",
    "start_round",
    "take_next_hand",
]


@dataclass(frozen=True)
class BalancingPolicy:
    round_turn_ms: int = DEFAULT_PER_PERSON_MS  # default per-person time for new rounds
    long_turn_ms: int = DEFAULT_PER_PERSON_MS  # outside rounds: nudge past the round time
    share_nudge_factor: float = 2.0
    nudge_repeat_ms: int = 120_000
    nudge_facilitators: bool = False
    quiet_alert_ms: int = 15 * 60_000
    dominance_share: float = 0.5
    min_room_talk_ms: int = 120_000
    min_peers_for_share: int = 3


@dataclass(frozen=True)
class SpeakerNudged:
    """Private cue for ``member`` only."""

    audience: ClassVar[str] = "member"
    member: MemberId
    reason: NudgeReason
    at_ms: int


@dataclass(frozen=True)
class RoundTimeUp:
    audience: ClassVar[str] = "facilitators"
    member: MemberId
    per_person_ms: int
    at_ms: int


@dataclass(frozen=True)
class PeerQuietFlagged:
    audience: ClassVar[str] = "facilitators"
    member: MemberId
    silent_for_ms: int
    at_ms: int


@dataclass(frozen=True)
class TalkDominanceFlagged:
    audience: ClassVar[str] = "facilitators"
    member: MemberId
    share: float
    at_ms: int


BalancingEvent = SpeakerNudged | RoundTimeUp | PeerQuietFlagged | TalkDominanceFlagged


@dataclass(frozen=True)
class BalancingState:
    """One room's balancing state; keep one per room next to the talk ledger."""

    round: Round | None = None
    hands: HandQueue = field(default_factory=HandQueue)
    last_nudged_at_ms: dict[MemberId, int] = field(default_factory=dict)
    quiet_flagged: frozenset[MemberId] = frozenset()
    dominance_flagged: frozenset[MemberId] = frozenset()
    # (member, their round start) already reported as over time
    round_time_reported: tuple[MemberId, int] | None = None

    def to_dict(self) -> JsonDict:
        """The round, the hand queue, nudge throttling and alert arming as plain JSON values."""
        reported = self.round_time_reported
        return {
            "v": FORMAT_VERSION,
            "round": None if self.round is None else self.round.to_dict(),
            "hands": self.hands.to_dict(),
            "last_nudged_at_ms": dict(self.last_nudged_at_ms),
            "quiet_flagged": sorted(self.quiet_flagged),
            "dominance_flagged": sorted(self.dominance_flagged),
            "round_time_reported": (
                None if reported is None else {"member": reported[0], "started_at_ms": reported[1]}
            ),
        }

    @classmethod
    def from_dict(cls, data: object) -> BalancingState:
        """Restore a state saved by ``to_dict``; refuse other versions (``bad_state_format``)."""
        doc = check_version(data, "balancing state")
        with reading("balancing state"):
            rnd, reported = doc["round"], doc["round_time_reported"]
            if reported is not None:
                row = as_dict(reported)
                reported = (as_str(row["member"]), as_int(row["started_at_ms"]))
            return cls(
                round=None if rnd is None else Round.from_dict(as_dict(rnd)),
                hands=HandQueue.from_dict(as_dict(doc["hands"])),
                last_nudged_at_ms={
                    as_str(member): as_int(at_ms)
                    for member, at_ms in as_dict(doc["last_nudged_at_ms"]).items()
                },
                quiet_flagged=frozenset(as_strs(doc["quiet_flagged"])),
                dominance_flagged=frozenset(as_strs(doc["dominance_flagged"])),
                round_time_reported=reported,
            )


def evaluate(
    snapshot: RoomTalkTime, policy: BalancingPolicy, state: BalancingState, now_ms: int
) -> tuple[BalancingState, tuple[BalancingEvent | HandEvent, ...]]:
    """Apply the nudge and alert rules to one room and keep the hand queue quietest-first."""
    events: list[BalancingEvent | HandEvent] = []
    state = _round_time(state, now_ms, events)
    state = _nudges(snapshot, policy, state, now_ms, events)
    state = _quiet_alerts(snapshot, policy, state, now_ms, events)
    state = _dominance_alerts(snapshot, policy, state, now_ms, events)
    reordered = order_hands(state.hands, {m.member: m.total_ms for m in snapshot.members})
    if reordered.order() != state.hands.order():
        events.append(HandQueueChanged(reordered.order(), now_ms))
    return replace(state, hands=reordered), tuple(events)


def _share_rules_apply(snapshot: RoomTalkTime, policy: BalancingPolicy) -> bool:
    return (
        snapshot.room_talk_ms >= policy.min_room_talk_ms
        and snapshot.peers_present >= policy.min_peers_for_share
    )


def _round_over(state: BalancingState, now_ms: int) -> tuple[MemberId, int] | None:
    rnd = state.round
    if rnd is None or rnd.ended or rnd.current is None or rnd.current_started_at_ms is None:
        return None
    if not round_status(rnd, now_ms).over_time:
        return None
    return rnd.current, rnd.current_started_at_ms


def _round_time(
    state: BalancingState, now_ms: int, events: list[BalancingEvent | HandEvent]
) -> BalancingState:
    over = _round_over(state, now_ms)
    if over is None or over == state.round_time_reported or state.round is None:
        return state
    events.append(RoundTimeUp(over[0], state.round.per_person_ms, now_ms))
    return replace(state, round_time_reported=over)


def _nudge_reason(
    m: MemberTalkTime,
    snapshot: RoomTalkTime,
    policy: BalancingPolicy,
    state: BalancingState,
    now_ms: int,
) -> NudgeReason | None:
    over = _round_over(state, now_ms)
    if over is not None and over[0] == m.member:
        return "round_time"
    if m.current_turn_ms >= policy.long_turn_ms:
        return "long_turn"
    if (
        m.kind == "peer"
        and _share_rules_apply(snapshot, policy)
        and m.total_ms > policy.share_nudge_factor * snapshot.fair_share_ms
    ):
        return "large_share"
    return None


def _nudges(
    snapshot: RoomTalkTime,
    policy: BalancingPolicy,
    state: BalancingState,
    now_ms: int,
    events: list[BalancingEvent | HandEvent],
) -> BalancingState:
    last = dict(state.last_nudged_at_ms)
    for m in snapshot.members:
        if not (m.present and m.speaking) or (m.kind != "peer" and not policy.nudge_facilitators):
            continue
        reason = _nudge_reason(m, snapshot, policy, state, now_ms)
        previous = last.get(m.member)
        if reason is None or (previous is not None and now_ms - previous < policy.nudge_repeat_ms):
            continue
        events.append(SpeakerNudged(m.member, reason, now_ms))
        last[m.member] = now_ms
    return replace(state, last_nudged_at_ms=last)


def _quiet_alerts(
    snapshot: RoomTalkTime,
    policy: BalancingPolicy,
    state: BalancingState,
    now_ms: int,
    events: list[BalancingEvent | HandEvent],
) -> BalancingState:
    flagged = set(state.quiet_flagged)
    for m in snapshot.members:
        if m.kind != "peer" or not m.present:
            continue  # absent members keep their flag so a reconnect does not re-alert
        if m.silent_for_ms >= policy.quiet_alert_ms and m.member not in flagged:
            events.append(PeerQuietFlagged(m.member, m.silent_for_ms, now_ms))
            flagged.add(m.member)
        elif m.silent_for_ms < policy.quiet_alert_ms:
            flagged.discard(m.member)
    return replace(state, quiet_flagged=frozenset(flagged))


def _dominance_alerts(
    snapshot: RoomTalkTime,
    policy: BalancingPolicy,
    state: BalancingState,
    now_ms: int,
    events: list[BalancingEvent | HandEvent],
) -> BalancingState:
    flagged = set(state.dominance_flagged)
    applies = _share_rules_apply(snapshot, policy)
    for m in snapshot.members:
        over = applies and m.present and m.share > policy.dominance_share
        if over and m.member not in flagged:
            events.append(TalkDominanceFlagged(m.member, m.share, now_ms))
            flagged.add(m.member)
        elif not over:
            flagged.discard(m.member)
    return replace(state, dominance_flagged=frozenset(flagged))
