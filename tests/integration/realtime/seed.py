"""Test data written straight through the models: staff with sign-in tokens for cookies, two
groups each with a session, and members with their rejoin tokens."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiohttp import web

from server import context
from server.services.tokens import hash_token, new_token
from server.storage.models import (
    AuthSession,
    Group,
    GroupFacilitator,
    Member,
    Session,
    User,
)


@dataclass
class Person:
    id: str
    name: str
    token: str  # the hs_session cookie for staff, the member_token for peers

    @property
    def cookie(self) -> dict[str, str]:
        return {"Cookie": f"hs_session={self.token}"}


@dataclass
class World:
    session_id: str
    other_session_id: str
    lead: Person
    co: Person
    standby: Person
    admin: Person  # an admin not assigned to the group
    other_lead: Person  # lead of the other group's session
    peers: list[Person] = field(default_factory=list)
    outsider: Person | None = None  # a member of the other group


async def _user(db, name: str, *, is_admin: bool = False, expired: bool = False) -> Person:  # type: ignore[no-untyped-def]
    user = User(
        email=f"{name.lower()}@example.org",
        password_hash="x",
        display_name=name,
        is_admin=is_admin,
    )
    db.add(user)
    await db.flush()
    token = new_token()
    now = datetime.now(UTC)
    db.add(
        AuthSession(
            token_hash=hash_token(token),
            user_id=user.id,
            csrf_token="c",
            expires_at=now - timedelta(hours=1) if expired else now + timedelta(hours=1),
        )
    )
    return Person(user.id, name, token)


async def _member(db, group_id: str, pseudonym: str) -> Person:  # type: ignore[no-untyped-def]
    token = new_token()
    member = Member(group_id=group_id, pseudonym=pseudonym, token_hash=hash_token(token))
    db.add(member)
    await db.flush()
    return Person(member.id, pseudonym, token)


async def seed(app: web.Application, *, capacity: int = 10, peers: int = 3) -> World:
    now = datetime.now(UTC)
    async with app[context.DB]() as db, db.begin():
        lead = await _user(db, "Lena")
        co = await _user(db, "Cory")
        standby = await _user(db, "Sam")
        admin = await _user(db, "Ada", is_admin=True)
        other_lead = await _user(db, "Olga")
        group = Group(name="Tuesday evening", capacity=capacity, ground_rules=["Be kind."])
        other = Group(name="Other group", capacity=10, ground_rules=["Other rule."])
        db.add_all([group, other])
        await db.flush()
        db.add_all(
            [GroupFacilitator(group_id=group.id, user_id=u.id) for u in (lead, co, standby)]
            + [GroupFacilitator(group_id=other.id, user_id=other_lead.id)]
        )
        session = Session(
            group_id=group.id,
            scheduled_start=now,
            scheduled_end=now + timedelta(hours=1),
            lead_id=lead.id,
            co_id=co.id,
        )
        other_session = Session(
            group_id=other.id,
            scheduled_start=now,
            scheduled_end=now + timedelta(hours=1),
            lead_id=other_lead.id,
        )
        db.add_all([session, other_session])
        await db.flush()
        world = World(session.id, other_session.id, lead, co, standby, admin, other_lead)
        for i in range(peers):
            world.peers.append(await _member(db, group.id, f"Peer{i}"))
        world.outsider = await _member(db, other.id, "Outsider")
    return world


async def expired_staff(app: web.Application, world: World) -> Person:
    """The lead signed in again, but with an AuthSession that has expired."""
    async with app[context.DB]() as db, db.begin():
        token = new_token()
        db.add(
            AuthSession(
                token_hash=hash_token(token),
                user_id=world.lead.id,
                csrf_token="c",
                expires_at=datetime.now(UTC) - timedelta(minutes=1),
            )
        )
    return Person(world.lead.id, world.lead.name, token)
