"""Property-based fuzzing of every decoder: whatever arrives, a value or a MagesoapError.

Run longer with ``FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py``.
"""
from __future__ import annotations

import json
import math
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import magesoap
from magesoap import soapenc
from magesoap.http import HttpResponse

from .hostile import VARIANTS, login_answer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

xml_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r",
                                 min_codepoint=0x20), max_size=20)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**31), 2**31 - 1) | xml_text
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not (f == 0 and math.copysign(1, f) < 0)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(xml_text.filter(bool), inner, max_size=4),
    max_leaves=12,
)


@FUZZ
@given(values)
def test_section5_round_trip(value) -> None:
    out: list[str] = []
    soapenc.encode_value("v", value, out)
    xml = f'<w xmlns:SOAP-ENC="{soapenc.SOAP_ENC}" xmlns:xsi="{soapenc.XSI}" xmlns:xsd="{soapenc.XSD}" ' \
          f'xmlns:ns2="{soapenc.APACHE}">{"".join(out)}</w>'
    assert soapenc.decode(etree.fromstring(xml.encode())[0]) == value


def _clients(server_url: str = "http://store.invalid/") -> dict:
    from .fakestore_v2 import v2_wsdl
    from .fakestore import v1_wsdl

    clients = {}
    for variant in VARIANTS:
        client = magesoap.Client(server_url, variant.split()[0], wsdl_cache=None)
        transport = client.transport
        if variant == "soap":
            from magesoap.transports.soap_v1 import RpcService

            transport._service = RpcService.from_wsdl(v1_wsdl("urn:OpenMage", server_url))
        elif variant.startswith("soap_v2"):
            from magesoap.v2codec import ServiceDescription, V2Codec

            transport._codec = V2Codec(ServiceDescription.from_wsdl(
                v2_wsdl("urn:OpenMage", server_url, "WS-I" in variant)))
        clients[variant] = transport
    return clients


CLIENTS = _clients()


def decode(variant: str, body: bytes, status: int = 200):
    transport = CLIENTS[variant]
    resp = HttpResponse(status, "text/xml", body, "http://store.invalid/")
    try:
        if variant == "xmlrpc":
            return transport.decode(resp)
        if variant == "jsonrpc":
            return transport.decode(resp, 1)
        return transport.decode(resp, "login")
    except magesoap.MagesoapError:
        return None


@FUZZ
@given(st.sampled_from(VARIANTS), st.binary(max_size=300), st.sampled_from([200, 500, 503]))
def test_random_bytes(variant, body, status) -> None:
    decode(variant, body, status)


@FUZZ
@given(st.sampled_from(VARIANTS), st.data())
def test_mutated_valid_answers(variant, data) -> None:
    body = bytearray(login_answer(variant))
    for _ in range(data.draw(st.integers(1, 4))):
        action = data.draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        at = data.draw(st.integers(0, max(0, len(body) - 1)))
        if action == "cut":
            del body[at:]
        elif action == "flip" and body:
            body[at] = data.draw(st.integers(0, 255))
        elif action == "insert":
            body[at:at] = data.draw(st.sampled_from([b"<", b">", b"&", b"&e;", b"<!DOCTYPE x>", b"\x00", b"\xff",
                                                     b"]]>", b'"', b"<item>", b"</", b"{", b"[", b"\\u0000"]))
        else:
            del body[at:at + data.draw(st.integers(1, 20))]
    decode(variant, bytes(body))


@FUZZ
@given(values)
def test_any_section5_value_as_an_answer(value) -> None:
    """A v1 answer may hold anything section 5 can say; the decoder gives it back."""
    out: list[str] = []
    soapenc.encode_value("callReturn", value, out)
    body = (f'<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="{soapenc.SOAP_ENV}" '
            f'xmlns:SOAP-ENC="{soapenc.SOAP_ENC}" xmlns:xsi="{soapenc.XSI}" xmlns:xsd="{soapenc.XSD}" '
            f'xmlns:ns2="{soapenc.APACHE}"><SOAP-ENV:Body><ns1:callResponse xmlns:ns1="urn:x">{"".join(out)}'
            "</ns1:callResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>").encode()
    resp = HttpResponse(200, "text/xml", body, "http://store.invalid/")
    assert CLIENTS["soap"].decode(resp, "call") == value


@FUZZ
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=10))
def test_random_json_rpc_answers(value) -> None:
    decode("jsonrpc", json.dumps(value).encode())
    decode("jsonrpc", json.dumps({"error": value, "id": "1"}).encode())
    decode("jsonrpc", json.dumps({"result": value, "id": value}).encode())


@FUZZ
@given(values)
def test_xmlrpc_decoder_reads_what_the_stdlib_writes(value) -> None:
    import xmlrpc.client

    from magesoap.transports.xmlrpc import loads

    body = xmlrpc.client.dumps((value,), methodresponse=True, allow_none=True).encode("utf-8")
    assert loads(body) == xmlrpc.client.loads(body, use_builtin_types=True)[0][0] == value
