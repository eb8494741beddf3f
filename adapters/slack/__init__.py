"""Slack adapter: the whole command catalogue as `/sidebet <subcommand>` on slack-bolt.

Modules, each small on purpose:
- `parsing`: the slash command's text -> a catalogue command and its options.
- `blocks`: neutral Replies -> Block Kit messages within Slack's limits.
- `buttons`: what a button carries (action, arguments, owner) and back.
- `modals`: forms for what must not be typed in a channel (stakes, ESPN cookies).
- `admins`: who may run commissioner commands (workspace admins and the league's list).
- `respond`: delivering one Reply through a response_url (with Web API fallbacks).
- `listeners`: the bolt listeners that tie the above to `commands.dispatch`.
- `app`: building the AsyncApp for one workspace (bot token) or many (OAuth).
- `oauth`: slack_sdk's SQLAlchemy installation and state stores on our database.
- `outbox`: channel posts through chat.postMessage with the rate-limit retry handler.
- `runner`: `run_slack`, what `sidebet run` starts, in HTTP or Socket Mode.
"""
