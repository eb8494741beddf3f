"""Bad, missing or stale signatures are answered 401 and nothing runs."""

from __future__ import annotations

import time

import pytest

from tests.book import Book
from tests.fakes import slack_requests as req
from tests.slack.driver import CHANNEL, SECRET, TEAM


def _command(fake, text: str = "bet 1 home 50"):
    url = fake.new_response_url()
    return url, req.form_body(
        req.slash_command(text, team=TEAM, user="U1", channel=CHANNEL, response_url=url)
    )


@pytest.mark.parametrize(
    "make_headers",
    [
        pytest.param(lambda body: req.signed_headers("wrong-secret", body), id="wrong secret"),
        pytest.param(lambda body: req.signed_headers(SECRET, body + "&x=1"), id="signature of another body"),
        pytest.param(lambda body: {"Content-Type": "application/x-www-form-urlencoded"}, id="missing"),
        pytest.param(
            lambda body: req.signed_headers(SECRET, body, int(time.time()) - 10 * 60), id="stale timestamp"
        ),
        pytest.param(
            lambda body: {**req.signed_headers(SECRET, body), "X-Slack-Signature": "v0=" + "0" * 64},
            id="forged",
        ),
    ],
)
async def test_unsigned_requests_get_401_and_change_nothing(slack, fake, services, make_headers):
    book = Book(services.db)
    before = await book.snapshot()
    _url, body = _command(fake)
    status, _ = await slack.post(body, make_headers(body))
    await slack.bot.commands.idle()
    assert status == 401
    assert fake.calls == [] and fake.posts == []
    assert await book.snapshot() == before


async def test_a_forged_confirm_click_places_nothing(slack, fake):
    slip = await slack.command("bet 1 home 50")
    calls = len(fake.calls)
    payload = req.block_action(
        slip.button("Confirm"), team=TEAM, user="U1", channel=CHANNEL, response_url=fake.new_response_url()
    )
    body = req.payload_body(payload)
    status, _ = await slack.post(body, req.signed_headers("not-the-secret", body))
    await slack.bot.commands.idle()
    assert status == 401 and len(fake.calls) == calls and await slack.bets() == 0
    # The same click, signed, goes through.
    status, _ = await slack.post(body)
    await slack.bot.commands.idle()
    assert status == 200 and await slack.bets() == 1
