//! The money taken with a scheduled-deduction contract, through the library's typed calls: the
//! schedule on D−1 within [08:00, 19:30), the deduction on day D, its order accepted then
//! settled on the sandbox's clock, TRANSACTION.SUCCESS or TRANSACTION.FAIL, the order query,
//! and what the pages make of the contract (ended at once by a success, at D+1 08:00 without);
//! another merchant finds none of this merchant's contracts.

use crate::common;

use common::{Fixture, NotifyEndpoint};
use serde_json::{Value, json};
use std::time::Duration;

const DIRECT_APP: &str = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app";
const PARTNER_APP: &str = "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/app";
const SCHEDULE: &str = "v3/papay/pay/schedules/contract-id/{contract_id}/schedule";
const SCHEDULE_QUERY: &str = "v3/papay/pay/schedules/contract-id/{contract_id}";
const PARTNER_SCHEDULE: &str = "v3/papay/pay/partner/schedules/contract-id/{contract_id}/schedule";
const APPLY: &str = "v3/papay/pay/transactions/apply";
const PARTNER_APPLY: &str = "v3/papay/pay/partner/transactions/apply";
const NOTICE: &str = "v3/papay/contracts/{contract_id}/notify";
const APPID: &str = "wxd678efh567hg6787";
const SUB_MCHID: &str = "1900000109";
/// A, the amount every pre-sign here gives.
const AMOUNT: i64 = 1500;

/// The Beijing date `days` days from today on the machine's clock, `yyyy-MM-DD`.
fn day(days: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let today = (now + 8 * 3600) / 86_400;
    let text = wxpresign_sandbox::beijing_rfc3339((today + days) * 86_400);
    text.split('T').next().unwrap().to_owned()
}

/// A contract signed with D = `deduct_date`, its notifications and the deductions' going to
/// `merchant`, the signing notification taken: the contract's id.
struct Deal<'a> {
    fx: &'a Fixture,
    merchant: &'a NotifyEndpoint,
    id: String,
    presign: Value,
    partner: bool,
}

fn sign<'a>(
    fx: &'a Fixture,
    merchant: &'a NotifyEndpoint,
    deduct_date: &str,
    code: &str,
    partner: bool,
) -> Deal<'a> {
    let path = if partner { PARTNER_APP } else { DIRECT_APP };
    let mut presign = common::example(path);
    presign["out_contract_code"] = code.into();
    presign["deduct_schedule"]["estimated_deduct_date"] = deduct_date.into();
    presign["deduct_schedule"]["estimated_deduct_amount"]["total"] = AMOUNT.into();
    let answer = fx
        .client()
        .call(path, &presign.to_string())
        .expect("the pre-sign succeeds");
    let session = fx.sandbox.session_named(&answer.data).expect("a session");
    let signed = fx
        .sandbox
        .sign(&session, Some(&merchant.url))
        .expect("it signs");
    assert_eq!(merchant.next(&fx.client()).event_type, "ENTRUST.SIGN");
    Deal {
        fx,
        merchant,
        id: signed["contract_id"].as_str().unwrap().to_owned(),
        presign,
        partner,
    }
}

/// Moves the sandbox's clock to `yyyy-MM-DD` at `hh:mm:ss` Beijing time.
fn at(fx: &Fixture, date: &str, time: &str) {
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut answer = agent
        .post(&format!("{}/sandbox/clock", fx.sandbox.base_url()))
        .header("Content-Type", "application/json")
        .send(json!({"now": format!("{date}T{time}+08:00")}).to_string())
        .expect("the sandbox answers");
    let text = answer.body_mut().read_to_string().unwrap_or_default();
    assert_eq!(answer.status().as_u16(), 200, "{text}");
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

impl Deal<'_> {
    fn schedule(&self, total: i64) -> Result<wxpresign::Response, wxpresign::Error> {
        let (path, mut request) = if self.partner {
            (
                PARTNER_SCHEDULE,
                json!({"sp_appid": APPID, "sub_mchid": SUB_MCHID}),
            )
        } else {
            (SCHEDULE, json!({"appid": APPID}))
        };
        request["contract_id"] = self.id.clone().into();
        request["schedule_amount"] = json!({"total": total, "currency": "CNY"});
        self.fx.client().call(path, &request.to_string())
    }

    fn schedule_state(&self) -> Value {
        let request = json!({"contract_id": self.id});
        self.fx
            .client()
            .call(SCHEDULE_QUERY, &request.to_string())
            .expect("the schedule query answers")
            .data
    }

    fn apply(
        &self,
        out_trade_no: &str,
        total: i64,
        attach: Option<&str>,
    ) -> Result<wxpresign::Response, wxpresign::Error> {
        let (path, mut request) = if self.partner {
            (
                PARTNER_APPLY,
                json!({"sp_appid": APPID, "sub_mchid": SUB_MCHID}),
            )
        } else {
            (APPLY, json!({"appid": APPID}))
        };
        request["out_trade_no"] = out_trade_no.into();
        request["description"] = "会员月费".into();
        request["transaction_notify_url"] = self.merchant.url.clone().into();
        request["contract_id"] = self.id.clone().into();
        request["amount"] = json!({"total": total, "currency": "CNY"});
        if let Some(attach) = attach {
            request["attach"] = attach.into();
        }
        self.fx.client().call(path, &request.to_string())
    }

    fn order(&self, out_trade_no: &str) -> Value {
        let target = if self.partner {
            format!(
                "/v3/pay/partner/transactions/out-trade-no/{out_trade_no}?sp_mchid={}&sub_mchid={SUB_MCHID}",
                self.fx.sandbox.identity().mchid
            )
        } else {
            format!(
                "/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={}",
                self.fx.sandbox.identity().mchid
            )
        };
        self.fx
            .client()
            .request("GET", &target, None)
            .expect("the order query answers")
            .data
    }

    fn contract(&self) -> Value {
        let code = self.presign["out_contract_code"].as_str().unwrap();
        let target = if self.partner {
            format!(
                "/v3/papay/sign/partner/contracts/plan-id/{}/out-contract-code/{code}?sub_mchid={SUB_MCHID}",
                self.presign["plan_id"]
            )
        } else {
            format!(
                "/v3/papay/sign/contracts/plan-id/{}/out-contract-code/{code}",
                self.presign["plan_id"]
            )
        };
        self.fx
            .client()
            .request("GET", &target, None)
            .expect("the contract query answers")
            .data
    }

    /// The next notifications, `n` of them, verified and decrypted, by event type.
    fn notified(&self, n: usize) -> Vec<(String, Value)> {
        let mut got: Vec<(String, Value)> = (0..n)
            .map(|_| {
                let notification = self.merchant.next(&self.fx.client());
                (notification.event_type, notification.resource)
            })
            .collect();
        got.sort_by(|a, b| a.0.cmp(&b.0));
        got
    }

    fn quiet(&self) -> bool {
        self.merchant.within(Duration::from_millis(600)).is_none()
    }
}

