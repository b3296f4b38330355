//! The money of a credit-repayment contract: a repayment scheduled for a day from tomorrow to
//! the fourteenth day after, within the contract's limit; its deduct order waiting for that
//! day as NOT_PAY, then PAY_SUCCESS told as CREDIT_REPAYMENT.DEDUCTION_PAY, or PAY_FAIL told
//! by the query alone; all on the sandbox's clock.

use crate::common;

use common::{Fixture, NotifyEndpoint};
use serde_json::{Value, json};
use std::time::Duration;

const PRESIGN: &str = "v3/credit-repayment/partner/contracts/app-presign";
const SCHEDULE: &str = "v3/credit-repayment/partner/schedule-records/batch-create";
const RECORD: &str = "v3/credit-repayment/partner/schedule-records/{out_record_id}";
const DEDUCT: &str = "v3/credit-repayment/partner/deduct-orders";
const ORDER: &str = "v3/credit-repayment/partner/deduct-orders/{out_trade_no}";
const APPID: &str = "wxd678efh567hg6787";
const SUB_MCHID: &str = "1900000109";

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

/// Moves the sandbox's clock to `yyyy-MM-DD` at `hh:mm:ss` Beijing time.
fn at(fx: &Fixture, date: &str, time: &str) {
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let answer = agent
        .post(&format!("{}/sandbox/clock", fx.sandbox.base_url()))
        .header("Content-Type", "application/json")
        .send(json!({"now": format!("{date}T{time}+08:00")}).to_string())
        .expect("the sandbox answers");
    assert_eq!(answer.status().as_u16(), 200);
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

/// A repayment contract with a limit of 10000 fen, signed for the sub-merchant.
struct Loan<'a> {
    fx: &'a Fixture,
    merchant: &'a NotifyEndpoint,
    id: String,
    openid: String,
}

fn sign<'a>(fx: &'a Fixture, merchant: &'a NotifyEndpoint, code: &str) -> Loan<'a> {
    let mut presign = common::example(PRESIGN);
    presign["out_contract_code"] = code.into();
    presign["sub_mchid"] = SUB_MCHID.into();
    let answer = fx
        .client()
        .call(PRESIGN, &presign.to_string())
        .expect("the pre-sign succeeds");
    let session = fx.sandbox.session_named(&answer.data).expect("a session");
    let signed = fx
        .sandbox
        .sign(&session, Some(&merchant.url))
        .expect("it signs");
    let told = merchant.next(&fx.client());
    assert_eq!(told.event_type, "CREDIT_REPAYMENT.SIGN_CONTRACT");
    Loan {
        fx,
        merchant,
        id: signed["contract_id"].as_str().unwrap().to_owned(),
        // The pre-sign names no user; the schedule names the one who signed.
        openid: told.resource["openid"]
            .as_str()
            .unwrap_or("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
            .to_owned(),
    }
}

impl Loan<'_> {
    fn call(&self, path: &str, request: &Value) -> Result<wxpresign::Response, wxpresign::Error> {
        self.fx.client().call(path, &request.to_string())
    }

    fn schedule(
        &self,
        record: &str,
        date: &str,
        amount: &str,
    ) -> Result<wxpresign::Response, wxpresign::Error> {
        let item = json!({"out_record_id": record, "sub_mchid": SUB_MCHID,
                          "repayment_amount": amount, "min_repayment_amount": "1000",
                          "repayment_date": date});
        self.call(
            SCHEDULE,
            &json!({"contract_id": self.id, "appid": APPID, "openid": self.openid,
                    "schedule_items": [item]}),
        )
    }

    fn deduct(
        &self,
        number: &str,
        record: &str,
        amount: &str,
        attach: &str,
    ) -> Result<wxpresign::Response, wxpresign::Error> {
        self.call(
            DEDUCT,
            &json!({"contract_id": self.id, "out_trade_no": number, "out_record_id": record,
                    "deduct_amount": amount, "notify_url": self.merchant.url,
                    "description": "信贷还款", "attach": attach}),
        )
    }

    fn order(&self, number: &str) -> Value {
        self.call(ORDER, &json!({"out_trade_no": number}))
            .expect("the order is found")
            .data
    }

    fn quiet(&self) -> bool {
        self.merchant.within(Duration::from_millis(600)).is_none()
    }
}

