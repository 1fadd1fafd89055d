"""Every error magesoap raises, in one tree.

::

    MagesoapError                      anything magesoap raises
    ├── UsageError (+ValueError)       bad input caught before anything is sent
    ├── MagentoFault                   the store answered with a fault
    │   ├── UnknownFault (0), InternalFault (1), AccessDenied (2), InvalidApiPath (3),
    │   │   ResourcePathNotCallable (4), SessionExpired (5), InvalidRequestParam (6)
    │   ├── ResourceFault              codes 100+, whose meaning depends on the resource
    │   │   ├── NotFound               ..._not_exists, link_was_not_found, ...
    │   │   ├── InvalidData            data_invalid, filters_invalid, invalid_..., ...
    │   │   ├── Conflict               ..._already_exists, quotes_are_similar, ...
    │   │   └── OperationFailed        not_saved, not_deleted, ..._fault, ...
    │   │       (each of the 194 resource faults also has its own class, e.g.
    │   │        ``faults.CatalogProductProductNotExists``, a subclass of its family)
    │   └── ServerFault                a PHP-level error, not a Magento fault (SOAP-ENV:Server,
    │                                  XML-RPC 620/623/632, HTTP 500 with a SOAP fault)
    └── TransportError                 nothing usable came back
        ├── OutcomeUnknown             a write was sent and no clear answer came: it may have run
        ├── ConnectionFailed, Timeout, TLSError
        ├── HTTPStatusError            a status that carries no API answer (404, 401, 503 ...)
        └── UnexpectedResponse         HTML, truncated or foreign XML, a DOCTYPE, too large ...

Texts never hold an API key or a session id: faults carry the store's own message, and nothing
of the request body is ever quoted.
"""
from __future__ import annotations

import re
from typing import Any

from .model import Fault, api_model


class MagesoapError(Exception):
    """Base of everything magesoap raises."""


class UsageError(MagesoapError, ValueError):
    """The call itself is wrong (unknown protocol, bad arguments); nothing was sent."""


class MagentoFault(MagesoapError):
    """The store answered with a fault.

    ``code`` is Magento's number (``None`` where the store gave none), ``fault_name`` its name in
    the API model (``product_not_exists``), ``message`` the store's own text, ``resource`` the
    resource path that was called, ``protocol`` the adapter that carried it.
    """

    code: int | None = None
    fault_name: str = "unknown"

    def __init__(
        self,
        message: str = "",
        *,
        code: int | None = None,
        fault_name: str | None = None,
        resource: str | None = None,
        protocol: str | None = None,
        raw: Any = None,
    ):
        if code is not None:
            self.code = code
        if fault_name is not None:
            self.fault_name = fault_name
        self.message = message
        self.resource = resource
        self.protocol = protocol
        self.raw = raw  # what the wire carried, where it says more than code and message
        super().__init__(message)

    def __str__(self) -> str:
        where = f" calling {self.resource}" if self.resource else ""
        via = f" over {self.protocol}" if self.protocol else ""
        code = "" if self.code is None else f" {self.code}"
        return f"Magento fault{code} ({self.fault_name}){where}{via}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, fault_name={self.fault_name!r}, "
            f"message={self.message!r}, resource={self.resource!r}, protocol={self.protocol!r})"
        )

    def __reduce__(self):  # keep keyword state through pickling (multiprocessing, caches)
        return (_rebuild_fault, (type(self), self.message, self.__dict__))

    def __eq__(self, other: object) -> bool:
        return (
            type(self) is type(other)
            and (self.code, self.fault_name, self.message, self.resource)
            == (other.code, other.fault_name, other.message, other.resource)  # type: ignore[attr-defined]
        )

    __hash__ = Exception.__hash__


def _rebuild_fault(cls, message, state):
    fault = cls.__new__(cls)
    Exception.__init__(fault, message)
    fault.__dict__.update(state)
    return fault


