"""Applies Alembic migrations at start-up, so a fresh or older database is brought to head."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from storage.database import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


async def upgrade_to_head(db: Database) -> None:
    """Run `alembic upgrade head` on the application's own engine."""
    await upgrade(db, "head")


async def upgrade(db: Database, revision: str, *, then: Callable[[Connection], None] | None = None) -> None:
    """Migrate to `revision`; `then` runs on the same connection in the same transaction.

    (`then` is for tests that seed rows at an old revision before upgrading further.)
    """

    def _upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if then is not None:
            then(connection)

    async with db.engine.connect() as connection:
        if not db.is_sqlite:
            async with connection.begin():
                await connection.run_sync(_upgrade)
            return
        # SQLite changes most of a table's schema by copying it (alembic's batch mode: new
        # table, copy, drop, rename), and dropping a table other rows refer to fails while
        # foreign keys are enforced. SQLite's own procedure for schema changes: enforcement
        # off (only possible outside a transaction, so before BEGIN), migrate, then check
        # every reference before committing, and enforcement back on for the pool.
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.execute("PRAGMA foreign_keys=OFF")
        try:
            async with connection.begin():
                await connection.run_sync(_upgrade)
                broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).fetchall()
                if broken:
                    raise RuntimeError(f"the migration left {len(broken)} rows referring to nothing")
        finally:
            await driver.execute("PRAGMA foreign_keys=ON")
