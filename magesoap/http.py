"""The one HTTP stack every transport shares: timeouts, TLS, auth, proxies, size limit, errors.

Built on ``requests`` so that a proxy, a client certificate, basic auth or requests-mock works
the same for every protocol. Every failure becomes a :class:`~magesoap.TransportError` that says
what to check; no request body is ever quoted, and known secrets are masked in any snippet of a
response that an error shows.
"""
from __future__ import annotations

import logging
import os
import re
import warnings
from dataclasses import dataclass
from contextlib import contextmanager
from typing import Any, Iterator, Mapping

import requests
import urllib3.exceptions

from ._secret import Secret
from ._version import __version__
from .retry import RateLimiter
from .exceptions import (
    ConnectionFailed,
    HTTPStatusError,
    TLSError,
    Timeout,
    TransportError,
    UnexpectedResponse,
)

log = logging.getLogger("magesoap.http")
_SESSION_ID = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])")
DEFAULT_TIMEOUT = (10.0, 120.0)  # (connect, read) seconds: list calls on big catalogs are slow
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class HttpResponse:
    status: int
    content_type: str
    body: bytes
    url: str
    retry_after: float | None = None  # seconds, from a Retry-After header


class HttpClient:
    """POSTs and GETs to the store, nothing else."""

    def __init__(
        self,
        *,
        timeout: float | tuple[float, float] | None = DEFAULT_TIMEOUT,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        proxies: Mapping[str, str] | None = None,
        user_agent: str | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        rate_limit: "float | RateLimiter | None" = None,
        session: requests.Session | None = None,
    ):
        if timeout is None:
            raise ValueError("timeout may not be None: a call without a timeout can hang forever")
        if verify is False:
            warnings.warn(
                "TLS verification is off: anyone on the network can read the API key.",
                stacklevel=3,
            )
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.rate_limiter = RateLimiter(rate_limit) if isinstance(rate_limit, (int, float)) else rate_limit
        self.session = session or requests.Session()
        self.session.verify = verify
        self.session.cert = cert
        self.session.auth = auth
        if proxies:
            self.session.proxies.update(proxies)
        self.session.headers["User-Agent"] = user_agent or f"magesoap/{__version__}"
        self._secrets: set[Secret] = set()
        self._templates: dict[tuple, requests.PreparedRequest] = {}  # masked in every dump and in any snippet an error quotes

    def __repr__(self) -> str:
        return f"<HttpClient timeout={self.timeout!r}>"

    def settle_environment(self, url: str) -> None:
        """Read the environment's proxy and CA settings for ``url`` once, instead of on every
        request: requests scans all of ``os.environ`` twice per request otherwise, which costs
        more CPU than decoding a small answer. Explicit ``proxies``/``verify`` still win."""
        session = self.session
        if not session.trust_env:
            return
        for scheme, proxy in requests.utils.get_environ_proxies(url).items():
            session.proxies.setdefault(scheme, proxy)
        if session.verify is True:
            bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            if bundle:
                session.verify = bundle
        session.trust_env = False

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpResponse:
        """One API request: rate-limited, and dumped (secrets masked) at DEBUG level."""
        if self.rate_limiter is not None:
            self.rate_limiter.acquire()
        if log.isEnabledFor(logging.DEBUG):
            log.debug("POST %s\n%s", url, self.redact(body.decode("utf-8", "replace")))
        resp = self._send("POST", url, body=body, headers=headers)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("HTTP %s from %s\n%s", resp.status, url, self.redact(resp.body.decode("utf-8", "replace")))
        return resp

    def get(self, url: str) -> HttpResponse:
        return self._send("GET", url)

    def _prepared(self, method: str, url: str, headers: Mapping[str, str]) -> requests.PreparedRequest:
        """A request prepared once per (method, URL, headers) and copied for each call: preparing
        (URL parsing, header merging, auth) costs more than a small call's own work."""
        key = (method, url, tuple(sorted(headers.items())))
        template = self._templates.get(key)
        if template is None:
            merged = {**self.session.headers, **headers}
            template = requests.Request(method, url, headers=merged, auth=self.session.auth).prepare()
            if len(self._templates) < 512:  # one per endpoint and SOAPAction: bounded by the WSDL
                self._templates[key] = template
        return template.copy()

    def _send(self, method: str, url: str, body: bytes | None = None,
              headers: Mapping[str, str] | None = None) -> HttpResponse:
        """A prepared request sent as it is: no cookies (API sessions live in the session id), no
        environment scan, and no redirects followed (a redirected POST would be lost; the error
        says where to)."""
        request = self._prepared(method, url, headers or {})
        if body is not None:
            request.body = body
            request.headers["Content-Length"] = str(len(body))
        session = self.session
        try:
            with session.send(request, stream=True, timeout=self.timeout, verify=session.verify,
                              cert=session.cert, proxies=session.proxies, allow_redirects=False) as resp:
                body = self._read(resp, url)
                if 300 <= resp.status_code < 400 and resp.headers.get("Location"):
                    raise HTTPStatusError(
                        f"the store redirects to {resp.headers['Location']}: give magesoap that URL",
                        url=url, status=resp.status_code, sent=False)
                return HttpResponse(resp.status_code, resp.headers.get("Content-Type", ""), body, url,
                                    _retry_after(resp.headers.get("Retry-After")))
        except requests.exceptions.SSLError as exc:
            raise TLSError(f"TLS handshake failed: {_reason(exc)}", url=url, sent=False) from None
        except requests.exceptions.ConnectTimeout:
            raise Timeout(f"could not connect within {self.timeout} s", url=url, sent=False) from None
        except requests.exceptions.Timeout:
            raise Timeout(f"no answer within {self.timeout} s", url=url) from None
        except requests.exceptions.ConnectionError as exc:
            if _never_connected(exc):
                raise ConnectionFailed(f"cannot connect: {_reason(exc)}", url=url, sent=False) from None
            raise ConnectionFailed(f"the connection broke: {_reason(exc)}", url=url) from None
        except requests.exceptions.RequestException as exc:
            raise TransportError(f"HTTP request failed: {_reason(exc)}", url=url) from None

    def _read(self, resp: requests.Response, url: str) -> bytes:
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_response_bytes:
            raise UnexpectedResponse(
                f"response of {declared} bytes is over the limit of {self.max_response_bytes}",
                url=url, status=resp.status_code,
            )
        chunks, size = [], 0
        for chunk in resp.iter_content(chunk_size=256 * 1024):
            size += len(chunk)
            if size > self.max_response_bytes:
                raise UnexpectedResponse(
                    f"response is over the limit of {self.max_response_bytes} bytes",
                    url=url, status=resp.status_code,
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def unexpected(self, resp: HttpResponse, expected: str) -> TransportError:
        """The error for a response that is not the ``expected`` API answer, saying what it is."""
        head = resp.body[:2048].lstrip()
        lowered = head.lower()
        if not head:
            what = "an empty body"
        elif lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:512]:
            title = re.search(rb"<title>(.*?)</title>", resp.body[:8192], re.I | re.S)
            what = "an HTML page" + (f" titled {self._snippet(title.group(1))!r}" if title else "")
        else:
            what = f"something else: {self._snippet(head[:160])!r}"
        message = f"expected {expected}, got {what}"
        if resp.status >= 400 and not head.startswith((b"<?xml", b"{")):
            error = HTTPStatusError(message, url=resp.url, status=resp.status)
            error.retry_after = resp.retry_after
            return error
        return UnexpectedResponse(message, url=resp.url, status=resp.status)

    def add_secret(self, value: str) -> None:
        """Mask ``value`` (an API key, password or session id) in whatever this client shows."""
        if value:
            self._secrets.add(Secret(value))

    def redact(self, text: str) -> str:
        """``text`` with every API key and password this client has seen masked, and anything
        shaped like a Magento session id (32 hex digits), which may not be known yet."""
        for secret in self._secrets:
            text = text.replace(secret.reveal(), "***")
        return _SESSION_ID.sub("***", text)

    def _snippet(self, raw: bytes) -> str:
        return self.redact(" ".join(raw.decode("utf-8", "replace").split()))[:200]


@contextmanager
def reading(resp: HttpResponse) -> Iterator[None]:
    """Turn any error a decoder meets in a hostile or broken answer into UnexpectedResponse."""
    try:
        yield
    except (ValueError, TypeError, LookupError, AttributeError, RecursionError, OverflowError) as exc:
        raise UnexpectedResponse(
            f"an answer magesoap cannot read ({type(exc).__name__}: {str(exc)[:120]})",
            url=resp.url, status=resp.status,
        ) from None


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    """True where no connection was made, so the request cannot have reached the store."""
    cause = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime
        import time as _time

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - _time.time())
        except (TypeError, ValueError):
            return None


def _reason(exc: Exception) -> str:
    """The innermost cause of a requests error, without its URL noise."""
    while exc.__context__ is not None and exc.args and not isinstance(exc.args[0], str):
        exc = exc.__context__  # type: ignore[assignment]
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    return re.sub(r"\S+://\S*@", "<url>", text)[:300]