class UnknownFault(MagentoFault):
    """The store failed without saying why: its ``var/log/exception.log`` and ``system.log`` do."""

    code, fault_name = 0, "unknown"


class InternalFault(MagentoFault):
    """The store hit an internal error: its ``var/log/exception.log`` says why."""

    code, fault_name = 1, "internal"


class AccessDenied(MagentoFault):
    """Wrong user or API key on login, or the user's role lacks the resource (``catalog/product``
    is needed before ``catalog/product/info``)."""

    code, fault_name = 2, "access_denied"


class InvalidApiPath(MagentoFault):
    """The resource path does not exist on this store (a typo, or a module that is not installed)."""

    code, fault_name = 3, "resource_path_invalid"


class ResourcePathNotCallable(MagentoFault):
    """The path names a resource the store knows, but its model or method cannot be called (a
    broken or half-removed module, or a method name with a typo in its case)."""

    code, fault_name = 4, "resource_path_not_callable"


class SessionExpired(MagentoFault):
    """The session id is unknown, ended, timed out, or came from ``startSession`` without login."""

    code, fault_name = 5, "session_expired"


class InvalidRequestParam(MagentoFault):
    """A required argument is missing or of the wrong kind: compare the call with the method's
    signature; ``var/log/exception.log`` names the parameter."""

    code, fault_name = 6, "invalid_request_param"


class ResourceFault(MagentoFault):
    """A fault whose code (100+) means something only together with the resource called."""


class NotFound(ResourceFault):
    """The thing the call names does not exist (product, order, quote, store view ...)."""


class InvalidData(ResourceFault):
    """The store rejected the data or filters sent."""


class Conflict(ResourceFault):
    """The thing to create is already there, or the request contradicts the store's state."""


class OperationFailed(ResourceFault):
    """The store accepted the request but could not carry it out (save, delete, move ...)."""


class ServerFault(MagentoFault):
    """A PHP-level error rather than a Magento fault: a bug or misconfiguration on the server,
    or a request the server's protocol layer refused (XML-RPC 620/623/632)."""

    fault_name = "server"


class TransportError(MagesoapError):
    """Nothing usable came back from the store.

    ``sent`` is False only where the request certainly never reached the store (the connection
    was refused or never made); otherwise the store may have acted on it.
    """

    hint = ""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None, sent: bool = True):
        self.url = url
        self.status = status
        self.sent = sent
        super().__init__(message)

    def __str__(self) -> str:
        text = self.args[0]
        if self.status is not None:
            text = f"HTTP {self.status}: {text}"
        if self.url:
            text += f" ({self.url})"
        return f"{text}. {self.hint}" if self.hint else text


class OutcomeUnknown(TransportError):
    """A call that writes was sent, and no clear answer came back: the store may or may not have
    applied it. Check the store before sending it again (magesoap never resends a write by itself).

    ``cause`` is the transport error; ``writes`` lists (index, path) of every write whose outcome
    is unknown (one for a call, each write of a multiCall); ``completed`` holds the results of the
    calls of a batch known to have run before it (SOAP v2 runs a batch call by call).
    """

    hint = "The store may have applied it: check before sending it again."

    def __init__(self, message: str, *, cause: TransportError, writes: list[tuple[int, str]],
                 completed: list | None = None):
        super().__init__(message, url=cause.url, status=cause.status)
        self.cause = cause
        self.writes = writes
        self.completed = completed or []


class ConnectionFailed(TransportError):
    hint = "Check the store URL, DNS, firewall and proxy settings."


class Timeout(TransportError):
    hint = "The store did not answer in time: raise `timeout`, or filter large lists."


class TLSError(TransportError):
    hint = "Check the certificate chain, or pass `verify=` a CA bundle path; do not turn verification off."


