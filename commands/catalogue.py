"""The one catalogue of commands that Discord, Slack and the console all expose.

A command is defined here once: its path, options, who may run it and whether its reply
is private by default. Adapters build their slash commands, subcommands and help from this
data, and tests check each adapter exposes exactly this list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Audience(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"


class OptionType(StrEnum):
    TEXT = "text"  # free text, e.g. a reason
    WORD = "word"  # a single token, e.g. a setting name
    CREDITS = "credits"  # a stake: whole positive credits, or "all" / "25%"
    AMOUNT = "amount"  # a signed whole number of credits
    ID = "id"  # a positive integer id (market, matchup, bet, quote)
    PICK = "pick"  # a side of a market: home/away/over/under or a team abbreviation
    MEMBER = "member"  # a league member, by name or chat mention
    TEAM = "team"  # a fantasy team of the league, by abbreviation or ESPN team id
    NUMBER = "number"  # a positive whole number that is not an id (an ESPN league id, a season)
    CHOICE = "choice"  # one of `choices`
    DIGITS = "digits"  # a long number kept as text: a league id (Sleeper's outgrow Discord's integers)


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    type: OptionType
    description: str
    required: bool = True
    choices: tuple[str, ...] = ()
    autocomplete: bool = False
    # A secret (ESPN cookies): chat adapters collect it in a private form (a modal), never
    # as a visible command option, and nothing ever echoes it back.
    secret: bool = False
    # An id that may also be typed as a team's abbreviation (`odds hmh`: that team's matchup
    # this week). Where options are typed (Slack, the console); Discord's integer field is
    # filled from autocomplete, which finds a matchup by its teams' names.
    by_team: bool = False
    # Only meaningful when another option has one value (`setup`'s cookies: only for ESPN,
    # the platform's default): (that option's name, the value). A form does not ask for it
    # otherwise.
    only_when: tuple[str, str] | None = None

    def applies(self, args: Mapping[str, Any]) -> bool:
        """Whether the option means anything beside these arguments (see `only_when`); an
        option left out counts as its default, the first of its choices."""
        if self.only_when is None:
            return True
        name, value = self.only_when
        given = args.get(name)
        if given in (None, ""):
            return value == _OPTION_DEFAULTS.get(name, value)
        return str(given).strip().lower() == value


@dataclass(frozen=True, slots=True)
class Command:
    path: tuple[str, ...]
    summary: str
    options: tuple[Option, ...] = ()
    audience: Audience = Audience.MEMBER
    ephemeral: bool = True
    # Actions are reached by buttons (and typed in the console), not as slash commands.
    action: bool = False
    # False for the few commands that work before the workspace has a league (setup, help).
    needs_league: bool = True
    # True where a member's reply differs for a commissioner (help lists their commands too).
    # With `audience`, it tells the chat adapters when to find out who is a commissioner:
    # a read of the league's settings they skip for every other member command.
    shows_admin: bool = False

    @property
    def name(self) -> str:
        return " ".join(self.path)

    @property
    def usage(self) -> str:
        parts = [self.name]
        for option in self.options:
            # A choice is shown as its choices (`notify [on/off]`): what is typed, not a name.
            shown = "/".join(option.choices) if option.choices else option.name
            parts.append(f"<{shown}>" if option.required else f"[{shown}]")
        return " ".join(parts)


#: The fantasy platforms `setup` can link, the first being the default.
PLATFORMS: tuple[str, ...] = ("espn", "sleeper", "yahoo")
#: What an optional choice left out stands for, where another option depends on it (`only_when`).
_OPTION_DEFAULTS: dict[str, str] = {"platform": PLATFORMS[0]}


def is_leading_choice(options: tuple[Option, ...] | list[Option], index: int) -> bool:
    """Whether option `index` is an optional choice before a required option, like `setup`'s
    platform: typed words bind to it only when they are one of its choices (else it is left at
    its default), and it is the one kind of optional option a required one may follow."""
    option = options[index]
    return (
        option.type is OptionType.CHOICE
        and not option.required
        and any(later.required for later in options[index + 1 :])
    )


def _id(name: str, what: str, *, autocomplete: bool = True, by_team: bool = False) -> Option:
    return Option(name, OptionType.ID, what, autocomplete=autocomplete, by_team=by_team)


CATALOGUE: tuple[Command, ...] = (
    # --- members -----------------------------------------------------------------------
    Command(("markets",), "This week's lines, one row per matchup, with lock times.", ephemeral=False),
    Command(
        ("odds",),
        "Every market of one matchup (or one NFL game), with fair probabilities.",
        (
            _id(
                "matchup",
                "Matchup number from `markets`, or a team's abbreviation (a fantasy team's or an NFL team's)",
                by_team=True,
            ),
        ),
    ),
    Command(
        ("games",),
        "This week's real NFL games: moneyline, spread and total, with fair probabilities.",
        ephemeral=False,
    ),
    Command(
        ("bet",),
        "Get a bet slip (quote) to confirm: market, pick and stake.",
        (
            _id("market", "Market number from `odds`"),
            Option(
                "pick",
                OptionType.PICK,
                "home/away, over/under or a team abbreviation",
                autocomplete=True,
            ),
            Option("stake", OptionType.CREDITS, "Credits to stake: a whole number, 25% or all"),
        ),
    ),
    Command(("mybets",), "Your open bets and recent results."),
    Command(
        ("cancel",),
        "Cancel one of your open bets before its market locks.",
        (_id("bet", "Bet number from `mybets`"),),
    ),
    Command(("balance",), "Your credits, what is at stake and this week's result."),
    Command(
        ("rebuy",),
        "Get more credits once a week when you can't cover the minimum stake (a season-score penalty).",
    ),
    Command(
        ("leaderboard",),
        "Standings of the league's bettors.",
        (
            Option(
                "period",
                OptionType.CHOICE,
                "week or season",
                required=False,
                choices=("week", "season"),
            ),
        ),
        ephemeral=False,
    ),
    Command(
        ("stats",),
        "Betting record, ROI, average odds and closing-line value, yours or a member's.",
        (
            Option(
                "member",
                OptionType.MEMBER,
                "Whose stats (a name or mention; yours when left out)",
                required=False,
                autocomplete=True,
            ),
        ),
    ),
    Command(
        ("history",),
        "Your finished bets, newest first, a page at a time.",
        (Option("page", OptionType.NUMBER, "Page number; 1 is the newest", required=False),),
    ),
    Command(
        ("scoreboard",),
        "This week's fantasy matchups: score, projection and live win chance.",
        ephemeral=False,
    ),
    Command(("standings",), "The fantasy league's standings.", ephemeral=False),
    Command(
        ("claim",),
        "Tell the commissioner which ESPN team is yours.",
        (Option("team", OptionType.TEAM, "Your team's abbreviation", autocomplete=True),),
    ),
    Command(
        ("notify",),
        "Get a direct message with your results when your bets settle (on/off).",
        (
            Option(
                "dms",
                OptionType.CHOICE,
                "on or off; leave out to see which is set",
                required=False,
                choices=("on", "off"),
            ),
        ),
    ),
    Command(
        ("help",),
        "What you can do here.",
        (Option("command", OptionType.TEXT, "A command to explain", required=False),),
        needs_league=False,
        shows_admin=True,
    ),
    # --- bet slip buttons --------------------------------------------------------------
    Command(
        ("confirm",),
        "Place the bet on a slip.",
        (_id("quote", "Slip number, shown on the slip"),),
        action=True,
    ),
    Command(
        ("discard",),
        "Throw a bet slip away.",
        (_id("quote", "Slip number, shown on the slip"),),
        action=True,
    ),
    # --- parlays (commands/services/parlays.py) -----------------------------------------
    Command(
        ("parlay", "add"),
        "Add a selection to your parlay slip: market and pick.",
        (
            _id("market", "Market number from `odds` or `games`"),
            Option(
                "pick", OptionType.PICK, "home/away, over/under or a team abbreviation", autocomplete=True
            ),
        ),
    ),
    Command(
        ("parlay", "remove"),
        "Take a leg off your parlay slip.",
        (Option("leg", OptionType.NUMBER, "Leg number, from `parlay show`"),),
    ),
    Command(("parlay", "show"), "Your parlay slip: its legs and combined odds."),
    Command(("parlay", "clear"), "Empty your parlay slip."),
    Command(
        ("parlay", "bet"),
        "Quote your parlay slip at a stake, to confirm.",
        (Option("stake", OptionType.CREDITS, "Credits to stake: a whole number, 25% or all"),),
    ),
    Command(("parlay", "mine"), "Your parlays and their results."),
    Command(
        ("parlay", "confirm"),
        "Place the parlay on a slip.",
        (_id("quote", "Slip number, shown on the parlay slip", autocomplete=False),),
        action=True,
    ),
    # --- commissioners -----------------------------------------------------------------
    Command(
        ("setup",),
        "Link this server to an ESPN, Sleeper or Yahoo league (cookies only for private ESPN ones).",
        (
            Option(
                "platform",
                OptionType.CHOICE,
                "Where the league is played: espn (the default), sleeper or yahoo",
                required=False,
                choices=PLATFORMS,
            ),
            Option(
                "league",
                OptionType.DIGITS,
                "League id (ESPN: leagueId in its URL; Sleeper: after /league/; Yahoo: after /f1/)",
            ),
            Option("season", OptionType.NUMBER, "Season year; detected when left out", required=False),
            Option(
                "espn_s2",
                OptionType.TEXT,
                "espn_s2 cookie (private ESPN leagues)",
                required=False,
                secret=True,
                only_when=("platform", "espn"),
            ),
            Option(
                "swid",
                OptionType.TEXT,
                "SWID cookie (private ESPN leagues)",
                required=False,
                secret=True,
                only_when=("platform", "espn"),
            ),
            Option(
                "code",
                OptionType.TEXT,
                "The code Yahoo shows after you approve access (leave empty to get the link)",
                required=False,
                secret=True,
                only_when=("platform", "yahoo"),
            ),
        ),
        audience=Audience.ADMIN,
        needs_league=False,
    ),
    Command(
        ("link",),
        "Tie a member to the ESPN team they own (also approves a claim).",
        (
            Option("member", OptionType.MEMBER, "Who", autocomplete=True),
            Option("team", OptionType.TEAM, "Their team's abbreviation", autocomplete=True),
        ),
        audience=Audience.ADMIN,
    ),
    Command(("channel",), "Post lines and results in this channel.", audience=Audience.ADMIN),
    Command(("sync",), "Read the league from ESPN now.", audience=Audience.ADMIN),
    Command(("config", "show"), "Show the league's settings.", audience=Audience.ADMIN),
    Command(
        ("config", "set"),
        "Change one league setting.",
        (
            Option("setting", OptionType.WORD, "Setting name (see config show)", autocomplete=True),
            Option("value", OptionType.TEXT, "New value"),
        ),
        audience=Audience.ADMIN,
    ),
    Command(
        ("void", "market"),
        "Void a market: every bet on it is refunded.",
        (
            _id("market", "Market number"),
            Option("reason", OptionType.TEXT, "Why (shown to bettors)"),
        ),
        audience=Audience.ADMIN,
    ),
    Command(
        ("void", "bet"),
        "Void one bet and refund it.",
        (_id("bet", "Bet number"), Option("reason", OptionType.TEXT, "Why (shown to the bettor)")),
        audience=Audience.ADMIN,
    ),
    Command(
        ("adjust",),
        "Give or take credits from a member.",
        (
            Option("member", OptionType.MEMBER, "Who", autocomplete=True),
            Option("amount", OptionType.AMOUNT, "Credits, negative to take"),
            Option("reason", OptionType.TEXT, "Why (recorded in the audit log)"),
        ),
        audience=Audience.ADMIN,
    ),
    Command(("settle",), "Settle the week now if every game is final.", audience=Audience.ADMIN),
    Command(
        ("export",),
        "Download every bet and ledger entry of the league as CSV files.",
        audience=Audience.ADMIN,
    ),
    Command(
        ("calibration",),
        "How well the lines did: moneyline Brier score, totals calibration and the fitted k.",
        audience=Audience.ADMIN,
    ),
    Command(("pause",), "Stop taking bets until resumed.", audience=Audience.ADMIN),
    Command(("resume",), "Take bets again.", audience=Audience.ADMIN),
)

BY_NAME: dict[str, Command] = {command.name: command for command in CATALOGUE}


def slash_commands() -> tuple[Command, ...]:
    """What chat platforms register as commands (actions are buttons)."""
    return tuple(c for c in CATALOGUE if not c.action)


def match(words: list[str]) -> tuple[Command, list[str]] | None:
    """The longest catalogue path that starts `words`, and the words left over."""
    for length in (2, 1):
        if len(words) >= length:
            command = BY_NAME.get(" ".join(w.lower() for w in words[:length]))
            if command is not None:
                return command, words[length:]
    return None
