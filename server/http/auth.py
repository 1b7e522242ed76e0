"""Sign in, sign out, who am I, change my password."""

from __future__ import annotations

from aiohttp import web

from server import context
from server.errors import ApiError
from server.http.bodies import Empty, Login, PasswordChange
from server.http.guards import staff
from server.http.middleware import read_body
from server.services import accounts
from server.services.accounts import AUTH_SESSION_TTL, SESSION_COOKIE
from server.services.login_limits import LoginLimiter
from server.services.timeutil import now_from

LIMITER = web.AppKey("login_limiter", LoginLimiter)
routes = web.RouteTableDef()


def _client_ip(request: web.Request) -> str:
    # behind a reverse proxy, aiohttp's remote is the proxy unless the app is told otherwise
    # (see docs/deployment.md); every client then shares one IP bucket, the per-email one stays
    return request.remote or "unknown"


@routes.post("/api/auth/login")
async def login(request: web.Request) -> web.Response:
    body = await read_body(request, Login)
    limiter = request.app[LIMITER]
    now_ms = request.app[context.CLOCK].now_ms()
    email_key = "email:" + body.email.strip().lower()
    keys = [email_key, "ip:" + _client_ip(request)]
    wait_s = limiter.retry_after_s(keys, now_ms)
    if wait_s:
        raise ApiError(
            "rate_limited",
            f"Too many sign-in attempts. Please wait {wait_s} seconds.",
            429,
            retry_after_s=wait_s,
        )
    try:
        signed = await accounts.sign_in(
            request.app[context.DB],
            body.email,
            body.password,
            now=now_from(request.app[context.CLOCK]),
        )
    except ApiError:
        limiter.record_failure(keys, now_ms)
        raise
    limiter.clear(email_key)
    response = web.json_response(
        {"ok": True, "user": accounts.user_json(signed.user), "csrf_token": signed.csrf_token}
    )
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_token,
        httponly=True,
        samesite="Lax",
        path="/",
        secure=request.app[context.SETTINGS].cookie_secure,
        max_age=int(AUTH_SESSION_TTL.total_seconds()),
    )
    return response


@routes.post("/api/auth/logout")
async def logout(request: web.Request) -> web.Response:
    me = await staff(request, password_change_pending_ok=True)
    await read_body(request, Empty)
    await accounts.sign_out(request.app[context.DB], me.token)
    response = web.json_response({"ok": True})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


@routes.get("/api/auth/me")
async def me(request: web.Request) -> web.Response:
    who = await staff(request, password_change_pending_ok=True)
    return web.json_response(
        {"ok": True, "user": accounts.user_json(who.user), "csrf_token": who.auth.csrf_token}
    )


@routes.post("/api/auth/password")
async def change_password(request: web.Request) -> web.Response:
    who = await staff(request, password_change_pending_ok=True)
    body = await read_body(request, PasswordChange)
    await accounts.change_password(
        request.app[context.DB],
        user_id=who.user.id,
        current_password=body.current_password,
        new_password=body.new_password,
        keep_token=who.token,
    )
    return web.json_response({"ok": True})


def setup_auth(app: web.Application) -> None:
    app[LIMITER] = LoginLimiter(app[context.SETTINGS].login_attempts_per_minute)
    app.router.add_routes(routes)
