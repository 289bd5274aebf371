"""Settings: one registry, layered, every setting documented in the README."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from newsdiffs.errors import ConfigError
from newsdiffs.settings import HELP, Settings, load_settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_has_help_and_is_in_the_readme() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", README.read_text(), re.MULTILINE))
    names = {f.name for f in fields(Settings)}
    assert names == set(HELP)
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
