"""Settings come from TOML with environment overrides; secrets never reach a log line."""

from __future__ import annotations

import logging

from bot.logging_setup import RedactingFormatter, redact
from bot.settings import Settings


def test_toml_then_environment(tmp_path, monkeypatch):
    config = tmp_path / "sidebet.toml"
    config.write_text(
        'database_url = "sqlite+aiosqlite:///x.db"\nlog_level = "DEBUG"\n[slack]\nmode = "http"\n'
    )
    monkeypatch.setenv("SIDEBET_CONFIG", str(config))
    monkeypatch.setenv("SIDEBET_LOG_LEVEL", "WARNING")
    monkeypatch.setenv("SIDEBET_DISCORD__TOKEN", "discord-secret-token-value")
    settings = Settings()
    assert settings.database_url == "sqlite+aiosqlite:///x.db"
    assert settings.log_level == "WARNING"
    assert settings.slack.mode == "http"
    assert settings.has_chat_tokens
    assert "discord-secret-token-value" not in repr(settings)
    assert "discord-secret-token-value" in settings.secrets()


def test_example_config_parses(monkeypatch):
    monkeypatch.setenv("SIDEBET_CONFIG", "config.example.toml")
    settings = Settings()
    assert settings.database_url.startswith("sqlite+aiosqlite")
    assert not settings.has_chat_tokens


def test_redactor_masks_configured_and_known_secret_shapes():
    secrets = ["AEBzXyZ-espn-s2-cookie-value", "{4C1C5C2B-9C8A-4F3E-9E0B-1234567890AB}"]
    formatter = RedactingFormatter("%(message)s", secrets)
    record = logging.LogRecord(
        "x",
        logging.ERROR,
        __file__,
        1,
        "GET /league cookies=espn_s2=%s; SWID=%s token xoxb-123-abc",
        (secrets[0], secrets[1]),
        None,
    )
    line = formatter.format(record)
    for secret in secrets:
        assert secret not in line
    assert "xoxb-123-abc" not in line
    assert redact("espn_s2=abc123; other=1") == "espn_s2=[redacted]; other=1"


def test_driver_loggers_never_log_statements(tmp_path):
    from bot.logging_setup import DRIVER_LOGGERS, configure_logging

    configure_logging("DEBUG", [], str(tmp_path / "x.log"))
    try:
        assert all(logging.getLogger(n).getEffectiveLevel() >= logging.INFO for n in DRIVER_LOGGERS)
    finally:
        for name in DRIVER_LOGGERS:
            logging.getLogger(name).setLevel(logging.NOTSET)
        logging.getLogger().handlers[:] = []
