"""WeChat Pay's signing notifications, as a WSGI app: the raw body in, WeChat's answer out.

    WXPRESIGN_CONFIG=client.json python3 notify_wsgi.py      # wsgiref on 127.0.0.1:8000
    gunicorn notify_wsgi:app                                 # or any WSGI server

The library verifies the signature over the exact bytes received, decrypts the resource with the
APIv3 key, and says what to answer: 200 stops WeChat's retries, anything else asks for them.
"""

import http
import os
from typing import Any, Callable, Dict, Iterable, List, Tuple

import wxpresign

client = wxpresign.Client(os.environ.get("WXPRESIGN_CONFIG", "client.json"))


def handle(notification: wxpresign.Notification) -> None:
    """Your business logic. Make it idempotent: WeChat Pay may deliver a notification twice."""
    print(notification["event_type"], notification["resource"])


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
        print(f"notification refused: {e}")
        answer = e.answer or {"status": 500, "headers": {}, "body": ""}
    else:
        handle(notification)  # if this raises, the server answers 500 and WeChat Pay retries
        answer = notification["answer"]
    status = http.HTTPStatus(answer["status"])
    start_response(f"{status.value} {status.phrase}", list(answer["headers"].items()))
    return [answer["body"].encode("utf-8")]


if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    make_server("127.0.0.1", 8000, app).serve_forever()
