"""SOAP v2: ``/api/v2_soap/?wsdl=1``, one operation per method, in either of the store's modes.

The same URL serves an rpc/encoded WSDL or, with the store's "WS-I Compliance" setting on, a
document/literal one; :attr:`SoapV2Transport.wsi` says which (read from the WSDL, or forced).
v1 paths run through :mod:`magesoap.facade`; v2 has no multiCall, so it is emulated call by call
with the same result shape and ``break`` semantics.

In WS-I mode the store's own ``resources``, ``globalFaults``, ``resourceFaults`` and
``startSession`` are broken (PHP errors on the server). A session id is valid on every endpoint of
a store, so magesoap answers those four through the store's SOAP v1 endpoint.
"""
from __future__ import annotations

from typing import Any, Sequence

from ..exceptions import (
    InvalidApiPath,
    MagentoFault,
    SessionExpired,
    TransportError,
    UnexpectedResponse,
    UsageError,
)
from ..facade import v2_operation, v2_values
from ..http import HttpClient, HttpResponse, reading
from ..model import api_model
from ..v2codec import ServiceDescription, V2Codec
from ..wsdl import WsdlCache, digest, fetch_wsdl
from .base import CallSpec, Transport
from .soap_v1 import SoapV1Transport, is_returned, parse_soap_response


