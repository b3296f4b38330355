//! The money of the families whose deduction answers its result at once: cross-border
//! entrusted payment (支付扣款, a success told again as TRANSACTION.SUCCESS, its queries, its
//! reversal of an unpaid order) and the e-commerce combined deduction (its sub-orders taken
//! together, no notification, its query, its reversal); each order's number taken once.

use crate::common;

use common::{Fixture, NotifyEndpoint};
use serde_json::{Value, json};
use std::time::Duration;

const GLOBAL_APP: &str = "v3/global/papay/contracts/app-pre-entrust-sign";
const GLOBAL_DEDUCT: &str = "v3/global/papay/transactions";
const GLOBAL_BY_ID: &str = "v3/global/papay/transactions/{transaction_id}";
const GLOBAL_BY_NUMBER: &str = "v3/global/papay/transactions/out-trade-no/{out_trade_no}";
const GLOBAL_REVERSE: &str = "v3/global/papay/transactions/out-trade-no/{out_trade_no}/reverse";
const COMBINE_SIGN: &str = "v3/ecommerce/combine-papay/contracts/pre-entrust-sign";
const COMBINE_DEDUCT: &str = "v3/ecommerce/combine-papay/transactions";
const COMBINE_QUERY: &str = "v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}";
const COMBINE_REVERSE: &str =
    "v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse";
const APPID: &str = "wxd678efh567hg6787";

/// A contract signed through `presign`, its signing notification taken: its id.
fn sign(fx: &Fixture, merchant: &NotifyEndpoint, presign: &str, code: &str) -> String {
    let mut request = common::example(presign);
    request["out_contract_code"] = code.into();
    let answer = fx
        .client()
        .call(presign, &request.to_string())
        .expect("the pre-sign succeeds");
    let session = fx.sandbox.session_named(&answer.data).expect("a session");
    let signed = fx
        .sandbox
        .sign(&session, Some(&merchant.url))
        .expect("it signs");
    merchant.next(&fx.client());
    signed["contract_id"].as_str().unwrap().to_owned()
}

/// The status, code and detail of a refused call.
fn refused(result: Result<wxpresign::Response, wxpresign::Error>) -> (u16, String, Value) {
    let error = result.expect_err("the call is refused");
    let answer = error.api_answer().expect("WeChat-style answer");
    (
        answer.http_status,
        answer.code.clone().unwrap_or_default(),
        answer.detail.clone(),
    )
}

fn call(
    fx: &Fixture,
    path: &str,
    request: &Value,
) -> Result<wxpresign::Response, wxpresign::Error> {
    fx.client().call(path, &request.to_string())
}

/// The contract ended by its user, as `POST /sandbox/contracts/{id}/user-terminate` does.
fn user_terminates(fx: &Fixture, id: &str) {
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let answer = agent
        .post(&format!(
            "{}/sandbox/contracts/{id}/user-terminate",
            fx.sandbox.base_url()
        ))
        .header("Content-Type", "application/json")
        .send("{}")
        .expect("the sandbox answers");
    assert_eq!(answer.status().as_u16(), 200);
}

/// A direct cross-border deduction of 888 HKD cents on `contract` numbered `number`.
fn global_deduction(contract: &str, number: &str, notify_url: &str) -> Value {
    json!({"appid": APPID, "description": "image形象店-深圳腾大- QQ公仔",
           "notify_url": notify_url, "out_trade_no": number, "merchant_category_code": "1011",
           "contract_id": contract, "amount": {"total": 888, "currency": "HKD"}})
}

