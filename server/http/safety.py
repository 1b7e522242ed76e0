"""Safety routes: signposting (public read, admin write), incidents and notes, the audited
safeguarding-contact view, and erasing a member."""

from __future__ import annotations

from collections import Counter
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select

from server import context
from server.errors import ApiError
from server.http.bodies import Body
from server.http.guards import staff
from server.http.middleware import read_body
from server.services import contacts, incidents, retention, signposting
from server.services.groups import visible_group
from server.services.timeutil import iso
from server.storage.models import Member, SafeguardingContact

routes = web.RouteTableDef()


def ok(**fields: object) -> web.Response:
    return web.json_response({"ok": True, **fields})


class Resource(BaseModel):
    model_config = {"extra": "forbid"}
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=500)
    phone: str | None = Field(default=None, max_length=40)
    url: str | None = Field(default=None, max_length=500)
    crisis: bool = False


class Resources(Body):
    resources: list[Resource] = Field(max_length=signposting.MAX_RESOURCES)


class Note(Body):
    note: str = Field(min_length=1, max_length=incidents.MAX_NOTE_CHARS)


class Reason(Body):
    reason: str = Field(min_length=1, max_length=contacts.MAX_REASON_CHARS)


# --- signposting ---------------------------------------------------------------------------


@routes.get("/api/signposting")
async def get_signposting(request: web.Request) -> web.Response:
    return ok(**await signposting.signposting(request.app[context.DB]))


@routes.put("/api/signposting")
async def put_signposting(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    body = await read_body(request, Resources)
    resources = await signposting.replace_resources(
        request.app[context.DB],
        actor_id=who.user.id,
        items=[r.model_dump() for r in body.resources],
    )
    return ok(helpline=dict(signposting.HELPLINE), resources=resources)


# --- incidents -----------------------------------------------------------------------------


@routes.get("/api/groups/{group_id}/incidents")
async def list_incidents(request: web.Request) -> web.Response:
    who = await staff(request)
    session_id = request.query.get("session_id") or None
    async with request.app[context.DB]() as db:
        found = await incidents.list_incidents(
            db, who.user.id, request.match_info["group_id"], session_id=session_id
        )
    counts: dict[str, Any] = dict(Counter(item["kind"] for item in found))
    return ok(incidents=found, counts=counts)


@routes.put("/api/incidents/{incident_id}/note")
async def write_note(request: web.Request) -> web.Response:
    who = await staff(request)
    body = await read_body(request, Note)
    async with request.app[context.DB]() as db:
        incident = await incidents.write_note(
            db, who.user.id, request.match_info["incident_id"], body.note
        )
        return ok(incident=incidents.incident_view(incident))


# --- safeguarding contacts -----------------------------------------------------------------


@routes.post("/api/members/{member_id}/contact/view")
async def view_contact(request: web.Request) -> web.Response:
    who = await staff(request)
    body = await read_body(request, Reason)
    async with request.app[context.DB]() as db:
        contact = await contacts.view_contact(
            db,
            request.app[context.SETTINGS],
            who.user.id,
            request.match_info["member_id"],
            body.reason,
        )
    return ok(contact=contact)


# --- members and erasure (admins) ----------------------------------------------------------


@routes.get("/api/groups/{group_id}/members")
async def list_members(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    async with request.app[context.DB]() as db:
        group = await visible_group(db, who.user, request.match_info["group_id"])
        rows = (
            await db.execute(
                select(Member, SafeguardingContact.id)
                .outerjoin(SafeguardingContact, SafeguardingContact.member_id == Member.id)
                .where(Member.group_id == group.id)
                .order_by(Member.created_at, Member.id)
            )
        ).all()
    return ok(
        members=[
            {
                "id": member.id,
                "pseudonym": member.pseudonym,
                "created_at": iso(member.created_at),
                "erased": member.erased_at is not None,
                "has_contact": contact_id is not None,
            }
            for member, contact_id in rows
        ]
    )


@routes.post("/api/members/{member_id}/erase")
async def erase_member(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    async with request.app[context.DB]() as db:
        if await db.get(Member, request.match_info["member_id"]) is None:
            raise ApiError("not_found", "There is no such member.", 404)
        await retention.erase_member(db, request.match_info["member_id"], who.user.id)
    return ok()
