"""JSON-RPC: ``/api/jsonrpc/``, JSON-RPC 2.0 over the shared HTTP stack.

The store turns every Magento fault into error ``-32000`` with only the message; the code and
the typed exception are recovered from the message and the resource through the API model, and
the raw error is kept on the exception (``.raw``). ``break`` works here.
"""
from __future__ import annotations

import itertools
import json
from typing import Any, Sequence

from ..exceptions import MagentoFault, ServerFault, UnexpectedResponse, UsageError, make_fault
from ..model import api_model
from ..http import HttpResponse
from .base import Transport

#: JSON-RPC's own error codes: the request, not Magento, was refused
_PROTOCOL_ERRORS = range(-32700, -32599)
MAGENTO_FAULT = -32000


class JsonRpcTransport(Transport):
    protocol = "jsonrpc"
    api_path = "api/jsonrpc/"

    def __init__(self, endpoint: str, http, **options: Any):
        super().__init__(endpoint, http, **options)
        self._ids = itertools.count(1)

    def invoke(self, method: str, params: Sequence[Any], path: str | None = None) -> Any:
        request_id = next(self._ids)
        try:
            body = json.dumps({"jsonrpc": "2.0", "method": method, "params": list(params), "id": request_id})
        except (TypeError, ValueError) as exc:
            raise UsageError(f"cannot send these arguments as JSON: {exc}") from None
        resp = self.http.post(self.endpoint, body.encode("utf-8"), {"Content-Type": "application/json"})
        return self.decode(resp, request_id, path)

    def decode(self, resp: HttpResponse, request_id: int, path: str | None = None) -> Any:
        """The result of a JSON-RPC answer, or the typed fault it carries (no I/O)."""
        try:
            answer = json.loads(resp.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise self.http.unexpected(resp, "a JSON-RPC response") from None
        if not isinstance(answer, dict) or not ("result" in answer or "error" in answer):
            raise UnexpectedResponse("JSON that is not a JSON-RPC response", url=resp.url, status=resp.status)
        if answer.get("id") is not None and str(answer["id"]) != str(request_id):
            raise UnexpectedResponse(
                f"the answer is for request {answer['id']!r}, not {request_id}", url=resp.url, status=resp.status
            )
        error = answer.get("error")
        if error is not None:
            raise self._fault(error, path)
        if "result" not in answer:
            raise UnexpectedResponse("a JSON-RPC answer with neither result nor error", url=resp.url,
                                     status=resp.status)
        return answer["result"]

    def _fault(self, error: Any, path: str | None) -> MagentoFault:
        if not isinstance(error, dict):
            return ServerFault(str(error)[:200], resource=path, protocol=self.protocol, raw=error)
        message = str(error.get("message", ""))
        code = error.get("code")
        if code != MAGENTO_FAULT:
            if isinstance(code, int) and code in _PROTOCOL_ERRORS:
                return ServerFault(message, code=code, resource=path, protocol=self.protocol, raw=error)
            return make_fault(code, message, path=path, protocol=self.protocol, raw=error)
        known = api_model().fault_by_message(message, path)
        if known is None:
            return MagentoFault(message, resource=path, protocol=self.protocol, raw=error)
        return make_fault(known.code, message, path=path, protocol=self.protocol, raw=error)
