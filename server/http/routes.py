"""HTTP routes (auth, admin, groups, sessions, invites, the static client)."""

from __future__ import annotations

from aiohttp import web

from server.http import admin, pages, peers, safety, talk_time, wordlists
from server.http.auth import setup_auth
from server.http.middleware import add_security_headers, errors_middleware


async def _unknown_api(request: web.Request) -> web.Response:
    """The catch-all under /api/: 405 when the path exists with other methods, else 404."""
    for resource in request.app.router.resources():
        if resource is request.match_info.route.resource:
            continue
        match, allowed = await resource.resolve(request)
        if match is None and allowed:
            raise web.HTTPMethodNotAllowed(request.method, allowed)
    raise web.HTTPNotFound()


def setup_http(app: web.Application) -> None:
    """Register every HTTP route on `app`."""
    app.middlewares.append(errors_middleware)
    app.on_response_prepare.append(add_security_headers)
    setup_auth(app)
    app.router.add_routes(admin.routes)
    app.router.add_routes(wordlists.routes)
    app.router.add_routes(peers.routes)
    app.router.add_routes(safety.routes)
    app.router.add_routes(talk_time.routes)
    app.router.add_routes(pages.routes)
    # any other /api/ address answers a structured 404 (the middleware shapes it)
    app.router.add_route("*", "/api/{tail:.*}", _unknown_api)
