"""``INSERT … ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL.

One statement instead of an UPDATE then an INSERT when nothing was updated: two writers
saving the same new row no longer race into a unique-key error.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from newsdiffs.errors import StorageError


def upsert(connection: Connection, table: Table, values: dict[str, Any], key: str) -> None:
    """Insert ``values`` into ``table``, or update the row whose ``key`` column matches."""
    dialect = connection.dialect.name
    statement: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        statement = postgresql.insert(table).values(values)
    elif dialect == "sqlite":
        statement = sqlite.insert(table).values(values)
    else:
        raise StorageError(f"upserts are not written for {dialect} databases")
    changed = {name: statement.excluded[name] for name in values if name != key}
    connection.execute(statement.on_conflict_do_update(index_elements=[key], set_=changed))
