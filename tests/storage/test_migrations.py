"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from storage.models import Base


async def test_migrations_match_models(any_db):
    def diff(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return compare_metadata(context, Base.metadata)

    async with any_db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_balance_check_constraint_is_enforced(any_db):
    async with any_db.engine.connect() as conn:
        await conn.execute(
            text("INSERT INTO tenants (platform, workspace_id, created_at) VALUES ('t', 'w', '2026-01-01')")
        )
        await conn.execute(
            text(
                "INSERT INTO leagues (tenant_id, name, source, settings, paused, created_at) "
                "VALUES (1, 'L', 'demo', '{}', false, '2026-01-01')"
            )
        )
        try:
            await conn.execute(
                text(
                    "INSERT INTO members (league_id, user_id, display_name, balance, created_at) "
                    "VALUES (1, 'u', 'u', -1, '2026-01-01')"
                )
            )
        except Exception as exc:  # IntegrityError on either back end
            assert "balance" in str(exc).lower() or "check" in str(exc).lower()
        else:
            raise AssertionError("a negative balance was stored")
        finally:
            await conn.rollback()
