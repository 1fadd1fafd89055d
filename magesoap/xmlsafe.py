"""Parse XML from the network without DTDs, entities or network access.

SOAP forbids a DOCTYPE in a message (SOAP 1.1 section 3), so any DOCTYPE is refused outright:
that shuts out external entities (XXE), entity-expansion bombs and DTD fetches in one rule.
"""
from __future__ import annotations

from lxml import etree

from .exceptions import UnexpectedResponse

_PARSER = etree.XMLParser(
    resolve_entities=False,
    load_dtd=False,
    no_network=True,
    dtd_validation=False,
    remove_comments=True,
    remove_pis=True,
    huge_tree=False,
)


def parse(body: bytes, *, url: str | None = None, status: int | None = None) -> etree._Element:
    """The root element of ``body``, or :class:`UnexpectedResponse` saying what was wrong."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnexpectedResponse(f"not well-formed XML ({exc.msg})", url=url, status=status) from None
    if root.getroottree().docinfo.doctype:
        raise UnexpectedResponse("XML with a DOCTYPE is refused (no DTDs or entities)", url=url, status=status)
    return root
