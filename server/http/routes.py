"""HTTP routes (auth, admin, groups, sessions, invites, the static client)."""

from __future__ import annotations

from aiohttp import web


def setup_http(app: web.Application) -> None:
    """Register every HTTP route on `app`."""
