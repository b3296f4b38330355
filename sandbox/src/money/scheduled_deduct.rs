//! 委托代扣 · 预约扣费类型: the money of a scheduled-deduction contract, as the pages say it
//! (https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-schedule-deduction.html
//! and the product introduction
//! https://pay.weixin.qq.com/docs/merchant/products/entrusted-payment/introduction.html).
//! Let D be the pre-sign's `deduct_schedule.estimated_deduct_date` and A its amount:
//!
//! - the deduction is scheduled once, on D−1 within [08:00, 19:30) Beijing time, for A;
//! - it is applied for on day D, for the scheduled amount, again after a failure;
//! - a success ends the contract at once; no success by the end of D makes the schedule
//!   EXPIRED, and the contract ends at D+1 08:00.
//!
//! The schedule lives in the contract's `deduct_schedule`, which the contract's query and its
//! ENTRUST.TERMINATE show.

use super::calendar::{BEIJING, DAY, HOUR, beijing, date, days};
use super::orders::{accepted, transaction};
use super::{Money, Notices, Order, OrderState, States, Ticked, Timing, terminated};
use crate::Identity;
use crate::contracts::Contract;
use crate::families::ENTRUSTED_RETRY_SECS;
use crate::refusal::{Answered, Refusal};
use crate::server::State;
use crate::signer;
use serde_json::{Map, Value, json};
use wxpresign::endpoints::Endpoint;

pub(super) static MONEY: Money = Money {
    name: "scheduled_deduct",
    deductions: &[
        "v3/papay/pay/transactions/apply",
        "v3/papay/pay/partner/transactions/apply",
        "v3/papay/pay/harmony/transactions/apply",
    ],
    key: "out_trade_no",
    sub_merchant: Some("sub_mchid"),
    merchant_member: None,
    amount: |value| value["amount"]["total"].as_i64().unwrap_or(0),
    failure_in: &["/attach", "/description"],
    timing: Timing::Accepted {
        settles: super::after_accepted,
        answer: accepted,
    },
    states: States {
        accept: "ACCEPT",
        success: "SUCCESS",
        failed: "PAY_FAIL",
        closed: "CLOSED",
    },
    // "支付成功通知的类型为TRANSACTION.SUCCESS。支付失败通知的类型为TRANSACTION.FAIL"
    // (https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/deduct-result-notify.html).
    notices: Notices {
        url: "transaction_notify_url",
        success: Some(("TRANSACTION.SUCCESS", "支付成功")),
        failure: Some(("TRANSACTION.FAIL", "支付失败")),
        original_type: "transaction",
    },
    resource: transaction,
    // Its orders are queried through the APIv3 order queries (orders.rs).
    queries: &[],
    reversal: None,
    not_found: (404, "ORDER_NOT_EXIST", "订单不存在"),
    ended: (
        400,
        "INVALID_REQUEST",
        "协议已解约: the contract is terminated and takes no schedule or deduction",
    ),
    call,
    admit,
    succeeded,
    tick,
    // One family, one schedule: its contract notifications' ("所有通知频率(4小时)").
    retry_secs: ENTRUSTED_RETRY_SECS,
    // The pages do not name the mode of these terminations; the mode enum's SYSTEM_TERMINATE
    // is WeChat Pay's own ("USER_TERMINATE | MCH_API_TERMINATE | API | WEPAY_WEB_TERMINATE |
    // CUSTOMER_SERVICE_TERMINATE | SYSTEM_TERMINATE",
    // https://pay.weixin.qq.com/doc/v3/merchant/4016724543).
    ended_by_system: &[("contract_termination_mode", "SYSTEM_TERMINATE")],
    advanced: |_, _| false,
    tells: |_, _| None,
    lookups: &[],
};

/// The HarmonyOS deduction (4013388429) names no schedule: its contracts take deductions
/// while in force, and a success leaves them in force.
const HARMONY: &str = "v3/papay/pay/harmony/transactions/apply";

const SCHEDULE: &str = "deduct_schedule";

