"""socket.io handlers: validate the payload, check the role, call a service.

A handler never lets an exception through: domain errors become their structured error, bad
payloads `bad_request` with the offending fields, anything else is logged and answered
`internal`. Before any of that, an event over its connection's rate limit
(server/services/event_limits.py) is answered `rate_limited`.

Each event is declared once, as an EventSpec: its payload model, role, service call, and its
rate-limit family and staff exemption. They are in EVENTS here and in the tables of balance,
breakouts, media and safety; docs/protocol.md describes each.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any

import socketio
from aiohttp import web
from pydantic import BaseModel, ValidationError

from facilitator.errors import DomainError
from facilitator.roles import Action, Role, require
from server import context
from server.errors import error_body, validation_error_body
from server.realtime import payloads as p
from server.realtime.breakouts import register_breakouts
from server.realtime.broadcaster import SocketBroadcaster
from server.realtime.engine_hooks import (
    ack_requested,
    disable_websocket_compression,
    track_ack_requests,
)
from server.services import chat, leadership, lobby, presence, session_control, triggers
from server.services.accounts import SESSION_COOKIE
from server.services.callers import Caller, identify
from server.services.event_limits import CHAT, FAMILY_LIMITS, GENERAL, SIGNALS, ConnectionLimits
from server.services.runtime import Runtime

log = logging.getLogger("holdspace.realtime")

# Until the HTTP branch lands, the cookie name is repeated here (server.services.accounts).
RUNTIME = web.AppKey("live_runtime", Runtime)
EVENT_LIMITS = web.AppKey("event_limits", ConnectionLimits)
RATE_LIMITED_MESSAGE = "You're sending too quickly — wait a moment and try again."

Call = Callable[[Runtime, Caller, Any], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class EventSpec:
    model: type[BaseModel]
    action: Action | None  # checked here; services check again (other callers may come)
    call: Call
    # the rate-limit bucket it counts in (server/services/event_limits.py)
    family: str = GENERAL
    # moderation and session control: never limited for staff
    staff_unlimited: bool = False

    def __post_init__(self) -> None:
        if self.family not in FAMILY_LIMITS:
            raise ValueError(f"no rate-limit family {self.family!r}")


# Every EventSpec registered, by event name (for checks that the declarations and the docs agree).
EVENT_SPECS = web.AppKey("event_specs", dict[str, EventSpec])


EVENTS: dict[str, EventSpec] = {
    "session:join": EventSpec(p.Empty, None, lambda rt, c, _: presence.join_session(rt, c)),
    "lobby:accept_rules": EventSpec(p.Empty, None, lambda rt, c, _: lobby.accept_rules(rt, c)),
    "lobby:enter": EventSpec(
        p.Empty, None, lambda rt, c, _: lobby.enter_lobby(rt, c), family=SIGNALS
    ),
    "lobby:admit": EventSpec(
        p.MemberDecision,
        Action.ADMIT,
        lambda rt, c, x: lobby.admit(rt, c, x.member_id, x.message),
        staff_unlimited=True,
    ),
    "lobby:decline": EventSpec(
        p.MemberDecision,
        Action.ADMIT,
        lambda rt, c, x: lobby.decline(rt, c, x.member_id, x.message),
        staff_unlimited=True,
    ),
    "session:open_lobby": EventSpec(
        p.Empty,
        Action.OPEN_LOBBY,
        lambda rt, c, _: session_control.open_lobby(rt, c),
        staff_unlimited=True,
    ),
    "session:go_live": EventSpec(
        p.GoLive,
        Action.GO_LIVE,
        lambda rt, c, x: session_control.go_live(rt, c, x.solo_reason),
        staff_unlimited=True,
    ),
    "session:end": EventSpec(
        p.Empty,
        Action.END_SESSION,
        lambda rt, c, _: session_control.end_session(rt, c),
        staff_unlimited=True,
    ),
    "chat:send": EventSpec(
        p.Text, Action.CHAT, lambda rt, c, x: chat.send_chat(rt, c, x.text), family=CHAT
    ),
    "backchannel:send": EventSpec(
        p.Text,
        Action.BACKCHANNEL,
        lambda rt, c, x: chat.send_backchannel(rt, c, x.text),
        family=CHAT,
    ),
    "trigger:approve": EventSpec(
        p.HeldApproval,
        Action.RELEASE_HELD,
        lambda rt, c, x: triggers.approve(rt, c, x.held_id, x.masked),
        staff_unlimited=True,
    ),
    "trigger:reject": EventSpec(
        p.HeldRef,
        Action.RELEASE_HELD,
        lambda rt, c, x: triggers.reject(rt, c, x.held_id),
        staff_unlimited=True,
    ),
    "participant:remove": EventSpec(
        p.MemberRef,
        Action.REMOVE,
        lambda rt, c, x: session_control.remove_participant(rt, c, x.member_id),
        staff_unlimited=True,
    ),
}


class _Auth(BaseModel):
    model_config = {"extra": "forbid", "strict": True}
    session_id: p.Id
    member_token: str | None = None


def _refuse(message: str) -> socketio.exceptions.ConnectionRefusedError:
    # the client sees `err.message` and `err.data` = {code, message}
    return socketio.exceptions.ConnectionRefusedError(
        message, {"code": "not_authorised", "message": message}
    )


def _staff_token(environ: dict[str, Any]) -> str | None:
    header = environ.get("HTTP_COOKIE", "")
    if not header:
        return None
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(header)
    except CookieError:
        return None
    morsel = cookies.get(SESSION_COOKIE)
    return morsel.value if morsel is not None and morsel.value else None


def setup_realtime(app: web.Application, sio: socketio.AsyncServer) -> None:
    """Register every socket.io event handler on `sio`."""
    disable_websocket_compression(sio)
    track_ack_requests(sio)
    broadcaster = SocketBroadcaster(sio)
    app[EVENT_LIMITS] = ConnectionLimits()
    app[EVENT_SPECS] = {}

    async def runtime_ctx(app: web.Application) -> AsyncIterator[None]:
        app[RUNTIME] = Runtime(
            db=app[context.DB],
            live=app[context.LIVE],
            broadcaster=broadcaster,
            clock=app[context.CLOCK],
            triggers=app[context.TRIGGERS],
            media=app.get(context.MEDIA),
        )
        yield

    app.cleanup_ctx.append(runtime_ctx)

    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        try:
            parsed = _Auth.model_validate(auth if auth is not None else {})
        except ValidationError:
            raise _refuse("Connect with {session_id, member_token?}.") from None
        try:
            async with app[RUNTIME].db() as db:
                caller = await identify(
                    db,
                    session_id=parsed.session_id,
                    sid=sid,
                    member_token=parsed.member_token,
                    staff_token=_staff_token(environ),
                )
        except DomainError as exc:
            raise _refuse(exc.message) from None
        except Exception:
            log.exception("connect failed")
            raise _refuse("The server could not check who you are; try again.") from None
        await sio.save_session(sid, {"caller": caller.to_dict(), "joined": False})

    async def disconnect(sid: str, *_reason: Any) -> None:
        app[EVENT_LIMITS].forget(sid)
        try:
            state = await sio.get_session(sid)
            if state.get("joined"):
                await presence.leave_session(app[RUNTIME], Caller.from_dict(state["caller"]))
        except Exception:
            log.exception("disconnect of %s failed", sid)

    from server.realtime.balance import setup_balance

    setup_balance(app, sio)  # rounds, hands, presence checks and the talk-time loop
    from server.realtime.media import setup_media

    setup_media(app, sio)  # media:* events, speaking and layout listeners
    sio.on("connect", connect)
    sio.on("disconnect", disconnect)
    from server.realtime.safety import safety_events  # imports this module

    for name, spec in {**EVENTS, **safety_events(app[context.SETTINGS])}.items():
        sio.on(name, _handler(app, sio, name, spec))
    register_breakouts(app, sio, _handler)


def _handler(
    app: web.Application, sio: socketio.AsyncServer, name: str, spec: EventSpec
) -> Callable[..., Awaitable[dict[str, Any]]]:
    app[EVENT_SPECS][name] = spec

    async def handle(sid: str, *args: Any) -> dict[str, Any]:
        try:
            refused = await _rate_limited(app, sio, name, spec, sid)
            answer = refused or await _answer(app, sio, name, spec, sid, args)
        except DomainError as exc:
            answer = error_body(exc.code, exc.message)
        except Exception:
            log.exception("%s from %s failed", name, sid)
            answer = error_body("internal", "Something went wrong on the server; please retry.")
        if not answer.get("ok") and not ack_requested.get():
            try:
                await sio.emit("error", answer, to=sid)
            except Exception:
                log.exception("could not report an error to %s", sid)
        return answer

    return handle


async def _rate_limited(
    app: web.Application, sio: socketio.AsyncServer, name: str, spec: EventSpec, sid: str
) -> dict[str, Any] | None:
    """The `rate_limited` answer when this connection sends `name` too often (its spec's family
    and staff exemption), else None. Checked before anything else, so a refused event costs no
    validation, storage or fan-out."""
    caller = (await sio.get_session(sid))["caller"]
    refusal = app[EVENT_LIMITS].check(
        sid,
        spec.family,
        staff_unlimited=spec.staff_unlimited,
        staff=caller["role"] != Role.PEER.value,
        now_ms=app[context.CLOCK].now_ms(),
    )
    if refusal is None:
        return None
    if refusal.in_a_row == 1:  # once per run of refusals, so a flood does not flood the log
        log.info("rate limited %s (%s) from %s, %s", name, refusal.family, sid, caller["role"])
    return error_body("rate_limited", RATE_LIMITED_MESSAGE, retry_after_ms=refusal.retry_after_ms)


async def _answer(
    app: web.Application,
    sio: socketio.AsyncServer,
    name: str,
    spec: EventSpec,
    sid: str,
    args: tuple[Any, ...],
) -> dict[str, Any]:
    raw = args[0] if len(args) == 1 else (args if args else {})
    try:
        payload = spec.model.model_validate(raw)
    except ValidationError as exc:
        return validation_error_body(exc)
    state = await sio.get_session(sid)
    # a facilitator's role is what it is now (handover, promotion), not what it was at connect
    caller = await leadership.current_caller(app[RUNTIME], Caller.from_dict(state["caller"]))
    if spec.action is not None:
        require(caller.role, spec.action)
    answer = await spec.call(app[RUNTIME], caller, payload)
    if name == "session:join":
        state["joined"] = True
        await sio.save_session(sid, state)
    return answer
