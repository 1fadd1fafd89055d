"""Retries with backoff for transient failures, and a client-side rate limit.

Only failures that say nothing reached the store's API, or that the store asks to come back later,
are retried: connection errors, timeouts, HTTP 5xx and 429 (honouring ``Retry-After``). A Magento
fault is an answer and is never retried. By default only calls that read are retried (the API
model classifies every method); a retried ``create`` could duplicate an order, so writes are
retried only when the caller opts in for that call.
"""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from .exceptions import ConnectionFailed, HTTPStatusError, Timeout, TransportError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` in all (1 = no retry); waits grow as ``base * 2**n`` up to ``cap`` seconds,
    with full jitter, unless the store's ``Retry-After`` says longer."""

    attempts: int = 3
    base: float = 0.5
    cap: float = 30.0

    def delay(self, attempt: int, error: TransportError) -> float:
        wait = random.uniform(0, min(self.cap, self.base * 2**attempt))
        retry_after = getattr(error, "retry_after", None)
        return min(self.cap, max(wait, retry_after)) if retry_after is not None else wait


NO_RETRY = RetryPolicy(attempts=1)


def is_transient(error: BaseException) -> bool:
    if isinstance(error, (ConnectionFailed, Timeout)):
        return True
    return isinstance(error, HTTPStatusError) and error.status is not None and (
        error.status >= 500 or error.status == 429)


def with_retries(
    send: Callable[[], T],
    policy: RetryPolicy,
    *,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``send()``, again after a transient failure, up to ``policy.attempts`` times in all."""
    for attempt in range(policy.attempts):
        try:
            return send()
        except TransportError as error:
            if attempt + 1 >= policy.attempts or not is_transient(error):
                raise
            wait = policy.delay(attempt, error)
            if on_retry:
                on_retry(attempt + 1, error, wait)
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


class RateLimiter:
    """At most ``rate`` requests a second on average (bursts of ``burst``), across threads."""

    def __init__(self, rate: float, burst: int = 1, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if rate <= 0:
            raise ValueError("rate must be above 0 requests a second")
        self.rate = rate
        self.burst = max(1, burst)
        self._tokens = float(self.burst)
        self._clock, self._sleep = clock, sleep
        self._last = clock()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<RateLimiter {self.rate}/s burst {self.burst}>"

    def acquire(self) -> None:
        with self._lock:  # waiting inside the lock queues the threads fairly, one slot each
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens < 1:
                wait = (1 - self._tokens) / self.rate
                self._sleep(wait)
                self._last = self._clock()
                self._tokens = 0.0
            else:
                self._tokens -= 1
