"""Bad input raises a clear exception (never a crash), before anything reaches the C library
when C could not carry it."""

from __future__ import annotations

import json
import math
import types
from pathlib import Path
from typing import Any, Dict

import pytest

import wxpresign
from conftest import EDU, example


def argument_error(function: Any, *args: Any) -> wxpresign.ArgumentError:
    with pytest.raises(wxpresign.ArgumentError) as raised:
        function(*args)
    assert raised.value.status == 1 and not raised.value.may_have_reached_server
    return raised.value


# --- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize("config", [None, 42, b"{}", ["mchid"]], ids=repr)
def test_a_config_of_the_wrong_type_is_an_argument_error(config: Any) -> None:
    e = argument_error(wxpresign.Client, config)
    assert type(config).__name__ in str(e)


def test_a_missing_config_file_is_a_config_error_not_repeating_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(wxpresign.ConfigError) as raised:
        wxpresign.Client(missing)
    assert "cannot read" in str(raised.value) and "nope.json" not in str(raised.value)


def test_a_config_file_that_is_not_json_is_a_config_error_with_its_position(
    tmp_path: Path, config: Dict[str, Any]
) -> None:
    broken = tmp_path / "client.json"
    broken.write_text(json.dumps(config)[:-1], encoding="utf-8")
    with pytest.raises(wxpresign.ConfigError) as raised:
        wxpresign.Client(str(broken))
    text = str(raised.value)
    assert str(broken) not in text and "line 1" in text
    assert config["merchant_private_key"][40:80] not in text


def test_a_config_file_holding_a_list_is_a_config_error(tmp_path: Path) -> None:
    listed = tmp_path / "client.json"
    listed.write_text("[]", encoding="utf-8")
    with pytest.raises(wxpresign.ConfigError, match="JSON object"):
        wxpresign.Client(listed)


def test_a_config_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    latin = tmp_path / "client.json"
    latin.write_bytes(b'{"mchid": "\xe9"}')
    with pytest.raises(wxpresign.ConfigError, match="UTF-8"):
        wxpresign.Client(latin)


def test_config_json_text_is_accepted(config: Dict[str, Any]) -> None:
    with wxpresign.Client(json.dumps(config)) as client:
        assert client.edu_papay(example(EDU))["status"] == 200


def test_config_json_text_with_a_nul_is_an_argument_error(config: Dict[str, Any]) -> None:
    argument_error(wxpresign.Client, json.dumps(config) + "\0")


def test_a_config_path_with_a_nul_is_an_argument_error() -> None:
    argument_error(wxpresign.Client, "client\0.json")


def test_a_config_value_json_refuses_is_an_argument_error(config: Dict[str, Any]) -> None:
    e = argument_error(wxpresign.Client, dict(config, timeout_ms={1, 2}))
    assert "set" in str(e)


def test_a_config_with_a_lone_surrogate_is_an_argument_error(config: Dict[str, Any]) -> None:
    e = argument_error(wxpresign.Client, dict(config, user_agent="\ud800"))
    assert "U+D800" in str(e)


def test_a_config_value_of_the_wrong_json_type_is_a_config_error(
    config: Dict[str, Any],
) -> None:
    with pytest.raises(wxpresign.ConfigError):
        wxpresign.Client(dict(config, timeout_ms="soon"))


# --- path and request --------------------------------------------------------------------------


@pytest.mark.parametrize("path", [None, 7, b"v3/edu-papay/contracts/presign"], ids=repr)
def test_a_path_that_is_not_a_str_is_an_argument_error(client: wxpresign.Client, path: Any) -> None:
    argument_error(client.call, path, example(EDU))


def test_a_path_with_a_nul_is_an_argument_error(client: wxpresign.Client) -> None:
    e = argument_error(client.call, EDU + "\0/x", example(EDU))
    assert "NUL" in str(e)


def test_a_path_with_a_lone_surrogate_is_an_argument_error(client: wxpresign.Client) -> None:
    argument_error(client.call, EDU + "\udc80", example(EDU))


@pytest.mark.parametrize("request_", [None, 3, ["user_id"], 2.5], ids=repr)
def test_a_request_of_the_wrong_type_is_an_argument_error(
    client: wxpresign.Client, request_: Any
) -> None:
    e = argument_error(client.edu_papay, request_)
    assert type(request_).__name__ in str(e)


@pytest.mark.parametrize(
    "value", [{1, 2}, object(), math.nan, math.inf, b"bytes"], ids=lambda v: type(v).__name__
)
def test_a_request_json_dumps_refuses_is_an_argument_error(
    client: wxpresign.Client, value: Any
) -> None:
    argument_error(client.edu_papay, dict(example(EDU), user_id=value))


def test_a_circular_request_is_an_argument_error(client: wxpresign.Client) -> None:
    request: Dict[str, Any] = example(EDU)
    request["self"] = request
    argument_error(client.edu_papay, request)


def test_a_request_with_a_lone_surrogate_is_an_argument_error(
    client: wxpresign.Client,
) -> None:
    e = argument_error(client.edu_papay, dict(example(EDU), user_id="tony\ud83d"))
    assert "U+D83D" in str(e)


def test_a_nul_inside_a_request_value_travels_escaped_and_the_library_judges_it(
    client: wxpresign.Client,
) -> None:
    # json.dumps writes \u0000, so the C string has no NUL; the schema decides.
    try:
        client.edu_papay(dict(example(EDU), user_id="to\0ny"))
    except wxpresign.Error as e:
        assert isinstance(e, (wxpresign.ValidationError, wxpresign.ApiError))


def test_json_text_with_a_nul_is_an_argument_error(client: wxpresign.Client) -> None:
    e = argument_error(client.edu_papay, json.dumps(example(EDU)) + "\0")
    assert "NUL" in str(e)


def test_json_bytes_that_are_not_utf8_are_an_argument_error(client: wxpresign.Client) -> None:
    text = json.dumps(dict(example(EDU), user_id="\u00e9"), ensure_ascii=False)
    e = argument_error(client.edu_papay, text.encode("latin-1"))
    assert "UTF-8" in str(e)


def test_json_text_that_does_not_parse_is_an_argument_error(client: wxpresign.Client) -> None:
    argument_error(client.edu_papay, "{")


def test_mappings_other_than_dict_are_requests(client: wxpresign.Client) -> None:
    request = types.MappingProxyType(example(EDU))
    assert client.edu_papay(request)["status"] == 200


# --- lifecycle -------------------------------------------------------------------------------


def test_a_closed_client_refuses_calls_and_closes_twice(config_path: Path) -> None:
    client = wxpresign.Client(config_path)
    client.close()
    client.close()
    assert client.closed and "closed" in repr(client)
    argument_error(client.edu_papay, example(EDU))


def test_leaving_a_with_block_closes_the_client(config_path: Path) -> None:
    with wxpresign.Client(config_path) as client:
        assert not client.closed
    assert client.closed


def test_a_client_is_freed_when_collected(config_path: Path) -> None:
    import gc
    import weakref

    client = wxpresign.Client(config_path)
    ref = weakref.ref(client)
    del client
    gc.collect()
    assert ref() is None


def test_the_repr_of_a_client_shows_no_configuration(config: Dict[str, Any]) -> None:
    with wxpresign.Client(config) as client:
        assert config["mchid"] not in repr(client)
