//! 自动还款 (credit repayment): the money of a repayment contract, as the pages say it. A
//! repayment is scheduled first, one item at a time ("当前只支持传入1个预约还款项"), for a date
//! "从本次预约日+1天开始,到本次预约日+15天(不包括这天)为止", an amount within the contract's limit
//! ("不能超过…与用户签约成功的还款协议中设置的还款金额上限")
//! (https://pay.weixin.qq.com/doc/v3/partner/4016779459); then deducted
//! ("只有成功预约还款之后才能发起还款", https://pay.weixin.qq.com/doc/v3/partner/4016779462).
//! Its success is notified as CREDIT_REPAYMENT.DEDUCTION_PAY ("支付成功通知为
//! CREDIT_REPAYMENT.DEDUCTION_PAY", https://pay.weixin.qq.com/doc/v3/partner/4016790592); a
//! failure is learnt by the query (https://pay.weixin.qq.com/doc/v3/partner/4016779468).
//!
//! The schedule records live in the contract's `schedule_records`, by `out_record_id`.

use super::calendar::{BEIJING, DAY, beijing, date, days};
use super::orders::{Order, OrderState};
use super::{Lookup, Money, Notices, States, Timing, terminated};
use crate::Identity;
use crate::contracts::Contract;
use crate::refusal::{Answered, Refusal};
use crate::server::State;
use crate::signer;
use serde_json::{Map, Value, json};
use wxpresign::endpoints::Endpoint;

pub(super) static MONEY: Money = Money {
    name: "credit_repayment",
    deductions: &["v3/credit-repayment/partner/deduct-orders"],
    key: "out_trade_no",
    // A provider's calls: the sub-merchant is named in the schedule item, not the deduction.
    sub_merchant: None,
    merchant_member: None,
    amount: |value| fen(value.get("deduct_amount")).unwrap_or(0),
    failure_in: &["/attach", "/description"],
    timing: Timing::Accepted {
        settles,
        answer: |money, order, contract| Some(deduct_order(money, order, contract)),
    },
    // "DEDUCT_ORDER_STATE_PENDING 待处理 | _NOT_PAY 待还款 | _PAY_SUCCESS 还款成功 | _PAY_FAIL 还款失败":
    // an accepted order waits for its date as NOT_PAY; the family publishes no reversal.
    states: States {
        accept: "DEDUCT_ORDER_STATE_NOT_PAY",
        success: "DEDUCT_ORDER_STATE_PAY_SUCCESS",
        failed: "DEDUCT_ORDER_STATE_PAY_FAIL",
        closed: "DEDUCT_ORDER_STATE_PAY_FAIL",
    },
    notices: Notices {
        url: "notify_url",
        success: Some(("CREDIT_REPAYMENT.DEDUCTION_PAY", "信贷还款还款成功")),
        failure: None,
        // The page's example says "payscore" (wechatpay.im: credit_repayment).
        original_type: "payscore",
    },
    resource: deduct_order,
    queries: &[(
        "v3/credit-repayment/partner/deduct-orders/{out_trade_no}",
        Lookup::Key,
    )],
    reversal: None,
    not_found: (404, "NOT_FOUND", "还款单不存在"),
    ended: (
        400,
        "INVALID_REQUEST",
        "还款协议已解约: the contract is terminated and takes no repayment",
    ),
    call,
    admit,
    succeeded: |_, _, _, _| false,
    tick: |_, _| None,
    retry_secs: crate::families::CREDIT_REPAYMENT_RETRY_SECS,
    ended_by_system: &[],
    advanced: |_, _| false,
    tells: |_, _| None,
    lookups: &[],
};

const RECORDS: &str = "schedule_records";

/// "单位:分", written as a string of digits.
fn fen(value: Option<&Value>) -> Option<i64> {
    value?.as_str()?.parse().ok()
}

/// The contract's schedule record `id`.
fn record<'a>(contract: &'a Contract, id: &str) -> Option<&'a Value> {
    contract.changed.get(RECORDS)?.get(id)
}

/// The repayment falls due when its date begins (Beijing time), or a few seconds after it was
/// asked for on that day.
fn settles(contract: &Contract, value: &Value, now: u64) -> u64 {
    let id = value["out_record_id"].as_str().unwrap_or("");
    let day = record(contract, id)
        .and_then(|r| r["repayment_date"].as_str())
        .and_then(days);
    let starts = day.map_or(0, |d| (d * DAY).saturating_sub(BEIJING));
    starts.max(super::after_accepted(contract, value, now))
}

