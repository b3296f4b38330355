//! The contract after the pre-sign, in the sandbox: a signed session becomes a contract that the
//! calls of its family's pages query and terminate, through `Client::request`, each answer
//! verified; a contract that is not there is WeChat Pay's 404; the cross-border termination
//! sends its PAPAY.TERMINATE notification. The paths and members below are written from the
//! official pages cited beside each family, not from the sandbox's table.

use crate::common;

use common::process::{Scratch, compile_c, run, shared_library};
use common::{NotifyEndpoint, notify_endpoint};
use serde_json::{Value, json};
use std::process::Command;
use std::time::Duration;
use wxpresign::Kind;

/// Pre-signs `endpoint`'s example with `changes`, signs the session as the user would, and
/// returns the request and the new contract's id.
fn signed(
    fx: &common::Fixture,
    endpoint: &str,
    changes: Value,
    merchant: &NotifyEndpoint,
) -> (Value, String) {
    let answer = common::presign(fx, endpoint, changes.clone());
    let mut request = common::example(endpoint);
    for (k, v) in changes.as_object().unwrap() {
        request[k] = v.clone();
    }
    let session = fx
        .sandbox
        .session_named(&answer.data)
        .expect("the answer names its session");
    let started = fx
        .sandbox
        .sign(&session, Some(&merchant.url))
        .expect("the session signs");
    // Families whose pages publish no signing notification are signed all the same.
    if !started["event_type"].is_null() {
        merchant.next(&fx.client());
    }
    let contract = started["contract_id"].as_str().unwrap().to_owned();
    (request, contract)
}

fn get(client: &wxpresign::Client, path: &str) -> Result<Value, wxpresign::Error> {
    client.request("GET", path, None).map(|r| r.data)
}

fn not_found(result: Result<Value, wxpresign::Error>, code: &str) {
    let e = result.expect_err("no such contract");
    assert_eq!(e.kind(), Kind::Api, "{e}");
    let error = &e.to_json()["error"];
    assert_eq!(
        (error["http_status"].clone(), error["code"].clone()),
        (json!(404), json!(code)),
        "{error}"
    );
}

