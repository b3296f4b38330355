"""libwxpresign's log hook bridged to ``logging.getLogger("wxpresign")``: each call is a record
(INFO, or WARNING when it failed), each attempt a DEBUG record, with the event's members in the
record's ``wxpresign`` attribute. No handler is installed: records go where the application's
logging configuration sends them. The hook is set when a Client is created, at the level the
logger is enabled for then (nothing is built for levels it would drop)."""

from __future__ import annotations

import ctypes
import json
import logging
from typing import Any, Dict

from ._library import Library

logger = logging.getLogger("wxpresign")

_OFF, _WARN, _INFO, _DEBUG = 0, 2, 3, 4
_TO_PYTHON = {_WARN: logging.WARNING, _INFO: logging.INFO, _DEBUG: logging.DEBUG}

CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p)


def _message(event: Dict[str, Any]) -> str:
    if event.get("event") == "attempt":
        return (
            f"attempt {event.get('base_url')}: {event.get('outcome')} "
            f"({event.get('connection')} connection, {event.get('elapsed_ms')} ms)"
        )
    outcome = event.get("status")
    if "error" in event:
        outcome = f"{event['error'].get('kind')} error: {event['error'].get('message')}"
    return (
        f"{event.get('endpoint')}: {outcome} in {event.get('elapsed_ms')} ms "
        f"({event.get('attempts')} attempt(s), request_id {event.get('request_id')})"
    )


@CALLBACK
def _receive(_user: Any, level: int, event_json: bytes) -> None:
    try:
        event = json.loads(event_json)
        logger.log(_TO_PYTHON.get(level, logging.INFO), "%s", _message(event), extra={"wxpresign": event})
    except Exception:  # noqa: BLE001 - a log record must never break a call
        pass


def install(library: Library) -> None:
    """Sets the hook at the level the ``wxpresign`` logger is enabled for now."""
    if library.config_log is None:
        return
    if logger.isEnabledFor(logging.DEBUG):
        level = _DEBUG
    elif logger.isEnabledFor(logging.INFO):
        level = _INFO
    elif logger.isEnabledFor(logging.WARNING):
        level = _WARN
    else:
        level = _OFF
    library.config_log(_receive, None, level)
