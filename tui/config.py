"""Settings from the config file and the environment; the environment wins.

The config file is `config.toml` in the user config directory, for example:

    [providers]
    order = ["fmp", "polygon"]
    stale_sessions = 3

    [providers.fmp]
    api_key = "..."
    plan = "starter"

    [providers.polygon]
    plan = "free"

Environment: FMP_API_KEY, POLYGON_API_KEY, FMP_BASE_URL, POLYGON_BASE_URL,
TARGETDESK_FMP_PLAN, TARGETDESK_POLYGON_PLAN, TARGETDESK_PROVIDERS (such as
"polygon,fmp") and TARGETDESK_STALE_SESSIONS.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs

from domain.errors import TargetdeskError
from providers.plans import plan_for
from providers.setup import (
    FMP_BASE_URL,
    POLYGON_BASE_URL,
    PROVIDER_NAMES,
    EngineSettings,
    ProviderConfig,
)
from storage.paths import APP_NAME

CONFIG_ENV = "TARGETDESK_CONFIG"
_BASE_URLS = {"fmp": FMP_BASE_URL, "polygon": POLYGON_BASE_URL}


class ConfigError(TargetdeskError):
    """The config file or an environment variable has an invalid value."""


def config_path() -> Path:
    """Return the config file path; TARGETDESK_CONFIG overrides it."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(
            "Invalid config file", f"{path}: {error}; fix or delete the file"
        ) from None


def _order(value: object, where: str) -> tuple[str, ...]:
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list | tuple):
        raise ConfigError("Invalid provider order", f"{where}: expected a list")
    order = tuple(str(n).strip().lower() for n in names if str(n).strip())
    unknown = [n for n in order if n not in PROVIDER_NAMES]
    if unknown or not order:
        raise ConfigError(
            "Invalid provider order",
            f"{where}={value!r}: use names from {', '.join(PROVIDER_NAMES)}",
        )
    return order


def load_settings(
    env: Mapping[str, str] | None = None, path: Path | None = None
) -> EngineSettings:
    """Read engine settings from the config file, then the environment."""
    env = os.environ if env is None else env
    path = path or config_path()
    data = _read_file(path).get("providers", {})
    order = _order(data.get("order", list(PROVIDER_NAMES)), f"{path} providers.order")
    if env.get("TARGETDESK_PROVIDERS"):
        order = _order(env["TARGETDESK_PROVIDERS"], "TARGETDESK_PROVIDERS")
    configs = []
    for name in order:
        section = data.get(name, {})
        upper = name.upper()
        plan = env.get(f"TARGETDESK_{upper}_PLAN") or section.get("plan") or "free"
        try:
            plan_for(name, str(plan))
        except ValueError as error:
            raise ConfigError("Invalid plan", str(error)) from None
        configs.append(
            ProviderConfig(
                name=name,
                api_key=env.get(f"{upper}_API_KEY") or section.get("api_key"),
                base_url=env.get(f"{upper}_BASE_URL")
                or section.get("base_url")
                or _BASE_URLS[name],
                plan=str(plan),
            )
        )
    raw = env.get("TARGETDESK_STALE_SESSIONS") or data.get("stale_sessions", 3)
    try:
        stale = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(
            "Invalid stale tolerance",
            f"stale_sessions={raw!r}: use a whole number of trading sessions",
        ) from None
    if stale < 0:
        raise ConfigError(
            "Invalid stale tolerance", f"stale_sessions={stale}: use 0 or more"
        )
    return EngineSettings(providers=tuple(configs), stale_sessions=stale)