class HTTPStatusError(TransportError):
    retry_after: float | None = None  # seconds the store asked to wait (429, 503)

    @property
    def hint(self) -> str:  # type: ignore[override]
        if self.status in (401, 403):
            return "The web server refused the request: HTTP basic auth (`auth=`), an IP allow-list or a WAF."
        if self.status == 429:
            return "The store (or a proxy) limits the request rate: slow down (`rate_limit=`)."
        if self.status is not None and self.status >= 500:
            return "The store failed: look at its var/report and var/log; calls that read are retried."
        return "Check the store URL: the API lives at /api/..., or /index.php/api/... without URL rewrites."


class UnexpectedResponse(TransportError):
    hint = (
        "This is not what Magento's API sends: check that the URL points to the API, and look at "
        "the store's var/report and var/log."
    )


GLOBAL_FAULT_CLASSES: dict[int, type[MagentoFault]] = {
    cls.code: cls  # type: ignore[misc]
    for cls in (
        UnknownFault, InternalFault, AccessDenied, InvalidApiPath,
        ResourcePathNotCallable, SessionExpired, InvalidRequestParam,
    )
}

_FAMILY_RULES: tuple[tuple[str, type[ResourceFault]], ...] = (
    (r"not_exists?$|not_found$", NotFound),
    (r"already|similar|has_related|has_system|has_configurable|cant_delete|can_not_delete", Conflict),
    (r"invalid|not_valid|incorect|incorrect|validation|required|unknown|not_allowed|"
     r"is_not_set|not_set|not_enabled|^no_|empty|to_big|not_match|not_downloadable|not_media|allowed", InvalidData),
)


def fault_family(fault_name: str) -> type[ResourceFault]:
    """The family a resource fault belongs to, from its name in the model."""
    if fault_name.endswith("_not_exists") or fault_name == "not_exists":
        return NotFound
    for pattern, family in _FAMILY_RULES:
        if re.search(pattern, fault_name):
            return family
    return OperationFailed


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[_\W]+", name) if part)


def _build_resource_fault_classes() -> dict[tuple[str, str], type[ResourceFault]]:
    classes: dict[tuple[str, str], type[ResourceFault]] = {}
    for resource in api_model().resources.values():
        for fault in resource.faults:
            family = fault_family(fault.name)
            cls = type(
                _camel(resource.name) + _camel(fault.name),
                (family,),
                {
                    "code": fault.code,
                    "fault_name": fault.name,
                    "__doc__": f"{resource.name} fault {fault.code}: {fault.message}",
                    "__module__": "magesoap.faults",
                },
            )
            classes[(resource.name, fault.name)] = cls
    return classes


#: One class per resource fault, keyed by (resource name, fault name); also reachable by class
#: name as ``magesoap.faults.<Name>``.
RESOURCE_FAULT_CLASSES = _build_resource_fault_classes()


def fault_class(resource: str | None, code: int | None, message: str | None = None) -> type[MagentoFault]:
    """The exception class for ``code`` raised by a call to ``resource`` (a name, alias or path)."""
    if code is None:
        return MagentoFault
    if code in GLOBAL_FAULT_CLASSES:
        return GLOBAL_FAULT_CLASSES[code]
    res = api_model().resource_of(resource)
    known = api_model().fault(code, resource, message) if res else None
    if res and known:
        return RESOURCE_FAULT_CLASSES[(res.name, known.name)]
    return ResourceFault if code >= 100 else MagentoFault


def make_fault(
    code: int | str | None,
    message: str,
    *,
    path: str | None = None,
    protocol: str | None = None,
    raw: Any = None,
) -> MagentoFault:
    """Turn what the wire says (a code, maybe a string, and a text) into the typed exception."""
    number: int | None
    try:
        number = int(code) if code is not None else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        return ServerFault(message, resource=path, protocol=protocol, raw=raw if raw is not None else code)
    cls = fault_class(path, number, message)
    known: Fault | None = api_model().fault(number, path, message)
    return cls(
        message,
        code=number,
        fault_name=known.name if known else None,
        resource=path,
        protocol=protocol,
        raw=raw,
    )
