"""Staff accounts: passwords (argon2), signed-in browsers (auth sessions), profiles.

The browser holds a random token in the `hs_session` cookie; `auth_sessions` keeps only its hash
and the CSRF token that state-changing requests must echo back.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.errors import ApiError
from server.services import audit
from server.services.timeutil import aware, now_from
from server.services.tokens import hash_token, new_token
from server.storage.models import AuthSession, User

SESSION_COOKIE = "hs_session"
AUTH_SESSION_TTL = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")

_hasher = PasswordHasher()
# verified against when the email is unknown, so a miss costs as much time as a wrong password
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class SignedIn:
    user: User
    session_token: str
    csrf_token: str


def normalise_email(email: str) -> str:
    cleaned = email.strip().lower()
    if not _EMAIL.match(cleaned) or len(cleaned) > 254:
        raise ApiError("bad_email", "That does not look like an email address.", 400)
    return cleaned


def new_one_time_password() -> str:
    return secrets.token_urlsafe(12)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def _verify(password_hash: str, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "pronouns": user.pronouns,
        "gender": user.gender,
        "is_admin": user.is_admin,
        "is_facilitator": user.is_facilitator,
        "must_change_password": user.must_change_password,
        "disabled": user.disabled,
    }


async def count_users(db: async_sessionmaker[Any]) -> int:
    async with db() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def add_user(
    session: AsyncSession,
    *,
    email: str,
    display_name: str,
    password: str,
    pronouns: str | None = None,
    gender: str | None = None,
    is_admin: bool = False,
    is_facilitator: bool = True,
    must_change_password: bool = True,
) -> User:
    """Add a user inside the caller's transaction; `email_taken` if the email is in use."""
    email = normalise_email(email)
    taken = await session.scalar(select(User.id).where(User.email == email))
    if taken:
        raise ApiError("email_taken", "Someone already has an account with that email.", 409)
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=await hash_password(password),
        pronouns=(pronouns or "").strip() or None,
        gender=(gender or "").strip() or None,
        is_admin=is_admin,
        is_facilitator=is_facilitator,
        must_change_password=must_change_password,
        disabled=False,
    )
    session.add(user)
    await session.flush()
    return user


async def create_user(
    db: async_sessionmaker[Any], *, actor_id: str | None, **fields: Any
) -> tuple[User, str]:
    """Create a staff account with a one-time password (returned once, never stored)."""
    password = new_one_time_password()
    async with db() as session, session.begin():
        user = await add_user(session, password=password, must_change_password=True, **fields)
        audit.record(
            session,
            actor_id=actor_id,
            action="user.created",
            target_type="user",
            target_id=user.id,
            details={"email": user.email, "is_admin": user.is_admin},
        )
    return user, password


async def update_user(
    db: async_sessionmaker[Any], *, actor_id: str, user_id: str, changes: dict[str, Any]
) -> User:
    """Change a profile or capabilities. An admin cannot remove their own admin rights or disable
    themselves, so the last admin cannot lock everyone out by accident."""
    async with db() as session, session.begin():
        user = await session.get(User, user_id)
        if user is None:
            raise ApiError("not_found", "There is no such user.", 404)
        if user_id == actor_id and (changes.get("is_admin") is False or changes.get("disabled")):
            raise ApiError(
                "cannot_demote_self",
                "You cannot remove your own admin rights or disable yourself.",
                409,
            )
        for key, value in changes.items():
            if key in ("pronouns", "gender"):
                value = (value or "").strip() or None
            elif key == "display_name":
                value = value.strip()
            setattr(user, key, value)
        if changes.get("disabled"):
            await session.execute(delete(AuthSession).where(AuthSession.user_id == user_id))
        audit.record(
            session,
            actor_id=actor_id,
            action="user.updated",
            target_type="user",
            target_id=user_id,
            details={"changed": sorted(changes)},
        )
    return user


async def list_users(db: async_sessionmaker[Any]) -> list[User]:
    async with db() as session:
        return list((await session.scalars(select(User).order_by(User.email))).all())


