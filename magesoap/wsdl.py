"""Fetching WSDLs from the store, and the on-disk cache that makes a second start free.

Files are keyed by the full WSDL URL (a cache written for one store never serves another), each
with a small JSON sidecar naming that URL and the text's SHA-256. A file that is unreadable,
altered, or belongs to another URL is fetched again and replaced, never fatal. What magesoap
reads out of a WSDL (a v2 service description) is cached too, keyed by the WSDL text's hash, so
it can never outlive the WSDL it came from. Writes are atomic.
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

    def _meta(self, url: str) -> dict | None:
        try:
            meta = json.loads(self.path(url).with_suffix(".json").read_text("utf-8"))
            if not isinstance(meta, dict) or meta.get("url") != url:
                return None
            if self.max_age is not None and time.time() - float(meta.get("fetched", 0)) > self.max_age:
                return None
        except (OSError, ValueError, TypeError):
            return None
        return meta

    def get(self, url: str) -> bytes | None:
        """The cached text for ``url``, or None where there is none usable."""
        meta = self._meta(url)
        try:
            body = self.path(url).read_bytes() if meta else None
        except OSError:
            return None
        return body if body is not None and meta.get("sha256") == digest(body) else None  # type: ignore[union-attr]

    def known_digest(self, url: str) -> str | None:
        """The SHA-256 of the cached WSDL text for ``url``, without reading the text."""
        meta = self._meta(url)
        return meta.get("sha256") if meta and self.path(url).exists() else None

    def put(self, url: str, body: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path(url)
        _atomic_write(path, body)
        meta = {"url": url, "fetched": time.time(), "sha256": digest(body)}
        _atomic_write(path.with_suffix(".json"), json.dumps(meta).encode())

    def get_parsed(self, kind: str, wsdl_digest: str) -> dict | None:
        """What magesoap read out of the WSDL whose text hashes to ``wsdl_digest``."""
        try:
            return json.loads((self.directory / f"{wsdl_digest[:32]}.{kind}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def put_parsed(self, kind: str, wsdl_digest: str, data: dict) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.directory / f"{wsdl_digest[:32]}.{kind}.json", json.dumps(data).encode())

    def clear(self, url: str | None = None) -> None:
        """Forget ``url``, or everything."""
        if url is None:
            stale = [*self.directory.glob("*.wsdl"), *self.directory.glob("*.json")]
        else:
            stale = [self.path(url), self.path(url).with_suffix(".json")]
        for path in stale:
            path.unlink(missing_ok=True)


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


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


def bundled_soap_encoding_schema() -> bytes:
    """magesoap's local copy of what ``http://schemas.xmlsoap.org/soap/encoding/`` declares."""
    from importlib import resources

    return resources.files("magesoap").joinpath("data/soap-encoding.xsd").read_bytes()


def check_wsdl(body: bytes) -> int:
    """Load a WSDL fully with zeep, offline, as any strict WSDL reader would; return its
    operation count or raise :class:`UnexpectedResponse` saying what is wrong.

    Used for diagnostics (``magesoap doctor``): magesoap's own codecs read only what they need.
    The SOAP encoding schema the v2 WSDL imports by URL is served from the bundled copy, and any
    other fetch is refused, so nothing but the store is ever contacted.
    """
    import io

    import zeep
    import zeep.exceptions
    import zeep.transports
    from zeep.settings import Settings

    encoding_schema = bundled_soap_encoding_schema()

    class OfflineTransport(zeep.transports.Transport):
        def load(self, url: str) -> bytes:
            if url.rstrip("/") == "http://schemas.xmlsoap.org/soap/encoding":
                return encoding_schema
            raise UnexpectedResponse(f"the WSDL refers to {url}; magesoap fetches nothing but the store")

    settings = Settings(strict=False, forbid_dtd=True, forbid_entities=True)  # fetches: see load()
    try:
        document = zeep.wsdl.Document(io.BytesIO(body), OfflineTransport(), settings=settings)  # type: ignore[arg-type]
        return sum(len(binding._operations) for binding in document.bindings.values())
    except zeep.exceptions.Error as exc:
        raise UnexpectedResponse(f"the WSDL does not load: {exc}") from None
