"""The session manager: log in once, call, and end the session when done.

::

    with magesoap.connect(url, "apiuser", "apikey", protocol="soap") as mage:
        mage.call("catalog_product.info", ["SKU-1"])
        mage.catalog_product.info("SKU-1")          # the same call, dotted
        mage.multi_call([("product.info", ["SKU-1"]), ("product.info", ["NOPE"])], break_on_error=True)

A session that expires (fault 5) is renewed by logging in again, once, and the call is sent
again: fault 5 means the store refused the call before running it, so this is safe for writes.
Transient failures (connection errors, timeouts, HTTP 5xx/429) are retried with backoff for calls
that read; for writes only where the caller says so (``retry_writes=True``): see
:mod:`magesoap.retry`.
"""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator, Sequence, TypeVar

from ._secret import Secret
from .client import Client, normalize_calls
from .exceptions import (
    HTTPStatusError,
    MagentoFault,
    MagesoapError,
    OutcomeUnknown,
    SessionExpired,
    TransportError,
    UsageError,
    make_fault,
)
from .model import api_model
from .retry import NO_RETRY, RetryPolicy, with_retries
from .transports.base import is_fault_entry

log = logging.getLogger("magesoap")
T = TypeVar("T")


class Session:
    """A logged-in session on one store, over one protocol."""

    def __init__(
        self, client: Client, username: str, api_key: str, *, relogin: bool = True,
        retry: RetryPolicy = RetryPolicy(),
    ):
        self.client = client
        self.username = username
        self._api_key = Secret(api_key)
        self.relogin = relogin
        self.retry = retry
        self._session: Secret | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        state = "logged in" if self._session else "not logged in"
        return f"<magesoap.Session {self.client.protocol} {self.client.endpoint} user={self.username!r} {state}>"

    @property
    def protocol(self) -> str:
        return self.client.protocol

    @property
    def session_id(self) -> str | None:
        """The current session id (it changes when an expired session is renewed)."""
        return self._session.reveal() if self._session else None

    # ---------------------------------------------------------------- life cycle

    def open(self) -> "Session":
        with self._lock:
            self._login()
        return self

    def _login(self) -> None:
        """Log in, retrying transient failures (a refused login is a fault: never retried)."""
        session_id = with_retries(
            lambda: self.client.login(self.username, self._api_key.reveal()), self.retry, on_retry=self._retrying("login")
        )
        self._session = Secret(session_id)

    def close(self) -> None:
        """End the session on the store; an already expired one is fine."""
        session, self._session = self._session, None
        if session is None:
            return
        try:
            self.client.endSession(session.reveal())
        except SessionExpired:
            pass

    def __enter__(self) -> "Session":
        if self._session is None:
            self.open()
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        try:
            self.close()
        except MagesoapError:
            if exc_type is None:
                raise
            log.warning("could not end the session cleanly", exc_info=True)

    # ---------------------------------------------------------------- the API

    def call(self, path: str, args: Any = None, *, retry_writes: bool = False) -> Any:
        """Call one resource method (``catalog_product.info``, aliases like ``product.info`` too).

        ``retry_writes=True`` lets a call that writes be retried after a transient failure: only
        where running it twice is harmless.
        """
        read = retry_writes or api_model().is_read(path)

        def send(session_id: str) -> Any:
            try:
                return self.client.call(session_id, path, args)
            except TransportError as error:
                if not read and maybe_applied(error):
                    raise OutcomeUnknown(f"{path} was sent and no clear answer came back ({error.args[0]})",
                                         cause=error, writes=[(0, path)]) from error
                raise

        return self._run(path, send, read=read)

    def multi_call(
        self,
        calls: Sequence[Any],
        *,
        break_on_error: bool = False,
        retry_writes: bool = False,
        batch_size: int = 100,
        workers: int = 1,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Any]:
        """Run many calls, in as few requests as the protocol allows.

        Returns one entry per call that ran: its result, or the typed :class:`MagentoFault`
        instance (not raised) where it failed. With ``break_on_error`` the list stops after the
        first failure, and no call after it ran, across batches too.

        Calls go ``batch_size`` to a request where the protocol has a multiCall (SOAP v1, XML-RPC,
        JSON-RPC). ``workers`` > 1 keeps that many requests in flight at once (on SOAP v2, which
        has no multiCall, each call is its own request); results stay in call order, and a call
        whose request failed gets its error in place (``OutcomeUnknown`` for a write), so nothing
        is lost. ``break_on_error`` needs the calls in order, so it takes ``workers=1``.
        ``progress(done, total)`` is called as batches finish.
        """
        specs = normalize_calls(calls)
        if batch_size < 1 or workers < 1:
            raise UsageError("batch_size and workers must be at least 1")
        if break_on_error and workers > 1:
            raise UsageError("break_on_error runs the calls in order: use workers=1")
        native = self.client.transport.native_multicall
        size = batch_size if native or workers == 1 else 1
        batches = [specs[i:i + size] for i in range(0, len(specs), size)]
        results: list[Any] = []
        if workers == 1:
            for start, batch in zip(range(0, len(specs), size), batches):
                try:
                    entries = self._batch(batch, break_on_error, retry_writes)
                except OutcomeUnknown as unknown:
                    unknown.writes = [(start + i, path) for i, path in unknown.writes]
                    unknown.completed = results + unknown.completed
                    raise
                results += entries
                if progress:
                    progress(len(results), len(specs))
                if break_on_error and any(isinstance(e, MagentoFault) for e in entries):
                    break
            return results
        done = 0
        lock = threading.Lock()

        def run(batch: list[tuple[str, Any]]) -> list[Any]:
            nonlocal done
            try:
                entries = self._batch(batch, False, retry_writes)
            except MagesoapError as error:  # in place, for each call of the batch
                entries = [error] * len(batch)
            with lock:
                done += len(batch)
                if progress:
                    progress(done, len(specs))
            return entries

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for entries in pool.map(run, batches):
                results += entries
        return results

    def _batch(self, specs: list[tuple[str, Any]], break_on_error: bool, retry_writes: bool) -> list[Any]:
        """One multiCall request (or, on SOAP v2, its emulation), with re-login and unknown outcomes."""
        options = {"break": True} if break_on_error else None
        read = retry_writes or all(api_model().is_read(path) for path, _ in specs)
        done: list[Any] = []  # entries of calls known to have run (SOAP v2 goes call by call)

        def send(session_id: str) -> list[Any]:
            try:
                return done + self.client.multiCall(session_id, specs[len(done):], options)
            except (SessionExpired, TransportError) as error:
                partial = hasattr(error, "completed")
                done.extend(getattr(error, "completed", ()))
                if isinstance(error, TransportError) and not read and maybe_applied(error):
                    pending = specs[len(done):]
                    in_flight = pending[:1] if partial else pending  # a whole request's worth, or one call
                    writes = [(len(done) + i, p) for i, (p, _) in enumerate(in_flight) if not api_model().is_read(p)]
                    if writes:
                        raise OutcomeUnknown(
                            f"a batch with {len(writes)} write(s) was sent and no clear answer came back "
                            f"({error.args[0]})", cause=error, writes=writes,
                            completed=self._entries(done, specs)) from error
                raise

        if len(specs) == 1 and not self.client.transport.native_multicall:
            path, args = specs[0]  # one call on SOAP v2: as itself, so its fault is in place
            try:
                return [self.call(path, args, retry_writes=retry_writes)]
            except MagentoFault as fault:
                return [fault]
        return self._entries(self._run("multiCall", send, read=read), specs)

    def _entries(self, entries: list[Any], specs: Sequence[tuple[str, Any]]) -> list[Any]:
        return [
            self._fault_entry(entry, path) if is_fault_entry(entry) else entry
            for entry, (path, _args) in zip(entries, specs)
        ]

    def iter_list(
        self,
        path: str,
        filters: dict | None = None,
        *,
        id_field: str = "entity_id",
        step: int = 1000,
        start: int = 1,
        stop: int | None = None,
        max_empty: int = 10,
    ) -> Iterator[Any]:
        """Yield the rows of a list call (``catalog_product.list``, ``order.list`` ...) window by
        window of ids, so a catalog of any size is read in bounded memory and without the server
        timing out on one huge answer (Magento 1 list calls have no paging).

        Each request asks for ``step`` ids (``{id_field: {"in": [...]}}``, which every protocol
        and both SOAP v2 modes carry the same way) on top of ``filters``. Without ``stop`` the walk
        ends after ``max_empty`` windows in a row come back empty.
        """
        if step < 1 or max_empty < 1:
            raise UsageError("step and max_empty must be at least 1")
        if filters and id_field in filters:
            raise UsageError(f"filters already constrain {id_field!r}: give the range as start/stop instead")
        lower, empty = start, 0
        while stop is None or lower <= stop:
            upper = lower + step - 1 if stop is None else min(lower + step - 1, stop)
            window = dict(filters or {}) | {id_field: {"in": list(range(lower, upper + 1))}}
            rows = self.call(path, [window])
            yield from rows
            empty = 0 if rows else empty + 1
            if stop is None and empty >= max_empty:
                return
            lower = upper + 1

    def resources(self) -> list[dict]:
        return self._run("resources", self.client.resources, read=True)

    def global_faults(self) -> list[dict]:
        return self._run("globalFaults", self.client.globalFaults, read=True)

    def resource_faults(self, resource_name: str) -> list[dict]:
        return self._run("resourceFaults", lambda sid: self.client.resourceFaults(sid, resource_name), read=True)

    @property
    def wsi(self) -> bool | None:
        """On SOAP v2: whether the store runs in WS-I compliant mode; None on other protocols."""
        return getattr(self.client.transport, "wsi", None)

    @property
    def v2(self) -> "_V2Proxy":
        """SOAP v2 operations by their own names: ``mage.v2.catalogProductInfo("SKU-1")``."""
        if not hasattr(self.client.transport, "call_operation"):
            raise UsageError(f"mage.v2 needs protocol='soap_v2', not {self.protocol!r}")
        return _V2Proxy(self)

    def __getattr__(self, name: str) -> "_PathProxy":
        if name.startswith("_"):
            raise AttributeError(name)
        return _PathProxy(self, name)

    # ---------------------------------------------------------------- internals

    def _fault_entry(self, entry: dict, path: str) -> MagentoFault:
        return make_fault(
            entry.get("faultCode"), str(entry.get("faultMessage", "")),
            path=path, protocol=self.protocol, raw=entry,
        )

    def _retrying(self, what: str) -> Callable[[int, BaseException, float], None]:
        def report(attempt: int, error: BaseException, wait: float) -> None:
            log.warning("%s %s: %s; retry %d in %.1f s", self.protocol, what, type(error).__name__, attempt, wait)

        return report

    def _run(self, what: str, send: Callable[[str], T], *, read: bool) -> T:
        stale = self._session
        if stale is None:
            raise UsageError("this session is not logged in: use magesoap.connect() or Session.open()")
        policy = self.retry if read else NO_RETRY
        started = time.perf_counter()
        try:
            try:
                result = with_retries(lambda: send(stale.reveal()), policy, on_retry=self._retrying(what))
            except SessionExpired:
                if not self.relogin:
                    raise
                log.info("%s %s: session expired, logging in again", self.protocol, what)
                with self._lock:
                    if self._session is stale:  # another thread may have renewed it already
                        self._login()
                fresh = self._session
                result = with_retries(lambda: send(fresh.reveal()), policy, on_retry=self._retrying(what))  # type: ignore[union-attr]
        except MagentoFault as fault:
            log.info("%s %s fault %s (%.0f ms)", self.protocol, what, fault.code, _ms(started))
            raise
        except MagesoapError as error:
            log.info("%s %s failed: %s (%.0f ms)", self.protocol, what, type(error).__name__, _ms(started))
            raise
        log.info("%s %s ok (%.0f ms)", self.protocol, what, _ms(started))
        return result


