//! 委托代扣 · 保险业: the money of an insurance contract, period by period, as the schedule page
//! says it (https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/schedule/schedule-policy-period.html,
//! https://pay.weixin.qq.com/doc/v3/merchant/4012471270). Let E be a period's
//! `estimated_deduct_date` and A its `estimated_deduct_amount`, all times Beijing's:
//!
//! - a period is scheduled once, from E−1 to E+28 ("预计扣费日期的前1个自然日当天至预计扣费日期后28个
//!   自然日当天,共30天"), within [08:00, 19:30), for A ("扣费金额需要等于该周期指定的预计扣费金额");
//!   scheduling it makes another period's schedule void at once ("上次的预约会立即失效,不可再进行
//!   扣费");
//! - it is deducted from the day after its schedule to E+29 ("预约成功日的后1个自然日…至…预计扣费日期
//!   的后29个自然日"), within [08:00, 20:00), for the scheduled amount, again after a failure
//!   ("扣费失败可再次调用…直到扣费成功或者可扣费期段结束");
//! - a success makes it PAID and leaves the contract in force; a scheduled period without
//!   success by E+29 20:00, or one never scheduled by E+28 19:30, is EXPIRED.
//!
//! The periods live in the contract's `policy_periods`, each with its `policy_period_state` and
//! the dates and amounts the state has, which the periods' list answers too.

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
    name: "insurance",
    deductions: &["v3/papay/insurance-pay/transactions/apply"],
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
    // One family, one schedule: its contract notifications'.
    retry_secs: ENTRUSTED_RETRY_SECS,
    // The clock ends no insurance contract; the mode is the enum's own for WeChat Pay's system.
    ended_by_system: &[("contract_termination_mode", "SYSTEM_TERMINATE")],
    advanced: |_, _| false,
    tells: |_, _| None,
    lookups: &[],
};

const PERIODS: &str = "policy_periods";
const STATE: &str = "policy_period_state";
const MINUTE: u64 = 60;
/// "[8:00,19:30)" for a schedule, "[8:00,20:00)" for a deduction.
const SCHEDULE_HOURS: std::ops::Range<u64> = 8 * HOUR..19 * HOUR + 30 * MINUTE;
const DEDUCT_HOURS: std::ops::Range<u64> = 8 * HOUR..20 * HOUR;

fn call(
    state: &State,
    merchant: &Identity,
    endpoint: &'static Endpoint,
    value: &Value,
    contract: Contract,
) -> Answered {
    let id = period_id(value);
    let periods = periods_of(&contract);
    let index = periods
        .iter()
        .position(|p| p["policy_period_id"].as_i64() == Some(id))
        .ok_or_else(|| {
            Refusal::new(
                404,
                "RESOURCE_NOT_EXISTS",
                format!("保险扣费周期不存在: the contract has no policy period {id}"),
            )
        })?;
    if !endpoint.path.ends_with("/schedule") {
        return signer::ok(merchant, &answer_of(&periods[index]));
    }
    if contract.terminated.is_some() {
        return Err(terminated());
    }
    let next = schedule(periods, index, value, state.clock.now_secs())?;
    let answer = answer_of(&next[index]);
    let mut moved = contract;
    moved.changed.insert(PERIODS.into(), Value::Array(next));
    state
        .store
        .contract_moved(&moved, &[])
        .map_err(|e| Refusal::failed(&e))?;
    let contracts = state.merchants.contracts(&merchant.mchid);
    if let Some(held) = contracts.all().iter_mut().find(|c| c.id == moved.id) {
        *held = moved;
    }
    signer::ok(merchant, &answer)
}

/// The period a request names: a number in a body, the path's text otherwise.
fn period_id(value: &Value) -> i64 {
    let id = &value["policy_period_id"];
    id.as_i64()
        .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(0)
}

