"""Everything that can go wrong reading a Yahoo league, in words a commissioner can act on.

The Yahoo flavour of `commands.provider.ProviderError`, built like the ESPN and Sleeper ones.
Yahoo needs an OAuth grant per league, so the one kind that only the commissioner can fix is
`grant_revoked` (the grant was revoked, expired for good, or the account lost the league): it
is not retryable, so the scheduler tells the league at once and stops syncing it until setup
runs again. No message, `detail` or repr ever holds a token, a code or the app's secret.
"""

from __future__ import annotations

from typing import Final, Literal

from commands.provider import ProviderError

__all__ = ["GRANT_REVOKED", "YahooError", "YahooErrorKind"]

YahooErrorKind = Literal["grant_revoked", "not_found", "not_configured", "unavailable", "bad_data"]
GRANT_REVOKED: Final = "grant_revoked"

_RETRYABLE: Final[dict[str, bool]] = {
    "grant_revoked": False,
    "not_found": False,
    "not_configured": False,
    "unavailable": True,
    "bad_data": True,
}
_ID_HELP: Final = (
    "Check the id: it is the number after '/f1/' in the league's web address on "
    "football.fantasysports.yahoo.com, and the Yahoo account you consented with must be in it."
)


class YahooError(ProviderError):
    """Yahoo could not give us usable league data; `detail` is a short note for logs."""

    def __init__(
        self, kind: YahooErrorKind, user_message: str, *, detail: str = "", status: int | None = None
    ) -> None:
        super().__init__(kind, user_message, retryable=_RETRYABLE[kind])
        self.kind: YahooErrorKind = kind
        self.notify_once = kind == GRANT_REVOKED
        self.detail = detail
        self.status = status

    def __str__(self) -> str:
        return f"{self.user_message} [{self.kind}{': ' + self.detail if self.detail else ''}]"

    def __repr__(self) -> str:
        return f"YahooError(kind={self.kind!r}, status={self.status!r}, detail={self.detail!r})"

    @classmethod
    def grant_revoked(cls, *, detail: str, status: int | None = None) -> YahooError:
        return cls(
            "grant_revoked",
            "Yahoo no longer lets Sidebet read this league (the access was revoked or has "
            "expired). Nothing will be priced or settled from Yahoo until a commissioner runs "
            "`setup yahoo <league id>` again and approves access.",
            detail=detail,
            status=status,
        )

    @classmethod
    def bad_code(cls) -> YahooError:
        return cls(
            "grant_revoked",
            "Yahoo did not accept that code (codes work once and only for a few minutes). Run "
            "`setup yahoo <league id>` again for a fresh link, and paste the new code.",
            detail="authorization code refused",
        )

    @classmethod
    def not_found(cls, league_id: str) -> YahooError:
        return cls("not_found", f"Yahoo has no NFL league {league_id} for this season. {_ID_HELP}")

    @classmethod
    def not_configured(cls) -> YahooError:
        return cls(
            "not_configured",
            "This Sidebet has no Yahoo app configured, so it can't link Yahoo leagues. The bot's "
            "operator sets SIDEBET_YAHOO__CLIENT_ID and SIDEBET_YAHOO__CLIENT_SECRET (see README).",
        )

    @classmethod
    def unavailable(cls, what: str, *, detail: str, status: int | None = None) -> YahooError:
        return cls(
            "unavailable",
            f"Yahoo is not answering properly right now ({what}). Nothing was priced or settled "
            "from it; Sidebet will try again at the next sync.",
            detail=detail,
            status=status,
        )

    @classmethod
    def bad_data(cls, detail: str) -> YahooError:
        return cls(
            "bad_data",
            "Yahoo sent league data Sidebet could not read, so nothing was priced or settled from "
            "it. Sidebet will try again at the next sync; if this keeps happening, Yahoo may have "
            "changed its format and Sidebet needs an update.",
            detail=detail,
        )
