"""Settings: one registry, layered, every setting documented in the README."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import fields, replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdiffs.cli import cli
from newsdiffs.core.schedule import POLICIES
from newsdiffs.errors import ConfigError
from newsdiffs.fetching import FetchSettings
from newsdiffs.settings import HELP, Settings, fetch_settings, load_settings, override

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_has_help_and_is_in_the_readme() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", README.read_text(), re.MULTILINE))
    names = {f.name for f in fields(Settings)}
    assert names == set(HELP)
    assert all(f.metadata["help"] for f in fields(Settings))  # help lives on the field itself
    assert names <= documented, f"undocumented in README: {sorted(names - documented)}"


def test_layers_apply_in_order(tmp_path: Path) -> None:
    config = tmp_path / "n.toml"
    config.write_text('db = "from-file.db"\nconcurrency = 3\nport = 9000\n')
    env = {"NEWSDIFFS_CONCURRENCY": "5", "NEWSDIFFS_RESPECT_ROBOTS": "no", "OTHER": "x"}
    settings = load_settings(config, environ=env, overrides={"port": 7000, "db": None})
    assert settings.db == "from-file.db"
    assert settings.concurrency == 5
    assert settings.respect_robots is False
    assert settings.port == 7000


def test_bad_values_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="concurrency"):
        load_settings(None, environ={"NEWSDIFFS_CONCURRENCY": "many"})
    bad = tmp_path / "bad.toml"
    bad.write_text("nonsense = 1\n")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(bad, environ={})
    broken = tmp_path / "broken.toml"
    broken.write_text("db = \n")
    with pytest.raises(ConfigError, match=r"broken\.toml"):
        load_settings(broken, environ={})
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml", environ={})


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("schedule_policy", "bogus", "unknown schedule policy 'bogus'"),
        ("concurrency", "0", "concurrency: must be greater than 0"),
        ("concurrency", "-3", "concurrency: must be greater than 0"),
        ("batch_size", "0", "batch_size"),
        ("per_host_concurrency", "0", "per_host_concurrency"),
        ("timeout_s", "-1", "timeout_s: must be greater than 0"),
        ("per_host_delay_s", "-0.5", "per_host_delay_s: must be at least 0"),
        ("retries", "-1", "retries: must be at least 0"),
        ("max_bytes", "0", "max_bytes"),
        ("port", "0", "port: must be a port number"),
        ("port", "70000", "port: must be a port number"),
        ("public_url", "ftp://diffs.example.org", "public_url"),
        ("public_url", "https://", "public_url"),
        ("public_url", "https://diffs.example.org/?x=1", "public_url"),
        ("user_agent", "bot\r\nX-Evil: 1", "user_agent"),
        ("db", " ", "db: must not be empty"),
    ],
)
def test_values_are_checked_when_loaded(name: str, value: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        load_settings(None, environ={f"NEWSDIFFS_{name.upper()}": value})


def test_every_layer_is_checked(tmp_path: Path) -> None:
    config = tmp_path / "n.toml"
    config.write_text("concurrency = -1\n")
    with pytest.raises(ConfigError, match=r"n\.toml: setting concurrency"):
        load_settings(config, environ={})
    with pytest.raises(ConfigError, match="command line: setting port"):
        load_settings(None, environ={}, overrides={"port": 0})
    with pytest.raises(ConfigError, match="setting schedule_policy"):
        Settings(schedule_policy="nope")
    with pytest.raises(ConfigError, match="whole number"):
        load_settings(None, environ={}, overrides={"port": 80.5})
    with pytest.raises(ConfigError, match="expected int"):
        override(Settings(), {"concurrency": True})


def test_schedule_policy_names_come_from_the_registry() -> None:
    for name in POLICIES:
        assert (
            load_settings(None, environ={"NEWSDIFFS_SCHEDULE_POLICY": name.upper()}).schedule_policy
            == name
        )
        assert f"'{name}'" in HELP["schedule_policy"]


def test_public_url_and_base_url() -> None:
    assert Settings().base_url == "http://127.0.0.1:8080"
    assert Settings(host="::1", port=9000).base_url == "http://[::1]:9000"
    settings = load_settings(None, environ={"NEWSDIFFS_PUBLIC_URL": "https://diffs.example.org/"})
    assert settings.public_url == settings.base_url == "https://diffs.example.org"


def test_fetch_settings_are_derived_not_copied() -> None:
    shared = {f.name for f in fields(FetchSettings)} & {f.name for f in fields(Settings)}
    assert {"user_agent", "timeout_s", "max_bytes", "retries", "respect_robots"} <= shared
    defaults = FetchSettings()
    for name in shared:  # one default, declared by the fetcher
        assert getattr(Settings(), name) == getattr(defaults, name), name
    changed = replace(Settings(), timeout_s=3.5, per_host_delay_s=0.0, allow_private_addresses=True)
    derived = fetch_settings(changed)
    for name in shared:
        assert getattr(derived, name) == getattr(changed, name), name
    assert derived.robots_ttl_s == defaults.robots_ttl_s  # not a setting: the fetcher's default


def test_a_bad_setting_is_one_line_at_start_up(tmp_path: Path) -> None:
    """Before: a bad schedule_policy passed loading and crashed the first check."""
    result = subprocess.run(
        [sys.executable, "-m", "newsdiffs", "--db", str(tmp_path / "x.db"), "sources", "list"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"NEWSDIFFS_SCHEDULE_POLICY": "weekly", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "setting schedule_policy: unknown schedule policy 'weekly'" in result.stderr


def test_command_line_flags_take_the_same_checked_path(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    for flags, problem in (
        (["--port", "70000"], "setting port"),
        (["--public-url", "javascript:alert(1)"], "setting public_url"),
        (["--host", " "], "setting host"),
    ):
        result = CliRunner().invoke(cli, ["--db", db, "serve", *flags])
        assert isinstance(result.exception, ConfigError), flags
        assert problem in str(result.exception)
    empty_db = CliRunner().invoke(cli, ["--db", "", "sources", "list"])
    assert isinstance(empty_db.exception, ConfigError)
