"""Building the bolt AsyncApp: one workspace with a bot token, or many through OAuth.

`process_before_response=True` makes bolt answer Slack as soon as a listener returns;
our listeners return right after `ack()` and continue in their own tasks (see listeners).
Request signatures are verified by bolt in HTTP mode: a bad, missing or stale signature
is answered 401 before any listener runs. Socket Mode has no signatures: the connection
itself is authenticated with the app-level token.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings

from adapters.slack.admins import UserDirectory
from adapters.slack.client import Sleep, web_client
from adapters.slack.listeners import SlackCommands
from adapters.slack.manifest import bot_scopes
from adapters.slack.oauth import OAuthConfig, OAuthStores, open_stores
from commands.context import Services

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
# slack_sdk and bolt log request and response bodies at DEBUG: form submissions carry ESPN
# cookies and the Web API requests carry tokens in headers. Those loggers stay at INFO.
QUIET_LOGGERS = ("slack_sdk", "slack_bolt")


@dataclass(slots=True)
class SlackBot:
    app: AsyncApp
    commands: SlackCommands
    stores: OAuthStores | None = None


def quiet_library_logs() -> None:
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)


async def build_app(
    services: Services,
    *,
    signing_secret: str | None,
    bot_token: str | None = None,
    oauth: OAuthConfig | None = None,
    socket_mode: bool = False,
    api_url: str | None = None,
    directory: UserDirectory | None = None,
    retry_sleep: Sleep | None = None,
) -> SlackBot:
    """The app and its listeners; exactly one of `bot_token` and `oauth` must be given."""
    if (bot_token is None) == (oauth is None):
        raise ValueError("Slack needs either a bot token (one workspace) or OAuth credentials (many)")
    if not socket_mode and not signing_secret:
        raise ValueError("Slack HTTP mode needs the app's signing secret")
    quiet_library_logs()
    client_kwargs: dict[str, Any] = {"api_url": api_url}
    if retry_sleep is not None:
        client_kwargs.update(sleep=retry_sleep, jitter=0.0)
    client = web_client(bot_token, **client_kwargs)
    app_kwargs: dict[str, Any] = {
        "name": "sidebet",
        "logger": logging.getLogger("sidebet.slack.bolt"),
        "client": client,
        "signing_secret": signing_secret or "",
        "request_verification_enabled": not socket_mode,
        "process_before_response": True,
    }
    stores = None
    if oauth is not None:
        stores = await open_stores(services.db, oauth.client_id)
        app_kwargs["oauth_settings"] = AsyncOAuthSettings(
            client_id=oauth.client_id,
            client_secret=oauth.client_secret,
            scopes=list(bot_scopes()),
            redirect_uri=oauth.redirect_uri,
            install_path=oauth.install_path,
            redirect_uri_path=oauth.redirect_uri_path,
            installation_store=stores.installations,
            installation_store_bot_only=True,
            state_store=stores.states,
        )
    app = AsyncApp(**app_kwargs)
    commands = SlackCommands(services, directory)
    commands.register(app)

    @app.error
    async def on_error(error: Exception) -> None:
        # Only the type: an exception's text may quote the payload it choked on.
        log.error("slack request failed in bolt: %s", type(error).__name__)

    return SlackBot(app, commands, stores)
