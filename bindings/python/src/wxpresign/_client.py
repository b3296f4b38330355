"""The client: argument checks and conversion in Python, everything else in libwxpresign."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import threading
import urllib.parse
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union, cast

from ._endpoints import EndpointMethods
from ._errors import ArgumentError, ConfigError, Error, InternalError, from_library
from . import _log
from ._library import Library, LibraryError, load
from ._types import Answer, Envelope, Notification, Request

Config = Union[Mapping[str, Any], str, "os.PathLike[str]"]


class Client(EndpointMethods):
    """A configured libwxpresign client: one per merchant configuration, reused for every call.

    ``config`` is the configuration as a dict, the path of its JSON file (str or PathLike), or
    JSON text (a str starting with ``{``); see docs/configuration.md in the repository. Raises ConfigError
    when the configuration is unusable, ArgumentError when ``config`` has the wrong type, and
    LibraryError when libwxpresign cannot be found.

    A client may be shared by many threads. ``close()`` (or leaving a ``with`` block) frees the
    C client after the calls in flight return; garbage collection frees it too.
    """

    def __init__(self, config: Config, *, shared: bool = False) -> None:
        """``config``: a dict, the path of the configuration JSON, or JSON text.

        ``shared=True`` gives the process's client for this configuration when it holds one
        (``wxpresign_client_shared``): the keys already parsed, the connections kept alive. For
        code that cannot keep a client, such as a request handler that makes one per request.
        Each process has its own: after a pre-fork server forks its workers, each worker gets
        clients of its own. ``close()`` releases this object's handle only.
        """
        # Set first: __del__ runs even when __init__ raises.
        self._handle: Optional[int] = None
        self._active = 0
        self._state = threading.Condition(threading.Lock())
        self._library: Library = load()
        _log.install(self._library)
        text = _config_bytes(config)
        handle = ctypes.c_void_p()
        error = ctypes.c_void_p()
        try:
            make = self._library.client_shared if shared else self._library.client_new
            status = make(text, ctypes.byref(handle), ctypes.byref(error))
        finally:
            document = self._library.take_string(error)
        if status != 0:
            raise _failure(status, document)
        if not handle.value:
            raise InternalError.here("libwxpresign reported success without a client")
        self._handle = handle.value

    def call(self, path: str, request: Request) -> Envelope:
        """Calls the endpoint at ``path`` (e.g. ``"v3/edu-papay/contracts/presign"``, or a template
        such as ``"v3/papay/contracts/{contract_id}/notify"`` whose path and query parameters are
        members of ``request``, or a concrete path that fills a template).

        Returns ``{"status", "request_id", "data"}`` once WeChat Pay's signature is verified;
        raises an Error subclass otherwise. Blocks up to the configured ``timeout_ms``.
        """
        if not isinstance(path, str):
            raise ArgumentError.here(f"path must be a str, not {type(path).__name__}")
        path_bytes = _c_string(path, "path")
        request_bytes = _request_bytes(request)
        with self._borrow() as handle:
            out = ctypes.c_void_p()
            try:
                status = self._library.call(handle, path_bytes, request_bytes, ctypes.byref(out))
            finally:
                text = self._library.take_string(out)
        return cast(Envelope, _success(status, text))

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, Any]] = None,
        json: Optional[Any] = None,
    ) -> Envelope:
        """Any APIv3 call, for those after the pre-sign (query or terminate a contract, ...).

        ``method`` is GET, POST, PUT, PATCH or DELETE; ``path`` starts with ``/v3/`` and is
        sent as given, so percent-encode what it carries (``urllib.parse.quote``); ``query`` is
        added to it, percent-encoded; ``json`` is the body (none for a GET). Paths under
        ``/v3/global/`` go to ``global_base_url``. The body is not checked against any schema:
        WeChat Pay's answer says what is wrong. The answer is verified, and errors, retries and
        the trace are those of ``call``. Encrypt the fields WeChat Pay wants encrypted with
        ``encrypt``.
        """
        if self._library.request is None:
            raise LibraryError(f"{self._library.path} is older than wxpresign_request")
        if not isinstance(method, str) or not isinstance(path, str):
            raise ArgumentError.here("method and path must be str")
        if query:
            if not isinstance(query, Mapping):
                raise ArgumentError.here(f"query must be a dict, not {type(query).__name__}")
            joiner = "&" if "?" in path else "?"
            path = path + joiner + urllib.parse.urlencode(
                {k: _query_value(k, v) for k, v in query.items()}, quote_via=urllib.parse.quote
            )
        body = None if json is None else _c_string(_dumps(json, "json"), "json")
        method_bytes, path_bytes = _c_string(method, "method"), _c_string(path, "path")
        with self._borrow() as handle:
            out = ctypes.c_void_p()
            try:
                status = self._library.request(
                    handle, method_bytes, path_bytes, body, ctypes.byref(out)
                )
            finally:
                text = self._library.take_string(out)
        return cast(Envelope, _success(status, text))

    def encrypt(self, plaintext: str) -> Dict[str, str]:
        """``{"ciphertext", "serial"}``: ``plaintext`` encrypted as WeChat Pay takes a sensitive
        field, with the key this client's requests name in Wechatpay-Serial (for ``request``;
        the endpoint methods encrypt their fields themselves)."""
        if self._library.encrypt is None:
            raise LibraryError(f"{self._library.path} is older than wxpresign_encrypt")
        if not isinstance(plaintext, str):
            raise ArgumentError.here(f"plaintext must be a str, not {type(plaintext).__name__}")
        plain = _c_string(plaintext, "plaintext")
        with self._borrow() as handle:
            out = ctypes.c_void_p()
            try:
                status = self._library.encrypt(handle, plain, ctypes.byref(out))
            finally:
                text = self._library.take_string(out)
        return cast(Dict[str, str], _success(status, text))

    def download_platform_certificates(self) -> List[Dict[str, str]]:
        """Certificate mode: WeChat Pay's platform certificates from ``GET /v3/certificates``,
        verified, decrypted with the APIv3 key and checked, as ``[{"serial_no",
        "effective_time", "expire_time", "certificate"}]`` (PEM); the client verifies with
        them from then on. A merchant in public-key mode gets WeChat Pay's 404 (``ApiError``).
        """
        if self._library.certificates_download is None:
            raise LibraryError(
                f"{self._library.path} is older than wxpresign_platform_certificates_download"
            )
        with self._borrow() as handle:
            out = ctypes.c_void_p()
            try:
                status = self._library.certificates_download(handle, ctypes.byref(out))
            finally:
                text = self._library.take_string(out)
        return cast(List[Dict[str, str]], _success(status, text)["certificates"])

    def parse_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        """Verifies and decrypts a notification WeChat Pay posted to your notify URL.

        ``headers`` are the HTTP request's headers, names in any case (a Mapping, or any object
        with ``items()`` such as werkzeug's Headers); ``body`` is the raw request body. Returns
        the notification with ``resource`` decrypted and ``answer``, the HTTP answer to send
        back. On failure the exception's ``answer`` is the answer to send, always: 4xx or 5xx
        with ``{"code":"FAIL","message":...}``.
        """
        with _answered():
            headers_bytes, data = _notification_arguments(headers, body)
            parse = self._library.notification_parse
            if parse is None:
                raise LibraryError(
                    f"{self._library.path} has no wxpresign_notification_parse: notifications "
                    "need a newer libwxpresign"
                )
            with self._borrow() as handle:
                out = ctypes.c_void_p()
                try:
                    status = parse(handle, headers_bytes, data, len(data), ctypes.byref(out))
                finally:
                    text = self._library.take_string(out)
            return cast(Notification, _success(status, text))

    def close(self) -> None:
        """Frees the C client once the calls in flight return. Idempotent."""
        with self._state:
            handle, self._handle = self._handle, None
            self._state.wait_for(lambda: self._active == 0)
        if handle:
            self._library.client_free(handle)

    @property
    def closed(self) -> bool:
        return self._handle is None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        # Nothing can be in flight: a running call holds a reference to the client.
        handle = getattr(self, "_handle", None)
        if handle:
            self._handle = None
            with contextlib.suppress(Exception):
                self._library.client_free(handle)

    def __repr__(self) -> str:
        return f"<wxpresign.Client {'closed' if self.closed else 'open'}>"

    @contextlib.contextmanager
    def _borrow(self) -> Iterator[int]:
        """The C handle for one call; close() waits until every borrow ends."""
        with self._state:
            handle = self._handle
            if handle is None:
                raise ArgumentError.here("the client is closed")
            self._active += 1
        try:
            yield handle
        finally:
            with self._state:
                self._active -= 1
                if self._active == 0:
                    self._state.notify_all()


def parse_notification(
    clients: Sequence[Client], headers: Mapping[str, str], body: bytes
) -> Notification:
    """For one notify URL serving several merchants: verifies and decrypts the notification with
    the client (one per merchant) whose WeChat Pay key its ``Wechatpay-Serial`` names. The
    result also holds ``mchid``, that client's merchant, and ``client``, its index in
    ``clients``. A notification for none of them raises VerifyError whose ``answer`` is 401.
    """
    with _answered():
        if not clients or not all(isinstance(c, Client) for c in clients):
            raise ArgumentError.here("clients must be a non-empty sequence of wxpresign.Client")
        headers_bytes, data = _notification_arguments(headers, body)
        library = clients[0]._library
        parse = library.notification_parse_any
        if parse is None:
            raise LibraryError(
                f"{library.path} has no wxpresign_notification_parse_any: it needs a newer "
                "libwxpresign"
            )
        with contextlib.ExitStack() as borrowed:
            handles = [borrowed.enter_context(c._borrow()) for c in clients]
            array = (ctypes.c_void_p * len(handles))(*handles)
            out = ctypes.c_void_p()
            try:
                status = parse(
                    array, len(handles), headers_bytes, data, len(data), ctypes.byref(out)
                )
            finally:
                text = library.take_string(out)
        return cast(Notification, _success(status, text))


def _unhandled() -> Answer:
    """The answer to a notification the handler could not take for a reason of its own (a
    mistake in the call, the library missing): 500 and WeChat Pay's failure body, so that WeChat
    Pay retries it."""
    return {
        "status": 500,
        "headers": {"Content-Type": "application/json"},
        "body": '{"code":"FAIL","message":"notification could not be processed"}',
    }


@contextlib.contextmanager
def _answered() -> Iterator[None]:
    """Gives every Error raised while parsing a notification the answer to send back."""
    try:
        yield
    except Error as e:
        if e.answer is None:
            e.answer = _unhandled()
        raise


def _notification_arguments(headers: Mapping[str, str], body: bytes) -> Tuple[bytes, bytes]:
    """The headers as C JSON text and the raw body, checked."""
    headers_bytes = _c_string(_dumps(_header_values(headers), "headers"), "headers")
    if isinstance(body, str):
        raise ArgumentError.here(
            "body must be the raw request body as bytes, not str: the signature covers the "
            "exact bytes received"
        )
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise ArgumentError.here(f"body must be bytes, not {type(body).__name__}")
    return headers_bytes, bytes(body)


def version() -> str:
    """The version of the loaded libwxpresign, e.g. ``"0.1.0"``."""
    raw = load().version()
    return cast(bytes, raw).decode("utf-8") if raw else ""


def endpoints() -> List[Dict[str, Any]]:
    """The library's endpoint table: path, c_function, title, request schema, example, ..."""
    library = load()
    out = ctypes.c_void_p()
    try:
        status = library.endpoints(ctypes.byref(out))
    finally:
        text = library.take_string(out)
    return cast(List[Dict[str, Any]], _success(status, text, list))


