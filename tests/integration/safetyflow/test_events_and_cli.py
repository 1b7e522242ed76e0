"""Every safety event refuses malformed payloads; the key-rotation command re-encrypts."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from server.realtime.safety import safety_events
from server.settings import Settings
from server.tools import admin
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import join_staff
from tests.integration.realtime.seed import World

SAFETY_EVENTS = sorted(safety_events(Settings()))


@pytest.mark.parametrize("event", SAFETY_EVENTS)
async def test_safety_events_refuse_malformed_payloads(
    event: str, world: World, connect: Connect
) -> None:
    lead = await join_staff(connect, world.session_id, world.lead)
    for bad in ({"unexpected": True}, "not an object", [1, 2]):
        answer = await lead.call(event, bad)
        assert answer["ok"] is False and answer["error"]["code"] == "bad_request", (event, bad)


async def test_rotate_contact_keys_command(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from server.services import contacts
    from server.storage.db import create_engine, make_sessionmaker, migrate
    from server.storage.models import Group, Member

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    await migrate(database_url)
    engine = create_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as db:
            group = Group(name="g", ground_rules=[], settings={"contact_policy": "optional"})
            db.add(group)
            await db.flush()
            member = Member(group_id=group.id, pseudonym="Sam", token_hash="h" * 64)
            db.add(member)
            await db.commit()
            await contacts.save_contact(
                db, Settings(contact_keys=(old,)), member.id, group.id, "07700900123", None, None
            )
    finally:
        await engine.dispose()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CONTACT_KEYS", f"{new},{old}")
    code = await asyncio.to_thread(admin.main, ["rotate-contact-keys"])
    out = capsys.readouterr().out
    assert code == 0 and "Re-encrypted 1 " in out and "older key: 0" in out
    code = await asyncio.to_thread(admin.main, ["rotate-contact-keys"])
    assert code == 0 and "Re-encrypted 0 " in capsys.readouterr().out
