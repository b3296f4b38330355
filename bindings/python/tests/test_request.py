"""Any APIv3 call through ``Client.request``, and ``Client.encrypt`` for its encrypted fields."""

from __future__ import annotations

import http.server
import json
import threading
from typing import Any, Dict, Iterator, List

import pytest

import wxpresign

from conftest import EDU, example


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records each request's method, target and body; answers as WeChat Pay does for a
    contract it does not have."""

    seen: List[Dict[str, Any]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.seen.append(
            {"method": self.command, "target": self.path, "body": self.rfile.read(length)}
        )
        body = json.dumps({"code": "RESOURCE_NOT_EXISTS", "message": "签约协议不存在"}).encode()
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def recorder(config: Dict[str, Any]) -> Iterator[wxpresign.Client]:
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    changed = dict(config, base_url=f"http://127.0.0.1:{server.server_address[1]}")
    try:
        with wxpresign.Client(changed) as client:
            yield client
    finally:
        server.shutdown()


def test_a_pre_sign_sent_as_any_call_is_verified(client: wxpresign.Client) -> None:
    answer = client.request("POST", "/" + EDU, json=example(EDU))
    assert answer["status"] == 200
    assert answer["data"]["presign_token"]
    assert answer["trace"]["attempts"][0]["outcome"] == "answered 200"


def test_the_query_is_percent_encoded_and_the_body_sent(recorder: wxpresign.Client) -> None:
    with pytest.raises(wxpresign.ApiError) as raised:
        recorder.request(
            "GET",
            "/v3/papay/sign/contracts/plan-id/123/out-contract-code/Ab12",
            query={"appid": "wxcbda96de0b165486", "remark": "a b&c", "limit": 10},
        )
    assert raised.value.http_status == 404
    assert raised.value.code == "RESOURCE_NOT_EXISTS"
    with pytest.raises(wxpresign.ApiError):
        recorder.request(
            "POST",
            "/v3/papay/sign/contracts/20200811000000000000000000000003/terminate",
            json={"contract_termination_remark": "用户解约"},
        )
    get, post = _Recorder.seen
    assert get["method"] == "GET"
    assert get["target"] == (
        "/v3/papay/sign/contracts/plan-id/123/out-contract-code/Ab12"
        "?appid=wxcbda96de0b165486&remark=a%20b%26c&limit=10"
    )
    assert get["body"] == b""
    assert post["method"] == "POST"
    assert json.loads(post["body"]) == {"contract_termination_remark": "用户解约"}


@pytest.mark.parametrize(
    "method,path,says",
    [
        ("GET", "/v2/papay/querycontract", "must start with /v3/"),
        ("GET", "/v3/papay/contracts\r\nX: 1", "a line break"),
        ("GET", "/v3/papay/../certificates", ".. segment"),
        ("FETCH", "/v3/papay/contracts", "GET, POST, PUT, PATCH or DELETE"),
    ],
)
def test_bad_paths_are_refused_before_anything_is_sent(
    recorder: wxpresign.Client, method: str, path: str, says: str
) -> None:
    with pytest.raises(wxpresign.ArgumentError, match=says.replace(".", r"\.")):
        recorder.request(method, path)
    assert _Recorder.seen == []


def test_a_get_takes_no_body_and_query_values_are_str_or_int(client: wxpresign.Client) -> None:
    with pytest.raises(wxpresign.ArgumentError, match="a GET has no body"):
        client.request("GET", "/v3/papay/contracts", json={"a": 1})
    with pytest.raises(wxpresign.ArgumentError, match=r"query\['plan_id'\]"):
        client.request("GET", "/v3/papay/contracts", query={"plan_id": [1, 2]})


def test_encrypt_names_the_serial_requests_send(client: wxpresign.Client, config: Dict[str, Any]) -> None:
    first = client.encrypt("张三")
    second = client.encrypt("张三")
    assert first["serial"] == config["wechatpay_public_key_id"]
    assert first["ciphertext"] != second["ciphertext"]
    with pytest.raises(wxpresign.ArgumentError):
        client.encrypt(3)  # type: ignore[arg-type]


def test_a_public_key_merchant_has_no_platform_certificates(client: wxpresign.Client) -> None:
    with pytest.raises(wxpresign.ApiError) as raised:
        client.download_platform_certificates()
    assert raised.value.http_status == 404
    assert client.edu_papay(example(EDU))["status"] == 200, "the client still works"