#[test]
fn a_scheduled_deduction_succeeds_on_day_d_is_notified_and_ends_the_contract() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let d = day(3);
    let deal = sign(&fx, &merchant, &d, "MONEYWHOLE0001", false);
    assert_eq!(deal.schedule_state()["schedule_state"], "NO_SCHEDULED");

    at(&fx, &day(2), "10:00:00");
    let scheduled = deal.schedule(AMOUNT).expect("scheduled on D-1").data;
    assert_eq!(
        scheduled,
        json!({"schedule_state": "SCHEDULED", "deduct_start_date": d, "deduct_end_date": d,
               "scheduled_amount": {"total": AMOUNT, "currency": "CNY"}})
    );
    assert_eq!(deal.schedule_state(), scheduled);
    assert_eq!(
        deal.contract()["deduct_schedule"]["schedule_state"],
        "SCHEDULED"
    );

    at(&fx, &d, "09:00:00");
    let accepted = deal.apply("ORDER0001", AMOUNT, None).expect("accepted");
    assert_eq!(
        accepted.data,
        json!({"out_trade_no": "ORDER0001", "amount": {"total": AMOUNT, "currency": "CNY"}})
    );
    assert_eq!(deal.order("ORDER0001")["trade_state"], "ACCEPT");
    assert!(deal.quiet(), "no result before the clock passes it");

    at(&fx, &d, "09:00:30");
    let told = deal.notified(2);
    assert_eq!(told[0].0, "ENTRUST.TERMINATE");
    assert_eq!(told[0].1["deduct_schedule"]["schedule_state"], "PAID");
    assert_eq!(
        told[0].1["contract_terminate_info"]["contract_termination_mode"],
        "SYSTEM_TERMINATE"
    );
    assert_eq!(told[1].0, "TRANSACTION.SUCCESS");
    let paid = &told[1].1;
    assert_eq!(paid["trade_state"], "SUCCESS");
    assert_eq!(paid["trade_type"], "PAP");
    assert_eq!(paid["out_trade_no"], "ORDER0001");
    assert_eq!(paid["amount"]["payer_total"], AMOUNT);
    assert_eq!(
        paid["contract_information"]["contract_id"],
        deal.id.as_str()
    );
    assert_eq!(
        deal.order("ORDER0001"),
        *paid,
        "the query answers the same order"
    );
    let mchid = fx.sandbox.identity().mchid.clone();
    let typed = |path: &str, request: Value| {
        fx.client()
            .call(path, &request.to_string())
            .expect("the typed order query answers")
            .data
    };
    assert_eq!(
        typed(
            "v3/pay/transactions/out-trade-no/{out_trade_no}",
            json!({"out_trade_no": "ORDER0001", "mchid": mchid})
        ),
        *paid,
        "the typed query by out_trade_no answers the same order"
    );
    assert_eq!(
        typed(
            "v3/pay/transactions/id/{transaction_id}",
            json!({"transaction_id": paid["transaction_id"], "mchid": mchid})
        ),
        *paid,
        "the typed query by transaction_id answers the same order"
    );

    let schedule = deal.schedule_state();
    assert_eq!(schedule["schedule_state"], "PAID");
    assert_eq!(schedule["deduct_date"], d.as_str());
    assert_eq!(deal.contract()["contract_state"], "TERMINATED");
    let (status, code, _) = refused(deal.apply("ORDER0002", AMOUNT, None));
    assert_eq!((status, code.as_str()), (400, "INVALID_REQUEST"));
}

#[test]
fn a_schedule_is_taken_once_on_the_day_before_within_8_to_19_30_for_the_presigned_amount() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let d = day(4);
    let late = sign(&fx, &merchant, &d, "MONEYLATE0001", false);
    let last = sign(&fx, &merchant, &d, "MONEYLAST0001", false);
    let deal = sign(&fx, &merchant, &d, "MONEYHOURS0001", false);

    at(&fx, &day(2), "12:00:00");
    let (status, code, _) = refused(deal.schedule(AMOUNT));
    assert_eq!((status, code.as_str()), (400, "INVALID_REQUEST"), "D-2");
    at(&fx, &day(3), "07:59:59");
    assert_eq!(refused(deal.schedule(AMOUNT)).0, 400, "D-1 before 08:00");
    at(&fx, &day(3), "08:00:00");
    let (status, code, detail) = refused(deal.schedule(AMOUNT - 1));
    assert_eq!((status, code.as_str()), (400, "PARAM_ERROR"));
    assert_eq!(detail["field"], "/schedule_amount/total");
    deal.schedule(AMOUNT).expect("D-1 at 08:00 for A");
    assert_eq!(refused(deal.schedule(AMOUNT)).0, 400, "a second schedule");
    at(&fx, &day(3), "19:29:59");
    last.schedule(AMOUNT).expect("D-1 at 19:29:59");
    at(&fx, &day(3), "19:30:00");
    assert_eq!(refused(late.schedule(AMOUNT)).0, 400, "D-1 at 19:30");
}

#[test]
fn a_deduction_needs_its_schedule_day_d_and_the_scheduled_amount() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let d = day(3);
    let deal = sign(&fx, &merchant, &d, "MONEYAPPLY0001", false);
    at(&fx, &day(2), "10:00:00");
    assert_eq!(
        refused(deal.apply("EARLY1", AMOUNT, None)).0,
        400,
        "no schedule"
    );
    deal.schedule(AMOUNT).expect("scheduled");
    assert_eq!(refused(deal.apply("EARLY2", AMOUNT, None)).0, 400, "D-1");
    at(&fx, &d, "23:59:00");
    let (_, code, detail) = refused(deal.apply("WRONG1", AMOUNT + 1, None));
    assert_eq!(
        (code.as_str(), &detail["field"]),
        ("PARAM_ERROR", &json!("/amount/total"))
    );
    deal.apply("LATE1", AMOUNT, None).expect("D at 23:59");
}