fn call(
    state: &State,
    merchant: &Identity,
    endpoint: &'static Endpoint,
    value: &Value,
    contract: Contract,
) -> Answered {
    if endpoint.path.ends_with("batch-create") {
        return schedule(state, merchant, value, contract);
    }
    let id = value["out_record_id"].as_str().unwrap_or("");
    let found = record(&contract, id)
        .ok_or_else(|| Refusal::new(404, "NOT_FOUND", "预约还款记录不存在"))?;
    signer::ok(merchant, &shown(found))
}

/// A schedule record as its answers give it: the sub-merchant it keeps for the repayment's
/// notification is not among their members.
fn shown(record: &Value) -> Value {
    let mut shown = record.clone();
    if let Value::Object(members) = &mut shown {
        members.remove("sub_mchid");
    }
    shown
}

/// 预约还款: one item, for this contract's user and sub-merchant, a new `out_record_id`, an
/// amount within the contract's limit, a date in the window; kept on the contract.
fn schedule(state: &State, merchant: &Identity, value: &Value, contract: Contract) -> Answered {
    if contract.terminated.is_some() {
        return Err(terminated());
    }
    let item = &value["schedule_items"][0];
    checked_user(&contract, &merchant.mchid, value, item)?;
    let id = item["out_record_id"].as_str().unwrap_or("");
    let taken = state
        .merchants
        .contracts(&merchant.mchid)
        .all()
        .iter()
        .any(|c| record(c, id).is_some());
    if taken {
        return Err(Refusal::param_error(
            "/schedule_items/0/out_record_id",
            id.into(),
            "预约还款记录ID需要保证在同一个商户号下唯一: this one is taken",
            "body",
        ));
    }
    checked_amounts(&contract, item)?;
    checked_date(item, state.clock.now_secs())?;
    let mut kept = Map::new();
    kept.insert("out_record_id".into(), id.into());
    kept.insert("appid".into(), value["appid"].clone());
    for name in ["sub_appid", "sub_mchid"] {
        if let Some(given) = item.get(name) {
            kept.insert(name.into(), given.clone());
        }
    }
    kept.insert("contract_id".into(), contract.id.clone().into());
    for name in ["repayment_amount", "min_repayment_amount", "repayment_date"] {
        if let Some(given) = item.get(name) {
            kept.insert(name.into(), given.clone());
        }
    }
    kept.insert("openid".into(), value["openid"].clone());
    let mut moved = contract;
    let records = moved.changed.entry(RECORDS).or_insert_with(|| json!({}));
    if let Value::Object(records) = records {
        records.insert(id.to_owned(), Value::Object(kept.clone()));
    }
    keep(state, merchant, moved)?;
    let shown = shown(&Value::Object(kept));
    signer::ok(merchant, &json!({"schedule_records": [shown]}))
}

/// The contract's new members, kept before the answer.
fn keep(state: &State, merchant: &Identity, moved: Contract) -> Result<(), Refusal> {
    state
        .store
        .contract_moved(&moved, &[])
        .map_err(|e| Refusal::failed(&e))?;
    let contracts = state.merchants.contracts(&merchant.mchid);
    if let Some(held) = contracts.all().iter_mut().find(|c| c.id == moved.id) {
        *held = moved;
    }
    Ok(())
}

/// The schedule names the contract's appid and user, and the sub-merchant it was signed for.
fn checked_user(
    contract: &Contract,
    mchid: &str,
    value: &Value,
    item: &Value,
) -> Result<(), Refusal> {
    let view = contract
        .kind()
        .map(|k| contract.view(k, mchid))
        .unwrap_or_default();
    let mine = [
        ("/appid", contract.request.get("appid"), value.get("appid")),
        ("/openid", view.get("openid"), value.get("openid")),
        (
            "/schedule_items/0/sub_mchid",
            contract.request.get("sub_mchid"),
            item.get("sub_mchid"),
        ),
    ];
    for (field, signed, given) in mine {
        if signed.is_some() && signed != given {
            return Err(Refusal::param_error(
                field,
                given.cloned().unwrap_or(Value::Null),
                "must be the contract's: the one its pre-sign and signing gave",
                "body",
            ));
        }
    }
    Ok(())
}

