"""The browser client's pages and static files, plus a health check."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from server.app import CLIENT_DIR

routes = web.RouteTableDef()

_PLACEHOLDER = "Holdspace is running, but its browser client ({name}) is not installed."


def _page(name: str) -> web.StreamResponse:
    path = CLIENT_DIR / name
    if path.is_file():
        return web.FileResponse(path, headers={"Cache-Control": "no-cache"})
    return web.Response(text=_PLACEHOLDER.format(name=name), content_type="text/plain")


@routes.get("/")
async def index(_request: web.Request) -> web.StreamResponse:
    return _page("index.html")


@routes.get("/join/{token}")
async def join_page(_request: web.Request) -> web.StreamResponse:
    # the token is read by the page itself; the server serves the same page for every token
    return _page("join.html")


@routes.get("/static/{path:.+}")
async def static(request: web.Request) -> web.StreamResponse:
    root = CLIENT_DIR.resolve()
    try:
        path = (root / request.match_info["path"]).resolve()
    except (OSError, ValueError):
        raise web.HTTPNotFound() from None
    if not _inside(path, root) or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Cache-Control": "no-cache"})


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


@routes.get("/healthz")
async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})
