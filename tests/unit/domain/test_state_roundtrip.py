"""Live state survives JSON: a state restored at any step continues exactly like the original.

Each script drives one state through a realistic sequence. At every step the state goes through
``json.dumps``/``json.loads`` and ``from_dict``; the restored state must equal the original and,
run through the remaining steps, give the same events, refusals and views as the state that was
never serialised.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from facilitator.balancing import (
    BalancingPolicy,
    BalancingState,
    HandQueueChanged,
    PeerQuietFlagged,
    RoundTimeUp,
    SpeakerNudged,
    TalkDominanceFlagged,
    add_to_round,
    end_round,
    evaluate,
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
from facilitator.breakouts import (
    BreakoutBoard,
    MainRoomAttended,
    MainRoomUnattended,
    ReturnRequested,
    breakout_status,
    close_breakout,
    member_arrived,
    member_departed,
    move_to_breakout,
    open_breakout,
    request_return,
    return_to_main,
    set_role,
    step_in,
)
from facilitator.errors import DomainError
from facilitator.leadership import (
    Leadership,
    SessionPaused,
    SessionResumed,
    StandbyAppeared,
    appear,
    facilitator_dropped,
    facilitator_joined,
    facilitator_returned,
    hand_over,
)
from facilitator.rounds import Round, RoundEvent
from facilitator.talk_time import SpeakerInterrupted, TalkLedger, TalkTimeConfig, TurnEnded
from facilitator.talk_time_report import RoomTalkTime

# A step changes a state and returns what an observer would see (events, views).
Step = Callable[[Any], tuple[Any, object]]


@dataclass(frozen=True)
class Script:
    name: str
    initial: Any
    steps: tuple[Step, ...]
    # each must hold for some state or outcome of the run, so the script covers what it claims
    must_reach: tuple[Callable[[Any], bool], ...] = ()
    must_emit: tuple[type, ...] = ()


def restore(state: Any) -> Any:
    return type(state).from_dict(json.loads(json.dumps(state.to_dict(), allow_nan=False)))


def assert_plain_json(value: object, path: str = "$") -> None:
    """Only dict/list/str/int/float/bool/None, exactly (no enums, tuples or sets in disguise)."""
    if type(value) is dict:
        for key, item in value.items():
            assert type(key) is str, f"{path}: key {key!r} is not a str"
            assert_plain_json(item, f"{path}.{key}")
    elif type(value) is list:
        for i, item in enumerate(value):
            assert_plain_json(item, f"{path}[{i}]")
    else:
        assert type(value) in (str, int, float, bool, type(None)), f"{path}: {value!r}"


def run(state: Any, steps: tuple[Step, ...]) -> tuple[list[Any], list[object]]:
    states, seen = [state], []
    for step in steps:
        try:
            state, observed = step(state)
        except DomainError as err:
            observed = ("refused", err.code)
        states.append(state)
        seen.append(observed)
    return states, seen


def check_script(script: Script) -> None:
    states, expected = run(script.initial, script.steps)
    for k, state in enumerate(states):
        data = state.to_dict()
        assert_plain_json(data)
        assert data["v"] == 1
        restored = restore(state)
        assert restored == state, f"{script.name}: restore differs after step {k}"
        assert restored.to_dict() == data
        _, rest = run(restored, script.steps[k:])
        assert rest == expected[k:], f"{script.name}: diverged when restored after step {k}"
    for reached in script.must_reach:
        assert any(reached(s) for s in states), f"{script.name}: never reached {reached}"
    emitted = {type(item) for item in _leaves(tuple(expected))}
    assert set(script.must_emit) <= emitted, f"{script.name}: missing {script.must_emit}"


def _leaves(seen: object) -> list[object]:
    if isinstance(seen, tuple):
        return [leaf for item in seen for leaf in _leaves(item)]
    return [seen]


# --- talk ledger -------------------------------------------------------------------------------


def rooms_at(ledger: TalkLedger, now_ms: int) -> tuple[RoomTalkTime, ...]:
    return tuple(ledger.snapshot(room, now_ms) for room in ledger.rooms())


def ledger_step(op: str, *args: Any) -> Step:
    """("speak", member, room, is_speaking, t), ("join", member, room, kind, t), ("tick", t),
    ("leave", member, t), ("rejoin", member, room, t), ("move", member, room, t)."""
    now_ms = args[-1]

    def step(ledger: TalkLedger) -> tuple[TalkLedger, object]:
        if op == "speak":
            ledger, events = ledger.speaking_changed(*args)
        elif op == "join":
            ledger, events = ledger.member_joined(*args)
        elif op == "tick":
            ledger, events = ledger.tick(*args)
        elif op == "leave":
            ledger, events = ledger.member_left(*args)
        elif op == "rejoin":
            ledger, events = ledger.member_rejoined(*args)
        elif op == "move":
            ledger, events = ledger.member_moved(*args)
        else:
            raise AssertionError(op)
        return ledger, (events, rooms_at(ledger, now_ms))

    return step


def ledger_script(
    name: str, rows: list[tuple[Any, ...]], config: TalkTimeConfig | None = None, **kw: Any
) -> Script:
    joins = [
        ("join", m, "main", kind, 0)
        for m, kind in (("a", "peer"), ("b", "peer"), ("c", "peer"), ("f", "facilitator"))
    ]
    steps = tuple(ledger_step(*row) for row in [*joins, *rows])
    return Script(name, TalkLedger(config=config or TalkTimeConfig()), steps, **kw)


def _open_turn(predicate: Callable[[Any], bool]) -> Callable[[TalkLedger], bool]:
    return lambda ledger: any(
        p.turn is not None and predicate(p.turn) for p in ledger.participants.values()
    )


LEDGER_SCRIPTS = [
    ledger_script(
        "turns, blips, pauses and interruptions",
        [
            ("speak", "a", "main", True, 1000),
            ("tick", 1300),  # a's turn is still a possible blip
            ("speak", "a", "main", False, 1400),
            ("tick", 1500),  # paused inside the merge gap
            ("speak", "a", "main", True, 1800),  # resumes the same turn
            ("tick", 2000),
            ("speak", "b", "main", True, 3000),  # b starts over a: pending interruption
            ("tick", 3200),
            ("speak", "c", "main", True, 3300),  # c over a and b
            ("tick", 3600),
            ("speak", "a", "main", False, 4000),
            ("tick", 4500),
            ("speak", "c", "main", False, 4600),
            ("tick", 5000),
            ("speak", "b", "main", False, 6000),
            ("speak", "f", "main", True, 6500),
            ("speak", "f", "main", False, 6700),  # a facilitator's blip
            ("speak", "a", "b1", True, 6800),  # refused: a is not in b1
            ("tick", 8000),
            ("tick", 20_000),
        ],
        must_reach=(
            _open_turn(lambda t: not t.confirmed and t.paused_at_ms is None),
            _open_turn(lambda t: not t.confirmed and t.paused_at_ms is not None),
            _open_turn(lambda t: t.confirmed and t.paused_at_ms is not None),
            _open_turn(lambda t: not t.confirmed and len(t.interrupting) == 2),
        ),
        must_emit=(SpeakerInterrupted, TurnEnded),
    ),
    ledger_script(
        "reconnects and moves mid-turn",
        [
            ("speak", "a", "main", True, 1000),
            ("leave", "a", 3000),
            ("speak", "b", "main", True, 3500),
            ("rejoin", "a", "main", 4000),
            ("move", "b", "b1", 4200),
            ("speak", "b", "b1", True, 4300),
            ("move", "f", "b1", 4400),
            ("speak", "f", "b1", True, 4500),
            ("tick", 5200),
            ("speak", "b", "b1", False, 6000),
            ("move", "b", "main", 6100),
            ("join", "d", "main", "peer", 7000),
            ("join", "a", "main", "peer", 7100),  # refused: already joined
            ("speak", "a", "main", True, 8000),
            ("leave", "f", 9000),
            ("rejoin", "f", "main", 9500),
            ("tick", 12_000),
        ],
        must_reach=(lambda ledger: any(not p.present for p in ledger.participants.values()),),
        must_emit=(SpeakerInterrupted, TurnEnded),
    ),
    ledger_script(
        "zero merge gap, longer minimum turn",
        [
            ("speak", "a", "main", True, 0),
            ("speak", "b", "main", True, 200),
            ("speak", "a", "main", False, 700),
            ("speak", "b", "main", False, 900),  # b's 700 ms is below the minimum
            ("speak", "c", "main", True, 1000),
            ("tick", 2500),
            ("speak", "c", "main", False, 3000),
        ],
        config=TalkTimeConfig(merge_gap_ms=0, min_turn_ms=800),
        must_emit=(TurnEnded,),
    ),
]


@pytest.mark.parametrize("script", LEDGER_SCRIPTS, ids=lambda s: s.name)
def test_talk_ledger_continues_identically_after_restore(script: Script) -> None:
    check_script(script)


# --- balancing: round, hands, nudges and alerts --------------------------------------------------

POLICY = BalancingPolicy(
    long_turn_ms=10_000,
    share_nudge_factor=1.5,
    nudge_repeat_ms=8_000,
    quiet_alert_ms=20_000,
    dominance_share=0.5,
    min_room_talk_ms=5_000,
    min_peers_for_share=2,
)
SPEECH = [
    ("a", True, 1000),
    ("a", False, 30_000),
    ("b", True, 31_000),
    ("b", False, 36_000),
    ("c", True, 50_000),
    ("c", False, 58_000),
]


def talk_at(now_ms: int) -> RoomTalkTime:
    """The main room's figures at ``now_ms``; talk does not depend on balancing, so the ledger
    is replayed here rather than carried (and serialised) with the balancing state."""
    ledger = TalkLedger()
    for member, kind in (
        ("a", "peer"),
        ("b", "peer"),
        ("c", "peer"),
        ("d", "peer"),
        ("f", "facilitator"),
    ):
        ledger, _ = ledger.member_joined(member, "main", kind, 0)
    for member, speaking, at_ms in SPEECH:
        if at_ms <= now_ms:
            ledger, _ = ledger.speaking_changed(member, "main", speaking, at_ms)
    return ledger.snapshot("main", now_ms)


def talk_ms(now_ms: int) -> dict[str, int]:
    return {m.member: m.total_ms for m in talk_at(now_ms).members}


def evaluated(now_ms: int) -> Step:
    return lambda st: evaluate(talk_at(now_ms), POLICY, st, now_ms)


def in_round(change: Callable[[Round], tuple[Round, tuple[RoundEvent, ...]]]) -> Step:
    def step(st: BalancingState) -> tuple[BalancingState, object]:
        assert st.round is not None
        rnd, events = change(st.round)
        return replace(st, round=rnd), events

    return step


def hands(change: Callable[[Any], tuple[Any, ...]]) -> Step:
    def step(st: BalancingState) -> tuple[BalancingState, object]:
        queue, *rest = change(st.hands)
        return replace(st, hands=queue), tuple(rest)

    return step


def round_started(at_ms: int) -> Step:
    def step(st: BalancingState) -> tuple[BalancingState, object]:
        rnd, events = start_round("check_in", ("a", "b", "c", "d"), at_ms, 8_000, "This week")
        return replace(st, round=rnd), events

    return step


BALANCING_STEPS: tuple[Step, ...] = (
    hands(lambda q: raise_hand(q, "c", 2000, talk_ms(2000))),
    hands(lambda q: raise_hand(q, "b", 2500, talk_ms(2500))),
    evaluated(5000),
    round_started(6000),
    evaluated(12_000),  # a: long turn nudge, dominance
    evaluated(15_000),  # a over round time; nudge throttled
    evaluated(21_000),  # quiet peers; a nudged again
    hands(lambda q: move_hand(q, "b", 0, 22_000, talk_ms(22_000))),
    in_round(lambda r: next_speaker(r, 30_500)),
    evaluated(33_000),
    in_round(lambda r: pass_turn(r, "d", 34_000)),
    in_round(lambda r: add_to_round(r, "e", 35_000)),
    in_round(lambda r: reorder_round(r, ("e", "c"), 35_500)),
    in_round(lambda r: skip_speaker(r, "e", 35_800)),
    hands(lambda q: take_next_hand(q, 36_500)),
    evaluated(40_000),
    in_round(lambda r: pass_turn(r, "zz", 41_000)),  # refused
    hands(lambda q: lower_hand(q, "c", 42_000)),
    hands(lambda q: raise_hand(q, "d", 43_000, talk_ms(43_000))),
    evaluated(50_500),
    in_round(lambda r: end_round(r, 51_000)),
    evaluated(60_000),
    in_round(lambda r: next_speaker(r, 61_000)),  # refused: round ended
)


def test_balancing_state_continues_identically_after_restore() -> None:
    check_script(
        Script(
            "check-in round with hands and alerts",
            BalancingState(),
            BALANCING_STEPS,
            must_reach=(
                lambda st: st.round_time_reported is not None,
                lambda st: bool(st.last_nudged_at_ms),
                lambda st: len(st.quiet_flagged) >= 2 and bool(st.dominance_flagged),
                lambda st: any(h.pinned for h in st.hands.hands),
                lambda st: st.round is not None and bool(st.round.outcomes) and not st.round.ended,
            ),
            must_emit=(
                SpeakerNudged,
                RoundTimeUp,
                PeerQuietFlagged,
                TalkDominanceFlagged,
                HandQueueChanged,
            ),
        )
    )


# --- breakouts -----------------------------------------------------------------------------------


def board_view(board: BreakoutBoard) -> object:
    return breakout_status(board), board.members_in("main"), board.main_attended()


def on_board(change: Callable[[BreakoutBoard], tuple[BreakoutBoard, tuple[Any, ...]]]) -> Step:
    def step(board: BreakoutBoard) -> tuple[BreakoutBoard, object]:
        board, events = change(board)
        return board, (events, board_view(board))

    return step


BREAKOUT_STEPS: tuple[Step, ...] = (
    *(
        on_board(lambda b, m=m, r=r: member_arrived(b, m, r, 0))
        for m, r in (
            ("lead", "lead"),
            ("co", "co"),
            ("sb", "standby"),
            ("p1", "peer"),
            ("p2", "peer"),
            ("p3", "peer"),
            ("p4", "peer"),
        )
    ),
    on_board(lambda b: open_breakout(b, "co", "b1", ("p1",), 1000, notice="Back shortly")),
    on_board(lambda b: request_return(b, "p1", 1500)),
    on_board(lambda b: request_return(b, "p1", 1600)),
    on_board(lambda b: open_breakout(b, "lead", "b2", ("p2", "p3"), 2000, facilitator_joins=False)),
    on_board(lambda b: open_breakout(b, "lead", "b3", ("p1",), 2100)),  # refused: peer_busy
    on_board(lambda b: move_to_breakout(b, "lead", "p4", "b2", 2500)),
    on_board(lambda b: step_in(b, "lead", "b2", 3000)),
    on_board(lambda b: member_departed(b, "sb", 3500)),  # main left unattended
    on_board(lambda b: return_to_main(b, "co", "p1", 4000)),
    on_board(lambda b: set_role(b, "lead", "co", 4500)),
    on_board(lambda b: set_role(b, "co", "lead", 4500)),
    on_board(lambda b: return_to_main(b, "co", "co", 5000)),  # b1 empties and closes
    on_board(lambda b: close_breakout(b, "co", "b2", 6000)),
    on_board(lambda b: member_arrived(b, "p1", "peer", 6500)),  # reconnect keeps the room
    on_board(lambda b: member_departed(b, "p4", 7000)),
)


def test_breakout_board_continues_identically_after_restore() -> None:
    check_script(
        Script(
            "two breakouts, a return request and the main-room warning",
            BreakoutBoard(),
            BREAKOUT_STEPS,
            must_reach=(
                lambda b: len(b.breakouts) == 2,
                lambda b: any(o.return_requested for o in b.breakouts.values()),
            ),
            must_emit=(ReturnRequested, MainRoomUnattended, MainRoomAttended),
        )
    )


# --- leadership ----------------------------------------------------------------------------------


def seats(change: Callable[[Leadership], tuple[Leadership, tuple[Any, ...]]]) -> Step:
    def step(state: Leadership) -> tuple[Leadership, object]:
        state, events = change(state)
        return state, (events, (state.lead, state.paused, state.visible_facilitators()))

    return step


LEADERSHIP_STEPS: tuple[Step, ...] = (
    seats(lambda s: facilitator_joined(s, "ann", "lead", 0)),
    seats(lambda s: facilitator_joined(s, "bo", "co", 10)),
    seats(lambda s: facilitator_joined(s, "cy", "co", 20)),
    seats(lambda s: facilitator_joined(s, "sam", "standby", 30)),
    seats(lambda s: hand_over(s, "ann", "cy", 100)),
    seats(lambda s: hand_over(s, "ann", "bo", 110)),  # refused: ann no longer leads
    seats(lambda s: facilitator_dropped(s, "cy", 200)),  # earliest connected co takes over
    seats(lambda s: facilitator_returned(s, "cy", 300)),
    seats(lambda s: appear(s, "sam", 400)),
    *(
        seats(lambda s, m=m, t=t: facilitator_dropped(s, m, t))
        for m, t in (("bo", 500), ("ann", 510), ("cy", 520), ("sam", 530))
    ),
    seats(lambda s: facilitator_returned(s, "bo", 600)),
    seats(lambda s: facilitator_joined(s, "dee", "standby", 700)),
    seats(lambda s: facilitator_dropped(s, "bo", 800)),  # only a standby is left to lead
)


def test_leadership_continues_identically_after_restore() -> None:
    check_script(
        Script(
            "handover, promotion, pause and resume",
            Leadership(),
            LEADERSHIP_STEPS,
            must_reach=(lambda s: s.paused,),
            must_emit=(StandbyAppeared, SessionPaused, SessionResumed),
        )
    )


# --- refusing what cannot be trusted -------------------------------------------------------------


def sample_states() -> list[Any]:
    ledger, _ = run(LEDGER_SCRIPTS[0].initial, LEDGER_SCRIPTS[0].steps[:12])
    balancing, _ = run(BalancingState(), BALANCING_STEPS[:8])
    board, _ = run(BreakoutBoard(), BREAKOUT_STEPS[:10])
    leadership, _ = run(Leadership(), LEADERSHIP_STEPS[:6])
    return [ledger[-1], balancing[-1], board[-1], leadership[-1]]


def corrupt(data: dict[str, Any], how: str) -> object:
    data = copy.deepcopy(data)
    if how == "no list":
        return [data]
    if how == "missing key":
        del data[next(k for k in data if k != "v")]
    elif how == "wrong type":
        data[next(k for k in data if k != "v" and data[k] is not None)] = 7
    else:
        data["v"] = {"v2": 2, "no v": None, "v as str": "1", "v true": True}[how]
        if how == "no v":
            del data["v"]
    return data


@pytest.mark.parametrize("state", sample_states(), ids=lambda s: type(s).__name__)
@pytest.mark.parametrize(
    "how", ["v2", "no v", "v as str", "v true", "no list", "missing key", "wrong type"]
)
def test_unknown_versions_and_malformed_state_are_refused(state: Any, how: str) -> None:
    with pytest.raises(DomainError) as err:
        type(state).from_dict(corrupt(state.to_dict(), how))
    assert err.value.code == "bad_state_format"


@pytest.mark.parametrize(
    ("cls", "path", "value"),
    [
        (Leadership, ("seats", 0, "role"), "peer"),  # a peer has no seat
        (BreakoutBoard, ("roles", "p1"), "boss"),
        (TalkLedger, ("participants", 0, "kind"), "admin"),
        (TalkLedger, ("participants", 0, "entered_room_at_ms"), True),
        (BalancingState, ("hands", "hands", 0, "raised_at_ms"), "2000"),
    ],
)
def test_values_outside_the_domain_are_refused(
    cls: Any, path: tuple[Any, ...], value: object
) -> None:
    state = next(s for s in sample_states() if type(s) is cls)
    data = state.to_dict()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(DomainError) as err:
        cls.from_dict(data)
    assert err.value.code == "bad_state_format"
