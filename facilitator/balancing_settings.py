"""A group's balancing thresholds as an admin edits them, and the policy they become.

Stored in ``Group.settings["balancing"]`` in whole seconds and plain fractions, because that is
how a person thinks about them ("nudge after six minutes", "alert above 50 %"). Anything left
out takes the default of ``BalancingPolicy``. Out-of-range values are refused with
``bad_balancing_setting`` rather than clamped: a typo must not silently change what a group's
peers are nudged about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from facilitator.balancing import BalancingPolicy
from facilitator.errors import DomainError


@dataclass(frozen=True)
class _Field:
    attr: str  # BalancingPolicy attribute
    kind: str  # "seconds" (stored as ms), "fraction", "factor", "count", "flag"
    low: float
    high: float


FIELDS: dict[str, _Field] = {
    "round_turn_s": _Field("round_turn_ms", "seconds", 30, 3600),
    "long_turn_s": _Field("long_turn_ms", "seconds", 30, 3600),
    "share_nudge_factor": _Field("share_nudge_factor", "factor", 1.0, 10.0),
    "nudge_repeat_s": _Field("nudge_repeat_ms", "seconds", 30, 3600),
    "nudge_facilitators": _Field("nudge_facilitators", "flag", 0, 1),
    "quiet_alert_s": _Field("quiet_alert_ms", "seconds", 60, 4 * 3600),
    "dominance_share": _Field("dominance_share", "fraction", 0.1, 1.0),
    "min_room_talk_s": _Field("min_room_talk_ms", "seconds", 0, 3600),
    "min_peers_for_share": _Field("min_peers_for_share", "count", 2, 50),
}


def _refuse(key: str, message: str) -> DomainError:
    return DomainError("bad_balancing_setting", f"{key}: {message}")


def _value(key: str, spec: _Field, raw: object) -> Any:
    if spec.kind == "flag":
        if type(raw) is not bool:
            raise _refuse(key, "must be true or false")
        return raw
    if type(raw) is bool or not isinstance(raw, int | float):
        raise _refuse(key, "must be a number")
    if spec.kind in ("seconds", "count") and type(raw) is not int:
        raise _refuse(key, "must be a whole number")
    if not spec.low <= raw <= spec.high:
        raise _refuse(key, f"must be between {spec.low:g} and {spec.high:g}")
    if spec.kind == "seconds":
        return int(raw) * 1000
    if spec.kind == "count":
        return int(raw)
    return float(raw)


def validate_balancing_settings(raw: Mapping[str, object]) -> dict[str, Any]:
    """Check an admin's balancing settings; returns them as stored (unknown keys refused)."""
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise _refuse(unknown[0], "is not a balancing setting")
    for key, value in raw.items():
        _value(key, FIELDS[key], value)
    return dict(raw)


def policy_from_settings(raw: Mapping[str, object] | None) -> BalancingPolicy:
    """The policy a group's stored settings mean; defaults for anything left out."""
    values = {
        FIELDS[key].attr: _value(key, FIELDS[key], value)
        for key, value in validate_balancing_settings(raw or {}).items()
    }
    return BalancingPolicy(**values)


def settings_of_policy(policy: BalancingPolicy) -> dict[str, Any]:
    """Every setting with its effective value, in the stored units (for forms and JSON)."""
    out: dict[str, Any] = {}
    for key, spec in FIELDS.items():
        value = getattr(policy, spec.attr)
        out[key] = value // 1000 if spec.kind == "seconds" else value
    return out
