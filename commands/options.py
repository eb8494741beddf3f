"""Turning what a user typed (or a platform sent) into typed option values.

Every check here runs before the database is touched, so a malformed command can never
write anything. Messages name the option and say what would have worked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from commands.catalogue import Command, Option, OptionType
from commands.errors import InvalidInput

MAX_TEXT = 300
MAX_SECRET = 4000  # espn_s2 cookies run past 300 characters
MAX_ADJUST = 1_000_000_000
# Longer than any count of credits or id could be. Python refuses to convert a number of
# more than 4,300 digits (and takes quadratic time below that), so length is checked first.
MAX_DIGITS = 100
_TOO_LONG = 10**MAX_DIGITS
_MENTION = re.compile(r"^<@!?([A-Za-z0-9]+)(\|[^>]*)?>$")
_INTEGER = re.compile(r"[+-]?\d+")
_SHOWN = 40
_ABBREV = re.compile(r"[A-Za-z][A-Za-z0-9]{0,9}")


def or_list(words: tuple[str, ...]) -> str:
    """'on or off', 'week, season or all': the choices of an option, as a sentence says them."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def shown(raw: Any) -> str:
    """What the user typed, short enough to quote back in a message."""
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) >= _TOO_LONG:
        return "that number"
    text = str(raw)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def whole_number(text: str, what: str) -> int | None:
    """The integer `text` spells (a sign allowed), or None if it spells none.

    A number of more than MAX_DIGITS digits is refused as too long for `what` before it is
    converted, so no input can reach the interpreter's own conversion limit.
    """
    if not _INTEGER.fullmatch(text):
        return None
    digits = text.lstrip("+-").lstrip("0")  # leading zeros count towards the limit too
    if len(digits) > MAX_DIGITS:
        raise InvalidInput(f"'{shown(text)}' is far too long to be {what}.")
    return int(digits or "0") * (-1 if text.startswith("-") else 1)


def _whole_int(raw: int, what: str) -> int:
    """An integer a platform sent as one (Discord's integer options), held to MAX_DIGITS too."""
    if abs(raw) >= _TOO_LONG:
        raise InvalidInput(f"That number is far too long to be {what}.")
    return raw


@dataclass(frozen=True, slots=True)
class StakeRequest:
    """A stake as asked for; the exact credits depend on the balance and limits."""

    amount: int | None = None
    percent: int | None = None
    all_in: bool = False

    def resolve(self, balance: int, max_stake: int) -> int:
        if self.amount is not None:
            return self.amount
        if self.percent is not None:
            return balance * self.percent // 100
        return min(balance, max_stake)


def parse_stake(raw: Any) -> StakeRequest:
    if isinstance(raw, bool):
        raise InvalidInput("Stake must be a whole number of credits, like 50.")
    if isinstance(raw, int):
        return _whole_stake(_whole_int(raw, "a stake"))
    text = str(raw).strip().lower().replace(",", "").replace("_", "")
    if text in {"all", "all-in", "allin", "max"}:
        return StakeRequest(all_in=True)
    if text.endswith("%"):
        number = text[:-1].strip()
        percent = whole_number(number, "a percentage") if number.isdigit() else None
        if percent is None or not 1 <= percent <= 100:
            raise InvalidInput(f"'{shown(raw)}' isn't a percentage of your balance from 1% to 100%.")
        return StakeRequest(percent=percent)
    value = whole_number(text, "a stake")
    if value is not None:
        return _whole_stake(value)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)", text):
        raise InvalidInput("Credits are whole numbers: stake something like 50, not a fraction.")
    raise InvalidInput(f"'{shown(raw)}' isn't a number of credits. Try 50, 25% or all.")


def _whole_stake(value: int) -> StakeRequest:
    if value <= 0:
        raise InvalidInput("Stake must be at least 1 credit.")
    return StakeRequest(amount=value)


def parse_id(raw: Any, option: Option) -> int | str:
    """An id; for an option that takes a team instead (`by_team`), a team's abbreviation
    (lower case) where the text is a single word that isn't a number."""
    what = f"a {option.name} number"
    if isinstance(raw, int) and not isinstance(raw, bool):
        value: int | None = _whole_int(raw, what)
    else:
        text = str(raw).strip().lstrip("#")
        value = whole_number(text, what) if text.isdigit() else None
        if value is None and option.by_team and _ABBREV.fullmatch(text):
            return text.lower()
    if value is None or not 1 <= value <= 2**62:
        what = f"{what} or a team's abbreviation" if option.by_team else what
        raise InvalidInput(f"'{shown(raw)}' isn't {what}. {_where(option)}".rstrip())
    return value


