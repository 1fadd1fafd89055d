"""The hostile and broken answers magesoap is tested against, on every protocol.

Each case says what the store (or whatever sits where the store should be) sends, and what
magesoap does about it; ``test_hostile.py`` serves every case from the fake store and checks
that, and ``docs/reliability.rst`` is generated from this table (``python -m tests.hostile``),
with a test keeping the two in step.
"""
from __future__ import annotations

import json
import xmlrpc.client
from dataclasses import dataclass
from typing import Callable

from magesoap import soapenc

from .fakestore import HTML_ERROR_PAGE, soap_fault, soap_v1_response

SESSION = "0123456789abcdef0123456789abcdef"
VARIANTS = ("soap", "soap_v2", "soap_v2 (WS-I)", "xmlrpc", "jsonrpc")
LIMIT = 64 * 1024  # the max_response_bytes the tests set


def login_answer(variant: str, value: str = SESSION, *, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n',
                 extra: str = "") -> bytes:
    """A well-formed answer to login on ``variant``, as the store would send it."""
    if variant == "xmlrpc":
        return (prolog + f"<methodResponse{extra}><params><param><value><string>{value}</string></value>"
                "</param></params></methodResponse>").encode("utf-8")
    if variant == "jsonrpc":
        return json.dumps({"result": value, "id": "1", "jsonrpc": "2.0"}).encode()
    wrapper, inner = {
        "soap": ("loginResponse", f'<loginReturn xsi:type="xsd:string">{value}</loginReturn>'),
        "soap_v2": ("loginResponse", f'<loginReturn xsi:type="xsd:string">{value}</loginReturn>'),
        "soap_v2 (WS-I)": ("loginResponseParam", f"<result>{value}</result>"),
    }[variant]
    return (
        f'{prolog}<SOAP-ENV:Envelope xmlns:SOAP-ENV="{soapenc.SOAP_ENV}" xmlns:ns1="urn:OpenMage" '
        f'xmlns:xsi="{soapenc.XSI}" xmlns:xsd="{soapenc.XSD}"{extra}><SOAP-ENV:Body>'
        f"<ns1:{wrapper}>{inner}</ns1:{wrapper}></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode("utf-8")


def _doctype(decl: str) -> Callable[[str], bytes | None]:
    def body(variant: str) -> bytes | None:
        if variant == "jsonrpc":
            return None
        return login_answer(variant, "&e;", prolog=f'<?xml version="1.0"?>\n{decl}\n')
    return body


def _fault(code: str, message: str) -> Callable[[str], bytes]:
    def body(variant: str) -> bytes:
        if variant == "xmlrpc":
            return (b"<?xml version='1.0'?><methodResponse><fault><value><struct><member><name>faultCode</name>"
                    + f"<value><string>{code}</string></value></member><member><name>faultString</name>"
                    f"<value><string>{message}</string></value></member></struct></value></fault>"
                    "</methodResponse>".encode())
        if variant == "jsonrpc":
            return json.dumps({"error": {"code": code or None, "message": message}, "id": "1"}).encode()
        if not code:
            return soap_fault("", message).replace(b"<faultcode></faultcode>", b"")
        return soap_fault(code, message)
    return body


def _wrong_operation(variant: str) -> bytes:
    if variant == "xmlrpc":
        return xmlrpc.client.dumps(("a", "b"), methodresponse=False, methodname="login").encode()
    if variant == "jsonrpc":
        return json.dumps({"result": SESSION, "id": "999", "jsonrpc": "2.0"}).encode()
    if variant == "soap_v2 (WS-I)":
        return login_answer("soap").replace(b"loginResponse", b"endSessionResponseParam")
    return soap_v1_response("urn:OpenMage", "endSession", True)


@dataclass(frozen=True)
class Case:
    name: str
    sent: str  # what arrives, in words
    body: Callable[[str], bytes | None]  # None: does not apply to that protocol
    status: int = 200
    content_type: str = "text/xml; charset=utf-8"
    raises: str | None = "UnexpectedResponse"  # the exception class, or None: the call works
    does: str = ""  # what magesoap does, in words


CASES = [
    Case("truncated", "the answer cut off half-way", lambda v: login_answer(v)[: len(login_answer(v)) // 2],
         does="refuses it: not well-formed"),
    Case("malformed", "tags that do not nest", lambda v: b'<?xml version="1.0"?><a><b></a></b>' if v != "jsonrpc"
         else b'{"result": ["a"}', does="refuses it: not well-formed"),
    Case("empty", "an empty body with HTTP 200", lambda v: b"", does="refuses it: says the body is empty"),
    Case("foreign", "well-formed XML (or JSON) that is not the protocol's",
         lambda v: b'<?xml version="1.0"?><rss><channel/></rss>' if v != "jsonrpc" else b'{"status": "ok"}',
         does="refuses it: names what it got instead"),
    Case("html-200", "Magento's HTML error report with HTTP 200", lambda v: HTML_ERROR_PAGE,
         content_type="text/html", does="refuses it, quoting the page's title (secrets masked)"),
    Case("html-500", "Magento's HTML error report with HTTP 500", lambda v: HTML_ERROR_PAGE, status=500,
         content_type="text/html", raises="HTTPStatusError",
         does="HTTPStatusError with the status and the page's title; reads are retried"),
    Case("php-fatal", "a PHP fatal error as plain text", lambda v: b"PHP Fatal error:  Uncaught Error: Class "
         b"'SoapServer' not found in /var/www/app/code/core/Mage/Api/Model/Server/Adapter/Soap.php:42",
         content_type="text/html", does="refuses it, quoting its first words (secrets masked)"),
    Case("xxe", "a DOCTYPE with an external entity (file:///etc/passwd)",
         _doctype('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'),
         does="refuses any DOCTYPE: nothing is read or fetched"),
    Case("billion-laughs", "an entity-expansion bomb",
         _doctype('<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                  '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY e "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'),
         does="refuses any DOCTYPE: nothing is expanded"),
    Case("external-dtd", "a DOCTYPE naming an external DTD", _doctype('<!DOCTYPE x SYSTEM "http://evil.example/x.dtd">'),
         does="refuses any DOCTYPE: nothing is fetched"),
    Case("schema-location", "a valid answer naming an external schema (xsi:schemaLocation)",
         lambda v: None if v == "jsonrpc" else login_answer(
             v, extra=' xmlns:xs="http://www.w3.org/2001/XMLSchema-instance" '
                      'xs:schemaLocation="urn:x http://evil.example/x.xsd"'),
         raises=None, does="reads the answer; schemas are never fetched"),
    Case("oversized", f"an answer larger than max_response_bytes ({LIMIT // 1024} KB here; 256 MB by default)",
         lambda v: login_answer(v, "x" * (LIMIT + 1)), does="stops reading at the limit and refuses it"),
    Case("content-type", "a valid answer labelled application/octet-stream", login_answer,
         content_type="application/octet-stream", raises=None, does="reads it: the body decides, not the label"),
    Case("latin-1", "a valid answer declared ISO-8859-1, in ISO-8859-1",
         lambda v: None if v == "jsonrpc" else login_answer(
             v, "caf\u00e9", prolog='<?xml version="1.0" encoding="ISO-8859-1"?>\n').decode().encode("latin-1"),
         raises=None, does="reads it in the declared encoding"),
    Case("bad-encoding", "an unknown declared encoding",
         lambda v: None if v == "jsonrpc" else login_answer(v, prolog='<?xml version="1.0" encoding="klingon"?>\n'),
         does="refuses it"),
    Case("invalid-chars", "control characters XML forbids (U+0001)",
         lambda v: login_answer(v, "a\x01b") if v != "jsonrpc" else b'{"result": "a\x01b", "id": "1"}',
         does="refuses it: not well-formed"),
    Case("fault-no-code", "a fault without a code", _fault("", "Something broke"), raises="ServerFault",
         does="ServerFault with the store's message and no code"),
    Case("fault-text-code", "a fault whose code is not a number", _fault("Sender", "Bad thing"), raises="ServerFault",
         does="ServerFault with the store's message; the raw code is kept on .raw"),
    Case("wrong-operation", "a well-formed answer to another request", _wrong_operation,
         does="refuses it: names the answer it got"),
]


def render() -> str:
    """docs/reliability.rst, from the table above."""
    lines = [
        "Reliability: hostile and broken answers",
        "=======================================",
        "",
        "Every case below is served by the project's own test store on every protocol (SOAP v1, SOAP v2,",
        "SOAP v2 in WS-I mode, XML-RPC, JSON-RPC where it applies) and checked by ``tests/test_hostile.py``;",
        "this page is generated from the same table (``python -m tests.hostile > docs/reliability.rst``)",
        "and a test fails when it is stale. Each call ends within its timeout, in bounded memory, with the",
        "exception named (all derive from ``magesoap.MagesoapError``), or reads the answer correctly where",
        "the case is harmless. Decoders are also fuzzed with hypothesis (``tests/test_fuzz.py``).",
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "",
        "   * - What arrives",
        "     - HTTP",
        "     - What magesoap does",
        "     - Raises",
    ]
    for case in CASES:
        lines += [f"   * - {case.sent}", f"     - {case.status}", f"     - {case.does}",
                  f"     - ``{case.raises}``" if case.raises else "     - (nothing: the call works)"]
    lines += [
        "",
        "Faults in the middle of work",
        "----------------------------",
        "",
        "- A call that reads is retried after connection errors, timeouts, HTTP 5xx and 429 (honouring",
        "  ``Retry-After``), with exponential backoff and jitter; a fault is an answer and is not retried.",
        "- A call that writes is never resent by magesoap. Where it was sent and no clear answer came back",
        "  (a timeout while waiting, a connection broken mid-answer, a 5xx or a page instead of the API's",
        "  answer), it raises ``OutcomeUnknown``: the store may have applied it. ``.writes`` lists the",
        "  writes concerned (every write of a lost multiCall), ``.completed`` the results of calls known",
        "  to have run. A refused connection, a TLS failure or a 4xx page from the web server means",
        "  nothing ran, and raises its own error.",
        "- A session that expires is renewed once. On SOAP v2, where a batch runs call by call, the",
        "  batch goes on from the first call that did not run; the result list still has one entry per call.",
        "- Clients and sessions may be shared by threads: the HTTP connection pool is thread-safe, the",
        "  rate limiter is shared, and renewing an expired session is done once under a lock.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
