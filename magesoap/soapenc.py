"""SOAP 1.1 section-5 encoding as PHP's ext/soap speaks it: a pure codec, no I/O.

Magento's v1 API types its arguments ``xsd:anyType``, so the values travel self-described:
lists as ``SOAP-ENC:Array`` with ``SOAP-ENC:arrayType``, dicts as Apache maps
(``ns2:Map``: ``item``/``key``/``value``), scalars with ``xsi:type``, ``None`` as ``xsi:nil``.
:func:`encode_envelope` writes a request as PHP's SoapClient does; :func:`decode` turns any
section-5 encoded element (v1, and v2 in non-WS-I mode, which is fully ``xsi:type``-d) into plain
Python: dict, list, str, int, float, bool, bytes, None.

The decoder is on the hot path of every list call, so it is one small recursive function.
"""
from __future__ import annotations

import base64
import datetime as _dt
from decimal import Decimal
from typing import Any, Callable, Iterable
from xml.sax.saxutils import escape as _escape

from lxml import etree

from .exceptions import UnexpectedResponse, UsageError

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENC = "http://schemas.xmlsoap.org/soap/encoding/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
APACHE = "http://xml.apache.org/xml-soap"

_XSI_TYPE = f"{{{XSI}}}type"
_XSI_NIL = f"{{{XSI}}}nil"
_ARRAY_TYPE = f"{{{SOAP_ENC}}}arrayType"
_BODY = f"{{{SOAP_ENV}}}Body"
_FAULT = f"{{{SOAP_ENV}}}Fault"

_ESCAPES = {'"': "&quot;", "\r": "&#13;"}


def escape_text(value: str) -> str:
    return _escape(value, _ESCAPES)


# ---------------------------------------------------------------------------------------- encode


def _xsi_type(value: Any) -> str | None:
    """PHP's name for the type of ``value`` inside an array, or None where it writes ur-type."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "SOAP-ENC:Array"
    if isinstance(value, bool):
        return "xsd:boolean"
    if isinstance(value, int):
        return "xsd:int"
    if isinstance(value, float):
        return "xsd:float"
    if isinstance(value, dict):
        return "ns2:Map"
    if isinstance(value, (bytes, bytearray)):
        return "xsd:base64Binary"
    return "xsd:string"


def scalar_text(value: Any) -> tuple[str, str]:
    if isinstance(value, bool):
        return "xsd:boolean", "true" if value else "false"
    if isinstance(value, int):
        return "xsd:int", str(value)
    if isinstance(value, float):
        return "xsd:float", _float_text(value)
    if isinstance(value, str):
        return "xsd:string", escape_text(value)
    if isinstance(value, (bytes, bytearray)):
        return "xsd:base64Binary", base64.b64encode(value).decode("ascii")
    if isinstance(value, Decimal):
        return "xsd:string", str(value)
    if isinstance(value, _dt.datetime):
        return "xsd:string", value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, _dt.date):
        return "xsd:string", value.isoformat()
    raise UsageError(f"cannot send a {type(value).__name__} to Magento: use str, int, float, bool, None, list or dict")


def _float_text(value: float) -> str:
    """As PHP writes a float: shortest form, no trailing ``.0`` (20.0 -> ``20``)."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "-INF"
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def encode_value(name: str, value: Any, out: list[str], xsi_type: str | None = None) -> None:
    """Append ``<name ...>value</name>`` in section-5 encoding to ``out``."""
    if value is None:
        out.append(f'<{name} xsi:nil="true"/>')
    elif isinstance(value, dict):
        out.append(f'<{name} xsi:type="ns2:Map">')
        for key, item in value.items():
            key_type = "xsd:int" if isinstance(key, int) and not isinstance(key, bool) else "xsd:string"
            out.append(f'<item><key xsi:type="{key_type}">{escape_text(str(key))}</key>')
            encode_value("value", item, out)
            out.append("</item>")
        out.append(f"</{name}>")
    elif isinstance(value, (list, tuple)):
        # PHP names the item type where all items share one; a WSDL-typed array is always ur-type
        types = {_xsi_type(item) for item in value}
        item_type = types.pop() if len(types) == 1 and xsi_type is None else None
        array_type = f"{item_type or 'xsd:ur-type'}[{len(value)}]"
        tag = f'<{name} SOAP-ENC:arrayType="{array_type}" xsi:type="{xsi_type or "SOAP-ENC:Array"}"'
        if not value:
            out.append(tag + "/>")
            return
        out.append(tag + ">")
        for item in value:
            encode_value("item", item, out)
        out.append(f"</{name}>")
    else:
        type_name, text = scalar_text(value)
        out.append(f'<{name} xsi:type="{type_name}">{text}</{name}>')


def encode_envelope(
    namespace: str,
    operation: str,
    parts: Iterable[tuple[str, Any]],
    array_types: dict[str, str] | None = None,
) -> bytes:
    """A SOAP 1.1 rpc/encoded request for ``operation`` with ``parts`` as (name, value) pairs.

    ``array_types`` names the WSDL type of list parts (``{"calls": "ns1:FixedArray"}``), as PHP
    writes it.
    """
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP_ENV}" xmlns:ns1="{escape_text(namespace)}" '
        f'xmlns:xsd="{XSD}" xmlns:xsi="{XSI}" xmlns:ns2="{APACHE}" xmlns:SOAP-ENC="{SOAP_ENC}" '
        f'SOAP-ENV:encodingStyle="{SOAP_ENC}"><SOAP-ENV:Body><ns1:{operation}>'
    ]
    array_types = array_types or {}
    for name, value in parts:
        encode_value(name, value, out, array_types.get(name))
    out.append(f"</ns1:{operation}></SOAP-ENV:Body></SOAP-ENV:Envelope>")
    return "".join(out).encode("utf-8")


