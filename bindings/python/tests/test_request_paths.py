"""``Client.request`` refuses a mistyped pre-sign path, naming the endpoint meant, and sends
the calls after the pre-sign that share a family's leading segments."""

from __future__ import annotations

import socket
import threading
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import wxpresign

from conftest import example

MINI_PROGRAM = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/mini-program"


@pytest.fixture()
def counted(config: Dict[str, Any]) -> Iterator[Tuple[wxpresign.Client, List[int]]]:
    """A client whose hosts are a socket that counts the connections made to it and closes
    each at once (the call then fails as a transport error)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: List[int] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(1)
            connection.close()

    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    changed = {k: v for k, v in config.items() if k not in ("backup_base_url", "retry")}
    changed.update(base_url=url, global_base_url=url)
    try:
        with wxpresign.Client(changed) as client:
            yield client, accepted
    finally:
        listener.close()


@pytest.mark.parametrize(
    "path,meant",
    [
        (
            "/v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/miniprogram",
            "/" + MINI_PROGRAM,
        ),
        (
            "/v3/global/papay/contracts/mini-program-pre-entrust-sign",
            "/v3/global/papay/contracts/miniprogram-pre-entrust-sign",
        ),
        ("/v3/edu-papay/contracts/PreSign", "/v3/edu-papay/contracts/presign"),
    ],
)
def test_a_mistyped_pre_sign_path_is_refused_with_the_path_meant(
    counted: Tuple[wxpresign.Client, List[int]], path: str, meant: str
) -> None:
    client, accepted = counted
    with pytest.raises(wxpresign.ValidationError) as raised:
        client.request("POST", path, json=example(MINI_PROGRAM))
    assert f"did you mean {meant}?" in str(raised.value)
    assert raised.value.may_have_reached_server is False
    assert accepted == [], "nothing was sent"


def test_a_contract_query_beside_the_pre_sign_is_sent(
    counted: Tuple[wxpresign.Client, List[int]],
) -> None:
    client, accepted = counted
    with pytest.raises(wxpresign.TransportError):
        client.request(
            "GET",
            "/v3/papay/sign/contracts/plan-id/12535/out-contract-code/Ab12",
            query={"appid": "wxcbda96de0b165486"},
        )
    assert accepted == [1]
