"""Who is asking: the signed-in staff user behind the cookie, with CSRF and admin checks."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from aiohttp import web

from server import context
from server.errors import ApiError
from server.services.accounts import SESSION_COOKIE, auth_session_for_token
from server.services.timeutil import now_from
from server.storage.models import AuthSession, User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Staff:
    user: User
    auth: AuthSession
    token: str


async def staff(
    request: web.Request, *, admin: bool = False, password_change_pending_ok: bool = False
) -> Staff:
    """401 `not_signed_in` without a valid cookie; 403 `csrf_failed` when a state-changing
    request lacks the session's CSRF token; 403 `password_change_required` while the user still
    has a one-time password (only the auth routes work then); 403 `forbidden` when an admin is
    needed."""
    token = request.cookies.get(SESSION_COOKIE, "")
    found = await auth_session_for_token(
        request.app[context.DB], token, now=now_from(request.app[context.CLOCK])
    )
    if found is None:
        raise ApiError("not_signed_in", "Please sign in.", 401)
    user, auth = found
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("X-CSRF-Token", "")
        if not sent or not hmac.compare_digest(sent, auth.csrf_token):
            raise ApiError(
                "csrf_failed",
                "This request could not be verified. Reload the page and try again.",
                403,
            )
    if user.must_change_password and not password_change_pending_ok:
        raise ApiError(
            "password_change_required", "Please choose your own password before going on.", 403
        )
    if admin and not user.is_admin:
        raise ApiError("forbidden", "Only an admin can do this.", 403)
    return Staff(user=user, auth=auth, token=token)
