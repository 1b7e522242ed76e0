"""socket.io events of the balancing tools: rounds, the raise-hand queue, presence checks; and
the session loop that sends talk time. Registered from namespace.setup_realtime with one call.

Each event is validated (pydantic, unknown fields refused), role-checked with the Action of
facilitator/roles.py when one applies to every caller, and handed to a use case in
server/services/balancing.py, which checks again (a peer may pass or lower only their own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import socketio
from aiohttp import web
from pydantic import Field, StringConstraints

from facilitator.roles import Action
from server import context
from server.realtime import payloads as p
from server.services import balancing
from server.services.event_limits import SIGNALS
from server.services.session_loop import setup_session_loop

if TYPE_CHECKING:
    from server.realtime.namespace import EventSpec

Title = Annotated[str, StringConstraints(max_length=120)]


class RoundStart(p.Payload):
    kind: Literal["check_in", "check_out", "custom"]
    order: list[p.Id] | None = Field(default=None, min_length=1, max_length=50)
    per_person_s: int | None = Field(default=None, ge=30, le=3600)
    title: Title = ""


class RoundOrder(p.Payload):
    order: list[p.Id] = Field(max_length=50)


class OptionalMember(p.Payload):
    member_id: p.Id | None = None


class HandMove(p.Payload):
    member_id: p.Id
    to_index: int = Field(ge=0, le=100)


def _events() -> dict[str, EventSpec]:
    from server.realtime.namespace import EventSpec

    b = balancing
    return {
        "round:start": EventSpec(
            RoundStart,
            Action.RUN_ROUNDS,
            lambda rt, c, x: b.start(rt, c, x.kind, x.order, x.per_person_s, x.title),
            staff_unlimited=True,
        ),
        "round:next": EventSpec(
            p.Empty, Action.RUN_ROUNDS, lambda rt, c, _: b.next_turn(rt, c), staff_unlimited=True
        ),
        # a peer may pass their own turn: checked in the service
        "round:pass": EventSpec(
            OptionalMember,
            None,
            lambda rt, c, x: b.pass_round(rt, c, x.member_id),
            family=SIGNALS,
            staff_unlimited=True,
        ),
        "round:skip": EventSpec(
            p.MemberRef,
            Action.RUN_ROUNDS,
            lambda rt, c, x: b.skip(rt, c, x.member_id),
            staff_unlimited=True,
        ),
        "round:reorder": EventSpec(
            RoundOrder,
            Action.RUN_ROUNDS,
            lambda rt, c, x: b.reorder(rt, c, x.order),
            staff_unlimited=True,
        ),
        "round:end": EventSpec(
            p.Empty, Action.RUN_ROUNDS, lambda rt, c, _: b.end(rt, c), staff_unlimited=True
        ),
        "hand:raise": EventSpec(
            p.Empty, Action.RAISE_HAND, lambda rt, c, _: b.raise_own_hand(rt, c), family=SIGNALS
        ),
        # a peer lowers their own hand (a signal), a facilitator anyone's (moderation): checked
        # in the service
        "hand:lower": EventSpec(
            OptionalMember,
            None,
            lambda rt, c, x: b.lower(rt, c, x.member_id),
            family=SIGNALS,
            staff_unlimited=True,
        ),
        "hand:take": EventSpec(
            p.Empty, Action.RUN_ROUNDS, lambda rt, c, _: b.take(rt, c), staff_unlimited=True
        ),
        "hand:move": EventSpec(
            HandMove,
            Action.RUN_ROUNDS,
            lambda rt, c, x: b.move(rt, c, x.member_id, x.to_index),
            staff_unlimited=True,
        ),
        "presence:check": EventSpec(
            p.MemberRef,
            Action.CHECK_PRESENCE,
            lambda rt, c, x: b.check_presence(rt, c, x.member_id),
            staff_unlimited=True,
        ),
        # only the peer asked can answer: checked in the service
        "presence:here": EventSpec(
            p.Empty, None, lambda rt, c, _: b.answer_presence(rt, c), family=SIGNALS
        ),
    }


def setup_balance(app: web.Application, sio: socketio.AsyncServer) -> None:
    """Register the balancing events and the session loop on the app."""
    from server.realtime.namespace import RUNTIME, _handler

    for name, spec in _events().items():
        sio.on(name, _handler(app, sio, name, spec))
    setup_session_loop(app, RUNTIME, app[context.SETTINGS].redis_url)
