"""The once-a-second loop of every live session: settle talk time, apply the balancing rules,
tell the facilitators (``talktime:update``, ``balance:alert``), each peer their own figures
(``talktime:mine``) and a speaker a gentle private cue (``balance:cue``).

One task per server process runs the loop. With Redis, each session's tick needs a short lease
(``RedisLease``) so exactly one process ticks a session even when several run; the in-process
adapter (``LocalLease``) always holds it. The cadence is injectable: tests call ``run_once`` after
stepping the clock instead of waiting for the task. One failing session is logged and skipped;
it never stops the loop or another session's tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy import select

from facilitator.balancing import (
    BalancingPolicy,
    BalancingState,
    PeerQuietFlagged,
    RoundTimeUp,
    SpeakerNudged,
    TalkDominanceFlagged,
    evaluate,
    round_status,
)
from facilitator.balancing_words import alert_message, cue_message
from facilitator.events import (
    BalanceAlertRaised,
    BalanceCueSent,
    OwnTalkTimeUpdated,
    TalkTimeUpdated,
)
from facilitator.hands import HandQueueChanged
from facilitator.session import SessionState
from facilitator.talk_time_report import RoomTalkTime
from server.services import balancing, broadcast
from server.services.media_presence import media_states
from server.services.runtime import Runtime
from server.services.talk_time import TalkTime
from server.storage.models import Group, Session

log = logging.getLogger("holdspace.session_loop")

LEASE_TTL_MS = 3000


class Lease(Protocol):
    async def hold(self, session_id: str) -> bool:
        """True when this process may tick the session now (taking or renewing the lease)."""

    async def release_all(self) -> None:
        """Give up every lease this process holds (on shutdown)."""


class LocalLease:
    """One server process: it always holds every session."""

    async def hold(self, session_id: str) -> bool:
        return True

    async def release_all(self) -> None:
        return None


_TAKE_OR_RENEW = """
local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisLease:
    """A short per-session lease in Redis: taken with SET NX PX, renewed only by its owner.
    A process that dies simply stops renewing, and another takes over within the TTL."""

    def __init__(self, url: str, *, prefix: str = "hs:", ttl_ms: int = LEASE_TTL_MS) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url, decode_responses=True)
        self._prefix = prefix
        self._ttl_ms = ttl_ms
        self.owner = secrets.token_hex(8)
        self._held: set[str] = set()

    def _key(self, session_id: str) -> str:
        return f"{self._prefix}loop:{session_id}"

    async def hold(self, session_id: str) -> bool:
        got = await self._redis.eval(  # type: ignore[misc]
            _TAKE_OR_RENEW, 1, self._key(session_id), self.owner, str(self._ttl_ms)
        )
        if got:
            self._held.add(session_id)
        else:
            self._held.discard(session_id)
        return bool(got)

    async def release_all(self) -> None:
        for session_id in list(self._held):
            await self._redis.eval(  # type: ignore[misc]
                _RELEASE, 1, self._key(session_id), self.owner
            )
        self._held.clear()
        await self._redis.aclose()


def create_lease(redis_url: str) -> Lease:
    return RedisLease(redis_url) if redis_url else LocalLease()


# --- one tick -----------------------------------------------------------------------------------


def _presence_rows(
    people: dict[str, Any], media: dict[str, Any], checks: dict[str, Any], now_ms: int
) -> tuple[dict[str, Any], ...]:
    rows = []
    for pid, raw in sorted(
        people.items(), key=lambda kv: (kv[1]["role"] == "peer", kv[1]["name"].casefold())
    ):
        state = media.get(pid)
        connected = bool(raw["sids"])
        camera_off_for = (
            now_ms - state["camera_since_ms"] if state and not state["camera_on"] else None
        )
        rows.append(
            {
                "id": pid,
                "name": raw["name"],
                "role": raw["role"],
                "room_id": raw.get("room_id"),
                "connected": connected,
                "media": state,
                "connected_without_media": connected and not (state and state["connected_media"]),
                "camera_off_for_ms": camera_off_for if connected else None,
                "check": checks.get(pid),
            }
        )
    return tuple(rows)


