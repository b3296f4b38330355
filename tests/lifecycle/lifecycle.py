"""One contract's life after signing, through the Python binding: query it, terminate it, query
it again, and query one that is not there (arguments as tests/lifecycle/lifecycle.c takes them).

    python3 lifecycle.py CONFIG CONTRACT_ID QUERY METHOD TERMINATE BODY AFTER NEEDLE UNKNOWN

Or one step of a scheduled deduction through the typed methods, whose output must hold NEEDLE
(as tests/lifecycle/lifecycle.c takes them):

    python3 lifecycle.py CONFIG schedule|apply REQUEST NEEDLE
    python3 lifecycle.py CONFIG order REQUEST NEEDLE
    python3 lifecycle.py CONFIG notification HEADERS BODY_FILE NEEDLE

and the other families' money steps (REQUEST NEEDLE), each a typed method:
    global, global_order, combine, combine_order, repay_schedule, repay, repay_order,
    insurance-schedule, insurance-apply, edu-notice, edu-deduct, edu-order, campus-deduct
"""

import json
import sys

import wxpresign



def check(ok: bool, what: str) -> None:
    print(("ok " if ok else "FAILED ") + what)
    if not ok:
        sys.exit(1)


METHODS = {
    "order": "pay_transactions_out_trade_no_get",
    "global": "global_papay_transactions",
    "global_order": "global_papay_transactions_out_trade_no_get",
    "combine": "ecommerce_combine_papay_transactions",
    "combine_order": "ecommerce_combine_papay_transactions_get",
    "repay_schedule": "credit_repayment_partner_schedule_records_batch_create",
    "repay": "credit_repayment_partner_deduct_orders",
    "repay_order": "credit_repayment_partner_deduct_orders_get",
    "insurance-schedule": "papay_insurance_pay_policy_periods_contract_id_policy_period_id_schedule",
    "insurance-apply": "papay_insurance_pay_transactions_apply",
    "edu-notice": "edu_papay_user_notifications_send",
    "edu-deduct": "edu_papay_transactions",
    "edu-order": "edu_papay_transactions_out_trade_no_get",
    "campus-deduct": "eduschoolpay_transactions",
}


def deduction_step(config: str, step: str, args: list) -> None:
    """One step of a scheduled deduction; its output, as JSON, must hold the last argument."""
    with wxpresign.Client(config) as client:
        if step == "schedule":
            out = client.papay_pay_schedules_contract_id_schedule(json.loads(args[0]))
        elif step == "apply":
            out = client.papay_pay_transactions_apply(json.loads(args[0]))
        elif step in METHODS:
            out = getattr(client, METHODS[step])(json.loads(args[0]))
        else:
            with open(args[1], "rb") as f:
                out = client.parse_notification(json.loads(args[0]), f.read())
        text = json.dumps(out, ensure_ascii=False, separators=(",", ":"), default=str)
        print(text)
        check(args[-1] in text, step)


if len(sys.argv) in (5, 6):
    deduction_step(sys.argv[1], sys.argv[2], sys.argv[3:])
    sys.exit(0)

config, contract_id, query, method, terminate, body, after, needle, unknown = sys.argv[1:10]


with wxpresign.Client(config) as client:
    found = client.request("GET", query)
    check(contract_id in json.dumps(found["data"], ensure_ascii=False), "found")
    ended = client.request(method, terminate, json=json.loads(body) if body else None)
    check(200 <= ended["status"] < 300, "terminated")
    later = client.request("GET", after)
    check(needle in json.dumps(later["data"], ensure_ascii=False), "terminated when queried")
    try:
        client.request("GET", unknown)
        check(False, "an unknown contract is 404")
    except wxpresign.ApiError as e:
        check(e.http_status == 404, "an unknown contract is 404")
