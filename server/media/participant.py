"""Per-participant state of the aiortc SFU: its connection, publish receivers and slots."""

from __future__ import annotations

from dataclasses import dataclass

from aiortc import RTCPeerConnection, RTCRtpTransceiver

from server.media.backend import Layout, MediaStats, SlotAssignment
from server.media.forwarding import EncodedFrame, ForwardedTrack
from server.media.speaking import Hysteresis, OpusSpeakingMeter


@dataclass(eq=False)
class Slot:
    """One receive slot of a subscriber: an audio and/or a video send track."""

    index: int
    audio: ForwardedTrack | None = None
    video: ForwardedTrack | None = None
    audio_transceiver: RTCRtpTransceiver | None = None
    video_transceiver: RTCRtpTransceiver | None = None
    publisher: Participant | None = None

    def attach(self, kind: str, track: ForwardedTrack, transceiver: RTCRtpTransceiver) -> None:
        if kind == "audio":
            self.audio, self.audio_transceiver = track, transceiver
        else:
            self.video, self.video_transceiver = track, transceiver

    def assignment(self) -> SlotAssignment:
        return SlotAssignment(
            index=self.index,
            audio_mid=self.audio_transceiver.mid if self.audio_transceiver else None,
            video_mid=self.video_transceiver.mid if self.video_transceiver else None,
            participant_id=self.publisher.id if self.publisher else None,
        )


class Participant:
    """A connected participant, both as a publisher and as a subscriber."""

    def __init__(
        self,
        participant_id: str,
        room_id: str,
        pc: RTCPeerConnection,
        audio_only: bool,
        hysteresis: Hysteresis,
    ) -> None:
        self.id = participant_id
        self.room_id = room_id
        self.pc = pc
        self.audio_only = audio_only
        self.publish: dict[str, RTCRtpTransceiver] = {}
        self.slots: list[Slot] = []
        # Where this participant's frames go: subscriber slot track -> subscriber.
        self.audio_sinks: dict[ForwardedTrack, Participant] = {}
        self.video_sinks: dict[ForwardedTrack, Participant] = {}
        self.meter = OpusSpeakingMeter(hysteresis)
        self.last_layout: Layout | None = None
        self.last_keyframe_request_s = float("-inf")
        self.keyframe_requests = 0
        self.audio_frames_received = 0
        self.video_frames_received = 0
        self.bytes_received = 0
        self.forwarded_by_source: dict[str, int] = {}

    def slot(self, index: int) -> Slot:
        while len(self.slots) <= index:
            self.slots.append(Slot(len(self.slots)))
        return self.slots[index]

    def free_slot(self) -> Slot | None:
        for slot in self.slots:
            if slot.publisher is None:
                return slot
        return None

    def receives(self, publisher: Participant) -> bool:
        return any(slot.publisher is publisher for slot in self.slots)

    def count_received(self, frame: EncodedFrame) -> None:
        if frame.kind == "audio":
            self.audio_frames_received += 1
        else:
            self.video_frames_received += 1
        self.bytes_received += len(frame.data)

    def layout(self, room: dict[str, Participant]) -> Layout:
        slotted = {slot.publisher.id for slot in self.slots if slot.publisher is not None}
        return Layout(
            room_id=self.room_id,
            slots=tuple(slot.assignment() for slot in self.slots),
            unslotted=tuple(sorted(q for q in room if q != self.id and q not in slotted)),
        )

    def stats(self) -> MediaStats:
        tracks = [t for s in self.slots for t in (s.audio, s.video) if t is not None]
        return MediaStats(
            audio_frames_received=self.audio_frames_received,
            video_frames_received=self.video_frames_received,
            bytes_received=self.bytes_received,
            frames_forwarded=sum(t.frames_forwarded for t in tracks),
            bytes_forwarded=sum(t.bytes_forwarded for t in tracks),
            frames_dropped=sum(t.frames_dropped for t in tracks),
            keyframe_requests_upstream=self.keyframe_requests,
            forwarded_by_source=dict(self.forwarded_by_source),
        )
