"""Every endpoint of the library's table, through its generated method and through call()."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

import wxpresign
from wxpresign._endpoints import PATHS

TABLE = wxpresign.endpoints()
PREFIX = "wxpresign_"


def method_name(endpoint: Dict[str, Any]) -> str:
    name: str = endpoint["c_function"]
    assert name.startswith(PREFIX)
    return name[len(PREFIX) :]


@pytest.mark.parametrize("endpoint", TABLE, ids=method_name)
def test_each_endpoint_answers_its_example_through_its_method(
    client: wxpresign.Client, endpoint: Dict[str, Any]
) -> None:
    answer = getattr(client, method_name(endpoint))(endpoint["example"])
    assert answer["status"] == 200
    assert answer["request_id"]
    assert set(answer["data"]) <= set(endpoint["answer"]) and answer["data"]


@pytest.mark.parametrize("endpoint", TABLE, ids=method_name)
def test_each_endpoint_answers_through_call_by_path(
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
        assert doc.startswith(endpoint["title"]) and f"POST /{endpoint['path']}" in doc


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
