"""One registry of settings: defaults < config file < NEWSDIFFS_* environment < command line.

Every setting is declared once below: one typed dataclass field carrying its default, its help
text and (where a value can be wrong) its check. Every layer goes through the same checks, so
a bad value is one :class:`ConfigError` line at start-up, never a crash at the first check.
The README's settings table is checked against this registry by a test.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from newsdiffs.core.alert_rules import AlertRule
from newsdiffs.core.schedule import DEFAULT_POLICY, POLICIES
from newsdiffs.errors import ConfigError
from newsdiffs.fetching.result import FetchSettings

ENV_PREFIX = "NEWSDIFFS_"
DEFAULT_CONFIG_FILE = "newsdiffs.toml"

Check = Callable[[Any], Any]  # returns the (normalised) value; ValueError says what is wrong
_FETCH_DEFAULTS = FetchSettings()  # the fetcher's own defaults: the settings reuse them


def setting(default: Any, help: str, check: Check | None = None) -> Any:
    """A settings field: its default, one line of help, and an optional check."""
    return field(default=default, metadata={"help": help, "check": check})


# --- checks ---------------------------------------------------------------------------------


def at_least(low: float) -> Check:
    def check(value: Any) -> Any:
        if value < low:
            raise ValueError(f"must be at least {low:g}, got {value!r}")
        return value

    return check


def positive(value: Any) -> Any:
    if not value > 0:
        raise ValueError(f"must be greater than 0, got {value!r}")
    return value


def port_number(value: int) -> int:
    if not 1 <= value <= 65535:
        raise ValueError(f"must be a port number from 1 to 65535, got {value!r}")
    return value


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def header_value(value: str) -> str:
    if not value.strip() or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(f"must be non-empty text without control characters, got {value!r}")
    return value


def broker_address(value: str) -> str:
    text = value.strip()
    if not text.startswith(("redis://", "rediss://", "memory://")):
        raise ValueError(f"must be a redis:// (or rediss://) URL, got {value!r}")
    return text


def alert_rule_tables(value: Any) -> tuple[AlertRule, ...]:
    """The ``[[alerts]]`` tables (or, from the environment, a JSON array of them) as checked
    rules: every rule is parsed here, so a bad one is one ConfigError line at start-up."""
    from newsdiffs.usecases.alerts import parse_rules  # the one rule parser, CLI and API too

    return tuple(parse_rules(value))


def policy_name(value: str) -> str:
    name = value.strip().lower()
    if name not in POLICIES:
        raise ValueError(
            f"unknown schedule policy {value!r} (known: {', '.join(sorted(POLICIES))})"
        )
    return name


def public_base_url(value: str) -> str:
    """'' or an absolute http(s) URL without query or fragment; kept without a trailing '/'."""
    text = value.strip()
    if not text:
        return ""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        raise ValueError(f"must be an http(s) URL such as https://diffs.example.org, got {value!r}")
    return text.rstrip("/")


# --- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    db: str = setting(
        "newsdiffs-data/newsdiffs.db",
        "Database: a SQLite file path or an SQLAlchemy URL (postgresql+psycopg://...).",
        not_blank,
    )
    sources_file: str = setting(
        "", "TOML sources file read by `init` and `run`; empty means the bundled one."
    )
    schedule_policy: str = setting(
        DEFAULT_POLICY,
        "Re-check schedule, one of: " + ", ".join(f"'{name}'" for name in sorted(POLICIES)) + ".",
        policy_name,
    )
    user_agent: str = setting(
        _FETCH_DEFAULTS.user_agent, "User-Agent sent with every request.", header_value
    )
    timeout_s: float = setting(
        _FETCH_DEFAULTS.timeout_s, "Seconds before a request times out.", positive
    )
    max_bytes: int = setting(
        _FETCH_DEFAULTS.max_bytes, "Largest response body accepted, in bytes (decoded).", positive
    )
    max_redirects: int = setting(
        _FETCH_DEFAULTS.max_redirects, "Most redirects followed for one fetch.", at_least(0)
    )
    retries: int = setting(
        _FETCH_DEFAULTS.retries, "Retries after a timeout, network error, 429 or 5xx.", at_least(0)
    )
    per_host_concurrency: int = setting(
        _FETCH_DEFAULTS.per_host_concurrency, "Requests in flight to one host at once.", positive
    )
    per_host_delay_s: float = setting(
        _FETCH_DEFAULTS.per_host_delay_s,
        "Least seconds between two request starts to one host.",
        at_least(0),
    )
    concurrency: int = setting(8, "Article checks in flight at once.", positive)
    respect_robots: bool = setting(_FETCH_DEFAULTS.respect_robots, "Honour robots.txt.")
    allow_private_addresses: bool = setting(
        _FETCH_DEFAULTS.allow_private_addresses,
        "Allow fetching loopback/private addresses (demo, tests).",
    )
    batch_size: int = setting(200, "Most due articles taken per scheduling round.", positive)
    max_new_articles_per_poll: int = setting(
        5_000,
        "Most new articles one listing (feed, sitemap, front page) adds per poll; "
        "the rest are taken on later polls.",
        positive,
    )
    host: str = setting("127.0.0.1", "Address the web server listens on.", not_blank)
    port: int = setting(8080, "Port the web server listens on.", port_number)
    public_url: str = setting(
        "",
        "The web app's public address (https://diffs.example.org) used in feeds, links and "
        "redirects; empty means http://HOST:PORT. The request's Host header is never used.",
        public_base_url,
    )
    web_workers: int = setting(
        0, "Web server worker processes (serve --workers); 0: one per CPU core.", at_least(0)
    )
    web_threads: int = setting(
        4,
        "Threads per web worker process that run page handlers (pages are CPU work and "
        "Python runs one thread at a time: more threads only contend for it).",
        positive,
    )
    admin_token: str = setting(
        "", "Token required for write actions in the web app and API (empty: disabled)."
    )
    broker_url: str = setting(
        "redis://127.0.0.1:6379/0",
        "Distributed mode: the Redis broker (redis://HOST:PORT/DB) of the scheduler and workers.",
        broker_address,
    )
    claim_lease_s: float = setting(
        300.0,
        "Distributed mode: seconds a worker holds a claimed article before another may take it.",
        positive,
    )
    host_queues: int = setting(
        4,
        "Distributed mode: host queues; each host is fetched by the one worker of its queue.",
        positive,
    )
    alerts: tuple[AlertRule, ...] = setting(
        (),
        "Alert rules: the [[alerts]] tables of the config file (docs/alerts.md); in the "
        "environment, a JSON array of them.",
        alert_rule_tables,
    )
    alerts_enabled: bool = setting(
        True, "Deliver alerts (`newsdiffs run` sends them when there are rules)."
    )
    alerts_max_attempts: int = setting(
        12, "Delivery attempts of one alert before it becomes a dead letter.", positive
    )
    alerts_backoff_s: float = setting(
        30.0, "Seconds before the first retry of an alert; doubling, at most 6 hours.", positive
    )
    alerts_lease_s: float = setting(
        120.0, "Seconds a sender holds a claimed alert before another may take it.", positive
    )
    alerts_batch: int = setting(20, "Most alerts one sender claims at once.", positive)
    wayback: bool = setting(
        False, "Archive every new version's URL with the Wayback Machine (SavePageNow)."
    )
    wayback_target: str = setting(
        "waybacks://web.archive.org",
        "Where Wayback archiving goes (waybacks://[ACCESS:SECRET@]host).",
        not_blank,
    )
    wayback_per_hour: int = setting(60, "Most Wayback archive requests per hour.", positive)

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = _typed(spec, getattr(self, spec.name))
            check: Check | None = spec.metadata["check"]
            if check is not None:
                try:
                    value = check(value)
                except ValueError as error:
                    raise ConfigError(f"setting {spec.name}: {error}") from None
            object.__setattr__(self, spec.name, value)

    @property
    def base_url(self) -> str:
        """Where readers reach the web app: ``public_url``, else ``http://host:port``."""
        if self.public_url:
            return self.public_url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


