"""A small Magento 1 store on loopback that speaks the API the way the real one does.

It serves SOAP v1 (``/api/soap/``, with its own WSDL), SOAP v2 (``/api/v2_soap/``, in WS-I mode
with ``wsi=True``; see ``fakestore_v2``), XML-RPC and JSON-RPC over one in-memory
catalog, with the real store's quirks (bare numeric faultcodes with HTTP 200, a repeated
Content-Type header, XML-RPC's strict parameter types, JSON-RPC's ``-32000`` faults, sessions
from ``startSession`` that are not logged in). Used by the tests and the benchmarks::

    with FakeStoreServer() as server:
        magesoap.connect(server.url, "apiuser", "apikey123")
"""
from __future__ import annotations

import inspect
import itertools
import json
import secrets
import threading
import xmlrpc.client
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import urlsplit

from lxml import etree

from magesoap import soapenc, xmlsafe
from magesoap.model import api_model

USERS = {"apiuser": "apikey123", "limited": "limitedkey1"}


class StoreFault(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _global(code: int) -> StoreFault:
    return StoreFault(code, api_model().global_faults[code].message)


def make_product(product_id: int, sku: str, name: str, price: str = "10.5000", qty: str = "100.0000") -> dict:
    return {
        "product_id": str(product_id), "sku": sku, "set": "4", "type": "simple", "categories": [],
        "websites": ["1"], "type_id": "simple", "name": name,
        "description": f"Description of {name}", "short_description": "Short", "weight": "1.5000",
        "old_id": None, "status": "1", "url_key": sku.lower(), "visibility": "4", "category_ids": [],
        "price": price, "special_price": None, "tax_class_id": "0", "qty": qty,
        "created_at": "2026-11-23T12:47:44+00:00", "updated_at": "2026-11-23 12:47:44",
    }


@dataclass
class FakeMagento:
    """The store's data and its API handler (``Mage_Api_Model_Server_Handler``), protocol-free."""

    products: dict[int, dict] = field(default_factory=dict)
    sessions: dict[str, str | None] = field(default_factory=dict)  # id -> user (None: not logged in)
    calls: list[str] = field(default_factory=list)  # every resource path run, in order
    lock: threading.RLock = field(default_factory=threading.RLock)

    @classmethod
    def with_catalog(cls, size: int = 3) -> "FakeMagento":
        store = cls()
        for i in range(1, size + 1):
            store.products[i] = make_product(i, f"SKU-{i}", f"Test Product {i}", price=f"{9 + i * 1.5:.4f}")
        return store

    # ---- the session API ------------------------------------------------------------------

    def login(self, username: str, apiKey: str) -> str:  # noqa: N803
        if USERS.get(username) != apiKey:
            raise _global(2)
        session_id = secrets.token_hex(16)
        self.sessions[session_id] = username
        return session_id

    def startSession(self) -> str:  # noqa: N802
        session_id = secrets.token_hex(16)
        self.sessions[session_id] = None
        return session_id

    def endSession(self, sessionId: str) -> bool:  # noqa: N802, N803
        self._user(sessionId)
        del self.sessions[sessionId]
        return True

    def expire(self, session_id: str) -> None:
        self.sessions.pop(session_id, None)

    def call(self, sessionId: str, apiPath: str, args: Any = None) -> Any:  # noqa: N803
        user = self._user(sessionId)
        return self._run(user, apiPath, args)

    def multiCall(self, sessionId: str, calls: list, options: Any = None) -> list:  # noqa: N802, N803
        user = self._user(sessionId)
        stop = isinstance(options, dict) and bool(options.get("break"))
        results = []
        for call in calls:
            path, args = (call[0], call[1] if len(call) > 1 else None) if isinstance(call, list) else (call, None)
            try:
                results.append(self._run(user, path, args))
            except StoreFault as fault:
                results.append({"isFault": True, "faultCode": str(fault.code), "faultMessage": fault.message})
                if stop:
                    break
        return results

    def resources(self, sessionId: str) -> list:  # noqa: N803
        if self._user(sessionId) != "apiuser":
            return []
        return [
            {
                "title": r.title, "description": None, "name": r.name, "aliases": list(r.aliases),
                "methods": [
                    {"title": m.title, "description": None, "path": m.path, "name": m.name, "aliases": []}
                    for m in r.methods.values()
                ],
            }
            for r in api_model().resources.values()
        ]

    def globalFaults(self, sessionId: str) -> list:  # noqa: N802, N803
        self._user(sessionId)
        return [{"code": str(f.code), "message": f.message} for f in api_model().global_faults.values()]

    def resourceFaults(self, sessionId: str, resourceName: str) -> list:  # noqa: N802, N803
        self._user(sessionId)
        resource = api_model().resource(resourceName)
        if resource is None:
            raise _global(3)
        return [{"code": str(f.code), "message": f.message} for f in resource.faults]

    # ---- resources ------------------------------------------------------------------------

    def _user(self, session_id: Any) -> str:
        user = self.sessions.get(session_id) if isinstance(session_id, str) else None
        if user is None:
            raise _global(5)
        return user

    def _run(self, user: str, path: Any, args: Any) -> Any:
        resolved = api_model().resolve(str(path))
        handler = RESOURCES.get((resolved.resource.name if resolved.resource else "", resolved.method_name))
        if handler is None:
            raise _global(3)
        if user != "apiuser":
            raise _global(2)
        with self.lock:
            self.calls.append(resolved.method.path)
            if isinstance(args, dict):
                return handler(self, **args)
            if args is None:
                args = []
            elif not isinstance(args, list):
                args = [args]
            return handler(self, *args)

    def find(self, product_id: Any, identifier_type: str | None = None) -> dict:
        key = str(product_id)
        for product in self.products.values():
            if identifier_type != "sku" and product["product_id"] == key:
                return product
        for product in self.products.values():
            if identifier_type != "id" and product["sku"] == key:
                return product
        raise StoreFault(101, "Product not exists.")

    def product_list(self, filters: Any = None, store: Any = None) -> list:
        rows = [p for p in self.products.values() if _matches(p, filters or {})]
        return [
            {k: p[k] for k in ("product_id", "sku", "name", "set", "type")}
            | {"category_ids": [], "website_ids": ["1"]}
            for p in rows
        ]

    def product_info(self, productId: Any, store: Any = None, attributes: Any = None,  # noqa: N803
                     identifierType: Any = None) -> dict:  # noqa: N803
        product = self.find(productId, identifierType)
        if attributes:
            wanted = attributes.get("attributes", attributes) if isinstance(attributes, dict) else attributes
            return {k: v for k, v in product.items() if k in wanted or k in ("product_id", "sku", "set", "type")}
        return {k: v for k, v in product.items() if k != "qty"}

    def product_create(self, type: str, set: Any, sku: str, productData: dict | None = None,  # noqa: A002, N803
                       store: Any = None) -> int:
        if any(p["sku"] == sku for p in self.products.values()):
            raise StoreFault(102, "Invalid data given. Details in error message.")
        new_id = max(self.products, default=0) + 1
        self.products[new_id] = make_product(new_id, sku, (productData or {}).get("name", sku))
        return new_id

    def product_update(self, productId: Any, productData: dict, store: Any = None,  # noqa: N803
                       identifierType: Any = None) -> bool:  # noqa: N803
        product = self.find(productId, identifierType)
        product.update({k: v if v is None or isinstance(v, (list, dict)) else str(v) for k, v in productData.items()})
        return True

    def product_delete(self, productId: Any, identifierType: Any = None) -> bool:  # noqa: N803
        product = self.find(productId, identifierType)
        del self.products[int(product["product_id"])]
        return True

    def stock_list(self, productIds: Any) -> list:  # noqa: N803
        ids = productIds if isinstance(productIds, list) else [productIds]
        rows = []
        for key in ids:
            try:
                p = self.find(key)
            except StoreFault:
                continue
            rows.append({"product_id": p["product_id"], "sku": p["sku"], "qty": p["qty"],
                         "is_in_stock": "1" if float(p["qty"]) > 0 else "0"})
        return rows

    def stock_update(self, productId: Any, data: dict) -> bool:  # noqa: N803
        product = self.find(productId)
        if "qty" in data:
            product["qty"] = f"{float(data['qty']):.4f}"
        return True

    def magento_info(self) -> dict:
        return {"magento_edition": "Community", "magento_version": "1.9.4.5", "openmage_version": "20.10.2"}


RESOURCES: dict[tuple[str, str], Callable[..., Any]] = {
    ("catalog_product", "list"): FakeMagento.product_list,
    ("catalog_product", "info"): FakeMagento.product_info,
    ("catalog_product", "create"): FakeMagento.product_create,
    ("catalog_product", "update"): FakeMagento.product_update,
    ("catalog_product", "delete"): FakeMagento.product_delete,
    ("cataloginventory_stock_item", "list"): FakeMagento.stock_list,
    ("cataloginventory_stock_item", "update"): FakeMagento.stock_update,
    ("core_magento", "info"): FakeMagento.magento_info,
}

_OPERATORS: dict[str, Callable[[str, Any], bool]] = {
    "eq": lambda v, x: v == str(x), "neq": lambda v, x: v != str(x),
    "like": lambda v, x: _like(v, str(x)), "nlike": lambda v, x: not _like(v, str(x)),
    "in": lambda v, x: v in _items(x), "nin": lambda v, x: v not in _items(x),
    "gt": lambda v, x: float(v) > float(x), "lt": lambda v, x: float(v) < float(x),
    "gteq": lambda v, x: float(v) >= float(x), "lteq": lambda v, x: float(v) <= float(x),
    "from": lambda v, x: float(v) >= float(x), "to": lambda v, x: float(v) <= float(x),
}


def _items(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    return [str(v) for v in (value.values() if isinstance(value, dict) else value)]


def _like(value: str, pattern: str) -> bool:
    import fnmatch

    return fnmatch.fnmatchcase(value, pattern.replace("%", "*").replace("_", "?"))


def _matches(product: dict, filters: dict) -> bool:
    for field_name, condition in filters.items():
        value = str(product.get("product_id" if field_name == "entity_id" else field_name, ""))
        if isinstance(condition, dict):
            for operator, operand in condition.items():
                test = _OPERATORS.get(operator)
                if test is None:
                    raise StoreFault(102, "Invalid data given. Details in error message.")
                if not test(value, operand):
                    return False
        elif value != str(condition):
            return False
    return True


# ------------------------------------------------------------------------------ protocol front-ends

V1_OPERATIONS = {  # operation -> input parts, as Magento's v1 WSDL declares them
    "call": ["sessionId", "resourcePath", "args"],
    "multiCall": ["sessionId", "calls", "options"],
    "endSession": ["sessionId"],
    "login": ["username", "apiKey"],
    "startSession": [],
    "resources": ["sessionId"],
    "globalFaults": ["sessionId"],
    "resourceFaults": ["resourceName", "sessionId"],  # sic: the server reads them the other way round
}


def v1_wsdl(namespace: str, location: str) -> bytes:
    """A v1 WSDL of the same shape as Magento's (``Mage/Api/etc/wsdl.xml``), written for these tests."""
    messages, operations, bindings = [], [], []
    body = f'<soap:body namespace="{namespace}" use="encoded" encodingStyle="{soapenc.SOAP_ENC}"/>'
    for op, parts in V1_OPERATIONS.items():
        types = {"calls": "typens:FixedArray", "args": "xsd:anyType", "options": "xsd:anyType"}
        part_xml = "".join(f'<part name="{p}" type="{types.get(p, "xsd:string")}"/>' for p in parts)
        messages.append(f'<message name="{op}">{part_xml}</message>'
                        f'<message name="{op}Response"><part name="{op}Return" type="xsd:anyType"/></message>')
        operations.append(f'<operation name="{op}"><input message="typens:{op}"/>'
                          f'<output message="typens:{op}Response"/></operation>')
        bindings.append(f'<operation name="{op}"><soap:operation soapAction="urn:Action"/>'
                        f'<input>{body}</input><output>{body}</output></operation>')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns:typens="{namespace}" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
        'xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" '
        f'xmlns="http://schemas.xmlsoap.org/wsdl/" name="Magento" targetNamespace="{namespace}">'
        f'<types><schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="{namespace}">'
        '<complexType name="FixedArray"><complexContent><restriction base="soapenc:Array">'
        '<attribute ref="soapenc:arrayType" wsdl:arrayType="xsd:anyType[]"/></restriction></complexContent>'
        '</complexType></schema></types>'
        + "".join(messages)
        + '<portType name="PortType">' + "".join(operations) + "</portType>"
        + '<binding name="Binding" type="typens:PortType"><soap:binding style="rpc" '
        'transport="http://schemas.xmlsoap.org/soap/http"/>' + "".join(bindings) + "</binding>"
        + f'<service name="MagentoService"><port name="Port" binding="typens:Binding">'
        f'<soap:address location="{location}"/></port></service></definitions>'
    ).encode()


def soap_fault(code: Any, message: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{soapenc.SOAP_ENV}"><SOAP-ENV:Body><SOAP-ENV:Fault>'
        f"<faultcode>{code}</faultcode><faultstring>{xmlrpc.client.escape(message)}</faultstring>"
        "</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()


def soap_v1_response(namespace: str, operation: str, value: Any) -> bytes:
    out: list[str] = []
    soapenc.encode_value(f"{operation}Return", value, out,
                         "ns1:FixedArray" if operation != "call" and isinstance(value, list) else None)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{soapenc.SOAP_ENV}" xmlns:ns1="{namespace}" '
        f'xmlns:xsd="{soapenc.XSD}" xmlns:SOAP-ENC="{soapenc.SOAP_ENC}" xmlns:xsi="{soapenc.XSI}" '
        f'xmlns:ns2="{soapenc.APACHE}" SOAP-ENV:encodingStyle="{soapenc.SOAP_ENC}"><SOAP-ENV:Body>'
        f"<ns1:{operation}Response>{''.join(out)}</ns1:{operation}Response></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode()


HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>There has been an error processing your request</title>\n"
    b"</head><body><p>Exception printing is disabled by default for security reasons.</p></body></html>"
)


class FrontEnds:
    """Decode a request of each protocol, run it on the store, encode the answer as Magento does."""

    def __init__(self, store: FakeMagento, namespace: str):
        self.store = store
        self.namespace = namespace

    def _invoke(self, method: str, params: list) -> Any:
        func = getattr(self.store, method, None) if method in V1_OPERATIONS else None
        if func is None:
            raise LookupError(method)
        inspect.signature(func).bind(*params)  # TypeError where PHP would refuse the call
        with self.store.lock:
            return func(*params)

    def soap_v1(self, body: bytes) -> tuple[int, bytes]:
        try:
            wrapper = soapenc.body_child(xmlsafe.parse(body))
        except Exception as exc:  # noqa: BLE001 - a broken request, as PHP reports it
            return 500, soap_fault("SOAP-ENV:Client", f"Bad Request ({exc})")
        operation = etree.QName(wrapper).localname
        params = [soapenc.decode(child) for child in wrapper]
        try:
            return 200, soap_v1_response(self.namespace, operation, self._invoke(operation, params))
        except StoreFault as fault:
            return 200, soap_fault(fault.code, fault.message)
        except LookupError:
            return 500, soap_fault("SOAP-ENV:Server", f"Procedure '{operation}' not present")
        except TypeError as exc:
            return 200, soap_fault("SOAP-ENV:Server", f"Too few arguments ({exc})")

    def xmlrpc(self, body: bytes) -> tuple[int, bytes]:
        try:
            params, method = xmlrpc.client.loads(body, use_builtin_types=True)
        except Exception:  # noqa: BLE001
            return 200, _xmlrpc_fault(632, "Invalid request, no method passed; request must contain a 'methodName' tag")
        params = list(params)
        if method not in V1_OPERATIONS:
            return 200, _xmlrpc_fault(620, f'Method "{method}" does not exist')
        # Zend_XmlRpc_Server checks the types against the handler's docblock signatures
        if (method == "call" and len(params) > 2 and not isinstance(params[2], list)) or (
            method == "multiCall" and len(params) > 2 and not isinstance(params[2], list)
        ):
            return 200, _xmlrpc_fault(623, "Calling parameters do not match signature")
        if method == "multiCall" and len(params) > 2:
            params = params[:2]  # options wrapped in an array are accepted, and ignored
        try:
            result = self._invoke(method, params)
        except StoreFault as fault:
            return 200, _xmlrpc_fault(fault.code, fault.message)
        except TypeError:
            return 200, _xmlrpc_fault(623, "Calling parameters do not match signature")
        answer = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=True)
        return 200, answer.replace(">\n<", "><").encode()  # no whitespace between tags, as Zend writes it

    def jsonrpc(self, body: bytes) -> tuple[int, bytes]:
        try:
            request = json.loads(body)
            method, params, request_id = request["method"], request.get("params", []), request.get("id")
        except (ValueError, KeyError, TypeError):
            return 503, HTML_ERROR_PAGE
        if isinstance(params, dict):
            params = list(params.values())
        try:
            if method in V1_OPERATIONS:
                result = self._invoke(method, params)
            else:  # Magento takes a resource path as the method name, with the session first
                result = self.store.call(params[0], method, params[1:] or None)
        except (StoreFault, LookupError, TypeError, IndexError) as exc:
            message = exc.message if isinstance(exc, StoreFault) else "Invalid api path."
            answer = {"error": {"code": -32000, "message": message, "data": {}}}
        else:
            answer = {"result": result}
        if request_id is None:
            return 200, b""
        return 200, json.dumps(answer | {"id": str(request_id), "jsonrpc": "2.0"}).encode()


