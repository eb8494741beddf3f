"""One exception for everything that can go wrong talking to ESPN, in words a commissioner can act on.

Why a single type with a `kind`: the scheduler and the `setup` command only need to decide two
things, "tell the commissioner what to do" (`user_message`) and "will the next sync fix it by
itself" (`retryable`). A hierarchy of classes would make every caller re-derive that.

Nothing in here ever holds a cookie, a token or a URL with credentials: the client builds these
errors from the league id, the season and the HTTP status only.
"""

from __future__ import annotations

from typing import Final, Literal

from commands.provider import ProviderError

__all__ = ["COOKIE_HELP", "ErrorKind", "EspnError"]

ErrorKind = Literal["private", "cookies_expired", "not_found", "unavailable", "bad_data"]

#: How to find the two cookies, included wherever we ask for them.
COOKIE_HELP: Final = (
    "sign in at fantasy.espn.com in a desktop browser, open the league, then open the browser's "
    "developer tools (Storage / Application > Cookies > espn.com) and copy the values of "
    "'espn_s2' and 'SWID' (SWID includes the curly braces)"
)

_RETRYABLE: Final[dict[str, bool]] = {
    "private": False,
    "cookies_expired": False,
    "not_found": False,
    "unavailable": True,
    "bad_data": True,
}


class EspnError(ProviderError):
    """ESPN could not give us usable league data.

    - `kind`: "private" (private league, no cookies given), "cookies_expired" (cookies given
      but ESPN refused them), "not_found" (no such league for that season), "unavailable"
      (down, slow, 5xx, or cut-off answers even after retries), "bad_data" (a complete answer
      whose content we cannot read, e.g. ESPN renamed a field).
    - `retryable`: True when the next sync may succeed with nobody doing anything.
    - `user_message`: what happened and what the commissioner should do, in plain words.
    - `detail`: a short technical note for logs (status code, what failed); never secrets.

    It is the ESPN flavour of `commands.provider.ProviderError`, which is what the scheduler
    and the commands catch, so they never depend on this adapter.
    """

    def __init__(
        self,
        kind: ErrorKind,
        user_message: str,
        *,
        detail: str = "",
        status: int | None = None,
    ) -> None:
        super().__init__(kind, user_message, retryable=_RETRYABLE[kind])
        self.kind: ErrorKind = kind
        self.detail = detail
        self.status = status

    def __str__(self) -> str:
        return f"{self.user_message} [{self.kind}{': ' + self.detail if self.detail else ''}]"

    def __repr__(self) -> str:
        return f"EspnError(kind={self.kind!r}, status={self.status!r}, detail={self.detail!r})"

    # ------------------------------------------------------------------ the standard messages

    @classmethod
    def private(cls, league_id: int, *, status: int | None = None) -> EspnError:
        return cls(
            "private",
            f"ESPN league {league_id} is private, so Sidebet needs your ESPN cookies to read it. "
            f"Run setup again with your espn_s2 and SWID cookies (to find them, {COOKIE_HELP}).",
            detail=f"HTTP {status} without cookies" if status else "login page without cookies",
            status=status,
        )

    @classmethod
    def cookies_expired(cls, league_id: int, *, status: int | None = None) -> EspnError:
        return cls(
            "cookies_expired",
            f"ESPN rejected the saved cookies for league {league_id} (espn_s2 expires after a while, "
            "and signing out of ESPN ends it early, or they belong to an account that is not in "
            f"this league). Run setup again with fresh espn_s2 and SWID cookies (to find them, "
            f"{COOKIE_HELP}).",
            detail=f"HTTP {status} with cookies" if status else "login page with cookies",
            status=status,
        )

    @classmethod
    def not_found(cls, league_id: int, season: int, *, status: int | None = 404) -> EspnError:
        return cls(
            "not_found",
            f"ESPN has no league {league_id} for the {season} season. Check the id: it is the "
            "number after 'leagueId=' in the league's web address on fantasy.espn.com, and the "
            "league must have been renewed for this season.",
            detail=f"HTTP {status}" if status else "no such league",
            status=status,
        )

    @classmethod
    def unavailable(cls, what: str, *, detail: str, status: int | None = None) -> EspnError:
        return cls(
            "unavailable",
            f"ESPN is not answering properly right now ({what}). Nothing was priced or settled "
            "from it; Sidebet will try again at the next sync.",
            detail=detail,
            status=status,
        )

    @classmethod
    def bad_data(cls, detail: str) -> EspnError:
        return cls(
            "bad_data",
            "ESPN sent league data Sidebet could not read, so nothing was priced or settled from "
            "it. Sidebet will try again at the next sync; if this keeps happening, ESPN may have "
            "changed its format and Sidebet needs an update.",
            detail=detail,
        )