def maybe_applied(error: TransportError) -> bool:
    """Whether the store may have acted on a request that failed this way."""
    if isinstance(error, OutcomeUnknown) or not error.sent:
        return False
    # a 4xx page comes from the web server or a proxy in front of PHP: nothing ran
    return not (isinstance(error, HTTPStatusError) and error.status is not None and 400 <= error.status < 500)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


class _PathProxy:
    """``mage.catalog_product.info("SKU-1")``: dotted dispatch, as ``xmlrpc.client.ServerProxy`` does."""

    def __init__(self, session: Session, path: str):
        self._session = session
        self._path = path

    def __getattr__(self, name: str) -> "_PathProxy":
        if name.startswith("_"):
            raise AttributeError(name)
        return _PathProxy(self._session, f"{self._path}.{name}")

    def __call__(self, *args: Any) -> Any:
        if "." not in self._path:
            raise UsageError(f"{self._path!r} is a resource; call one of its methods, e.g. {self._path}.info(...)")
        return self._session.call(self._path, list(args) if args else None)

    def __repr__(self) -> str:
        return f"<magesoap call {self._path}>"


class _V2Proxy:
    """``mage.v2.<operation>(*args, **kwargs)``: the session id goes first, by itself."""

    def __init__(self, session: Session):
        self._session = session

    def __getattr__(self, operation: str) -> Callable[..., Any]:
        if operation.startswith("_"):
            raise AttributeError(operation)
        transport = self._session.client.transport

        def call(*args: Any, **kwargs: Any) -> Any:
            method = api_model().by_v2_operation(operation)
            return self._session._run(
                operation, lambda sid: transport.call_operation(sid, operation, args, kwargs),  # type: ignore[attr-defined]
                read=bool(method and method.read),
            )

        call.__name__ = operation
        return call


def connect(
    url: str,
    username: str,
    api_key: str,
    protocol: str | None = None,
    *,
    relogin: bool = True,
    retry: RetryPolicy = RetryPolicy(),
    **options: Any,
) -> Session:
    """Log in to the store at ``url`` and return the :class:`Session` (a context manager).

    ``options`` go to :class:`~magesoap.Client`: ``timeout``, ``verify``, ``auth``, ``proxies``,
    ``rate_limit``, ``wsdl_cache`` ... ``retry`` sets the retries of calls that read
    (``magesoap.RetryPolicy(attempts=1)`` turns them off).
    """
    return Session(Client(url, protocol, **options), username, api_key, relogin=relogin, retry=retry).open()
