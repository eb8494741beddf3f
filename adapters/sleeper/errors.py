"""Everything that can go wrong reading a Sleeper league, in words a commissioner can act on.

The Sleeper flavour of `commands.provider.ProviderError` (which the scheduler and the commands
catch), built like `adapters.espn.errors.EspnError`: one type with a `kind`, since callers only
decide "what do I tell the commissioner" and "will the next sync fix it by itself". Sleeper's API
needs no login, so there is no secret that could ever end up in one.
"""

from __future__ import annotations

from typing import Final, Literal

from commands.provider import ProviderError

__all__ = ["SleeperError", "SleeperErrorKind"]

SleeperErrorKind = Literal["not_found", "wrong_sport", "not_started", "unavailable", "bad_data"]

_RETRYABLE: Final[dict[str, bool]] = {
    "not_found": False,
    "wrong_sport": False,
    "not_started": True,
    "unavailable": True,
    "bad_data": True,
}
_ID_HELP: Final = (
    "Check the id: it is the long number after '/league/' in the league's web address on "
    "sleeper.com (in the app: League > Settings > General > League ID)."
)


class SleeperError(ProviderError):
    """Sleeper could not give us usable league data; `detail` is a short note for logs."""

    def __init__(
        self, kind: SleeperErrorKind, user_message: str, *, detail: str = "", status: int | None = None
    ) -> None:
        super().__init__(kind, user_message, retryable=_RETRYABLE[kind])
        self.kind: SleeperErrorKind = kind
        self.detail = detail
        self.status = status

    def __str__(self) -> str:
        return f"{self.user_message} [{self.kind}{': ' + self.detail if self.detail else ''}]"

    def __repr__(self) -> str:
        return f"SleeperError(kind={self.kind!r}, status={self.status!r}, detail={self.detail!r})"

    @classmethod
    def not_found(cls, league_id: str) -> SleeperError:
        return cls("not_found", f"Sleeper has no league {league_id}. {_ID_HELP}", detail="no such league")

    @classmethod
    def wrong_sport(cls, league_id: str, sport: str) -> SleeperError:
        return cls(
            "wrong_sport",
            f"Sleeper league {league_id} is a {sport.upper()} league; Sidebet only books fantasy "
            "football (NFL) leagues.",
            detail=f"sport {sport!r}",
        )

    @classmethod
    def not_started(cls, league_id: str, status: str) -> SleeperError:
        words = {"pre_draft": "has not drafted yet", "drafting": "is drafting right now"}
        return cls(
            "not_started",
            f"Sleeper league {league_id} {words.get(status, 'has not started its season')}, so there "
            "are no rosters to price yet. Run setup again once the draft is done.",
            detail=f"status {status!r}",
        )

    @classmethod
    def unavailable(cls, what: str, *, detail: str, status: int | None = None) -> SleeperError:
        return cls(
            "unavailable",
            f"Sleeper is not answering properly right now ({what}). Nothing was priced or settled "
            "from it; Sidebet will try again at the next sync.",
            detail=detail,
            status=status,
        )

    @classmethod
    def bad_data(cls, detail: str) -> SleeperError:
        return cls(
            "bad_data",
            "Sleeper sent league data Sidebet could not read, so nothing was priced or settled from "
            "it. Sidebet will try again at the next sync; if this keeps happening, Sleeper may have "
            "changed its format and Sidebet needs an update.",
            detail=detail,
        )
