"""Fixtures: a sandbox's configuration (WXPRESIGN_TEST_CONFIG), a client on it, and the table.

sandbox/tests/python_binding.rs runs this suite against `wxpresign sandbox serve`, with
WXPRESIGN_LIBRARY naming the freshly built library. By hand:

    cargo run -q -- sandbox init /tmp/sb && cargo run -q -- sandbox serve /tmp/sb &
    WXPRESIGN_LIBRARY=target/debug/libwxpresign.so WXPRESIGN_TEST_CONFIG=/tmp/sb/client.json \\
        PYTHONPATH=bindings/python/src python3 -m pytest bindings/python/tests
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import wxpresign

PYTHON_DIR = Path(__file__).resolve().parent.parent
REPOSITORY = PYTHON_DIR.parent.parent
EDU = "v3/edu-papay/contracts/presign"


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("WXPRESIGN_TEST_CONFIG"):
        raise pytest.UsageError(
            "set WXPRESIGN_TEST_CONFIG to a running sandbox's client.json (see "
            "bindings/python/tests/conftest.py), or run `cargo test --test it -- python_binding::`"
        )


@pytest.fixture(scope="session")
def config_path() -> Path:
    return Path(os.environ["WXPRESIGN_TEST_CONFIG"])


@pytest.fixture(scope="session")
def config(config_path: Path) -> Dict[str, Any]:
    loaded: Dict[str, Any] = json.loads(config_path.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="session")
def client(config_path: Path) -> Iterator[wxpresign.Client]:
    with wxpresign.Client(config_path) as client:
        yield client


@pytest.fixture(scope="session")
def table() -> List[Dict[str, Any]]:
    return wxpresign.endpoints()


def example(path: str) -> Dict[str, Any]:
    """A fresh copy of the table's example request for `path`."""
    for endpoint in wxpresign.endpoints():
        if endpoint["path"] == path:
            copy: Dict[str, Any] = json.loads(json.dumps(endpoint["example"]))
            return copy
    raise KeyError(path)