#[test]
fn the_same_out_trade_no_is_the_same_order_and_with_other_content_is_refused() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let d = day(3);
    let deal = sign(&fx, &merchant, &d, "MONEYTWICE0001", false);
    at(&fx, &day(2), "10:00:00");
    deal.schedule(AMOUNT).expect("scheduled");
    at(&fx, &d, "10:00:00");
    let first = deal.apply("TWICE1", AMOUNT, Some("a")).expect("accepted");
    let again = deal
        .apply("TWICE1", AMOUNT, Some("a"))
        .expect("the same order");
    assert_eq!(first.data, again.data);
    let (status, code, detail) = refused(deal.apply("TWICE1", AMOUNT, Some("b")));
    assert_eq!((status, code.as_str()), (400, "INVALID_REQUEST"));
    assert_eq!(detail["field"], "/out_trade_no");
    at(&fx, &d, "10:01:00");
    let told = deal.notified(2);
    assert_eq!(told[1].0, "TRANSACTION.SUCCESS");
    assert!(deal.quiet(), "one order, one result notification");
}

#[test]
fn each_deduction_fault_ends_the_order_in_pay_fail_with_its_reason_and_a_retry_may_succeed() {
    let fx = common::sandbox();
    let d = day(3);
    let faults = [
        ("SANDBOXNOTENOUGH", "余额不足"),
        ("SANDBOXLIMIT", "交易金额或次数超出限制"),
        ("SANDBOXBANKERROR", "支付失败(其他原因,如银行返回失败)"),
        ("SANDBOXTERMINATED", "签约协议已解约"),
    ];
    // One notify endpoint a contract, so that a retry's result never mixes with the next fault's.
    let merchants: Vec<NotifyEndpoint> = faults.iter().map(|_| common::notify_endpoint()).collect();
    let deals: Vec<Deal> = merchants
        .iter()
        .enumerate()
        .map(|(i, merchant)| sign(&fx, merchant, &d, &format!("MONEYFAULT{i}"), false))
        .collect();
    at(&fx, &day(2), "10:00:00");
    for deal in &deals {
        deal.schedule(AMOUNT).expect("scheduled");
    }
    at(&fx, &d, "10:00:00");
    for (i, ((fault, reason), deal)) in faults.iter().zip(&deals).enumerate() {
        let number = format!("FAULT{i}");
        deal.apply(&number, AMOUNT, Some(fault)).expect("accepted");
        at(&fx, &d, &format!("10:0{i}:30"));
        let ends = *fault == "SANDBOXTERMINATED";
        let told = deal.notified(if ends { 2 } else { 1 });
        let (event, resource) = told.last().unwrap();
        assert_eq!(event, "TRANSACTION.FAIL", "{fault}");
        assert_eq!(resource["trade_state"], "PAY_FAIL", "{fault}");
        assert_eq!(resource["trade_state_desc"], *reason, "{fault}");
        assert_eq!(deal.order(&number)["trade_state"], "PAY_FAIL");
        if ends {
            assert_eq!(told[0].0, "ENTRUST.TERMINATE");
            assert_eq!(
                told[0].1["contract_terminate_info"]["contract_termination_mode"],
                "USER_TERMINATE"
            );
            assert_eq!(deal.contract()["contract_state"], "TERMINATED");
            assert_eq!(refused(deal.apply("RETRY", AMOUNT, None)).0, 400);
        } else {
            assert_eq!(deal.schedule_state()["schedule_state"], "SCHEDULED");
            deal.apply(&format!("RETRY{i}"), AMOUNT, None)
                .expect("a retry on day D");
        }
    }
}

#[test]
fn without_success_by_the_end_of_d_the_schedule_expires_and_the_contract_ends_at_8_next_day() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let d = day(3);
    let deal = sign(&fx, &merchant, &d, "MONEYEXPIRE0001", false);
    at(&fx, &day(2), "10:00:00");
    deal.schedule(AMOUNT).expect("scheduled");
    at(&fx, &day(4), "00:00:01");
    assert_eq!(deal.schedule_state()["schedule_state"], "EXPIRED");
    assert_eq!(deal.contract()["contract_state"], "SIGNED");
    assert_eq!(refused(deal.apply("TOOLATE", AMOUNT, None)).0, 400);
    assert!(deal.quiet());
    at(&fx, &day(4), "08:00:00");
    let told = deal.notified(1);
    assert_eq!(told[0].0, "ENTRUST.TERMINATE");
    assert_eq!(told[0].1["deduct_schedule"]["schedule_state"], "EXPIRED");
    let ended = &told[0].1["contract_terminate_info"];
    assert_eq!(ended["contract_termination_mode"], "SYSTEM_TERMINATE");
    assert_eq!(
        ended["contract_terminated_time"],
        format!("{}T08:00:00+08:00", day(4)),
        "at D+1 08:00"
    );
    assert_eq!(deal.contract()["contract_state"], "TERMINATED");
}

