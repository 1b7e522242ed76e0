"""The dashboard's view of a room's talk time, and the balance figure.

Kept apart from the ledger because it is a second idea: how to summarise figures for people,
not how to count them. Everything here serialises to plain dicts for JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

MemberId = str
RoomId = str


@dataclass(frozen=True)
class MemberTalkTime:
    member: MemberId
    kind: str  # "peer" or "facilitator"
    present: bool
    speaking: bool
    total_ms: int
    turns: int
    longest_turn_ms: int
    current_turn_ms: int
    silent_for_ms: int  # since they last spoke, or since they entered the room if never
    not_yet_spoken: bool
    share: float  # of the room's talk, facilitators included (0..1)
    interruptions_made: int
    times_interrupted: int


@dataclass(frozen=True)
class Interruption:
    interrupter: MemberId
    interrupted: MemberId
    count: int


@dataclass(frozen=True)
class RoomTalkTime:
    room: RoomId
    at_ms: int
    members: tuple[MemberTalkTime, ...]
    room_talk_ms: int  # everyone's talk summed; overlap counts for each speaker
    peer_talk_ms: int
    facilitator_talk_ms: int
    peers_present: int
    fair_share_ms: int  # peer talk / peers present
    balance_gini: float  # of peer talk among peers present; 0 = perfectly even
    balance_explanation: str
    longest_monologue_member: MemberId | None
    longest_monologue_ms: int
    current_speakers: tuple[MemberId, ...]
    interruptions: tuple[Interruption, ...]

    def member(self, member: MemberId) -> MemberTalkTime | None:
        """The figures of one member, or None if they have none in this room."""
        return next((m for m in self.members if m.member == member), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts, lists and numbers, ready for JSON."""
        return asdict(self)


def gini(values: tuple[int, ...]) -> float:
    """Gini coefficient of non-negative amounts: 0 when all equal, near 1 when one holds all.

    Zero or one value, or nobody having spoken, counts as even (0.0): there is no imbalance yet.
    """
    n = len(values)
    total = sum(values)
    if n < 2 or total == 0:
        return 0.0
    ordered = sorted(values)
    # closed form of mean absolute difference over sorted values
    weighted = sum((2 * (i + 1) - n - 1) * v for i, v in enumerate(ordered))
    return round(weighted / (n * total), 4)


def explain_balance(value: float, peers: int) -> str:
    """Plain words for a facilitator glancing at the dashboard."""
    scale = "0 means every peer has talked equally; 1 means one peer has done all the talking."
    if peers < 2:
        return f"Balance needs at least two peers present. {scale}"
    if value < 0.2:
        words = "Talk is shared evenly among peers."
    elif value < 0.4:
        words = "Talk is somewhat uneven: some peers have talked noticeably more than others."
    elif value < 0.6:
        words = "Talk is uneven: a few peers hold most of the talk."
    else:
        words = "Talk is very uneven: one or two peers are doing almost all the talking."
    return f"{words} ({value:.2f}; {scale})"


def build_room_snapshot(
    room: RoomId,
    now_ms: int,
    members: tuple[MemberTalkTime, ...],
    interruptions: tuple[Interruption, ...],
) -> RoomTalkTime:
    """Summarise members' figures: shares, fair share, balance, longest monologue, speakers.

    Facilitators are counted apart: fair share and balance consider peers present only, because
    the question on the dashboard is whether the group's voices are heard evenly.
    """
    room_talk = sum(m.total_ms for m in members)
    members = tuple(
        replace(m, share=round(m.total_ms / room_talk, 4) if room_talk else 0.0) for m in members
    )
    peers = [m for m in members if m.kind == "peer"]
    present_peers = [m for m in peers if m.present]
    peer_talk = sum(m.total_ms for m in peers)
    fair = peer_talk // len(present_peers) if present_peers else 0
    balance = gini(tuple(m.total_ms for m in present_peers))
    longest = max(members, key=lambda m: (m.longest_turn_ms, m.member), default=None)
    has_longest = longest is not None and longest.longest_turn_ms > 0
    return RoomTalkTime(
        room=room,
        at_ms=now_ms,
        members=members,
        room_talk_ms=room_talk,
        peer_talk_ms=peer_talk,
        facilitator_talk_ms=room_talk - peer_talk,
        peers_present=len(present_peers),
        fair_share_ms=fair,
        balance_gini=balance,
        balance_explanation=explain_balance(balance, len(present_peers)),
        longest_monologue_member=longest.member if has_longest and longest else None,
        longest_monologue_ms=longest.longest_turn_ms if longest else 0,
        current_speakers=tuple(m.member for m in members if m.speaking and m.present),
        interruptions=interruptions,
    )
