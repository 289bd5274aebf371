"""Storage: the Store protocol (``base``) and its SQL implementation (``sql``).

``open_store("data/newsdiffs.db")`` or ``open_store("postgresql+psycopg://...")`` gives a
ready SqlStore: parent directory created, migrations run to head.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from newsdiffs.errors import StorageError
from newsdiffs.storage.base import EndpointState, SearchHit, Store, Totals
from newsdiffs.storage.engine import create_store_engine, ensure_parent_dir, to_url
from newsdiffs.storage.migrate import upgrade_to_head
from newsdiffs.storage.sql import SqlStore, describe_error


def open_store(url_or_path: str) -> SqlStore:
    """Open (creating and migrating as needed) the database at a path or SQLAlchemy URL.

    Raises StorageError with a one-line reason when it cannot be opened.
    """
    try:
        url = to_url(url_or_path)
    except SQLAlchemyError as error:
        raise StorageError(f"bad database URL {url_or_path!r}: {describe_error(error)}") from error
    shown = url.render_as_string(hide_password=True)
    ensure_parent_dir(url)
    try:
        engine = create_store_engine(url)
    except ImportError as error:
        hint = " (pip install 'newsdiffs[postgres]')" if "psycopg" in str(error) else ""
        raise StorageError(f"cannot open database {shown}: {error}{hint}") from error
    except SQLAlchemyError as error:
        raise StorageError(f"cannot open database {shown}: {describe_error(error)}") from error
    try:
        upgrade_to_head(engine)
    except SQLAlchemyError as error:
        engine.dispose()
        raise StorageError(f"cannot open database {shown}: {describe_error(error)}") from error
    return SqlStore(engine)


__all__ = [
    "EndpointState",
    "SearchHit",
    "SqlStore",
    "StorageError",
    "Store",
    "Totals",
    "open_store",
]
