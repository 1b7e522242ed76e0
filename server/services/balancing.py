"""Balancing tools of a live session: rounds, the raise-hand queue and "are you still there?".

Each room's round and hand queue is one ``facilitator.balancing.BalancingState``, kept in
LiveState under ``balancing`` ({room_id: state}) next to the talk ledger, so any server process
can change it and the session loop (server/services/session_loop.py) evaluates it every second.
What the summary needs later (rounds run, cues sent, alert counts) is kept under
``balance_record``, because live state is cleared when the session ends.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from facilitator.balancing import (
    BalancingPolicy,
    BalancingState,
    end_round,
    lower_hand,
    move_hand,
    next_speaker,
    pass_turn,
    raise_hand,
    reorder_round,
    skip_speaker,
    start_round,
    take_next_hand,
)
from facilitator.balancing_settings import policy_from_settings
from facilitator.errors import DomainError
from facilitator.events import HandsUpdated, PresenceCheckAnswered, PresenceCheckAsked, RoundUpdated
from facilitator.hands import HandEvent, HandTaken
from facilitator.roles import Action, require
from facilitator.rounds import Round, RoundEnded, RoundEvent, RoundKind
from server.services import broadcast
from server.services.callers import Caller
from server.services.runtime import Runtime, load_session
from server.services.talk_time import TalkTime

BALANCING = "balancing"
RECORD = "balance_record"
PRESENCE_CHECKS = "presence_checks"
KEEP_CUES = 500

Step = Callable[[BalancingState], tuple[BalancingState, tuple[Any, ...]]]


# --- reading and writing the state ----------------------------------------------------------


async def states(rt: Runtime, session_id: str) -> dict[str, BalancingState]:
    raw = await rt.live.get_json(session_id, BALANCING) or {}
    return {room: BalancingState.from_dict(value) for room, value in raw.items()}


async def change_room(
    rt: Runtime, session_id: str, room_id: str, step: Step
) -> tuple[BalancingState, tuple[Any, ...]]:
    """Apply a pure step to one room's state; returns the new state and the step's events."""
    result: list[tuple[BalancingState, tuple[Any, ...]]] = []

    def change(raw: dict[str, Any] | None) -> dict[str, Any]:
        rooms = dict(raw or {})
        current = rooms.get(room_id)
        state = BalancingState.from_dict(current) if current is not None else BalancingState()
        new, events = step(state)
        result.clear()
        result.append((new, events))
        rooms[room_id] = new.to_dict()
        return rooms

    await rt.live.update_json(session_id, BALANCING, change)
    return result[0]


async def names(rt: Runtime, session_id: str) -> dict[str, str]:
    """Pseudonyms (peers) and display names (staff) of everyone the session has seen."""
    people = await rt.live.get_json(session_id, "presence") or {}
    return {pid: raw["name"] for pid, raw in people.items()}


async def policy_of(rt: Runtime, session_id: str) -> BalancingPolicy:
    async with rt.db() as db:
        _, group = await load_session(db, session_id)
    return safe_policy((group.settings or {}).get("balancing"))


def safe_policy(raw: Any) -> BalancingPolicy:
    """The stored policy; the defaults if what is stored no longer validates."""
    try:
        return policy_from_settings(raw if isinstance(raw, dict) else None)
    except DomainError:
        return BalancingPolicy()


async def room_of(rt: Runtime, caller: Caller) -> str:
    found = await rt.roster.get(caller.session_id, caller.person_id)
    if found is None or found.room_id is None:
        raise DomainError("not_in_room", "Join the room first.")
    return found.room_id


async def talk_ms(rt: Runtime, session_id: str, room_id: str) -> dict[str, int]:
    now_ms = rt.clock.now_ms()
    ledger = await TalkTime(rt).ledger(session_id)
    if room_id not in ledger.rooms():
        return {}
    return {m.member: m.total_ms for m in ledger.snapshot(room_id, now_ms).members}


# --- what clients see -------------------------------------------------------------------------


def round_json(rnd: Round | None) -> dict[str, Any] | None:
    if rnd is None:
        return None
    return {
        **rnd.to_dict(),
        "outcomes": [{"member_id": m, "outcome": o} for m, o in rnd.outcomes],
        "up_next": rnd.waiting[0] if rnd.waiting else None,
    }


def queue_json(state: BalancingState, people: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "member_id": h.member,
            "name": people.get(h.member, ""),
            "raised_at_ms": h.raised_at_ms,
            "pinned": h.pinned,
        }
        for h in state.hands.hands
    ]


async def announce_round(
    rt: Runtime, session_id: str, room_id: str, state: BalancingState, change: str
) -> dict[str, Any]:
    event = RoundUpdated(
        session_id=session_id,
        room_id=room_id,
        change=change,
        round=round_json(state.round),
        names=await names(rt, session_id),
        at_ms=rt.clock.now_ms(),
    )
    await rt.broadcaster.emit(event, to=broadcast.room(session_id, room_id))
    return event.to_payload()


async def announce_hands(
    rt: Runtime, session_id: str, room_id: str, state: BalancingState, taken: str | None = None
) -> dict[str, Any]:
    event = HandsUpdated(
        session_id=session_id,
        room_id=room_id,
        queue=tuple(queue_json(state, await names(rt, session_id))),
        taken=taken,
        at_ms=rt.clock.now_ms(),
    )
    await rt.broadcaster.emit(event, to=broadcast.room(session_id, room_id))
    return event.to_payload()


# --- the record kept for the summary ------------------------------------------------------------


def _empty_record() -> dict[str, Any]:
    return {"rounds": [], "cues": [], "alerts": {}}


async def record(rt: Runtime, session_id: str, change: Callable[[dict[str, Any]], None]) -> None:
    def apply(raw: dict[str, Any] | None) -> dict[str, Any]:
        doc = raw if raw is not None else _empty_record()
        change(doc)
        doc["cues"] = doc["cues"][-KEEP_CUES:]
        return doc

    await rt.live.update_json(session_id, RECORD, apply)


async def record_round_end(
    rt: Runtime, session_id: str, room_id: str, rnd: Round, events: tuple[Any, ...]
) -> None:
    ended = next((e for e in events if isinstance(e, RoundEnded)), None)
    if ended is None:
        return
    entry = {
        "room_id": room_id,
        "kind": rnd.kind,
        "title": rnd.title,
        "per_person_ms": rnd.per_person_ms,
        "started_at_ms": rnd.started_at_ms,
        "ended_at_ms": ended.at_ms,
        "outcomes": [{"member_id": m, "outcome": o} for m, o in ended.outcomes],
    }
    await record(rt, session_id, lambda doc: doc["rounds"].append(entry))


# --- rounds -----------------------------------------------------------------------------------


async def _round_step(
    rt: Runtime,
    caller: Caller,
    change: str,
    step: Callable[[Round, int], tuple[Round, tuple[RoundEvent, ...]]],
) -> dict[str, Any]:
    room_id = await room_of(rt, caller)
    now_ms = rt.clock.now_ms()
    before: list[Round] = []

    def on_state(state: BalancingState) -> tuple[BalancingState, tuple[Any, ...]]:
        if state.round is None or state.round.ended:
            raise DomainError("no_round", "No round is running in this room.")
        before.clear()
        before.append(state.round)
        rnd, events = step(state.round, now_ms)
        return replace(state, round=rnd), events

    state, events = await change_room(rt, caller.session_id, room_id, on_state)
    if state.round is not None:
        await record_round_end(rt, caller.session_id, room_id, state.round, events)
    payload = await announce_round(rt, caller.session_id, room_id, state, change)
    return {"ok": True, "round": payload["round"]}


async def start(
    rt: Runtime,
    caller: Caller,
    kind: RoundKind,
    order: list[str] | None,
    per_person_s: int | None,
    title: str,
) -> dict[str, Any]:
    """Open a round in the caller's room. Without an order, the peers in the room take part in
    the order they are listed; every person named must be in the room."""
    require(caller.role, Action.RUN_ROUNDS)
    room_id = await room_of(rt, caller)
    in_room = await rt.roster.in_room(caller.session_id, room_id)
    if order is None:
        order = [p.id for p in in_room if p.role == "peer" and p.connected]
    present = {p.id for p in in_room}
    strangers = [m for m in order if m not in present]
    if strangers:
        raise DomainError("not_in_room", "Everyone in a round must be in this room.")
    per_person_ms = (
        per_person_s * 1000
        if per_person_s is not None
        else (await policy_of(rt, caller.session_id)).round_turn_ms
    )
    now_ms = rt.clock.now_ms()

    def step(state: BalancingState) -> tuple[BalancingState, tuple[Any, ...]]:
        if state.round is not None and not state.round.ended:
            raise DomainError("round_running", "A round is already running; end it first.")
        rnd, events = start_round(kind, tuple(order), now_ms, per_person_ms, title)
        return replace(state, round=rnd, round_time_reported=None), events

    state, _ = await change_room(rt, caller.session_id, room_id, step)
    payload = await announce_round(rt, caller.session_id, room_id, state, "started")
    return {"ok": True, "round": payload["round"]}


async def next_turn(rt: Runtime, caller: Caller) -> dict[str, Any]:
    require(caller.role, Action.RUN_ROUNDS)
    return await _round_step(rt, caller, "next", next_speaker)


async def pass_round(rt: Runtime, caller: Caller, member_id: str | None) -> dict[str, Any]:
    """A peer passes their own turn; a facilitator records a pass for someone (default: whoever
    is up)."""
    if caller.is_facilitator:
        require(caller.role, Action.RUN_ROUNDS)
    elif member_id not in (None, caller.person_id):
        raise DomainError("forbidden", "You can pass only your own turn.")
    else:
        member_id = caller.person_id

    def step(rnd: Round, now_ms: int) -> tuple[Round, tuple[RoundEvent, ...]]:
        who = member_id or rnd.current
        if who is None:
            raise DomainError("no_round", "Nobody is up in this round.")
        return pass_turn(rnd, who, now_ms)

    return await _round_step(rt, caller, "passed", step)


async def skip(rt: Runtime, caller: Caller, member_id: str) -> dict[str, Any]:
    require(caller.role, Action.RUN_ROUNDS)
    return await _round_step(
        rt, caller, "skipped", lambda rnd, now_ms: skip_speaker(rnd, member_id, now_ms)
    )


async def reorder(rt: Runtime, caller: Caller, order: list[str]) -> dict[str, Any]:
    require(caller.role, Action.RUN_ROUNDS)
    return await _round_step(
        rt, caller, "reordered", lambda rnd, now_ms: reorder_round(rnd, tuple(order), now_ms)
    )


async def end(rt: Runtime, caller: Caller) -> dict[str, Any]:
    require(caller.role, Action.RUN_ROUNDS)
    return await _round_step(rt, caller, "ended", end_round)


# --- hands ------------------------------------------------------------------------------------


async def _hands_step(
    rt: Runtime,
    caller: Caller,
    step: Callable[[BalancingState, int, dict[str, int]], tuple[BalancingState, tuple[Any, ...]]],
) -> dict[str, Any]:
    room_id = await room_of(rt, caller)
    talk = await talk_ms(rt, caller.session_id, room_id)
    now_ms = rt.clock.now_ms()
    state, events = await change_room(
        rt, caller.session_id, room_id, lambda s: step(s, now_ms, talk)
    )
    taken = next((e.member for e in events if isinstance(e, HandTaken)), None)
    payload = await announce_hands(rt, caller.session_id, room_id, state, taken)
    return {"ok": True, "queue": payload["queue"], "taken": taken}


def _with_hands(
    change: Callable[[BalancingState, int, dict[str, int]], tuple[Any, tuple[HandEvent, ...]]],
) -> Callable[[BalancingState, int, dict[str, int]], tuple[BalancingState, tuple[Any, ...]]]:
    def step(
        state: BalancingState, now_ms: int, talk: dict[str, int]
    ) -> tuple[BalancingState, tuple[Any, ...]]:
        queue, events = change(state, now_ms, talk)
        return replace(state, hands=queue), events

    return step


async def raise_own_hand(rt: Runtime, caller: Caller) -> dict[str, Any]:
    require(caller.role, Action.RAISE_HAND)
    return await _hands_step(
        rt,
        caller,
        _with_hands(lambda s, now_ms, talk: raise_hand(s.hands, caller.person_id, now_ms, talk)),
    )


async def lower(rt: Runtime, caller: Caller, member_id: str | None) -> dict[str, Any]:
    """A peer lowers their own hand; a facilitator may lower anyone's."""
    if caller.is_facilitator:
        require(caller.role, Action.RUN_ROUNDS)
        if member_id is None:
            raise DomainError("bad_request", "Say whose hand to lower.")
        who = member_id
    elif member_id not in (None, caller.person_id):
        raise DomainError("forbidden", "You can lower only your own hand.")
    else:
        who = caller.person_id
    return await _hands_step(
        rt, caller, _with_hands(lambda s, now_ms, _talk: lower_hand(s.hands, who, now_ms))
    )


