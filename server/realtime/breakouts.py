"""socket.io events of breakouts and leadership: validate, check the role, call a service.

Registered by ``namespace.setup_realtime`` through the same handler as every other event, so
errors, acks and the role check (on the caller's *current* role) behave the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any

import socketio
from aiohttp import web
from pydantic import Field, StringConstraints

from facilitator.breakouts import MAX_NOTICE_CHARS
from facilitator.roles import Action
from server import context
from server.media.backend import MediaBackend
from server.realtime.payloads import Empty, Id, MemberRef, Payload
from server.services import breakout_rooms, leadership
from server.services.event_limits import SIGNALS

if TYPE_CHECKING:
    from server.realtime.namespace import EventSpec

Notice = Annotated[str, StringConstraints(max_length=MAX_NOTICE_CHARS)]
MediaOf = Callable[[], MediaBackend | None]


class BreakoutOpen(Payload):
    member_ids: Annotated[list[Id], Field(min_length=1, max_length=14)]
    notice: Notice | None = None
    join: bool = True


class RoomRef(Payload):
    room_id: Id


class HandOver(Payload):
    to: Id


def breakout_events(media_of: MediaOf) -> dict[str, EventSpec]:
    """Every event of this module; ``media_of`` gives the media backend when there is one."""
    from server.realtime.namespace import EventSpec

    return {
        "breakout:open": EventSpec(
            BreakoutOpen,
            Action.OPEN_BREAKOUT,
            lambda rt, c, x: breakout_rooms.open_with(
                rt, media_of(), c, list(x.member_ids), x.notice, x.join
            ),
            staff_unlimited=True,
        ),
        "breakout:return": EventSpec(
            MemberRef,
            Action.OPEN_BREAKOUT,
            lambda rt, c, x: breakout_rooms.bring_back(rt, media_of(), c, x.member_id),
            staff_unlimited=True,
        ),
        "breakout:request_return": EventSpec(
            Empty, None, lambda rt, c, _: breakout_rooms.ask_to_return(rt, c), family=SIGNALS
        ),
        "breakout:step_in": EventSpec(
            RoomRef,
            Action.OPEN_BREAKOUT,
            lambda rt, c, x: breakout_rooms.step_into(rt, media_of(), c, x.room_id),
            staff_unlimited=True,
        ),
        "breakout:close": EventSpec(
            RoomRef,
            Action.OPEN_BREAKOUT,
            lambda rt, c, x: breakout_rooms.close(rt, media_of(), c, x.room_id),
            staff_unlimited=True,
        ),
        "lead:handover": EventSpec(
            HandOver,
            Action.HAND_OVER,
            lambda rt, c, x: leadership.hand_lead_over(rt, c, x.to),
            staff_unlimited=True,
        ),
        "standby:appear": EventSpec(
            Empty, None, lambda rt, c, _: leadership.appear_to_peers(rt, c), staff_unlimited=True
        ),
    }


Handler = Callable[..., Awaitable[dict[str, Any]]]
MakeHandler = Callable[[web.Application, socketio.AsyncServer, str, "EventSpec"], Handler]


def register_breakouts(
    app: web.Application, sio: socketio.AsyncServer, make_handler: MakeHandler
) -> None:
    for name, spec in breakout_events(lambda: app.get(context.MEDIA)).items():
        sio.on(name, make_handler(app, sio, name, spec))
