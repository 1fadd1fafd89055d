"""What a broken, hostile or unreachable store gets: one clear, typed exception each."""
from __future__ import annotations

import warnings

import pytest
import requests

import magesoap
from magesoap.client import endpoint_url

from .fakestore import soap_fault, soap_v1_response, v1_wsdl

BASE = "https://shop.example.com/"
SOAP = BASE + "api/soap/"
HTML = (b"<!DOCTYPE html><html><head><title>There has been an error processing your request</title>"
        b"</head><body>apikey123</body></html>")


@pytest.fixture
def soap(requests_mock):
    requests_mock.get(SOAP + "?wsdl", content=v1_wsdl("urn:Magento", SOAP))
    return magesoap.Client(BASE, "soap", wsdl_cache=None)


def test_php_error_as_server_fault_with_http_500(soap, requests_mock) -> None:
    requests_mock.post(SOAP, status_code=500, content=soap_fault("SOAP-ENV:Server", "Procedure 'fooBar' not present"))
    with pytest.raises(magesoap.ServerFault, match="Procedure 'fooBar' not present") as caught:
        soap.call("sid", "catalog_product.info", ["SKU-1"])
    assert caught.value.code is None and caught.value.raw == "SOAP-ENV:Server"


@pytest.mark.parametrize("status, error", [(200, magesoap.UnexpectedResponse), (503, magesoap.HTTPStatusError)])
def test_html_error_page(soap, requests_mock, status, error) -> None:
    requests_mock.post(SOAP, status_code=status, content=HTML)
    soap.http.add_secret("apikey123")
    with pytest.raises(error, match="HTML page titled 'There has been an error processing your request'") as caught:
        soap.login("apiuser", "apikey123")
    assert "apikey123" not in str(caught.value)


@pytest.mark.parametrize(
    "body, match",
    [
        (b"", "empty body"),
        (b"<?xml version='1.0'?><SOAP-ENV:Envelope xmlns:SOAP-ENV='http://schemas.xmlsoap.org/soap/envelope/'>",
         "not well-formed"),
        (b"<?xml version='1.0'?><methodResponse/>", "not a SOAP 1.1 envelope"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
         b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
         b"<loginResponse><r>&e;</r></loginResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>", "DOCTYPE"),
        (b"Fatal error: Uncaught Error: Class 'SoapServer' not found", "something else"),
    ],
)
def test_broken_bodies(soap, requests_mock, body, match) -> None:
    requests_mock.post(SOAP, content=body)
    with pytest.raises(magesoap.UnexpectedResponse, match=match):
        soap.login("apiuser", "apikey123")


def test_answer_to_another_operation(soap, requests_mock) -> None:
    requests_mock.post(SOAP, content=soap_v1_response("urn:Magento", "endSession", True))
    with pytest.raises(magesoap.UnexpectedResponse, match="not <loginResponse>"):
        soap.login("apiuser", "apikey123")


def test_multicall_reply_of_wrong_length(soap, requests_mock) -> None:
    requests_mock.post(SOAP, content=soap_v1_response("urn:Magento", "multiCall", [{"a": "1"}]))
    with pytest.raises(magesoap.UnexpectedResponse, match="1 entries for 2 calls"):
        soap.multiCall("sid", [["core_magento.info"], ["core_magento.info"]])


def test_wsdl_that_is_an_html_404(requests_mock) -> None:
    requests_mock.get(SOAP + "?wsdl", status_code=404, content=b"<html><title>404 Not Found</title></html>")
    client = magesoap.Client(BASE, "soap", wsdl_cache=None)
    with pytest.raises(magesoap.HTTPStatusError, match="expected a WSDL document.*404 Not Found") as caught:
        client.login("apiuser", "apikey123")
    assert caught.value.status == 404 and "/api/" in str(caught.value)


@pytest.mark.parametrize(
    "exc, error",
    [
        (requests.exceptions.ConnectTimeout, magesoap.Timeout),
        (requests.exceptions.ReadTimeout, magesoap.Timeout),
        (requests.exceptions.SSLError, magesoap.TLSError),
        (requests.exceptions.ConnectionError, magesoap.ConnectionFailed),
    ],
)
def test_network_failures(requests_mock, exc, error) -> None:
    requests_mock.post(BASE + "api/xmlrpc/", exc=exc)
    with pytest.raises(error):
        magesoap.Client(BASE, "xmlrpc").login("apiuser", "apikey123")


