"""A database with the schema and a small world: two groups, their facilitators, members.

The schema is made by the real Alembic migrations.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from server.services.tokens import hash_token
from server.settings import Settings
from server.storage.db import create_engine, make_sessionmaker, migrate
from server.storage.models import Group, GroupFacilitator, Member, Session, User

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@dataclass
class World:
    group_a: str
    group_b: str
    session_a: str
    session_a2: str
    session_b: str
    fac_a: str
    fac_b: str
    admin: str
    not_facilitator: str
    disabled_fac_a: str
    sam: str
    alex: str
    bo: str
    sam_token: str


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await migrate(database_url)
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with make_sessionmaker(engine)() as session:
        yield session


@pytest.fixture
def contact_key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def settings(contact_key: str) -> Settings:
    return Settings(secret_key="test-secret", contact_keys=(contact_key,))


def _user(email: str, **flags: bool) -> User:
    return User(email=email, password_hash="x", display_name=email.split("@")[0], **flags)


@pytest.fixture
async def world(db: AsyncSession) -> World:
    group_a = Group(
        name="Tuesday evening",
        ground_rules=["What is said here stays here", {"text": "No naming venues or brands"}],
        settings={
            "contact_policy": "optional",
            "breach_policy": {"mute_after": 2, "remove_after": 3},
            "retention_days": 30,
        },
    )
    group_b = Group(name="Thursday", ground_rules=["Be kind"], settings={})
    users = {
        "fac_a": _user("fa@example.org"),
        "fac_b": _user("fb@example.org"),
        "admin": _user("admin@example.org", is_admin=True, is_facilitator=False),
        "not_facilitator": _user("nf@example.org", is_facilitator=False),
        "disabled_fac_a": _user("dis@example.org", disabled=True),
    }
    db.add_all([group_a, group_b, *users.values()])
    await db.flush()
    db.add_all(
        [
            GroupFacilitator(group_id=group_a.id, user_id=users["fac_a"].id),
            GroupFacilitator(group_id=group_b.id, user_id=users["fac_b"].id),
            # assigned, but the account is not a facilitator / is disabled: still refused
            GroupFacilitator(group_id=group_a.id, user_id=users["not_facilitator"].id),
            GroupFacilitator(group_id=group_a.id, user_id=users["disabled_fac_a"].id),
        ]
    )
    sam = Member(group_id=group_a.id, pseudonym="Sam", token_hash=hash_token("sam-token"))
    alex = Member(group_id=group_a.id, pseudonym="Alex", token_hash=hash_token("alex-token"))
    bo = Member(group_id=group_b.id, pseudonym="Bo", token_hash=hash_token("bo-token"))
    slot = {"scheduled_start": NOW, "scheduled_end": NOW + timedelta(hours=1)}
    session_a = Session(group_id=group_a.id, **slot)
    session_a2 = Session(group_id=group_a.id, **slot)
    session_b = Session(group_id=group_b.id, **slot)
    db.add_all([sam, alex, bo, session_a, session_a2, session_b])
    await db.commit()
    return World(
        group_a=group_a.id,
        group_b=group_b.id,
        session_a=session_a.id,
        session_a2=session_a2.id,
        session_b=session_b.id,
        fac_a=users["fac_a"].id,
        fac_b=users["fac_b"].id,
        admin=users["admin"].id,
        not_facilitator=users["not_facilitator"].id,
        disabled_fac_a=users["disabled_fac_a"].id,
        sam=sam.id,
        alex=alex.id,
        bo=bo.id,
        sam_token="sam-token",
    )