# ---------------------------------------------------------------------------------------------
# Conversions. Every C string is built by _c_string, which refuses what C cannot carry.


def _c_string(value: Union[str, bytes, bytearray, memoryview], what: str) -> bytes:
    """UTF-8 bytes for a NUL-terminated C string argument."""
    if isinstance(value, str):
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ArgumentError.here(
                f"{what} is not valid Unicode: lone surrogate U+{ord(value[e.start]):04X} at "
                f"index {e.start} cannot be encoded as UTF-8"
            ) from None
    else:
        data = bytes(value)
    nul = data.find(b"\0")
    if nul >= 0:
        raise ArgumentError.here(
            f"{what} contains a NUL character (byte {nul}); the C library takes NUL-terminated "
            "strings"
        )
    return data


def _plain(value: object) -> object:
    """json.dumps' fallback: mappings other than dict become dicts."""
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _dumps(value: object, what: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, default=_plain)
    except (TypeError, ValueError, RecursionError) as e:
        raise ArgumentError.here(f"{what} cannot be encoded as JSON: {e}") from e


def _header_values(headers: object) -> Dict[str, Union[str, List[str]]]:
    """Name to value; a name given twice keeps both values, so the library can refuse it."""
    items = getattr(headers, "items", None)
    if not callable(items):
        raise ArgumentError.here(
            f"headers must be a mapping of header names to str values, not {type(headers).__name__}"
        )
    values: Dict[str, Union[str, List[str]]] = {}
    for name, value in items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ArgumentError.here(
                f"headers must map str to str, not {type(name).__name__} to {type(value).__name__}"
            )
        seen = values.get(name)
        if seen is None:
            values[name] = value
        else:
            values[name] = (seen if isinstance(seen, list) else [seen]) + [value]
    return values


