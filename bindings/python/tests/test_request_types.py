"""wxpresign.requests: a TypedDict per endpoint whose keys are the table's members."""

from __future__ import annotations

from typing import Any, Dict, List

import wxpresign
import wxpresign.requests
from wxpresign._endpoints import PATHS


def test_each_endpoint_has_a_request_type_with_the_tables_members(
    table: List[Dict[str, Any]],
) -> None:
    by_path = {e["path"]: e for e in table}
    for method, path in PATHS.items():
        name = "".join(p[:1].upper() + p[1:] for p in method.split("_")) + "Request"
        cls = getattr(wxpresign.requests, name)
        endpoint = by_path[path]
        fields = endpoint["path_params"] + endpoint["query"] + endpoint["request"]
        assert set(cls.__required_keys__) == {f["name"] for f in fields if f["required"]}, path
        assert set(cls.__optional_keys__) == {f["name"] for f in fields if not f["required"]}, path
        annotation = getattr(wxpresign.Client, method).__annotations__["request"]
        assert name in str(annotation), (method, annotation)


def test_a_typed_request_is_sent_as_any_mapping(client: wxpresign.Client) -> None:
    request: wxpresign.requests.EduPapayRequest = {
        "appid": "wx8888888888888888",
        "openid": "oUpF8uMuAJOM2pxb1Q",
        "plan_id": "101164396123311331",
        "user_id": "20200330tony",
        "period_start_date": "2026-12-19",
        "trade_scene": "EDUCATION_PERIOD",
    }
    assert client.edu_papay(request)["status"] == 200
