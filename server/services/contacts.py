"""Safeguarding contact details: encrypted at rest, shown only to the group's facilitators, and
every view (allowed or refused) written to the audit log.

Keys come from ``Settings.contact_keys`` (env ``CONTACT_KEYS``: comma-separated Fernet keys,
newest first). The first key encrypts; every key decrypts. Rotation: put a new key first, run
``rotate_contacts``, then drop the old key once ``count_stale_contacts`` is 0 (see
docs/safeguarding.md). With no key configured, one is derived from ``Settings.secret_key`` with
HKDF and a warning is logged: the secret key then protects both cookies and contacts.

Every function here commits its own unit of work.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from facilitator.errors import DomainError
from facilitator.safeguarding import read_safety_settings, validate_contact
from server.errors import ApiError
from server.services.safeguarding_access import add_audit, is_group_facilitator
from server.settings import Settings
from server.storage.models import Group, Member, SafeguardingContact, utcnow

log = logging.getLogger("holdspace.contacts")

MAX_REASON_CHARS = 500
_HKDF_INFO = b"holdspace safeguarding contact key v1"
_BATCH = 200
_warned_derived: set[str] = set()


def derive_contact_key(secret_key: str) -> str:
    """A Fernet key derived from the server secret, used only when CONTACT_KEYS is not set."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw).decode()


def contact_keys(settings: Settings) -> tuple[str, ...]:
    if settings.contact_keys:
        return settings.contact_keys
    if not settings.secret_key:
        raise ApiError(
            "contact_key_missing", "no CONTACT_KEYS and no SECRET_KEY to derive one", 500
        )
    if settings.secret_key not in _warned_derived:
        _warned_derived.add(settings.secret_key)
        log.warning(
            "CONTACT_KEYS is not set: safeguarding contacts are encrypted with a key derived "
            "from SECRET_KEY. Set CONTACT_KEYS (see docs/safeguarding.md) to rotate them apart."
        )
    return (derive_contact_key(settings.secret_key),)


