"""Secrets stay secret everywhere; a broken connection mid-answer is handled per read/write."""
from __future__ import annotations

import base64
import logging
import socket
import threading

import pytest

import magesoap
from magesoap.config import load_profile


def test_no_secret_anywhere(server, caplog, tmp_path) -> None:
    caplog.set_level(logging.DEBUG)
    cache = tmp_path / "cache"
    session = magesoap.connect(server.url, "apiuser", "apikey123", protocol="soap_v2",
                               auth=("basicuser", "basicpass"), wsdl_cache=cache)
    session_id = session.session_id
    shown = [repr(session), str(session), repr(session.client), repr(session.client.transport),
             repr(session.client.http), repr(vars(session)), repr(vars(session.client.http))]
    try:
        session.call("product.info", ["NOPE"])
    except magesoap.MagentoFault as fault:
        shown += [str(fault), repr(fault)]
    server.store.expire(session_id)
    session.call("core_magento.info")  # renewed: a second session id
    session.close()
    profile = load_profile({"url": server.url, "api_key": "apikey123", "basic_auth": "basicuser:basicpass"},
                           environ={}, path=tmp_path / "none.toml")
    shown += [repr(profile), str(profile)]
    shown += [r.getMessage() for r in caplog.records]
    shown += [p.read_text(errors="replace") for p in cache.iterdir()]
    secrets = ["apikey123", "basicpass", base64.b64encode(b"basicuser:basicpass").decode(), session_id,
               *server.store.sessions]
    for text in shown:
        for secret in secrets:
            assert secret not in text


def _server_that_hangs_up(answers: list[bytes | None]) -> tuple[str, threading.Thread]:
    """A loopback server that reads each request, then answers or closes the connection (None)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        for answer in answers:
            conn, _ = listener.accept()
            conn.recv(65536)
            if answer is not None:
                conn.sendall(answer)
            conn.close()
        listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/", thread


def _xmlrpc_ok(value: str) -> bytes:
    body = (f"<?xml version='1.0'?><methodResponse><params><param><value><string>{value}</string></value>"
            "</param></params></methodResponse>").encode()
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (
        len(body), body)


def test_connection_reset_mid_answer() -> None:
    # login, then a read that is cut off once and then works, then a write that is cut off
    url, thread = _server_that_hangs_up([_xmlrpc_ok("0" * 32), None, _xmlrpc_ok("fine"), None])
    policy = magesoap.RetryPolicy(attempts=2, base=0.001, cap=0.01)
    mage = magesoap.connect(url, "apiuser", "apikey123", protocol="xmlrpc", retry=policy)
    assert mage.call("core_magento.info") == "fine"
    with pytest.raises(magesoap.OutcomeUnknown) as caught:
        mage.call("product.delete", ["SKU-1"])
    assert isinstance(caught.value.cause, magesoap.ConnectionFailed) and caught.value.cause.sent
    thread.join(5)


def test_refused_connection_means_nothing_ran() -> None:
    mage = magesoap.Session(magesoap.Client("http://127.0.0.1:9/", "xmlrpc", timeout=2), "u", "k",
                            retry=magesoap.RetryPolicy(attempts=1))
    mage._session = magesoap.session.Secret("0" * 32)
    with pytest.raises(magesoap.ConnectionFailed) as caught:  # not OutcomeUnknown: it never left
        mage.call("product.delete", ["SKU-1"])
    assert caught.value.sent is False


def test_timeout_while_waiting_for_the_answer() -> None:
    """A store that takes the request and never answers: reads time out (and are retried),
    a write's outcome is unknown."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held = []

    def accept() -> None:
        listener.settimeout(10)
        try:
            for _ in range(4):
                conn, _ = listener.accept()
                held.append(conn)  # read nothing back, answer nothing
        except OSError:
            pass

    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    mage = magesoap.Session(magesoap.Client(url, "xmlrpc", timeout=(2, 0.3)), "u", "k",
                            retry=magesoap.RetryPolicy(attempts=2, base=0.001, cap=0.01))
    mage._session = magesoap.session.Secret("0" * 32)
    with pytest.raises(magesoap.Timeout) as caught:
        mage.call("core_magento.info")
    assert caught.value.sent
    with pytest.raises(magesoap.OutcomeUnknown) as unknown:
        mage.call("product.delete", ["SKU-1"])
    assert isinstance(unknown.value.cause, magesoap.Timeout)
    assert len(held) == 3  # the read twice, the write once
    listener.close()
