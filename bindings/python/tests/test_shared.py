"""Shared clients (``Client(config, shared=True)``): what a request handler that makes a client
per request gets, counted by the sandbox's own GET /sandbox/stats."""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Dict

import wxpresign
from conftest import example


def stats(config: Dict[str, Any]) -> Dict[str, int]:
    with urllib.request.urlopen(config["base_url"] + "/sandbox/stats", timeout=10) as answer:
        counts: Dict[str, int] = json.loads(answer.read())
    return counts


def test_a_client_per_request_shares_keys_and_connection(config: Dict[str, Any]) -> None:
    own = dict(config, user_agent="python-shared-test")
    before = stats(config)
    for _ in range(10):
        with wxpresign.Client(own, shared=True) as client:
            assert client.edu_papay(example("v3/edu-papay/contracts/presign"))["status"] == 200
    after = stats(config)
    assert after["requests"] - before["requests"] == 10 + 1  # the stats request itself
    assert after["connections_accepted"] - before["connections_accepted"] == 1 + 1


def test_private_clients_open_their_own_connections(config: Dict[str, Any]) -> None:
    own = dict(config, user_agent="python-private-test")
    before = stats(config)
    for _ in range(3):
        with wxpresign.Client(own) as client:
            assert client.edu_papay(example("v3/edu-papay/contracts/presign"))["status"] == 200
    after = stats(config)
    assert after["connections_accepted"] - before["connections_accepted"] == 3 + 1