async def take(rt: Runtime, caller: Caller) -> dict[str, Any]:
    """Invite the first hand in the queue to speak."""
    require(caller.role, Action.RUN_ROUNDS)

    def step(
        state: BalancingState, now_ms: int, _talk: dict[str, int]
    ) -> tuple[BalancingState, tuple[Any, ...]]:
        queue, member, events = take_next_hand(state.hands, now_ms)
        if member is None:
            raise DomainError("no_hands", "No hand is raised.")
        return replace(state, hands=queue), events

    return await _hands_step(rt, caller, step)


async def move(rt: Runtime, caller: Caller, member_id: str, to_index: int) -> dict[str, Any]:
    require(caller.role, Action.RUN_ROUNDS)
    return await _hands_step(
        rt,
        caller,
        _with_hands(lambda s, now_ms, talk: move_hand(s.hands, member_id, to_index, now_ms, talk)),
    )


# --- "are you still there?" ---------------------------------------------------------------------


async def check_presence(rt: Runtime, caller: Caller, member_id: str) -> dict[str, Any]:
    """Ask one peer privately whether they are still there; the answer goes to the staff."""
    require(caller.role, Action.CHECK_PRESENCE)
    found = await rt.roster.get(caller.session_id, member_id)
    if found is None or found.role != "peer":
        raise DomainError("not_found", "That person is not in this session.")
    if not found.connected:
        raise DomainError("not_connected", "They are not connected right now.")
    now_ms = rt.clock.now_ms()
    check = {
        "check_id": secrets.token_hex(8),
        "member_id": member_id,
        "asked_by": caller.person_id,
        "asked_at_ms": now_ms,
        "answered_at_ms": None,
    }

    def change(raw: dict[str, Any] | None) -> dict[str, Any]:
        return {**(raw or {}), member_id: check}

    await rt.live.update_json(caller.session_id, PRESENCE_CHECKS, change)
    await rt.broadcaster.emit(
        PresenceCheckAsked(caller.session_id, check["check_id"], now_ms),
        to=broadcast.person(caller.session_id, member_id),
    )
    return {"ok": True, "check": check}


