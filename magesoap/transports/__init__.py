"""One module per protocol, all behind :class:`~magesoap.transports.base.Transport`.

Keys are Magento's own adapter names, as in its ``api.xml``.
"""
from __future__ import annotations

from .base import Transport
from .jsonrpc import JsonRpcTransport
from .soap_v1 import SoapV1Transport
from .soap_v2 import SoapV2Transport
from .xmlrpc import XmlRpcTransport

TRANSPORTS: dict[str, type[Transport]] = {
    cls.protocol: cls for cls in (SoapV1Transport, SoapV2Transport, XmlRpcTransport, JsonRpcTransport)
}

__all__ = ["TRANSPORTS", "Transport", "SoapV1Transport", "SoapV2Transport", "XmlRpcTransport", "JsonRpcTransport"]