#[test]
fn a_cross_border_deduction_answers_its_success_at_once_notifies_it_and_queries_the_same() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let contract = sign(&fx, &merchant, GLOBAL_APP, "GLOBALMONEY0001");

    let request = global_deduction(&contract, "GLOBAL0001", &merchant.url);
    let paid = call(&fx, GLOBAL_DEDUCT, &request).expect("deducted").data;
    assert_eq!(paid["trade_state"], "SUCCESS", "{paid}");
    assert_eq!(paid["trade_type"], "AUTH");
    assert_eq!(paid["amount"]["payer_total"], 888);
    assert_eq!(paid["amount"]["currency"], "HKD");
    assert_eq!(paid["mchid"], fx.sandbox.identity().mchid.as_str());

    let told = merchant.next(&fx.client());
    assert_eq!(told.event_type, "TRANSACTION.SUCCESS");
    assert_eq!(
        told.resource, paid,
        "the notification tells the answer's order"
    );
    let by_number = call(
        &fx,
        GLOBAL_BY_NUMBER,
        &json!({"out_trade_no": "GLOBAL0001"}),
    );
    assert_eq!(by_number.expect("found").data, paid);
    let by_id = call(
        &fx,
        GLOBAL_BY_ID,
        &json!({"transaction_id": paid["transaction_id"]}),
    );
    assert_eq!(by_id.expect("found").data, paid);
}

#[test]
fn a_failed_cross_border_deduction_is_refused_at_once_kept_as_payerror_and_not_notified() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let contract = sign(&fx, &merchant, GLOBAL_APP, "GLOBALMONEY0002");

    let mut request = global_deduction(&contract, "GLOBAL0002", &merchant.url);
    request["attach"] = "SANDBOXNOTENOUGH".into();
    let (status, code, _) = refused(call(&fx, GLOBAL_DEDUCT, &request));
    assert_eq!((status, code.as_str()), (403, "NOT_ENOUGH"));
    let order = call(
        &fx,
        GLOBAL_BY_NUMBER,
        &json!({"out_trade_no": "GLOBAL0002"}),
    )
    .expect("the failed order is there")
    .data;
    assert_eq!(order["trade_state"], "PAYERROR", "{order}");
    assert_eq!(order["amount"]["payer_total"], 0);
    let (status, code, _) = refused(call(&fx, GLOBAL_DEDUCT, &request));
    assert_eq!(
        (status, code.as_str()),
        (403, "NOT_ENOUGH"),
        "the same request is answered the same"
    );
    assert!(merchant.within(Duration::from_millis(600)).is_none());
}

#[test]
fn the_same_cross_border_number_is_the_same_order_and_with_other_content_is_refused() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let contract = sign(&fx, &merchant, GLOBAL_APP, "GLOBALMONEY0003");

    let mut request = global_deduction(&contract, "GLOBAL0003", &merchant.url);
    let first = call(&fx, GLOBAL_DEDUCT, &request).expect("deducted").data;
    let again = call(&fx, GLOBAL_DEDUCT, &request)
        .expect("the same order")
        .data;
    assert_eq!(first["transaction_id"], again["transaction_id"]);
    request["amount"]["total"] = 999.into();
    let (status, code, detail) = refused(call(&fx, GLOBAL_DEDUCT, &request));
    assert_eq!((status, code.as_str()), (400, "INVALID_REQUEST"));
    assert_eq!(detail["field"], "/out_trade_no");
    assert_eq!(
        merchant.next(&fx.client()).event_type,
        "TRANSACTION.SUCCESS"
    );
    assert!(
        merchant.within(Duration::from_millis(600)).is_none(),
        "one order, one notification"
    );
}

#[test]
fn a_cross_border_reversal_closes_an_unpaid_order_and_refuses_a_paid_closed_or_unknown_one() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let contract = sign(&fx, &merchant, GLOBAL_APP, "GLOBALMONEY0004");
    let paid = global_deduction(&contract, "GLOBAL0004", &merchant.url);
    call(&fx, GLOBAL_DEDUCT, &paid).expect("deducted");
    let mut failed = global_deduction(&contract, "GLOBAL0005", &merchant.url);
    failed["attach"] = "SANDBOXBANKERROR".into();
    refused(call(&fx, GLOBAL_DEDUCT, &failed));

    let reverse = |number: &str| call(&fx, GLOBAL_REVERSE, &json!({"out_trade_no": number}));
    let (status, code, _) = refused(reverse("GLOBAL0004"));
    assert_eq!((status, code.as_str()), (400, "ORDER_PAID"));
    assert_eq!(reverse("GLOBAL0005").expect("closed").status, 204);
    let order = call(
        &fx,
        GLOBAL_BY_NUMBER,
        &json!({"out_trade_no": "GLOBAL0005"}),
    )
    .expect("found")
    .data;
    assert_eq!(order["trade_state"], "CLOSED");
    let (status, code, _) = refused(reverse("GLOBAL0005"));
    assert_eq!((status, code.as_str()), (400, "ORDER_CLOSED"));
    let (status, code, _) = refused(call(&fx, GLOBAL_DEDUCT, &failed));
    assert_eq!((status, code.as_str()), (400, "ORDER_CLOSED"));
    let (status, code, _) = refused(reverse("GLOBALNONE"));
    assert_eq!((status, code.as_str()), (404, "NOT_FOUND"));
}

