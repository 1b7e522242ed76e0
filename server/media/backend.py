"""The media port: what the rest of the server may ask of an SFU.

Services call a ``MediaBackend``; adapters implement it (``AiortcMediaBackend`` in-process
today, Janus later).  The browser holds ONE peer connection that publishes its camera and
microphone and receives everyone else through a fixed set of receive *slots*, so joining,
leaving and breakouts never renegotiate SDP: the server only changes which publisher feeds
which slot and tells the client with a :class:`Layout`.

Client contract (see ``docs/media.md`` for the full text):

* offer: first ``sendonly`` audio m-line = microphone, first ``sendonly`` video m-line =
  camera, then any number of ``recvonly`` audio and ``recvonly`` video m-lines = slots
  (slot ``i`` is the ``i``-th recvonly audio m-line and the ``i``-th recvonly video m-line,
  in SDP order).  Audio is Opus, video VP8; the answer accepts nothing else.
* answer: the SDP answer returned by :meth:`MediaBackend.join`, with all ICE candidates.
* layout: whenever the set of people a participant hears or sees changes, the backend calls
  ``on_layout(participant_id, layout)``; the realtime layer forwards it as JSON
  (:meth:`Layout.to_json`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class SlotAssignment:
    """Which publisher a receive slot carries; ``participant_id`` None means the slot is idle."""

    index: int
    audio_mid: str | None
    video_mid: str | None
    participant_id: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "audio_mid": self.audio_mid,
            "video_mid": self.video_mid,
            "participant_id": self.participant_id,
        }


@dataclass(frozen=True, slots=True)
class Layout:
    """Everything a client needs to label its incoming tracks; replaces the previous one."""

    room_id: str
    slots: tuple[SlotAssignment, ...]
    # Publishers in the room who got no slot because the client offered too few.
    unslotted: tuple[str, ...] = ()

    def publisher_of_mid(self, mid: str) -> str | None:
        for slot in self.slots:
            if mid in (slot.audio_mid, slot.video_mid):
                return slot.participant_id
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "room_id": self.room_id,
            "slots": [s.to_json() for s in self.slots],
            "unslotted": list(self.unslotted),
        }


@dataclass(frozen=True, slots=True)
class SpeakingChanged:
    """Server-measured start or end of a participant's speech.

    ``at_ms`` is when the speech started or ended on the backend's clock (epoch ms by
    default), back-dated to the first/last voiced frame rather than the moment the
    hysteresis decided, so a ledger summing turns gets the real duration.
    """

    participant_id: str
    room_id: str
    is_speaking: bool
    at_ms: int


@dataclass(frozen=True, slots=True)
class MediaStats:
    """Counters for one participant, for tests and benchmarks."""

    audio_frames_received: int = 0
    video_frames_received: int = 0
    bytes_received: int = 0
    frames_forwarded: int = 0  # to this participant, all slots
    bytes_forwarded: int = 0
    frames_dropped: int = 0  # frames meant for this participant that were not sent
    keyframe_requests_upstream: int = 0  # PLIs sent to this participant as a publisher
    forwarded_by_source: dict[str, int] = field(default_factory=dict)


SpeakingListener = Callable[[SpeakingChanged], Awaitable[None] | None]
LayoutListener = Callable[[str, Layout], Awaitable[None] | None]


class UnknownParticipant(LookupError):
    """The participant has not joined (or has left)."""


class NegotiationFailed(ValueError):
    """The offer cannot be served (no Opus, no VP8, malformed SDP)."""


@runtime_checkable
class MediaBackend(Protocol):
    """An SFU controlled by the server.  Isolation between rooms is enforced here."""

    async def join(
        self, participant_id: str, room_id: str, offer_sdp: str, *, audio_only: bool = False
    ) -> str:
        """Accept ``offer_sdp`` and return the answer SDP.

        The participant publishes into ``room_id`` and receives that room's other
        publishers.  ``audio_only`` refuses its camera and sends it no video.  Joining again
        with the same id replaces the previous connection (a browser reload).
        """
        ...

    async def move(self, participant_id: str, room_id: str) -> None:
        """Move to another room: forwarding between the old room and the participant stops
        before this returns, in both directions, and starts with the new room."""
        ...

    def set_hidden(self, participant_id: str, hidden: bool) -> None:
        """Hide a publisher from its room (a standby facilitator until they appear).

        While hidden, the participant receives its room as usual, but its frames go to
        nobody and it is in nobody's layout (not even ``unslotted``); hiding takes it out of
        the slots that carried it before this returns, and showing it gives it free slots.
        The flag belongs to the id: it may be set before ``join`` and holds across a rejoin.
        """
        ...

    async def leave(self, participant_id: str) -> None:
        """Close the participant's connection; unknown ids are ignored."""
        ...

    async def close(self) -> None:
        """Close every connection."""
        ...

    def participant_ids(self) -> list[str]: ...

    def room_of(self, participant_id: str) -> str | None: ...

    def publishes_video(self, participant_id: str) -> bool:
        """Whether the participant's current connection carries a camera: False when it
        joined ``audio_only``, when its offer had no sending video m-line, and for unknown
        ids.  A camera m-line whose track is switched off (no frames) still counts."""
        ...

    def stats(self, participant_id: str) -> MediaStats:
        """Raises :class:`UnknownParticipant`."""
        ...

    def add_speaking_listener(self, listener: SpeakingListener) -> None: ...

    def add_layout_listener(self, listener: LayoutListener) -> None: ...