fn call(
    state: &State,
    merchant: &Identity,
    endpoint: &'static Endpoint,
    value: &Value,
    contract: Contract,
) -> Answered {
    if endpoint.path.ends_with("/schedule") {
        return schedule(state, merchant, value, contract);
    }
    if endpoint.path.ends_with("notify") {
        // The notices serve periodic (周期扣费) templates, not this product: WeChat Pay's answer
        // to a merchant who sent one for another template, as a forum thread quotes it
        // (https://developers.weixin.qq.com/community/personal/oCJUsw9NtQVE4HYOBqgGAuPT-cdQ/question).
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "当前签约的模板不是周期扣费类型,不能下发扣费前通知",
        ));
    }
    let schedule = scheduled(&contract)?;
    signer::ok(merchant, &answer_of(&schedule))
}

/// The contract's `deduct_schedule` as it is now; refused for a contract without one.
fn scheduled(contract: &Contract) -> Result<Map<String, Value>, Refusal> {
    let mut schedule = contract
        .current(SCHEDULE)
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| {
            Refusal::new(
                400,
                "INVALID_REQUEST",
                "该协议不是预约扣费协议: its pre-sign gave no deduct_schedule",
            )
        })?;
    schedule
        .entry("schedule_state")
        .or_insert_with(|| "NO_SCHEDULED".into());
    Ok(schedule)
}

/// The schedule's answer and query: the state, and the members the state has
/// ("当状态为已预约或已扣费时有返回", "当预约状态为已扣费时有返回").
fn answer_of(schedule: &Map<String, Value>) -> Value {
    let names = [
        "schedule_state",
        "deduct_start_date",
        "deduct_end_date",
        "scheduled_amount",
        "deduct_amount",
        "deduct_date",
    ];
    Value::Object(
        names
            .iter()
            .filter_map(|n| Some(((*n).to_owned(), schedule.get(*n)?.clone())))
            .collect(),
    )
}

fn state_of(schedule: &Map<String, Value>) -> &str {
    schedule
        .get("schedule_state")
        .and_then(Value::as_str)
        .unwrap_or("NO_SCHEDULED")
}

/// D and A of the schedule: the day as days since 1970-01-01 and the amount in fen.
fn planned(schedule: &Map<String, Value>) -> Option<(u64, i64)> {
    let date = schedule.get("estimated_deduct_date")?.as_str()?;
    let total = schedule
        .get("estimated_deduct_amount")?
        .get("total")?
        .as_i64()?;
    Some((days(date)?, total))
}

fn refused(issue: impl Into<String>) -> Refusal {
    Refusal::new(400, "INVALID_REQUEST", issue)
}

/// 预约扣费: once (R5), on D−1 (R2) within [08:00, 19:30) (R3), for A (R4).
fn schedule(state: &State, merchant: &Identity, value: &Value, contract: Contract) -> Answered {
    if contract.terminated.is_some() {
        return Err(terminated());
    }
    let mut schedule = scheduled(&contract)?;
    if state_of(&schedule) != "NO_SCHEDULED" {
        return Err(refused(format!(
            "该协议不能再次调用「预约扣费」接口进行预约: the schedule is {}",
            state_of(&schedule)
        )));
    }
    let (d, a) = planned(&schedule).ok_or_else(|| refused("deduct_schedule is incomplete"))?;
    let (today, time) = beijing(state.clock.now_secs());
    if today + 1 != d || !(8 * HOUR..19 * HOUR + 30 * 60).contains(&time) {
        return Err(refused(format!(
            "不在可预约时间内: a deduction for {} is scheduled on {} within [8:00,19:30) \
             Beijing time only",
            date(d),
            date(d.saturating_sub(1))
        )));
    }
    let total = value["schedule_amount"]["total"].as_i64().unwrap_or(0);
    if total != a {
        return Err(Refusal::param_error(
            "/schedule_amount/total",
            total.into(),
            format!("预约金额需等于预计扣费金额: must be {a}, the pre-sign's amount"),
            "body",
        ));
    }
    let currency = value["schedule_amount"]["currency"]
        .as_str()
        .unwrap_or("CNY");
    schedule.insert("schedule_state".into(), "SCHEDULED".into());
    schedule.insert("deduct_start_date".into(), date(d).into());
    schedule.insert("deduct_end_date".into(), date(d).into());
    schedule.insert(
        "scheduled_amount".into(),
        json!({"total": total, "currency": currency}),
    );
    let mut moved = contract;
    moved
        .changed
        .insert(SCHEDULE.into(), Value::Object(schedule.clone()));
    state
        .store
        .contract_moved(&moved, &[])
        .map_err(|e| Refusal::failed(&e))?;
    let contracts = state.merchants.contracts(&merchant.mchid);
    if let Some(held) = contracts.all().iter_mut().find(|c| c.id == moved.id) {
        *held = moved;
    }
    signer::ok(merchant, &answer_of(&schedule))
}

