"""The whole path against the fake store on loopback, over every protocol."""
from __future__ import annotations

import logging

import pytest

import magesoap
from magesoap import faults

from .fakestore import FakeMagento, FakeStoreServer

PROTOCOLS = ["soap", "soap_v2", "xmlrpc", "jsonrpc"]


@pytest.fixture(params=PROTOCOLS)
def mage(request, server):
    with magesoap.connect(server.url, "apiuser", "apikey123", protocol=request.param) as session:
        yield session


def test_call_returns_plain_python(mage) -> None:
    product = mage.call("catalog_product.info", ["SKU-1"])
    assert product["sku"] == "SKU-1" and product["special_price"] is None and product["websites"] == ["1"]
    assert mage.call("product.info", "SKU-2")["product_id"] == "2"  # alias, scalar args
    assert mage.catalog_product.info("SKU-3")["name"] == "Test Product 3"  # dotted
    assert mage.core_magento.info()["magento_version"] == "1.9.4.5"


def test_list_with_filters(mage) -> None:
    assert [p["sku"] for p in mage.call("catalog_product.list", [{"sku": {"like": "SKU-%"}, "price": {"gt": 11}}])] == [
        "SKU-2", "SKU-3"
    ]
    assert [p["sku"] for p in mage.call("product.list", [{"product_id": {"in": ["1", "3"]}}])] == ["SKU-1", "SKU-3"]


def test_resource_fault_is_typed(mage) -> None:
    with pytest.raises(faults.CatalogProductProductNotExists) as caught:
        mage.call("catalog_product.info", ["NOPE"])
    fault = caught.value
    assert isinstance(fault, magesoap.NotFound)
    assert (fault.code, fault.fault_name, fault.message) == (101, "product_not_exists", "Product not exists.")
    assert (fault.resource, fault.protocol) == ("catalog_product.info", mage.protocol)


def test_invalid_path_fault_3(mage) -> None:
    with pytest.raises(magesoap.InvalidApiPath) as caught:
        mage.call("foo.bar")
    assert caught.value.code == 3


def test_multi_call_puts_faults_in_place(mage, server) -> None:
    results = mage.multi_call([("product.info", ["SKU-1"]), ("product.info", ["NOPE"]), ["core_magento.info"]])
    assert results[0]["sku"] == "SKU-1"
    assert isinstance(results[1], faults.CatalogProductProductNotExists) and results[1].resource == "product.info"
    assert results[2]["magento_edition"] == "Community"


def test_multi_call_break_stops_and_runs_nothing_after(mage, server) -> None:
    results = mage.multi_call(
        [
            ("product.info", ["SKU-1"]),
            ("product.info", ["NOPE"]),
            ("cataloginventory_stock_item.update", ["SKU-1", {"qty": 5}]),
            ("product.info", ["SKU-2"]),
        ],
        break_on_error=True,
    )
    assert len(results) == 2 and isinstance(results[1], magesoap.NotFound)
    assert "cataloginventory_stock_item.update" not in server.store.calls
    assert server.store.products[1]["qty"] == "100.0000"


def test_session_expiry_logs_in_again_once(mage, server) -> None:
    first = mage.session_id
    server.store.expire(first)
    assert mage.call("core_magento.info")["magento_edition"] == "Community"
    assert mage.session_id != first


def test_relogin_can_be_turned_off(server) -> None:
    with magesoap.connect(server.url, "apiuser", "apikey123", relogin=False) as mage:
        server.store.expire(mage.session_id)
        with pytest.raises(magesoap.SessionExpired):
            mage.call("core_magento.info")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_bad_key_is_access_denied(server, protocol) -> None:
    with pytest.raises(magesoap.AccessDenied) as caught:
        magesoap.connect(server.url, "apiuser", "wrong-key", protocol=protocol)
    assert "wrong-key" not in str(caught.value) + repr(caught.value)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_limited_role_is_denied(server, protocol) -> None:
    with magesoap.connect(server.url, "limited", "limitedkey1", protocol=protocol) as mage:
        with pytest.raises(magesoap.AccessDenied):
            mage.call("catalog_product.info", ["SKU-1"])
        assert mage.resources() == []


def test_resources_and_faults(mage) -> None:
    names = {r["name"] for r in mage.resources()}
    assert {"catalog_product", "sales_order", "cart"} <= names
    assert mage.global_faults()[5] == {"code": "5", "message": "Session expired. Try to relogin."}
    assert {"code": "101", "message": "Product not exists."} in mage.resource_faults("catalog_product")


