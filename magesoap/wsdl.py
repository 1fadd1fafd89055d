"""Fetching WSDLs from the store, and the on-disk cache that makes a second start free.

Files are keyed by the full WSDL URL (a cache written for one store never serves another), each
with a small JSON sidecar naming that URL. A file that is unreadable, not a WSDL, or belongs to
another URL is fetched again and replaced, never fatal. Writes are atomic.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

from lxml import etree

from . import xmlsafe
from .exceptions import MagesoapError, UnexpectedResponse
from .http import HttpClient

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
DEFAULT_CACHE_DIR = "wsdl_cache"


class WsdlCache:
    """WSDL texts on disk under ``directory`` (default ``./wsdl_cache``, or ``$MAGESOAP_WSDL_CACHE``)."""

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, max_age: float | None = None):
        self.directory = Path(directory or os.environ.get("MAGESOAP_WSDL_CACHE") or DEFAULT_CACHE_DIR)
        self.max_age = max_age  # seconds; None: until refreshed

    def __repr__(self) -> str:
        return f"<WsdlCache {str(self.directory)!r}>"

    def key(self, url: str) -> str:
        return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]

    def path(self, url: str) -> Path:
        return self.directory / f"{self.key(url)}.wsdl"

    def get(self, url: str) -> bytes | None:
        """The cached text for ``url``, or None where there is none usable."""
        path = self.path(url)
        try:
            meta = json.loads(path.with_suffix(".json").read_text("utf-8"))
            if meta.get("url") != url:
                return None
            if self.max_age is not None and time.time() - float(meta.get("fetched", 0)) > self.max_age:
                return None
            body = path.read_bytes()
        except (OSError, ValueError, TypeError, AttributeError):
            return None
        return body if _is_wsdl(body) else None

    def put(self, url: str, body: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path(url)
        _atomic_write(path, body)
        _atomic_write(path.with_suffix(".json"), json.dumps({"url": url, "fetched": time.time()}).encode())

    def clear(self, url: str | None = None) -> None:
        """Forget ``url``, or everything."""
        paths = [self.path(url)] if url else list(self.directory.glob("*.wsdl"))
        for path in paths:
            for stale in (path, path.with_suffix(".json")):
                stale.unlink(missing_ok=True)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _is_wsdl(body: bytes) -> bool:
    try:
        return xmlsafe.parse(body).tag == f"{{{WSDL_NS}}}definitions"
    except MagesoapError:
        return False


def fetch_wsdl(url: str, http: HttpClient, cache: WsdlCache | None, *, refresh: bool = False) -> bytes:
    """The WSDL at ``url``: from the cache when it has it, else from the store (and then cached)."""
    if cache is not None and not refresh:
        cached = cache.get(url)
        if cached is not None:
            return cached
    resp = http.get(url)
    if resp.status != 200 or not _is_wsdl(resp.body):
        raise http.unexpected(resp, "a WSDL document")
    if cache is not None:
        cache.put(url, resp.body)
    return resp.body


def target_namespace(root: etree._Element) -> str:
    """The service namespace: ``urn:Magento`` on CE 1.x, ``urn:OpenMage`` on OpenMage."""
    namespace = root.get("targetNamespace")
    if not namespace:
        raise UnexpectedResponse("the WSDL names no targetNamespace")
    return namespace
