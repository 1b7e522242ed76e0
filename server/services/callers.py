"""Who is on the other end of a connection, and in which role for this one session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator.errors import DomainError
from facilitator.roles import Role, is_facilitator
from server.services.tokens import hash_token
from server.storage.models import AuthSession, GroupFacilitator, Member, Session, User


@dataclass(frozen=True)
class Caller:
    """One authenticated connection: a peer (member) or a staff user, bound to one session."""

    session_id: str
    person_id: str
    name: str
    role: Role
    sid: str

    @property
    def is_facilitator(self) -> bool:
        return is_facilitator(self.role)

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id, "person_id": self.person_id, "name": self.name,
            "role": self.role.value, "sid": self.sid,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Caller:
        return cls(raw["session_id"], raw["person_id"], raw["name"], Role(raw["role"]), raw["sid"])


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _user_for_session_token(db: AsyncSession, token: str) -> User | None:
    """Private stand-in for server.services.accounts.user_for_session_token (HTTP branch):
    the signed-in, not disabled user whose unexpired AuthSession has this token's hash."""
    row = await db.get(AuthSession, hash_token(token))
    if row is None or aware(row.expires_at) <= datetime.now(UTC):
        return None
    user = await db.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    return user


_NOT_AUTHORISED = "not_authorised"


async def identify(
    db: AsyncSession,
    *,
    session_id: str,
    sid: str,
    member_token: str | None,
    staff_token: str | None,
) -> Caller:
    """A peer by member_token (a member of this session's group), else staff by the sign-in
    cookie: lead, co, or standby when assigned to the group; anyone else is refused."""
    session = await db.get(Session, session_id)
    if session is None:
        raise DomainError(_NOT_AUTHORISED, "This session does not exist.")
    if member_token:
        member = await db.scalar(
            select(Member).where(Member.token_hash == hash_token(member_token))
        )
        if member is None or member.erased_at is not None or member.group_id != session.group_id:
            raise DomainError(_NOT_AUTHORISED, "This link is not valid for this session.")
        return Caller(session.id, member.id, member.pseudonym, Role.PEER, sid)
    if staff_token:
        user = await _user_for_session_token(db, staff_token)
        if user is not None:
            role = await _staff_role(db, session, user.id)
            if role is not None:
                return Caller(session.id, user.id, user.display_name, role, sid)
            raise DomainError(_NOT_AUTHORISED, "You are not a facilitator of this session.")
    raise DomainError(_NOT_AUTHORISED, "Please sign in, or open your invite link again.")


async def _staff_role(db: AsyncSession, session: Session, user_id: str) -> Role | None:
    if session.lead_id == user_id:
        return Role.LEAD
    if session.co_id == user_id:
        return Role.CO
    assigned = await db.get(GroupFacilitator, (session.group_id, user_id))
    return Role.STANDBY if assigned is not None else None
