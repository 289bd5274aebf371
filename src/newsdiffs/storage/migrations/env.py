"""Alembic environment: run by :func:`newsdiffs.storage.migrate.upgrade_to_head`.

No alembic.ini: the caller builds the Config in code and passes an open connection in
``config.attributes["connection"]``. Offline mode (``--sql``) uses ``sqlalchemy.url``.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from newsdiffs.storage.schema import FTS_PREFIX, metadata


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave the full-text tables and indexes (created with raw SQL) out of autogenerate."""
    return not (name is not None and name.startswith(FTS_PREFIX))


def run_online(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        include_object=include_object,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online(context.config.attributes["connection"])
