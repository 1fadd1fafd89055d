"""The wire-faithful client: Magento's API exactly as PHP's SoapClient shows it.

A PHP script ports line for line::

    $client = new SoapClient('https://shop.example.com/api/soap/?wsdl');
    $session = $client->login('apiuser', 'apikey');
    $client->call($session, 'catalog_product.info', 'SKU-1');

    client = magesoap.Client("https://shop.example.com/", protocol="soap")
    session = client.login("apiuser", "apikey")
    client.call(session, "catalog_product.info", "SKU-1")

Results are plain Python; ``multiCall`` returns the store's raw entries, failed ones as
``{'isFault': True, 'faultCode': '101', 'faultMessage': ...}`` dicts, as PHP sees them.
"""
from __future__ import annotations

import os
from typing import Any, Sequence
from urllib.parse import urlsplit, urlunsplit

from .exceptions import UnexpectedResponse, UsageError
from .http import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, HttpClient
from .transports import TRANSPORTS
from .transports.base import CallSpec, Transport, is_fault_entry
from .wsdl import WsdlCache



def _protocol_of_endpoint(path: str) -> str | None:
    for name, cls in TRANSPORTS.items():
        if f"/{cls.api_path}" in path or path.endswith(f"/{cls.api_path.rstrip('/')}"):
            return name
    return None


def endpoint_url(url: str, protocol: str) -> str:
    """The API endpoint for ``protocol`` below a store's base URL, or ``url`` itself where it
    already names an endpoint (``.../api/soap/?wsdl`` and the like)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"not an http(s) URL: {url!r}")
    if "/api/" in parts.path + "/":
        if parts.path.rstrip("/").endswith("/api"):
            raise UsageError(f"{url!r} names no endpoint: give the store's base URL instead")
        return urlunsplit(parts._replace(query="", fragment=""))
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit(parts._replace(path=path + TRANSPORTS[protocol].api_path, query="", fragment=""))


def normalize_calls(calls: Sequence[Any]) -> list[CallSpec]:
    """multiCall calls given as ``(path, args)`` tuples, PHP-style ``[path, args]``/``[path]`` lists,
    or bare paths, as (path, args) pairs."""
    normalized: list[CallSpec] = []
    for index, call in enumerate(calls):
        if isinstance(call, str):
            normalized.append((call, None))
        elif isinstance(call, (list, tuple)) and 1 <= len(call) <= 2 and isinstance(call[0], str):
            normalized.append((call[0], call[1] if len(call) == 2 else None))
        else:
            raise UsageError(f"multiCall entry {index} must be a path or a (path, args) pair, not {call!r:.80}")
    return normalized


def check_multi_call_reply(calls: Sequence[CallSpec], entries: Any, break_on_error: bool) -> list[Any]:
    """The store's multiCall answer, refused where it cannot be the answer to ``calls``."""
    if not isinstance(entries, list):
        raise UnexpectedResponse(f"multiCall answered with a {type(entries).__name__}, not a list")
    complete = len(entries) == len(calls)
    stopped = break_on_error and 0 < len(entries) < len(calls) and is_fault_entry(entries[-1])
    if not (complete or stopped):
        raise UnexpectedResponse(f"multiCall answered {len(entries)} entries for {len(calls)} calls")
    return entries


class Client:
    """Magento's session API over one protocol, method for method (camelCase, as PHP calls it).

    ``url`` is the store's base URL (``https://shop.example.com/`` or ``.../index.php/``) or an
    explicit endpoint (``https://shop.example.com/api/soap/?wsdl``). ``protocol`` takes
    Magento's adapter names: ``soap``, ``soap_v2``, ``xmlrpc``, ``jsonrpc``; where it is left out
    an explicit endpoint decides, else ``soap``.
    """

    def __init__(
        self,
        url: str,
        protocol: str | None = None,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        proxies: dict[str, str] | None = None,
        user_agent: str | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        rate_limit: float | None = None,
        wsdl_cache: WsdlCache | str | os.PathLike[str] | None | bool = True,
        http: HttpClient | None = None,
        **transport_options: Any,
    ):
        protocol = protocol or _protocol_of_endpoint(urlsplit(url).path) or "soap"
        if protocol not in TRANSPORTS:
            raise UsageError(f"unknown protocol {protocol!r}: use one of {', '.join(sorted(TRANSPORTS))}")
        self.protocol = protocol
        self.url = url
        self.http = http or HttpClient(
            timeout=timeout, verify=verify, cert=cert, auth=auth, proxies=proxies,
            user_agent=user_agent, max_response_bytes=max_response_bytes, rate_limit=rate_limit,
        )
        transport_cls = TRANSPORTS[protocol]
        if transport_cls.uses_wsdl:
            transport_options["wsdl_cache"] = _wsdl_cache(wsdl_cache)
        self.transport: Transport = transport_cls(endpoint_url(url, protocol), self.http, **transport_options)
        self.http.settle_environment(self.transport.endpoint)

    def __repr__(self) -> str:
        return f"<magesoap.Client {self.protocol} {self.transport.endpoint}>"

    @property
    def endpoint(self) -> str:
        return self.transport.endpoint

    def login(self, username: str, apiKey: str) -> str:  # noqa: N803 - Magento's own name
        self.http.add_secret(apiKey)
        session_id = self.transport.login(username, apiKey)
        if not isinstance(session_id, str) or not session_id:
            raise UnexpectedResponse("login answered without a session id")
        self.http.add_secret(session_id)
        return session_id

    def startSession(self) -> str:  # noqa: N802
        session_id = self.transport.start_session()
        self.http.add_secret(session_id)
        return session_id

    def endSession(self, sessionId: str) -> bool:  # noqa: N802, N803
        return self.transport.end_session(sessionId)

    def call(self, sessionId: str, resourcePath: str, args: Any = None) -> Any:  # noqa: N803
        if not isinstance(resourcePath, str) or not resourcePath:
            raise UsageError(f"a resource path is a non-empty string like 'catalog_product.info', not {resourcePath!r}")
        return self.transport.call(sessionId, resourcePath, args)

    def multiCall(self, sessionId: str, calls: Sequence[Any], options: dict | None = None) -> list[Any]:  # noqa: N802, N803
        specs = normalize_calls(calls)
        unknown = set(options or {}) - {"break"}
        if unknown:
            raise UsageError(f"unknown multiCall option(s): {', '.join(sorted(unknown))}")
        break_on_error = bool((options or {}).get("break"))
        if not specs:
            return []
        entries = self.transport.multi_call(sessionId, specs, break_on_error)
        return check_multi_call_reply(specs, entries, break_on_error)

    def resources(self, sessionId: str) -> list[dict]:  # noqa: N803
        return self.transport.resources(sessionId)

    def globalFaults(self, sessionId: str) -> list[dict]:  # noqa: N802, N803
        return self.transport.global_faults(sessionId)

    def resourceFaults(self, sessionId: str, resourceName: str) -> list[dict]:  # noqa: N802, N803
        return self.transport.resource_faults(sessionId, resourceName)


def _wsdl_cache(value: WsdlCache | str | os.PathLike[str] | None | bool) -> WsdlCache | None:
    if value is True:
        return WsdlCache()
    if value is None or value is False:
        return None
    if isinstance(value, WsdlCache):
        return value
    return WsdlCache(value)
