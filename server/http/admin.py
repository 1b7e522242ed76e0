"""Staff routes: users, groups, invites, sessions, audit. Writes need an admin; reads of a group
are open to its assigned facilitators too."""

from __future__ import annotations

from aiohttp import web

from server import context
from server.http.bodies import (
    Facilitators,
    GroupCreate,
    GroupPatch,
    InviteCreate,
    SessionCreate,
    SessionPatch,
    UserCreate,
    UserPatch,
    non_null_changes,
)
from server.http.guards import staff
from server.http.middleware import read_body
from server.services import accounts, audit, groups, invites, sessions_admin

routes = web.RouteTableDef()


def ok(**fields: object) -> web.Response:
    return web.json_response({"ok": True, **fields})


# --- users -------------------------------------------------------------------------------


@routes.get("/api/users")
async def list_users(request: web.Request) -> web.Response:
    await staff(request, admin=True)
    users = await accounts.list_users(request.app[context.DB])
    return ok(users=[accounts.user_json(u) for u in users])


@routes.post("/api/users")
async def create_user(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    body = await read_body(request, UserCreate)
    user, password = await accounts.create_user(
        request.app[context.DB], actor_id=who.user.id, **body.model_dump()
    )
    return ok(user=accounts.user_json(user), one_time_password=password)


@routes.patch("/api/users/{user_id}")
async def update_user(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    body = await read_body(request, UserPatch)
    user = await accounts.update_user(
        request.app[context.DB],
        actor_id=who.user.id,
        user_id=request.match_info["user_id"],
        changes=non_null_changes(body, frozenset({"pronouns", "gender"})),
    )
    return ok(user=accounts.user_json(user))


# --- groups ------------------------------------------------------------------------------


@routes.get("/api/groups")
async def list_groups(request: web.Request) -> web.Response:
    who = await staff(request)
    return ok(groups=await groups.list_groups(request.app[context.DB], who.user))


@routes.post("/api/groups")
async def create_group(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    body = await read_body(request, GroupCreate)
    fields = body.model_dump(mode="json")
    if fields["ground_rules"] is None:
        del fields["ground_rules"]
    group = await groups.create_group(request.app[context.DB], actor_id=who.user.id, fields=fields)
    return ok(group=group)


# registered before /api/groups/{group_id}, which would otherwise take "defaults" for an id
@routes.get("/api/groups/defaults")
async def group_defaults(request: web.Request) -> web.Response:
    await staff(request, admin=True)
    return ok(defaults=groups.group_defaults())


@routes.get("/api/groups/{group_id}")
async def get_group(request: web.Request) -> web.Response:
    who = await staff(request)
    return ok(
        group=await groups.get_group(
            request.app[context.DB], who.user, request.match_info["group_id"]
        )
    )


@routes.patch("/api/groups/{group_id}")
async def update_group(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    body = await read_body(request, GroupPatch)
    changes = {
        k: v for k, v in body.model_dump(mode="json", exclude_unset=True).items() if v is not None
    }
    if body.balancing is not None:
        # null inside balancing means "back to the default", so keep those keys
        changes["balancing"] = body.balancing.model_dump(mode="json", exclude_unset=True)
    group = await groups.update_group(
        request.app[context.DB],
        actor=who.user,
        group_id=request.match_info["group_id"],
        fields=changes,
    )
    if "trigger_policy" in changes:
        await request.app[context.TRIGGERS].policy_changed(group["id"])
    return ok(group=group)


@routes.put("/api/groups/{group_id}/facilitators")
async def set_facilitators(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    body = await read_body(request, Facilitators)
    group = await groups.set_facilitators(
        request.app[context.DB],
        actor=who.user,
        group_id=request.match_info["group_id"],
        user_ids=body.user_ids,
    )
    return ok(group=group)


# --- invites -----------------------------------------------------------------------------


@routes.get("/api/groups/{group_id}/invites")
async def list_invites(request: web.Request) -> web.Response:
    who = await staff(request)
    found = await invites.list_invites(
        request.app[context.DB],
        request.app[context.SETTINGS],
        user=who.user,
        group_id=request.match_info["group_id"],
    )
    return ok(invites=found)


@routes.post("/api/groups/{group_id}/invites")
async def create_invite(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    body = await read_body(request, InviteCreate)
    invite = await invites.create_invite(
        request.app[context.DB],
        request.app[context.SETTINGS],
        actor=who.user,
        group_id=request.match_info["group_id"],
        label=body.label,
        ttl_s=None if body.ttl_days is None else body.ttl_days * 86400,
    )
    return ok(invite=invite)


@routes.delete("/api/invites/{invite_id}")
async def revoke_invite(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    await invites.revoke_invite(
        request.app[context.DB], actor=who.user, invite_id=request.match_info["invite_id"]
    )
    return ok()


# --- sessions ----------------------------------------------------------------------------


@routes.get("/api/groups/{group_id}/sessions")
async def list_sessions(request: web.Request) -> web.Response:
    who = await staff(request)
    found = await sessions_admin.list_group_sessions(
        request.app[context.DB], who.user, request.match_info["group_id"]
    )
    return ok(sessions=found)


@routes.post("/api/groups/{group_id}/sessions")
async def create_session(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    body = await read_body(request, SessionCreate)
    session = await sessions_admin.create_session(
        request.app[context.DB],
        actor=who.user,
        group_id=request.match_info["group_id"],
        fields=body.model_dump(),
    )
    return ok(session=session)


@routes.get("/api/sessions/{session_id}")
async def get_session(request: web.Request) -> web.Response:
    who = await staff(request)
    found = await sessions_admin.get_session(
        request.app[context.DB], who.user, request.match_info["session_id"]
    )
    return ok(session=found)


@routes.patch("/api/sessions/{session_id}")
async def update_session(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    body = await read_body(request, SessionPatch)
    session = await sessions_admin.update_session(
        request.app[context.DB],
        actor=who.user,
        session_id=request.match_info["session_id"],
        fields=non_null_changes(body),
    )
    return ok(session=session)


@routes.get("/api/me/sessions")
async def my_sessions(request: web.Request) -> web.Response:
    who = await staff(request)
    return ok(sessions=await sessions_admin.my_sessions(request.app[context.DB], who.user))


# --- audit -------------------------------------------------------------------------------


@routes.get("/api/audit")
async def list_audit(request: web.Request) -> web.Response:
    await staff(request, admin=True)
    try:
        limit = min(max(int(request.query.get("limit", "200")), 1), 1000)
    except ValueError:
        limit = 200
    return ok(entries=await audit.list_entries(request.app[context.DB], limit=limit))
