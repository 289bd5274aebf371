"""`newsdiffs alerts add|list|remove|test`, rules from newsdiffs.toml, and the admin API."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from test_alerts_outbox import headline_change
from web_seed import ADMIN_TOKEN, Seeded, seed

from newsdiffs.cli import cli
from newsdiffs.core.alert_rules import AlertRule, TargetSpec
from newsdiffs.errors import ConfigError, InputError, NotFoundError
from newsdiffs.models import Check, CheckOutcome, CheckResult, NewVersion
from newsdiffs.settings import load_settings
from newsdiffs.storage import open_store
from newsdiffs.usecases import alerts as uc
from newsdiffs.web import create_app

SECRET = "s3cr3t-TOKEN"
CONFIG = f"""
[[alerts]]
name = "headlines"
kinds = ["headline", "stealth"]
sources = ["nytimes"]
targets = [
  "mastodons://{SECRET}@social.example",
  {{ url = "mailto://user:{SECRET}@mail.example", per_hour = 5, quiet_hours = "22:00-07:00" }},
]

[[alerts]]
name = "gone"
kinds = ["gone"]
targets = ["webhook://127.0.0.1:9/gone"]
"""
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
NOW = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "newsdiffs.toml"
    path.write_text(f'db = "{tmp_path / "n.db"}"\n{CONFIG}', encoding="utf-8")
    return path


def invoke(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), "alerts", *args])


# --- rules from the config file -------------------------------------------------------------


def test_config_rules_load_as_settings(config: Path) -> None:
    settings = load_settings(config, environ={})
    assert [rule.name for rule in settings.alerts] == ["headlines", "gone"]
    assert settings.alerts[0].targets[1] == TargetSpec(
        f"mailto://user:{SECRET}@mail.example",
        per_hour=5,
        quiet_hours=settings.alerts[0].targets[1].quiet_hours,
    )


def test_config_rules_beside_a_newsdiffs_table(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f"[newsdiffs]\nport = 9000\n{CONFIG}", encoding="utf-8")
    settings = load_settings(path, environ={})
    assert settings.port == 9000 and len(settings.alerts) == 2


def test_rules_from_the_environment_as_json() -> None:
    rules = json.dumps([{"name": "env", "targets": ["webhook://127.0.0.1:9/x"]}])
    settings = load_settings(None, environ={"NEWSDIFFS_ALERTS": rules})
    assert [rule.name for rule in settings.alerts] == ["env"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[[alerts]]\nname = "Bad Name"\ntargets = ["webhook://h/x"]', "'name': a source name"),
        ('[[alerts]]\nname = "x"\ntargets = ["webhook://h/x"]\nkinds = ["nope"]', "unknown kind"),
        ('[[alerts]]\nname = "x"\ntargets = ["webhook://h/x"]\npattern = "("', "not a valid regex"),
        ('[[alerts]]\nname = "x"\n', "'targets' must list"),
        ('[[alerts]]\nname = "x"\ntargets = ["webhook://h/x"]\n' * 2, "name used twice"),
    ],
)
def test_a_bad_rule_in_the_config_is_one_error_line(
    tmp_path: Path, table: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(table, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(path, environ={})
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert str(raised.value).startswith(f"{path}: alert rule")


def test_wayback_adds_an_implicit_rule(tmp_path: Path) -> None:
    settings = load_settings(None, environ={"NEWSDIFFS_WAYBACK": "true"})
    [rule] = uc.configured_rules(settings)
    assert rule == AlertRule(
        "wayback",
        (TargetSpec("waybacks://web.archive.org", per_hour=60),),
        kinds=("first_version", "new_version"),
    )
    assert uc.configured_rules(load_settings(None, environ={})) == []


def test_sync_keeps_admin_rules_and_follows_the_config(config: Path) -> None:
    settings = load_settings(config, environ={})
    with open_store(settings.db) as store:
        uc.add_rule(store, {"name": "mine", "targets": ["webhook://127.0.0.1:9/m"]})
        uc.sync_rules(store, settings)
        assert [r.name for r in store.alert_rules()] == ["gone", "headlines", "mine"]
        uc.sync_rules(store, load_settings(None, environ={"NEWSDIFFS_DB": settings.db}))
        assert [r.name for r in store.alert_rules()] == ["mine"]


# --- the command line ---------------------------------------------------------------------


def test_list_shows_config_rules_with_secrets_masked(config: Path) -> None:
    result = invoke(config, "list")
    assert result.exit_code == 0, result.output
    assert "headlines: sources=nytimes kinds=headline,stealth" in result.output
    assert "per_hour=5 quiet_hours=22:00-07:00" in result.output
    assert "alerts: 0 pending, 0 sent, 0 dead, 0 dropped" in result.output
    assert SECRET not in result.output
    data = json.loads(invoke(config, "list", "--format", "json").output)
    assert [rule["name"] for rule in data["rules"]] == ["gone", "headlines"]
    assert data["alerts"] == {"pending": 0, "sent": 0, "dead": 0, "dropped": 0}
    assert SECRET not in json.dumps(data)


def test_add_and_remove(config: Path) -> None:
    result = invoke(
        config,
        "add",
        "quotes",
        "--kind",
        "quotes",
        "--keyword",
        "minister",
        "--target",
        "webhook://127.0.0.1:9/q",
        "--per-hour",
        "3",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "name": "quotes",
        "targets": [{"url": "webhook://127.0.0.1:9/q", "per_hour": 3}],
        "enabled": True,
        "kinds": ["quotes"],
        "keywords": ["minister"],
    }
    assert "quotes: kinds=quotes keywords=minister" in invoke(config, "list").output
    assert invoke(config, "remove", "quotes").exit_code == 0
    assert "quotes" not in invoke(config, "list").output
    missing = invoke(config, "remove", "quotes")
    assert isinstance(missing.exception, NotFoundError)


def test_a_bad_rule_from_the_cli_is_an_input_error(config: Path) -> None:
    result = invoke(config, "add", "x", "--target", "webhook://h/x", "--pattern", "(")
    assert isinstance(result.exception, InputError)
    assert "is not a valid regex" in str(result.exception)


def test_errors_are_one_line_on_the_real_command_line(config: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "newsdiffs", "--config", str(config), "alerts", "remove", "nope"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "newsdiffs: error: no alert rule named 'nope'"


def test_list_failed_shows_dead_letters_with_error_and_attempts(config: Path) -> None:
    settings = load_settings(config, environ={})
    with open_store(settings.db) as store:
        article, _ = store.add_article("nytimes", "https://www.nytimes.com/a", NOW)
        uc.sync_rules(store, settings)
        first = NewVersion(NOW, "A title", ("x.",), "h0", "generic@1", b"<p>x</p>")
        store.record_check(
            CheckResult(
                Check(article.id, NOW, CheckOutcome.FIRST_VERSION), first, next_check_at=NOW
            )
        )
        headline_change(store, article.id, 10)
        claimed = store.claim_alerts(NOW + timedelta(days=1), 10, timedelta(minutes=2))
        assert len(claimed) == 2
        store.mark_alert_failed(claimed[0].id, NOW, f"401 for token {SECRET}", None)
        store.mark_alert_failed(claimed[1].id, NOW, "timed out", NOW + timedelta(hours=2))
    result = invoke(config, "list", "--failed")
    assert result.exit_code == 0, result.output
    [line] = result.output.splitlines()
    assert f"#{claimed[0].id} dead" in line and "rule headlines" in line
    assert "1 attempts, last error: 401 for token" in line
    assert "mastodons://***@social.example" in line
    [dead] = json.loads(invoke(config, "list", "--failed", "--format", "json").output)
    assert (dead["id"], dead["attempts"], dead["status"]) == (claimed[0].id, 1, "dead")
    pending = json.loads(invoke(config, "list", "--status", "pending", "--format", "json").output)
    assert [a["last_error"] for a in pending] == ["timed out"]


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append((self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[int, list[tuple[str, dict[str, str], bytes]]]]:
    received: ClassVar[list[tuple[str, dict[str, str], bytes]]] = []
    handler = type("Receiver", (_Receiver,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def test_test_sends_a_sample_message_to_every_target(
    config: Path, receiver: tuple[int, list[tuple[str, dict[str, str], bytes]]]
) -> None:
    port, received = receiver
    hook = f"webhook://127.0.0.1:{port}/hook"
    assert invoke(config, "add", "try", "--target", hook).exit_code == 0
    result = invoke(config, "test", "try", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [r["ok"] for r in json.loads(result.output)] == [True]
    [(path, headers, body)] = received
    assert path == "/hook"
    assert {k.lower() for k in headers} >= {"x-newsdiffs-alert-key"}
    payload = json.loads(body)
    assert "Headline changed: 'Council to close library on Sundays'" in payload["text"]
    assert "[-close-]{+keep+}" in payload["text"]


def test_test_reports_a_target_that_fails(config: Path) -> None:
    assert invoke(config, "add", "down", "--target", "webhook://127.0.0.1:9/x").exit_code == 0
    result = invoke(config, "test", "down")
    assert result.exit_code == 1
    assert result.output.startswith("FAILED webhook://127.0.0.1:9/x: ")


# --- the admin API -----------------------------------------------------------------------


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    data = seed(tmp_path)
    yield data
    data.store.close()


def test_admin_api_rules_and_alerts(seeded: Seeded) -> None:
    client = TestClient(create_app(seeded.settings, seeded.store, seeded.clock))
    base = "/api/v1/admin/alerts"
    assert client.get(f"{base}/rules").status_code == 401
    assert client.post(f"{base}/rules", json={}).status_code == 401
    assert client.get(base).status_code == 401
    rule = {
        "name": "api",
        "targets": [{"url": f"mastodons://{SECRET}@social.example", "per_hour": 2}],
        "kinds": ["headline"],
    }
    created = client.post(f"{base}/rules", json=rule, headers=AUTH)
    assert created.status_code == 201, created.text
    assert created.json()["targets"][0]["url"] == "mastodons://***@social.example"
    listed = client.get(f"{base}/rules", headers=AUTH).json()
    assert [r["name"] for r in listed] == ["api"] and SECRET not in json.dumps(listed)
    bad = client.post(f"{base}/rules", json={**rule, "kinds": ["nope"]}, headers=AUTH)
    assert bad.status_code == 400 and "unknown kind" in bad.json()["error"]
    assert client.get(base, params={"status": "dead"}, headers=AUTH).json() == []
    assert client.get(base, params={"status": "nope"}, headers=AUTH).status_code == 422
    assert client.delete(f"{base}/rules/api", headers=AUTH).status_code == 204
    assert client.delete(f"{base}/rules/api", headers=AUTH).status_code == 404
