"""Who is on the other end of a connection, and in which role for this one session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from facilitator.errors import DomainError
from facilitator.roles import Role, is_facilitator
from server.services.accounts import find_signed_in
from server.services.members import find_member
from server.storage.models import GroupFacilitator, Session


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
            "session_id": self.session_id,
            "person_id": self.person_id,
            "name": self.name,
            "role": self.role.value,
            "sid": self.sid,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Caller:
        return cls(raw["session_id"], raw["person_id"], raw["name"], Role(raw["role"]), raw["sid"])


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
        member = await find_member(db, member_token)
        if member is None or member.group_id != session.group_id:
            raise DomainError(_NOT_AUTHORISED, "This link is not valid for this session.")
        return Caller(session.id, member.id, member.pseudonym, Role.PEER, sid)
    if staff_token:
        found = await find_signed_in(db, staff_token)
        if found is not None:
            user = found[0]
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