def _xmlrpc_fault(code: int, message: str) -> bytes:
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, message), methodresponse=True).encode()


class FakeStoreServer:
    """The fake store on ``127.0.0.1``, on a free port, in a thread. ``url`` is its base URL.

    ``latency`` (seconds) is added to every request; ``requests`` counts them per path;
    ``override`` may map a path to a canned (status, content type, body) for hostile-response tests;
    ``failures`` to HTTP statuses the next POSTs get (an error page; 0 serves that one normally);
    ``rewrites=False`` answers 404 outside ``/index.php/``, as a web server without URL rewrites.
    """

    def __init__(self, store: FakeMagento | None = None, *, namespace: str = "urn:OpenMage", latency: float = 0.0,
                 wsi: bool = False, rewrites: bool = True):
        self.store = store or FakeMagento.with_catalog()
        self.namespace = namespace
        self.latency = latency
        self.requests: dict[str, int] = {}
        self.override: dict[str, tuple[int, str, bytes]] = {}
        self.failures: dict[str, list[int]] = {}  # path -> HTTP statuses to answer before working again
        self.rewrites = rewrites  # False: like a web server without Magento's rewrites, only /index.php/ works
        self.front = FrontEnds(self.store, namespace)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_port}/"
        from .fakestore_v2 import V2Endpoint

        self.v2 = V2Endpoint(self.front, namespace, self.url + "api/v2_soap/", wsi)
        self._thread: threading.Thread | None = None
        self._count = itertools.count()

    def __enter__(self) -> "FakeStoreServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def route(self, method: str, raw_path: str, body: bytes) -> tuple[int, str, bytes]:
        parts = urlsplit(raw_path)
        if not self.rewrites and not parts.path.startswith("/index.php/"):
            return 404, "text/html; charset=UTF-8", b"<html><head><title>404 Not Found</title></head></html>"
        path = parts.path.replace("/index.php", "", 1).rstrip("/") + "/"  # Magento routes api/xmlrpc too
        self.requests[path] = self.requests.get(path, 0) + 1
        if path in self.override and method == "POST":
            return self.override[path]
        if self.failures.get(path) and method == "POST":
            status = self.failures[path].pop(0)
            if status:
                return status, "text/html; charset=UTF-8", HTML_ERROR_PAGE
        xml = "text/xml; charset=utf-8"
        if path == "/api/soap/":
            if method == "GET" and parts.query == "wsdl":
                return 200, "text/xml; charset=UTF-8", v1_wsdl(self.namespace, self.url + "api/soap/")
            if method == "POST":
                return _with(xml, self.front.soap_v1(body))
        if path == "/api/v2_soap/":
            if method == "GET" and parts.query == "wsdl=1":
                return 200, "text/xml; charset=UTF-8", self.v2.wsdl
            if method == "POST":
                return _with(xml, self.v2.handle(body))
        if path == "/api/xmlrpc/" and method == "POST":
            return _with(xml, self.front.xmlrpc(body))
        if path == "/api/jsonrpc/" and method == "POST":
            status, answer = self.front.jsonrpc(body)
            return status, "application/json" if status == 200 else "text/html; charset=UTF-8", answer
        return 404, "text/html; charset=UTF-8", b"<html><head><title>404 Not Found</title></head><body></body></html>"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if server.latency:
                    threading.Event().wait(server.latency)
                status, content_type, answer = server.route(method, self.path, body)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                if content_type.startswith("text/xml"):
                    self.send_header("Content-Type", "text/xml; charset=UTF-8")  # the real store repeats it
                if status in (429, 503):
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

            def do_GET(self) -> None:  # noqa: N802
                self._serve("GET")

            def log_message(self, *_: Any) -> None:
                pass

        return Handler


def _with(content_type: str, answer: tuple[int, bytes]) -> tuple[int, str, bytes]:
    return answer[0], content_type, answer[1]


def main() -> None:
    """``python -m tests.fakestore --products 1000 --latency 0.005``: serve until stopped (benchmarks)."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--products", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--wsi", action="store_true")
    args = parser.parse_args()
    with FakeStoreServer(FakeMagento.with_catalog(args.products), latency=args.latency, wsi=args.wsi) as server:
        print(server.url, flush=True)
        sys.stdin.read()  # until the parent closes our stdin


if __name__ == "__main__":
    main()
