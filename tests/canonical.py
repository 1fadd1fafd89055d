"""Compare two SOAP messages as the server sees them: prefixes, whitespace and ids aside."""
from __future__ import annotations

from typing import Any

from lxml import etree

_QNAME_ATTRS = {
    "{http://www.w3.org/2001/XMLSchema-instance}type",
    "{http://schemas.xmlsoap.org/soap/encoding/}arrayType",
}


def canonical(xml: bytes | etree._Element) -> Any:
    el = etree.fromstring(xml) if isinstance(xml, bytes) else xml
    attrs = {}
    for name, value in el.attrib.items():
        if name in _QNAME_ATTRS and ":" in value:
            prefix, local = value.split(":", 1)
            value = f"{{{el.nsmap.get(prefix, prefix)}}}{local}"
        attrs[name] = value
    children = [canonical(child) for child in el if isinstance(child.tag, str)]
    text = (el.text or "").strip() if not children else ""
    return (el.tag, tuple(sorted(attrs.items())), text, tuple(children))