#[test]
fn a_terminated_cross_border_contract_takes_no_deduction() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let contract = sign(&fx, &merchant, GLOBAL_APP, "GLOBALMONEY0006");
    user_terminates(&fx, &contract);
    let request = global_deduction(&contract, "GLOBAL0006", &merchant.url);
    let (status, code, _) = refused(call(&fx, GLOBAL_DEDUCT, &request));
    assert_eq!((status, code.as_str()), (400, "INVALID_REQUEST"));
    let (status, _, _) = refused(call(
        &fx,
        GLOBAL_BY_NUMBER,
        &json!({"out_trade_no": "GLOBAL0006"}),
    ));
    assert_eq!(status, 404, "no order was taken");
}

/// A combined deduction on `contract` numbered `number` of two sub-orders, 100 and 250 fen.
fn combined(fx: &Fixture, contract: &str, number: &str) -> Value {
    let mchid = fx.sandbox.identity().mchid.clone();
    let sub = |n: &str, total: i64| {
        json!({"mchid": mchid, "out_trade_no": n, "sub_mchid": "1900000109",
               "description": "腾讯充值中心-QQ会员充值",
               "amount": {"total_amount": total, "currency": "CNY"}})
    };
    json!({"combine_appid": APPID, "combine_mchid": mchid, "combine_out_trade_no": number,
           "contract_id": contract,
           "sub_orders": [sub(&format!("{number}A"), 100), sub(&format!("{number}B"), 250)]})
}

#[test]
fn a_combined_deduction_takes_every_sub_order_at_once_notifies_nothing_and_queries_the_same() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let contract = sign(&fx, &merchant, COMBINE_SIGN, "COMBINEMONEY01");

    let paid = call(&fx, COMBINE_DEDUCT, &combined(&fx, &contract, "P0001"))
        .expect("deducted")
        .data;
    assert_eq!(paid["combine_out_trade_no"], "P0001");
    let subs = paid["sub_orders"].as_array().expect("sub-orders");
    assert_eq!(subs.len(), 2, "{paid}");
    assert!(subs.iter().all(|s| s["trade_state"] == "SUCCESS"), "{paid}");
    assert_eq!(subs[1]["amount"]["payer_amount"], 250);
    assert_ne!(subs[0]["transaction_id"], subs[1]["transaction_id"]);
    let queried = call(
        &fx,
        COMBINE_QUERY,
        &json!({"combine_out_trade_no": "P0001"}),
    );
    assert_eq!(queried.expect("found").data, paid);
    assert!(
        merchant.within(Duration::from_millis(600)).is_none(),
        "该扣费接口为同步扣费模式,无回调通知"
    );
    let again = call(&fx, COMBINE_DEDUCT, &combined(&fx, &contract, "P0001"));
    assert_eq!(
        again.expect("the same order").data,
        paid,
        "每笔订单只能扣款一次"
    );
}