#[test]
fn a_partner_deduction_names_its_sub_merchant_and_a_direct_call_finds_no_such_contract() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let d = day(3);
    let deal = sign(&fx, &merchant, &d, "MONEYPARTNER0001", true);
    at(&fx, &day(2), "10:00:00");
    let direct = Deal {
        fx: &fx,
        merchant: &merchant,
        id: deal.id.clone(),
        presign: deal.presign.clone(),
        partner: false,
    };
    let (status, code, _) = refused(direct.schedule(AMOUNT));
    assert_eq!((status, code.as_str()), (404, "RESOURCE_NOT_EXISTS"));
    deal.schedule(AMOUNT).expect("the partner schedules");
    at(&fx, &d, "10:00:00");
    deal.apply("PARTNER1", AMOUNT, None).expect("accepted");
    at(&fx, &d, "10:00:30");
    let told = deal.notified(2);
    let paid = &told[1].1;
    assert_eq!(paid["sub_mchid"], SUB_MCHID);
    assert_eq!(paid["sp_mchid"], fx.sandbox.identity().mchid.as_str());
    assert!(paid.get("mchid").is_none(), "{paid}");
    assert_eq!(deal.order("PARTNER1")["trade_state"], "SUCCESS");
    let target = format!(
        "/v3/pay/partner/transactions/out-trade-no/PARTNER1?sp_mchid={}",
        fx.sandbox.identity().mchid
    );
    let (status, code, detail) = refused(fx.client().request("GET", &target, None));
    assert_eq!((status, code.as_str()), (400, "PARAM_ERROR"));
    assert_eq!(detail["field"], "/sub_mchid");
    let direct = format!(
        "/v3/pay/transactions/out-trade-no/PARTNER1?mchid={}",
        fx.sandbox.identity().mchid
    );
    let (status, code, _) = refused(fx.client().request("GET", &direct, None));
    assert_eq!(
        (status, code.as_str()),
        (404, "ORDER_NOT_EXIST"),
        "a sub-merchant's order"
    );
    let mchid = fx.sandbox.identity().mchid.as_str();
    let by_id = |sub_mchid: &str| {
        let request = json!({"transaction_id": paid["transaction_id"], "sp_mchid": mchid,
                             "sub_mchid": sub_mchid});
        fx.client().call(
            "v3/pay/partner/transactions/id/{transaction_id}",
            &request.to_string(),
        )
    };
    assert_eq!(by_id(SUB_MCHID).expect("found").data, *paid);
    let (status, code, _) = refused(by_id("1900000110"));
    assert_eq!(
        (status, code.as_str()),
        (404, "ORDER_NOT_EXIST"),
        "another sub-merchant's query"
    );
}

/// The order queries' query members are required as their pages say ("mchid 必填", "sp_mchid
/// 必填", "sub_mchid 必填"): sent without, the request is refused naming the member.
#[test]
fn an_order_query_without_its_merchant_is_refused_naming_the_member() {
    let fx = common::sandbox();
    let hand = |target: &str| refused(fx.client().request("GET", target, None));
    for (target, member) in [
        ("/v3/pay/transactions/out-trade-no/ORDER0001", "/mchid"),
        (
            "/v3/pay/transactions/id/4200000000000000000000000001",
            "/mchid",
        ),
        (
            "/v3/pay/partner/transactions/id/4200000000000000000000000001?sub_mchid=1900000109",
            "/sp_mchid",
        ),
    ] {
        let (status, code, detail) = hand(target);
        assert_eq!((status, code.as_str()), (400, "PARAM_ERROR"), "{target}");
        assert_eq!(
            (&detail["field"], &detail["location"]),
            (&json!(member), &json!("query")),
            "{target}"
        );
    }
}

#[test]
fn a_terminated_contract_takes_no_schedule_and_a_notice_is_refused_for_this_template() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let d = day(3);
    let deal = sign(&fx, &merchant, &d, "MONEYENDED0001", false);
    let notice = json!({"contract_id": deal.id, "mchid": fx.sandbox.identity().mchid,
                        "appid": APPID, "estimated_amount": {"amount": AMOUNT}});
    let error = fx
        .client()
        .call(NOTICE, &notice.to_string())
        .expect_err("refused");
    assert!(error.to_string().contains("不是周期扣费类型"), "{error}");
    let target = format!(
        "/v3/papay/sign/contracts/plan-id/{}/out-contract-code/MONEYENDED0001/terminate",
        deal.presign["plan_id"]
    );
    fx.client()
        .request(
            "POST",
            &target,
            Some(r#"{"contract_termination_remark":"用户退订"}"#),
        )
        .expect("the merchant terminates");
    at(&fx, &day(2), "10:00:00");
    let (status, code, _) = refused(deal.schedule(AMOUNT));
    assert_eq!((status, code.as_str()), (400, "INVALID_REQUEST"));
}

#[test]
fn another_merchant_finds_no_contract_of_this_one_to_schedule_or_deduct() {
    let scratch = common::process::Scratch::new("money-merchants");
    let (identity, merchant_key) = wxpresign_sandbox::Identity::generate().unwrap();
    let sandbox = wxpresign_sandbox::Sandbox::start_in(identity, "127.0.0.1:0", &scratch.0)
        .expect("a sandbox in DIR");
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .unwrap();
    let fx = Fixture {
        sandbox,
        merchant_key,
        config,
    };
    let merchant = common::notify_endpoint();
    let d = day(3);
    let deal = sign(&fx, &merchant, &d, "MONEYOTHER0001", false);
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut added = agent
        .post(&format!("{}/sandbox/merchants", fx.sandbox.base_url()))
        .header("Content-Type", "application/json")
        .send(json!({"kind": "direct"}).to_string())
        .expect("the sandbox answers");
    let added: Value = serde_json::from_str(&added.body_mut().read_to_string().unwrap()).unwrap();
    let other = std::fs::read_to_string(added["client_json"].as_str().expect("its client.json"))
        .expect("its client.json");
    let other = wxpresign::Client::from_json(&other).expect("its configuration");

    at(&fx, &day(2), "10:00:00");
    let schedule = json!({"contract_id": deal.id, "appid": APPID,
                          "schedule_amount": {"total": AMOUNT, "currency": "CNY"}});
    let (status, code, _) = refused(other.call(SCHEDULE, &schedule.to_string()));
    assert_eq!((status, code.as_str()), (404, "RESOURCE_NOT_EXISTS"));
    deal.schedule(AMOUNT)
        .expect("its own merchant schedules it");
    at(&fx, &d, "10:00:00");
    let apply = json!({"appid": APPID, "out_trade_no": "OTHER1", "description": "会员月费",
                       "transaction_notify_url": merchant.url, "contract_id": deal.id,
                       "amount": {"total": AMOUNT, "currency": "CNY"}});
    let (status, _, _) = refused(other.call(APPLY, &apply.to_string()));
    assert_eq!(status, 404);
}

