"""Safeguarding rules: a group's safety settings, contact details and ground-rule breaches.

Pure: no I/O, no clock. The server loads a group's ``settings`` JSON and the breaches already
recorded, and these functions say what the rules are and what should happen next.

Group settings this module owns (all optional in ``Group.settings``):

* ``contact_policy``: ``"off"`` (default; no contact details collected), ``"optional"`` (a peer
  may leave safeguarding contact details) or ``"required"`` (a peer must, before the lobby).
* ``breach_policy``: ``{"mute_after": int | None, "remove_after": int | None}``. Counted per
  member per session; ``None`` means that step never happens automatically. Default: neither,
  so every breach is a reminder.
* ``retention_days``: how long incidents are kept (default 180, from 1 to 3650).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from facilitator.errors import DomainError

ContactPolicy = Literal["off", "optional", "required"]
BreachAction = Literal["remind", "mute", "remove"]
IncidentKind = Literal[
    "distress", "breakout", "removal", "held_message", "breach", "left_after_distress"
]

CONTACT_POLICIES: Final[tuple[ContactPolicy, ...]] = ("off", "optional", "required")
INCIDENT_KINDS: Final[tuple[IncidentKind, ...]] = (
    "distress",
    "breakout",
    "removal",
    "held_message",
    "breach",
    "left_after_distress",
)
DEFAULT_RETENTION_DAYS: Final = 180
MAX_RETENTION_DAYS: Final = 3650
MAX_REGION_CHARS: Final = 80
ERASED_PSEUDONYM: Final = "Erased member"


@dataclass(frozen=True)
class BreachPolicy:
    mute_after: int | None = None
    remove_after: int | None = None


@dataclass(frozen=True)
class SafetySettings:
    contact_policy: ContactPolicy = "off"
    breach_policy: BreachPolicy = BreachPolicy()
    retention_days: int = DEFAULT_RETENTION_DAYS


@dataclass(frozen=True)
class BreachDecision:
    """What to do about a member's latest breach; ``breach_count`` includes that breach."""

    action: BreachAction
    breach_count: int


@dataclass(frozen=True)
class ContactDetails:
    phone: str | None
    email: str | None
    region: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"phone": self.phone, "email": self.email, "region": self.region}


def _positive_int_or_none(value: object, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DomainError("invalid_settings", f"{name} must be a whole number of at least 1")
    return value


def read_breach_policy(raw: object) -> BreachPolicy:
    """Validate a ``breach_policy`` value. Removing must come strictly after muting when both
    are set, otherwise the mute step could never happen."""
    if raw is None:
        return BreachPolicy()
    if not isinstance(raw, Mapping):
        raise DomainError("invalid_settings", "breach_policy must be an object")
    unknown = set(raw) - {"mute_after", "remove_after"}
    if unknown:
        raise DomainError("invalid_settings", f"unknown breach_policy keys: {sorted(unknown)}")
    mute_after = _positive_int_or_none(raw.get("mute_after"), "mute_after")
    remove_after = _positive_int_or_none(raw.get("remove_after"), "remove_after")
    if mute_after is not None and remove_after is not None and remove_after <= mute_after:
        raise DomainError("invalid_settings", "remove_after must be greater than mute_after")
    return BreachPolicy(mute_after=mute_after, remove_after=remove_after)


def read_safety_settings(settings: Mapping[str, Any]) -> SafetySettings:
    """Read and validate the safety part of a group's settings; missing keys take defaults.
    Admin routes call this before saving, so stored settings are always valid."""
    policy = settings.get("contact_policy", "off")
    if policy not in CONTACT_POLICIES:
        raise DomainError("invalid_settings", "contact_policy must be off, optional or required")
    days = settings.get("retention_days", DEFAULT_RETENTION_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_RETENTION_DAYS:
        raise DomainError(
            "invalid_settings",
            f"retention_days must be a whole number from 1 to {MAX_RETENTION_DAYS}",
        )
    return SafetySettings(
        contact_policy=policy,
        breach_policy=read_breach_policy(settings.get("breach_policy")),
        retention_days=days,
    )


def decide_breach(breach_count: int, policy: BreachPolicy) -> BreachDecision:
    """The member's ``breach_count``-th breach in this session (1 for the first) leads to removal
    once it reaches ``remove_after``, else to muting once it reaches ``mute_after``, else to a
    reminder. Removal wins when both thresholds are reached."""
    if breach_count < 1:
        raise DomainError("invalid_breach_count", "a breach count starts at 1")
    action: BreachAction = "remind"
    if policy.remove_after is not None and breach_count >= policy.remove_after:
        action = "remove"
    elif policy.mute_after is not None and breach_count >= policy.mute_after:
        action = "mute"
    return BreachDecision(action=action, breach_count=breach_count)


_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_PHONE = re.compile(r"\+?[0-9]{7,15}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def validate_contact(phone: str | None, email: str | None, region: str | None) -> ContactDetails:
    """Safeguarding contact details: at least one of phone and email. A phone number is 7 to 15
    digits with an optional leading ``+`` (spaces, dashes, dots and brackets are dropped); an
    email is one ``@`` with a dotted domain, at most 254 characters; region is free text of at
    most 80 characters. Control characters are refused everywhere."""
    phone, email, region = _blank_to_none(phone), _blank_to_none(email), _blank_to_none(region)
    for value in (phone, email, region):
        if value is not None and _CONTROL.search(value):
            raise DomainError("invalid_contact", "contact details contain control characters")
    if phone is None and email is None:
        raise DomainError("invalid_contact", "give a phone number or an email address")
    if phone is not None:
        phone = _PHONE_SEPARATORS.sub("", phone)
        if not _PHONE.fullmatch(phone):
            raise DomainError("invalid_contact", "that does not look like a phone number")
    if email is not None and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        raise DomainError("invalid_contact", "that does not look like an email address")
    if region is not None and len(region) > MAX_REGION_CHARS:
        raise DomainError("invalid_contact", f"region is at most {MAX_REGION_CHARS} characters")
    return ContactDetails(phone=phone, email=email, region=region)


def scrub_pseudonym(text: str, pseudonym: str) -> str:
    """Replace whole-word occurrences of an erased member's pseudonym in free text, so "Sam"
    is scrubbed from "Sam left" but "Sample" is left alone."""
    if not pseudonym:
        return text
    pattern = re.compile(r"(?<!\w)" + re.escape(pseudonym) + r"(?!\w)")
    return pattern.sub(ERASED_PSEUDONYM, text)


def erase_from_summary(data: Any, member_id: str) -> Any:
    """A stored session summary with an erased member's name replaced wherever a record names
    that member (`member_id` or `member` field); their figures stay, so the summary's counts and
    totals are unchanged."""
    if isinstance(data, list):
        return [erase_from_summary(item, member_id) for item in data]
    if not isinstance(data, dict):
        return data
    out = {key: erase_from_summary(value, member_id) for key, value in data.items()}
    if member_id in (out.get("member_id"), out.get("member")) and "name" in out:
        out["name"] = ERASED_PSEUDONYM
    return out