/// 受理扣款: after a schedule (R1), on day D (R7), for the scheduled amount (R8), one order
/// at a time (a second while one awaits its result could succeed twice).
fn admit(
    endpoint: &'static Endpoint,
    contract: &Contract,
    value: &Value,
    now: u64,
    orders: &[Order],
) -> Result<(), Refusal> {
    if orders.iter().any(|o| o.state == OrderState::Accept) {
        return Err(refused(
            "an order of this contract awaits its result: query it before another deduction",
        ));
    }
    if endpoint.path == HARMONY {
        return Ok(());
    }
    let schedule = scheduled(contract)?;
    match state_of(&schedule) {
        "SCHEDULED" => {}
        "NO_SCHEDULED" => {
            return Err(refused(
                "预约成功后方可在约定时间内扣费: schedule the deduction first",
            ));
        }
        other => {
            return Err(refused(format!(
                "该协议不能再次调用「受理扣款」接口: the schedule is {other}"
            )));
        }
    }
    let (d, _) = planned(&schedule).ok_or_else(|| refused("deduct_schedule is incomplete"))?;
    if beijing(now).0 != d {
        return Err(refused(format!(
            "不在可扣费期内: the deduction is applied for on {} only",
            date(d)
        )));
    }
    let scheduled = schedule["scheduled_amount"]["total"].as_i64().unwrap_or(0);
    let total = value["amount"]["total"].as_i64().unwrap_or(0);
    if total != scheduled {
        return Err(Refusal::param_error(
            "/amount/total",
            total.into(),
            format!("扣费金额必须等于预约扣费时传入的扣费金额: must be {scheduled}"),
            "body",
        ));
    }
    Ok(())
}

/// A success makes the schedule PAID and ends the contract at once (R10): "扣费成功后,系统将
/// 立即进行解约". A HarmonyOS deduction changes nothing.
fn succeeded(endpoint: &'static Endpoint, contract: &mut Contract, order: &Order, at: u64) -> bool {
    if endpoint.path == HARMONY {
        return false;
    }
    let Ok(mut schedule) = scheduled(contract) else {
        return false;
    };
    let currency = order.request["amount"]["currency"]
        .as_str()
        .unwrap_or("CNY");
    schedule.insert("schedule_state".into(), "PAID".into());
    schedule.insert(
        "deduct_amount".into(),
        json!({"total": order.amount, "currency": currency}),
    );
    schedule.insert("deduct_date".into(), date(beijing(at).0).into());
    contract
        .changed
        .insert(SCHEDULE.into(), Value::Object(schedule));
    true
}

