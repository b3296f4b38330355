"""WeChat Pay APIv3 pre-sign (预签约) client: Python bindings to libwxpresign over ctypes.

    import wxpresign

    with wxpresign.Client("client.json") as client:
        answer = client.edu_papay({...})
        print(answer["data"]["presign_token"])

Every call validates, encrypts, signs and verifies in libwxpresign; failures raise a subclass
of :class:`Error`. See docs/ in the repository for configuration, errors and notifications.
"""

from ._client import Client, endpoints, parse_notification, version
from ._errors import (
    ApiError,
    ArgumentError,
    ConfigError,
    CryptoError,
    Error,
    InternalError,
    TransportError,
    ValidationError,
    VerifyError,
)
from ._library import LibraryError
from ._types import Answer, Envelope, Notification, Request

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "ApiError",
    "ArgumentError",
    "Client",
    "ConfigError",
    "CryptoError",
    "Envelope",
    "Error",
    "InternalError",
    "LibraryError",
    "parse_notification",
    "Notification",
    "Request",
    "TransportError",
    "ValidationError",
    "VerifyError",
    "endpoints",
    "version",
]
