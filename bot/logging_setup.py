"""Logging that cannot leak secrets.

The redactor sits on the handlers, so it sees every record from every library (httpx
URLs, SQLAlchemy errors, tracebacks) after formatting and masks any configured secret
value, plus anything that looks like an ESPN cookie or a Slack/Discord token.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

_PATTERNS = (
    re.compile(r"(espn_s2=)[^;&\s]+", re.I),
    re.compile(r"(SWID=)\{?[0-9A-F-]{36}\}?", re.I),
    re.compile(r"()xox[abpre]-[A-Za-z0-9-]+"),
    re.compile(r"()xapp-[A-Za-z0-9-]+"),
)
REDACTED = "[redacted]"


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


# Database drivers log every statement with its parameters at DEBUG, and parameters can be
# ESPN cookies being saved (and SQLAlchemy logs every statement at INFO); they never log
# below WARNING, whatever the configured level.
DRIVER_LOGGERS = ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool")


def configure_logging(level: str, secrets: Iterable[str], log_file: str | None = None) -> None:
    handler: logging.Handler = (
        logging.FileHandler(log_file) if log_file else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in DRIVER_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
