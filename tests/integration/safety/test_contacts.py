"""Safeguarding contacts: ciphertext at rest, facilitators of the group only, every view audited,
key rotation."""

from __future__ import annotations

import logging
import uuid

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from server.errors import ApiError
from server.services.contacts import (
    count_stale_contacts,
    delete_contact,
    derive_contact_key,
    has_contact,
    rotate_contacts,
    save_contact,
    view_contact,
)
from server.settings import Settings
from server.storage.models import AuditEntry, Group, SafeguardingContact

from .conftest import World

PHONE = "+44 7700 900123"
PHONE_DIGITS = "7700900123"
EMAIL = "sam.private@example.org"


async def _audit(db: AsyncSession, action: str) -> list[AuditEntry]:
    db.expire_all()
    return list((await db.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())


async def _raw_contact_rows(db: AsyncSession) -> list[str]:
    rows = (await db.execute(text("SELECT * FROM safeguarding_contacts"))).all()
    return [" ".join(str(value) for value in row) for row in rows]


async def test_contact_is_ciphertext_in_database(
    db: AsyncSession, settings: Settings, world: World
) -> None:
    await save_contact(db, settings, world.sam, world.group_a, PHONE, EMAIL, "Leeds")
    rows = await _raw_contact_rows(db)
    assert len(rows) == 1
    for secret in (PHONE_DIGITS, "7700 900123", EMAIL, "sam.private", "Leeds"):
        assert secret not in rows[0]
    details = await view_contact(db, settings, world.fac_a, world.sam, "distress signal")
    assert details == {"phone": "+447700900123", "email": EMAIL, "region": "Leeds"}
    assert await has_contact(db, world.sam)
    assert not await has_contact(db, world.alex)


async def test_every_view_is_audited(db: AsyncSession, settings: Settings, world: World) -> None:
    await save_contact(db, settings, world.sam, world.group_a, PHONE, None, None)
    await view_contact(db, settings, world.fac_a, world.sam, "left after distress")
    await view_contact(db, settings, world.fac_a, world.sam, "follow-up call")
    views = await _audit(db, "contact.view")
    assert sorted(entry.details["reason"] for entry in views) == [
        "follow-up call",
        "left after distress",
    ]
    assert {(e.actor_id, e.target_id, e.group_id) for e in views} == {
        (world.fac_a, world.sam, world.group_a)
    }
    assert await _audit(db, "contact.view_refused") == []


@pytest.mark.parametrize(
    "viewer", ["fac_b", "admin", "not_facilitator", "disabled_fac_a", "sam", "nobody"]
)
async def test_others_are_refused_and_the_refusal_is_audited(
    db: AsyncSession, settings: Settings, world: World, viewer: str
) -> None:
    await save_contact(db, settings, world.sam, world.group_a, PHONE, None, None)
    viewer_id = getattr(world, viewer, "0" * 32)
    with pytest.raises(ApiError) as caught:
        await view_contact(db, settings, viewer_id, world.sam, "curious")
    assert (caught.value.code, caught.value.status) == ("forbidden", 403)
    refused = await _audit(db, "contact.view_refused")
    assert [(e.actor_id, e.target_id, e.group_id) for e in refused] == [
        (viewer_id, world.sam, world.group_a)
    ]
    assert PHONE_DIGITS not in str(refused[0].details)
    assert await _audit(db, "contact.view") == []


async def test_a_view_needs_a_reason(db: AsyncSession, settings: Settings, world: World) -> None:
    await save_contact(db, settings, world.sam, world.group_a, PHONE, None, None)
    with pytest.raises(ApiError) as caught:
        await view_contact(db, settings, world.fac_a, world.sam, "   ")
    assert caught.value.code == "reason_required"
    assert len(await _audit(db, "contact.view_refused")) == 1


async def test_view_of_missing_contact_is_audited_and_not_found(
    db: AsyncSession, settings: Settings, world: World
) -> None:
    with pytest.raises(ApiError) as caught:
        await view_contact(db, settings, world.fac_a, world.alex, "check")
    assert caught.value.status == 404
    assert [e.details["found"] for e in await _audit(db, "contact.view")] == [False]


async def test_rotation_reencrypts_and_old_key_can_be_dropped(
    db: AsyncSession, settings: Settings, world: World, contact_key: str
) -> None:
    await save_contact(db, settings, world.sam, world.group_a, PHONE, None, None)
    await save_contact(db, settings, world.alex, world.group_a, None, "alex@example.org", None)
    before = await _raw_contact_rows(db)
    new_key = Fernet.generate_key().decode()
    both = Settings(secret_key="test-secret", contact_keys=(new_key, contact_key))
    assert await count_stale_contacts(db, both) == 2
    assert await rotate_contacts(db, both, actor_id=world.admin) == 2
    assert await count_stale_contacts(db, both) == 0
    assert await rotate_contacts(db, both) == 0
    after = await _raw_contact_rows(db)
    assert set(before).isdisjoint(after)
    new_only = Settings(secret_key="test-secret", contact_keys=(new_key,))
    details = await view_contact(db, new_only, world.fac_a, world.sam, "after rotation")
    assert details["phone"] == "+447700900123"
    with pytest.raises(ApiError) as caught:
        await view_contact(db, settings, world.fac_a, world.sam, "old key only")
    assert caught.value.code == "contact_key_missing"
    assert [e.details["rotated"] for e in await _audit(db, "contact.keys_rotated")] == [2, 0]


async def test_rotation_without_the_old_key_fails_loudly(
    db: AsyncSession, settings: Settings, world: World
) -> None:
    await save_contact(db, settings, world.sam, world.group_a, PHONE, None, None)
    wrong = Settings(secret_key="test-secret", contact_keys=(Fernet.generate_key().decode(),))
    with pytest.raises(ApiError) as caught:
        await rotate_contacts(db, wrong)
    assert caught.value.code == "contact_key_missing"
    assert await count_stale_contacts(db, settings) == 0


async def test_without_contact_keys_a_key_is_derived_from_the_secret(
    db: AsyncSession, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # a secret of its own: the warning is logged once per secret per process
    secret = "derived-" + uuid.uuid4().hex
    derived = Settings(secret_key=secret)
    with caplog.at_level(logging.WARNING, logger="holdspace.contacts"):
        await save_contact(db, derived, world.sam, world.group_a, PHONE, None, None)
    assert "CONTACT_KEYS is not set" in caplog.text
    token = (await db.scalars(select(SafeguardingContact.ciphertext))).one()
    plain = Fernet(derive_contact_key(secret).encode()).decrypt(token.encode())
    assert b"+447700900123" in plain
    details = await view_contact(db, derived, world.fac_a, world.sam, "check")
    assert details["phone"] == "+447700900123"


async def test_saving_is_refused_when_policy_is_off_or_details_invalid(
    db: AsyncSession, settings: Settings, world: World
) -> None:
    with pytest.raises(ApiError) as off:
        await save_contact(db, settings, world.bo, world.group_b, PHONE, None, None)
    assert off.value.code == "contacts_off"
    with pytest.raises(ApiError) as invalid:
        await save_contact(db, settings, world.sam, world.group_a, "12", None, None)
    assert (invalid.value.code, invalid.value.status) == ("invalid_contact", 400)
    with pytest.raises(ApiError) as elsewhere:
        await save_contact(db, settings, world.bo, world.group_a, PHONE, None, None)
    assert elsewhere.value.code == "not_found"
    assert await _raw_contact_rows(db) == []


async def test_saving_again_replaces_and_delete_removes(
    db: AsyncSession, settings: Settings, world: World
) -> None:
    await save_contact(db, settings, world.sam, world.group_a, PHONE, None, None)
    await save_contact(db, settings, world.sam, world.group_a, None, EMAIL, None)
    details = await view_contact(db, settings, world.fac_a, world.sam, "check")
    assert details == {"phone": None, "email": EMAIL, "region": None}
    assert await delete_contact(db, world.sam, actor_id=world.sam)
    assert not await delete_contact(db, world.sam, actor_id=world.sam)
    assert await _raw_contact_rows(db) == []
    assert len(await _audit(db, "contact.deleted")) == 1


async def test_required_policy_is_readable_for_the_lobby(db: AsyncSession, world: World) -> None:
    group = await db.get(Group, world.group_b)
    assert group is not None
    group.settings = {"contact_policy": "required"}
    await db.commit()
    assert not await has_contact(db, world.bo)
