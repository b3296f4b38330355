"""Notifications end to end: the sandbox signs a session and posts its notification to the WSGI
example (examples/notify_wsgi.py) served on a loopback port; the example parses it."""

from __future__ import annotations

import importlib.util
import io
import json
import threading
import time
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, Iterator, List, Tuple
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

import wxpresign
from conftest import EDU, PYTHON_DIR, example

Received = Tuple[Dict[str, str], bytes, Dict[str, Any]]


class Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def notify_app(config_path: Path) -> Iterator[ModuleType]:
    """examples/notify_wsgi.py, configured for the sandbox, with handle() recording."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WXPRESIGN_CONFIG", str(config_path))
        spec = importlib.util.spec_from_file_location(
            "notify_wsgi", PYTHON_DIR / "examples" / "notify_wsgi.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    yield module
    module.client.close()


@pytest.fixture(scope="module")
def delivered(notify_app: ModuleType, config: Dict[str, Any]) -> List[Received]:
    """Signs an edu session in the sandbox; returns what the example received and parsed."""
    received: List[Received] = []
    seen = threading.Event()
    app = notify_app.app

    def recording_app(environ: Dict[str, Any], start_response: Any) -> Any:
        # Keep the raw request for the tests below, then let the example answer.
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {k[5:].replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")}
        environ["wsgi.input"] = io.BytesIO(body)
        parsed: List[Any] = []
        notify_app.handle = parsed.append  # type: ignore[attr-defined]
        answer = app(environ, start_response)
        received.append((headers, body, parsed[0] if parsed else {}))
        seen.set()
        return answer

    server = make_server("127.0.0.1", 0, recording_app, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with wxpresign.Client(config) as client:
            token = client.edu_papay(example(EDU))["data"]["presign_token"]
        notify_url = f"http://127.0.0.1:{server.server_port}/notify"
        sign = urllib.request.Request(
            f"{config['base_url']}/sandbox/sessions/{token}/sign",
            data=json.dumps({"notify_url": notify_url}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(sign, timeout=10) as answer:
            assert answer.status == 202
        assert seen.wait(15), "the sandbox did not deliver the notification"
        # The sandbox records the delivery once our 200 reached it.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with urllib.request.urlopen(
                f"{config['base_url']}/sandbox/sessions/{token}", timeout=10
            ) as answer:
                state = json.load(answer)["notification"]["state"]
            if state != "pending":
                break
            time.sleep(0.05)
        assert state == "delivered"
    finally:
        server.shutdown()
        server.server_close()
    return received


def test_the_wsgi_example_parses_the_sandbox_notification_and_answers_200(
    delivered: List[Received],
) -> None:
    _, _, notification = delivered[0]
    assert notification["event_type"] == "ENTRUST.SIGNING"
    assert notification["resource"]["plan_id"] == example(EDU)["plan_id"]
    assert notification["answer"] == {"status": 200, "headers": {}, "body": ""}
    assert {"id", "create_time", "resource_type", "summary"} <= set(notification)


def test_parse_notification_takes_header_names_in_any_case(
    client: wxpresign.Client, delivered: List[Received]
) -> None:
    headers, body, _ = delivered[0]
    lower = {k.lower(): v for k, v in headers.items()}
    assert client.parse_notification(lower, body)["event_type"] == "ENTRUST.SIGNING"


def test_a_notification_parsed_again_is_marked_seen_before(
    config_path: Path, delivered: List[Received]
) -> None:
    headers, body, _ = delivered[0]
    with wxpresign.Client(config_path) as fresh:
        first = fresh.parse_notification(headers, body)
        again = fresh.parse_notification(headers, body)
    assert (first["seen_before"], again["seen_before"]) == (False, True)
    assert again["answer"]["status"] == 200


class PairHeaders:
    """Headers as werkzeug keeps them: items() yields pairs, a name may repeat; no Mapping."""

    def __init__(self, pairs: List[Tuple[str, str]]) -> None:
        self.pairs = pairs

    def items(self) -> List[Tuple[str, str]]:
        return self.pairs


def test_headers_may_be_any_object_with_items(
    client: wxpresign.Client, delivered: List[Received]
) -> None:
    headers, body, _ = delivered[0]
    pairs = PairHeaders(list(headers.items()))
    assert client.parse_notification(pairs, body)["event_type"] == "ENTRUST.SIGNING"  # type: ignore[arg-type]


def test_a_signature_header_given_twice_is_refused(
    client: wxpresign.Client, delivered: List[Received]
) -> None:
    headers, body, _ = delivered[0]
    name = next(k for k in headers if k.lower() == "wechatpay-signature")
    pairs = PairHeaders(list(headers.items()) + [(name, headers[name])])
    with pytest.raises(wxpresign.VerifyError, match="more than once"):
        client.parse_notification(pairs, body)  # type: ignore[arg-type]


def test_a_tampered_notification_raises_verify_error_with_a_401_answer(
    client: wxpresign.Client, delivered: List[Received]
) -> None:
    headers, body, _ = delivered[0]
    tampered = body[:-1] + b" " + body[-1:]
    with pytest.raises(wxpresign.VerifyError) as raised:
        client.parse_notification(headers, tampered)
    answer = raised.value.answer
    assert answer is not None and answer["status"] == 401
    assert answer["headers"] == {"Content-Type": "application/json"}
    assert json.loads(answer["body"])["code"] == "FAIL"


def test_a_notification_without_its_signature_is_refused_with_an_answer(
    client: wxpresign.Client, delivered: List[Received]
) -> None:
    headers, body, _ = delivered[0]
    unsigned = {k: v for k, v in headers.items() if k.lower() != "wechatpay-signature"}
    with pytest.raises(wxpresign.Error) as raised:
        client.parse_notification(unsigned, body)
    assert raised.value.answer is not None and raised.value.answer["status"] in (400, 401)


def test_the_wsgi_example_answers_a_forged_notification_with_401(
    notify_app: ModuleType, delivered: List[Received]
) -> None:
    headers, body, _ = delivered[0]
    environ: Dict[str, Any] = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    environ.update({"CONTENT_LENGTH": str(len(body) + 1), "wsgi.input": io.BytesIO(body + b" ")})
    statuses: List[str] = []
    chunks = notify_app.app(environ, lambda status, headers: statuses.append(status))
    assert statuses == ["401 Unauthorized"]
    assert json.loads(b"".join(chunks))["code"] == "FAIL"


@pytest.mark.parametrize(
    "headers, body",
    [
        (None, b"{}"),
        ({"Wechatpay-Nonce": 5}, b"{}"),
        ({5: "x"}, b"{}"),
        ({"Wechatpay-Nonce": "\udc00"}, b"{}"),
        ({}, "{}"),
        ({}, None),
    ],
    ids=["no-headers", "int-value", "int-name", "lone-surrogate", "str-body", "no-body"],
)
def test_bad_notification_arguments_are_argument_errors(
    client: wxpresign.Client, headers: Any, body: Any
) -> None:
    with pytest.raises(wxpresign.ArgumentError) as raised:
        client.parse_notification(headers, body)
    # Even a mistake of the handler's own has the answer to send: 500 with WeChat Pay's failure
    # body, so that WeChat Pay retries once the handler is fixed.
    answer = raised.value.answer
    assert answer is not None and answer["status"] == 500
    assert json.loads(answer["body"])["code"] == "FAIL"


def test_a_body_that_is_not_utf8_is_refused_with_an_answer(
    client: wxpresign.Client, delivered: List[Received]
) -> None:
    headers, _, _ = delivered[0]
    with pytest.raises(wxpresign.Error) as raised:
        client.parse_notification(headers, b"\xff\xfe{}")
    assert raised.value.answer is not None and raised.value.answer["status"] in (400, 401)


def another_merchant(config: Dict[str, Any]) -> wxpresign.Client:
    """A client whose WeChat Pay key is another merchant's (the official pages' example key)."""
    data = PYTHON_DIR.parent.parent / "tests" / "data"
    (pem,) = data.glob("official_doc_wechatpay_public_key_PUB_KEY_ID_*.pem")
    key_id = pem.stem.split("public_key_", 1)[1]
    other = dict(config, wechatpay_public_key_id=key_id, wechatpay_public_key=pem.read_text())
    return wxpresign.Client(other)


def test_one_notify_url_for_many_merchants_picks_the_client_by_serial(
    client: wxpresign.Client, config: Dict[str, Any], delivered: List[Received]
) -> None:
    headers, body, _ = delivered[0]
    with another_merchant(config) as other:
        parsed = wxpresign.parse_notification([other, client], headers, body)
        assert parsed["client"] == 1
        assert parsed["mchid"] == str(config["mchid"])
        assert parsed["answer"]["status"] == 200
        with pytest.raises(wxpresign.VerifyError) as raised:
            wxpresign.parse_notification([other], headers, body)
    answer = raised.value.answer
    assert answer is not None and answer["status"] == 401
    with pytest.raises(wxpresign.ArgumentError):
        wxpresign.parse_notification([], headers, body)