def key_fingerprint(key: str) -> str:
    """A short, non-secret name for a key, stored next to each ciphertext."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _cipher(settings: Settings) -> tuple[MultiFernet, str]:
    keys = contact_keys(settings)
    try:
        fernets = [Fernet(key.encode()) for key in keys]
    except ValueError as exc:
        raise ApiError(
            "contact_key_invalid", "a CONTACT_KEYS entry is not a Fernet key", 500
        ) from exc
    return MultiFernet(fernets), key_fingerprint(keys[0])


async def save_contact(
    db: AsyncSession,
    settings: Settings,
    member_id: str,
    group_id: str,
    phone: str | None,
    email: str | None,
    region: str | None,
) -> None:
    """Store (or replace) a member's contact details, encrypted. Refused when the group's
    contact_policy is "off" or the member is not in that group."""
    member = await db.get(Member, member_id)
    if member is None or member.group_id != group_id or member.erased_at is not None:
        raise ApiError("not_found", "no such member in this group", 404)
    group = await db.get(Group, group_id)
    assert group is not None  # members.group_id is a foreign key
    if read_safety_settings(group.settings or {}).contact_policy == "off":
        raise ApiError("contacts_off", "this group does not collect contact details", 400)
    try:
        details = validate_contact(phone, email, region)
    except DomainError as exc:
        raise ApiError(exc.code, exc.message, 400) from exc
    cipher, fingerprint = _cipher(settings)
    token = cipher.encrypt(json.dumps(details.to_dict()).encode()).decode()
    contact = await db.scalar(
        select(SafeguardingContact).where(SafeguardingContact.member_id == member_id)
    )
    if contact is None:
        db.add(
            SafeguardingContact(
                member_id=member_id,
                group_id=group_id,
                ciphertext=token,
                key_fingerprint=fingerprint,
            )
        )
    else:
        contact.ciphertext = token
        contact.key_fingerprint = fingerprint
        contact.updated_at = utcnow()
    add_audit(
        db,
        actor_id=member_id,
        action="contact.saved",
        target_type="member",
        target_id=member_id,
        group_id=group_id,
    )
    await db.commit()


async def has_contact(db: AsyncSession, member_id: str) -> bool:
    """For the lobby: a group with contact_policy "required" admits only members with one."""
    count = await db.scalar(
        select(func.count())
        .select_from(SafeguardingContact)
        .where(SafeguardingContact.member_id == member_id)
    )
    return bool(count)


async def view_contact(
    db: AsyncSession, settings: Settings, viewer_user_id: str, member_id: str, reason: str
) -> dict[str, Any]:
    """Decrypt a member's contact details for a facilitator assigned to the member's group.
    Everyone else (other groups' facilitators, admins not assigned, peers) gets 403 forbidden.
    Every attempt is audited: ``contact.view`` when shown, ``contact.view_refused`` otherwise.
    The reason is required and kept in the audit row."""
    reason = (reason or "").strip()
    member = await db.get(Member, member_id)
    group_id = member.group_id if member is not None else None
    allowed = group_id is not None and await is_group_facilitator(db, viewer_user_id, group_id)
    if not allowed or not reason or len(reason) > MAX_REASON_CHARS:
        why = "not_group_facilitator" if not allowed else "reason_required"
        add_audit(
            db,
            actor_id=viewer_user_id,
            action="contact.view_refused",
            target_type="member",
            target_id=member_id,
            group_id=group_id,
            details={"why": why, "reason": reason[:MAX_REASON_CHARS]},
        )
        await db.commit()
        if not allowed:
            raise ApiError("forbidden", "only this group's facilitators can see contacts", 403)
        raise ApiError(
            "reason_required", f"give a reason of at most {MAX_REASON_CHARS} characters", 400
        )
    contact = await db.scalar(
        select(SafeguardingContact).where(SafeguardingContact.member_id == member_id)
    )
    add_audit(
        db,
        actor_id=viewer_user_id,
        action="contact.view",
        target_type="member",
        target_id=member_id,
        group_id=group_id,
        details={"reason": reason, "found": contact is not None},
    )
    await db.commit()
    if contact is None:
        raise ApiError("not_found", "this member left no contact details", 404)
    cipher, _ = _cipher(settings)
    try:
        plain = cipher.decrypt(contact.ciphertext.encode())
    except InvalidToken as exc:
        raise ApiError(
            "contact_key_missing",
            f"no configured key decrypts this contact (key {contact.key_fingerprint})",
            500,
        ) from exc
    details: dict[str, Any] = json.loads(plain)
    return details


async def count_stale_contacts(db: AsyncSession, settings: Settings) -> int:
    """Contacts not yet encrypted with the newest key; the old key can go when this is 0."""
    _, fingerprint = _cipher(settings)
    count = await db.scalar(
        select(func.count())
        .select_from(SafeguardingContact)
        .where(SafeguardingContact.key_fingerprint != fingerprint)
    )
    return int(count or 0)


async def rotate_contacts(db: AsyncSession, settings: Settings, actor_id: str | None = None) -> int:
    """Re-encrypt every contact not yet under the newest key; returns how many were rewritten.
    Works in batches, committing each, so it can be interrupted and run again."""
    cipher, fingerprint = _cipher(settings)
    rotated = 0
    while True:
        batch = (
            await db.scalars(
                select(SafeguardingContact)
                .where(SafeguardingContact.key_fingerprint != fingerprint)
                .order_by(SafeguardingContact.id)
                .limit(_BATCH)
            )
        ).all()
        if not batch:
            break
        for contact in batch:
            try:
                contact.ciphertext = cipher.rotate(contact.ciphertext.encode()).decode()
            except InvalidToken as exc:
                stuck = f"contact {contact.id} (key {contact.key_fingerprint})"
                await db.rollback()
                raise ApiError(
                    "contact_key_missing",
                    f"no configured key decrypts {stuck}; keep the old key in CONTACT_KEYS",
                    500,
                ) from exc
            contact.key_fingerprint = fingerprint
            contact.updated_at = utcnow()
        rotated += len(batch)
        await db.commit()
    add_audit(
        db,
        actor_id=actor_id,
        action="contact.keys_rotated",
        target_type="contacts",
        target_id=None,
        group_id=None,
        details={"rotated": rotated, "key": fingerprint},
    )
    await db.commit()
    log.info("re-encrypted %d safeguarding contacts with key %s", rotated, fingerprint)
    return rotated


async def delete_contact(db: AsyncSession, member_id: str, actor_id: str | None) -> bool:
    """Delete a member's contact details (the member asked, or an admin). True if one existed."""
    deleted = await stage_contact_deletion(db, member_id, actor_id)
    await db.commit()
    return deleted


async def stage_contact_deletion(db: AsyncSession, member_id: str, actor_id: str | None) -> bool:
    """Delete and audit in the caller's transaction (erasure uses this); does not commit."""
    contact = await db.scalar(
        select(SafeguardingContact).where(SafeguardingContact.member_id == member_id)
    )
    if contact is None:
        return False
    await db.delete(contact)
    add_audit(
        db,
        actor_id=actor_id,
        action="contact.deleted",
        target_type="member",
        target_id=member_id,
        group_id=contact.group_id,
    )
    await db.flush()
    return True
