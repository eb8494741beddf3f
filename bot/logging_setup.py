"""Logging that cannot leak secrets.

The redactor sits on the handlers, so it sees every record from every library (httpx
URLs, SQLAlchemy errors, tracebacks) after formatting and masks any configured secret
value, plus anything that looks like an ESPN cookie or a Slack/Discord token.

Every record also carries `ref`, the reference id of the request (or job pass) being
served when it was written (commands/reference.py), so one grep finds a whole request.
Lines are text by default, or one JSON object each (`log_format = "json"`) for shippers.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

from commands.reference import current_reference

_PATTERNS = (
    re.compile(r"(espn_s2=)[^;&\s]+", re.I),
    re.compile(r"(SWID=)\{?[0-9A-F-]{36}\}?", re.I),
    re.compile(r"()xox[abpre]-[A-Za-z0-9-]+"),
    re.compile(r"()xapp-[A-Za-z0-9-]+"),
    # Yahoo's OAuth: a bearer token in a header, a code in a callback URL, tokens in a JSON body.
    re.compile(r"(Bearer )[A-Za-z0-9._~+/=-]+"),
    re.compile(r"([?&]code=)[^&\s\"']+"),
    re.compile(r"(\"(?:access|refresh)_token\":\s*\")[^\"]+"),
)
REDACTED = "[redacted]"


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(ref)s]: %(message)s"


class ReferenceFilter(logging.Filter):
    """Stamps each record with the current request's reference id ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.ref = current_reference() or "-"
        return True


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


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, ref, message (and the traceback).

    Each text field is redacted before encoding, so a secret cannot hide behind JSON escaping.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "ref": getattr(record, "ref", None) or current_reference() or "-",
            "message": redact(record.getMessage(), self.secrets),
        }
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info), self.secrets)
        return json.dumps(line, ensure_ascii=False)


def make_handler(
    secrets: Iterable[str], log_file: str | None = None, log_format: Literal["text", "json"] = "text"
) -> logging.Handler:
    handler: logging.Handler = (
        logging.FileHandler(log_file) if log_file else logging.StreamHandler(sys.stderr)
    )
    secrets = list(secrets)
    formatter = JsonFormatter(secrets) if log_format == "json" else RedactingFormatter(TEXT_FORMAT, secrets)
    handler.setFormatter(formatter)
    handler.addFilter(ReferenceFilter())
    return handler


def configure_logging(
    level: str,
    secrets: Iterable[str],
    log_file: str | None = None,
    log_format: Literal["text", "json"] = "text",
) -> None:
    handler = make_handler(secrets, log_file, log_format)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in DRIVER_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