/// Many requests settling at once (each order query and clock move applies what fell due):
/// the result is notified once, and the same deduction sent at once from many threads is one
/// order.
#[test]
fn a_result_settled_by_many_requests_at_once_is_notified_once() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let d = day(3);
    let deal = sign(&fx, &merchant, &d, "MONEYRACE0001", false);
    at(&fx, &day(2), "10:00:00");
    deal.schedule(AMOUNT).expect("scheduled");
    at(&fx, &d, "10:00:00");
    let client = fx.client();
    let apply = json!({"appid": APPID, "out_trade_no": "RACE1", "description": "会员月费",
                       "transaction_notify_url": merchant.url, "contract_id": deal.id,
                       "amount": {"total": AMOUNT, "currency": "CNY"}})
    .to_string();
    std::thread::scope(|s| {
        let sent: Vec<_> = (0..6)
            .map(|_| s.spawn(|| client.call(APPLY, &apply).map(|r| r.data)))
            .collect();
        for answer in sent {
            let answer = answer.join().unwrap().expect("the same order");
            assert_eq!(answer["out_trade_no"], "RACE1");
        }
    });
    let query = format!(
        "/v3/pay/transactions/out-trade-no/RACE1?mchid={}",
        fx.sandbox.identity().mchid
    );
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..6 {
            s.spawn(|| {
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let _ = client.request("GET", &query, None);
                }
            });
        }
        at(&fx, &d, "10:00:30");
        std::thread::sleep(Duration::from_millis(300));
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let told = deal.notified(2);
    assert_eq!(told[1].0, "TRANSACTION.SUCCESS");
    assert!(deal.quiet(), "told once");
}

/// Deductions of different numbers sent at once on one contract: one is accepted, the others
/// refused while it awaits its result, so the contract cannot be paid twice.
#[test]
fn deductions_sent_at_once_on_one_contract_are_one_order() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let d = day(3);
    let deal = sign(&fx, &merchant, &d, "MONEYRACE0002", false);
    at(&fx, &day(2), "10:00:00");
    deal.schedule(AMOUNT).expect("scheduled");
    at(&fx, &d, "10:00:00");
    let client = fx.client();
    let requests: Vec<String> = (0..6)
        .map(|i| {
            json!({"appid": APPID, "out_trade_no": format!("AT{i}"), "description": "会员月费",
                   "transaction_notify_url": merchant.url, "contract_id": deal.id,
                   "amount": {"total": AMOUNT, "currency": "CNY"}})
            .to_string()
        })
        .collect();
    let accepted = std::thread::scope(|s| {
        let sent: Vec<_> = requests
            .iter()
            .map(|r| s.spawn(|| client.call(APPLY, r).is_ok()))
            .collect();
        sent.into_iter()
            .map(|h| h.join().unwrap())
            .filter(|ok| *ok)
            .count()
    });
    assert_eq!(accepted, 1);
}

/// A result falls due on the clock as it runs on by itself: the merchant who waits, moving
/// nothing and asking nothing, is notified.
#[test]
fn a_result_is_notified_when_its_time_comes_without_any_request() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let d = day(3);
    let deal = sign(&fx, &merchant, &d, "MONEYWAIT0001", false);
    at(&fx, &day(2), "10:00:00");
    deal.schedule(AMOUNT).expect("scheduled");
    at(&fx, &d, "10:00:00");
    deal.apply("WAIT1", AMOUNT, None).expect("accepted");
    let told: Vec<String> = (0..2)
        .filter_map(|_| merchant.within(Duration::from_secs(15)))
        .map(|(_, body)| String::from_utf8_lossy(&body).into_owned())
        .collect();
    assert!(
        told.iter().any(|b| b.contains("TRANSACTION.SUCCESS")),
        "{told:?}"
    );
}

/// 委托代扣 · 保险业: an insurance contract's periods, each scheduled from E−1 to E+28 within
/// [08:00, 19:30) and deducted from the day after its schedule to E+29 within [08:00, 20:00)
/// (https://pay.weixin.qq.com/doc/v3/merchant/4012471270).
mod insurance {
    use super::*;

    const INSURANCE_APP: &str = "v3/papay/insurance-sign/contracts/pre-entrust-sign/app";
    const SCHEDULE: &str = "v3/papay/insurance-pay/policy-periods/contract-id/{contract_id}/policy-period-id/{policy_period_id}/schedule";
    const PERIOD: &str = "v3/papay/insurance-pay/policy-periods/contract-id/{contract_id}/policy-period-id/{policy_period_id}";
    const APPLY: &str = "v3/papay/insurance-pay/transactions/apply";
    const PREMIUM: i64 = 2990;

