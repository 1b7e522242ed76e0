"""Talk time over HTTP for a session's facilitators: the live figures, and the summary kept
after the session ends (JSON, CSV, SVG chart).

Only facilitators of the session's group (assigned to it, or its lead or co) may read them;
anyone else signed in gets 404, exactly as for a session that does not exist.
"""

from __future__ import annotations

from aiohttp import web

from facilitator.balancing_settings import settings_of_policy
from facilitator.session import SessionState
from server import context
from server.errors import ApiError
from server.http.guards import staff
from server.realtime.namespace import RUNTIME
from server.services import balancing
from server.services.safeguarding_access import is_group_facilitator
from server.services.summary import render_csv, render_svg
from server.services.talk_time import TalkTime
from server.storage.models import Session, SessionSummary

routes = web.RouteTableDef()

_NOT_FOUND = "There is no such session, or it is not one of yours."


async def _facilitated_session(request: web.Request) -> Session:
    who = await staff(request)
    async with request.app[context.DB]() as db:
        session = await db.get(Session, request.match_info["session_id"])
        allowed = session is not None and (
            who.user.id in (session.lead_id, session.co_id)
            or await is_group_facilitator(db, who.user.id, session.group_id)
        )
    if session is None or not allowed or who.user.disabled:
        raise ApiError("not_found", _NOT_FOUND, 404)
    return session


@routes.get("/api/sessions/{session_id}/talk-time")
async def talk_time(request: web.Request) -> web.Response:
    session = await _facilitated_session(request)
    rt = request.app[RUNTIME]
    report = await TalkTime(rt).report(session.id)
    rooms_state = await balancing.states(rt, session.id)
    people = await balancing.names(rt, session.id)
    for room_id, room in report["rooms"].items():
        state = rooms_state.get(room_id)
        room["round"] = balancing.round_json(state.round) if state else None
        room["hands"] = balancing.queue_json(state, people) if state else []
    policy = await balancing.policy_of(rt, session.id)
    return web.json_response(
        {
            "ok": True,
            **report,
            "state": session.state,
            "names": people,
            "balancing": settings_of_policy(policy),
        }
    )


async def _summary(request: web.Request) -> dict:  # type: ignore[type-arg]
    session = await _facilitated_session(request)
    async with request.app[context.DB]() as db:
        row = await db.get(SessionSummary, session.id)
    if row is None:
        if session.state != SessionState.ENDED:
            raise ApiError("not_ended", "The summary is ready when the session has ended.", 409)
        raise ApiError("not_found", "No summary was kept for this session.", 404)
    return dict(row.data)


@routes.get("/api/sessions/{session_id}/summary")
async def summary_json(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "summary": await _summary(request)})


@routes.get("/api/sessions/{session_id}/summary.csv")
async def summary_csv(request: web.Request) -> web.Response:
    doc = await _summary(request)
    name = f"talk-time-{doc['session_id']}.csv"
    return web.Response(
        text=render_csv(doc),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@routes.get("/api/sessions/{session_id}/summary.svg")
async def summary_svg(request: web.Request) -> web.Response:
    doc = await _summary(request)
    room = request.query.get("room", "main")
    return web.Response(text=render_svg(doc, room), content_type="image/svg+xml", charset="utf-8")
