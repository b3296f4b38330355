"""One e-commerce contract's life after signing, through the Python binding's request():
query it by plan and contract code, terminate it, query it again, and query one that is not
there.

    python3 lifecycle.py CONFIG.json OUT_CONTRACT_CODE     (WXPRESIGN_LIBRARY names the library)
"""

import sys

import wxpresign

config, code = sys.argv[1:3]
path = f"/v3/ecommerce/combine-papay/contracts/plan-id/12535/out-contract-code/{code}"


def check(ok: bool, what: str) -> None:
    print(("ok " if ok else "FAILED ") + what)
    if not ok:
        sys.exit(1)


with wxpresign.Client(config) as client:
    check(client.request("GET", path)["data"]["contract_state"] == "SIGNED", "signed")
    terminated = client.request(
        "POST", path + "/terminate", json={"contract_termination_remark": "用户解约"}
    )
    check(terminated["data"]["out_contract_code"] == code, "terminated")
    check(
        client.request("GET", path)["data"]["contract_state"] == "TERMINATED",
        "terminated when queried",
    )
    try:
        client.request(
            "GET", "/v3/ecommerce/combine-papay/contracts/plan-id/12535/out-contract-code/NOSUCH1"
        )
        check(False, "an unknown contract is 404")
    except wxpresign.ApiError as e:
        check(e.http_status == 404 and e.code == "RESOURCE_NOT_EXISTS", "an unknown contract is 404")