#[test]
fn a_repayment_scheduled_then_deducted_succeeds_on_its_date_and_is_notified() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let loan = sign(&fx, &merchant, "REPAYMONEY0001");
    at(&fx, &day(1), "10:00:00");
    let scheduled = loan
        .schedule("REC0001", &day(3), "8000")
        .expect("scheduled")
        .data;
    let record = &scheduled["schedule_records"][0];
    assert_eq!(record["out_record_id"], "REC0001", "{scheduled}");
    assert_eq!(record["repayment_amount"], "8000");
    assert_eq!(record["openid"], loan.openid.as_str());
    let queried = loan.call(
        RECORD,
        &json!({"out_record_id": "REC0001", "contract_id": loan.id}),
    );
    assert_eq!(queried.expect("the record is found").data, *record);

    let taken = loan
        .deduct("REPAY0001", "REC0001", "8000", "x")
        .expect("taken")
        .data;
    assert_eq!(
        taken["order_state"], "DEDUCT_ORDER_STATE_NOT_PAY",
        "{taken}"
    );
    assert_eq!(loan.order("REPAY0001"), taken);
    assert!(loan.quiet(), "nothing before its date");

    at(&fx, &day(3), "00:00:10");
    let told = merchant.next(&fx.client());
    assert_eq!(told.event_type, "CREDIT_REPAYMENT.DEDUCTION_PAY");
    assert_eq!(
        told.resource["order_state"],
        "DEDUCT_ORDER_STATE_PAY_SUCCESS"
    );
    assert_eq!(told.resource["pay_success_amount"], "8000");
    assert_eq!(told.resource["sub_mchid"], SUB_MCHID);
    assert_eq!(loan.order("REPAY0001"), told.resource);
    let (status, code, _) = refused(loan.deduct("REPAY0002", "REC0001", "8000", "x"));
    assert_eq!(
        (status, code.as_str()),
        (400, "INVALID_REQUEST"),
        "a record is repaid once"
    );
}

#[test]
fn a_repayment_date_is_from_the_day_after_the_schedule_to_before_the_fifteenth_day() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let loan = sign(&fx, &merchant, "REPAYMONEY0002");
    at(&fx, &day(1), "10:00:00");
    for date in [day(1), day(16)] {
        let (status, _, detail) = refused(loan.schedule("REC0002", &date, "8000"));
        assert_eq!(status, 400, "{date}");
        assert_eq!(detail["field"], "/schedule_items/0/repayment_date");
    }
    loan.schedule("REC0002", &day(2), "8000")
        .expect("the day after");
    loan.schedule("REC0003", &day(15), "8000")
        .expect("the fourteenth day after");
    let (_, _, detail) = refused(loan.schedule("REC0003", &day(4), "8000"));
    assert_eq!(
        detail["field"], "/schedule_items/0/out_record_id",
        "taken once"
    );
    let (_, _, detail) = refused(loan.schedule("REC0004", &day(4), "10001"));
    assert_eq!(
        detail["field"], "/schedule_items/0/repayment_amount",
        "over the limit"
    );
}

#[test]
fn a_deduct_order_needs_its_schedule_record_and_an_amount_within_it() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let loan = sign(&fx, &merchant, "REPAYMONEY0003");
    at(&fx, &day(1), "10:00:00");
    let (status, code, _) = refused(loan.deduct("REPAY0003", "REC0009", "8000", "x"));
    assert_eq!(
        (status, code.as_str()),
        (400, "INVALID_REQUEST"),
        "只有成功预约还款之后才能发起还款"
    );
    loan.schedule("REC0009", &day(2), "8000")
        .expect("scheduled");
    for amount in ["8001", "999"] {
        let (_, _, detail) = refused(loan.deduct("REPAY0003", "REC0009", amount, "x"));
        assert_eq!(detail["field"], "/deduct_amount", "{amount}");
    }
    at(&fx, &day(3), "00:00:00");
    let (status, _, _) = refused(loan.deduct("REPAY0003", "REC0009", "8000", "x"));
    assert_eq!(status, 400, "its date has passed");
}

#[test]
fn a_failed_repayment_is_told_by_the_query_alone_and_the_record_may_be_repaid_again() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let loan = sign(&fx, &merchant, "REPAYMONEY0004");
    at(&fx, &day(1), "10:00:00");
    loan.schedule("REC0010", &day(2), "8000")
        .expect("scheduled");
    loan.deduct("REPAY0010", "REC0010", "5000", "SANDBOXNOTENOUGH")
        .expect("taken");
    at(&fx, &day(2), "09:00:00");
    assert!(loan.quiet(), "还款失败 has no notification");
    let failed = loan.order("REPAY0010");
    assert_eq!(
        failed["order_state"], "DEDUCT_ORDER_STATE_PAY_FAIL",
        "{failed}"
    );
    assert!(failed.get("pay_success_amount").is_none());

    loan.deduct("REPAY0011", "REC0010", "5000", "x")
        .expect("taken again");
    at(&fx, &day(2), "09:00:10");
    let told = merchant.next(&fx.client());
    assert_eq!(told.resource["out_trade_no"], "REPAY0011");
}