def _where(option: Option) -> str:
    return {
        "market": "Market numbers are listed by `odds <matchup>`.",
        "matchup": "Matchup numbers are listed by `markets`.",
        "bet": "Your bet numbers are listed by `mybets`.",
        "quote": "Slip numbers are shown on the slip.",
    }.get(option.name, "")


_EXAMPLES = {"page": "2", "season": "2026"}


def parse_number(raw: Any, option: Option) -> int:
    what = f"`{option.name}`"
    value: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = _whole_int(raw, what)
    elif not isinstance(raw, bool):
        text = str(raw).strip().replace(",", "")
        value = whole_number(text, what) if text.isdigit() else None
    if value is None or not 1 <= value <= 2**62:
        example = _EXAMPLES.get(option.name, "123456")
        raise InvalidInput(f"{what} must be a whole number from 1 up, like {example}; '{shown(raw)}' isn't.")
    return value


#: Longest league id taken: Sleeper's are 18-19 digits, ESPN's far fewer.
MAX_ID_DIGITS = 20


def parse_digits(raw: Any, option: Option) -> str:
    """A league id as its digits (no sign, no leading zeros), kept as text: a Sleeper id is
    longer than the integers Discord's options carry."""
    text = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    digits = text.lstrip("0")
    if not text.isascii() or not text.isdigit() or not digits or len(digits) > MAX_ID_DIGITS:
        raise InvalidInput(
            f"`{option.name}` must be a league id, digits only, like 1048291839281745920; "
            f"'{shown(raw)}' isn't."
        )
    return digits


def parse_amount(raw: Any) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        value: int | None = _whole_int(raw, "an adjustment")
    else:
        value = whole_number(str(raw).strip().replace(",", "").replace("_", ""), "an adjustment")
    if value is None:
        raise InvalidInput(f"'{shown(raw)}' isn't a whole number of credits (use -50 to take credits).")
    if value == 0:
        raise InvalidInput("An adjustment of 0 credits changes nothing.")
    if abs(value) > MAX_ADJUST:
        raise InvalidInput(f"Adjustments are limited to {MAX_ADJUST:,} credits at a time.")
    return value


def parse_option(option: Option, raw: Any) -> Any:
    if option.type is OptionType.CREDITS:
        return parse_stake(raw)
    if option.type is OptionType.ID:
        return parse_id(raw, option)
    if option.type is OptionType.AMOUNT:
        return parse_amount(raw)
    if option.type is OptionType.NUMBER:
        return parse_number(raw, option)
    if option.type is OptionType.DIGITS:
        return parse_digits(raw, option)
    text = str(raw).strip()
    if not text:
        raise InvalidInput(f"`{option.name}` can't be empty.")
    limit = MAX_SECRET if option.secret else MAX_TEXT
    if len(text) > limit:
        raise InvalidInput(f"`{option.name}` is too long (at most {limit} characters).")
    if option.type is OptionType.CHOICE:
        if text.lower() not in option.choices:
            raise InvalidInput(f"'{shown(text)}' isn't {or_list(option.choices)}.")
        return text.lower()
    if option.type is OptionType.MEMBER:
        mention = _MENTION.match(text)
        return mention.group(1) if mention else text.lstrip("@")
    if option.secret:
        return text  # never echoed: no message here may quote it
    if option.type in (OptionType.PICK, OptionType.WORD, OptionType.TEAM):
        if " " in text:
            raise InvalidInput(f"'{shown(text)}' isn't a {option.name}: that's one word, with no spaces.")
        return text.lower()
    return text


def parse_options(command: Command, raw: dict[str, Any]) -> dict[str, Any]:
    """Validate and convert every option of `command`; unknown options are an error."""
    known = {o.name for o in command.options}
    extra = sorted(set(raw) - known)
    if extra:
        raise InvalidInput(f"`{command.name}` doesn't take {', '.join(extra)}. Usage: `{command.usage}`")
    values: dict[str, Any] = {}
    for option in command.options:
        value = raw.get(option.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if option.required:
                raise InvalidInput(f"`{command.name}` needs `{option.name}`. Usage: `{command.usage}`")
            values[option.name] = None
            continue
        values[option.name] = parse_option(option, value)
    return values
