"""The one small interface every protocol implements, and what they share.

A transport carries Magento's session API (``login``, ``call``, ``multiCall`` ...) over one
protocol and turns every answer into plain Python or a typed :class:`~magesoap.MagentoFault`.
The session manager, multiCall semantics, retries and fault handling are written once, above it.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Iterator, Sequence

from ..http import HttpClient
from ..model import api_model

#: One call of a multiCall: (resource path, args or None)
CallSpec = tuple[str, Any]


class Transport(ABC):
    """Magento's session API over one protocol.

    ``endpoint`` is the API URL (``.../api/soap/``); ``wsdl_url`` the WSDL's, for SOAP.
    """

    protocol: ClassVar[str]
    #: where the endpoint lives below the store's base URL
    api_path: ClassVar[str]
    #: whether the endpoint describes itself in a WSDL (and so takes a ``wsdl_cache``)
    uses_wsdl: ClassVar[bool] = False
    #: whether the protocol sends a whole batch in one request (SOAP v2 emulates it call by call)
    native_multicall: ClassVar[bool] = True

    def __init__(self, endpoint: str, http: HttpClient, **options: Any):
        if options:
            raise TypeError(f"{type(self).__name__} takes no option(s) {', '.join(sorted(options))}")
        self.endpoint = endpoint
        self.http = http

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.endpoint}>"

    @property
    def wsdl_url(self) -> str | None:
        """Where the endpoint's WSDL is, for SOAP; None for the protocols without one."""
        return None

    @abstractmethod
    def invoke(self, method: str, params: Sequence[Any], path: str | None = None) -> Any:
        """Send one session-API method (``call``, ``login`` ...) and return its decoded result.

        ``path`` is the resource path a fault should be read against.
        """

    # The session API, as Magento defines it. Protocols override where the wire differs.

    def login(self, username: str, api_key: str) -> str:
        return self.invoke("login", [username, api_key])

    def start_session(self) -> str:
        return self.invoke("startSession", [])

    def end_session(self, session_id: str) -> bool:
        return self.invoke("endSession", [session_id])

    def call(self, session_id: str, path: str, args: Any = None) -> Any:
        return self.invoke("call", [session_id, path] if args is None else [session_id, path, args], path=path)

    def multi_call(self, session_id: str, calls: Sequence[CallSpec], break_on_error: bool = False) -> list[Any]:
        """Raw entries as the store returns them: results, or ``{isFault, faultCode, faultMessage}``."""
        options = [{"break": True}] if break_on_error else []
        return self.invoke("multiCall", [session_id, wire_calls(calls), *options])

    def resources(self, session_id: str) -> list[dict]:
        return self.invoke("resources", [session_id])

    def global_faults(self, session_id: str) -> list[dict]:
        return self.invoke("globalFaults", [session_id])

    def resource_faults(self, session_id: str, resource_name: str) -> list[dict]:
        # Magento reads (sessionId, resourceName) by position, whatever names a WSDL gives the parts.
        return self.invoke("resourceFaults", [session_id, resource_name], path=resource_name)


def wire_calls(calls: Sequence[CallSpec]) -> list[list[Any]]:
    """multiCall's ``calls`` as PHP sends them: ``[path]`` or ``[path, args]``."""
    return [[path] if args is None else [path, args] for path, args in calls]


def is_fault_entry(entry: Any) -> bool:
    return isinstance(entry, dict) and entry.get("isFault") in (True, 1, "1", "true")


def write_barrier_batches(calls: Sequence[CallSpec]) -> Iterator[list[CallSpec]]:
    """Split ``calls`` so that no write ever runs after another call of its batch failed.

    For a server that ignores ``break``: each batch is one call followed only by reads (from the
    API model); a read after a failure is harmless, and its result is dropped.
    """
    model = api_model()
    batch: list[CallSpec] = []
    for call in calls:
        if batch and not model.is_read(call[0]):
            yield batch
            batch = []
        batch.append(call)
    if batch:
        yield batch


def multi_call_without_break(transport: Transport, session_id: str, calls: Sequence[CallSpec]) -> list[Any]:
    """``break`` for a server that cannot be told: write-barrier batches, stopped at the first fault."""
    entries: list[Any] = []
    for batch in write_barrier_batches(calls):
        for entry in transport.multi_call(session_id, batch, break_on_error=False):
            entries.append(entry)
            if is_fault_entry(entry):
                return entries
    return entries
