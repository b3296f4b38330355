"""A configuration the library refuses: its error names the problem, never the value given."""

from __future__ import annotations

from typing import List

import pytest

import wxpresign

APIV3_KEY = "Zx8q1W2e3R4t5Y6u7I8o9P0aSdFgHjKl"
PEM_BODY = (
    "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC4x9ikDfW0pfub6d3Q6d7c9d/WOOJtctfh"
)


def runs_of_eight(secret: str) -> List[str]:
    return [secret[i : i + 8] for i in range(len(secret) - 7)]


@pytest.mark.parametrize(
    "given",
    [APIV3_KEY, APIV3_KEY + " ", PEM_BODY, "-----BEGIN PRIVATE KEY-----" + PEM_BODY],
    ids=["apiv3 key", "apiv3 key and a space", "pem body", "pem on one line"],
)
def test_a_config_string_that_is_neither_json_nor_a_file_is_not_echoed(given: str) -> None:
    with pytest.raises(wxpresign.ConfigError) as raised:
        wxpresign.Client(given)
    shown = f"{raised.value} {raised.value!r} {raised.value.args}"
    for run in runs_of_eight(given.strip()):
        assert run not in shown, shown
