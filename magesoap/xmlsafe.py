"""Parse XML from the network without DTDs, entities or network access.

SOAP forbids a DOCTYPE in a message (SOAP 1.1 section 3), so any DOCTYPE is refused outright:
that shuts out external entities (XXE), entity-expansion bombs and DTD fetches in one rule.
"""
from __future__ import annotations

import io
from typing import Any, Callable

from lxml import etree

from .exceptions import UnexpectedResponse

_OPTIONS = dict(
    resolve_entities=False,
    load_dtd=False,
    no_network=True,
    dtd_validation=False,
    remove_comments=True,
    remove_pis=True,
    huge_tree=False,
)
_PARSER = etree.XMLParser(**_OPTIONS)
#: answers at least this large are read as a stream (see iter_rows)
STREAM_AT = 256 * 1024


def parse_streaming(
    body: bytes,
    rows_of: Callable[[etree._Element], bool],
    decode_row: Callable[[etree._Element], Any],
    *,
    url: str | None = None,
    status: int | None = None,
) -> tuple[etree._Element, list | None]:
    """Parse ``body``, decoding the rows of a large list as each one completes and dropping it
    from the tree, so that the tree of a 100,000-row answer never sits in memory whole.

    Rows are the children of the first element for which ``rows_of`` is true (a SOAP answer's
    array), tried on the grandparents of ``item``/``complexObjectArray`` elements. Returns the
    root (rows removed) and the decoded rows, or None where no such array came.
    """
    rows: list | None = None
    parent_of_rows: etree._Element | None = None
    checked = False
    try:
        for _, el in etree.iterparse(io.BytesIO(body), events=("end",), tag=("item", "complexObjectArray"),
                                     **_OPTIONS):
            if not checked:
                _refuse_doctype(el.getroottree(), url, status)
                checked = True
            parent = el.getparent()
            if parent_of_rows is None:
                if parent is None or not rows_of(parent):
                    continue
                parent_of_rows, rows = parent, []
            if parent is parent_of_rows:
                rows.append(decode_row(el))  # type: ignore[union-attr]
                parent.remove(el)
    except etree.XMLSyntaxError as exc:
        raise UnexpectedResponse(f"not well-formed XML ({exc.msg})", url=url, status=status) from None
    if rows is None:
        return parse(body, url=url, status=status), None  # no list in it: the ordinary way
    return parent_of_rows.getroottree().getroot(), rows  # type: ignore[union-attr]


def _refuse_doctype(tree: etree._ElementTree, url: str | None, status: int | None) -> None:
    if tree.docinfo.doctype:
        raise UnexpectedResponse("XML with a DOCTYPE is refused (no DTDs or entities)", url=url, status=status)


def parse(body: bytes, *, url: str | None = None, status: int | None = None) -> etree._Element:
    """The root element of ``body``, or :class:`UnexpectedResponse` saying what was wrong."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnexpectedResponse(f"not well-formed XML ({exc.msg})", url=url, status=status) from None
    _refuse_doctype(root.getroottree(), url, status)
    return root
