"""Structured errors: every HTTP route and socket event answers a bad request with
`{"ok": false, "error": {"code": ..., "message": ...}}`."""

from __future__ import annotations

from typing import Any

from facilitator.errors import DomainError


class ApiError(DomainError):
    """A DomainError that also knows its HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400, **details: Any) -> None:
        super().__init__(code, message)
        self.status = status
        self.details = details


def error_body(code: str, message: str, **details: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"ok": False, "error": error}


def validation_error_body(exc: Any) -> dict[str, Any]:
    """The body for a pydantic ValidationError: `bad_request` with the offending fields listed as
    `details.fields = [{"field": "dotted.path", "message": str}]`."""
    fields = [
        {
            "field": ".".join(str(part) for part in err.get("loc", ())) or "(body)",
            "message": str(err.get("msg", "invalid")),
        }
        for err in exc.errors(include_url=False, include_input=False)
    ]
    return error_body(
        "bad_request",
        "Some fields are missing or not valid. Please check and try again.",
        fields=fields,
    )
