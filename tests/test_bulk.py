"""Bulk work: batches, a bounded pool, and lists walked by id ranges."""
from __future__ import annotations

import pytest

import magesoap

from .fakestore import FakeMagento, FakeStoreServer

PROTOCOLS = ["soap", "soap_v2", "xmlrpc", "jsonrpc"]


@pytest.fixture(scope="module")
def big_store():
    store = FakeMagento.with_catalog(250)
    for gap in range(100, 140):  # a hole in the ids, as deleted products leave
        del store.products[gap]
    with FakeStoreServer(store) as server:
        yield server


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_batches_keep_order_and_break(big_store, protocol) -> None:
    calls = [("product.info", [f"SKU-{i}"]) for i in range(1, 31)] + [("product.info", ["NOPE"])]
    calls += [("product_stock.update", ["SKU-1", {"qty": 3}])]
    seen = []
    with magesoap.connect(big_store.url, "apiuser", "apikey123", protocol=protocol) as mage:
        before = dict(big_store.requests)
        results = mage.multi_call(calls, break_on_error=True, batch_size=7, progress=lambda d, t: seen.append((d, t)))
        sent = sum(big_store.requests.values()) - sum(before.values())
    assert [r["sku"] for r in results[:30]] == [f"SKU-{i}" for i in range(1, 31)]
    assert len(results) == 31 and isinstance(results[30], magesoap.NotFound)
    assert big_store.store.products[1]["qty"] == "100.0000"  # the write after the fault never ran
    assert seen[-1] == (31, 32) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    if protocol in ("soap", "jsonrpc"):
        assert sent == 5  # 31 calls in batches of 7


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_pool_keeps_call_order_with_faults_in_place(big_store, protocol) -> None:
    calls = [("product.info", [f"SKU-{i}"]) if i % 5 else ("product.info", ["NOPE"]) for i in range(1, 41)]
    with magesoap.connect(big_store.url, "apiuser", "apikey123", protocol=protocol) as mage:
        results = mage.multi_call(calls, workers=4, batch_size=3)
        with pytest.raises(magesoap.UsageError, match="workers=1"):
            mage.multi_call(calls, workers=4, break_on_error=True)
    for i, result in zip(range(1, 41), results):
        if i % 5:
            assert result["sku"] == f"SKU-{i}"
        else:
            assert isinstance(result, magesoap.NotFound)


@pytest.mark.parametrize("protocol", PROTOCOLS + ["soap_v2 (WS-I)"])
def test_iter_list_walks_id_windows(protocol) -> None:
    store = FakeMagento.with_catalog(250)
    for gap in range(100, 140):
        del store.products[gap]
    with FakeStoreServer(store, wsi="WS-I" in protocol) as server:
        with magesoap.connect(server.url, "apiuser", "apikey123", protocol=protocol.split()[0]) as mage:
            rows = list(mage.iter_list("catalog_product.list", {"type": "simple"}, step=30, max_empty=3))
            assert [r["sku"] for r in rows] == [f"SKU-{i}" for i in range(1, 251) if not 100 <= i < 140]
            assert list(mage.iter_list("product.list", step=50, start=200, stop=260))[-1]["sku"] == "SKU-250"
            with pytest.raises(magesoap.UsageError, match="already constrain"):
                next(mage.iter_list("product.list", {"entity_id": {"gt": 3}}))


@pytest.mark.parametrize("protocol", ["soap", "soap_v2", "soap_v2 (WS-I)"])
def test_large_lists_stream_to_the_same_rows(protocol) -> None:
    """Answers over xmlsafe.STREAM_AT are decoded row by row as they are parsed: same result."""
    from magesoap import xmlsafe

    store = FakeMagento.with_catalog(2500)
    with FakeStoreServer(store, wsi="WS-I" in protocol) as server:
        with magesoap.connect(server.url, "apiuser", "apikey123", protocol=protocol.split()[0]) as mage:
            rows = mage.call("catalog_product.list")
            small = mage.call("catalog_product.list", [{"sku": {"in": ["SKU-1", "SKU-2500"]}}])
    assert len(rows) == 2500 and rows[0] == small[0] and rows[-1] == small[1]
    assert rows[0]["website_ids"] == ["1"] and rows[0]["category_ids"] == []
    assert xmlsafe.STREAM_AT < 2500 * 150  # the full list was big enough to stream
