"""magesoap: the Magento 1 / OpenMage web-services API, from Python.

Two layers: :class:`Client`, Magento's API method for method (for porting PHP scripts), and
:func:`connect`, a session manager. Every error derives from :class:`MagesoapError`; the tree
is in :mod:`magesoap.exceptions`.
"""
from ._version import __version__
from .client import Client
from .exceptions import (
    AccessDenied,
    Conflict,
    ConnectionFailed,
    HTTPStatusError,
    InternalFault,
    InvalidApiPath,
    InvalidData,
    InvalidRequestParam,
    MagentoFault,
    MagesoapError,
    NotFound,
    OperationFailed,
    OutcomeUnknown,
    ResourceFault,
    ResourcePathNotCallable,
    ServerFault,
    SessionExpired,
    Timeout,
    TLSError,
    TransportError,
    UnexpectedResponse,
    UnknownFault,
    UsageError,
    fault_class,
)
from .model import api_model
from .retry import RateLimiter, RetryPolicy
from .session import Session, connect
from .wsdl import WsdlCache

__all__ = [
    "__version__", "Client", "Session", "connect", "api_model", "fault_class", "WsdlCache",
    "RetryPolicy", "RateLimiter",
    "MagesoapError", "UsageError", "MagentoFault", "UnknownFault", "InternalFault", "AccessDenied",
    "InvalidApiPath", "ResourcePathNotCallable", "SessionExpired", "InvalidRequestParam",
    "ResourceFault", "NotFound", "InvalidData", "Conflict", "OperationFailed", "ServerFault",
    "TransportError", "OutcomeUnknown", "ConnectionFailed", "Timeout", "TLSError", "HTTPStatusError", "UnexpectedResponse",
]
