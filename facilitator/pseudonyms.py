"""Pseudonyms: the only thing a peer tells us about themselves, so keep it a name and nothing
more. No contact details, no links, nothing that can hide text from the people reading it."""

from __future__ import annotations

import re
import unicodedata

from facilitator.errors import DomainError

MAX_PSEUDONYM_LENGTH = 40

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_URL = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.|\b[a-z0-9-]+\.(?:com|net|org|uk|io|co|info|me|app|bet|"
    r"casino|xyz|ly|gg|tv|biz|online|site|link)\b)",
    re.IGNORECASE,
)


def validate_pseudonym(raw: str) -> str:
    """Return the trimmed pseudonym: 1-40 characters, no control or invisible formatting
    characters, no URL or email address."""
    name = unicodedata.normalize("NFC", raw).strip()
    if not name:
        raise DomainError("pseudonym_empty", "Please choose a name to be known by in the group.")
    if len(name) > MAX_PSEUDONYM_LENGTH:
        raise DomainError(
            "pseudonym_too_long", f"Please keep your name to {MAX_PSEUDONYM_LENGTH} characters."
        )
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") for ch in name):
        raise DomainError("pseudonym_invalid", "Please use ordinary letters, numbers and spaces.")
    if _EMAIL.search(name) or _URL.search(name):
        raise DomainError(
            "pseudonym_contact",
            "Please choose a name without a web address or email: the group is anonymous.",
        )
    return name