/// The contract's periods as they stand (the pre-sign's, modified, renewed, scheduled, paid).
fn periods_of(contract: &Contract) -> Vec<Value> {
    contract
        .current(PERIODS)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn state_of(period: &Value) -> &str {
    period[STATE].as_str().unwrap_or("NO_SCHEDULED")
}

/// The schedule's answer and query: the state, and the members the state has ("当状态为已预约
/// 或已扣费时有返回").
fn answer_of(period: &Value) -> Value {
    let mut out = Map::new();
    out.insert(
        "policy_period_id".into(),
        period["policy_period_id"].clone(),
    );
    out.insert(STATE.into(), state_of(period).into());
    for name in [
        "deduct_start_date",
        "deduct_end_date",
        "scheduled_amount",
        "deduct_amount",
        "deduct_date",
    ] {
        if let Some(value) = period.get(name) {
            out.insert(name.into(), value.clone());
        }
    }
    Value::Object(out)
}

/// E and A of a period: the day as days since 1970-01-01 and the amount in fen.
fn planned(period: &Value) -> Option<(u64, i64)> {
    let e = days(period["estimated_deduct_date"].as_str()?)?;
    Some((e, period["estimated_deduct_amount"]["total"].as_i64()?))
}

fn refused(issue: impl Into<String>) -> Refusal {
    Refusal::new(400, "INVALID_REQUEST", issue)
}

/// 预约保险自动续费 of period `index` at `now`: the periods it leaves.
fn schedule(
    mut periods: Vec<Value>,
    index: usize,
    value: &Value,
    now: u64,
) -> Result<Vec<Value>, Refusal> {
    let period = &periods[index];
    if state_of(period) != "NO_SCHEDULED" {
        return Err(refused(format!(
            "该保险扣费周期不能再次调用「预约保险自动续费」接口进行预约: the period is {}",
            state_of(period)
        )));
    }
    let (e, a) = planned(period).ok_or_else(|| refused("the policy period is incomplete"))?;
    let (today, time) = beijing(now);
    if !(e.saturating_sub(1)..=e + 28).contains(&today) || !SCHEDULE_HOURS.contains(&time) {
        return Err(refused(format!(
            "不在可预约时间内: this period is scheduled from {} to {} within [8:00,19:30) \
             Beijing time only",
            date(e.saturating_sub(1)),
            date(e + 28)
        )));
    }
    let total = value["scheduled_amount"]["total"].as_i64().unwrap_or(0);
    if total != a {
        return Err(Refusal::param_error(
            "/scheduled_amount/total",
            total.into(),
            format!("扣费金额需要等于该周期指定的预计扣费金额: must be {a}"),
            "body",
        ));
    }
    let currency = value["scheduled_amount"]["currency"]
        .as_str()
        .unwrap_or("CNY");
    for other in periods.iter_mut().filter(|p| state_of(p) == "SCHEDULED") {
        other[STATE] = "EXPIRED".into();
    }
    let period = &mut periods[index];
    period[STATE] = "SCHEDULED".into();
    period["deduct_start_date"] = date(today + 1).into();
    period["deduct_end_date"] = date(e + 29).into();
    period["scheduled_amount"] = json!({"total": total, "currency": currency});
    Ok(periods)
}

/// 受理保险自动续费扣款: a SCHEDULED period, within its deduction days and [08:00, 20:00), for
/// the scheduled amount, one order at a time (a second while one awaits its result could
/// succeed twice).
fn admit(
    _endpoint: &'static Endpoint,
    contract: &Contract,
    value: &Value,
    now: u64,
    orders: &[Order],
) -> Result<(), Refusal> {
    let id = period_id(value);
    if orders
        .iter()
        .any(|o| o.state == OrderState::Accept && period_id(&o.request) == id)
    {
        return Err(refused(
            "an order of this policy period awaits its result: query it before another deduction",
        ));
    }
    let periods = periods_of(contract);
    let period = periods
        .iter()
        .find(|p| p["policy_period_id"].as_i64() == Some(id))
        .ok_or_else(|| {
            Refusal::param_error(
                "/policy_period_id",
                id.into(),
                "the contract has no such policy period",
                "body",
            )
        })?;
    match state_of(period) {
        "SCHEDULED" => {}
        "NO_SCHEDULED" => {
            return Err(refused(
                "商户需要先对该保险扣费周期发起预约保险自动续费: schedule the period first",
            ));
        }
        other => {
            return Err(refused(format!(
                "该保险扣费周期不能再进行扣费: the period is {other}"
            )));
        }
    }
    let first = period["deduct_start_date"].as_str().and_then(days);
    let last = period["deduct_end_date"].as_str().and_then(days);
    let (today, time) = beijing(now);
    let within = first.is_some_and(|f| f <= today) && last.is_some_and(|l| today <= l);
    if !within || !DEDUCT_HOURS.contains(&time) {
        return Err(refused(format!(
            "不在可扣费期内: this period is deducted from {} to {} within [8:00,20:00) \
             Beijing time only",
            period["deduct_start_date"].as_str().unwrap_or(""),
            period["deduct_end_date"].as_str().unwrap_or("")
        )));
    }
    let scheduled = period["scheduled_amount"]["total"].as_i64().unwrap_or(0);
    let total = value["amount"]["total"].as_i64().unwrap_or(0);
    if total != scheduled {
        return Err(Refusal::param_error(
            "/amount/total",
            total.into(),
            format!("扣费金额必须等于预约保险自动续费时传入的扣费金额: must be {scheduled}"),
            "body",
        ));
    }
    Ok(())
}

/// A success makes its period PAID ("扣费成功后,该保险扣费周期不能再次调用「预约保险自动续费」接口");
/// the contract stays in force for its other periods.
fn succeeded(_: &'static Endpoint, contract: &mut Contract, order: &Order, at: u64) -> bool {
    let id = period_id(&order.request);
    let mut periods = periods_of(contract);
    let Some(period) = periods
        .iter_mut()
        .find(|p| p["policy_period_id"].as_i64() == Some(id))
    else {
        return false;
    };
    let currency = order.request["amount"]["currency"]
        .as_str()
        .unwrap_or("CNY");
    period[STATE] = "PAID".into();
    period["deduct_amount"] = json!({"total": order.amount, "currency": currency});
    period["deduct_date"] = date(beijing(at).0).into();
    contract
        .changed
        .insert(PERIODS.into(), Value::Array(periods));
    false
}

/// EXPIRED: a scheduled period not paid by E+29 20:00 ("若在2022-04-30 20:00前,仍未扣费成功…该
/// 保险扣费周期也不能再进行预约或扣费"), a period never scheduled by the end of its schedule days,
/// E+28 19:30 ("超过预计扣费时间且没有扣费成功").
fn tick(contract: &Contract, now: u64) -> Option<Ticked> {
    let mut periods = periods_of(contract);
    let mut moved = false;
    for period in periods.iter_mut() {
        let Some((e, _)) = planned(period) else {
            continue;
        };
        let ends = match state_of(period) {
            "SCHEDULED" => (e + 29) * DAY + DEDUCT_HOURS.end,
            "NO_SCHEDULED" => (e + 28) * DAY + SCHEDULE_HOURS.end,
            _ => continue,
        };
        if now + BEIJING >= ends {
            period[STATE] = "EXPIRED".into();
            moved = true;
        }
    }
    let mut changed = Map::new();
    changed.insert(PERIODS.into(), Value::Array(periods));
    moved.then_some(Ticked {
        changed,
        ends: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page's worked example: periods estimated 2022-03-01 and 2022-04-01, 100 元 each.
    fn periods() -> Vec<Value> {
        ["2022-03-01", "2022-04-01"]
            .iter()
            .enumerate()
            .map(|(i, e)| {
                json!({"policy_period_id": i + 1, "estimated_deduct_date": e,
                       "estimated_deduct_amount": {"total": 10000, "currency": "CNY"}})
            })
            .collect()
    }

    fn beijing_at(date: &str, hour: u64, minute: u64) -> u64 {
        days(date).unwrap() * DAY + hour * HOUR + minute * MINUTE - BEIJING
    }

    fn amount(total: i64) -> Value {
        json!({"scheduled_amount": {"total": total}})
    }

    /// "第二个保险扣费周期的预约窗口期为2022-03-31至2022-04-29", its deduction to 2022-04-30.
    #[test]
    fn the_second_period_is_scheduled_from_03_31_to_04_29_and_deducted_to_04_30() {
        let early = schedule(
            periods(),
            1,
            &amount(10000),
            beijing_at("2022-03-30", 10, 0),
        );
        assert_eq!(early.unwrap_err().status, 400);
        let late = schedule(
            periods(),
            1,
            &amount(10000),
            beijing_at("2022-04-30", 10, 0),
        );
        assert_eq!(late.unwrap_err().status, 400);
        let on = schedule(periods(), 1, &amount(10000), beijing_at("2022-03-31", 8, 0)).unwrap();
        assert_eq!(
            answer_of(&on[1]),
            json!({"policy_period_id": 2, "policy_period_state": "SCHEDULED",
                   "deduct_start_date": "2022-04-01", "deduct_end_date": "2022-04-30",
                   "scheduled_amount": {"total": 10000, "currency": "CNY"}})
        );
        schedule(
            periods(),
            1,
            &amount(10000),
            beijing_at("2022-04-29", 19, 29),
        )
        .unwrap();
    }

    #[test]
    fn a_schedule_is_refused_from_19_30_and_for_another_amount() {
        let at = beijing_at("2022-04-01", 19, 30);
        assert!(schedule(periods(), 1, &amount(10000), at).is_err());
        let wrong = schedule(periods(), 1, &amount(9999), beijing_at("2022-04-01", 9, 0));
        assert_eq!(
            wrong.unwrap_err().detail.unwrap()["field"],
            "/scheduled_amount/total"
        );
    }

    /// "上次的预约会立即失效,不可再进行扣费".
    #[test]
    fn scheduling_a_period_voids_the_schedule_of_another() {
        let first = schedule(periods(), 0, &amount(10000), beijing_at("2022-03-20", 9, 0));
        let both = schedule(
            first.unwrap(),
            1,
            &amount(10000),
            beijing_at("2022-03-31", 9, 0),
        );
        let both = both.unwrap();
        assert_eq!(
            (state_of(&both[0]), state_of(&both[1])),
            ("EXPIRED", "SCHEDULED")
        );
    }

    fn contract(periods: Vec<Value>) -> Contract {
        let mut changed = Map::new();
        changed.insert(PERIODS.into(), Value::Array(periods));
        Contract {
            id: "2022INSURE".into(),
            endpoint: "v3/papay/insurance-sign/contracts/pre-entrust-sign/app",
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

    /// "若在2022-04-30 20:00前,仍未扣费成功…该保险扣费周期也不能再进行预约或扣费".
    #[test]
    fn a_scheduled_period_expires_at_20_00_on_e_plus_29_and_an_unscheduled_one_at_19_30_on_e_plus_28()
     {
        let scheduled =
            schedule(periods(), 1, &amount(10000), beijing_at("2022-04-02", 9, 0)).unwrap();
        let held = contract(scheduled);
        let before = tick(&held, beijing_at("2022-04-30", 19, 59)).expect("period 1 expired");
        let listed = before.changed[PERIODS].as_array().unwrap().clone();
        assert_eq!(
            (state_of(&listed[0]), state_of(&listed[1])),
            ("EXPIRED", "SCHEDULED")
        );
        let after = tick(&held, beijing_at("2022-04-30", 20, 0)).expect("expires");
        assert_eq!(state_of(&after.changed[PERIODS][1]), "EXPIRED");
        assert!(after.ends.is_none(), "the contract stays in force");
        let fresh = contract(periods());
        let one = tick(&fresh, beijing_at("2022-03-29", 19, 29)).map(|t| t.changed);
        assert!(one.is_none(), "period 1 is schedulable to 03-29 19:30");
        let gone = tick(&fresh, beijing_at("2022-03-29", 19, 30)).expect("period 1 expires");
        assert_eq!(state_of(&gone.changed[PERIODS][0]), "EXPIRED");
    }
}
