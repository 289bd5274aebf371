"""Property-based fuzzing of the OpenAPI document: no input makes the app answer 5xx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from web_seed import ADMIN_TOKEN, seed

from newsdiffs.web import create_app

schemathesis = pytest.importorskip("schemathesis")
EXAMPLES_PER_OPERATION = 40
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_no_server_errors(tmp_path: Path) -> None:
    data = seed(tmp_path)
    app = create_app(data.settings, data.store, data.clock)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        tested.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            # With the token, so the write endpoints get past authentication too.
            case.call_and_validate(headers=AUTH, checks=[schemathesis.checks.not_a_server_error])

        fuzz()
    data.store.close()
    assert any("/api/v1/search" in label for label in tested)
    assert any(label.startswith("POST /api/v1/articles") for label in tested)
