"""Datetimes at the storage boundary: SQLite hands back naive values, PostgreSQL aware ones."""

from __future__ import annotations

from datetime import UTC, datetime

from server.clock import Clock


def aware(value: datetime) -> datetime:
    """Stored times are UTC; give them back their offset whichever database returned them."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    return None if value is None else aware(value).isoformat()


def now_from(clock: Clock | None) -> datetime:
    if clock is None:
        return datetime.now(UTC)
    return datetime.fromtimestamp(clock.now_ms() / 1000, UTC)
