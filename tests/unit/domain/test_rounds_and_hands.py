"""Rounds and the raise-hand queue."""

from __future__ import annotations

import pytest

from facilitator.balancing import (
    HandQueue,
    RoundEnded,
    RoundReordered,
    SpeakerSkipped,
    SpeakerUp,
    TurnPassed,
    add_to_round,
    end_round,
    lower_hand,
    move_hand,
    next_speaker,
    pass_turn,
    raise_hand,
    reorder_round,
    round_status,
    skip_speaker,
    start_round,
    take_next_hand,
)
from facilitator.errors import DomainError


def test_round_runs_through_order_with_timer() -> None:
    rnd, events = start_round("check_in", ("a", "b", "c"), 1000)
    assert rnd.per_person_ms == 360_000 and events[-1] == SpeakerUp("a", 360_000, 1000)
    status = round_status(rnd, 361_000)
    assert (status.current, status.elapsed_ms, status.over_time, status.up_next) == (
        "a",
        360_000,
        True,
        "b",
    )
    assert round_status(rnd, 300_999).left_ms == 60_001
    rnd, events = next_speaker(rnd, 400_000)
    assert events == (SpeakerUp("b", 360_000, 400_000),)
    rnd, events = pass_turn(rnd, "b", 410_000)
    assert events == (TurnPassed("b", 410_000), SpeakerUp("c", 360_000, 410_000))
    rnd, events = next_speaker(rnd, 500_000)
    assert rnd.ended and events == (
        RoundEnded("check_in", (("a", "spoke"), ("b", "passed"), ("c", "spoke")), 500_000),
    )
    with pytest.raises(DomainError) as err:
        next_speaker(rnd, 600_000)
    assert err.value.code == "round_ended"


def test_skip_comes_back_later_and_pass_ahead_removes() -> None:
    rnd, _ = start_round("custom", ("a", "b", "c", "d"), 0, per_person_ms=60_000)
    rnd, events = skip_speaker(rnd, "a", 10)
    assert events == (SpeakerSkipped("a", 10), SpeakerUp("b", 60_000, 10))
    assert rnd.waiting == ("c", "d", "a")
    rnd, _ = pass_turn(rnd, "d", 20)
    assert rnd.waiting == ("c", "a") and rnd.current == "b"
    rnd, _ = skip_speaker(rnd, "c", 30)
    assert rnd.waiting == ("a", "c")


@pytest.mark.parametrize(
    ("name", "action", "code"),
    [
        ("empty order", lambda: start_round("check_in", (), 0), "empty_round"),
        ("repeat in order", lambda: start_round("check_in", ("a", "a"), 0), "bad_order"),
        ("zero timer", lambda: start_round("custom", ("a",), 0, per_person_ms=0), "bad_timer"),
    ],
)
def test_round_start_errors(name: str, action: object, code: str) -> None:
    with pytest.raises(DomainError) as err:
        action()  # type: ignore[operator]
    assert err.value.code == code, name


def test_reorder_add_and_end() -> None:
    rnd, _ = start_round("check_out", ("a", "b", "c"), 0)
    rnd, events = reorder_round(rnd, ("c", "b"), 5)
    assert rnd.waiting == ("c", "b") and events == (RoundReordered(("c", "b"), 5),)
    for bad in (("c",), ("c", "b", "a"), ("c", "x")):
        with pytest.raises(DomainError) as err:
            reorder_round(rnd, bad, 6)
        assert err.value.code == "bad_order"
    rnd, _ = add_to_round(rnd, "late", 7)
    assert rnd.waiting == ("c", "b", "late")
    with pytest.raises(DomainError):
        add_to_round(rnd, "a", 8)
    with pytest.raises(DomainError) as err:
        pass_turn(rnd, "nobody", 9)
    assert err.value.code == "not_in_round"
    rnd, events = end_round(rnd, 10)
    assert rnd.ended and rnd.current is None and isinstance(events[0], RoundEnded)


TALK = {"loud": 600_000, "mid": 60_000, "quiet": 0}


@pytest.mark.parametrize(
    ("raises", "expected"),
    [
        ([("loud", 0), ("mid", 1), ("quiet", 2)], ("quiet", "mid", "loud")),
        ([("quiet", 5), ("new", 1)], ("new", "quiet")),  # equal talk: earlier hand first
        ([("mid", 0), ("mid", 9)], ("mid",)),  # raising twice keeps one hand
    ],
)
def test_hand_queue_quietest_first(
    raises: list[tuple[str, int]], expected: tuple[str, ...]
) -> None:
    queue = HandQueue()
    for member, at in raises:
        queue, _ = raise_hand(queue, member, at, TALK)
    assert queue.order() == expected


def test_manual_move_sticks_and_others_flow_around() -> None:
    queue = HandQueue()
    for member, at in [("loud", 0), ("mid", 1), ("quiet", 2)]:
        queue, _ = raise_hand(queue, member, at, TALK)
    queue, _ = move_hand(queue, "loud", 0, 3, TALK)
    assert queue.order() == ("loud", "quiet", "mid")
    queue, _ = raise_hand(queue, "silent", 4, {**TALK, "silent": 0})
    assert queue.order() == ("loud", "quiet", "silent", "mid")
    queue, member, _ = take_next_hand(queue, 5)
    assert member == "loud" and queue.order() == ("quiet", "silent", "mid")
    queue, _ = lower_hand(queue, "silent", 6)
    assert queue.order() == ("quiet", "mid")
    with pytest.raises(DomainError) as err:
        lower_hand(queue, "silent", 7)
    assert err.value.code == "hand_not_raised"
    assert take_next_hand(HandQueue(), 8) == (HandQueue(), None, ())
