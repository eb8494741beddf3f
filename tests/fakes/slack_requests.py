"""Signed requests as Slack sends them: slash commands, button clicks and form submissions.

Bodies and headers follow Slack's documented shapes; the signature is made with
slack_sdk's own SignatureVerifier, so the real bolt app verifies them exactly as it would
verify Slack's.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

_ids = itertools.count(1)


def signed_headers(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }


def new_trigger_id() -> str:
    return f"{next(_ids)}.1.trigger{next(_ids)}"


def slash_command(
    text: str, *, team: str, user: str, channel: str, response_url: str, trigger_id: str | None = None
) -> dict[str, str]:
    return {
        "token": "legacy-verification-token",
        "team_id": team,
        "team_domain": "league",
        "channel_id": channel,
        "channel_name": "fantasy",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/sidebet",
        "text": text,
        "api_app_id": "A0SIDEBET",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
    }


def _user(team: str, user: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team}


def block_action(
    element: dict[str, Any], *, team: str, user: str, channel: str, response_url: str, ephemeral: bool = True
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": team, "domain": "league"},
        "user": _user(team, user),
        "api_app_id": "A0SIDEBET",
        "token": "legacy-verification-token",
        "container": {"type": "message", "channel_id": channel, "is_ephemeral": ephemeral},
        "trigger_id": new_trigger_id(),
        "channel": {"id": channel, "name": "fantasy"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": element["action_id"],
                "block_id": "b1",
                "text": element["text"],
                "value": element["value"],
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def view_submission(view: dict[str, Any], values: dict[str, str], *, team: str, user: str) -> dict[str, Any]:
    state = {name: {"value": {"type": "plain_text_input", "value": v}} for name, v in values.items()}
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": "league"},
        "user": _user(team, user),
        "api_app_id": "A0SIDEBET",
        "token": "legacy-verification-token",
        "trigger_id": new_trigger_id(),
        "view": {
            "id": f"V{next(_ids)}",
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"],
            "hash": f"h{next(_ids)}",
            "blocks": view["blocks"],
            "state": {"values": state},
        },
    }


def form_body(fields: dict[str, str]) -> str:
    return urlencode(fields)


def payload_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})