async def answer_presence(rt: Runtime, caller: Caller) -> dict[str, Any]:
    """The peer answers 'I'm here' to their open check."""
    if caller.is_facilitator:
        raise DomainError("forbidden", "Only the person asked can answer.")
    now_ms = rt.clock.now_ms()
    answered: list[dict[str, Any]] = []

    def change(raw: dict[str, Any] | None) -> dict[str, Any] | None:
        checks = dict(raw or {})
        answered.clear()
        check = checks.get(caller.person_id)
        if check is None or check["answered_at_ms"] is not None:
            return raw
        checks[caller.person_id] = {**check, "answered_at_ms": now_ms}
        answered.append(checks[caller.person_id])
        return checks

    await rt.live.update_json(caller.session_id, PRESENCE_CHECKS, change)
    if not answered:
        raise DomainError("no_check", "Nobody has asked — but thank you!")
    check = answered[0]
    await rt.broadcaster.emit(
        PresenceCheckAnswered(
            caller.session_id,
            check["check_id"],
            caller.person_id,
            caller.name,
            check["asked_at_ms"],
            now_ms,
        ),
        to=broadcast.staff(caller.session_id),
    )
    return {"ok": True}


async def presence_checks(rt: Runtime, session_id: str) -> dict[str, Any]:
    return await rt.live.get_json(session_id, PRESENCE_CHECKS) or {}