/// No success by the end of D: the schedule is EXPIRED from D+1 00:00 (R11, R13; a schedule
/// never made expires too), and the contract ends at D+1 08:00: "若可扣费期结束时仍未扣费成功,
/// 则系统会在第二天的8点进行解约". A contract signed from D−1 19:00 on, whose pre-sign WeChat Pay
/// would have refused ("预签约的时间需在传入的预计扣费的日期前一天的19点前") and the sandbox takes
/// (its examples carry fixed dates), is left as it is: it can never be scheduled.
fn tick(contract: &Contract, now: u64) -> Option<Ticked> {
    let schedule = contract.current(SCHEDULE).and_then(Value::as_object)?;
    let (d, _) = planned(schedule)?;
    let cut_off = (d * DAY + 19 * HOUR).checked_sub(DAY + BEIJING)?;
    if contract.signed_at >= cut_off {
        return None;
    }
    let state = state_of(schedule);
    if state == "PAID" || beijing(now).0 <= d {
        return None;
    }
    let mut changed = Map::new();
    if state != "EXPIRED" {
        let mut expired = schedule.clone();
        expired.insert("schedule_state".into(), "EXPIRED".into());
        changed.insert(SCHEDULE.into(), Value::Object(expired));
    }
    let ends = (d + 1) * DAY + 8 * HOUR - BEIJING;
    let ends = (now >= ends).then_some(ends);
    (!changed.is_empty() || ends.is_some()).then_some(Ticked { changed, ends })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page's worked example: D = 2022-03-02.
    fn contract(schedule_state: &str) -> Contract {
        let mut changed = Map::new();
        changed.insert(
            SCHEDULE.into(),
            json!({"estimated_deduct_date": "2022-03-02",
                   "estimated_deduct_amount": {"total": 10000, "currency": "CNY"},
                   "schedule_state": schedule_state}),
        );
        Contract {
            id: "2022TEST".into(),
            endpoint: "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app",
            request: json!({}),
            signed_at: 0,
            terminated: None,
            notify_url: None,
            termination_id: None,
            terminated_by_user: false,
            changed,
            changed_at: Vec::new(),
        }
    }

    /// Unix seconds of a Beijing time on the example's days.
    fn beijing_at(date: &str, hour: u64, minute: u64) -> u64 {
        days(date).unwrap() * DAY + hour * HOUR + minute * 60 - BEIJING
    }

    #[test]
    fn dates_are_beijing_calendar_days() {
        assert_eq!(date(days("2022-03-02").unwrap()), "2022-03-02");
        assert_eq!(days("2022-02-30"), None);
        let (day, time) = beijing(beijing_at("2022-03-01", 19, 30));
        assert_eq!(
            (date(day).as_str(), time),
            ("2022-03-01", 19 * HOUR + 30 * 60)
        );
    }

    /// "若在2022-03-02 24:00前,仍未扣费成功,系统会在2022-03-03的8点进行解约。"
    #[test]
    fn without_success_the_schedule_expires_after_d_and_the_contract_ends_at_8_the_next_day() {
        let scheduled = contract("SCHEDULED");
        assert!(tick(&scheduled, beijing_at("2022-03-02", 23, 59)).is_none());
        let expired = tick(&scheduled, beijing_at("2022-03-03", 0, 0)).expect("expires");
        assert_eq!(expired.changed[SCHEDULE]["schedule_state"], "EXPIRED");
        assert_eq!(expired.ends, None);
        let eight = beijing_at("2022-03-03", 8, 0);
        let ended = tick(&contract("EXPIRED"), eight).expect("ends");
        assert!(ended.changed.is_empty());
        assert_eq!(ended.ends, Some(eight));
        assert!(
            tick(&contract("PAID"), eight).is_none(),
            "a paid schedule is done"
        );
    }

    /// A pre-sign too late for its date ("预签约的时间需在传入的预计扣费的日期前一天的19点前") makes a
    /// contract the clock leaves alone.
    #[test]
    fn a_contract_signed_from_d_minus_1_19_00_on_is_not_expired_by_the_clock() {
        let mut late = contract("NO_SCHEDULED");
        late.signed_at = beijing_at("2022-03-01", 19, 0);
        assert!(tick(&late, beijing_at("2022-03-04", 0, 0)).is_none());
        late.signed_at -= 1;
        assert!(tick(&late, beijing_at("2022-03-04", 0, 0)).is_some());
    }
}
