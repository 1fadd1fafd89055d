"""XML-RPC and JSON-RPC against the real store's captures.

Every response decodes to the outcome the capture's INDEX.txt records (result, or fault code),
and every request a client would send is rebuilt by :class:`magesoap.Client` with the same values.
"""
from __future__ import annotations

import json
import re
import xmlrpc.client
from pathlib import Path

import pytest

import magesoap
from magesoap.transports.xmlrpc import loads as xmlrpc_loads

from . import phpexport
from .conftest import SHARED, shared_dir

BASE = "http://127.0.0.1:8089/"


def _index(folder: str) -> dict[str, tuple[int, str]]:
    path = SHARED / "transcripts" / folder / "INDEX.txt"
    rows = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line and not line.startswith("#"):
                name, status, outcome = (part.strip() for part in line.split("|", 2))
                rows[name] = (int(status), outcome)
    return rows


def _cases(folder: str) -> list[str]:
    return sorted(_index(folder)) or ["no-transcripts"]


def _call_api(client: magesoap.Client, method: str, params: list):
    if method == "multiCall":
        options = params[2] if len(params) > 2 and isinstance(params[2], dict) else None
        return client.multiCall(params[0], params[1], options)
    return getattr(client, method)(*params)


# ---------------------------------------------------------------------------------------- XML-RPC


@pytest.mark.parametrize("name", _cases("xmlrpc"))
def test_xmlrpc_transcript(name: str, requests_mock) -> None:
    folder = shared_dir("transcripts", "xmlrpc")
    status, outcome = _index("xmlrpc")[name]
    request = (folder / f"{name}.request.xml").read_bytes()
    response = (folder / f"{name}.response.xml").read_bytes()
    requests_mock.post(BASE + "api/xmlrpc/", content=response, status_code=status)
    client = magesoap.Client(BASE, "xmlrpc")
    fault = re.match(r"XML-RPC fault faultCode=(\d+)", outcome)
    try:
        params, method = xmlrpc.client.loads(request, use_builtin_types=True)
    except Exception:  # noqa: BLE001 - the malformed request: only its answer is of interest
        params, method = (), "call"
    path = params[1] if method == "call" and len(params) > 1 else None

    # the response decodes to the recorded outcome
    if fault:
        with pytest.raises(magesoap.MagentoFault) as caught:
            client.transport.invoke(method, list(params), path=path)
        assert caught.value.code == int(fault.group(1))
        if caught.value.code >= 600:  # the server's protocol layer, not Magento
            assert isinstance(caught.value, magesoap.ServerFault)
            return  # a request magesoap never sends as such (see the XML-RPC tests)
    else:
        assert outcome.startswith("ok")
        assert client.transport.invoke(method, list(params), path=path) is not None

    # the request a user's call produces carries the same values
    requests_mock.reset_mock()
    try:
        _call_api(client, method, list(params))
    except magesoap.MagentoFault:
        pass
    sent = xmlrpc.client.loads(requests_mock.request_history[-1].body, use_builtin_types=True)
    # magesoap never sends multiCall options over XML-RPC: the store ignores them (see xmlrpc.py)
    assert sent == ((params[:2] if method == "multiCall" else params), method)


def test_xmlrpc_and_soap_decode_the_same_list() -> None:
    folder = shared_dir("transcripts")
    via_xmlrpc = xmlrpc_loads((folder / "xmlrpc" / "02-call-catalog_product.list.response.xml").read_bytes())
    via_soap = phpexport.loads((folder / "soapv1" / "02-catalog_product.list.php-decoded.txt").read_text())
    assert via_xmlrpc == via_soap["result"]


def test_xmlrpc_large_list() -> None:
    rows = xmlrpc_loads((shared_dir("bench") / "xmlrpc-list.response.xml").read_bytes())
    assert len(rows) == 1003 and rows[0]["sku"]


# ---------------------------------------------------------------------------------------- JSON-RPC

_NOT_SENT_BY_CLIENTS = {
    "01-smd-get": "a GET, not a call",
    "14-notification-no-id": "magesoap always sends an id",
    "24-batch-request": "magesoap sends no JSON-RPC batches (multiCall does that job)",
}
_RECOVERED_CODES = {
    "Product not exists.": 101, "Session expired. Try to relogin.": 5,
    "Access denied.": 2, "Invalid api path.": 3,
}


@pytest.mark.parametrize("name", _cases("jsonrpc"))
def test_jsonrpc_transcript(name: str, requests_mock) -> None:
    folder = shared_dir("transcripts", "jsonrpc")
    if name in _NOT_SENT_BY_CLIENTS:
        pytest.skip(_NOT_SENT_BY_CLIENTS[name])
    status, outcome = _index("jsonrpc")[name]
    response = (folder / f"{name}.response.json").read_bytes()
    request_text = (folder / f"{name}.request.json").read_text()

    def answer(request, context):  # the store echoes our id, as a string
        context.status_code = status
        try:
            data = json.loads(response)
            data["id"] = str(json.loads(request.body)["id"])
            return json.dumps(data)
        except ValueError:
            return response.decode()

    requests_mock.post(BASE + "api/jsonrpc/", text=answer)
    client = magesoap.Client(BASE, "jsonrpc")
    try:
        request = json.loads(request_text)
    except ValueError:
        request = {"method": "call", "params": []}
    method, params = request["method"], request["params"]
    if isinstance(params, dict):
        params = list(params.values())
    path = params[1] if method == "call" and len(params) > 1 else (method if "." in method else None)

    error = re.match(r"ERROR code=-32000 message=(.*)", outcome)
    if error:
        with pytest.raises(magesoap.MagentoFault) as caught:
            client.transport.invoke(method, params, path=path)
        assert caught.value.message == error.group(1)
        assert caught.value.code == _RECOVERED_CODES[error.group(1)]
        assert caught.value.raw["code"] == -32000
    elif outcome.startswith("non-JSON"):
        with pytest.raises(magesoap.HTTPStatusError, match="HTML page"):
            client.transport.invoke(method, params, path=path)
    else:
        assert outcome.startswith("result")
        expected = json.loads(response)["result"]
        assert client.transport.invoke(method, params, path=path) == expected
        if method in ("login", "call", "multiCall", "endSession", "resourceFaults") and isinstance(
            request["params"], list
        ):
            requests_mock.reset_mock()
            _call_api(client, method, params)
            sent = json.loads(requests_mock.request_history[-1].body)
            assert (sent["method"], sent["params"]) == (method, params)


def test_xmlrpc_decoder_agrees_with_the_stdlib() -> None:
    """magesoap's faster XML-RPC decoder gives what xmlrpc.client gives, on every real answer."""
    folder = shared_dir("transcripts", "xmlrpc")
    files = sorted(folder.glob("*.response.xml")) + [shared_dir("bench") / "xmlrpc-list.response.xml"]
    for path in files:
        body = path.read_bytes()
        try:
            expected = ("value", xmlrpc.client.loads(body, use_builtin_types=True)[0][0])
        except xmlrpc.client.Fault as fault:
            expected = ("fault", fault.faultCode, fault.faultString)
        try:
            ours = ("value", xmlrpc_loads(body))
        except xmlrpc.client.Fault as fault:
            ours = ("fault", fault.faultCode, fault.faultString)
        assert ours == expected, path.name
