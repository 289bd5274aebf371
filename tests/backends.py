"""The database backends the storage suites run on: SQLite always, PostgreSQL when asked."""

from __future__ import annotations

import os

import pytest

PG_URL = os.environ.get("NEWSDIFFS_TEST_PG_URL")

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(PG_URL is None, reason="NEWSDIFFS_TEST_PG_URL not set"),
        ],
    ),
]
