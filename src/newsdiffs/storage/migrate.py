"""Run the Alembic migrations in code (no alembic.ini): ``upgrade_to_head(engine)``.

Alembic is imported only when a migration actually has to run: opening an up-to-date
database checks ``alembic_version`` against :data:`HEAD_REVISION` with one query, which keeps
every CLI command and web worker start-up a quarter of a second faster.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection

from newsdiffs.errors import StorageError
from newsdiffs.storage.engine import writer

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest revision in migrations/versions. Bump it with every new migration
# (tests/test_migrations.py fails until it matches Alembic's head).
HEAD_REVISION = "0008"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the package's migrations, optionally bound."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revisions() -> set[str]:
    """The head revisions according to Alembic's scripts."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    """The revisions the database is at (empty for a new database)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return {str(version) for (version,) in rows}


def upgrade_to_head(engine: Engine) -> None:
    """Bring the database to the newest schema; one query when it is already there."""
    if current_revisions(engine) == {HEAD_REVISION}:
        return
    from alembic import command
    from alembic.util import CommandError

    try:
        with writer(engine).connect() as connection:
            command.upgrade(alembic_config(connection), "head")
    except CommandError as error:  # e.g. a database migrated by a newer newsdiffs
        reason = str(error).strip().splitlines()[0]
        raise StorageError(f"cannot migrate the database: {reason}") from error


def downgrade_to(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    with writer(engine).connect() as connection:
        command.downgrade(alembic_config(connection), revision)
