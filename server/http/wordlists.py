"""Trigger word lists over HTTP: read, save, history, diff, revert, YAML import/export, the
"try a message" box, and a session's hit counts. Writes need an admin; a group's facilitators
may read its overrides, use the try box for it, and read its sessions' trigger stats."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import Field
from sqlalchemy import select

from facilitator.trigger_policy import spans_of
from rules.lexicon import (
    CATEGORIES,
    LexiconError,
    dump_yaml,
    lexicon_from_dict,
    lexicon_to_dict,
    load_yaml,
)
from rules.matcher import mask
from server import context
from server.errors import ApiError
from server.http.bodies import Body
from server.http.guards import Staff, staff
from server.http.middleware import read_body
from server.services import groups, sessions_admin, triggers
from server.services.trigger_lists import (
    GLOBAL,
    TriggerLists,
    invalid_lists,
)
from server.storage.models import User

routes = web.RouteTableDef()
MAX_YAML_BYTES = 512 * 1024


class ListsSave(Body):
    lists: dict[str, Any]
    summary: str = Field(default="", max_length=300)
    base_version: int | None = Field(default=None, ge=0, strict=True)


class OverridesSave(Body):
    overrides: dict[str, Any]
    summary: str = Field(default="", max_length=300)
    base_version: int | None = Field(default=None, ge=0, strict=True)


class Revert(Body):
    scope: str = Field(min_length=1, max_length=64)
    number: int = Field(ge=0, strict=True)


class Draft(Body):
    lists: dict[str, Any] | None = None
    overrides: dict[str, Any] | None = None


class TryMessage(Body):
    text: str = Field(max_length=2000)
    group_id: str | None = Field(default=None, min_length=1, max_length=64)
    draft: Draft | None = None


def ok(**fields: object) -> web.Response:
    return web.json_response({"ok": True, **fields})


def _lists(request: web.Request) -> TriggerLists:
    return request.app[context.TRIGGERS]


async def _check_group(request: web.Request, who: Staff, group_id: str) -> None:
    """404 unless the caller is an admin or one of the group's facilitators."""
    async with request.app[context.DB]() as session:
        await groups.visible_group(session, who.user, group_id)


async def _check_scope(request: web.Request, who: Staff, scope: str) -> None:
    if scope != GLOBAL:
        await _check_group(request, who, scope)


async def _check_base(lists: TriggerLists, scope: str, base_version: int | None) -> None:
    if base_version is None:
        return
    current = await lists.current(scope)
    if (current.number if current else 0) != base_version:
        raise ApiError(
            "conflict",
            "These lists changed since you opened them. Reload, then make your change again.",
            409,
        )


def _version_number(version: Any) -> int:
    return version.number if version else 0


# --- global lists --------------------------------------------------------------------------


@routes.get("/api/wordlists")
async def get_global(request: web.Request) -> web.Response:
    await staff(request, admin=True)
    lists = _lists(request)
    return ok(
        scope=GLOBAL,
        version=_version_number(await lists.current(GLOBAL)),
        lists=await lists.global_data(),
    )


