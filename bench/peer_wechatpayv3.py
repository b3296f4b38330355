#!/usr/bin/env python3
"""The same calls through the wechatpayv3 SDK (PyPI), for bench/compare:

    PYTHONPATH=PEER_DIR python3 bench/peer_wechatpayv3.py CLIENT_JSON CALLS

Public-key mode with the sandbox's keys. wechatpayv3 has no base-URL option, so the gateway
attribute of its core is set to the sandbox here, at run time. Its request() signs, sends with
requests and verifies the answer's signature (and raises when it does not verify).
"""

import json
import resource
import sys
import time

from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.type import RequestType

PATH = "/v3/edu-papay/contracts/presign"
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
    with open(sys.argv[1], encoding="utf-8") as f:
        config = json.load(f)
    calls = int(sys.argv[2])
    wxpay = WeChatPay(
        wechatpay_type=WeChatPayType.JSAPI,
        mchid=config["mchid"],
        private_key=config["merchant_private_key"],
        cert_serial_no=config["merchant_serial_no"],
        apiv3_key=config["apiv3_key"],
        appid="wx8888888888888888",
        public_key=config["wechatpay_public_key"],
        public_key_id=config["wechatpay_public_key_id"],
    )
    wxpay._core._gate_way = config["base_url"].rstrip("/")  # no option for it

    def call() -> None:
        code, message = wxpay._core.request(PATH, method=RequestType.POST, data=REQUEST)
        if code != 200 or "presign_token" not in json.loads(message):
            raise RuntimeError(f"unexpected answer: {code} {message}")

    call()
    cpu, wall = cpu_seconds(), time.perf_counter()
    for _ in range(calls):
        call()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    print(json.dumps({"calls": calls, "cpu_s": cpu, "wall_s": wall}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
