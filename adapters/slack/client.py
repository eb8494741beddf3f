"""Web API clients with slack_sdk's rate-limit retry handler.

slack_sdk's AsyncRateLimitErrorRetryHandler waits Retry-After plus up to a second of
random jitter with `asyncio.sleep`. `RateLimitRetry` is that handler with the wait made
injectable, so tests can prove a 429 is retried without waiting for time to pass.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

SLACK_API_URL = AsyncWebClient.BASE_URL
Sleep = Callable[[float], Awaitable[None]]


class RateLimitRetry(AsyncRateLimitErrorRetryHandler):
    def __init__(self, max_retry_count: int = 3, sleep: Sleep = asyncio.sleep, jitter: float = 1.0) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep
        self._jitter = jitter

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("rate-limit retry without a response")
        state.next_attempt_requested = True
        header = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), None)
        try:
            wait = float(header[0] if isinstance(header, list) else header) if header else 1.0
        except ValueError:
            wait = 1.0
        await self._sleep(wait + random.random() * self._jitter)
        state.increment_current_attempt()


def retry_handlers(sleep: Sleep = asyncio.sleep, jitter: float = 1.0) -> list[AsyncRetryHandler]:
    return [RateLimitRetry(sleep=sleep, jitter=jitter)]


def web_client(
    token: str | None = None,
    *,
    api_url: str | None = None,
    sleep: Sleep = asyncio.sleep,
    jitter: float = 1.0,
) -> AsyncWebClient:
    return AsyncWebClient(
        token=token,
        base_url=api_url or SLACK_API_URL,
        retry_handlers=retry_handlers(sleep, jitter),
    )
