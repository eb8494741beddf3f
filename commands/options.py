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
_MENTION = re.compile(r"^<@!?([A-Za-z0-9]+)(\|[^>]*)?>$")


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
        return _whole_stake(raw)
    text = str(raw).strip().lower().replace(",", "").replace("_", "")
    if text in {"all", "all-in", "allin", "max"}:
        return StakeRequest(all_in=True)
    if text.endswith("%"):
        number = text[:-1].strip()
        if not number.isdigit() or not 1 <= int(number) <= 100:
            raise InvalidInput(f"'{raw}' isn't a percentage of your balance from 1% to 100%.")
        return StakeRequest(percent=int(number))
    if re.fullmatch(r"[+-]?\d+", text):
        return _whole_stake(int(text))
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)", text):
        raise InvalidInput("Credits are whole numbers: stake something like 50, not a fraction.")
    raise InvalidInput(f"'{raw}' isn't a number of credits. Try 50, 25% or all.")


def _whole_stake(value: int) -> StakeRequest:
    if value <= 0:
        raise InvalidInput("Stake must be at least 1 credit.")
    return StakeRequest(amount=value)


def parse_id(raw: Any, option: Option) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        text = str(raw).strip().lstrip("#")
        value = int(text) if text.isdigit() else 0
    if not 1 <= value <= 2**62:
        raise InvalidInput(f"'{raw}' isn't a {option.name} number. {_where(option)}".rstrip())
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
    text = str(raw).strip().replace(",", "")
    if isinstance(raw, bool) or not text.isdigit() or not 1 <= int(text) <= 2**62:
        example = _EXAMPLES.get(option.name, "123456")
        raise InvalidInput(
            f"`{option.name}` must be a whole number from 1 up, like {example}; '{raw}' isn't."
        )
    return int(text)


def parse_amount(raw: Any) -> int:
    text = str(raw).strip().replace(",", "").replace("_", "")
    if not re.fullmatch(r"[+-]?\d+", text):
        raise InvalidInput(f"'{raw}' isn't a whole number of credits (use -50 to take credits).")
    value = int(text)
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
    text = str(raw).strip()
    if not text:
        raise InvalidInput(f"`{option.name}` can't be empty.")
    limit = MAX_SECRET if option.secret else MAX_TEXT
    if len(text) > limit:
        raise InvalidInput(f"`{option.name}` is too long (at most {limit} characters).")
    if option.type is OptionType.CHOICE:
        if text.lower() not in option.choices:
            raise InvalidInput(f"`{option.name}` must be one of: {', '.join(option.choices)}.")
        return text.lower()
    if option.type is OptionType.MEMBER:
        mention = _MENTION.match(text)
        return mention.group(1) if mention else text.lstrip("@")
    if option.secret:
        return text  # never echoed: no message here may quote it
    if option.type in (OptionType.PICK, OptionType.WORD, OptionType.TEAM):
        if " " in text:
            raise InvalidInput(f"`{option.name}` is a single word; got '{text}'.")
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
