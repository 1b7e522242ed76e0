"""Migration 0003_safety creates exactly what the models describe.

0003 chains from 0002_trigger_lists, which is on another branch; until it is merged this test
runs the real 0001 and 0003 with a stand-in 0002 (no tables) in a temporary scripts folder.
After merging, it still works (the stand-in replaces the real 0002 only in the copy).
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from server.storage.db import MIGRATIONS_DIR, alembic_config, create_engine
from server.storage.models import Base

STAND_IN_0002 = """
revision = "0002_trigger_lists"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
"""

OURS = {"safeguarding_contacts", "incidents"}


async def test_0003_matches_the_models(database_url: str, tmp_path: Path) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    for stale in (scripts / "versions").glob("0002_*.py"):
        stale.unlink()
    (scripts / "versions" / "0002_trigger_lists.py").write_text(STAND_IN_0002)
    config = alembic_config(database_url)
    config.set_main_option("script_location", str(scripts))
    await asyncio.to_thread(command.upgrade, config, "head")

    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:

            def diff(sync_conn):  # type: ignore[no-untyped-def]
                tables = set(inspect(sync_conn).get_table_names())
                changes = compare_metadata(MigrationContext.configure(sync_conn), Base.metadata)
                return tables, changes

            tables, changes = await conn.run_sync(diff)
    finally:
        await engine.dispose()
    assert tables >= OURS

    def touches_ours(change: object) -> bool:
        return any(name in repr(change) for name in OURS)

    assert [c for c in changes if touches_ours(c)] == []

    await asyncio.to_thread(command.downgrade, config, "0002_trigger_lists")
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            left = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    assert OURS.isdisjoint(left)
