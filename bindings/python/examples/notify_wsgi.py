"""WeChat Pay's signing notifications, as a WSGI app: the raw body in, WeChat's answer out.

    WXPRESIGN_CONFIG=client.json python3 notify_wsgi.py [PORT]   # wsgiref on 127.0.0.1:8000
    gunicorn notify_wsgi:app                                     # or any WSGI server

The library verifies the signature over the exact bytes received (a WECHATPAY/SIGNTEST/ probe
fails, as it must), refuses a timestamp 5 minutes or more off, decrypts the resource with the
APIv3 key, and says what to answer: 2xx stops WeChat's retries, anything else asks for them.
Test it with `wxpresign notify-test http://127.0.0.1:8000/ --sandbox DIR` (docs/notifications.md).
"""

import http
import json
import os
from typing import Any, Callable, Dict, Iterable, List, Tuple

import wxpresign

client = wxpresign.Client(os.environ.get("WXPRESIGN_CONFIG", "client.json"))


def handle(notification: wxpresign.Notification) -> None:
    """Your business logic. Make it idempotent, keyed on the notification's id (or the contract
    and event type): WeChat Pay delivers a notification again until answered 2xx, so the same
    one can arrive twice, and must be answered 2xx again without acting twice."""
    print(notification["event_type"], notification["id"], notification["seen_before"])


#: The answer when handle() fails: WeChat Pay retries later, as for a refused notification.
RETRY_LATER: wxpresign.Answer = {
    "status": 500,
    "headers": {"Content-Type": "application/json"},
    "body": json.dumps({"code": "FAIL", "message": "失败"}, ensure_ascii=False),
}


def app(
    environ: Dict[str, Any],
    start_response: Callable[[str, List[Tuple[str, str]]], Any],
) -> Iterable[bytes]:
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    # WSGI names Wechatpay-Signature HTTP_WECHATPAY_SIGNATURE; the library ignores name case.
    headers = {k[5:].replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")}
    try:
        notification = client.parse_notification(headers, body)
    except wxpresign.Error as e:
        # Forged, replayed, altered or a probe: not acted on. e.answer is what to send back
        # (4xx or 5xx with {"code":"FAIL",...}); the details are in e, for your logs.
        print(f"notification refused: {e}")
        answer = e.answer or RETRY_LATER
    else:
        try:
            handle(notification)
            answer = notification["answer"]
        except Exception as e:  # noqa: BLE001 - any failure of yours: WeChat Pay retries
            print(f"notification {notification['id']} not handled: {e!r}")
            answer = RETRY_LATER
    status = http.HTTPStatus(answer["status"])
    start_response(f"{status.value} {status.phrase}", list(answer["headers"].items()))
    return [answer["body"].encode("utf-8")]


if __name__ == "__main__":
    import sys
    from wsgiref.simple_server import make_server

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    make_server("127.0.0.1", port, app).serve_forever()
