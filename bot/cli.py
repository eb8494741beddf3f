"""`sidebet ...`: the command line entry point."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.logging_setup import configure_logging
from bot.settings import Settings


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database)
    return None


def _reset(settings: Settings, yes: bool) -> bool:
    """Delete the demo's SQLite file, after asking at a terminal (`--yes` skips the question).
    False when nothing was deleted because the user said no or could not be asked."""
    path = _sqlite_path(settings.database_url)
    if path is None:
        raise SystemExit("--reset only removes a SQLite demo database; drop other databases yourself.")
    if path.exists() and not yes:
        if not sys.stdin.isatty():
            print(
                f"sidebet: --reset deletes {path} (every bet, balance and the demo clock); "
                "add --yes to do that without a terminal to ask at.",
                file=sys.stderr,
            )
            return False
        try:
            question = f"Start the demo over? This deletes {path}: every bet, balance and the clock. [y/N] "
            answer = input(question)
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was deleted.")
            return False
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="sidebet", description="A play-money sportsbook for fantasy leagues."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the bot (the console demo when no chat token is set)")
    console = sub.add_parser("console", help="play the demo league in this terminal")
    for p in (run, console):
        p.add_argument("--reset", action="store_true", help="start the demo over (SQLite only); asks first")
        p.add_argument("--yes", action="store_true", help="with --reset: don't ask")
    sub.add_parser("migrate", help="bring the database schema up to date and exit")
    args = parser.parse_args(argv)

    settings = Settings()
    # "-" logs to standard error (containers, systemd's journal); the default is a file, since
    # the console demo keeps the terminal for the game itself.
    log_file = settings.log_file or "sidebet.log"
    configure_logging(
        settings.log_level, settings.secrets(), None if log_file == "-" else log_file, settings.log_format
    )
    if args.command == "migrate":
        from bot.app import open_database

        async def _migrate() -> None:
            db = await open_database(settings.database_url)
            await db.dispose()

        asyncio.run(_migrate())
        print("Database is up to date.")
        return 0
    if args.command == "run" and settings.has_chat_tokens:
        from bot.chat import run_bot

        try:
            asyncio.run(run_bot(settings))
        except ValueError as exc:  # a missing setting, named (never its value)
            print(f"sidebet: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            pass
        return 0
    if args.reset and not _reset(settings, args.yes):
        return 1
    from bot.app import run_console

    try:
        asyncio.run(run_console(settings, sys.stdin, sys.stdout))
    except KeyboardInterrupt:
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