# ---------------------------------------------------------------------------------------- decode


def _boolean(text: str) -> bool:
    return text.strip() in ("true", "1")


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _base64(text: str) -> bytes:
    return base64.b64decode(text)


SCALAR_TYPES: dict[str, Callable[[str], Any]] = {
    "string": str, "anyURI": str, "normalizedString": str, "token": str, "QName": str,
    "dateTime": str, "date": str, "time": str,
    "int": int, "integer": int, "long": int, "short": int, "byte": int,
    "unsignedInt": int, "unsignedLong": int, "unsignedShort": int, "unsignedByte": int,
    "positiveInteger": int, "nonNegativeInteger": int, "negativeInteger": int, "nonPositiveInteger": int,
    "float": float, "double": float, "decimal": _number,
    "boolean": _boolean,
    "base64Binary": _base64, "base64": _base64,
}


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1:] if tag[0] == "{" else tag


_SCALAR, _MAP, _ARRAY, _OTHER = range(4)
_TRUE = ("true", "1")
_KINDS: dict[str, tuple[int, Any]] = {}  # xsi:type value -> (kind, converter), memoised


def _kind(xsi_type: str) -> tuple[int, Any]:
    kind = _KINDS.get(xsi_type)
    if kind is None:
        local = xsi_type[xsi_type.find(":") + 1:]
        scalar = SCALAR_TYPES.get(local)
        if scalar is not None:
            kind = (_SCALAR, scalar)
        elif local == "Map":
            kind = (_MAP, None)
        elif local in ("Array", "FixedArray") or local.startswith("ArrayOf"):
            kind = (_ARRAY, None)
        else:
            kind = (_OTHER, None)
        if len(_KINDS) < 4096:  # a hostile answer cannot grow it without bound
            _KINDS[xsi_type] = kind
    return kind


def is_array(el: etree._Element) -> bool:
    """Whether ``el`` is a section-5 array (``SOAP-ENC:Array``, ``FixedArray``, a typed array)."""
    xsi_type = el.get(_XSI_TYPE)
    return el.get(_ARRAY_TYPE) is not None or (xsi_type is not None and _kind(xsi_type)[0] == _ARRAY)


def decode(el: etree._Element) -> Any:
    """Plain Python for one section-5 encoded element, nested to any depth."""
    get = el.get  # faster than el.attrib, which builds a proxy per call
    xsi_type = get(_XSI_TYPE)
    if xsi_type is not None:
        kind, convert = _kind(xsi_type)
        if kind == _SCALAR:
            text = el.text
            if text is None and get(_XSI_NIL) in _TRUE:
                return None
            return convert(text or "")
        if get(_XSI_NIL) in _TRUE:
            return None
        if kind == _MAP:
            return _map(el)
        if kind == _ARRAY or get(_ARRAY_TYPE) is not None:
            return [decode(child) for child in el]
        if len(el) == 0:  # an enum or other simple type the table does not name, or an empty struct
            text = el.text
            return text if text and not text.isspace() else {}
    elif get(_XSI_NIL) in _TRUE:
        return None
    elif len(el) == 0:
        return el.text or ""
    elif _is_map(el):
        return _map(el)
    elif all(child.tag == "item" for child in el):
        return [decode(child) for child in el]
    # a struct: a typed complex type (SOAP v2), or an untyped one
    return {_local(child.tag): decode(child) for child in el}


def _is_map(el: etree._Element) -> bool:
    first = el[0]
    return first.tag == "item" and len(first) == 2 and first[0].tag == "key" and first[1].tag == "value"


def _map(el: etree._Element) -> dict:
    result = {}
    for item in el:
        try:
            key_el, value_el = item
        except ValueError:
            raise UnexpectedResponse("a map item without key and value") from None
        if key_el.tag != "key":
            key_el, value_el = value_el, key_el
        key_type = key_el.get(_XSI_TYPE)
        key = (key_el.text or "") if key_type is not None and key_type.endswith(":string") else decode(key_el)
        value_type = value_el.get(_XSI_TYPE)
        if value_type is not None and value_type.endswith(":string"):  # most values: a plain string
            result[key] = value_el.text or ""
        else:
            result[key] = decode(value_el)
    return result


def body_child(root: etree._Element, *, url: str | None = None, status: int | None = None) -> etree._Element:
    """The one element inside ``SOAP-ENV:Body`` (a response wrapper or a Fault)."""
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise UnexpectedResponse(f"XML that is not a SOAP 1.1 envelope (<{_local(root.tag)}>)", url=url, status=status)
    body = root.find(_BODY)
    if body is None or len(body) == 0:
        raise UnexpectedResponse("a SOAP envelope with an empty or missing Body", url=url, status=status)
    return body[0]


def fault_parts(el: etree._Element) -> tuple[str, str] | None:
    """(faultcode, faultstring) where ``el`` is a SOAP Fault, else None."""
    if el.tag != _FAULT:
        return None
    code = el.findtext("faultcode") or ""
    message = el.findtext("faultstring") or ""
    return code.strip(), message