class SoapV2Transport(Transport):
    protocol = "soap_v2"
    api_path = "api/v2_soap/"
    uses_wsdl = True
    native_multicall = False

    @property
    def wsdl_url(self) -> str:
        return f"{self.endpoint}?wsdl=1"

    def __init__(
        self, endpoint: str, http: HttpClient, *, wsdl_cache: WsdlCache | None = None, wsi: bool | None = None
    ):
        super().__init__(endpoint, http)
        self.wsdl_cache = wsdl_cache
        self._forced_wsi = wsi
        self._codec: V2Codec | None = None
        self._v1: SoapV1Transport | None = None

    @property
    def codec(self) -> V2Codec:
        if self._codec is None:
            description = self._load_description()
            if self._forced_wsi is not None and self._forced_wsi != description.wsi:
                raise UsageError(
                    f"wsi={self._forced_wsi} was asked, but the store serves a "
                    f"{'WS-I (document/literal)' if description.wsi else 'rpc/encoded'} v2 WSDL: "
                    "the store's System > Configuration > Magento Core API > WS-I Compliance decides"
                )
            self._codec = V2Codec(description)
        return self._codec

    def _load_description(self) -> ServiceDescription:
        """The store's service description: from the cache where this exact WSDL text was read
        before (a warm start then reads neither the WSDL nor the network), else from the WSDL."""
        cache = self.wsdl_cache
        known = cache.known_digest(self.wsdl_url) if cache is not None else None
        if known is not None:
            cached = self._cached_description(known)
            if cached is not None:
                return cached
        body = fetch_wsdl(self.wsdl_url, self.http, cache)
        key = digest(body)
        description = self._cached_description(key) or ServiceDescription.from_wsdl(body)
        if cache is not None:
            cache.put_parsed("v2", key, description.to_dict())
        return description

    def _cached_description(self, key: str) -> ServiceDescription | None:
        data = self.wsdl_cache.get_parsed("v2", key) if self.wsdl_cache is not None else None
        try:
            return ServiceDescription.from_dict(data) if data is not None else None
        except (KeyError, TypeError, ValueError):
            return None  # written by another version, or damaged: read the WSDL again

    @property
    def service(self) -> ServiceDescription:
        return self.codec.desc

    @property
    def wsi(self) -> bool:
        """True when the store speaks the WS-I compliant (document/literal) v2 API."""
        return self.service.wsi

    def invoke(self, method: str, params: Sequence[Any], path: str | None = None) -> Any:
        return self.invoke_named(method, self._positional(method, params, path), path)

    def _positional(self, method: str, params: Sequence[Any], path: str | None) -> dict[str, Any]:
        """``params`` by the operation's input part names, in order."""
        operation = self.service.operations.get(method)
        if operation is None:
            raise InvalidApiPath(f"this store's v2 WSDL has no operation {method!r}", resource=path or method,
                                 protocol=self.protocol)
        if len(params) > len(operation.inputs):
            raise UsageError(f"{method} takes {len(operation.inputs)} arguments, not {len(params)}")
        return {part.name: value for part, value in zip(operation.inputs, params)}

    def invoke_named(self, method: str, values: dict[str, Any], path: str | None = None) -> Any:
        codec = self.codec
        operation = codec.desc.operations[method]
        body = codec.envelope(operation, values)
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{operation.action}"'}
        return self.decode(self.http.post(self.endpoint, body, headers), method, path)

    def decode(self, resp: HttpResponse, method: str, path: str | None = None) -> Any:
        """The result in the store's answer to operation ``method``, or its typed fault (no I/O)."""
        codec = self.codec
        operation = codec.desc.operations[method]
        item_type = codec.row_type(operation)
        rows: list = []
        with reading(resp):
            wrapper = parse_soap_response(
                resp, self.http, operation.output_element, path=path or method, protocol=self.protocol,
                rows=rows, rows_of=is_returned,
                decode_row=(lambda el: codec.decode(el, item_type)) if item_type else None)
            return rows if rows else codec.result(operation, wrapper)

    def call_operation(self, session_id: str, operation: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
        """``mage.v2.catalogProductInfo("SKU-1")``: a v2 operation by its own name."""
        values = self._positional(operation, [session_id, *args], operation)
        overlap = set(values) & set(kwargs)
        if overlap:
            raise UsageError(f"{operation}: {', '.join(sorted(overlap))} given twice")
        method = api_model().by_v2_operation(operation)
        return self.invoke_named(operation, values | kwargs, method.path if method else operation)

    # ---- the session API on v2

    def call(self, session_id: str, path: str, args: Any = None) -> Any:
        operation = v2_operation(path, self.service, self.protocol)
        values = v2_values(operation, args, self.service)
        values[operation.inputs[0].name] = session_id
        return self.invoke_named(operation.name, values, path)

    def multi_call(self, session_id: str, calls: Sequence[CallSpec], break_on_error: bool = False) -> list[Any]:
        """Call by call. Where the session expires or the transport fails part-way, the error
        carries ``completed``: the entries of the calls that ran, so the session manager can
        log in again and go on from the first call that did not run, or say which write's
        outcome is unknown."""
        entries: list[Any] = []
        for path, args in calls:
            try:
                entries.append(self.call(session_id, path, args))
            except (SessionExpired, TransportError) as error:
                error.completed = entries  # type: ignore[union-attr]
                raise
            except MagentoFault as fault:
                entries.append({"isFault": True, "faultCode": None if fault.code is None else str(fault.code),
                                "faultMessage": fault.message})
                if break_on_error:
                    break
        return entries

    def start_session(self) -> str:
        return self._v1_endpoint().start_session() if self.wsi else super().start_session()

    def resources(self, session_id: str) -> list[dict]:
        return self._v1_endpoint().resources(session_id) if self.wsi else super().resources(session_id)

    def global_faults(self, session_id: str) -> list[dict]:
        return self._v1_endpoint().global_faults(session_id) if self.wsi else super().global_faults(session_id)

    def resource_faults(self, session_id: str, resource_name: str) -> list[dict]:
        if self.wsi:
            return self._v1_endpoint().resource_faults(session_id, resource_name)
        return super().resource_faults(session_id, resource_name)  # positional, as the server reads it

    def _v1_endpoint(self) -> SoapV1Transport:
        if self._v1 is None:
            if f"/{self.api_path}" not in self.endpoint:
                raise UnexpectedResponse(f"cannot find the SOAP v1 endpoint beside {self.endpoint}")
            endpoint = self.endpoint.replace(f"/{self.api_path}", f"/{SoapV1Transport.api_path}")
            self._v1 = SoapV1Transport(endpoint, self.http, wsdl_cache=self.wsdl_cache)
        return self._v1
