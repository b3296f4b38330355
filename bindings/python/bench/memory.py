#!/usr/bin/env python3
"""10,000 calls on one client against a sandbox; exits 1 when RSS grows by 5 MB or more.

    WXPRESIGN_LIBRARY=target/release/libwxpresign.so PYTHONPATH=bindings/python/src \\
        python3 bindings/python/bench/memory.py SANDBOX_DIR/client.json

The calls cycle through every endpoint's example, a request the library refuses (validation),
one the sandbox fails (api error) and a malformed notification, so the strings of both the
answer and the error paths are freed. RSS (VmRSS of /proc/self/status) is read after a 500-call
warm-up and at the end; the same worker threads run both phases, so their malloc arenas exist
before the first reading.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import queue
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Type

import wxpresign
from wxpresign._library import load

EDU = "v3/edu-papay/contracts/presign"


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def workload(client: wxpresign.Client) -> List[Callable[[], Any]]:
    """One call per item; every item either answers or raises the expected Error."""
    calls: List[Callable[[], Any]] = []
    for endpoint in (e for e in wxpresign.endpoints() if e["stage"] == "presign"):
        method = getattr(client, endpoint["c_function"][len("wxpresign_") :])
        calls.append(functools.partial(method, endpoint["example"]))
    edu = next(e["example"] for e in wxpresign.endpoints() if e["path"] == EDU)
    invalid = dict(edu, user_id=5)
    failing = dict(edu, user_id="SANDBOXSYSTEMERROR")
    calls.append(lambda: expect(wxpresign.ValidationError, client.call, EDU, invalid))
    calls.append(lambda: expect(wxpresign.ApiError, client.call, EDU, failing))
    calls.append(
        lambda: expect(wxpresign.Error, client.parse_notification, {"Wechatpay-Nonce": "x"}, b"{}")
    )
    return calls


def expect(error: Type[BaseException], function: Callable[..., Any], *args: Any) -> None:
    try:
        function(*args)
    except error:
        return
    raise AssertionError(f"{function.__name__} did not raise {error.__name__}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "config",
        nargs="?",
        default=os.environ.get("WXPRESIGN_TEST_CONFIG"),
        help="the sandbox's client.json (default: $WXPRESIGN_TEST_CONFIG)",
    )
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit-mb", type=float, default=5.0)
    args = parser.parse_args()
    if not args.config:
        parser.error("pass the sandbox's client.json or set WXPRESIGN_TEST_CONFIG")

    client = wxpresign.Client(args.config)
    calls = workload(client)
    if load().notification_parse is None:
        calls.pop()
    tasks: "queue.Queue[Optional[int]]" = queue.Queue()
    failures: List[BaseException] = []

    def worker() -> None:
        while True:
            index = tasks.get()
            try:
                if index is None:
                    return
                calls[index % len(calls)]()
            except BaseException as e:  # reported by the main thread
                failures.append(e)
            finally:
                tasks.task_done()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.threads)]
    for thread in threads:
        thread.start()

    def run(start: int, stop: int) -> Dict[str, float]:
        began = time.perf_counter()
        for index in range(start, stop):
            tasks.put(index)
        tasks.join()
        gc.collect()
        return {"rss": rss_kib(), "seconds": time.perf_counter() - began}

    warm = run(0, args.warmup)
    end = run(args.warmup, args.calls)
    for _ in threads:
        tasks.put(None)
    for thread in threads:
        thread.join()
    client.close()

    growth = (end["rss"] - warm["rss"]) / 1024
    rate = (args.calls - args.warmup) / end["seconds"]
    print(f"calls: {args.calls} on {args.threads} threads ({len(calls)} kinds of call)")
    print(f"RSS after {args.warmup}-call warm-up: {warm['rss'] / 1024:.1f} MB")
    print(f"RSS after {args.calls} calls: {end['rss'] / 1024:.1f} MB")
    print(f"growth: {growth:+.2f} MB (limit {args.limit_mb:g} MB)")
    print(f"time: {warm['seconds'] + end['seconds']:.1f} s ({rate:.0f} calls/s after warm-up)")
    if failures:
        print(f"{len(failures)} calls failed; the first: {failures[0]!r}", file=sys.stderr)
        return 1
    if growth >= args.limit_mb:
        print(f"RSS grew by {growth:.2f} MB: a leak?", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
