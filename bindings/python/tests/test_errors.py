"""Each status kind raises its exception class, with the members of the error JSON."""

from __future__ import annotations

import pickle
import re
from typing import Any, Dict

import pytest

import wxpresign
from conftest import EDU, REPOSITORY, example

PARTNER_JSAPI = "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi"


def test_the_exception_classes_match_the_header_statuses() -> None:
    header = (REPOSITORY / "include" / "wxpresign.h").read_text(encoding="utf-8")
    statuses = {
        name.lower(): int(value)
        for name, value in re.findall(r"WXPRESIGN_ERR_(\w+) = (\d+)", header)
    }
    # LibraryError comes from no status: the library could not be loaded at all.
    subclasses = [c for c in wxpresign.Error.__subclasses__() if c is not wxpresign.LibraryError]
    classes = {c.KIND: c.STATUS for c in subclasses}
    assert classes == statuses


def test_a_schema_violation_raises_validation_error_with_its_json_pointer(
    client: wxpresign.Client,
) -> None:
    request = example(PARTNER_JSAPI)
    request["deduct_schedule"]["estimated_deduct_amount"]["total"] = -5
    with pytest.raises(wxpresign.ValidationError) as raised:
        client.papay_scheduled_deduct_sign_partner_jsapi(request)
    e = raised.value
    assert e.field == "/deduct_schedule/estimated_deduct_amount/total"
    assert (e.kind, e.status, e.retryable, e.may_have_reached_server) == (
        "validation",
        3,
        False,
        False,
    )
    assert e.issue and e.issue in str(e) and e.field in str(e)
    assert e.error["field"] == e.field


def test_a_wechat_system_error_raises_api_error_with_code_and_http_status(
    client: wxpresign.Client,
) -> None:
    request = example(EDU)
    request["user_id"] = "SANDBOXSYSTEMERROR"
    with pytest.raises(wxpresign.ApiError) as raised:
        client.edu_papay(request)
    e = raised.value
    assert (e.status, e.http_status, e.code) == (5, 500, "SYSTEM_ERROR")
    assert e.retryable and e.may_have_reached_server
    assert e.request_id and e.request_id in str(e)
    assert "SYSTEM_ERROR" in str(e) and "api" in str(e)


def test_a_wrongly_signed_answer_raises_verify_error(client: wxpresign.Client) -> None:
    request = example(PARTNER_JSAPI)
    request["out_contract_code"] = "SANDBOXBADSIGNATURE"
    with pytest.raises(wxpresign.VerifyError) as raised:
        client.papay_scheduled_deduct_sign_partner_jsapi(request)
    e = raised.value
    assert (e.kind, e.status) == ("verify", 6)
    assert e.may_have_reached_server and not e.retryable
    assert e.probe is False


def test_a_probe_answer_raises_verify_error_flagged_as_a_probe(client: wxpresign.Client) -> None:
    request = example(PARTNER_JSAPI)
    request["out_contract_code"] = "SANDBOXPROBE"
    with pytest.raises(wxpresign.VerifyError) as raised:
        client.papay_scheduled_deduct_sign_partner_jsapi(request)
    assert raised.value.probe is True


def unreachable(config: Dict[str, Any], **changes: Any) -> Dict[str, Any]:
    """``config`` with every host a closed port on loopback, and ``changes``."""
    return dict(
        config,
        base_url="http://127.0.0.1:1",
        global_base_url="http://127.0.0.1:1",
        connect_timeout_ms=2000,
        timeout_ms=2000,
        **changes,
    )


def test_a_refused_connection_raises_transport_error_that_never_reached_the_server(
    config: Dict[str, Any],
) -> None:
    with wxpresign.Client(unreachable(config)) as client:
        with pytest.raises(wxpresign.TransportError) as raised:
            client.edu_papay(example(EDU))
    e = raised.value
    assert (e.kind, e.status) == ("transport", 4)
    assert e.may_have_reached_server is False and e.retryable


def test_a_certificate_download_that_fails_before_the_first_call_is_its_cause(
    config: Dict[str, Any],
) -> None:
    # No WeChat Pay key yet: the platform certificates are downloaded before the first call.
    keyless = {k: v for k, v in config.items() if not k.startswith("wechatpay_public_key")}
    with wxpresign.Client(unreachable(keyless, download_platform_certificates=True)) as client:
        with pytest.raises(wxpresign.TransportError) as raised:
            client.edu_papay(example(EDU))
    e = raised.value
    assert e.may_have_reached_server is False
    assert e.cause is not None and e.cause["kind"] == "transport"
    assert "127.0.0.1:1" in e.cause["message"]


def test_a_configuration_without_mchid_raises_config_error(config: Dict[str, Any]) -> None:
    incomplete = {k: v for k, v in config.items() if k != "mchid"}
    with pytest.raises(wxpresign.ConfigError) as raised:
        wxpresign.Client(incomplete)
    assert raised.value.status == 2 and "mchid" in str(raised.value)


def test_error_text_never_shows_key_material(config: Dict[str, Any]) -> None:
    key = config["merchant_private_key"]
    body = key.splitlines()[1]
    broken = dict(config, merchant_private_key=key.replace(body, body[::-1]))
    with pytest.raises(wxpresign.ConfigError) as raised:
        wxpresign.Client(broken)
    for text in (str(raised.value), repr(raised.value), repr(raised.value.error)):
        assert body[::-1] not in text and body not in text
        assert config["apiv3_key"] not in text


def test_errors_survive_pickling(client: wxpresign.Client) -> None:
    request = example(EDU)
    request["user_id"] = "SANDBOXSYSTEMERROR"
    with pytest.raises(wxpresign.ApiError) as raised:
        client.edu_papay(request)
    copy = pickle.loads(pickle.dumps(raised.value))
    assert type(copy) is wxpresign.ApiError
    assert (copy.code, copy.status, str(copy)) == ("SYSTEM_ERROR", 5, str(raised.value))


def test_every_error_is_a_wxpresign_error() -> None:
    for cls in wxpresign.Error.__subclasses__():
        assert issubclass(cls, wxpresign.Error) and issubclass(cls, Exception)
        assert cls.__name__ == cls.KIND.capitalize() + "Error"
