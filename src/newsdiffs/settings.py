"""One registry of settings: defaults < config file < NEWSDIFFS_* environment < command line.

Every setting is declared once below, with its type, default and help. The README's settings
table is checked against this registry by a test, so an undocumented setting fails the build.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from newsdiffs.errors import ConfigError

ENV_PREFIX = "NEWSDIFFS_"
DEFAULT_CONFIG_FILE = "newsdiffs.toml"


@dataclass(frozen=True)
class Settings:
    db: str = "newsdiffs-data/newsdiffs.db"
    sources_file: str = ""
    schedule_policy: str = "newssniffer"
    user_agent: str = "newsdiffs/0.1 (+https://github.com/newsdiffs/newsdiffs)"
    timeout_s: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    retries: int = 2
    per_host_concurrency: int = 2
    per_host_delay_s: float = 1.0
    concurrency: int = 8
    respect_robots: bool = True
    allow_private_addresses: bool = False
    batch_size: int = 200
    host: str = "127.0.0.1"
    port: int = 8080
    admin_token: str = ""


HELP: Mapping[str, str] = {
    "db": "Database: a SQLite file path or an SQLAlchemy URL (postgresql+psycopg://...).",
    "sources_file": "TOML sources file read by `init` and `run`; empty means the bundled one.",
    "schedule_policy": "Re-check schedule: 'newssniffer' (x1.2 backoff) or 'agetiers'.",
    "user_agent": "User-Agent sent with every request.",
    "timeout_s": "Seconds before a request times out.",
    "max_bytes": "Largest response body accepted, in bytes (decoded).",
    "max_redirects": "Most redirects followed for one fetch.",
    "retries": "Retries after a timeout, network error, 429 or 5xx.",
    "per_host_concurrency": "Requests in flight to one host at once.",
    "per_host_delay_s": "Least seconds between two request starts to one host.",
    "concurrency": "Article checks in flight at once.",
    "respect_robots": "Honour robots.txt.",
    "allow_private_addresses": "Allow fetching loopback/private addresses (demo, tests).",
    "batch_size": "Most due articles taken per scheduling round.",
    "host": "Address the web server listens on.",
    "port": "Port the web server listens on.",
    "admin_token": "Token required for write actions in the web app and API (empty: disabled).",
}


def _coerce(name: str, raw: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"setting {name}: expected true/false, got {raw!r}")
    try:
        return kind(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {name}: expected {kind.__name__}, got {raw!r}") from None


def _types() -> dict[str, type]:
    defaults = Settings()
    return {f.name: type(getattr(defaults, f.name)) for f in fields(Settings)}


def _apply(base: Settings, values: Mapping[str, Any], origin: str) -> Settings:
    kinds = _types()
    changes: dict[str, Any] = {}
    for key, raw in values.items():
        name = key.replace("-", "_")
        if name not in kinds:
            raise ConfigError(f"{origin}: unknown setting {key!r}")
        changes[name] = _coerce(name, raw, kinds[name])
    return replace(base, **changes)


def load_settings(
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build settings from every layer. ``overrides`` are command-line values (None = unset)."""
    settings = Settings()
    path = Path(config_file) if config_file else Path(DEFAULT_CONFIG_FILE)
    if config_file or path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"config file {path}: {error}") from None
        settings = _apply(settings, data.get("newsdiffs", data), str(path))
    env = os.environ if environ is None else environ
    from_env = {
        key[len(ENV_PREFIX) :].lower(): value
        for key, value in env.items()
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX) :].lower() in _types()
    }
    settings = _apply(settings, from_env, "environment")
    if overrides:
        settings = _apply(
            settings, {k: v for k, v in overrides.items() if v is not None}, "command line"
        )
    return settings
