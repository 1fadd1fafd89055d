"""SOAP v1: ``/api/soap/``, rpc/encoded, every argument ``xsd:anyType`` in section-5 encoding.

The WSDL is read once (through the cache) for three facts: the service namespace
(``urn:Magento`` or ``urn:OpenMage``), each operation's part names, and its SOAPAction. Requests
go to the endpoint derived from the URL the user gave, not to the WSDL's ``soap:address``, which
stores often get wrong (http for https, an internal host name).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from lxml import etree

from .. import soapenc, xmlsafe
from ..exceptions import UnexpectedResponse, UsageError, make_fault
from ..http import HttpClient, HttpResponse, reading
from ..wsdl import WSDL_NS, WsdlCache, fetch_wsdl, target_namespace
from .base import Transport

_SOAP_BINDING_NS = "http://schemas.xmlsoap.org/wsdl/soap/"


@dataclass(frozen=True)
class RpcService:
    """What an rpc/encoded WSDL says about how to address its operations."""

    namespace: str
    parts: dict[str, list[str]]  # operation -> input part names, in order
    actions: dict[str, str]  # operation -> SOAPAction

    @classmethod
    def from_wsdl(cls, body: bytes) -> "RpcService":
        root = xmlsafe.parse(body)
        w = f"{{{WSDL_NS}}}"
        messages = {
            m.get("name"): [p.get("name") for p in m.iter(f"{w}part")]
            for m in root.iter(f"{w}message")
        }
        parts: dict[str, list[str]] = {}
        for op in root.iter(f"{w}operation"):
            inp = op.find(f"{w}input")
            if inp is not None and inp.get("message"):
                parts[op.get("name")] = messages.get(_local_name(inp.get("message")), [])
        actions = {
            op.getparent().get("name"): op.get("soapAction", "")
            for op in root.iter(f"{{{_SOAP_BINDING_NS}}}operation")
        }
        return cls(target_namespace(root), parts, actions)


def _local_name(qname: str) -> str:
    return qname.rpartition(":")[2]


def parse_soap_response(
    resp: HttpResponse, http: HttpClient, expected: str, *, path: str | None, protocol: str,
    rows: list | None = None, decode_row: Callable[[etree._Element], Any] | None = None,
    rows_of: Callable[[etree._Element], bool] | None = None,
) -> etree._Element:
    """The wrapper element ``expected`` (``loginResponse``) of a SOAP response, or the typed fault
    the response carries instead.

    With ``rows`` and ``decode_row``, a large answer is read as a stream: the items of its
    returned array are decoded into ``rows`` as they arrive and dropped from the tree.
    """
    if not resp.body.lstrip()[:1] == b"<" or b"<html" in resp.body[:512].lower():
        raise http.unexpected(resp, "a SOAP envelope")
    if decode_row is not None and rows is not None and len(resp.body) >= xmlsafe.STREAM_AT:
        root, streamed = xmlsafe.parse_streaming(
            resp.body, rows_of or is_returned_array, decode_row, url=resp.url, status=resp.status)
        rows.extend(streamed or ())
    else:
        root = xmlsafe.parse(resp.body, url=resp.url, status=resp.status)
    wrapper = soapenc.body_child(root, url=resp.url, status=resp.status)
    fault = soapenc.fault_parts(wrapper)
    if fault is not None:
        code, message = fault
        raise make_fault(code if code.isdigit() else None, message, path=path, protocol=protocol, raw=code)
    if etree.QName(wrapper).localname != expected:
        raise UnexpectedResponse(
            f"the answer is <{etree.QName(wrapper).localname}>, not <{expected}>", url=resp.url, status=resp.status
        )
    return wrapper


def is_returned(el: etree._Element) -> bool:
    """Whether ``el`` is what an answer returns (Envelope > Body > wrapper > el)."""
    wrapper = el.getparent()
    body = wrapper.getparent() if wrapper is not None else None
    envelope = body.getparent() if body is not None else None
    return envelope is not None and envelope.getparent() is None


def is_returned_array(el: etree._Element) -> bool:
    return is_returned(el) and soapenc.is_array(el)


class SoapV1Transport(Transport):
    protocol = "soap"
    api_path = "api/soap/"
    uses_wsdl = True

    @property
    def wsdl_url(self) -> str:
        return f"{self.endpoint}?wsdl"

    def __init__(self, endpoint: str, http: HttpClient, *, wsdl_cache: WsdlCache | None = None):
        super().__init__(endpoint, http)
        self.wsdl_cache = wsdl_cache
        self._service: RpcService | None = None

    @property
    def service(self) -> RpcService:
        if self._service is None:
            self._service = RpcService.from_wsdl(fetch_wsdl(self.wsdl_url, self.http, self.wsdl_cache))
        return self._service

    def invoke(self, method: str, params: Sequence[Any], path: str | None = None) -> Any:
        service = self.service
        names = service.parts.get(method)
        if names is None:
            raise UnexpectedResponse(f"the store's WSDL has no operation {method!r}", url=self.wsdl_url)
        if len(params) > len(names):
            raise UsageError(f"{method} takes {len(names)} arguments, not {len(params)}")
        params = [*params, *[None] * (len(names) - len(params))]  # omitted = nil, as PHP sends it
        body = soapenc.encode_envelope(
            service.namespace, method, zip(names, params), {"calls": "ns1:FixedArray"}
        )
        headers = {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{service.actions.get(method, "")}"',
        }
        return self.decode(self.http.post(self.endpoint, body, headers), method, path)

    def decode(self, resp: HttpResponse, method: str, path: str | None = None) -> Any:
        """The result in the store's answer to ``method``, or the typed fault it carries (no I/O)."""
        rows: list = []
        with reading(resp):
            wrapper = parse_soap_response(resp, self.http, f"{method}Response", path=path, protocol=self.protocol,
                                          rows=rows, decode_row=soapenc.decode)
            if rows:
                return rows  # a large list, decoded as it arrived
            return soapenc.decode(wrapper[0]) if len(wrapper) else None
