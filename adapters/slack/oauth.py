"""Multi-workspace installs: slack_sdk's SQLAlchemy stores on the project's own database.

The stores keep their own tables (slack_installations, slack_bots, slack_oauth_states)
beside ours; they are created if missing when the app starts, because they belong to
slack_sdk's schema, not to our migrations. The async variants take our AsyncEngine as is,
so SQLite and PostgreSQL both work without a second (sync) engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

from storage.database import Database

STATE_TTL_SECONDS = 600


@dataclass(frozen=True, slots=True)
class OAuthConfig:
    """The app's OAuth credentials (Basic Information > App Credentials)."""

    client_id: str
    client_secret: str
    redirect_uri: str | None = None
    install_path: str = "/slack/install"
    redirect_uri_path: str = "/slack/oauth_redirect"

    def __repr__(self) -> str:  # the secret must not reach a log through a repr
        return f"OAuthConfig(client_id={self.client_id!r}, client_secret='***')"


@dataclass(frozen=True, slots=True)
class OAuthStores:
    installations: AsyncSQLAlchemyInstallationStore
    states: AsyncSQLAlchemyOAuthStateStore


async def open_stores(db: Database, client_id: str) -> OAuthStores:
    installations = AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=db.engine)
    states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_TTL_SECONDS, engine=db.engine)
    await installations.create_tables()
    await states.create_tables()
    return OAuthStores(installations, states)
