"""Provider slots and retry bounds: the state the engine keeps per provider."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.errors import ErrorKind
from domain.models import ResolvedPrice
from providers.limiter import Limiter
from providers.strategies import ProviderClient


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounds on retrying one job: attempts, total time and backoff."""

    attempts: int = 4
    timeout: float = 90.0
    wait_initial: float = 1.0
    wait_max: float = 30.0
    wait_jitter: float = 1.0
    max_pause: float = 120.0
    """A Retry-After longer than this ends the job, so the chain moves on."""


@dataclass
class ProviderSlot:
    """A configured provider: its client, limiter and what this run disabled."""

    client: ProviderClient
    limiter: Limiter
    disabled: str | None = None
    """The reason no request of this run goes to the provider, or None."""
    disabled_kind: ErrorKind = ErrorKind.INVALID_KEY
    """The error kind that disabled the provider."""
    disabled_endpoints: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    """Symbols this provider returned no quote for; not asked again this run."""
    consecutive_429: int = 0
    consecutive_failures: int = 0
    """Transient failures in a row (connections, timeouts, 5xx), reset by a success."""

    def disable(self, kind: ErrorKind, reason: str) -> None:
        """Send no more requests to this provider in this run."""
        self.disabled = reason
        self.disabled_kind = kind

    @property
    def name(self) -> str:
        """Provider name."""
        return self.limiter.provider


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """Prices a refresh resolved, by symbol, with a count per source."""

    resolved: dict[str, ResolvedPrice]
    by_source: dict[str, int]
    unresolved: tuple[str, ...]
    """Symbols that ended without a live or fresh price."""
    unquoted: tuple[str, ...] = ()
    """Unresolved symbols that no configured provider quotes."""
