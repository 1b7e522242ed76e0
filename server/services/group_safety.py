"""The safety part of a group's settings as the admin form edits it: contact_policy,
breach_policy and retention_days, validated by facilitator.safeguarding before they are saved."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from facilitator.errors import DomainError
from facilitator.safeguarding import read_safety_settings
from server.errors import ApiError

SAFETY_FIELDS = ("contact_policy", "breach_policy", "retention_days")


def split_safety_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the group's own columns, the safety settings) of a create or patch body."""
    rest = {k: v for k, v in fields.items() if k not in SAFETY_FIELDS}
    safety = {k: v for k, v in fields.items() if k in SAFETY_FIELDS and v is not None}
    return rest, safety


def merged_settings(current: dict[str, Any] | None, safety: dict[str, Any]) -> dict[str, Any]:
    """The group's settings with `safety` applied; refused (400 invalid_settings) unless
    read_safety_settings accepts the result, so stored settings are always valid."""
    settings = {**(current or {}), **safety}
    try:
        read_safety_settings(settings)
    except DomainError as exc:
        raise ApiError(exc.code, exc.message, 400) from exc
    return settings


def safety_json(settings: dict[str, Any] | None) -> dict[str, Any]:
    """The effective values (defaults filled in) for the group JSON."""
    try:
        parsed = read_safety_settings(settings or {})
    except DomainError:
        parsed = read_safety_settings({})
    return {
        "contact_policy": parsed.contact_policy,
        "breach_policy": asdict(parsed.breach_policy),
        "retention_days": parsed.retention_days,
    }