HELP: Mapping[str, str] = MappingProxyType({f.name: f.metadata["help"] for f in fields(Settings)})


def fetch_settings(settings: Settings) -> FetchSettings:
    """The fetcher's settings: every FetchSettings field that is also a setting comes from it;
    the others keep the fetcher's defaults."""
    shared = {f.name for f in fields(Settings)}
    return FetchSettings(
        **{f.name: getattr(settings, f.name) for f in fields(FetchSettings) if f.name in shared}
    )


# --- loading --------------------------------------------------------------------------------


def _typed(spec: Field[Any], raw: Any) -> Any:
    """``raw`` (from TOML, the environment or the command line) as the field's type."""
    kind: type = type(spec.default)
    name = spec.name
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"setting {name}: expected true/false, got {raw!r}")
    if isinstance(raw, bool) and kind is not str:
        raise ConfigError(f"setting {name}: expected {kind.__name__}, got {raw!r}")
    if kind is int and isinstance(raw, float):
        if not raw.is_integer():
            raise ConfigError(f"setting {name}: expected a whole number, got {raw!r}")
        return int(raw)
    if kind is str and not isinstance(raw, str):
        raise ConfigError(f"setting {name}: expected text, got {raw!r}")
    if kind is tuple:  # tables (TOML), or a JSON array of them (environment, command line)
        return _tables(name, raw)
    try:
        return kind(raw)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"setting {name}: expected {kind.__name__}, got {raw!r}") from None


def _tables(name: str, raw: Any) -> tuple[Any, ...]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else []
        except ValueError as error:
            raise ConfigError(f"setting {name}: expected a JSON array, got {error}") from None
    if not isinstance(raw, list | tuple):
        raise ConfigError(f"setting {name}: expected a list of tables, got {raw!r}")
    return tuple(raw)


def override(
    settings: Settings, values: Mapping[str, Any], origin: str = "command line"
) -> Settings:
    """``settings`` with ``values`` applied (None means "not given"): the one path by which the
    config file, the environment and every command-line flag change a setting."""
    known = {f.name: f for f in fields(Settings)}
    changes: dict[str, Any] = {}
    for key, raw in values.items():
        if raw is None:
            continue
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(f"{origin}: unknown setting {key!r}")
        changes[name] = raw
    if not changes:
        return settings
    try:
        return replace(settings, **changes)
    except ConfigError as error:
        raise ConfigError(f"{origin}: {error}") from None


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
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"config file {path}: {error}") from None
        table = data.get("newsdiffs", data)
        if not isinstance(table, dict):
            raise ConfigError(f"config file {path}: [newsdiffs] must be a table")
        if table is not data and "alerts" in data:  # [[alerts]] beside a [newsdiffs] table
            table = {**table, "alerts": data["alerts"]}
        settings = override(settings, table, str(path))
    env = os.environ if environ is None else environ
    names = set(HELP)
    from_env = {
        key[len(ENV_PREFIX) :].lower(): value
        for key, value in env.items()
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX) :].lower() in names
    }
    settings = override(settings, from_env, "environment")
    return override(settings, overrides or {}, "command line")