def test_refused_connection_for_real() -> None:
    with pytest.raises(magesoap.ConnectionFailed, match="Check the store URL"):
        magesoap.Client("http://127.0.0.1:9/", "xmlrpc", timeout=2).login("a", "b")


def test_response_over_the_size_limit(requests_mock) -> None:
    requests_mock.post(BASE + "api/xmlrpc/", content=b"<methodResponse>" + b" " * 5000)
    with pytest.raises(magesoap.UnexpectedResponse, match="over the limit"):
        magesoap.Client(BASE, "xmlrpc", max_response_bytes=1000).login("a", "b")


def test_xmlrpc_fault_with_a_string_code_and_doctype(requests_mock) -> None:
    fault = (b"<?xml version='1.0'?><methodResponse><fault><value><struct><member><name>faultCode</name>"
             b"<value><string>oops</string></value></member><member><name>faultString</name><value>"
             b"<string>Broken</string></value></member></struct></value></fault></methodResponse>")
    requests_mock.post(BASE + "api/xmlrpc/", content=fault)
    client = magesoap.Client(BASE, "xmlrpc")
    with pytest.raises(magesoap.ServerFault, match="Broken"):
        client.login("a", "b")
    requests_mock.post(BASE + "api/xmlrpc/", content=b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]>'
                       b"<methodResponse><params><param><value>&a;</value></param></params></methodResponse>")
    with pytest.raises(magesoap.UnexpectedResponse, match="DOCTYPE"):
        client.login("a", "b")


def test_secure_defaults() -> None:
    client = magesoap.Client(BASE, "xmlrpc")
    assert client.http.session.verify not in (False, None, "") and client.http.timeout  # True, or a CA bundle
    with pytest.warns(UserWarning, match="TLS verification is off"):
        magesoap.Client(BASE, "xmlrpc", verify=False)
    with pytest.raises(ValueError, match="timeout"):
        magesoap.Client(BASE, "xmlrpc", timeout=None)


def test_redirect_says_where_to(requests_mock) -> None:
    requests_mock.post(BASE + "api/xmlrpc/", status_code=301, headers={"Location": "https://www.example.com/api/xmlrpc/"})
    with pytest.raises(magesoap.HTTPStatusError, match="redirects to https://www.example.com/api/xmlrpc/") as caught:
        magesoap.Client(BASE, "xmlrpc").login("a", "b")
    assert caught.value.sent is False


def test_bad_input_is_refused_before_sending() -> None:
    with pytest.raises(magesoap.UsageError, match="unknown protocol 'soap3'"):
        magesoap.Client(BASE, "soap3")
    with pytest.raises(magesoap.UsageError, match="not an http"):
        magesoap.Client("shop.example.com", "soap")
    client = magesoap.Client(BASE, "xmlrpc")
    with pytest.raises(magesoap.UsageError, match="multiCall entry 1"):
        client.multiCall("sid", [["core_magento.info"], 42])
    with pytest.raises(magesoap.UsageError, match="unknown multiCall option"):
        client.multiCall("sid", [["core_magento.info"]], {"brake": True})


@pytest.mark.parametrize(
    "url, protocol, endpoint",
    [
        ("https://shop.example.com", "soap", "https://shop.example.com/api/soap/"),
        ("https://shop.example.com/index.php/", "xmlrpc", "https://shop.example.com/index.php/api/xmlrpc/"),
        ("https://shop.example.com/shop/?x=1", "jsonrpc", "https://shop.example.com/shop/api/jsonrpc/"),
        ("https://shop.example.com/api/soap/?wsdl", "soap", "https://shop.example.com/api/soap/"),
        ("https://shop.example.com/index.php/api/xmlrpc/", "xmlrpc", "https://shop.example.com/index.php/api/xmlrpc/"),
    ],
)
def test_endpoint_url(url, protocol, endpoint) -> None:
    assert endpoint_url(url, protocol) == endpoint
