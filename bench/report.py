#!/usr/bin/env python3
"""The table of bench/compare: per client, the median over rounds of CPU per call, against the
OpenSSL RSA-2048 sign + verify floor and the fastest peer SDK, then the issue's targets.

    report.py RESULTS.jsonl OPENSSL_SPEED.txt [--load BEFORE AFTER] [--cpu TEXT]
"""

import argparse
import json
import re
import statistics
import sys
from typing import Dict, List

OURS = ("C (libwxpresign)", "PHP binding", "Python binding")
# The rows with a new client per call (as in PHP-FPM) have this suffix; they are compared with
# each other and with their own warm rows, not taken as the fastest peer.
PER_REQUEST = ", a client per request"


def openssl_floor_us(text: str) -> Dict[str, float]:
    """Median sign and verify µs per operation over the `openssl speed rsa2048` runs in `text`."""
    runs = re.findall(r"^rsa\s+2048 bits\s+([0-9.]+)s\s+([0-9.]+)s", text, re.M)
    if not runs:
        sys.exit("no 'rsa 2048 bits' line in the openssl speed output")
    sign = statistics.median(float(s) * 1e6 for s, _ in runs)
    verify = statistics.median(float(v) * 1e6 for _, v in runs)
    floors = sorted((float(s) + float(v)) * 1e6 for s, v in runs)
    return {"sign": sign, "verify": verify, "floor": statistics.median(floors), "runs": floors}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("openssl")
    parser.add_argument("--load", nargs=2, default=["?", "?"])
    parser.add_argument("--cpu", default="?")
    args = parser.parse_args()

    rows: Dict[str, List[dict]] = {}
    with open(args.results, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows.setdefault(r["client"], []).append(r)
    with open(args.openssl, encoding="utf-8") as f:
        floor = openssl_floor_us(f.read())

    table = []
    for client, runs in rows.items():
        calls = runs[0]["run"]["calls"]
        per = lambda key: statistics.median(key(r) * 1e6 / r["run"]["calls"] for r in runs)
        table.append(
            {
                "client": client,
                "version": runs[0]["version"],
                "calls": calls,
                "rounds": len(runs),
                "cpu": per(lambda r: r["run"]["cpu_s"]),
                "process": per(lambda r: r["process_user_s"] + r["process_sys_s"]),
                "wall": per(lambda r: r["run"]["wall_s"]),
            }
        )
    peers = [
        t
        for t in table
        if t["client"] not in OURS and not t["client"].endswith(PER_REQUEST)
    ]
    fastest = min(peers, key=lambda t: t["cpu"]) if peers else None

    print(f"\nmachine: {args.cpu}; load average (1, 5, 15 min) before {args.load[0]}, after {args.load[1]}")
    spread = ", ".join(f"{f:.0f}" for f in floor["runs"])
    print(
        f"OpenSSL floor (openssl speed -seconds 3 rsa2048, median of {len(floor['runs'])} runs: "
        f"{spread} µs): {floor['floor']:.0f} µs per call (medians: sign {floor['sign']:.0f} µs, "
        f"verify {floor['verify']:.0f} µs)\n"
    )
    print(
        "| client | version | calls × rounds | CPU µs/call | with start-up µs/call | "
        "wall µs/call | × OpenSSL floor | × fastest peer |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for t in table:
        vs_peer = f"{t['cpu'] / fastest['cpu']:.2f}" if fastest else "-"
        print(
            f"| {t['client']} | {t['version']} | {t['calls']} × {t['rounds']} | {t['cpu']:.0f} | "
            f"{t['process']:.0f} | {t['wall']:.0f} | {t['cpu'] / floor['floor']:.2f} | {vs_peer} |"
        )
    print(
        "\nCPU: user + system time of the client process around its calls (median of the rounds); "
        "with start-up: the whole process (interpreter, library load, key parsing) divided by the calls."
    )

    by = {t["client"]: t for t in table}
    c = by.get(OURS[0])
    if c is None or fastest is None:
        return 0
    verdict = lambda ok: "met" if ok else "NOT met"
    print("\ntargets:")
    ratio = c["cpu"] / floor["floor"]
    print(f"- C at most 1.5x the OpenSSL floor: {ratio:.2f}x, {verdict(ratio <= 1.5)}")
    ahead = fastest["cpu"] / c["cpu"]
    # No client can be further ahead of a peer than the peer is above the floor.
    ceiling = fastest["cpu"] / floor["floor"]
    bound = (
        f" (no client can be more than {ceiling:.2f}x ahead of it: that peer uses {ceiling:.2f}x "
        "the OpenSSL floor)"
        if ceiling < 2
        else ""
    )
    print(
        f"- C at least 2x less CPU than the fastest peer ({fastest['client']}): {ahead:.2f}x, "
        f"{verdict(ahead >= 2)}{bound}"
    )
    for ours, language in ((OURS[1], "PHP"), (OURS[2], "Python")):
        mine = by.get(ours)
        peer = next((t for t in peers if language in t["client"]), None)
        if mine is None:
            continue
        if peer is None:
            print(
                f"- {ours} ahead of a {language} peer: no {language} peer in this run "
                "(wechatpay-php is published on Packagist only; WECHATPAY_PHP_AUTOLOAD adds it)"
            )
        else:
            lead = peer["cpu"] / mine["cpu"]
            print(f"- {ours} ahead of {peer['client']}: {lead:.2f}x less CPU, {verdict(lead > 1)}")

    fpm = by.get(OURS[1] + PER_REQUEST)
    warm = by.get(OURS[1])
    if fpm is not None and warm is not None:
        cost = fpm["cpu"] / warm["cpu"]
        print(
            f"- PHP binding, a client per request, within 1.15x of its warm figure: {cost:.2f}x, "
            f"{verdict(cost <= 1.15)}"
        )
        peer_fpm = next(
            (t for t in table if "wechatpay-php" in t["client"] and t["client"].endswith(PER_REQUEST)),
            None,
        )
        if peer_fpm is None:
            print("- PHP binding, a client per request, 3x ahead of wechatpay-php's: no wechatpay-php in this run")
        else:
            lead = peer_fpm["cpu"] / fpm["cpu"]
            print(
                f"- PHP binding, a client per request, at least 3x less CPU than wechatpay-php's: "
                f"{lead:.2f}x, {verdict(lead >= 3)}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
