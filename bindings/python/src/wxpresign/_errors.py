"""The exceptions: one base class and one subclass per libwxpresign status (docs/errors.md)."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple, Type, cast

from ._types import Answer


class Error(Exception):
    """A libwxpresign error: the decoded ``{"error": {...}}`` member as attributes.

    ``error`` holds the whole decoded dict; the attributes are its common members, None when
    absent. Messages never contain key material.
    """

    #: The ``kind`` member for this class, and its C status (``wxpresign_status``).
    KIND = ""
    STATUS = 0

    kind: str
    message: str
    status: int
    field: Optional[str]
    issue: Optional[str]
    http_status: Optional[int]
    code: Optional[str]
    detail: Any
    request_id: Optional[str]
    retryable: bool
    may_have_reached_server: bool
    probe: bool
    answer: Optional[Answer]
    cause: Optional[Dict[str, Any]]
    error: Dict[str, Any]

    def __init__(self, error: Mapping[str, Any], status: Optional[int] = None) -> None:
        self.error = dict(error)
        self.kind = _text(error.get("kind")) or self.KIND or "unknown"
        self.message = _text(error.get("message")) or "(no message)"
        self.status = status if status is not None else self.STATUS
        self.field = _text(error.get("field"))
        self.issue = _text(error.get("issue"))
        http_status = error.get("http_status")
        self.http_status = http_status if isinstance(http_status, int) else None
        self.code = _text(error.get("code"))
        self.detail = error.get("detail")
        self.request_id = _text(error.get("request_id"))
        self.retryable = error.get("retryable") is True
        # Unknown means "assume it may have": the safe answer for a retry decision.
        self.may_have_reached_server = error.get("may_have_reached_server") is not False
        # A WeChat Pay signature probe (WECHATPAY/SIGNTEST/): a VerifyError all the same.
        self.probe = error.get("probe") is True
        answer = error.get("answer")
        self.answer = cast(Answer, dict(answer)) if isinstance(answer, Mapping) else None
        cause = error.get("cause")
        self.cause = dict(cause) if isinstance(cause, Mapping) else None
        super().__init__(self._describe())

    def _describe(self) -> str:
        notes = []
        if self.field is not None and not self.message.startswith(f"{self.field}:"):
            notes.append(f"field {self.field or '(the whole request)'}")
        if self.http_status is not None:
            notes.append(f"HTTP {self.http_status}")
        if self.code is not None:
            notes.append(f"code {self.code}")
        if self.request_id is not None:
            notes.append(f"request_id {self.request_id}")
        suffix = f" [{', '.join(notes)}]" if notes else ""
        return f"{self.kind} error: {self.message}{suffix}"

    def __str__(self) -> str:
        return self._describe()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._describe()!r})"

    def __reduce__(self) -> Tuple[Any, ...]:
        # Exceptions are pickled by their args; ours are rebuilt from the error dict.
        return (type(self), (self.error, self.status))

    @classmethod
    def here(cls, message: str, may_have_reached_server: bool = False) -> "Error":
        """An error detected in Python (by default before anything reached the library)."""
        return cls(
            {
                "kind": cls.KIND,
                "message": message,
                "retryable": False,
                "may_have_reached_server": may_have_reached_server,
            }
        )


class ArgumentError(Error):
    """Status 1: a missing or malformed argument, unparsable JSON or an unknown endpoint."""

    KIND, STATUS = "argument", 1


class ConfigError(Error):
    """Status 2: the configuration is incomplete or inconsistent, or its file is unreadable."""

    KIND, STATUS = "config", 2


class ValidationError(Error):
    """Status 3: the request broke the endpoint's schema (``field`` points at it); not sent."""

    KIND, STATUS = "validation", 3


class TransportError(Error):
    """Status 4: DNS, connect, TLS, timeout or broken HTTP; see ``may_have_reached_server``."""

    KIND, STATUS = "transport", 4


class ApiError(Error):
    """Status 5: WeChat Pay answered non-2xx (``http_status``, ``code``, ``detail``)."""

    KIND, STATUS = "api", 5


class VerifyError(Error):
    """Status 6: a 2xx answer (or a notification) failed signature or header checks."""

    KIND, STATUS = "verify", 6


class CryptoError(Error):
    """Status 7: a local encryption, signing or decryption failed."""

    KIND, STATUS = "crypto", 7


class InternalError(Error):
    """Status 8: a bug in libwxpresign or in these bindings; please report it."""

    KIND, STATUS = "internal", 8


class LibraryError(Error, OSError):
    """libwxpresign cannot be found or loaded, or lacks a function this package needs. An
    ``OSError`` as well, as a failed load is; ``except wxpresign.Error`` catches it too. Nothing
    was sent."""

    KIND = "library"

    def __init__(self, message: str) -> None:
        super().__init__({"kind": self.KIND, "message": message, "may_have_reached_server": False})


_CLASSES: Tuple[Type[Error], ...] = (
    ArgumentError,
    ConfigError,
    ValidationError,
    TransportError,
    ApiError,
    VerifyError,
    CryptoError,
    InternalError,
)
_BY_STATUS = {c.STATUS: c for c in _CLASSES}
_BY_KIND = {c.KIND: c for c in _CLASSES}


def from_library(status: int, document: Any) -> Error:
    """The exception for a failed call: its status and the decoded ``{"error": {...}}``."""
    error = document.get("error") if isinstance(document, Mapping) else None
    if not isinstance(error, Mapping):
        return InternalError.here(
            f"libwxpresign returned status {status} without an error document", True
        )
    cls = _BY_STATUS.get(status) or _BY_KIND.get(_text(error.get("kind")) or "") or Error
    return cls(error, status)


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None
