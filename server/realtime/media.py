"""socket.io side of media: the media:* events, and the SFU's listeners (speaking, layouts)
turned into talk time and private layout messages. Registered by setup_realtime."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

import socketio
from aiohttp import web
from pydantic import StringConstraints

from facilitator.roles import Action
from server import context
from server.media.backend import Layout, SpeakingChanged
from server.media.ice import browser_ice_servers, parse_ice_server
from server.realtime.namespace import RUNTIME, EventSpec, _handler
from server.realtime.payloads import Payload
from server.services import media_session
from server.services.callers import Caller
from server.services.event_limits import MEDIA_STATE
from server.services.runtime import Runtime

# An offer with 16 receive slots and VP8/Opus preferred is about 20 KB; the socket's own limit
# (64 KiB per message) is the real bound.
OfferSdp = Annotated[str, StringConstraints(min_length=1, max_length=60_000)]


class MediaJoin(Payload):
    offer_sdp: OfferSdp
    audio_only: bool = False
    # the client's camera and microphone as it joins (a reconnect with them off)
    camera_on: bool = True
    mic_on: bool = True


class MediaState(Payload):
    camera_on: bool
    mic_on: bool


class _Empty(Payload):
    pass


def _events(app: web.Application, latest: dict[str, Layout]) -> dict[str, EventSpec]:
    def ice_servers() -> list[dict[str, str]]:
        # the browsers get the same STUN/TURN servers as the SFU (docs/deployment.md)
        settings = app[context.SETTINGS]
        return browser_ice_servers([parse_ice_server(s) for s in settings.ice_servers])

    async def join(rt: Runtime, caller: Caller, x: MediaJoin) -> dict[str, Any]:
        answer = await media_session.join_media(
            rt, caller, x.offer_sdp, x.audio_only, camera_on=x.camera_on, mic_on=x.mic_on
        )
        layout = latest.get(f"{caller.session_id}:{caller.person_id}")
        answer["layout"] = media_session.layout_json(layout) if layout is not None else None
        return answer

    return {
        "media:config": EventSpec(
            _Empty, Action.CHAT, lambda rt, c, _: media_session.media_config(rt, c, ice_servers())
        ),
        "media:join": EventSpec(MediaJoin, Action.CHAT, join),
        "media:leave": EventSpec(
            _Empty, Action.CHAT, lambda rt, c, _: media_session.leave_media_by_caller(rt, c)
        ),
        "media:state": EventSpec(
            MediaState,
            Action.CHAT,
            lambda rt, c, x: media_session.set_media_state(rt, c, x.camera_on, x.mic_on),
            family=MEDIA_STATE,
        ),
    }


def setup_media(app: web.Application, sio: socketio.AsyncServer) -> None:
    """Register the media:* events; once the runtime exists, listen to the SFU."""
    latest: dict[str, Layout] = {}
    for name, spec in _events(app, latest).items():
        sio.on(name, _handler(app, sio, name, spec))

    def on_layout(participant_id: str, layout: Layout) -> Awaitable[None]:
        latest[participant_id] = layout
        return media_session.layout_changed(app[RUNTIME], participant_id, layout)

    def on_speaking(change: SpeakingChanged) -> Awaitable[None]:
        return media_session.speaking_changed(app[RUNTIME], change)

    async def listen(app: web.Application) -> Any:
        media = app.get(context.MEDIA)
        if media is not None:
            media.add_layout_listener(on_layout)
            media.add_speaking_listener(on_speaking)
        yield
        latest.clear()

    app.cleanup_ctx.append(listen)
