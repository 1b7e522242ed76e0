"""Breakout rooms: who may do what, where everyone is, and the main-room warning."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from facilitator.breakouts import (
    MAIN_ROOM,
    BreakoutBoard,
    BreakoutClosed,
    BreakoutNoticePosted,
    BreakoutOpened,
    FacilitatorSteppedIn,
    MainRoomAttended,
    MainRoomUnattended,
    MemberMoved,
    ReturnRequested,
    Role,
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


def board_with(*people: tuple[str, Role]) -> BreakoutBoard:
    board = BreakoutBoard()
    for member, role in people:
        board, _ = member_arrived(board, member, role, 0)
    return board


def group() -> BreakoutBoard:
    return board_with(
        ("lead", "lead"),
        ("co", "co"),
        ("sb", "standby"),
        ("p1", "peer"),
        ("p2", "peer"),
        ("p3", "peer"),
    )


def test_open_moves_peers_and_opener_with_notice() -> None:
    board, events = open_breakout(group(), "co", "b1", ("p1",), 1000, notice="Back shortly")
    assert board.room_of("p1") == "b1" and board.room_of("co") == "b1"
    assert events == (
        BreakoutOpened("b1", "co", ("p1", "co"), 1000),
        MemberMoved("p1", MAIN_ROOM, "b1", 1000),
        MemberMoved("co", MAIN_ROOM, "b1", 1000),
        BreakoutNoticePosted(MAIN_ROOM, "Back shortly", 1000),
    )
    (status,) = breakout_status(board)
    assert status.members == (("co", "co", 1000), ("p1", "peer", 1000))
    assert (status.opened_by, status.opened_at_ms, status.notice) == ("co", 1000, "Back shortly")


BreakoutAction = Callable[[BreakoutBoard], object]


@pytest.mark.parametrize(
    ("name", "action", "code"),
    [
        (
            "peer already in another breakout",
            lambda b: open_breakout(b, "lead", "b2", ("p1",), 2000),
            "peer_busy",
        ),
        (
            "room name taken",
            lambda b: open_breakout(b, "lead", "b1", ("p2",), 2000),
            "breakout_exists",
        ),
        (
            "main is not a breakout",
            lambda b: open_breakout(b, "lead", MAIN_ROOM, ("p2",), 2000),
            "breakout_exists",
        ),
        ("no peers", lambda b: open_breakout(b, "lead", "b2", (), 2000), "no_peers"),
        (
            "facilitator is not a peer",
            lambda b: open_breakout(b, "lead", "b2", ("sb",), 2000),
            "not_a_peer",
        ),
        (
            "peer may not open",
            lambda b: open_breakout(b, "p2", "b2", ("p3",), 2000),
            "not_permitted",
        ),
        (
            "hidden standby may not open",
            lambda b: open_breakout(b, "sb", "b2", ("p3",), 2000),
            "not_permitted",
        ),
        (
            "notice too long",
            lambda b: open_breakout(b, "lead", "b2", ("p2",), 2000, notice="x" * 201),
            "notice_too_long",
        ),
        ("unknown peer", lambda b: open_breakout(b, "lead", "b2", ("ghost",), 2000), "not_a_peer"),
        ("move busy peer", lambda b: move_to_breakout(b, "lead", "p1", "b1", 2000), "peer_busy"),
        (
            "move into unknown room",
            lambda b: move_to_breakout(b, "lead", "p2", "zz", 2000),
            "unknown_breakout",
        ),
        (
            "return someone in main",
            lambda b: return_to_main(b, "lead", "p2", 2000),
            "not_in_breakout",
        ),
        ("peer asks from main", lambda b: request_return(b, "p2", 2000), "not_in_breakout"),
        ("close unknown", lambda b: close_breakout(b, "lead", "zz", 2000), "unknown_breakout"),
        ("peer may not close", lambda b: close_breakout(b, "p1", "b1", 2000), "not_permitted"),
    ],
)
def test_refusals(name: str, action: BreakoutAction, code: str) -> None:
    board, _ = open_breakout(group(), "co", "b1", ("p1",), 1000)
    with pytest.raises(DomainError) as err:
        action(board)
    assert err.value.code == code, name


def test_close_returns_everyone() -> None:
    board, _ = open_breakout(group(), "co", "b1", ("p1", "p2"), 1000)
    board, _ = step_in(board, "lead", "b1", 1500)
    board, events = close_breakout(board, "co", "b1", 2000)
    assert all(board.room_of(m) == MAIN_ROOM for m in ("co", "lead", "p1", "p2"))
    assert BreakoutClosed("b1", ("co", "lead", "p1", "p2"), 2000) in events
    # the standby stayed in main throughout, so attendance never flipped
    assert not any(isinstance(e, MainRoomAttended | MainRoomUnattended) for e in events)
    assert breakout_status(board) == ()


def test_several_breakouts_at_once() -> None:
    board, _ = open_breakout(group(), "co", "b1", ("p1",), 1000)
    board, _ = open_breakout(board, "lead", "b2", ("p2",), 1100, facilitator_joins=False)
    board, _ = move_to_breakout(board, "lead", "p3", "b2", 1200)
    assert [s.room for s in breakout_status(board)] == ["b1", "b2"]
    assert board.members_in("b2") == ("p2", "p3") and board.room_of("lead") == MAIN_ROOM


@pytest.mark.parametrize(
    ("name", "people", "warned"),
    [
        ("last facilitator leaves main", (("lead", "lead"), ("p1", "peer"), ("p2", "peer")), True),
        ("co stays in main", (("lead", "lead"), ("co", "co"), ("p1", "peer")), False),
        (
            "standby in main still attends",
            (("lead", "lead"), ("sb", "standby"), ("p1", "peer")),
            False,
        ),
    ],
)
def test_main_room_unattended_warning(
    name: str, people: tuple[tuple[str, Role], ...], warned: bool
) -> None:
    board, events = open_breakout(board_with(*people), "lead", "b1", ("p1",), 1000)
    assert board.room_of("lead") == "b1"
    unattended = [e for e in events if isinstance(e, MainRoomUnattended)]
    assert bool(unattended) == warned, name


def test_warning_counts_peers_left_and_all_clear_on_return() -> None:
    board = board_with(("lead", "lead"), ("p1", "peer"), ("p2", "peer"), ("p3", "peer"))
    board, events = open_breakout(board, "lead", "b1", ("p1",), 1000)
    assert events[-1] == MainRoomUnattended(2, 1000)
    board, events = return_to_main(board, "lead", "lead", 2000)
    assert events[-1] == MainRoomAttended("lead", 2000)
    assert board.room_of("p1") == "b1"  # the peer stays; facilitator left them alone there


def test_facilitator_departing_session_from_main_warns() -> None:
    board = board_with(("lead", "lead"), ("p1", "peer"))
    board, events = member_departed(board, "lead", 500)
    assert events == (MainRoomUnattended(1, 500),)


def test_request_return_then_facilitator_brings_back_and_empty_room_closes() -> None:
    board, _ = open_breakout(group(), "co", "b1", ("p1",), 1000)
    board, events = request_return(board, "p1", 1500)
    assert events == (ReturnRequested("p1", "b1", 1500),)
    assert request_return(board, "p1", 1600) == (board, ())  # asking twice changes nothing
    assert breakout_status(board)[0].return_requested == ("p1",)
    board, events = return_to_main(board, "co", "p1", 2000)
    assert events == (MemberMoved("p1", "b1", MAIN_ROOM, 2000),)
    assert breakout_status(board)[0].return_requested == ()
    board, events = return_to_main(board, "co", "co", 2100)
    assert BreakoutClosed("b1", (), 2100) in events and breakout_status(board) == ()


def test_step_in_from_other_breakout_closes_emptied_one() -> None:
    board, _ = open_breakout(group(), "co", "b1", ("p1",), 1000)
    board, _ = open_breakout(board, "lead", "b2", ("p2",), 1000)
    board, _ = member_departed(board, "p2", 1500)
    board, events = step_in(board, "lead", "b1", 2000)
    assert FacilitatorSteppedIn("lead", "b1", 2000) in events
    assert BreakoutClosed("b2", (), 2000) in events
    assert step_in(board, "lead", "b1", 2100) == (board, ())


def test_reconnect_keeps_place_and_appearing_standby_may_run() -> None:
    board, _ = open_breakout(group(), "co", "b1", ("p1",), 1000)
    board, _ = member_arrived(board, "p1", "peer", 3000)
    assert board.room_of("p1") == "b1"
    board, _ = set_role(board, "sb", "co", 3100)
    board, _ = open_breakout(board, "sb", "b2", ("p2",), 3200, facilitator_joins=False)
    assert board.room_of("p2") == "b2"


def test_roles_are_stored_as_role_values_and_unknown_roles_refused() -> None:
    board = group()
    assert board.roles["lead"] is Role.LEAD and board.roles["p1"] is Role.PEER
    with pytest.raises(DomainError) as err:
        member_arrived(board, "x", "boss", 0)  # type: ignore[arg-type]
    assert err.value.code == "unknown_role"