def _query_value(name: object, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ArgumentError.here(
            f"query[{name!r}] must be a str or an int, not {type(value).__name__}"
        )
    return str(value)


def _request_bytes(request: object) -> bytes:
    if isinstance(request, (str, bytes, bytearray, memoryview)):
        return _c_string(request, "request")
    if not isinstance(request, Mapping):
        raise ArgumentError.here(
            f"request must be a dict (or JSON text), not {type(request).__name__}"
        )
    return _c_string(_dumps(request, "request"), "request")


def _config_bytes(config: object) -> bytes:
    if isinstance(config, Mapping):
        return _c_string(_dumps(config, "config"), "config")
    if isinstance(config, str) and config.lstrip().startswith("{"):
        return _c_string(config, "config")
    if isinstance(config, (str, os.PathLike)):
        return _read_config(config)
    raise ArgumentError.here(
        f"config must be a dict, the path of a JSON file or JSON text, not {type(config).__name__}"
    )


def _read_config(path: Union[str, "os.PathLike[str]"]) -> bytes:
    name = os.fsdecode(os.fspath(path))
    # The str given may be a key pasted in place of a path, on one line or short: never echo it.
    shown = "the configuration file given as config"
    if "\0" in name:
        raise ArgumentError.here("the config path contains a NUL character")
    try:
        with open(name, "rb") as f:
            data = f.read()
    except (OSError, ValueError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise ConfigError.here(f"cannot read {shown}: {reason}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError.here(f"{shown}: not UTF-8 (byte {e.start})") from None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as e:
        # e.msg and the position only: the document holds the merchant key.
        raise ConfigError.here(
            f"{shown}: not valid JSON: {e.msg} at line {e.lineno} column {e.colno}"
        ) from None
    if not isinstance(parsed, dict):
        raise ConfigError.here(f"{shown}: must hold a JSON object, not {type(parsed).__name__}")
    return _c_string(text, shown)


def _success(status: int, text: Optional[bytes], shape: type = dict) -> Any:
    """The decoded answer of a successful call; raises the matching Error otherwise.

    A call whose answer cannot be read may still have reached WeChat Pay: such errors say so.
    """
    if text is None:
        raise InternalError.here(
            f"libwxpresign returned status {status} without an answer (out of memory?)", True
        )
    try:
        document = json.loads(text)
    except ValueError as e:
        raise InternalError.here(f"libwxpresign returned invalid JSON: {e}", True) from None
    if status != 0:
        raise from_library(status, document)
    if not isinstance(document, shape):
        raise InternalError.here(
            f"libwxpresign returned a JSON {type(document).__name__}, not a {shape.__name__}",
            True,
        )
    return document


def _failure(status: int, text: Optional[bytes]) -> Error:
    try:
        document = json.loads(text) if text is not None else None
    except ValueError:
        document = None
    return from_library(status, document)
