"""Every answer leaves in one shape: structured errors, no leaked details, security headers."""

from __future__ import annotations

import json
import logging
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from facilitator.errors import DomainError
from server.errors import ApiError, error_body, validation_error_body

log = logging.getLogger("holdspace.http")
Model = TypeVar("Model", bound=BaseModel)

# statuses of the pure domain's error codes (an ApiError carries its own)
DOMAIN_STATUS: dict[str, int] = {
    "forbidden": 403,
    "bad_state": 409,
    "lobby_closed": 409,
    "session_ended": 409,
    "room_full": 409,
    "co_absent": 409,
    "lead_absent": 409,
}

_HTTP_CODES = {
    404: ("not_found", "There is nothing here."),
    405: ("method_not_allowed", "This address does not accept that method."),
    413: ("too_large", "The request is too large."),
}


def json_error(status: int, code: str, message: str, **details: Any) -> web.Response:
    return web.json_response(error_body(code, message, **details), status=status)


async def read_body(request: web.Request, model: type[Model]) -> Model:
    """Parse a JSON object body into `model`; a missing or non-JSON body is `bad_request`, a
    field that does not fit raises ValidationError (the middleware answers both)."""
    raw = await request.read()
    try:
        data = json.loads(raw) if raw.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError("bad_request", "The request body must be JSON.", 400) from None
    if not isinstance(data, dict):
        raise ApiError("bad_request", "The request body must be a JSON object.", 400)
    return model.model_validate(data)


@web.middleware
async def errors_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return json_error(exc.status, exc.code, exc.message, **exc.details)
    except DomainError as exc:
        return json_error(DOMAIN_STATUS.get(exc.code, 400), exc.code, exc.message)
    except ValidationError as exc:
        return web.json_response(validation_error_body(exc), status=400)
    except web.HTTPException as exc:
        if exc.status in _HTTP_CODES and request.path.startswith("/api/"):
            code, message = _HTTP_CODES[exc.status]
            return json_error(exc.status, code, message)
        raise
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return json_error(500, "internal", "Something went wrong on our side. Please try again.")


def _csp(request: web.Request) -> str:
    host = request.host
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' blob: data:",
            "media-src 'self' blob:",
            "font-src 'self'",
            f"connect-src 'self' ws://{host} wss://{host}",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: applies to every answer, static files and errors included."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", _csp(request))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(self), geolocation=()")
    if request.path.startswith("/api/"):
        headers.setdefault("Cache-Control", "no-store")