async def sign_in(
    db: async_sessionmaker[Any], email: str, password: str, *, now: datetime | None = None
) -> SignedIn:
    """Check a password and open an auth session; `bad_credentials` says nothing about which
    half was wrong."""
    now = now or now_from(None)
    try:
        email = normalise_email(email)
    except ApiError:
        email = ""
    async with db() as session, session.begin():
        user = await session.scalar(select(User).where(User.email == email)) if email else None
        ok = await _verify(user.password_hash if user else _DUMMY_HASH, password)
        if user is None or not ok or user.disabled:
            raise ApiError("bad_credentials", "That email and password do not match.", 401)
        # forget this user's expired browsers while we are here
        await session.execute(
            delete(AuthSession).where(AuthSession.user_id == user.id, AuthSession.expires_at < now)
        )
        token = new_token()
        csrf = secrets.token_urlsafe(32)
        session.add(
            AuthSession(
                token_hash=hash_token(token),
                user_id=user.id,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + AUTH_SESSION_TTL,
            )
        )
    return SignedIn(user=user, session_token=token, csrf_token=csrf)


async def find_signed_in(
    session: AsyncSession, token: str, *, now: datetime | None = None
) -> tuple[User, AuthSession] | None:
    """The signed-in user and their auth session for a cookie token, if still valid: known,
    unexpired, and the account not disabled. Runs inside the caller's database session."""
    if not token:
        return None
    now = now or now_from(None)
    row = (
        await session.execute(
            select(User, AuthSession)
            .join(AuthSession, AuthSession.user_id == User.id)
            .where(AuthSession.token_hash == hash_token(token))
        )
    ).first()
    if row is None:
        return None
    user, auth = row
    if user.disabled or aware(auth.expires_at) <= now:
        return None
    return user, auth


async def auth_session_for_token(
    db: async_sessionmaker[Any], token: str, *, now: datetime | None = None
) -> tuple[User, AuthSession] | None:
    """The signed-in user and their auth session for a cookie token, if still valid."""
    async with db() as session:
        return await find_signed_in(session, token, now=now)


async def user_for_session_token(db: async_sessionmaker[Any], token: str) -> User | None:
    """The staff user a `hs_session` cookie value belongs to, or None (unknown, expired,
    disabled). For the socket.io handshake."""
    found = await auth_session_for_token(db, token)
    return found[0] if found else None


async def sign_out(db: async_sessionmaker[Any], token: str) -> None:
    async with db() as session, session.begin():
        await session.execute(
            delete(AuthSession).where(AuthSession.token_hash == hash_token(token))
        )


async def change_password(
    db: async_sessionmaker[Any],
    *,
    user_id: str,
    current_password: str,
    new_password: str,
    keep_token: str,
) -> None:
    """Needs the current password; signs out every other browser of that user."""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise ApiError(
            "password_too_short",
            f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.",
            400,
        )
    async with db() as session, session.begin():
        user = await session.get(User, user_id)
        if user is None or not await _verify(user.password_hash, current_password):
            raise ApiError("bad_credentials", "Your current password is not right.", 403)
        if new_password == current_password:
            raise ApiError(
                "password_unchanged", "Choose a password different from the current one."
            )
        user.password_hash = await hash_password(new_password)
        user.must_change_password = False
        await session.execute(
            delete(AuthSession).where(
                AuthSession.user_id == user_id, AuthSession.token_hash != hash_token(keep_token)
            )
        )
        audit.record(
            session,
            actor_id=user_id,
            action="user.password_changed",
            target_type="user",
            target_id=user_id,
        )


async def reset_password(db: async_sessionmaker[Any], email: str) -> str:
    """Give a user a new one-time password (from the command line); signs them out everywhere."""
    password = new_one_time_password()
    async with db() as session, session.begin():
        user = await session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            raise ApiError("not_found", f"There is no account for {email}.", 404)
        user.password_hash = await hash_password(password)
        user.must_change_password = True
        user.disabled = False
        await session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
        audit.record(
            session,
            actor_id=None,
            action="user.password_reset",
            target_type="user",
            target_id=user.id,
            details={"via": "command line"},
        )
    return password
