"""First start: create the first admin, a demo group with two facilitators, a session and an
invite, and print how to get in. Later starts print only the address."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from server import context
from server.services import accounts, groups, invites, sessions_admin
from server.services.timeutil import now_from

log = logging.getLogger("holdspace.bootstrap")

ADMIN_EMAIL = "admin@localhost"
LEAD_EMAIL = "lead@localhost"
CO_EMAIL = "co@localhost"
DEMO_GROUP = "Demo peer support group"


@dataclass(frozen=True)
class FirstRun:
    url: str
    admin_email: str
    admin_password: str
    lead_email: str
    lead_password: str
    co_email: str
    co_password: str
    group_id: str
    session_id: str
    invite_url: str


async def ensure_first_run(app: web.Application) -> FirstRun | None:
    """Seed an empty database and print the logins; on a seeded one print only the URL.
    Idempotent: it does nothing but print when any user exists."""
    settings = app[context.SETTINGS]
    db = app[context.DB]
    if await accounts.count_users(db) > 0:
        _print_again(settings.base_url)
        return None
    try:
        first = await _seed(app)
    except IntegrityError:
        # another process seeded the same database at the same moment
        _print_again(settings.base_url)
        return None
    _print_first(first)
    return first


async def _seed(app: web.Application) -> FirstRun:
    settings = app[context.SETTINGS]
    db = app[context.DB]
    admin_password = accounts.new_one_time_password()
    lead_password = accounts.new_one_time_password()
    co_password = accounts.new_one_time_password()
    async with db() as session, session.begin():
        admin = await accounts.add_user(
            session,
            email=ADMIN_EMAIL,
            display_name="Admin",
            password=admin_password,
            is_admin=True,
            is_facilitator=False,
        )
        lead = await accounts.add_user(
            session,
            email=LEAD_EMAIL,
            display_name="Demo Lead",
            password=lead_password,
        )
        co = await accounts.add_user(
            session,
            email=CO_EMAIL,
            display_name="Demo Co",
            password=co_password,
        )
    group = await groups.create_group(
        db,
        actor_id=admin.id,
        fields={
            "name": DEMO_GROUP,
            "description": "A group to try Holdspace with. Delete or rename it when you are ready.",
            "facilitator_ids": [lead.id, co.id],
        },
    )
    now = now_from(app[context.CLOCK])
    session_row = await sessions_admin.create_session(
        db,
        actor=admin,
        group_id=group["id"],
        fields={
            "theme": "Getting started",
            "scheduled_start": now,
            "scheduled_end": now + timedelta(minutes=90),
            "lead_id": lead.id,
            "co_id": co.id,
        },
    )
    invite = await invites.create_invite(
        db, settings, actor=admin, group_id=group["id"], label="Demo invite", now=now
    )
    return FirstRun(
        url=settings.base_url,
        admin_email=ADMIN_EMAIL,
        admin_password=admin_password,
        lead_email=LEAD_EMAIL,
        lead_password=lead_password,
        co_email=CO_EMAIL,
        co_password=co_password,
        group_id=group["id"],
        session_id=session_row["id"],
        invite_url=invite["url"],
    )


def _print_first(first: FirstRun) -> None:
    print(
        "\n".join(
            (
                "",
                "=" * 72,
                f"Holdspace is running at {first.url}",
                "",
                "First start: these one-time passwords are shown only now.",
                f"  Admin:            {first.admin_email}  password: {first.admin_password}",
                f"  Lead facilitator: {first.lead_email}  password: {first.lead_password}",
                f"  Co-facilitator:   {first.co_email}  password: {first.co_password}",
                "  Each account is asked to choose its own password after signing in.",
                "",
                f"Demo group '{DEMO_GROUP}' has a session starting now.",
                f"  Peer invite link: {first.invite_url}",
                "",
                "Lost a password later? python -m server.tools.admin reset-password EMAIL",
                "=" * 72,
                "",
            )
        ),
        flush=True,
    )


def _print_again(url: str) -> None:
    print(f"Holdspace is running at {url} - sign in as an existing admin.", flush=True)


async def on_startup(app: web.Application) -> None:
    """aiohttp on_startup hook; runs after the database context has migrated and connected."""
    await ensure_first_run(app)
