"""Every hostile case of tests/hostile.py, served by the fake store, on every protocol."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

import magesoap

from .fakestore import FakeStoreServer
from .hostile import CASES, LIMIT, SESSION, VARIANTS, Case, render

ENDPOINT = {"soap": "/api/soap/", "soap_v2": "/api/v2_soap/", "soap_v2 (WS-I)": "/api/v2_soap/",
            "xmlrpc": "/api/xmlrpc/", "jsonrpc": "/api/jsonrpc/"}


@pytest.fixture(scope="module", params=VARIANTS)
def variant_server(request):
    with FakeStoreServer(wsi=request.param == "soap_v2 (WS-I)") as server:
        yield request.param, server


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_answer(variant_server, case: Case) -> None:
    variant, server = variant_server
    body = case.body(variant)
    if body is None:
        pytest.skip(f"{case.name} does not apply to {variant}")
    server.override[ENDPOINT[variant]] = (case.status, case.content_type, body)
    try:
        client = magesoap.Client(server.url, variant.split()[0], timeout=(2, 5), max_response_bytes=LIMIT,
                                 wsdl_cache=None)
        started = time.monotonic()
        if case.raises is None:
            expected = "caf\u00e9" if case.name == "latin-1" else SESSION
            assert client.login("apiuser", "apikey123") == expected
        else:
            with pytest.raises(getattr(magesoap, case.raises)) as caught:
                client.login("apiuser", "apikey123")
            assert "apikey123" not in str(caught.value) + repr(caught.value)
        assert time.monotonic() - started < 5
    finally:
        server.override.clear()


def test_reliability_doc_is_current() -> None:
    doc = Path(__file__).resolve().parent.parent / "docs" / "reliability.rst"
    assert doc.read_text() == render(), "regenerate it: python -m tests.hostile > docs/reliability.rst"


def test_multicall_lost_answer_reports_every_write_unknown(server) -> None:
    with magesoap.connect(server.url, "apiuser", "apikey123") as mage:
        server.failures["/api/soap/"] = [502]
        with pytest.raises(magesoap.OutcomeUnknown) as caught:
            mage.multi_call([("product_stock.update", ["SKU-1", {"qty": 1}]), ("product.info", ["SKU-1"]),
                             ("product.update", ["SKU-2", {"name": "x"}])])
    assert caught.value.writes == [(0, "product_stock.update"), (2, "product.update")]
    assert "may have applied" in str(caught.value)


def test_v2_batch_goes_on_after_the_session_expires(server) -> None:
    with magesoap.connect(server.url, "apiuser", "apikey123", protocol="soap_v2") as mage:
        store = server.store
        original = store.stock_update

        expired = []

        def expire_after_first(self, *args):
            result = original(*args)
            if not expired:  # the session dies in the middle of the batch, once
                expired.append(mage.session_id)
                store.expire(mage.session_id)
            return result

        from .fakestore import RESOURCES

        RESOURCES[("cataloginventory_stock_item", "update")] = expire_after_first
        try:
            results = mage.multi_call([("product_stock.update", ["SKU-1", {"qty": 1}]),
                                       ("product_stock.update", ["SKU-2", {"qty": 2}]),
                                       ("product.info", ["NOPE"])])
        finally:
            RESOURCES[("cataloginventory_stock_item", "update")] = type(store).stock_update
    assert results[:2] == [1, 1] and isinstance(results[2], magesoap.NotFound)
    assert mage.session_id != expired[0]
    assert store.calls.count("cataloginventory_stock_item.update") == 2  # each write ran exactly once
    assert (store.products[1]["qty"], store.products[2]["qty"]) == ("1.0000", "2.0000")


def test_v2_batch_says_which_write_is_unknown(server) -> None:
    with magesoap.connect(server.url, "apiuser", "apikey123", protocol="soap_v2") as mage:
        server.failures["/api/v2_soap/"] = [0, 500]  # the first call works, the second gets a 500 page
        with pytest.raises(magesoap.OutcomeUnknown) as caught:
            mage.multi_call([("product.info", ["SKU-1"]), ("product_stock.update", ["SKU-1", {"qty": 1}]),
                             ("product_stock.update", ["SKU-2", {"qty": 1}])])
    assert caught.value.writes == [(1, "product_stock.update")]  # the one after it never ran
    assert caught.value.completed[0]["sku"] == "SKU-1"


def test_sessions_are_shared_by_threads(server) -> None:
    import concurrent.futures

    with magesoap.connect(server.url, "apiuser", "apikey123", protocol="xmlrpc") as mage:
        server.store.expire(mage.session_id)  # every thread finds it expired at once
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            names = list(pool.map(lambda i: mage.call("product.info", [f"SKU-{i % 3 + 1}"])["sku"], range(24)))
    assert names == [f"SKU-{i % 3 + 1}" for i in range(24)]
    assert len(server.store.sessions) <= 2  # renewed once (plus at most one stale in flight), not 8 times
