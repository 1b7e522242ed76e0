"""``AiortcMediaBackend``: the in-process SFU adapter of :class:`MediaBackend`.

Each participant has one ``RTCPeerConnection`` whose m-lines the client chose (see
``backend.py`` for the contract): one publish m-line per kind and a fixed number of receive
slots.  Membership of rooms lives here only as far as forwarding needs it; the authoritative
"who is where" belongs to the session services, which call :meth:`move`.

Isolation is a property of the fan-out table: a publisher's encoded frames go only to the
``ForwardedTrack`` slots registered in its ``sinks``, and :meth:`move` rewrites those
registrations synchronously, before it returns and before any further frame is handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Callable

from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.sdp import SessionDescription

from server.media.backend import (
    LayoutListener,
    MediaStats,
    NegotiationFailed,
    SpeakingChanged,
    SpeakingListener,
    UnknownParticipant,
)
from server.media.forwarding import (
    EncodedFrame,
    ForwardedTrack,
    codec_preferences,
    intercept_keyframe_requests,
    request_keyframe,
    tap_encoded_frames,
)
from server.media.ice import IceSettings, advertise_public_address, gathering_on
from server.media.participant import Participant, Slot
from server.media.speaking import DEFAULT_HYSTERESIS, Edge, Hysteresis

logger = logging.getLogger(__name__)

# Keyframes are big; a burst of PLIs from several late joiners should cost one keyframe.
KEYFRAME_REQUEST_INTERVAL_S = 0.3
# How often a turn is closed for a publisher whose audio stopped arriving altogether.
IDLE_CHECK_INTERVAL_S = 0.2


def _epoch_ms() -> int:
    return time.time_ns() // 1_000_000


class AiortcMediaBackend:
    """In-process SFU on aiortc 1.16.0.  Construct with the deployment's ICE settings."""

    def __init__(
        self,
        ice: IceSettings,
        *,
        clock_ms: Callable[[], int] = _epoch_ms,
        hysteresis: Hysteresis = DEFAULT_HYSTERESIS,
        direct_send: bool = True,
    ) -> None:
        """``direct_send=False`` sends forwarded frames through aiortc's own sender tasks
        (slower; kept to compare against, see ``forwarding.py``)."""
        self._ice = ice
        self._direct_send = direct_send
        self._clock_ms = clock_ms
        self._hysteresis = hysteresis
        self._participants: dict[str, Participant] = {}
        self._rooms: dict[str, dict[str, Participant]] = {}
        self._speaking_listeners: list[SpeakingListener] = []
        self._layout_listeners: list[LayoutListener] = []
        self._tasks: set[asyncio.Future[object]] = set()
        # Ids whose media goes to nobody (a standby facilitator until they appear); the flag
        # belongs to the id, not the connection, so it holds across a rejoin.
        self._hidden: set[str] = set()
        self._idle_task: asyncio.Task[None] | None = None

    # -- listeners -------------------------------------------------------------------------

    def add_speaking_listener(self, listener: SpeakingListener) -> None:
        self._speaking_listeners.append(listener)

    def add_layout_listener(self, listener: LayoutListener) -> None:
        self._layout_listeners.append(listener)

    def _call(self, listener: Callable[..., object], *args: object) -> None:
        try:
            result = listener(*args)
        except Exception:
            logger.exception("media listener failed")
            return
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _emit_speaking(self, p: Participant, edge: Edge) -> None:
        change = SpeakingChanged(p.id, p.room_id, edge.is_speaking, edge.at_ms)
        for listener in self._speaking_listeners:
            self._call(listener, change)

    def _emit_layout(self, p: Participant) -> None:
        layout = p.layout(self._visible(self._rooms.get(p.room_id, {})))
        if layout == p.last_layout:
            return
        p.last_layout = layout
        for listener in self._layout_listeners:
            self._call(listener, p.id, layout)

    # -- the port --------------------------------------------------------------------------

    async def join(
        self, participant_id: str, room_id: str, offer_sdp: str, *, audio_only: bool = False
    ) -> str:
        if participant_id in self._participants:
            await self.leave(participant_id)
        try:
            offer = SessionDescription.parse(offer_sdp)
        except Exception as exc:  # aiortc raises assorted errors on bad SDP
            raise NegotiationFailed(f"unreadable offer: {exc}") from exc
        if not any(m.kind == "audio" for m in offer.media):
            # aiortc parses most garbage into an empty description; refuse it here
            raise NegotiationFailed("the offer has no audio m-line")

        pc = RTCPeerConnection(self._ice.configuration())
        p = Participant(participant_id, room_id, pc, audio_only, self._hysteresis)
        try:
            self._prepare_transceivers(p, offer)
            await pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
            self._wire(p)
            with gathering_on(self._ice.host_addresses):
                await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:
            await pc.close()
            raise NegotiationFailed(str(exc)) from exc

        @pc.on("connectionstatechange")
        async def _on_state() -> None:
            if pc.connectionState == "failed" and self._participants.get(p.id) is p:
                await self.leave(p.id)

        self._participants[p.id] = p
        self._attach(p)
        self._ensure_idle_task()
        return advertise_public_address(pc.localDescription.sdp, self._ice.public_address)

    async def move(self, participant_id: str, room_id: str) -> None:
        p = self._require(participant_id)
        if p.room_id == room_id:
            return
        self._end_turn(p)
        self._detach(p)
        p.room_id = room_id
        self._attach(p)

    async def leave(self, participant_id: str) -> None:
        p = self._participants.pop(participant_id, None)
        if p is None:
            return
        self._end_turn(p)
        self._detach(p)
        for slot in p.slots:
            for track in (slot.audio, slot.video):
                if track is not None:
                    track.stop()
        await p.pc.close()

    async def close(self) -> None:
        for participant_id in list(self._participants):
            await self.leave(participant_id)
        if self._idle_task is not None:
            self._idle_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._idle_task
            self._idle_task = None
        for task in list(self._tasks):
            task.cancel()

    def set_hidden(self, participant_id: str, hidden: bool) -> None:
        if hidden == (participant_id in self._hidden):
            return
        if hidden:
            self._hidden.add(participant_id)
        else:
            self._hidden.discard(participant_id)
        p = self._participants.get(participant_id)
        if p is None:
            return  # applies when they join
        room = self._rooms.get(p.room_id, {})
        for q in room.values():
            if q is p:
                continue
            if hidden:
                for slot in q.slots:
                    if slot.publisher is p:
                        self._unsubscribe(slot)
                self._fill_free_slots(q, room)
            else:
                self._subscribe(q, p)
            self._emit_layout(q)

    def participant_ids(self) -> list[str]:
        return list(self._participants)

    def room_of(self, participant_id: str) -> str | None:
        p = self._participants.get(participant_id)
        return p.room_id if p else None

    def publishes_video(self, participant_id: str) -> bool:
        p = self._participants.get(participant_id)
        return p is not None and "video" in p.publish

    def stats(self, participant_id: str) -> MediaStats:
        return self._require(participant_id).stats()

    def _require(self, participant_id: str) -> Participant:
        try:
            return self._participants[participant_id]
        except KeyError:
            raise UnknownParticipant(participant_id) from None

    # -- negotiation -----------------------------------------------------------------------

    def _prepare_transceivers(self, p: Participant, offer: SessionDescription) -> None:
        """Create one transceiver per offered m-line, in order, before the offer is applied.

        aiortc matches an incoming m-line to the first unassigned transceiver of its kind, so
        creating them in SDP order lets us decide each m-line's role (publish, slot or
        unused) and restrict its codecs to the ones we forward.
        """
        publishing: set[str] = set()
        slot_counts = {"audio": 0, "video": 0}
        for media in offer.media:
            kind = media.kind
            if kind not in ("audio", "video"):
                continue
            refused = kind == "video" and p.audio_only
            if media.direction in ("sendonly", "sendrecv") and kind not in publishing:
                publishing.add(kind)
                transceiver = p.pc.addTransceiver(kind, "inactive" if refused else "recvonly")
                if not refused:
                    p.publish[kind] = transceiver
            elif media.direction == "recvonly" and not refused:
                index = slot_counts[kind]
                slot_counts[kind] += 1
                slot = p.slot(index)
                track = ForwardedTrack(kind, self._keyframe_callback(slot, kind))
                transceiver = p.pc.addTransceiver(track, "sendonly")
                if self._direct_send:
                    track.send_directly(transceiver.sender)
                slot.attach(kind, track, transceiver)
            else:
                transceiver = p.pc.addTransceiver(kind, "inactive")
            transceiver.setCodecPreferences(codec_preferences(kind))

    def _keyframe_callback(self, slot: Slot, kind: str) -> Callable[[], None]:
        def on_keyframe_needed() -> None:
            if kind == "video" and slot.publisher is not None:
                self._request_keyframe(slot.publisher)

        return on_keyframe_needed

    def _wire(self, p: Participant) -> None:
        """After the offer is applied: tap the publish receivers, route subscriber PLIs."""
        for kind, transceiver in p.publish.items():
            tap_encoded_frames(transceiver.receiver, kind, self._frame_handler(p, kind))
        for slot in p.slots:
            if slot.video_transceiver is not None:
                intercept_keyframe_requests(
                    slot.video_transceiver.sender, self._keyframe_callback(slot, "video")
                )

    def _frame_handler(self, p: Participant, kind: str) -> Callable[[EncodedFrame], None]:
        if kind == "audio":
            return lambda frame: self._on_audio_frame(p, frame)
        return lambda frame: self._on_video_frame(p, frame)

    def _request_keyframe(self, publisher: Participant) -> None:
        now = time.monotonic()
        if now - publisher.last_keyframe_request_s < KEYFRAME_REQUEST_INTERVAL_S:
            return
        transceiver = publisher.publish.get("video")
        if transceiver is not None and request_keyframe(transceiver.receiver):
            publisher.last_keyframe_request_s = now
            publisher.keyframe_requests += 1

    # -- forwarding ------------------------------------------------------------------------

    def _on_audio_frame(self, p: Participant, frame: EncodedFrame) -> None:
        p.count_received(frame)
        self._fan_out(p, frame, p.audio_sinks)
        for edge in p.meter.feed(frame.data, frame.timestamp, self._clock_ms()):
            self._emit_speaking(p, edge)

    def _on_video_frame(self, p: Participant, frame: EncodedFrame) -> None:
        p.count_received(frame)
        self._fan_out(p, frame, p.video_sinks)

    @staticmethod
    def _fan_out(
        p: Participant, frame: EncodedFrame, sinks: dict[ForwardedTrack, Participant]
    ) -> None:
        for track, subscriber in sinks.items():
            if track.push(frame):
                subscriber.forwarded_by_source[p.id] = (
                    subscriber.forwarded_by_source.get(p.id, 0) + 1
                )

    # -- rooms -----------------------------------------------------------------------------

    def _attach(self, p: Participant) -> None:
        room = self._rooms.setdefault(p.room_id, {})
        others = list(room.values())
        room[p.id] = p
        for q in others:
            if q.id not in self._hidden:
                self._subscribe(p, q)
            if p.id not in self._hidden:
                self._subscribe(q, p)
        # everyone's layout may change, if only its `unslotted` list; unchanged ones are
        # not re-sent
        for r in [p, *others]:
            self._emit_layout(r)

    def _detach(self, p: Participant) -> None:
        room = self._rooms.get(p.room_id, {})
        room.pop(p.id, None)
        if not room:
            self._rooms.pop(p.room_id, None)
        for slot in p.slots:
            self._unsubscribe(slot)
        for q in room.values():
            for slot in q.slots:
                if slot.publisher is p:
                    self._unsubscribe(slot)
                    self._fill_free_slots(q, room)
            self._emit_layout(q)

    def _fill_free_slots(self, q: Participant, room: dict[str, Participant]) -> None:
        for r in self._visible(room).values():
            if r is not q and not q.receives(r) and not self._subscribe(q, r):
                return

    def _visible(self, room: dict[str, Participant]) -> dict[str, Participant]:
        """The room as the others see it: without hidden publishers."""
        if not self._hidden:
            return room
        return {k: v for k, v in room.items() if k not in self._hidden}

    def _subscribe(self, subscriber: Participant, publisher: Participant) -> bool:
        """Give ``publisher`` a free slot of ``subscriber``; False when none is free."""
        slot = subscriber.free_slot()
        if slot is None:
            return False
        slot.publisher = publisher
        if slot.audio is not None:
            slot.audio.set_source(publisher)
            publisher.audio_sinks[slot.audio] = subscriber
        if slot.video is not None and "video" in publisher.publish:
            slot.video.set_source(publisher)
            publisher.video_sinks[slot.video] = subscriber
            self._request_keyframe(publisher)
        return True

    @staticmethod
    def _unsubscribe(slot: Slot) -> None:
        publisher = slot.publisher
        if publisher is None:
            return
        pairs = ((slot.audio, publisher.audio_sinks), (slot.video, publisher.video_sinks))
        for track, sinks in pairs:
            if track is not None:
                sinks.pop(track, None)
                track.set_source(None)
        slot.publisher = None

    # -- speaking --------------------------------------------------------------------------

    def _end_turn(self, p: Participant) -> None:
        """Close an open turn where it happened, before the participant changes room."""
        edge = p.meter.detector.close(self._clock_ms())
        if edge is not None:
            self._emit_speaking(p, edge)

    def _ensure_idle_task(self) -> None:
        if self._idle_task is None or self._idle_task.done():
            self._idle_task = asyncio.ensure_future(self._close_idle_turns())

    async def _close_idle_turns(self) -> None:
        while self._participants:
            await asyncio.sleep(IDLE_CHECK_INTERVAL_S)
            now_ms = self._clock_ms()
            for p in list(self._participants.values()):
                edge = p.meter.detector.idle(now_ms)
                if edge is not None:
                    self._emit_speaking(p, edge)
