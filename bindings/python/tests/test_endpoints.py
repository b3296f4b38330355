"""Every endpoint of the library's table, through its generated method and through call(): the
pre-signs answered by the sandbox, and a call on a contract seen in the sandbox's record."""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Dict, List

import pytest

import wxpresign
from conftest import example
from wxpresign._endpoints import PATHS

TABLE = wxpresign.endpoints()
#: The sandbox answers the pre-signs; it does not run the calls on a contract yet.
PRESIGNS = [e for e in TABLE if e["stage"] == "presign"]
PREFIX = "wxpresign_"


def method_name(endpoint: Dict[str, Any]) -> str:
    name: str = endpoint["c_function"]
    assert name.startswith(PREFIX)
    return name[len(PREFIX) :]


@pytest.mark.parametrize("endpoint", PRESIGNS, ids=method_name)
def test_each_presign_answers_its_example_through_its_method(
    client: wxpresign.Client, endpoint: Dict[str, Any]
) -> None:
    answer = getattr(client, method_name(endpoint))(endpoint["example"])
    assert answer["status"] == 200
    assert answer["request_id"]
    assert set(answer["data"]) <= set(endpoint["answer"]) and answer["data"]


@pytest.mark.parametrize("endpoint", PRESIGNS, ids=method_name)
def test_each_presign_answers_through_call_by_path(
    client: wxpresign.Client, endpoint: Dict[str, Any]
) -> None:
    answer = client.call(endpoint["path"], endpoint["example"])
    assert answer["status"] == 200 and answer["data"]


def test_the_generated_module_has_one_method_per_endpoint_of_the_table(
    table: List[Dict[str, Any]],
) -> None:
    assert PATHS == {method_name(e): e["path"] for e in table}


def test_a_method_docstring_gives_the_title_and_path(table: List[Dict[str, Any]]) -> None:
    for endpoint in table:
        doc = getattr(wxpresign.Client, method_name(endpoint)).__doc__
        line = f"{endpoint['method']} /{endpoint['path']}"
        assert doc.startswith(endpoint["title"]) and line in doc


def sandbox_targets(config: Dict[str, Any]) -> List[Any]:
    """Every (method, target) the sandbox's record holds."""
    after = None
    targets = []
    while True:
        page_url = f"{config['base_url']}/sandbox/requests?limit=1000"
        if after is not None:
            page_url += f"&after={after}"
        with urllib.request.urlopen(page_url, timeout=10) as answer:
            page = json.load(answer)
        targets += [(r["method"], r["target"]) for r in page["requests"]]
        after = page["next_after"]
        if after is None:
            break
    return targets


def test_a_call_on_a_contract_puts_its_path_parameter_in_the_path(
    client: wxpresign.Client, config: Dict[str, Any]
) -> None:
    # The sandbox answers 404 for now; its record shows what arrived on the wire.
    with pytest.raises(wxpresign.ApiError) as raised:
        client.papay_pay_schedules_contract_id_schedule(
            {
                "contract_id": "Wx 15 py",
                "appid": "wxd678efh567hg6787",
                "schedule_amount": {"total": 100, "currency": "CNY"},
            }
        )
    assert raised.value.http_status == 404
    targets = sandbox_targets(config)
    assert ("POST", "/v3/papay/pay/schedules/contract-id/Wx%2015%20py/schedule") in targets


def test_an_insurance_period_query_puts_its_integer_period_in_the_path(
    client: wxpresign.Client, config: Dict[str, Any]
) -> None:
    # The sandbox answers 404 for now; its record shows what arrived on the wire.
    with pytest.raises(wxpresign.ApiError) as raised:
        client.papay_insurance_pay_policy_periods_contract_id_policy_period_id_get(
            {"contract_id": "py-insurance-1", "policy_period_id": 7}
        )
    assert raised.value.http_status == 404
    assert (
        "GET",
        "/v3/papay/insurance-pay/policy-periods/contract-id/py-insurance-1/policy-period-id/7",
    ) in sandbox_targets(config)


def test_an_insurance_period_given_as_text_is_refused_naming_it(client: wxpresign.Client) -> None:
    as_text: Dict[str, Any] = {"contract_id": "1231", "policy_period_id": "7"}
    with pytest.raises(wxpresign.ValidationError) as raised:
        client.papay_insurance_pay_policy_periods_contract_id_policy_period_id_get(as_text)
    assert raised.value.field == "/policy_period_id"


def test_a_path_parameter_that_could_change_the_path_is_refused_before_sending(
    client: wxpresign.Client,
) -> None:
    with pytest.raises(wxpresign.ValidationError) as raised:
        client.papay_notify({"contract_id": "../x", "mchid": "1", "appid": "wx", "estimated_amount": {"amount": 1}})
    assert raised.value.field == "/contract_id"


def test_a_leading_slash_in_the_path_is_accepted(client: wxpresign.Client) -> None:
    edu = next(e for e in TABLE if e["path"] == "v3/edu-papay/contracts/presign")
    assert client.call("/" + edu["path"], edu["example"])["status"] == 200


def test_json_text_requests_are_sent_as_given(client: wxpresign.Client) -> None:
    edu = next(e for e in TABLE if e["path"] == "v3/edu-papay/contracts/presign")
    text = json.dumps(edu["example"], ensure_ascii=False)
    assert client.call(edu["path"], text)["status"] == 200
    assert client.call(edu["path"], text.encode("utf-8"))["status"] == 200


def test_an_unknown_path_is_an_argument_error(client: wxpresign.Client) -> None:
    with pytest.raises(wxpresign.ArgumentError) as raised:
        client.call("v3/no/such/endpoint", {})
    assert raised.value.status == 1 and "v3/no/such/endpoint" in raised.value.message


def test_version_is_the_library_version() -> None:
    assert wxpresign.version().count(".") == 2


def test_the_package_version_follows_the_library_version() -> None:
    assert wxpresign.__version__ == wxpresign.version()


def test_a_combined_deduction_of_51_sub_orders_is_refused_naming_sub_orders(
    client: wxpresign.Client,
) -> None:
    # "最多支持子单条数:50" (https://pay.weixin.qq.com/doc/v3/partner/4012884121).
    request = example("v3/ecommerce/combine-papay/transactions")
    request["sub_orders"] = request["sub_orders"] * 51
    with pytest.raises(wxpresign.ValidationError) as raised:
        client.ecommerce_combine_papay_transactions(request)
    assert raised.value.field == "/sub_orders" and "at most 50 items" in raised.value.message