def test_close_ends_the_session(server) -> None:
    mage = magesoap.connect(server.url, "apiuser", "apikey123")
    session_id = mage.session_id
    mage.close()
    assert session_id not in server.store.sessions and mage.session_id is None
    with pytest.raises(magesoap.UsageError):
        mage.call("core_magento.info")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_wire_faithful_client(server, protocol) -> None:
    client = magesoap.Client(server.url, protocol=protocol)
    session = client.login("apiuser", "apikey123")
    assert client.call(session, "catalog_product.info", "SKU-1")["sku"] == "SKU-1"
    entries = client.multiCall(session, [["catalog_product.info", "SKU-1"], ["catalog_product.info", ["NOPE"]]])
    assert entries[1] == {"isFault": True, "faultCode": "101", "faultMessage": "Product not exists."}
    stopped = client.multiCall(
        session, [["product.info", ["NOPE"]], ["core_magento.info"]], {"break": True}
    )
    assert len(stopped) == 1
    assert client.endSession(session) is True
    with pytest.raises(magesoap.SessionExpired):
        client.call(session, "core_magento.info")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_start_session_is_not_logged_in(server, protocol) -> None:
    client = magesoap.Client(server.url, protocol=protocol)
    session = client.startSession()
    with pytest.raises(magesoap.SessionExpired):
        client.call(session, "core_magento.info")


def test_xmlrpc_break_never_runs_a_write_after_a_failure(server) -> None:
    """The store ignores break over XML-RPC; magesoap batches so that no write follows a fault."""
    calls = [
        ("product.info", ["SKU-1"]),
        ("product.info", ["SKU-2"]),
        ("cataloginventory_stock_item.update", ["SKU-1", {"qty": 7}]),
        ("product.info", ["NOPE"]),
        ("product.info", ["SKU-3"]),
        ("cataloginventory_stock_item.update", ["SKU-2", {"qty": 9}]),
    ]
    with magesoap.connect(server.url, "apiuser", "apikey123", protocol="xmlrpc") as mage:
        before = server.requests.get("/api/xmlrpc/", 0)
        results = mage.multi_call(calls, break_on_error=True)
        assert server.requests["/api/xmlrpc/"] - before == 2  # two batches: reads, then write + reads
    assert len(results) == 4 and isinstance(results[3], magesoap.NotFound)
    assert server.store.products[1]["qty"] == "7.0000"  # the write before the failure ran
    assert server.store.products[2]["qty"] == "100.0000"  # the one after it did not
    assert server.store.calls.count("cataloginventory_stock_item.update") == 1


def test_xmlrpc_refuses_a_dict_as_args(server) -> None:
    with magesoap.connect(server.url, "apiuser", "apikey123", protocol="xmlrpc") as mage:
        with pytest.raises(magesoap.UsageError, match="list"):
            mage.call("catalog_product.list", {"sku": "SKU-1"})


@pytest.mark.parametrize("namespace", ["urn:Magento", "urn:OpenMage"])
def test_soap_namespace_comes_from_the_wsdl(namespace) -> None:
    with FakeStoreServer(FakeMagento.with_catalog(), namespace=namespace) as srv:
        with magesoap.connect(srv.url, "apiuser", "apikey123", protocol="soap") as mage:
            assert mage.client.transport.service.namespace == namespace
            assert mage.call("catalog_product.info", ["SKU-1"])["sku"] == "SKU-1"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_base_url_with_index_php_and_explicit_endpoints(server, protocol) -> None:
    with magesoap.connect(server.url + "index.php/", "apiuser", "apikey123", protocol=protocol) as mage:
        assert "/index.php/api/" in mage.client.endpoint
        assert mage.call("core_magento.info")
    path = {"soap": "api/soap/?wsdl", "soap_v2": "api/v2_soap/?wsdl=1", "xmlrpc": "api/xmlrpc/",
            "jsonrpc": "api/jsonrpc/"}[protocol]
    with magesoap.connect(server.url + path, "apiuser", "apikey123") as mage:  # protocol from the URL
        assert mage.protocol == protocol
        assert mage.call("core_magento.info")


def test_one_log_line_per_call_without_secrets(server, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="magesoap")
    with magesoap.connect(server.url, "apiuser", "apikey123") as mage:
        mage.call("catalog_product.info", ["SKU-1"])
        with pytest.raises(magesoap.NotFound):
            mage.call("catalog_product.info", ["NOPE"])
        session_id = mage.session_id
        shown = repr(mage) + str(vars(mage))
    lines = [r.getMessage() for r in caplog.records]
    assert "soap catalog_product.info fault 101" in " ".join(lines)
    for text in lines + [shown]:
        assert "apikey123" not in text and session_id not in text


def test_dotted_names_reach_any_method(server) -> None:
    """Names like ``wsi`` or ``v2`` on a resource are method names, not session attributes."""
    with magesoap.connect(server.url, "apiuser", "apikey123") as mage:
        assert repr(mage.catalog_product.v2) == "<magesoap call catalog_product.v2>"
        with pytest.raises(magesoap.InvalidApiPath):
            mage.catalog_product.wsi()
