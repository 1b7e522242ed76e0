"""The Alembic migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from server.storage.db import create_engine, migrate
from server.storage.models import Base


async def test_migrations_match_models(database_url: str) -> None:
    await migrate(database_url)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await engine.dispose()
    assert differences == []


async def test_migrating_twice_is_harmless(database_url: str) -> None:
    await migrate(database_url)
    await migrate(database_url)


async def test_every_migration_downgrades_and_upgrades_again(database_url: str) -> None:
    from alembic import command

    from server.storage.db import alembic_config

    await migrate(database_url)
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "base")
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    assert set(tables) <= {"alembic_version"}
    await migrate(database_url)
