"""The WSDL cache: a warm start asks the store for nothing, and never mixes stores up."""
from __future__ import annotations

import pytest

import magesoap
from magesoap.wsdl import WsdlCache

from .fakestore import FakeStoreServer


def test_warm_cache_makes_no_wsdl_request(server, tmp_path) -> None:
    cache = WsdlCache(tmp_path)
    for _ in range(2):
        with magesoap.connect(server.url, "apiuser", "apikey123", wsdl_cache=cache) as mage:
            assert mage.call("core_magento.info")
    assert server.requests["/api/soap/"] == 1 + 2 * 3  # one WSDL GET, then login, call, endSession twice
    assert len(list(tmp_path.glob("*.wsdl"))) == 1


def test_default_cache_dir_comes_from_the_environment(server, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MAGESOAP_WSDL_CACHE", str(tmp_path / "here"))
    with magesoap.connect(server.url, "apiuser", "apikey123"):
        pass
    assert len(list((tmp_path / "here").glob("*.wsdl"))) == 1


def test_one_store_never_gets_another_stores_wsdl(tmp_path) -> None:
    cache = WsdlCache(tmp_path)
    with FakeStoreServer(namespace="urn:Magento") as ce, FakeStoreServer(namespace="urn:OpenMage") as om:
        for srv, namespace in ((ce, "urn:Magento"), (om, "urn:OpenMage")):
            with magesoap.connect(srv.url, "apiuser", "apikey123", wsdl_cache=cache) as mage:
                assert mage.client.transport.service.namespace == namespace


def test_corrupt_or_foreign_cache_file_is_replaced(server, tmp_path) -> None:
    cache = WsdlCache(tmp_path)
    url = server.url + "api/soap/?wsdl"
    cache.path(url).parent.mkdir(parents=True, exist_ok=True)
    cache.path(url).write_bytes(b"<definitions><trunc")
    cache.path(url).with_suffix(".json").write_text('{"url": "%s", "fetched": 0}' % url)
    with magesoap.connect(server.url, "apiuser", "apikey123", wsdl_cache=cache):
        pass
    assert cache.get(url) is not None and server.requests["/api/soap/"] >= 1
    cache.path(url).with_suffix(".json").write_text('{"url": "https://other.example.com/api/soap/?wsdl"}')
    assert cache.get(url) is None


def test_max_age_and_clear(server, tmp_path) -> None:
    cache = WsdlCache(tmp_path, max_age=0)
    url = server.url + "api/soap/?wsdl"
    cache.put(url, b'<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"/>')
    assert cache.get(url) is None  # too old
    cache = WsdlCache(tmp_path)
    assert cache.get(url) is not None
    cache.clear()
    assert cache.get(url) is None


def test_check_wsdl_is_offline(monkeypatch) -> None:
    """zeep reads the real v2 WSDL, with its import of the encoding schema, without the network."""
    import socket

    from magesoap.wsdl import check_wsdl

    from .conftest import shared_dir

    def no_network(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    wsdl = shared_dir("wsdl")
    assert check_wsdl((wsdl / "v2.wsdl").read_bytes()) == 150
    assert check_wsdl((wsdl / "v2-wsi.wsdl").read_bytes()) == 149
    elsewhere = (wsdl / "v2.wsdl").read_bytes().replace(
        b'schemaLocation="http://schemas.xmlsoap.org/soap/encoding/"', b'schemaLocation="http://evil.example/x.xsd"')
    with pytest.raises(magesoap.UnexpectedResponse, match="fetches nothing but the store"):
        check_wsdl(elsewhere)


def test_v2_description_is_cached_by_wsdl_hash(tmp_path) -> None:
    with FakeStoreServer() as server:
        with magesoap.connect(server.url, "apiuser", "apikey123", protocol="soap_v2", wsdl_cache=tmp_path) as mage:
            first = mage.client.transport.service
        assert len(list(tmp_path.glob("*.v2.json"))) == 1
        with magesoap.connect(server.url, "apiuser", "apikey123", protocol="soap_v2", wsdl_cache=tmp_path) as mage:
            assert mage.client.transport.service == first
