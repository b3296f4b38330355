"""libwxpresign's events as records of logging.getLogger("wxpresign")."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import wxpresign
from conftest import EDU, example


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture()
def collected(config_path: Path) -> Iterator[Collect]:
    logger = logging.getLogger("wxpresign")
    handler = Collect()
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
        with wxpresign.Client(config_path):
            pass  # sets the hook back to the logger's level: WARNING by default


def test_each_call_is_an_info_record_and_each_attempt_a_debug_one(
    collected: Collect, config: Dict[str, Any]
) -> None:
    with wxpresign.Client(config) as client:
        answer = client.edu_papay(example(EDU))
    calls = [r for r in collected.records if r.wxpresign["event"] == "call"]  # type: ignore[attr-defined]
    attempts = [r for r in collected.records if r.wxpresign["event"] == "attempt"]  # type: ignore[attr-defined]
    assert [r.levelno for r in calls] == [logging.INFO]
    assert [r.levelno for r in attempts] == [logging.DEBUG]
    assert calls[0].wxpresign["request_id"] == answer["request_id"]  # type: ignore[attr-defined]
    assert EDU in calls[0].getMessage()
    text = " ".join(str(r.wxpresign) for r in collected.records)  # type: ignore[attr-defined]
    assert config["apiv3_key"] not in text


def test_a_failed_call_is_a_warning_and_info_is_dropped_at_warning(
    collected: Collect, config: Dict[str, Any]
) -> None:
    logging.getLogger("wxpresign").setLevel(logging.WARNING)
    with wxpresign.Client(config) as client:
        client.edu_papay(example(EDU))
        with pytest.raises(wxpresign.ApiError):
            client.edu_papay(dict(example(EDU), user_id="SANDBOXSYSTEMERROR"))
    assert [r.levelno for r in collected.records] == [logging.WARNING]
    assert collected.records[0].wxpresign["error"]["kind"] == "api"  # type: ignore[attr-defined]