    struct Insured<'a> {
        fx: &'a Fixture,
        merchant: &'a NotifyEndpoint,
        id: String,
        code: String,
    }

    /// A contract whose periods 1 and 2 are estimated on `first` and `second`, `PREMIUM` each.
    fn insure<'a>(
        fx: &'a Fixture,
        merchant: &'a NotifyEndpoint,
        code: &str,
        first: &str,
        second: &str,
    ) -> Insured<'a> {
        let mut presign = common::example(INSURANCE_APP);
        presign["out_contract_code"] = code.into();
        presign["policy_periods"] = json!([
            {"policy_period_id": 1, "estimated_deduct_date": first,
             "estimated_deduct_amount": {"total": PREMIUM, "currency": "CNY"}},
            {"policy_period_id": 2, "estimated_deduct_date": second,
             "estimated_deduct_amount": {"total": PREMIUM, "currency": "CNY"}},
        ]);
        let answer = fx
            .client()
            .call(INSURANCE_APP, &presign.to_string())
            .expect("the pre-sign succeeds");
        let session = fx.sandbox.session_named(&answer.data).expect("a session");
        let signed = fx
            .sandbox
            .sign(&session, Some(&merchant.url))
            .expect("it signs");
        assert_eq!(
            merchant.next(&fx.client()).event_type,
            "INSURANCE_ENTRUST.SIGN"
        );
        Insured {
            fx,
            merchant,
            id: signed["contract_id"].as_str().unwrap().to_owned(),
            code: code.to_owned(),
        }
    }

    impl Insured<'_> {
        fn schedule(
            &self,
            period: i64,
            total: i64,
        ) -> Result<wxpresign::Response, wxpresign::Error> {
            let request = json!({"contract_id": self.id, "policy_period_id": period,
                "appid": APPID, "scheduled_amount": {"total": total, "currency": "CNY"}});
            self.fx.client().call(SCHEDULE, &request.to_string())
        }

        fn period(&self, period: i64) -> Value {
            let request = json!({"contract_id": self.id, "policy_period_id": period});
            self.fx
                .client()
                .call(PERIOD, &request.to_string())
                .expect("the period query answers")
                .data
        }

        fn apply(
            &self,
            out_trade_no: &str,
            period: i64,
            total: i64,
            attach: Option<&str>,
        ) -> Result<wxpresign::Response, wxpresign::Error> {
            let mut request = json!({"appid": APPID, "out_trade_no": out_trade_no,
                "description": "意外险续费", "transaction_notify_url": self.merchant.url,
                "contract_id": self.id, "policy_period_id": period,
                "amount": {"total": total, "currency": "CNY"}});
            if let Some(attach) = attach {
                request["attach"] = attach.into();
            }
            self.fx.client().call(APPLY, &request.to_string())
        }

        /// The periods' list, each period's state.
        fn listed(&self) -> Vec<Value> {
            let target = format!(
                "/v3/papay/insurance-sign/policy_periods/plan-id/12535/out-contract-code/{}",
                self.code
            );
            let data = self
                .fx
                .client()
                .request("GET", &target, None)
                .expect("the list")
                .data;
            data["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["policy_period_state"].clone())
                .collect()
        }
    }

    #[test]
    fn a_period_is_scheduled_deducted_after_a_failure_and_paid_and_the_contract_stays() {
        let fx = common::sandbox();
        let merchant = common::notify_endpoint();
        let e = day(3);
        let insured = insure(&fx, &merchant, "INSUREWHOLE01", &e, &day(33));
        assert_eq!(insured.period(1)["policy_period_state"], "NO_SCHEDULED");

        at(&fx, &day(1), "10:00:00");
        assert_eq!(refused(insured.schedule(1, PREMIUM)).0, 400, "E-2");
        at(&fx, &day(2), "19:29:59");
        let (_, code, detail) = refused(insured.schedule(1, PREMIUM - 1));
        assert_eq!(
            (code.as_str(), &detail["field"]),
            ("PARAM_ERROR", &json!("/scheduled_amount/total"))
        );
        let scheduled = insured.schedule(1, PREMIUM).expect("E-1 at 19:29:59").data;
        assert_eq!(
            scheduled,
            json!({"policy_period_id": 1, "policy_period_state": "SCHEDULED",
                   "deduct_start_date": e, "deduct_end_date": day(32),
                   "scheduled_amount": {"total": PREMIUM, "currency": "CNY"}})
        );
        assert_eq!(insured.period(1), scheduled);
        assert_eq!(
            refused(insured.schedule(1, PREMIUM)).0,
            400,
            "a second schedule"
        );
        assert_eq!(
            refused(insured.apply("SAMEDAY1", 1, PREMIUM, None)).0,
            400,
            "the schedule day"
        );

        at(&fx, &e, "07:59:59");
        assert_eq!(
            refused(insured.apply("EARLY1", 1, PREMIUM, None)).0,
            400,
            "before 08:00"
        );
        at(&fx, &e, "08:00:00");
        let (_, code, detail) = refused(insured.apply("WRONG1", 1, PREMIUM + 1, None));
        assert_eq!(
            (code.as_str(), &detail["field"]),
            ("PARAM_ERROR", &json!("/amount/total"))
        );
        insured
            .apply("POOR1", 1, PREMIUM, Some("SANDBOXNOTENOUGH"))
            .expect("accepted");
        at(&fx, &e, "08:00:30");
        let failed = merchant.next(&fx.client());
        assert_eq!(failed.event_type, "TRANSACTION.FAIL");
        assert_eq!(failed.resource["trade_state"], "PAY_FAIL");
        assert_eq!(insured.period(1)["policy_period_state"], "SCHEDULED");

        let accepted = insured.apply("RICH1", 1, PREMIUM, None).expect("a retry");
        assert_eq!(
            accepted.data,
            json!({"out_trade_no": "RICH1", "amount": {"total": PREMIUM, "currency": "CNY"}})
        );
        at(&fx, &e, "08:01:00");
        let paid = merchant.next(&fx.client());
        assert_eq!(paid.event_type, "TRANSACTION.SUCCESS");
        assert_eq!(paid.resource["out_trade_no"], "RICH1");
        assert_eq!(paid.resource["trade_type"], "PAP");
        // Insurance has no order query of its own: the APIv3 order query answers its orders.
        let request = json!({"out_trade_no": "RICH1", "mchid": fx.sandbox.identity().mchid});
        let order = fx
            .client()
            .call(
                "v3/pay/transactions/out-trade-no/{out_trade_no}",
                &request.to_string(),
            )
            .expect("the typed order query answers");
        assert_eq!(order.data, paid.resource);
        let period = insured.period(1);
        assert_eq!(
            (&period["policy_period_state"], &period["deduct_date"]),
            (&json!("PAID"), &json!(e))
        );
        assert_eq!(insured.listed(), vec![json!("PAID"), json!("NO_SCHEDULED")]);
        assert_eq!(
            refused(insured.schedule(1, PREMIUM)).0,
            400,
            "a paid period"
        );
        assert!(
            merchant.within(Duration::from_millis(600)).is_none(),
            "the contract stays in force"
        );
    }

    /// "若在2022-04-30 20:00前,仍未扣费成功…该保险扣费周期也不能再进行预约或扣费".
    #[test]
    fn a_scheduled_period_not_paid_by_20_00_on_e_plus_29_is_expired() {
        let fx = common::sandbox();
        let merchant = common::notify_endpoint();
        let insured = insure(&fx, &merchant, "INSUREEXPIRE01", &day(3), &day(33));
        at(&fx, &day(10), "10:00:00");
        insured.schedule(1, PREMIUM).expect("within E+28");
        at(&fx, &day(32), "19:59:59");
        assert_eq!(insured.period(1)["policy_period_state"], "SCHEDULED");
        at(&fx, &day(32), "20:00:00");
        assert_eq!(refused(insured.apply("LATE1", 1, PREMIUM, None)).0, 400);
        assert_eq!(insured.period(1)["policy_period_state"], "EXPIRED");
        assert_eq!(refused(insured.schedule(1, PREMIUM)).0, 400);
    }

    /// The periods' list, a contract call, shows the clock's rules as the money calls do.
    #[test]
    fn the_periods_list_shows_a_period_expired_by_the_clock() {
        let fx = common::sandbox();
        let merchant = common::notify_endpoint();
        let insured = insure(&fx, &merchant, "INSURELIST01", &day(3), &day(33));
        at(&fx, &day(10), "10:00:00");
        insured.schedule(1, PREMIUM).expect("within E+28");
        // The clock runs on past E+29 20:00 by itself: no move, no money call.
        at(&fx, &day(32), "19:59:59");
        std::thread::sleep(Duration::from_millis(1500));
        assert_eq!(
            insured.listed(),
            vec![json!("EXPIRED"), json!("NO_SCHEDULED")]
        );
    }
}