def _room_json(
    snapshot: RoomTalkTime | None, state: BalancingState, people: dict[str, str], now_ms: int
) -> dict[str, Any]:
    doc: dict[str, Any] = snapshot.to_dict() if snapshot is not None else {}
    rnd = state.round
    doc["round"] = balancing.round_json(rnd)
    if rnd is not None and not rnd.ended:
        status = round_status(rnd, now_ms)
        doc["round_status"] = {
            "elapsed_ms": status.elapsed_ms,
            "left_ms": status.left_ms,
            "over_time": status.over_time,
        }
    doc["hands"] = balancing.queue_json(state, people)
    return doc


class SessionLoop:
    def __init__(self, rt: Runtime, lease: Lease | None = None) -> None:
        self.rt = rt
        self.lease = lease or LocalLease()
        self.talk = TalkTime(rt)

    async def live_sessions(self) -> list[tuple[str, dict[str, Any]]]:
        """(session id, group settings) of every live session."""
        async with self.rt.db() as db:
            rows = await db.execute(
                select(Session.id, Group.settings)
                .join(Group, Group.id == Session.group_id)
                .where(Session.state == SessionState.LIVE.value)
            )
            return [(sid, settings or {}) for sid, settings in rows.all()]

    async def run_once(self) -> list[str]:
        """Tick every live session with someone connected that this process holds the lease
        for; returns the ids ticked. A failing session is logged and skipped."""
        ticked = []
        for session_id, settings in await self.live_sessions():
            try:
                people = await self.rt.live.get_json(session_id, "presence") or {}
                if not any(raw["sids"] for raw in people.values()):
                    continue
                if not await self.lease.hold(session_id):
                    continue
                await self.tick_session(session_id, settings)
                ticked.append(session_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("session loop tick of %s failed", session_id)
        return ticked

    async def tick_session(self, session_id: str, group_settings: dict[str, Any]) -> None:
        rt = self.rt
        now_ms = rt.clock.now_ms()
        policy = balancing.safe_policy(group_settings.get("balancing"))
        await self.talk.tick(session_id)
        ledger, _ = (await self.talk.ledger(session_id)).tick(now_ms)
        snapshots = {room: ledger.snapshot(room, now_ms) for room in ledger.rooms()}
        results = await self._evaluate(session_id, snapshots, policy, now_ms)
        people_raw = await rt.live.get_json(session_id, "presence") or {}
        people = {pid: raw["name"] for pid, raw in people_raw.items()}

        rooms = {
            room: _room_json(snapshots.get(room), state, people, now_ms)
            for room, (state, _) in results.items()
        }
        for room, snap in snapshots.items():
            rooms.setdefault(room, _room_json(snap, BalancingState(), people, now_ms))
        presence = _presence_rows(
            people_raw,
            await media_states(rt, session_id),
            await balancing.presence_checks(rt, session_id),
            now_ms,
        )
        await rt.broadcaster.emit(
            TalkTimeUpdated(session_id, now_ms, rooms, people, presence),
            to=broadcast.staff(session_id),
        )
        for room, snap in snapshots.items():
            for m in snap.members:
                if m.kind == "peer" and m.present:
                    await rt.broadcaster.emit(
                        OwnTalkTimeUpdated(
                            session_id,
                            now_ms,
                            room,
                            m.total_ms,
                            m.turns,
                            m.longest_turn_ms,
                            m.current_turn_ms,
                            m.speaking,
                        ),
                        to=broadcast.person(session_id, m.member),
                    )
        for room, (state, events) in results.items():
            await self._dispatch(session_id, room, state, events, people, now_ms)

    async def _evaluate(
        self,
        session_id: str,
        snapshots: dict[str, RoomTalkTime],
        policy: BalancingPolicy,
        now_ms: int,
    ) -> dict[str, tuple[BalancingState, tuple[Any, ...]]]:
        results: dict[str, tuple[BalancingState, tuple[Any, ...]]] = {}

        def change(raw: dict[str, Any] | None) -> dict[str, Any]:
            rooms = dict(raw or {})
            results.clear()
            for room in sorted(set(rooms) | set(snapshots)):
                state = BalancingState.from_dict(rooms[room]) if room in rooms else BalancingState()
                snap = snapshots.get(room)
                events: tuple[Any, ...] = ()
                if snap is not None and any(m.present for m in snap.members):
                    state, events = evaluate(snap, policy, state, now_ms)
                    rooms[room] = state.to_dict()
                results[room] = (state, events)
            return rooms

        await self.rt.live.update_json(session_id, balancing.BALANCING, change)
        return results

    async def _dispatch(
        self,
        session_id: str,
        room: str,
        state: BalancingState,
        events: tuple[Any, ...],
        people: dict[str, str],
        now_ms: int,
    ) -> None:
        rt = self.rt
        staff = broadcast.staff(session_id)
        cues: list[dict[str, Any]] = []
        alerts: list[str] = []
        for event in events:
            if isinstance(event, HandQueueChanged):
                await balancing.announce_hands(rt, session_id, room, state)
                continue
            if isinstance(event, SpeakerNudged):
                kind, extra = "cue_sent", {}
                await rt.broadcaster.emit(
                    BalanceCueSent(session_id, event.reason, cue_message(event.reason), now_ms),
                    to=broadcast.person(session_id, event.member),
                )
                cues.append(
                    {
                        "member_id": event.member,
                        "reason": event.reason,
                        "room_id": room,
                        "at_ms": now_ms,
                    }
                )
                words = alert_message(
                    kind, people.get(event.member, "Someone"), reason=event.reason
                )
            elif isinstance(event, PeerQuietFlagged):
                kind, extra = "quiet", {"silent_for_ms": event.silent_for_ms}
                words = alert_message(
                    kind, people.get(event.member, "Someone"), silent_for_ms=event.silent_for_ms
                )
            elif isinstance(event, TalkDominanceFlagged):
                kind, extra = "dominance", {"share": event.share}
                words = alert_message(kind, people.get(event.member, "Someone"), share=event.share)
            elif isinstance(event, RoundTimeUp):
                kind, extra = "round_time_up", {}
                words = alert_message(kind, people.get(event.member, "Someone"))
            else:
                continue
            alerts.append(kind)
            await rt.broadcaster.emit(
                BalanceAlertRaised(
                    session_id=session_id,
                    room_id=room,
                    kind=kind,
                    member_id=event.member,
                    member_name=people.get(event.member, ""),
                    message=words,
                    at_ms=now_ms,
                    **extra,
                ),
                to=staff,
            )
        if cues or alerts:

            def note(doc: dict[str, Any]) -> None:
                doc["cues"].extend(cues)
                for kind in alerts:
                    doc["alerts"][kind] = doc["alerts"].get(kind, 0) + 1

            await balancing.record(rt, session_id, note)

    async def run_forever(self, interval_s: float) -> None:
        """Tick about every ``interval_s`` until cancelled; leases are released on the way out."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                started = loop.time()
                try:
                    await self.run_once()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("session loop round failed")
                await asyncio.sleep(max(0.05, interval_s - (loop.time() - started)))
        finally:
            with contextlib.suppress(Exception):
                await self.lease.release_all()


# --- wiring -------------------------------------------------------------------------------------

SESSION_LOOP = web.AppKey("session_loop", SessionLoop)
# seconds between ticks; None runs no background task (tests call run_once themselves)
LOOP_INTERVAL_S = web.AppKey("session_loop_interval_s", float)


def setup_session_loop(
    app: web.Application, runtime_key: web.AppKey[Runtime], redis_url: str
) -> None:
    """Own the loop's lifecycle with the app: created on startup, cancelled on cleanup."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        interval = app.get(LOOP_INTERVAL_S, 1.0)
        loop = SessionLoop(app[runtime_key], create_lease(redis_url) if interval else None)
        app[SESSION_LOOP] = loop
        task = asyncio.create_task(loop.run_forever(interval)) if interval else None
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.cleanup_ctx.append(ctx)
