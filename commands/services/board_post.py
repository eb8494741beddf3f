"""The "lines are up" post: a week's markets board, worded when it is delivered.

The post is a view of the book, as a sportsbook's odds page is: every reprice and every
lock changes it. Worded when the book opened, and again at each change, it cost the tick
that opens a league's lines a tenth of its time (the whole board read back as ORM rows
right after writing it), and every repricing tick as much again, for a message the
outbox sends later anyway. So the tick queues the post as the week it shows (or marks it
due again when the book moved), and the outbox loop words it here from the book as it is
when the post goes out: edits between two deliveries are one edit, and what the league
reads is never older than the delivery.
"""

from __future__ import annotations

from datetime import datetime

from commands.league_settings import LeagueSettings
from commands.posts import lines_up_post
from commands.replies import Reply
from commands.services.board import WeekMarkets, board_lines
from storage.database import Database
from storage.models import League, Week

LINES_UP_KIND = "lines_up"


def board_key(week_id: int) -> str:
    """The week's board post's dedupe key: one post per week, edited in place."""
    return f"lines_up:week:{week_id}"


async def board_post(db: Database, league: League, week_id: int, now: datetime) -> Reply:
    """The week's lines-up post as the book stands at `now`."""
    settings = LeagueSettings.of(league.settings)
    async with db.read() as session:
        week = await session.get(Week, week_id)
        if week is None:  # a league's rows are never deleted while its posts wait
            raise LookupError(f"week {week_id} of league {league.id} is gone")
        lines = WeekMarkets()
        if week.markets_open:
            lines = await board_lines(session, week, now, popular=settings.popular_picks)
        return lines_up_post(league, settings, week, lines, now)
