#!/usr/bin/env python3
"""Client CPU per pre-sign call through the Python binding, for bench/compare:

    PYTHONPATH=bindings/python/src WXPRESIGN_LIBRARY=... python3 bench/py_calls.py CLIENT_JSON CALLS

One unmeasured call, then CALLS calls of the README's education request; prints
{"calls","cpu_s","wall_s"} (getrusage of this process around the calls).
"""

import json
import resource
import sys
import time

import wxpresign

REQUEST = {
    "appid": "wx8888888888888888",
    "openid": "oUpF8uMuAJOM2pxb1Q",
    "plan_id": "101164396123311331",
    "user_id": "20200330tony",
    "period_start_date": "2026-12-19",
    "trade_scene": "EDUCATION_PERIOD",
}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    if len(sys.argv) != 3 or int(sys.argv[2]) < 1:
        print(__doc__, file=sys.stderr)
        return 2
    calls = int(sys.argv[2])
    with wxpresign.Client(sys.argv[1]) as client:

        def call() -> None:
            answer = client.edu_papay(REQUEST)
            if answer["status"] != 200 or "presign_token" not in answer["data"]:
                raise RuntimeError(f"unexpected answer: {answer!r}")

        call()
        cpu, wall = cpu_seconds(), time.perf_counter()
        for _ in range(calls):
            call()
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    print(json.dumps({"calls": calls, "cpu_s": cpu, "wall_s": wall}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
