"""SOAP v2 specifics, against the fake store in both of its modes."""
from __future__ import annotations

import pytest

import magesoap
from magesoap.facade import v2_filters

from .fakestore import FakeStoreServer


@pytest.fixture(params=[False, True], ids=["rpc-encoded", "ws-i"])
def v2_server(request):
    with FakeStoreServer(wsi=request.param) as server:
        server.wsi = request.param
        yield server


def test_mode_is_read_from_the_wsdl(v2_server) -> None:
    with magesoap.connect(v2_server.url, "apiuser", "apikey123", protocol="soap_v2") as mage:
        assert mage.wsi is v2_server.wsi


def test_forcing_the_other_mode_says_what_decides(v2_server) -> None:
    with pytest.raises(magesoap.UsageError, match="WS-I Compliance"):
        magesoap.connect(v2_server.url, "apiuser", "apikey123", protocol="soap_v2", wsi=not v2_server.wsi)
    with magesoap.connect(v2_server.url, "apiuser", "apikey123", protocol="soap_v2", wsi=v2_server.wsi) as mage:
        assert mage.call("core_magento.info")["magento_edition"] == "Community"


def test_session_calls_broken_in_wsi_go_through_v1(v2_server) -> None:
    with magesoap.connect(v2_server.url, "apiuser", "apikey123", protocol="soap_v2") as mage:
        assert len(mage.resources()) == 32
        assert mage.global_faults()[2] == {"code": "2", "message": "Access denied."}
        assert {"code": "101", "message": "Product not exists."} in mage.resource_faults("product")
        with pytest.raises(magesoap.SessionExpired):  # a startSession id is not logged in
            mage.client.transport.call(mage.client.startSession(), "core_magento.info")
    v1_requests = v2_server.requests.get("/api/soap/", 0)
    assert v1_requests == (5 if v2_server.wsi else 0)  # the v1 WSDL, then 4 calls; none on rpc/encoded


def test_operations_by_their_v2_names(v2_server) -> None:
    with magesoap.connect(v2_server.url, "apiuser", "apikey123", protocol="soap_v2") as mage:
        info = mage.v2.catalogProductInfo("SKU-2", identifierType="sku")
        assert info["name"] == "Test Product 2"
        assert mage.v2.catalogInventoryStockItemUpdate("SKU-1", {"qty": "3"}) == 1
        with pytest.raises(magesoap.NotFound) as caught:
            mage.v2.catalogProductInfo("NOPE")
        assert caught.value.resource == "catalog_product.info"
        with pytest.raises(magesoap.InvalidApiPath, match="no operation 'fooBar'"):
            mage.v2.fooBar()
        with pytest.raises(magesoap.UsageError, match="given twice"):
            mage.v2.catalogProductInfo("SKU-1", sessionId="x")
    assert v2_server.store.products[1]["qty"] == "3.0000"


def test_extension_paths_fail_before_any_request(v2_server) -> None:
    with magesoap.connect(v2_server.url, "apiuser", "apikey123", protocol="soap_v2") as mage:
        before = dict(v2_server.requests)
        with pytest.raises(magesoap.InvalidApiPath, match="not a Magento 1 core API path"):
            mage.call("sales_order.search", [{}])
        assert v2_server.requests == before


def test_bad_arguments_are_refused_with_what_is_allowed(v2_server) -> None:
    with magesoap.connect(v2_server.url, "apiuser", "apikey123", protocol="soap_v2") as mage:
        with pytest.raises(magesoap.UsageError, match="takes 1 argument"):
            mage.call("product_stock.list", [["SKU-1"], "extra"])
        with pytest.raises(magesoap.UsageError, match="catalogInventoryStockItemUpdateEntity has no field"):
            mage.call("product_stock.update", ["SKU-1", {"quantity": 5}])


def test_v1_only_shapes_are_converted(v2_server) -> None:
    with magesoap.connect(v2_server.url, "apiuser", "apikey123", protocol="soap_v2") as mage:
        assert mage.call("product.update", ["SKU-3", {"name": "Renamed", "meta_title": "Meta"}, None, "sku"]) is True
    assert v2_server.store.products[3]["name"] == "Renamed"
    assert v2_server.store.products[3]["meta_title"] == "Meta"  # went through additional_attributes


def test_v2_is_only_for_soap_v2(server) -> None:
    with magesoap.connect(server.url, "apiuser", "apikey123", protocol="xmlrpc") as mage:
        with pytest.raises(magesoap.UsageError, match="protocol='soap_v2'"):
            mage.v2.catalogProductList()


def test_filter_conversion() -> None:
    assert v2_filters({"status": "pending", "created_at": {"from": "2026-01-01", "to": "2026-02-01"},
                       "entity_id": {"in": [1, 2]}}) == {
        "filter": [{"key": "status", "value": "pending"}],
        "complex_filter": [
            {"key": "created_at", "value": {"key": "from", "value": "2026-01-01"}},
            {"key": "created_at", "value": {"key": "to", "value": "2026-02-01"}},
            {"key": "entity_id", "value": {"key": "in", "value": "1,2"}},
        ],
    }


def test_warm_wsdl_cache_makes_no_wsdl_request(v2_server, tmp_path) -> None:
    for _ in range(2):
        with magesoap.connect(v2_server.url, "apiuser", "apikey123", protocol="soap_v2", wsdl_cache=tmp_path) as mage:
            mage.call("core_magento.info")
    assert v2_server.requests["/api/v2_soap/"] == 1 + 2 * 3