/// "不能超过…还款协议中设置的还款金额上限"; the minimum at most the amount and, where given,
/// at least 5% of it (the lower of the two plans' floors: the sandbox does not know the plan).
fn checked_amounts(contract: &Contract, item: &Value) -> Result<(), Refusal> {
    let amount = fen(item.get("repayment_amount")).unwrap_or(0);
    let limit = fen(contract.request.get("repayment_amount_limit"));
    if amount <= 0 || limit.is_some_and(|l| amount > l) {
        return Err(Refusal::param_error(
            "/schedule_items/0/repayment_amount",
            item["repayment_amount"].clone(),
            format!(
                "还款金额不能超过还款协议中设置的还款金额上限: at most {} fen, more than 0",
                limit.unwrap_or(i64::MAX)
            ),
            "body",
        ));
    }
    let Some(min) = fen(item.get("min_repayment_amount")) else {
        return Ok(());
    };
    let floor = (amount * 5 + 99) / 100;
    if min < floor || min > amount {
        return Err(Refusal::param_error(
            "/schedule_items/0/min_repayment_amount",
            item["min_repayment_amount"].clone(),
            format!(
                "最低还款金额需要大于等于应还款金额的5%(消费贷)或10%(现金贷): {floor} to {amount} fen"
            ),
            "body",
        ));
    }
    Ok(())
}

/// "从本次预约日+1天开始,到本次预约日+15天(不包括这天)为止", Beijing days.
fn checked_date(item: &Value, now: u64) -> Result<(), Refusal> {
    let today = beijing(now).0;
    let given = item["repayment_date"].as_str().unwrap_or("");
    match days(given) {
        Some(day) if (today + 1..today + 15).contains(&day) => Ok(()),
        _ => Err(Refusal::param_error(
            "/schedule_items/0/repayment_date",
            given.into(),
            format!(
                "还款日期只能在本次预约日+1天到+15天(不包括这天)之间: {} to {}",
                date(today + 1),
                date(today + 14)
            ),
            "body",
        )),
    }
}

/// 发起还款: after its schedule record, by the end of its date, for at least its minimum and
/// at most its amount, one order of a record at a time and none after its success.
fn admit(
    _: &'static Endpoint,
    contract: &Contract,
    value: &Value,
    now: u64,
    orders: &[Order],
) -> Result<(), Refusal> {
    let id = value["out_record_id"].as_str().unwrap_or("");
    let refused = |issue: String| Refusal::new(400, "INVALID_REQUEST", issue);
    let record = record(contract, id).ok_or_else(|| {
        refused(format!(
            "只有成功预约还款之后才能发起还款: no schedule record {id} on this contract"
        ))
    })?;
    let day = record["repayment_date"]
        .as_str()
        .and_then(days)
        .unwrap_or(0);
    if beijing(now).0 > day {
        return Err(refused(format!(
            "预约还款日已过: the record was for {}",
            date(day)
        )));
    }
    if let Some(held) = orders.iter().find(|o| {
        o.request["out_record_id"] == id
            && matches!(o.state, OrderState::Accept | OrderState::Success)
    }) {
        return Err(refused(format!(
            "该预约还款记录已有还款单 {}: one repayment per record, another only after a failure",
            held.out_trade_no
        )));
    }
    let asked = fen(value.get("deduct_amount")).unwrap_or(0);
    let most = fen(record.get("repayment_amount")).unwrap_or(0);
    let least = fen(record.get("min_repayment_amount")).unwrap_or(1).max(1);
    if !(least..=most).contains(&asked) {
        return Err(Refusal::param_error(
            "/deduct_amount",
            value["deduct_amount"].clone(),
            format!("还款金额需在预约的最低还款金额与应还款金额之间: {least} to {most} fen"),
            "body",
        ));
    }
    Ok(())
}

/// The deduct order as it is answered, queried and notified (with the provider and the
/// sub-merchant in the notification's members, which the answers also carry).
fn deduct_order(money: &Money, order: &Order, contract: &Contract) -> Value {
    let id = order.request["out_record_id"].as_str().unwrap_or("");
    let record = record(contract, id).cloned().unwrap_or_default();
    let mut out = Map::new();
    out.insert("sp_mchid".into(), order.mchid.clone().into());
    for name in ["sub_mchid", "appid", "sub_appid", "openid"] {
        if let Some(v) = record.get(name) {
            out.insert(name.into(), v.clone());
        }
    }
    out.insert("out_trade_no".into(), order.out_trade_no.clone().into());
    out.insert("out_record_id".into(), id.into());
    out.insert("contract_id".into(), order.contract_id.clone().into());
    out.insert("order_state".into(), money.state_name(order.state).into());
    out.insert("deduct_amount".into(), order.amount.to_string().into());
    if order.state == OrderState::Success {
        out.insert("pay_success_amount".into(), order.amount.to_string().into());
        out.insert("transaction_id".into(), order.transaction_id.clone().into());
    }
    for name in ["description", "attach"] {
        if let Some(v) = order.request.get(name) {
            out.insert(name.into(), v.clone());
        }
    }
    Value::Object(out)
}
