"""Keep secrets out of logs that discord.py writes.

discord.py logs raw gateway events and HTTP bodies at DEBUG. A modal submission carries
what the user typed, which for `setup` is their ESPN cookies, so those loggers never emit
DEBUG records, whatever level the application runs at. (The bot token is never logged by
discord.py: it travels only in the Authorization header and the IDENTIFY frame.)
"""

from __future__ import annotations

import logging

PAYLOAD_LOGGERS = ("discord.gateway", "discord.http", "discord.webhook.async_", "discord.state")


class NoPayloadDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


def silence_payload_logs() -> None:
    for name in PAYLOAD_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoPayloadDebug) for f in logger.filters):
            logger.addFilter(NoPayloadDebug())