/// 教育续费通: a deduction 1 to 3 days after its user notification, answered 204, its order
/// ACCEPTED then notified, and the family's two queries
/// (https://pay.weixin.qq.com/docs/merchant/products/education-fee-payment/development.html).
mod education {
    use super::*;

    const PRESIGN: &str = "v3/edu-papay/contracts/presign";
    const NOTICE: &str = "v3/edu-papay/user-notifications/{contract_id}/send";
    const DEDUCT: &str = "v3/edu-papay/transactions";
    const BY_ID: &str = "v3/edu-papay/transactions/id/{transaction_id}";
    const BY_NUMBER: &str = "v3/edu-papay/transactions/out-trade-no/{out_trade_no}";
    const EDU_APPID: &str = "wx8888888888888888";

    fn enrol(fx: &Fixture, merchant: &NotifyEndpoint) -> String {
        let presign = common::example(PRESIGN);
        let answer = fx
            .client()
            .call(PRESIGN, &presign.to_string())
            .expect("the pre-sign succeeds");
        let session = fx.sandbox.session_named(&answer.data).expect("a session");
        let signed = fx
            .sandbox
            .sign(&session, Some(&merchant.url))
            .expect("it signs");
        assert_eq!(merchant.next(&fx.client()).event_type, "ENTRUST.SIGNING");
        signed["contract_id"].as_str().unwrap().to_owned()
    }

    fn notify(fx: &Fixture, contract: &str) -> wxpresign::Response {
        let request = json!({"contract_id": contract, "appid": EDU_APPID});
        fx.client()
            .call(NOTICE, &request.to_string())
            .expect("the notice is sent")
    }

    fn deduct(
        fx: &Fixture,
        merchant: &NotifyEndpoint,
        contract: &str,
        out_trade_no: &str,
        total: i64,
    ) -> Result<wxpresign::Response, wxpresign::Error> {
        let request = json!({"appid": EDU_APPID, "body": "新东方-语文课程",
            "out_trade_no": out_trade_no, "notify_url": merchant.url, "contract_id": contract,
            "trade_scene": "EDUCATION_PERIOD", "amount": {"total": total, "currency": "CNY"},
            "device_information": {"device_ip": "123.12.12.123"}});
        fx.client().call(DEDUCT, &request.to_string())
    }

    fn query(fx: &Fixture, path: &str, request: Value) -> Value {
        fx.client()
            .call(path, &request.to_string())
            .expect("the order query answers")
            .data
    }

    #[test]
    fn a_deduction_follows_its_notice_by_one_to_three_days_is_accepted_and_notified() {
        let fx = common::sandbox();
        let merchant = common::notify_endpoint();
        let contract = enrol(&fx, &merchant);
        at(&fx, &day(1), "10:00:00");
        assert_eq!(
            refused(deduct(&fx, &merchant, &contract, "EDU1", 888)).0,
            400,
            "no notice"
        );
        assert_eq!(notify(&fx, &contract).status, 204);
        let (status, code, _) = refused(deduct(&fx, &merchant, &contract, "EDU1", 888));
        assert_eq!(
            (status, code.as_str()),
            (400, "INVALID_REQUEST"),
            "the notice's day"
        );

        at(&fx, &day(4), "23:00:00");
        let accepted = deduct(&fx, &merchant, &contract, "EDU1", 888).expect("the third day");
        assert_eq!(accepted.status, 204);
        let by_number = json!({"out_trade_no": "EDU1"});
        assert_eq!(
            query(&fx, BY_NUMBER, by_number.clone())["trade_state"],
            "ACCEPTED"
        );
        let again = deduct(&fx, &merchant, &contract, "EDU1", 888).expect("the same order");
        assert_eq!(again.status, 204);
        let (status, _, detail) = refused(deduct(&fx, &merchant, &contract, "EDU1", 889));
        assert_eq!((status, &detail["field"]), (400, &json!("/out_trade_no")));

        at(&fx, &day(4), "23:00:30");
        let paid = merchant.next(&fx.client());
        assert_eq!(paid.event_type, "TRANSACTION.SUCCESS");
        assert_eq!(paid.resource["trade_state"], "SUCCESS");
        assert_eq!(
            paid.resource["contract_information"]["contract_id"],
            contract.as_str()
        );
        assert_eq!(query(&fx, BY_NUMBER, by_number), paid.resource);
        let id = paid.resource["transaction_id"].clone();
        assert_eq!(
            query(&fx, BY_ID, json!({"transaction_id": id})),
            paid.resource
        );
        assert_eq!(
            refused(deduct(&fx, &merchant, &contract, "EDU2", 888)).0,
            400,
            "the notice was used"
        );
        // The family has order queries of its own: the APIv3 payment order query knows none.
        let payment = format!(
            "/v3/pay/transactions/out-trade-no/EDU1?mchid={}",
            fx.sandbox.identity().mchid
        );
        let (status, code, _) = refused(fx.client().request("GET", &payment, None));
        assert_eq!((status, code.as_str()), (404, "ORDER_NOT_EXIST"));
    }

    #[test]
    fn a_deduction_four_days_after_its_notice_is_refused_and_an_unknown_order_is_not_found() {
        let fx = common::sandbox();
        let merchant = common::notify_endpoint();
        let contract = enrol(&fx, &merchant);
        at(&fx, &day(1), "10:00:00");
        notify(&fx, &contract);
        at(&fx, &day(5), "00:00:00");
        assert_eq!(
            refused(deduct(&fx, &merchant, &contract, "EDU4", 888)).0,
            400
        );
        let unknown = fx
            .client()
            .call(BY_NUMBER, &json!({"out_trade_no": "NONE1"}).to_string());
        let (status, code, _) = refused(unknown);
        assert_eq!((status, code.as_str()), (404, "NOT_FOUND"));
    }
}