/// Cross-border: query by out_contract_code (with plan_id) and by contract_id, terminate with
/// termination_note (204), the PAPAY.TERMINATE notification.
/// https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_2.shtml, chapter5_1_3,
/// chapter5_1_4 and chapter5_1_5.
#[test]
fn a_cross_border_contract_is_queried_terminated_and_its_termination_notified() {
    let fx = common::sandbox();
    fx.sandbox.set_retry_unit_ms(1);
    let merchant = notify_endpoint();
    let (request, id) = signed(
        &fx,
        "v3/global/papay/contracts/app-pre-entrust-sign",
        json!({ "out_contract_code": "GLOBAL0001" }),
        &merchant,
    );
    let client = fx.client();
    let by_code = get(
        &client,
        "/v3/global/papay/contracts/out-contract-code/GLOBAL0001?appid=wxd678efh567hg6787&plan_id=123",
    )
    .expect("the signed contract is found by its code");
    assert_eq!(by_code["contract_id"], id.as_str());
    assert_eq!(by_code["out_contract_code"], "GLOBAL0001");
    assert_eq!(by_code["plan_id"], request["plan_id"]);
    assert_eq!(by_code["mchid"], fx.sandbox.identity().mchid.as_str());
    let by_id = get(
        &client,
        &format!("/v3/global/papay/contracts/{id}?appid=wxd678efh567hg6787"),
    )
    .expect("and by its id");
    assert_eq!(by_id, by_code);
    // Another plan's contract of that code is not this one.
    not_found(
        get(
            &client,
            "/v3/global/papay/contracts/out-contract-code/GLOBAL0001?appid=wxd678efh567hg6787&plan_id=124",
        ),
        "RESOURCE_NOT_EXISTS",
    );

    let terminated = client
        .request(
            "POST",
            &format!("/v3/global/papay/contracts/{id}/terminate"),
            Some(r#"{"appid":"wxd678efh567hg6787","termination_note":"签约信息有误"}"#),
        )
        .expect("the termination is answered");
    assert_eq!(terminated.status, 204);
    assert_eq!(terminated.data, Value::Null);
    let notified = merchant.next(&client);
    assert_eq!(notified.event_type, "PAPAY.TERMINATE");
    assert_eq!(notified.resource["contract_id"], id.as_str());
    assert_eq!(notified.resource["out_contract_code"], "GLOBAL0001");
    let again = client
        .request(
            "POST",
            &format!("/v3/global/papay/contracts/{id}/terminate"),
            Some(r#"{"appid":"wxd678efh567hg6787","termination_note":"again"}"#),
        )
        .unwrap_err();
    assert_eq!(again.to_json()["error"]["http_status"], 400, "{again}");
    assert_eq!(
        fx.sandbox
            .contract(&id)
            .expect("held")
            .terminated
            .unwrap()
            .1
            .as_deref(),
        Some("签约信息有误")
    );
}

/// E-commerce combined deduction: query and terminate by plan_id and out_contract_code;
/// contract_state SIGNED, then TERMINATED with contract_terminate_info; the termination requires
/// its remark, answers 200 with mchid, plan_id and out_contract_code, and sends
/// ECOMMERCE_ENTRUST.TERMINATE.
/// https://pay.weixin.qq.com/doc/v3/partner/4012884060, https://pay.weixin.qq.com/doc/v3/partner/4012884072,
/// https://pay.weixin.qq.com/doc/v3/partner/4012881605
#[test]
fn an_e_commerce_contract_is_queried_and_terminated_by_its_code() {
    let fx = common::sandbox();
    fx.sandbox.set_retry_unit_ms(1);
    let merchant = notify_endpoint();
    let (_, id) = signed(
        &fx,
        "v3/ecommerce/combine-papay/contracts/pre-entrust-sign",
        json!({ "out_contract_code": "ECOM0001" }),
        &merchant,
    );
    let client = fx.client();
    let path = "/v3/ecommerce/combine-papay/contracts/plan-id/12535/out-contract-code/ECOM0001";
    let contract = get(&client, path).expect("found");
    assert_eq!(contract["contract_id"], id.as_str());
    assert_eq!(contract["contract_state"], "SIGNED");
    assert_eq!(contract["contract_display_account"], "微信代扣用户A");
    assert!(
        contract["contract_signed_time"]
            .as_str()
            .unwrap()
            .ends_with("+08:00")
    );

    let without_remark = client
        .request("POST", &format!("{path}/terminate"), Some("{}"))
        .unwrap_err();
    assert_eq!(
        without_remark.to_json()["error"]["code"],
        "PARAM_ERROR",
        "{without_remark}"
    );
    let terminated = client
        .request(
            "POST",
            &format!("{path}/terminate"),
            Some(r#"{"contract_termination_remark":"用户解约"}"#),
        )
        .expect("terminated");
    assert_eq!(terminated.status, 200);
    assert_eq!(
        terminated.data,
        json!({ "mchid": fx.sandbox.identity().mchid, "plan_id": 12535, "out_contract_code": "ECOM0001" })
    );
    let notified = merchant.next(&client);
    assert_eq!(notified.event_type, "ECOMMERCE_ENTRUST.TERMINATE");
    assert_eq!(notified.resource["out_contract_code"], "ECOM0001");
    assert_eq!(
        notified.resource["contract_termination_mode"],
        "MCH_API_TERMINATE"
    );
    let after = get(&client, path).unwrap();
    assert_eq!(after["contract_state"], "TERMINATED");
    assert_eq!(
        after["contract_terminate_info"]["contract_termination_remark"],
        "用户解约"
    );
    not_found(
        get(
            &client,
            "/v3/ecommerce/combine-papay/contracts/plan-id/12535/out-contract-code/NOSUCH1",
        ),
        "RESOURCE_NOT_EXISTS",
    );
}

/// Partner entrusted deduction: the query (sub_mchid in the query) and the termination
/// (sub_mchid in the body) name the sub-merchant, which must be the contract's; the termination
/// answers the contract and sends ENTRUST.TERMINATE.
/// https://pay.weixin.qq.com/doc/v3/partner/4012489483, https://pay.weixin.qq.com/doc/v3/partner/4012489491,
/// https://pay.weixin.qq.com/doc/v3/partner/4012160323
#[test]
fn a_partner_deduction_contract_is_found_for_its_sub_merchant_only() {
    let fx = common::sandbox();
    fx.sandbox.set_retry_unit_ms(1);
    let merchant = notify_endpoint();
    let (_, id) = signed(
        &fx,
        "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/app",
        json!({ "out_contract_code": "PARTNER0001" }),
        &merchant,
    );
    let client = fx.client();
    let path = "/v3/papay/sign/partner/contracts/plan-id/12535/out-contract-code/PARTNER0001";
    let contract = get(&client, &format!("{path}?sub_mchid=1900000109")).expect("found");
    assert_eq!(contract["contract_id"], id.as_str());
    assert_eq!(contract["sub_mchid"], "1900000109");
    assert_eq!(contract["sp_mchid"], fx.sandbox.identity().mchid.as_str());
    assert_eq!(contract["contract_state"], "SIGNED");
    not_found(
        get(&client, &format!("{path}?sub_mchid=1900000110")),
        "RESOURCE_NOT_EXISTS",
    );
    let e = get(&client, path).unwrap_err();
    assert_eq!(
        e.to_json()["error"]["code"],
        "PARAM_ERROR",
        "sub_mchid is required: {e}"
    );

    let terminate = |body: &str| client.request("POST", &format!("{path}/terminate"), Some(body));
    let e = terminate(r#"{"contract_termination_remark":"用户解约"}"#).unwrap_err();
    assert_eq!(e.to_json()["error"]["code"], "PARAM_ERROR", "{e}");
    assert!(e.message().contains("sub_mchid"), "{e}");
    not_found(
        terminate(r#"{"sub_mchid":"1900000110","contract_termination_remark":"用户解约"}"#)
            .map(|r| r.data),
        "RESOURCE_NOT_EXISTS",
    );
    let ended = terminate(r#"{"sub_mchid":"1900000109","contract_termination_remark":"用户解约"}"#)
        .expect("terminated");
    assert_eq!(ended.status, 200);
    assert_eq!(ended.data["contract_state"], "TERMINATED");
    assert_eq!(ended.data["sub_mchid"], "1900000109");
    let notified = merchant.next(&client);
    assert_eq!(notified.event_type, "ENTRUST.TERMINATE");
    assert_eq!(notified.resource["contract_id"], id.as_str());
    assert_eq!(
        notified.resource["sp_mchid"],
        fx.sandbox.identity().mchid.as_str()
    );
    assert_eq!(notified.resource["contract_state"], "TERMINATED");
}

/// Insurance: the query by plan_id and out_contract_code, with the insured's display name; the
/// termination answers the contract with contract_terminate_info and sends
/// INSURANCE_ENTRUST.TERMINATE.
/// https://pay.weixin.qq.com/doc/v3/merchant/4016724540, https://pay.weixin.qq.com/doc/v3/merchant/4016724542,
/// https://pay.weixin.qq.com/doc/v3/merchant/4012289466
#[test]
fn an_insurance_contract_is_found_by_its_code() {
    let fx = common::sandbox();
    fx.sandbox.set_retry_unit_ms(1);
    let merchant = notify_endpoint();
    let (_, id) = signed(
        &fx,
        "v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi",
        json!({ "out_contract_code": "INSURE0001" }),
        &merchant,
    );
    let client = fx.client();
    let path = "/v3/papay/insurance-sign/contracts/plan-id/12535/out-contract-code/INSURE0001";
    let contract = get(&client, path).expect("found");
    assert_eq!(contract["contract_id"], id.as_str());
    assert_eq!(contract["insured_display_name"], "*明");
    assert_eq!(contract["contract_state"], "SIGNED");
    assert!(
        contract.get("real_identity").is_none(),
        "never an encrypted member"
    );
    // Not the partner deduction query's contract.
    not_found(
        get(
            &client,
            "/v3/papay/sign/partner/contracts/plan-id/12535/out-contract-code/INSURE0001?sub_mchid=1",
        ),
        "RESOURCE_NOT_EXISTS",
    );

    let ended = client
        .request(
            "POST",
            &format!("{path}/terminate"),
            Some(r#"{"contract_termination_remark":"退保"}"#),
        )
        .expect("terminated");
    assert_eq!(ended.status, 200);
    assert_eq!(ended.data["contract_id"], id.as_str());
    assert_eq!(ended.data["contract_state"], "TERMINATED");
    let info = &ended.data["contract_terminate_info"];
    assert_eq!(info["contract_termination_mode"], "MCH_API_TERMINATE");
    assert_eq!(info["contract_termination_remark"], "退保");
    assert!(info["contract_terminated_time"].is_string(), "{info}");
    let notified = merchant.next(&client);
    assert_eq!(notified.event_type, "INSURANCE_ENTRUST.TERMINATE");
    assert_eq!(notified.resource["contract_state"], "TERMINATED");
    assert_eq!(notified.resource["contract_terminate_info"], *info);
    assert_eq!(get(&client, path).unwrap(), ended.data);
}

/// Education renewal: the user's contracts under a plan, then DELETE (204), after which they are
/// listed with contract_status=DELETE; an unknown contract is 404 NOT_FOUND.
/// https://pay.weixin.qq.com/doc/v3/partner/4012489548 (the list: sp_mchid, appid, openid, plan_id
/// and contract_information {contract_id, contract_status, create_time}),
/// https://pay.weixin.qq.com/doc/v3/partner/4012465367 (by id),
/// https://pay.weixin.qq.com/doc/v3/partner/4012465374 (DELETE)
#[test]
fn an_education_contract_is_listed_for_its_user_and_deleted() {
    let fx = common::sandbox();
    fx.sandbox.set_retry_unit_ms(1);
    let merchant = notify_endpoint();
    let (_, id) = signed(&fx, "v3/edu-papay/contracts/presign", json!({}), &merchant);
    let client = fx.client();
    let list = "/v3/edu-papay/user/oUpF8uMuAJOM2pxb1Q/contracts?appid=wx8888888888888888&plan_id=101164396123311331";
    let signed = get(&client, list).expect("listed");
    assert_eq!(signed["total_count"], 1);
    let listed = &signed["data"][0];
    assert_eq!(listed["contract_information"]["contract_id"], id.as_str());
    assert_eq!(listed["contract_information"]["contract_status"], "ADD");
    assert_eq!(listed["openid"], "oUpF8uMuAJOM2pxb1Q");
    assert_eq!(listed["sp_mchid"], fx.sandbox.identity().mchid.as_str());
    let by_id = get(
        &client,
        &format!("/v3/edu-papay/contracts/id/{id}?appid=wx8888888888888888"),
    )
    .expect("found by its id");
    assert_eq!(&by_id, listed);
    not_found(
        get(
            &client,
            &format!("/v3/edu-papay/contracts/id/{id}?appid=wx9999999999999999"),
        ),
        "NOT_FOUND",
    );

    let deleted = client
        .request("DELETE", &format!("/v3/edu-papay/contracts/{id}"), None)
        .expect("deleted");
    assert_eq!(deleted.status, 204);
    not_found(get(&client, list), "NOT_FOUND");
    let terminated = get(&client, &format!("{list}&contract_status=DELETE")).expect("listed");
    let information = &terminated["data"][0]["contract_information"];
    assert_eq!(information["contract_id"], id.as_str());
    assert_eq!(information["contract_status"], "DELETE");
    not_found(
        client
            .request("DELETE", "/v3/edu-papay/contracts/wx998877665544wx", None)
            .map(|r| r.data),
        "NOT_FOUND",
    );
}

/// A direct merchant's entrusted deduction: query by plan_id and out_contract_code, terminate
/// with contract_termination_remark (200, the contract), ENTRUST.TERMINATE; the partner calls do
/// not find it.
/// https://pay.weixin.qq.com/doc/v3/merchant/4012489245, https://pay.weixin.qq.com/doc/v3/merchant/4012489295
#[test]
fn a_direct_deduction_contract_is_queried_and_terminated_by_its_code() {
    let fx = common::sandbox();
    fx.sandbox.set_retry_unit_ms(1);
    let merchant = notify_endpoint();
    let (_, id) = signed(
        &fx,
        "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app",
        json!({ "out_contract_code": "DIRECT0001" }),
        &merchant,
    );
    let client = fx.client();
    let path = "/v3/papay/sign/contracts/plan-id/12535/out-contract-code/DIRECT0001";
    let contract = get(&client, path).expect("found");
    assert_eq!(contract["contract_id"], id.as_str());
    assert_eq!(contract["mchid"], fx.sandbox.identity().mchid.as_str());
    assert_eq!(contract["appid"], "wxd678efh567hg6787");
    assert_eq!(contract["contract_state"], "SIGNED");
    assert!(contract["contract_expired_time"].is_string(), "{contract}");
    assert!(
        contract.get("contract_terminate_info").is_none(),
        "no termination yet: {contract}"
    );
    // The schedule the pre-sign gave, nothing deducted yet.
    assert_eq!(
        contract["deduct_schedule"],
        json!({
            "estimated_deduct_date": "2026-12-22",
            "estimated_deduct_amount": { "total": 1, "currency": "CNY" },
            "schedule_state": "NO_SCHEDULED",
        })
    );
    not_found(
        get(
            &client,
            "/v3/papay/sign/contracts/plan-id/12536/out-contract-code/DIRECT0001",
        ),
        "RESOURCE_NOT_EXISTS",
    );
    not_found(
        get(
            &client,
            "/v3/papay/sign/partner/contracts/plan-id/12535/out-contract-code/DIRECT0001?sub_mchid=1900000109",
        ),
        "RESOURCE_NOT_EXISTS",
    );

    let ended = client
        .request(
            "POST",
            &format!("{path}/terminate"),
            Some(r#"{"contract_termination_remark":"签约信息有误"}"#),
        )
        .expect("terminated");
    assert_eq!(ended.status, 200);
    assert_eq!(ended.data["contract_state"], "TERMINATED");
    assert_eq!(
        ended.data["contract_terminate_info"]["contract_termination_remark"],
        "签约信息有误"
    );
    let notified = merchant.next(&client);
    assert_eq!(notified.event_type, "ENTRUST.TERMINATE");
    assert_eq!(notified.resource["out_contract_code"], "DIRECT0001");
    // The notification's page names the amount `amount`.
    assert_eq!(
        notified.resource["deduct_schedule"]["estimated_deduct_amount"],
        json!({ "amount": 1, "currency": "CNY" })
    );
    assert_eq!(
        notified.resource["contract_terminate_info"]["contract_termination_mode"],
        "MCH_API_TERMINATE"
    );
    assert_eq!(get(&client, path).unwrap(), ended.data);
}

/// Credit repayment: query by out_contract_code, terminate with out_contract_code and its remark
/// in the body (the contract in `contract_info`), CREDIT_REPAYMENT.TERMINATE_CONTRACT; the
/// amount limit is a number in the answers and text in the notification, as the pages type it.
/// https://pay.weixin.qq.com/doc/v3/partner/4016125810, https://pay.weixin.qq.com/doc/v3/partner/4016125830,
/// https://pay.weixin.qq.com/doc/v3/partner/4016790583
#[test]
fn a_credit_repayment_contract_is_queried_and_terminated() {
    let fx = common::sandbox();
    fx.sandbox.set_retry_unit_ms(1);
    let merchant = notify_endpoint();
    let (_, id) = signed(
        &fx,
        "v3/credit-repayment/partner/contracts/h5-presign",
        json!({ "out_contract_code": "CREDIT0001" }),
        &merchant,
    );
    let client = fx.client();
    let path = "/v3/credit-repayment/partner/contracts/CREDIT0001";
    let contract = get(&client, path).expect("found");
    assert_eq!(contract["contract_id"], id.as_str());
    assert_eq!(contract["contract_state"], "CONTRACT_STATE_EFFECTIVE");
    assert_eq!(
        contract["contract_terminated_mode"],
        "TERMINATION_MODE_INVALID"
    );
    assert_eq!(contract["repayment_amount_limit"], 10000);
    assert_eq!(contract["display_name"], "*明");
    assert!(contract.get("real_identity").is_none(), "{contract}");

    let terminate = |body: &str| {
        client.request(
            "POST",
            "/v3/credit-repayment/partner/contracts/terminate",
            Some(body),
        )
    };
    let e = terminate(r#"{"contract_termination_remark":"还清"}"#).unwrap_err();
    assert_eq!(e.to_json()["error"]["code"], "PARAM_ERROR", "{e}");
    not_found(
        terminate(r#"{"out_contract_code":"NOSUCH1","contract_termination_remark":"还清"}"#)
            .map(|r| r.data),
        "RESOURCE_NOT_EXISTS",
    );
    let ended =
        terminate(r#"{"out_contract_code":"CREDIT0001","contract_termination_remark":"还清"}"#)
            .expect("terminated");
    let info = &ended.data["contract_info"];
    assert_eq!(info["contract_state"], "CONTRACT_STATE_TERMINATED");
    assert_eq!(
        info["contract_terminated_mode"],
        "TERMINATION_MODE_BY_MERCHANT"
    );
    assert_eq!(info["contract_termination_remark"], "还清");
    assert!(info["contract_terminated_time"].is_string(), "{info}");
    let notified = merchant.next(&client);
    assert_eq!(notified.event_type, "CREDIT_REPAYMENT.TERMINATE_CONTRACT");
    assert_eq!(
        notified.resource["contract_state"],
        "CONTRACT_STATE_TERMINATED"
    );
    assert_eq!(notified.resource["repayment_amount_limit"], "10000");
    assert_eq!(get(&client, path).unwrap(), *info);
}

/// Password-free payment: signed with no notification (none is published), queried and
/// terminated by service_id and out_contract_code; the termination answers mchid, service_id and
/// out_contract_code.
/// https://pay.weixin.qq.com/doc/v3/partner/4012715321, https://pay.weixin.qq.com/doc/v3/partner/4012715383
#[test]
fn a_password_free_contract_is_queried_and_terminated_by_its_code() {
    let fx = common::sandbox();
    let merchant = notify_endpoint();
    let (_, id) = signed(
        &fx,
        "v3/password-exempt-contract/contracts/normal/pre-entrust-sign/mini-program",
        json!({ "out_contract_code": "PWDFREE0001" }),
        &merchant,
    );
    assert!(
        merchant.within(Duration::from_millis(300)).is_none(),
        "no signing notification"
    );
    let client = fx.client();
    let path =
        "/v3/password-exempt-contract/contracts/service-id/12535/out-contract-code/PWDFREE0001";
    let contract = get(&client, path).expect("found");
    assert_eq!(contract["contract_id"], id.as_str());
    assert_eq!(contract["service_id"], 12535);
    assert_eq!(contract["openid"], "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    assert_eq!(contract["contract_state"], "SIGNED");
    let ended = client
        .request(
            "POST",
            &format!("{path}/terminate"),
            Some(r#"{"contract_termination_remark":"用户解约"}"#),
        )
        .expect("terminated");
    assert_eq!(
        ended.data,
        json!({ "mchid": fx.sandbox.identity().mchid, "service_id": 12535, "out_contract_code": "PWDFREE0001" })
    );
    let after = get(&client, path).unwrap();
    assert_eq!(after["contract_state"], "TERMINATED");
    assert_eq!(
        after["contract_terminate_info"]["contract_termination_mode"],
        "MCH_API_TERMINATE"
    );
    not_found(
        get(
            &client,
            "/v3/password-exempt-contract/contracts/service-id/12536/out-contract-code/PWDFREE0001",
        ),
        "RESOURCE_NOT_EXISTS",
    );
}

/// Campus easy pay: by contract id, the user's contracts (contract_status ADD, DELETE or ALL,
/// required; the envelope's links.self), terminate (204), NOT_FOUND for an unknown contract.
/// https://pay.weixin.qq.com/doc/v3/partner/4012468959, https://pay.weixin.qq.com/doc/v3/partner/4012468993,
/// https://pay.weixin.qq.com/doc/v3/partner/4012469025
#[test]
fn a_campus_contract_is_queried_listed_and_terminated() {
    let fx = common::sandbox();
    let merchant = notify_endpoint();
    let (_, id) = signed(
        &fx,
        "v3/eduschoolpay/contracts/presign",
        json!({ "out_contract_code": "CAMPUS0001" }),
        &merchant,
    );
    let client = fx.client();
    let contract = get(&client, &format!("/v3/eduschoolpay/contracts/{id}")).expect("found");
    assert_eq!(contract["contract_status"], "ADD");
    assert_eq!(contract["out_contract_code"], "CAMPUS0001");
    assert_eq!(contract["plan_id"], "101164396123311331");
    let list = "/v3/eduschoolpay/users/oUpF8uMuAJOM2pxb1Q/contracts?plan_id=101164396123311331";
    let e = get(&client, list).unwrap_err();
    assert_eq!(
        e.to_json()["error"]["code"],
        "PARAM_ERROR",
        "contract_status is required: {e}"
    );
    let added = get(&client, &format!("{list}&contract_status=ADD")).expect("listed");
    assert_eq!(added["data"][0], contract);
    assert_eq!(
        added["links"]["self"],
        format!("{list}&contract_status=ADD")
    );

    let ended = client
        .request(
            "POST",
            &format!("/v3/eduschoolpay/contracts/{id}/terminate"),
            None,
        )
        .expect("terminated");
    assert_eq!(ended.status, 204);
    not_found(
        get(&client, &format!("{list}&contract_status=ADD")),
        "NOT_FOUND",
    );
    let all = get(&client, &format!("{list}&contract_status=ALL")).expect("listed");
    assert_eq!(all["data"][0]["contract_status"], "DELETE");
    // "解约后商户和用户依旧可以查询到已经解除的合约"
    assert_eq!(
        get(&client, &format!("/v3/eduschoolpay/contracts/{id}")).unwrap()["contract_status"],
        "DELETE"
    );
    not_found(
        get(
            &client,
            "/v3/eduschoolpay/contracts/2045011120563805041758214605",
        ),
        "NOT_FOUND",
    );
}

/// E-commerce individual payees: the authorization is found by the application number and the
/// mini program's appid, AUTHORIZED, its id the signed contract's.
/// https://pay.weixin.qq.com/doc/v3/partner/4015851492
#[test]
fn an_individual_payee_authorization_is_found_by_its_code() {
    let fx = common::sandbox();
    let merchant = notify_endpoint();
    let (_, id) = signed(
        &fx,
        "v3/ecommerce/individual-contracts/pre-entrust-sign/mini-program",
        json!({ "out_contract_code": "APPLYMENT_0001" }),
        &merchant,
    );
    let client = fx.client();
    let path = "/v3/ecommerce/individual-contracts/out-contract-code/APPLYMENT_0001";
    let found = get(&client, &format!("{path}?appid=wxd678efh567h23787")).expect("found");
    assert_eq!(found["individual_auth_id"], id.as_str());
    assert_eq!(found["auth_state"], "AUTHORIZED");
    assert_eq!(found["individual_openid"], "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    not_found(
        get(&client, &format!("{path}?appid=wx0000000000000000")),
        "RESOURCE_NOT_EXISTS",
    );
}

/// One family's life for tests/lifecycle/: how to sign one (the endpoint and what to change in
/// its example, given a name unique to the run) and the calls, given that name and the
/// contract's id: the query, the termination (method, path, body), the query after it and what
/// it must show, and a query for a contract that is not there.
struct Life {
    endpoint: &'static str,
    changes: fn(&str) -> Value,
    calls: fn(&str, &str) -> [String; 7],
    remark: Option<&'static str>,
}

/// The calls of a family whose contract is queried at `base/{name}` and terminated by a POST to
/// `base/{name}/terminate` with `body`, after which the query shows TERMINATED.
fn by_code(base: &str, name: &str, body: &str) -> [String; 7] {
    let path = format!("{base}/{name}");
    [
        path.clone(),
        "POST".into(),
        format!("{path}/terminate"),
        body.into(),
        path,
        "TERMINATED".into(),
        format!("{base}/NOSUCH1"),
    ]
}

const LIVES: &[Life] = &[
    Life {
        endpoint: "v3/global/papay/contracts/app-pre-entrust-sign",
        changes: |name| json!({ "out_contract_code": name }),
        calls: |name, id| {
            [
                format!(
                    "/v3/global/papay/contracts/out-contract-code/{name}?appid=wxd678efh567hg6787&plan_id=123"
                ),
                "POST".into(),
                format!("/v3/global/papay/contracts/{id}/terminate"),
                r#"{"appid":"wxd678efh567hg6787","termination_note":"用户解约"}"#.into(),
                format!("/v3/global/papay/contracts/{id}?appid=wxd678efh567hg6787"),
                id.into(),
                "/v3/global/papay/contracts/NOSUCH1?appid=wxd678efh567hg6787".into(),
            ]
        },
        remark: Some("用户解约"),
    },
    Life {
        endpoint: "v3/ecommerce/combine-papay/contracts/pre-entrust-sign",
        changes: |name| json!({ "out_contract_code": name }),
        calls: |name, _| {
            by_code(
                "/v3/ecommerce/combine-papay/contracts/plan-id/12535/out-contract-code",
                name,
                r#"{"contract_termination_remark":"用户解约"}"#,
            )
        },
        remark: Some("用户解约"),
    },
    Life {
        endpoint: "v3/edu-papay/contracts/presign",
        changes: |name| json!({ "openid": name }),
        calls: |name, id| {
            let list = format!(
                "/v3/edu-papay/user/{name}/contracts?appid=wx8888888888888888&plan_id=101164396123311331"
            );
            [
                list.clone(),
                "DELETE".into(),
                format!("/v3/edu-papay/contracts/{id}"),
                String::new(),
                format!("{list}&contract_status=DELETE"),
                id.into(),
                "/v3/edu-papay/user/oNOSUCH/contracts?appid=wx8888888888888888&plan_id=101164396123311331".into(),
            ]
        },
        remark: None,
    },
    Life {
        endpoint: "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app",
        changes: |name| json!({ "out_contract_code": name }),
        calls: |name, _| {
            by_code(
                "/v3/papay/sign/contracts/plan-id/12535/out-contract-code",
                name,
                r#"{"contract_termination_remark":"用户解约"}"#,
            )
        },
        remark: Some("用户解约"),
    },
    Life {
        endpoint: "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/app",
        changes: |name| json!({ "out_contract_code": name }),
        calls: |name, _| {
            let path =
                format!("/v3/papay/sign/partner/contracts/plan-id/12535/out-contract-code/{name}");
            [
                format!("{path}?sub_mchid=1900000109"),
                "POST".into(),
                format!("{path}/terminate"),
                r#"{"sub_mchid":"1900000109","contract_termination_remark":"用户解约"}"#.into(),
                format!("{path}?sub_mchid=1900000109"),
                "TERMINATED".into(),
                "/v3/papay/sign/partner/contracts/plan-id/12535/out-contract-code/NOSUCH1?sub_mchid=1900000109".into(),
            ]
        },
        remark: Some("用户解约"),
    },
    Life {
        endpoint: "v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi",
        changes: |name| json!({ "out_contract_code": name }),
        calls: |name, _| {
            by_code(
                "/v3/papay/insurance-sign/contracts/plan-id/12535/out-contract-code",
                name,
                r#"{"contract_termination_remark":"退保"}"#,
            )
        },
        remark: Some("退保"),
    },
    Life {
        endpoint: "v3/credit-repayment/partner/contracts/h5-presign",
        changes: |name| json!({ "out_contract_code": name }),
        calls: |name, _| {
            let path = format!("/v3/credit-repayment/partner/contracts/{name}");
            [
                path.clone(),
                "POST".into(),
                "/v3/credit-repayment/partner/contracts/terminate".into(),
                format!(r#"{{"out_contract_code":"{name}","contract_termination_remark":"还清"}}"#),
                path,
                "CONTRACT_STATE_TERMINATED".into(),
                "/v3/credit-repayment/partner/contracts/NOSUCH1".into(),
            ]
        },
        remark: Some("还清"),
    },
    Life {
        endpoint: "v3/password-exempt-contract/contracts/normal/pre-entrust-sign/mini-program",
        changes: |name| json!({ "out_contract_code": name }),
        calls: |name, _| {
            by_code(
                "/v3/password-exempt-contract/contracts/service-id/12535/out-contract-code",
                name,
                r#"{"contract_termination_remark":"用户解约"}"#,
            )
        },
        remark: Some("用户解约"),
    },
    Life {
        endpoint: "v3/eduschoolpay/contracts/presign",
        changes: |name| json!({ "out_contract_code": name }),
        calls: |_, id| {
            let path = format!("/v3/eduschoolpay/contracts/{id}");
            [
                path.clone(),
                "POST".into(),
                format!("{path}/terminate"),
                String::new(),
                path,
                "DELETE".into(),
                "/v3/eduschoolpay/contracts/NOSUCH1".into(),
            ]
        },
        remark: None,
    },
];

/// Each family's life (query, terminate, query, an unknown one) from C, PHP and Python, each
/// program in tests/lifecycle/ against this sandbox.
#[test]
fn each_family_s_contract_life_is_the_same_from_c_php_and_python() {
    let fx = common::sandbox();
    fx.sandbox.set_retry_unit_ms(1);
    let merchant = notify_endpoint();
    let scratch = Scratch::new("contracts-bindings");
    let config = scratch.0.join("client.json");
    std::fs::write(&config, fx.config.to_string()).unwrap();
    let lib_dir = shared_library(&scratch.0);
    let library = lib_dir.join(format!(
        "{}wxpresign{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let program = scratch.0.join("lifecycle");
    compile_c("tests/lifecycle/lifecycle.c", &program, &lib_dir, &[]);
    let language = |name: &str| -> Command {
        match name {
            "C" => Command::new(&program),
            "PHP" => {
                let mut php = Command::new("php");
                php.args(["-d", "ffi.enable=1"])
                    .arg(manifest.join("tests/lifecycle/lifecycle.php"));
                php
            }
            _ => {
                let mut python =
                    Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()));
                python
                    .arg(manifest.join("tests/lifecycle/lifecycle.py"))
                    .env("PYTHONPATH", manifest.join("bindings/python/src"))
                    .env("PYTHONDONTWRITEBYTECODE", "1");
                python
            }
        }
    };
    for (n, life) in LIVES.iter().enumerate() {
        for lang in ["C", "PHP", "Python"] {
            let name = format!("LIFE{n}{}", lang.to_uppercase());
            let (_, id) = signed(&fx, life.endpoint, (life.changes)(&name), &merchant);
            let mut command = language(lang);
            command
                .arg(&config)
                .arg(&id)
                .args((life.calls)(&name, &id))
                .env("WXPRESIGN_LIBRARY", &library);
            let (status, output, _) = run(command, Duration::from_secs(120));
            println!("--- {} from {lang} ---\n{output}", life.endpoint);
            assert!(status.success(), "{} from {lang}: {output}", life.endpoint);
            assert_eq!(output.matches("ok ").count(), 4, "four steps:\n{output}");
            let held = fx
                .sandbox
                .contract(&id)
                .expect("the sandbox holds the contract");
            let (_, remark) = held.terminated.expect("terminated");
            assert_eq!(remark.as_deref(), life.remark, "{}", life.endpoint);
        }
    }
}

/// The calls on a contract are signed and checked as the pre-sign is: a request signed for
/// another path is refused.
#[test]
fn a_contract_call_is_refused_without_a_valid_signature() {
    let fx = common::sandbox();
    let answer = ureq_get(&format!(
        "{}/v3/ecommerce/combine-papay/contracts/plan-id/1/out-contract-code/X",
        fx.sandbox.base_url()
    ));
    assert_eq!(answer.0, 401, "{}", answer.1);
    assert!(answer.1.contains("SIGN_ERROR"), "{}", answer.1);
}

/// A bare GET with the headers APIv3 asks for and no Authorization.
fn ureq_get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .get(url)
        .header("Accept", "application/json")
        .header("User-Agent", "test")
        .call()
        .expect("an answer");
    (
        response.status().as_u16(),
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}

/// The lifecycle programs of tests/lifecycle/, built once: each step runs one of them with its
/// client.json and arguments, and must succeed.
struct Programs {
    c: std::path::PathBuf,
    library: std::path::PathBuf,
    manifest: &'static std::path::Path,
}

impl Programs {
    fn new(scratch: &std::path::Path) -> Programs {
        let lib_dir = shared_library(scratch);
        let library = lib_dir.join(format!(
            "{}wxpresign{}",
            std::env::consts::DLL_PREFIX,
            std::env::consts::DLL_SUFFIX
        ));
        let c = scratch.join("lifecycle");
        compile_c("tests/lifecycle/lifecycle.c", &c, &lib_dir, &[]);
        Programs {
            c,
            library,
            manifest: std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        }
    }

    fn step(&self, lang: &str, config: &std::path::Path, args: &[&str]) {
        let mut command = match lang {
            "C" => Command::new(&self.c),
            "PHP" => {
                let mut php = Command::new("php");
                php.args(["-d", "ffi.enable=1"])
                    .arg(self.manifest.join("tests/lifecycle/lifecycle.php"));
                php
            }
            _ => {
                let mut python =
                    Command::new(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()));
                python
                    .arg(self.manifest.join("tests/lifecycle/lifecycle.py"))
                    .env("PYTHONPATH", self.manifest.join("bindings/python/src"))
                    .env("PYTHONDONTWRITEBYTECODE", "1");
                python
            }
        };
        command
            .arg(config)
            .args(args)
            .env("WXPRESIGN_LIBRARY", &self.library);
        let (status, output, _) = run(command, Duration::from_secs(120));
        println!("--- {lang} {} ---\n{output}", args[0]);
        assert!(status.success(), "{lang} {}: {output}", args[0]);
    }

    /// The `notification` step on the next notification of `event` at `merchant`.
    fn notified(
        &self,
        lang: &str,
        config: &std::path::Path,
        merchant: &NotifyEndpoint,
        event: &str,
        needle: &str,
    ) {
        let (headers, body) = (0..3)
            .filter_map(|_| merchant.within(Duration::from_secs(10)))
            .find(|(_, body)| String::from_utf8_lossy(body).contains(event))
            .unwrap_or_else(|| panic!("{event} arrives"));
        let headers: serde_json::Map<String, Value> = headers
            .into_iter()
            .map(|(n, v)| (n, Value::from(v)))
            .collect();
        let body_file = config.with_extension(format!("{event}.body"));
        std::fs::write(&body_file, body).unwrap();
        let headers = Value::Object(headers).to_string();
        let body_path = body_file.to_string_lossy().into_owned();
        self.step(
            lang,
            config,
            &["notification", &headers, &body_path, needle],
        );
    }
}

/// A fresh sandbox for `lang`, and the client.json its program reads.
fn sandbox_for(
    scratch: &std::path::Path,
    lang: &str,
    what: &str,
) -> (common::Fixture, std::path::PathBuf) {
    let fx = common::sandbox();
    let config = scratch.join(format!("client-{what}-{lang}.json"));
    std::fs::write(&config, fx.config.to_string()).unwrap();
    (fx, config)
}

/// A scheduled deduction after the signing, from C, PHP and Python (tests/lifecycle/): each
/// program schedules on D-1, applies on D, parses the TRANSACTION.SUCCESS the sandbox sent and
/// queries the order through the typed order query, while this test moves the sandbox's clock
/// between the steps.
#[test]
fn a_scheduled_deduction_and_its_notification_are_the_same_from_c_php_and_python() {
    let scratch = Scratch::new("contracts-deduction");
    let programs = Programs::new(&scratch.0);
    for lang in ["C", "PHP", "Python"] {
        let (fx, config) = sandbox_for(&scratch.0, lang, "scheduled");
        let merchant = notify_endpoint();
        let step = |args: &[&str]| programs.step(lang, &config, args);
        let d = beijing_day(3);
        let changes = json!({
            "out_contract_code": format!("DEDUCT{}", lang.to_uppercase()),
            "deduct_schedule": {"estimated_deduct_date": d, "description": "会员月费",
                                "estimated_deduct_amount": {"total": 1500, "currency": "CNY"}},
        });
        let endpoint = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app";
        let (_, id) = signed(&fx, endpoint, changes, &merchant);
        move_clock(&fx, &format!("{}T10:00:00+08:00", beijing_day(2)));
        let schedule = json!({"contract_id": id, "appid": "wxd678efh567hg6787",
                              "schedule_amount": {"total": 1500, "currency": "CNY"}});
        step(&["schedule", &schedule.to_string(), "\"SCHEDULED\""]);
        move_clock(&fx, &format!("{d}T09:00:00+08:00"));
        let apply = json!({"appid": "wxd678efh567hg6787", "out_trade_no": "LIFE1",
                           "description": "会员月费", "transaction_notify_url": merchant.url,
                           "contract_id": id, "amount": {"total": 1500, "currency": "CNY"}});
        step(&["apply", &apply.to_string(), "LIFE1"]);
        move_clock(&fx, &format!("{d}T09:01:00+08:00"));
        programs.notified(
            lang,
            &config,
            &merchant,
            "TRANSACTION.SUCCESS",
            "\"trade_state\":\"SUCCESS\"",
        );
        let order = json!({"out_trade_no": "LIFE1", "mchid": fx.sandbox.identity().mchid});
        step(&["order", &order.to_string(), "\"trade_state\":\"SUCCESS\""]);
    }
}

/// A cross-border deduction and a combined deduction after the signing, from C, PHP and
/// Python: each answered at once, the cross-border success also notified, both queried.
#[test]
fn the_synchronous_deductions_are_the_same_from_c_php_and_python() {
    let scratch = Scratch::new("contracts-synchronous");
    let programs = Programs::new(&scratch.0);
    for lang in ["C", "PHP", "Python"] {
        let (fx, config) = sandbox_for(&scratch.0, lang, "synchronous");
        let merchant = notify_endpoint();
        let step = |args: &[&str]| programs.step(lang, &config, args);
        let code = json!({"out_contract_code": format!("HK{}", lang.to_uppercase())});
        let (_, id) = signed(
            &fx,
            "v3/global/papay/contracts/app-pre-entrust-sign",
            code,
            &merchant,
        );
        let deduction = json!({"appid": "wxd678efh567hg6787", "description": "充电宝租借",
                               "notify_url": merchant.url, "out_trade_no": "HK1",
                               "merchant_category_code": "1011", "contract_id": id,
                               "amount": {"total": 888, "currency": "HKD"}});
        step(&[
            "global",
            &deduction.to_string(),
            "\"trade_state\":\"SUCCESS\"",
        ]);
        programs.notified(
            lang,
            &config,
            &merchant,
            "TRANSACTION.SUCCESS",
            "\"trade_type\":\"AUTH\"",
        );
        step(&[
            "global_order",
            r#"{"out_trade_no":"HK1"}"#,
            "\"trade_state\":\"SUCCESS\"",
        ]);

        let code = json!({"out_contract_code": format!("COMBINE{}", lang.to_uppercase())});
        let (_, id) = signed(
            &fx,
            "v3/ecommerce/combine-papay/contracts/pre-entrust-sign",
            code,
            &merchant,
        );
        let mchid = fx.sandbox.identity().mchid.clone();
        let combined = json!({"combine_appid": "wxd678efh567hg6787", "combine_mchid": mchid,
                              "combine_out_trade_no": "P1", "contract_id": id,
                              "sub_orders": [{"mchid": mchid, "out_trade_no": "P1A",
                                              "sub_mchid": "1900000109", "description": "QQ会员充值",
                                              "amount": {"total_amount": 100, "currency": "CNY"}}]});
        step(&[
            "combine",
            &combined.to_string(),
            "\"trade_state\":\"SUCCESS\"",
        ]);
        step(&[
            "combine_order",
            r#"{"combine_out_trade_no":"P1"}"#,
            "\"P1A\"",
        ]);
    }
}

/// A credit repayment after the signing, from C, PHP and Python: scheduled, deducted, its
/// success notified on the record's date as the test moves the clock, and queried.
#[test]
fn a_credit_repayment_and_its_notification_are_the_same_from_c_php_and_python() {
    let scratch = Scratch::new("contracts-repayment");
    let programs = Programs::new(&scratch.0);
    for lang in ["C", "PHP", "Python"] {
        let (fx, config) = sandbox_for(&scratch.0, lang, "repayment");
        let merchant = notify_endpoint();
        let step = |args: &[&str]| programs.step(lang, &config, args);
        let changes = json!({"out_contract_code": format!("REPAY{}", lang.to_uppercase()),
                             "sub_mchid": "1900000109"});
        let (_, id) = signed(
            &fx,
            "v3/credit-repayment/partner/contracts/app-presign",
            changes,
            &merchant,
        );
        move_clock(&fx, &format!("{}T10:00:00+08:00", beijing_day(1)));
        let date = beijing_day(2);
        let schedule = json!({"contract_id": id, "appid": "wxd678efh567hg6787",
                              "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                              "schedule_items": [{"out_record_id": "REC1", "sub_mchid": "1900000109",
                                                  "repayment_amount": "8000", "repayment_date": date}]});
        step(&["repay_schedule", &schedule.to_string(), "\"REC1\""]);
        let repayment = json!({"contract_id": id, "out_trade_no": "REPAY1", "out_record_id": "REC1",
                               "deduct_amount": "8000", "notify_url": merchant.url,
                               "description": "信贷还款"});
        step(&[
            "repay",
            &repayment.to_string(),
            "DEDUCT_ORDER_STATE_NOT_PAY",
        ]);
        move_clock(&fx, &format!("{date}T00:00:10+08:00"));
        programs.notified(
            lang,
            &config,
            &merchant,
            "CREDIT_REPAYMENT.DEDUCTION_PAY",
            "DEDUCT_ORDER_STATE_PAY_SUCCESS",
        );
        step(&[
            "repay_order",
            r#"{"out_trade_no":"REPAY1"}"#,
            "DEDUCT_ORDER_STATE_PAY_SUCCESS",
        ]);
    }
}

/// Insurance, education renewal and campus easy pay after the signing, from C, PHP and Python
/// (tests/lifecycle/): a policy period scheduled on E−1 and deducted on E, a user notification
/// and the deduction it allows a day later, a campus deduction answered settled, the results
/// parsed from their TRANSACTION.SUCCESS, and the education order queried by its number, while
/// this test moves the sandbox's clock between the steps.
#[test]
fn insurance_and_education_deductions_and_their_notifications_are_the_same_from_c_php_and_python() {
    let scratch = Scratch::new("contracts-money");
    let programs = Programs::new(&scratch.0);
    for lang in ["C", "PHP", "Python"] {
        let (fx, config) = sandbox_for(&scratch.0, lang, "money");
        let merchant = notify_endpoint();
        let step = |args: &[&str]| programs.step(lang, &config, args);
        let e = beijing_day(3);
        let periods = json!({
            "out_contract_code": format!("INSURE{}", lang.to_uppercase()),
            "policy_periods": [{"policy_period_id": 1, "estimated_deduct_date": e,
                                "estimated_deduct_amount": {"total": 2990, "currency": "CNY"}}],
        });
        let insurance = "v3/papay/insurance-sign/contracts/pre-entrust-sign/app";
        let (_, insured) = signed(&fx, insurance, periods, &merchant);
        let (_, enrolled) = signed(&fx, "v3/edu-papay/contracts/presign", json!({}), &merchant);
        move_clock(&fx, &format!("{}T10:00:00+08:00", beijing_day(2)));
        let schedule = json!({"contract_id": insured, "policy_period_id": 1,
            "appid": "wxd678efh567hg6787", "scheduled_amount": {"total": 2990, "currency": "CNY"}});
        step(&["insurance-schedule", &schedule.to_string(), "\"SCHEDULED\""]);
        let notice = json!({"contract_id": enrolled, "appid": "wx8888888888888888"});
        step(&["edu-notice", &notice.to_string(), "204"]);
        move_clock(&fx, &format!("{e}T09:00:00+08:00"));
        let apply = json!({"appid": "wxd678efh567hg6787", "out_trade_no": "INSURE1",
            "description": "意外险续费", "transaction_notify_url": merchant.url,
            "contract_id": insured, "policy_period_id": 1,
            "amount": {"total": 2990, "currency": "CNY"}});
        step(&["insurance-apply", &apply.to_string(), "INSURE1"]);
        let deduct = json!({"appid": "wx8888888888888888", "body": "新东方-语文课程",
            "out_trade_no": "EDU1", "notify_url": merchant.url, "contract_id": enrolled,
            "trade_scene": "EDUCATION_PERIOD", "amount": {"total": 888, "currency": "CNY"},
            "device_information": {"device_ip": "123.12.12.123"}});
        step(&["edu-deduct", &deduct.to_string(), "204"]);
        let (_, opened) = signed(
            &fx,
            "v3/eduschoolpay/contracts/presign",
            json!({}),
            &merchant,
        );
        let campus = json!({"appid": "wx8888888888888888",
            "description": "中山大学-第二食堂-海鲜炒饭", "out_trade_no": "CAMPUS1",
            "notify_url": merchant.url, "contract_id": opened, "user_id": "20200330tony",
            "amount": {"total": 888, "currency": "CNY"},
            "scene_info": {"start_time": format!("{e}T09:00:00+08:00"),
                           "school_id": "18260256813396", "scene_type": "CANTEEN"}});
        step(&[
            "campus-deduct",
            &campus.to_string(),
            "\"trade_state\":\"SUCCESS\"",
        ]);
        move_clock(&fx, &format!("{e}T09:01:00+08:00"));
        for n in 0..3 {
            let (headers, body) = merchant
                .within(Duration::from_secs(10))
                .expect("a TRANSACTION.SUCCESS arrives");
            let headers: serde_json::Map<String, Value> = headers
                .into_iter()
                .map(|(n, v)| (n, Value::from(v)))
                .collect();
            let body_file = scratch.0.join(format!("notification-{lang}-{n}"));
            std::fs::write(&body_file, body).unwrap();
            let headers = Value::Object(headers).to_string();
            let body_path = body_file.to_string_lossy().into_owned();
            let success = "\"trade_state\":\"SUCCESS\"";
            step(&["notification", &headers, &body_path, success]);
        }
        let order = json!({"out_trade_no": "EDU1"});
        step(&[
            "edu-order",
            &order.to_string(),
            "\"trade_state\":\"SUCCESS\"",
        ]);
    }
}

/// Moves the sandbox's clock to `now` (RFC 3339).
fn move_clock(fx: &common::Fixture, now: &str) {
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .into();
    let answer = agent
        .post(&format!("{}/sandbox/clock", fx.sandbox.base_url()))
        .header("Content-Type", "application/json")
        .send(json!({ "now": now }).to_string())
        .expect("the sandbox answers");
    assert_eq!(answer.status().as_u16(), 200);
}

/// The Beijing date `days` days from today on the machine's clock, `yyyy-MM-DD`.
fn beijing_day(days: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let text = wxpresign_sandbox::beijing_rfc3339(((now + 8 * 3600) / 86_400 + days) * 86_400);
    text.split('T').next().unwrap().to_owned()
}