#[test]
fn a_combined_reversal_revokes_the_order_once_and_a_terminated_contract_says_contract_not_exist() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let contract = sign(&fx, &merchant, COMBINE_SIGN, "COMBINEMONEY02");
    let request = combined(&fx, &contract, "P0002");
    call(&fx, COMBINE_DEDUCT, &request).expect("deducted");

    let reversal = json!({"combine_out_trade_no": "P0002", "combine_appid": APPID,
                          "sub_orders": request["sub_orders"].as_array().unwrap().iter()
                              .map(|s| json!({"mchid": s["mchid"], "out_trade_no": s["out_trade_no"],
                                              "sub_mchid": s["sub_mchid"]}))
                              .collect::<Vec<_>>()});
    let mut other = reversal.clone();
    other["sub_orders"][1]["out_trade_no"] = "P0002X".into();
    let (status, _, detail) = refused(call(&fx, COMBINE_REVERSE, &other));
    assert_eq!(
        (status, detail["field"].as_str()),
        (400, Some("/sub_orders/1/out_trade_no"))
    );
    assert_eq!(
        call(&fx, COMBINE_REVERSE, &reversal)
            .expect("revoked")
            .status,
        204
    );
    let queried = call(
        &fx,
        COMBINE_QUERY,
        &json!({"combine_out_trade_no": "P0002"}),
    )
    .expect("found")
    .data;
    assert_eq!(
        queried["sub_orders"][0]["trade_state"], "REVOKED",
        "{queried}"
    );
    let (status, code, _) = refused(call(&fx, COMBINE_REVERSE, &reversal));
    assert_eq!((status, code.as_str()), (400, "ORDER_CLOSED"));
    let mut unknown = reversal.clone();
    unknown["combine_out_trade_no"] = "P0404".into();
    let (status, _, _) = refused(call(&fx, COMBINE_REVERSE, &unknown));
    assert_eq!(status, 404);

    let mut other = combined(&fx, &contract, "P0004");
    other["combine_mchid"] = "1900000999".into();
    let (status, _, detail) = refused(call(&fx, COMBINE_DEDUCT, &other));
    assert_eq!(
        (status, detail["field"].as_str()),
        (400, Some("/combine_mchid"))
    );

    user_terminates(&fx, &contract);
    let (status, code, _) = refused(call(
        &fx,
        COMBINE_DEDUCT,
        &combined(&fx, &contract, "P0003"),
    ));
    assert_eq!((status, code.as_str()), (400, "CONTRACT_NOT_EXIST"));
}

#[test]
fn an_institution_s_cross_border_order_is_its_sub_merchant_s_in_the_queries_and_the_reversal() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let mut presign = common::example(GLOBAL_APP);
    let members = presign.as_object_mut().unwrap();
    members.remove("appid");
    members.insert("sp_appid".into(), APPID.into());
    members.insert("sub_mchid".into(), "1900000109".into());
    members.insert("out_contract_code".into(), "GLOBALMONEY0007".into());
    let answer = call(&fx, GLOBAL_APP, &presign).expect("the pre-sign succeeds");
    let session = fx.sandbox.session_named(&answer.data).expect("a session");
    let signed = fx
        .sandbox
        .sign(&session, Some(&merchant.url))
        .expect("it signs");
    merchant.next(&fx.client());
    let contract = signed["contract_id"].as_str().unwrap();

    let mut request = global_deduction(contract, "GLOBAL0007", &merchant.url);
    let members = request.as_object_mut().unwrap();
    members.remove("appid");
    members.insert("sp_appid".into(), APPID.into());
    members.insert("sub_mchid".into(), "1900000109".into());
    members.insert("attach".into(), "SANDBOXLIMIT".into());
    let (status, code, _) = refused(call(&fx, GLOBAL_DEDUCT, &request));
    assert_eq!((status, code.as_str()), (403, "RULE_LIMIT"));

    let (status, _, _) = refused(call(
        &fx,
        GLOBAL_BY_NUMBER,
        &json!({"out_trade_no": "GLOBAL0007"}),
    ));
    assert_eq!(
        status, 404,
        "without its sub_mchid the order is not this caller's"
    );
    let named = json!({"out_trade_no": "GLOBAL0007", "sub_mchid": "1900000109"});
    let order = call(&fx, GLOBAL_BY_NUMBER, &named).expect("found").data;
    assert_eq!(order["sub_mchid"], "1900000109", "{order}");
    assert_eq!(order["sp_mchid"], fx.sandbox.identity().mchid.as_str());
    assert!(order.get("mchid").is_none(), "{order}");
    assert_eq!(
        call(&fx, GLOBAL_REVERSE, &named).expect("closed").status,
        204
    );
}
