"""Finding and loading libwxpresign, with the ctypes signature of every function used.

Output strings are declared ``c_void_p``, not ``c_char_p``: ctypes would copy a ``c_char_p``
result into ``bytes`` and drop the pointer, which must go back to ``wxpresign_string_free``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.machinery
import os
import sys
import threading
from pathlib import Path
from typing import Callable, List, Optional

from ._errors import LibraryError

ENVIRONMENT_VARIABLE = "WXPRESIGN_LIBRARY"



def file_name() -> str:
    """The shared library's file name on this platform."""
    if sys.platform == "win32":
        return "wxpresign.dll"
    if sys.platform == "darwin":
        return "libwxpresign.dylib"
    return "libwxpresign.so"


def bundled_names() -> List[str]:
    """The names the library may have next to ``__init__.py``: the wheel's
    (``libwxpresign.abi3.so``, an extension-module suffix) or the plain file name."""
    names = ["libwxpresign" + suffix for suffix in importlib.machinery.EXTENSION_SUFFIXES]
    return names + [file_name()]


class Library:
    """A loaded libwxpresign with its functions declared."""

    def __init__(self, cdll: ctypes.CDLL, path: str) -> None:
        self.path = path
        self.cdll = cdll
        out = ctypes.POINTER(ctypes.c_void_p)
        status = ctypes.c_int  # wxpresign_status, a C enum

        self.client_new = self._declare("wxpresign_client_new", status, [ctypes.c_char_p, out, out])
        self.client_shared = self._declare(
            "wxpresign_client_shared", status, [ctypes.c_char_p, out, out]
        )
        self.client_free = self._declare("wxpresign_client_free", None, [ctypes.c_void_p])
        self.string_free = self._declare("wxpresign_string_free", None, [ctypes.c_void_p])
        # A static string the library owns: copying it into bytes is what we want.
        self.version = self._declare("wxpresign_version", ctypes.c_char_p, [])
        self.config_log: Optional[Callable[..., int]] = None
        if hasattr(cdll, "wxpresign_config_log"):
            self.config_log = self._declare(
                "wxpresign_config_log",
                status,
                [
                    ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p),
                    ctypes.c_void_p,
                    ctypes.c_int,
                ],
            )
        self.endpoints = self._declare("wxpresign_endpoints", status, [out])
        self.call = self._declare(
            "wxpresign_call",
            status,
            [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, out],
        )
        # Newer than the rest: a library without them still serves every endpoint.
        self.request: Optional[Callable[..., int]] = None
        self.encrypt: Optional[Callable[..., int]] = None
        if hasattr(cdll, "wxpresign_request"):
            self.request = self._declare(
                "wxpresign_request",
                status,
                [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, out],
            )
            self.encrypt = self._declare(
                "wxpresign_encrypt", status, [ctypes.c_void_p, ctypes.c_char_p, out]
            )
        self.certificates_download: Optional[Callable[..., int]] = None
        if hasattr(cdll, "wxpresign_platform_certificates_download"):
            self.certificates_download = self._declare(
                "wxpresign_platform_certificates_download", status, [ctypes.c_void_p, out]
            )
        self.notification_parse: Optional[Callable[..., int]] = None
        if hasattr(cdll, "wxpresign_notification_parse"):
            self.notification_parse = self._declare(
                "wxpresign_notification_parse",
                status,
                [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t, out],
            )
        self.notification_parse_any: Optional[Callable[..., int]] = None
        if hasattr(cdll, "wxpresign_notification_parse_any"):
            self.notification_parse_any = self._declare(
                "wxpresign_notification_parse_any",
                status,
                [
                    ctypes.POINTER(ctypes.c_void_p),
                    ctypes.c_size_t,
                    ctypes.c_char_p,
                    ctypes.c_char_p,
                    ctypes.c_size_t,
                    out,
                ],
            )

    def _declare(
        self, name: str, restype: Optional[type], argtypes: List[type]
    ) -> Callable[..., int]:
        try:
            function = getattr(self.cdll, name)
        except AttributeError:
            raise LibraryError(
                f"{self.path} has no function {name}: it is not libwxpresign, or an old one"
            ) from None
        function.restype = restype
        function.argtypes = argtypes
        return function  # type: ignore[no-any-return]

    def take_string(self, pointer: ctypes.c_void_p) -> Optional[bytes]:
        """Copies a string the library handed out and frees it (NULL gives None)."""
        try:
            return ctypes.string_at(pointer.value) if pointer.value else None
        finally:
            self.string_free(pointer)


_lock = threading.Lock()
_loaded: Optional[Library] = None


def load() -> Library:
    """The library, loaded on first use: $WXPRESIGN_LIBRARY, the one the wheel carries next to
    this package, the system's."""
    global _loaded
    with _lock:
        if _loaded is None:
            _loaded = _find()
        return _loaded


def _open(path: str, how: str) -> Library:
    try:
        return Library(ctypes.CDLL(path), path)
    except OSError as e:
        if isinstance(e, LibraryError):
            raise
        raise LibraryError(f"cannot load libwxpresign from {path} ({how}): {e}") from None


def _find() -> Library:
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        # An explicit choice is never silently replaced by another copy.
        return _open(configured, f"${ENVIRONMENT_VARIABLE}")

    package = Path(__file__).resolve().parent
    for name in bundled_names():
        bundled = package / name
        if bundled.is_file():
            return _open(str(bundled), "next to the wxpresign package")

    # find_library reads the ldconfig cache (`make install` + `ldconfig`); loading the plain file
    # name also honours LD_LIBRARY_PATH, which find_library does not always see.
    tried: List[str] = []
    found = ctypes.util.find_library("wxpresign")
    for name in ([found] if found else []) + [file_name()]:
        try:
            system = ctypes.CDLL(name)
        except OSError as e:
            tried.append(str(e))
            continue
        return Library(system, name)
    looked = [f"  ${ENVIRONMENT_VARIABLE}: not set"]
    looked += [f"  {package / name}: no such file" for name in dict.fromkeys(bundled_names())]
    looked.append(
        f"  the system loader (ctypes.util.find_library('wxpresign'), then {file_name()}): "
        + "; ".join(tried)
    )
    raise LibraryError(
        "libwxpresign not found. Looked at:\n"
        + "\n".join(looked)
        + f"\nSet {ENVIRONMENT_VARIABLE} to the library's path (target/release/{file_name()} "
        "after `cargo build --release`), install the package as a wheel built from the "
        "repository (`pip install ./bindings/python` builds the library into it), or install "
        "the library (`make install`)."
    )
