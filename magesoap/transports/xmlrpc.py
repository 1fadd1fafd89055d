"""XML-RPC: ``/api/xmlrpc/``, stdlib ``xmlrpc.client`` codecs carried over the shared HTTP stack.

The store (Zend_XmlRpc_Server) checks parameter types strictly: ``call``'s args must be an
array, and multiCall's options are refused as a struct and ignored inside an array, so ``break``
cannot be sent. magesoap honours ``break_on_error`` itself: the calls go in write-barrier batches
(each batch is one call followed only by reads) and stop at the first fault, so no call that
writes ever runs after a failed one.
"""
from __future__ import annotations

import xmlrpc.client
from typing import Any, Sequence
from xml.parsers.expat import ExpatError

from ..exceptions import ServerFault, UnexpectedResponse, UsageError, make_fault
from ..http import HttpResponse, reading
from .base import CallSpec, Transport, multi_call_without_break, wire_calls

#: Zend_XmlRpc_Server's own fault codes (620 unknown method, 623 signature mismatch, 63x bad request)
_SERVER_CODES = range(600, 700)


def _refuse_doctype(*_args: Any) -> None:
    raise UnexpectedResponse("XML with a DOCTYPE is refused (no DTDs or entities)")


def loads(data: bytes) -> Any:
    """The value of an XML-RPC response; ``xmlrpc.client.Fault`` for a fault. No DTDs."""
    parser, unmarshaller = xmlrpc.client.getparser(use_builtin_types=True)
    parser._parser.StartDoctypeDeclHandler = _refuse_doctype  # type: ignore[attr-defined]
    parser.feed(data)
    parser.close()
    values = unmarshaller.close()
    if len(values) != 1:
        raise UnexpectedResponse(f"an XML-RPC response with {len(values)} values, not 1")
    return values[0]


class XmlRpcTransport(Transport):
    protocol = "xmlrpc"
    api_path = "api/xmlrpc/"

    def invoke(self, method: str, params: Sequence[Any], path: str | None = None) -> Any:
        try:
            body = xmlrpc.client.dumps(tuple(params), method, allow_none=True, encoding="utf-8")
        except (TypeError, OverflowError) as exc:
            raise UsageError(f"cannot send these arguments over XML-RPC: {exc}") from None
        resp = self.http.post(self.endpoint, body.encode("utf-8"), {"Content-Type": "text/xml; charset=utf-8"})
        return self.decode(resp, path)

    def decode(self, resp: HttpResponse, path: str | None = None) -> Any:
        """The value in an XML-RPC answer, or the typed fault it carries (no I/O)."""
        head = resp.body.lstrip()[:512].lower()
        if not head.startswith(b"<") or b"<html" in head:
            raise self.http.unexpected(resp, "an XML-RPC response")
        try:
            with reading(resp):
                return loads(resp.body)
        except xmlrpc.client.Fault as fault:
            code, message = fault.faultCode, str(fault.faultString)
            if isinstance(code, int) and code in _SERVER_CODES:
                raise ServerFault(message, code=code, resource=path, protocol=self.protocol) from None
            raise make_fault(code, message, path=path, protocol=self.protocol) from None
        except (ExpatError, xmlrpc.client.ResponseError, UnicodeError) as exc:
            raise UnexpectedResponse(f"not a valid XML-RPC response ({exc})", url=resp.url, status=resp.status) from None

    def call(self, session_id: str, path: str, args: Any = None) -> Any:
        if isinstance(args, dict):
            raise UsageError(
                "over XML-RPC the store takes call arguments as a list only: "
                f"pass [{{...}}] (a list holding the dict) to {path}"
            )
        if args is not None and not isinstance(args, (list, tuple)):
            args = [args]  # what Magento itself does with a scalar on the other protocols
        return super().call(session_id, path, args)

    def multi_call(self, session_id: str, calls: Sequence[CallSpec], break_on_error: bool = False) -> list[Any]:
        if break_on_error:
            return multi_call_without_break(self, session_id, calls)
        return self.invoke("multiCall", [session_id, wire_calls(calls)])
