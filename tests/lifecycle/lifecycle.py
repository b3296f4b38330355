"""One contract's life after signing, through the Python binding: query it, terminate it, query
it again, and query one that is not there (arguments as tests/lifecycle/lifecycle.c takes them).

    python3 lifecycle.py CONFIG CONTRACT_ID QUERY METHOD TERMINATE BODY AFTER NEEDLE UNKNOWN
"""

import json
import sys

import wxpresign

config, contract_id, query, method, terminate, body, after, needle, unknown = sys.argv[1:10]


def check(ok: bool, what: str) -> None:
    print(("ok " if ok else "FAILED ") + what)
    if not ok:
        sys.exit(1)


with wxpresign.Client(config) as client:
    found = client.request("GET", query)
    check(contract_id in json.dumps(found["data"], ensure_ascii=False), "found")
    ended = client.request(method, terminate, json=json.loads(body) if body else None)
    check(200 <= ended["status"] < 300, "terminated")
    later = client.request("GET", after)
    check(needle in json.dumps(later["data"], ensure_ascii=False), "terminated when queried")
    try:
        client.request("GET", unknown)
        check(False, "an unknown contract is 404")
    except wxpresign.ApiError as e:
        check(e.http_status == 404, "an unknown contract is 404")
