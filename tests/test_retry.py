"""Retries for reads only, Retry-After, and the shared rate limit."""
from __future__ import annotations

import threading
import time

import pytest

import magesoap
from magesoap.exceptions import ConnectionFailed, HTTPStatusError, UnexpectedResponse
from magesoap.retry import RateLimiter, RetryPolicy, with_retries

FAST = RetryPolicy(attempts=3, base=0.001, cap=0.01)


def test_reads_are_retried_through_5xx(server) -> None:
    with magesoap.connect(server.url, "apiuser", "apikey123", retry=FAST) as mage:
        before = server.requests["/api/soap/"]
        server.failures["/api/soap/"] = [503, 500]
        assert mage.call("catalog_product.info", ["SKU-1"])["sku"] == "SKU-1"
        assert server.requests["/api/soap/"] - before == 3


def test_writes_are_not_retried_unless_asked(server) -> None:
    with magesoap.connect(server.url, "apiuser", "apikey123", retry=FAST) as mage:
        server.failures["/api/soap/"] = [503]
        with pytest.raises(magesoap.OutcomeUnknown) as caught:
            mage.call("product_stock.update", ["SKU-1", {"qty": 2}])
        assert caught.value.cause.status == 503 and caught.value.writes == [(0, "product_stock.update")]
        assert server.store.products[1]["qty"] == "100.0000"
        server.failures["/api/soap/"] = [503]
        assert mage.call("product_stock.update", ["SKU-1", {"qty": 2}], retry_writes=True) is True
        assert server.store.products[1]["qty"] == "2.0000"
        server.failures["/api/soap/"] = [502]
        with pytest.raises(magesoap.OutcomeUnknown) as caught:  # a batch with one write is a write
            mage.multi_call([("product.info", ["SKU-1"]), ("product_stock.update", ["SKU-1", {"qty": 3}])])
        assert caught.value.writes == [(1, "product_stock.update")]


def test_gives_up_after_the_attempts(server) -> None:
    with magesoap.connect(server.url, "apiuser", "apikey123", retry=FAST) as mage:
        server.failures["/api/soap/"] = [503, 503, 503, 503]
        with pytest.raises(HTTPStatusError):
            mage.call("core_magento.info")
        assert server.failures["/api/soap/"] == [503]  # three tried, one left
        server.failures.clear()


def test_refused_login_is_never_retried(server) -> None:
    with pytest.raises(magesoap.AccessDenied):
        magesoap.connect(server.url, "apiuser", "wrong", retry=FAST)
    assert server.requests["/api/soap/"] == 2  # the WSDL, one login


def test_faults_and_bad_answers_are_not_transient() -> None:
    calls = []

    def send():
        calls.append(1)
        raise UnexpectedResponse("HTML page")

    with pytest.raises(UnexpectedResponse):
        with_retries(send, FAST, sleep=lambda s: None)
    assert len(calls) == 1


def test_retry_after_is_honoured() -> None:
    error = HTTPStatusError("busy", status=429)
    error.retry_after = 2.0
    assert RetryPolicy(base=0.001, cap=30).delay(0, error) == 2.0
    waits = []
    attempts = iter([error, None])

    def send():
        failure = next(attempts)
        if failure:
            raise failure
        return "ok"

    assert with_retries(send, RetryPolicy(attempts=2, cap=5), sleep=waits.append) == "ok"
    assert waits == [2.0]


def test_backoff_grows_with_jitter() -> None:
    policy = RetryPolicy(base=1, cap=8)
    error = ConnectionFailed("down")
    for attempt in range(6):
        assert 0 <= policy.delay(attempt, error) <= min(8, 2**attempt)


def test_rate_limiter_spaces_requests() -> None:
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(10, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.acquire()
    assert slept == pytest.approx([0.1, 0.1])


def test_rate_limit_is_shared_by_threads(server) -> None:
    client = magesoap.Client(server.url, "xmlrpc", rate_limit=40)
    session = client.login("apiuser", "apikey123")
    started = time.monotonic()
    threads = [threading.Thread(target=client.call, args=(session, "core_magento.info")) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert time.monotonic() - started >= 6 / 40 - 0.03  # 7 requests, the first free