@routes.put("/api/wordlists")
async def put_global(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    body = await read_body(request, ListsSave)
    lists = _lists(request)
    await _check_base(lists, GLOBAL, body.base_version)
    saved = await lists.save(GLOBAL, body.lists, who.user.id, body.summary)
    return ok(scope=GLOBAL, version=saved.number, lists=saved.data)


# --- a group's overrides -------------------------------------------------------------------


@routes.get("/api/groups/{group_id}/wordlists")
async def get_group_lists(request: web.Request) -> web.Response:
    who = await staff(request)
    group_id = request.match_info["group_id"]
    await _check_group(request, who, group_id)
    lists = _lists(request)
    _, policy = await lists.group_policy(group_id)
    return ok(
        scope=group_id,
        version=_version_number(await lists.current(group_id)),
        overrides=await lists.group_overrides(group_id),
        trigger_policy=policy.value,
    )


@routes.put("/api/groups/{group_id}/wordlists")
async def put_group_lists(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    group_id = request.match_info["group_id"]
    await _check_group(request, who, group_id)
    body = await read_body(request, OverridesSave)
    lists = _lists(request)
    await _check_base(lists, group_id, body.base_version)
    saved = await lists.save(group_id, body.overrides, who.user.id, body.summary)
    return ok(scope=group_id, version=saved.number, overrides=saved.data)


# --- history, diff, revert -----------------------------------------------------------------


def _scope(request: web.Request) -> str:
    scope = request.query.get("scope", GLOBAL).strip() or GLOBAL
    if len(scope) > 64:
        raise ApiError("bad_request", "Unknown scope.")
    return scope


@routes.get("/api/wordlists/history")
async def history(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    scope = _scope(request)
    await _check_scope(request, who, scope)
    versions = await _lists(request).history(scope)
    ids = {v["created_by"] for v in versions if v["created_by"]}
    names: dict[str, str] = {}
    if ids:
        async with request.app[context.DB]() as session:
            rows = await session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
            names = {uid: name for uid, name in rows.all()}
    for v in versions:
        v["created_by_name"] = names.get(v["created_by"] or "")
    return ok(scope=scope, versions=versions)


def _int_query(request: web.Request, name: str) -> int:
    try:
        value = int(request.query[name])
    except (KeyError, ValueError):
        raise ApiError("bad_request", f"'{name}' must be a version number.") from None
    if value < 0:
        raise ApiError("bad_request", f"'{name}' must be a version number.")
    return value


@routes.get("/api/wordlists/diff")
async def diff(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    scope = _scope(request)
    await _check_scope(request, who, scope)
    old, new = _int_query(request, "from"), _int_query(request, "to")
    changes = await _lists(request).diff(scope, old, new)
    return ok(scope=scope, **{"from": old, "to": new}, changes=changes)


@routes.post("/api/wordlists/revert")
async def revert(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    body = await read_body(request, Revert)
    await _check_scope(request, who, body.scope)
    saved = await _lists(request).revert(body.scope, body.number, who.user.id)
    return ok(scope=body.scope, version=saved.number)


# --- YAML ----------------------------------------------------------------------------------


def _category(request: web.Request) -> str:
    category = request.match_info["category"]
    if category not in CATEGORIES:
        raise ApiError("not_found", f"There is no list called {category!r}.", 404)
    return category


@routes.get("/api/wordlists/{category}.yaml")
async def export_yaml(request: web.Request) -> web.Response:
    await staff(request, admin=True)
    category = _category(request)
    lexicon = lexicon_from_dict(await _lists(request).global_data())
    return web.Response(
        text=dump_yaml(lexicon, category),
        content_type="text/yaml",
        headers={"Content-Disposition": f'attachment; filename="{category}.yaml"'},
    )


@routes.put("/api/wordlists/{category}.yaml")
async def import_yaml(request: web.Request) -> web.Response:
    who = await staff(request, admin=True)
    category = _category(request)
    raw = await request.read()
    if len(raw) > MAX_YAML_BYTES:
        raise ApiError("too_large", "That file is too large for a word list.", 413)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError("bad_request", "The file must be UTF-8 text.") from None
    lists = _lists(request)
    try:
        lexicon = load_yaml(text, category, base=lexicon_from_dict(await lists.global_data()))
    except LexiconError as exc:
        raise invalid_lists(exc) from exc
    saved = await lists.save(
        GLOBAL,
        lexicon_to_dict(lexicon),
        who.user.id,
        f"Imported {category}.yaml",
        action="trigger_lists.import",
    )
    return ok(scope=GLOBAL, version=saved.number)


# --- try a message -------------------------------------------------------------------------


@routes.post("/api/wordlists/try")
async def try_message(request: web.Request) -> web.Response:
    """Which spans a message would flag, and by which term or rule: against the saved lists,
    or against unsaved edits (`draft`) so the admin page can test before saving."""
    who = await staff(request)
    body = await read_body(request, TryMessage)
    if body.group_id is None and not who.user.is_admin:
        raise ApiError("forbidden", "Choose one of your groups to try a message against.", 403)
    if body.group_id is not None:
        await _check_group(request, who, body.group_id)
    draft = body.draft or Draft()
    matcher = await _lists(request).matcher_for_try(body.group_id, draft.lists, draft.overrides)
    hits = matcher.scan(body.text)
    return ok(
        hits=[s.to_dict() for s in spans_of(body.text, hits)],
        masked=mask(body.text, hits),
    )


# --- a session's hit counts ----------------------------------------------------------------


@routes.get("/api/sessions/{session_id}/trigger-stats")
async def trigger_stats(request: web.Request) -> web.Response:
    who = await staff(request)
    session_id = request.match_info["session_id"]
    await sessions_admin.get_session(request.app[context.DB], who.user, session_id)
    found = await triggers.stats(request.app[context.LIVE], session_id)
    return ok(session_id=session_id, **found)
