"""Secrets never reach a log line or a stored error.

Two layers, because neither alone is enough:
- `redact_text` removes what looks like a secret whatever its origin: Telegram bot tokens
  (they sit inside every Bot API and file URL, so an HTTP client error quoting its URL
  carries one), Slack tokens, the password of a URL, the query of a URL. Used for every
  error text we store (outbox, dead letters) and by the log filter.
- `Redactor` also removes the exact values configured as secrets (signing secrets, webhook
  secrets, database passwords) wherever they appear; `install_log_redaction` puts it on
  every handler of the root logger, so third-party loggers are covered as well.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote

from pydantic import SecretStr
from sqlalchemy.engine import make_url

from config.settings import Settings

MASK = "[redacted]"
MIN_SECRET_LENGTH = 6  # shorter "secrets" would mask ordinary words
_PATTERNS = (
    re.compile(r"(?<![0-9])\d{5,}:[A-Za-z0-9_-]{20,}"),  # Telegram token: <bot id>:<secret>
    re.compile(r"\bx(?:ox[a-z]|app)-[A-Za-z0-9-]{8,}"),  # Slack bot/user/app tokens
    re.compile(r"(?<=://)[^/\s:@]*:[^/\s@]*(?=@)"),  # user:password@ in a URL
    re.compile(r"(?<=[?&])(?:[^=&\s#'\"]*(?:token|secret|key|sig|password)[^=&\s#'\"]*)="
               r"[^&\s#'\"]*", re.IGNORECASE),  # token=…, signature=… in a query
)


def redact_text(text: str) -> str:
    """`text` with every secret-looking token masked."""
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def error_text(exc: BaseException, limit: int = 2000) -> str:
    """An exception as it may be stored: type and message, secrets masked, bounded."""
    return redact_text(f"{type(exc).__name__}: {exc}")[:limit]


class Redactor:
    """Masks the configured secret values (and their URL-quoted forms) and the patterns."""

    def __init__(self, secrets: Iterable[str]) -> None:
        values = {s for s in secrets if len(s) >= MIN_SECRET_LENGTH}
        values |= {quote(s, safe="") for s in values}
        # Longest first, so a secret containing another is masked whole.
        self._values = sorted(values, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        return redact_text(text)


class RedactingFilter(logging.Filter):
    """On a handler: the message, its arguments and any traceback, redacted."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redact = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format: the handler reports it
            return True
        clean = self._redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


def install_log_redaction(redactor: Redactor) -> None:
    """Every handler of the root logger gets the filter (idempotent)."""
    for handler in logging.getLogger().handlers:
        handler.filters = [f for f in handler.filters if not isinstance(f, RedactingFilter)]
        handler.addFilter(RedactingFilter(redactor))


def configured_secrets(settings: Settings) -> list[str]:
    """Every secret the settings hold: SecretStr fields and the database password."""
    values = [
        value.get_secret_value()
        for name in type(settings).model_fields
        if isinstance(value := getattr(settings, name), SecretStr)
    ]
    password = make_url(settings.database_url).password
    return [*values, *([str(password)] if password else [])]
