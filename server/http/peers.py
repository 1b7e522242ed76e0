"""Peer routes: read an invite, join as a pseudonym, come back with the member token."""

from __future__ import annotations

from aiohttp import web

from server import context
from server.http.bodies import MemberCreate, MemberResume
from server.http.middleware import read_body
from server.services import members
from server.services.timeutil import now_from

routes = web.RouteTableDef()


@routes.get("/api/invites/{token}")
async def describe_invite(request: web.Request) -> web.Response:
    found = await members.describe_invite(
        request.app[context.DB],
        request.app[context.SETTINGS],
        request.match_info["token"],
        now=now_from(request.app[context.CLOCK]),
    )
    return web.json_response({"ok": True, **found})


@routes.post("/api/invites/{token}/members")
async def join(request: web.Request) -> web.Response:
    body = await read_body(request, MemberCreate)
    member, token = await members.join_group(
        request.app[context.DB],
        request.app[context.SETTINGS],
        request.match_info["token"],
        body.pseudonym,
        now=now_from(request.app[context.CLOCK]),
    )
    return web.json_response(
        {"ok": True, "member": members.member_json(member), "member_token": token}
    )


@routes.post("/api/members/resume")
async def resume(request: web.Request) -> web.Response:
    body = await read_body(request, MemberResume)
    member = await members.resume(request.app[context.DB], body.member_token)
    return web.json_response(
        {"ok": True, "member": members.member_json(member), "group_id": member.group_id}
    )
