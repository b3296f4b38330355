"""One client shared by many threads, as the C client allows."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List

import wxpresign
from conftest import EDU, example


def test_threads_sharing_one_client_all_get_verified_answers(
    client: wxpresign.Client, table: List[Dict[str, Any]]
) -> None:
    jobs = [(e["path"], e["example"]) for e in table if e["stage"] == "presign"] * 2
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda job: client.call(*job), jobs))
    assert [a["status"] for a in answers] == [200] * len(jobs)
    assert len({a["request_id"] for a in answers}) == len(jobs)


def test_calls_run_in_parallel_outside_the_gil(client: wxpresign.Client) -> None:
    slow = dict(example(EDU), user_id="SANDBOXSLOW1000")
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(client.edu_papay, [slow] * 4))
    assert [a["status"] for a in answers] == [200] * 4
    assert time.monotonic() - started < 3  # one after another, 4 x 1 s would take 4 s


def test_close_waits_for_calls_in_flight(config_path: Path) -> None:
    client = wxpresign.Client(config_path)
    results: List[Any] = []
    call = threading.Thread(
        target=lambda: results.append(
            client.edu_papay(dict(example(EDU), user_id="SANDBOXSLOW300"))
        )
    )
    call.start()
    deadline = time.monotonic() + 10
    while client._active == 0 and time.monotonic() < deadline:  # wait until it is in flight
        time.sleep(0.005)
    assert client._active == 1
    client.close()  # must not free the C client under the running call
    call.join()
    assert results and results[0]["status"] == 200
    assert client.closed
