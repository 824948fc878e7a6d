"""Masking of API keys in URLs, messages and log records.

FMP takes its key only as the `apikey` query parameter, so every FMP URL
carries the key. Anything that may reach a log, the screen or the database
passes through these functions first.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "***"

# A query parameter whose value is a credential, in a URL or in free text.
# The name is matched case-insensitively, so apiKey and APIKEY are covered.
_SECRET_PARAM = re.compile(
    r"(?i)(?P<name>[?&;](?:apikey|api_key|token)=)(?P<value>[^&#\s'\"<>]*)"
)
_BEARER = re.compile(r"(?i)(?P<scheme>\bbearer\s+)(?P<value>[^\s'\",]+)")

# Loggers that print request URLs. A logging.Filter on a logger runs only for
# records created by that logger, not for those of its children, so each
# child that httpcore uses is listed.
HTTP_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


def redact_url(url: str) -> str:
    """Replace the values of apikey, api_key and token query parameters by ***."""
    return _SECRET_PARAM.sub(lambda match: match.group("name") + MASK, url)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask each of `secrets`, credential query parameters and bearer tokens."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    text = _SECRET_PARAM.sub(lambda match: match.group("name") + MASK, text)
    return _BEARER.sub(lambda match: match.group("scheme") + MASK, text)


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in each record's message and traceback.

    It rewrites the record in place and never drops one. The formatted
    traceback is stored in `exc_text`, which logging.Formatter prints in place
    of formatting the exception again.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = {secret for secret in secrets if secret}

    def add_secret(self, secret: str) -> None:
        """Mask `secret` in every record from now on."""
        if secret:
            self._secrets.add(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        redacted = redact_text(message, self._secrets)
        if redacted != message or record.args:
            record.msg = redacted
            record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact_text(formatted, self._secrets)
        return True


_installed: RedactingFilter | None = None


def install_log_redaction(
    secrets: Iterable[str] = (), loggers: Iterable[str] = HTTP_LOGGERS
) -> RedactingFilter:
    """Attach one shared RedactingFilter to the httpx and httpcore loggers.

    Calling it again adds `secrets` to the same filter. Attach the returned
    filter to a handler as well to cover loggers outside `loggers`.
    """
    global _installed
    if _installed is None:
        _installed = RedactingFilter()
    for secret in secrets:
        _installed.add_secret(secret)
    for name in loggers:
        logger = logging.getLogger(name)
        if _installed not in logger.filters:
            logger.addFilter(_installed)
    return _installed
