"""Run the Alembic migrations in code (no alembic.ini): ``upgrade_to_head(engine)``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from newsdiffs.storage.engine import writer

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the package's migrations, optionally bound."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def upgrade_to_head(engine: Engine) -> None:
    """Bring the database to the newest schema; a no-op (no script run) when it is there."""
    if current_revisions(engine) == head_revisions():
        return
    with writer(engine).connect() as connection:
        command.upgrade(alembic_config(connection), "head")


def downgrade_to(engine: Engine, revision: str = "base") -> None:
    with writer(engine).connect() as connection:
        command.downgrade(alembic_config(connection), revision)
