"""SOAP v1 against the real store's captures: every request PHP sent, every response it got.

Each transcript is replayed through :class:`magesoap.Client` with requests-mock standing in for
the store: the request magesoap writes must equal PHP's once canonicalized (prefixes and
whitespace aside), and the decoded result must equal what PHP's SoapClient decoded.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

import magesoap
from magesoap import soapenc

from . import phpexport
from .canonical import canonical
from .conftest import SHARED, shared_dir

BASE = "http://127.0.0.1:8089/"
FOLDERS = ("soapv1", "setup-soapv1")


def transcripts() -> list[Path]:
    found = []
    for folder in FOLDERS:
        path = SHARED / "transcripts" / folder
        if path.exists():
            found += sorted(path.glob("*.request.xml"))
    return found or [Path("no-transcripts")]


def _status(request_file: Path) -> int:
    headers = request_file.with_name(request_file.name.replace(".request.xml", ".headers.txt"))
    if headers.exists():
        for line in headers.read_text().splitlines():
            if line.startswith("HTTP/1.1 "):
                return int(line.split()[1])
    return 200


def _replay(client: magesoap.Client, operation: str, params: list):
    """Call the Client method PHP called, with the values PHP sent."""
    method = getattr(client, operation)
    if operation == "resourceFaults":
        # PHP called resourceFaults($session, $name): the values sit in the parts by position
        return method(params[0], params[1])
    if operation == "multiCall":
        return method(params[0], params[1], params[2] if len(params) > 2 else None)
    return method(*params)


@pytest.mark.parametrize("request_file", transcripts(), ids=lambda p: f"{p.parent.name}/{p.name[:-12]}")
def test_transcript(request_file: Path, requests_mock) -> None:
    shared_dir("transcripts", "soapv1")
    wsdl = (SHARED / "wsdl" / "v1.wsdl").read_bytes()
    response = request_file.with_name(request_file.name.replace(".request.", ".response.")).read_bytes()
    decoded_file = request_file.with_name(request_file.name.replace(".request.xml", ".php-decoded.txt"))
    if not decoded_file.exists():
        pytest.skip("a hand-written raw request (curl), with no PHP-decoded result to compare")
    php = phpexport.loads(decoded_file.read_text())

    php_request = request_file.read_bytes()
    wrapper = soapenc.body_child(etree.fromstring(php_request))
    operation = etree.QName(wrapper).localname
    params = [soapenc.decode(child) for child in wrapper]

    requests_mock.get(BASE + "api/soap/?wsdl", content=wsdl)
    requests_mock.post(BASE + "api/soap/", content=response, status_code=_status(request_file))
    client = magesoap.Client(BASE, "soap", wsdl_cache=None)

    if "fault" in php:
        code, message = php["fault"]
        with pytest.raises(magesoap.MagentoFault) as caught:
            _replay(client, operation, params)
        assert (caught.value.code, caught.value.message) == (int(code), message)
    else:
        assert _same(_replay(client, operation, params), php["result"])

    sent = requests_mock.request_history[-1]
    assert sent.headers["SOAPAction"] == '"urn:Action"'
    assert canonical(sent.body) == canonical(php_request)


def _same(ours, php) -> bool:
    """Equal as PHP sees it: an empty array is PHP's only empty container."""
    if ours in ([], {}) and php in ([], {}):
        return True
    if isinstance(ours, dict) and isinstance(php, dict):
        return ours.keys() == php.keys() and all(_same(ours[k], php[k]) for k in ours)
    if isinstance(ours, list) and isinstance(php, list):
        return len(ours) == len(php) and all(_same(a, b) for a, b in zip(ours, php))
    return ours == php and type(ours) is type(php)


def test_large_list_decodes_like_the_small_one() -> None:
    bench = shared_dir("bench")
    root = etree.fromstring((bench / "v1-list.response.xml").read_bytes())
    rows = soapenc.decode(soapenc.body_child(root)[0])
    assert len(rows) == 1003
    assert set(rows[0]) == {"product_id", "sku", "name", "set", "type", "category_ids", "website_ids"}
    assert all(isinstance(row["website_ids"], list) for row in rows)