/// 校园轻松付: a deduction settled at once (SYNC) or later (ASYNC), WeChat Pay's advance and the
/// user's debt when funds are short, FORBIDDEN past the debts allowed
/// (https://pay.weixin.qq.com/doc/v3/partner/4012469030, 4012469161).
mod campus {
    use super::*;

    const PRESIGN: &str = "v3/eduschoolpay/contracts/presign";
    const DEDUCT: &str = "v3/eduschoolpay/transactions";
    const BY_ID: &str = "v3/eduschoolpay/transactions/id/{transaction_id}";
    const BY_NUMBER: &str = "v3/eduschoolpay/transactions/out-trade-no/{out_trade_no}";
    const DEBT: &str = "v3/eduschoolpay/users/{openid}/debt-state";
    const OPENID: &str = "oUpF8uMuAJOM2pxb1Q";

    fn open(fx: &Fixture, merchant: &NotifyEndpoint) -> String {
        let answer = fx
            .client()
            .call(PRESIGN, &common::example(PRESIGN).to_string())
            .expect("the pre-sign succeeds");
        let session = fx.sandbox.session_named(&answer.data).expect("a session");
        let signed = fx
            .sandbox
            .sign(&session, Some(&merchant.url))
            .expect("it signs");
        assert_eq!(
            merchant.next(&fx.client()).event_type,
            "PAYSCORE.USER_OPEN_SERVICE"
        );
        signed["contract_id"].as_str().unwrap().to_owned()
    }

    fn deduct(
        fx: &Fixture,
        merchant: &NotifyEndpoint,
        contract: &str,
        out_trade_no: &str,
        changes: Value,
    ) -> Result<wxpresign::Response, wxpresign::Error> {
        let mut request = json!({"appid": "wx8888888888888888",
            "description": "中山大学-第二食堂-海鲜炒饭", "out_trade_no": out_trade_no,
            "notify_url": merchant.url, "contract_id": contract, "user_id": "20200330tony",
            "amount": {"total": 888, "currency": "CNY"},
            "scene_info": {"start_time": "2026-12-07T12:00:00+08:00",
                           "school_id": "18260256813396", "scene_type": "CANTEEN"}});
        for (name, value) in changes.as_object().unwrap() {
            request[name] = value.clone();
        }
        fx.client().call(DEDUCT, &request.to_string())
    }

    fn ask(fx: &Fixture, path: &str, request: Value) -> Value {
        fx.client()
            .call(path, &request.to_string())
            .expect("answered")
            .data
    }

    #[test]
    fn a_deduction_is_answered_settled_notified_and_queried_by_both_ids() {
        let fx = common::sandbox();
        let merchant = common::notify_endpoint();
        let contract = open(&fx, &merchant);
        let (status, code, detail) = refused(deduct(
            &fx,
            &merchant,
            &contract,
            "C0",
            json!({"user_id": "someone-else"}),
        ));
        assert_eq!(
            (status, code.as_str(), &detail["field"]),
            (400, "PARAM_ERROR", &json!("/user_id"))
        );
        let paid = deduct(&fx, &merchant, &contract, "C1", json!({}))
            .expect("taken")
            .data;
        assert_eq!(paid["trade_state"], "SUCCESS");
        assert_eq!(paid["payer"]["openid"], OPENID);
        let told = merchant.next(&fx.client());
        assert_eq!(
            (told.event_type.as_str(), &told.resource),
            ("TRANSACTION.SUCCESS", &paid)
        );
        assert_eq!(ask(&fx, BY_NUMBER, json!({"out_trade_no": "C1"})), paid);
        let id = paid["transaction_id"].clone();
        assert_eq!(ask(&fx, BY_ID, json!({"transaction_id": id})), paid);

        let waiting = deduct(
            &fx,
            &merchant,
            &contract,
            "C2",
            json!({"payment_mode": "ASYNC"}),
        );
        assert_eq!(waiting.expect("accepted").data["trade_state"], "ACCEPT");
        at(&fx, &day(1), "12:00:00");
        assert_eq!(
            merchant.next(&fx.client()).resource["trade_state"],
            "SUCCESS"
        );
    }

    /// "会由微信支付出资对该笔订单进行垫付…产生一笔用户向微信支付的欠款"; "欠款超过一定限制后,会处于无法
    /// 扣款的状态".
    #[test]
    fn short_funds_are_advanced_as_a_debt_and_past_the_limit_the_user_is_forbidden() {
        let fx = common::sandbox();
        let merchant = common::notify_endpoint();
        let contract = open(&fx, &merchant);
        let state = || ask(&fx, DEBT, json!({"openid": OPENID}));
        assert_eq!(
            (state()["state"].clone(), state()["debt_count"].clone()),
            (json!("NORMAL"), json!(0))
        );
        let poor = json!({"attach": "SANDBOXNOTENOUGH"});
        let advanced = deduct(&fx, &merchant, &contract, "D1", poor.clone()).expect("taken");
        assert_eq!(advanced.data["trade_state"], "SUCCESS");
        assert_eq!(
            (state()["state"].clone(), state()["debt_count"].clone()),
            (json!("NORMAL"), json!(1))
        );
        deduct(&fx, &merchant, &contract, "D2", poor).expect("a second advance");
        assert_eq!(
            (state()["state"].clone(), state()["debt_count"].clone()),
            (json!("FORBIDDEN"), json!(2))
        );
        let told: Vec<(String, Value)> = (0..3)
            .map(|_| merchant.next(&fx.client()))
            .map(|n| (n.event_type, n.resource))
            .collect();
        let updates: Vec<&Value> = told
            .iter()
            .filter(|(event, _)| event == "EDU_SCHOOL_PAY.USER_DEBT_STATE_UPDATE")
            .map(|(_, resource)| resource)
            .collect();
        assert_eq!(
            updates.len(),
            1,
            "only the change to FORBIDDEN is told: {told:?}"
        );
        assert_eq!(
            (&updates[0]["state"], &updates[0]["debt_count"]),
            (&json!("FORBIDDEN"), &json!(2))
        );
        assert_eq!(updates[0]["openid"], OPENID);
        let (status, code, _) = refused(deduct(&fx, &merchant, &contract, "D3", json!({})));
        assert_eq!((status, code.as_str()), (403, "NO_AUTH"));
        let unknown = fx
            .client()
            .call(DEBT, &json!({"openid": "oNobody"}).to_string());
        assert_eq!(refused(unknown).0, 404);
    }
}
