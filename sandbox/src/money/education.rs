//! 教育续费通 (education renewal): the money of an education contract, as its development guide
//! says it (https://pay.weixin.qq.com/docs/merchant/products/education-fee-payment/development.html):
//! "商户在扣款日前(1-3 天,包含 3 天)给用户《发送扣款预通知》,仅在模板通知发送成功之后才允许执行
//! 扣款". The merchant sends the notice, then deducts 1 to 3 Beijing calendar days later; a
//! notice is used up by the deduction it announced (a failed one leaves it for a retry). The
//! deduction answers 204 ("无应答包体"), its order is `ACCEPTED` ("已受理,未支付") until its result,
//! TRANSACTION.SUCCESS or TRANSACTION.FAIL to its `notify_url`, and the family's two queries
//! answer it by `transaction_id` and by `out_trade_no`.
//!
//! The notices sent live in the contract's `notices_sent` (Unix seconds).
//!
//! 校园轻松付 (campus easy pay, `v3/eduschoolpay/`) shares the family and has neither notice nor
//! window: its deduction names the contract's `user_id` ("二者不一致时拒绝受理扣款"), is settled
//! at once and answered with the order (`payment_mode` SYNC, the default) or accepted and
//! notified (ASYNC). Where the user's funds are short WeChat Pay pays and records a debt
//! ("会由微信支付出资对该笔订单进行垫付…产生一笔用户向微信支付的欠款"); past [`DEBTS_ALLOWED`] the
//! user is `FORBIDDEN` and further deductions are refused, and the change is told with
//! EDU_SCHOOL_PAY.USER_DEBT_STATE_UPDATE. The debts live in the contract's `debt_state`, which
//! the user's debt state adds up.

use super::calendar::beijing;
use super::{ACCEPTED_SECS, Lookup, Money, Notices, Order, OrderState, States, Timing, UserCall};
use crate::Identity;
use crate::contracts::Contract;
use crate::families::{Event, Member};
use crate::faults::Failure;
use crate::refusal::{Answered, Refusal};
use crate::server::State;
use crate::signer;
use serde_json::{Map, Value, json};
use wxpresign::endpoints::Endpoint;

pub(super) static MONEY: Money = Money {
    name: "education",
    deductions: &["v3/edu-papay/transactions", "v3/eduschoolpay/transactions"],
    key: "out_trade_no",
    sub_merchant: Some("sub_mchid"),
    merchant_member: None,
    amount: |value| value["amount"]["total"].as_i64().unwrap_or(0),
    failure_in: &["/attach", "/description"],
    timing: Timing::Accepted {
        // "同步扣款模式会立即返回扣款结果,异步扣款模式会立即返回受理结果".
        settles: |_, value, now| match synchronous(value) {
            true => now,
            false => now + ACCEPTED_SECS,
        },
        // Education renewal's: "无应答包体"; campus easy pay's: the order.
        answer: |money, order, contract| campus(order).then(|| resource(money, order, contract)),
    },
    // Education renewal's words (https://pay.weixin.qq.com/doc/v3/merchant/4012523468); campus
    // easy pay's are [`CAMPUS_STATES`].
    states: States {
        accept: "ACCEPTED",
        success: "SUCCESS",
        failed: "PAY_FAIL",
        closed: "CLOSED",
    },
    notices: Notices {
        url: "notify_url",
        success: Some(("TRANSACTION.SUCCESS", "支付成功")),
        failure: Some(("TRANSACTION.FAIL", "支付失败")),
        original_type: "transaction",
    },
    resource,
    queries: &[
        (
            "v3/edu-papay/transactions/id/{transaction_id}",
            Lookup::TransactionId,
        ),
        (
            "v3/edu-papay/transactions/out-trade-no/{out_trade_no}",
            Lookup::Key,
        ),
        (
            "v3/eduschoolpay/transactions/id/{transaction_id}",
            Lookup::TransactionId,
        ),
        (
            "v3/eduschoolpay/transactions/out-trade-no/{out_trade_no}",
            Lookup::Key,
        ),
    ],
    reversal: None,
    // "404 NOT_FOUND 请求的资源不存在", the family's error table.
    not_found: (404, "NOT_FOUND", "请求的资源不存在"),
    ended: (
        400,
        "INVALID_REQUEST",
        "协议已解约: the contract is terminated and takes no deduction",
    ),
    call,
    admit,
    succeeded,
    tick: |_, _| None,
    // One family, one schedule: its contract notifications' ("1/60/.../300").
    retry_secs: &RETRY_SECS,
    // The clock ends no education contract.
    ended_by_system: &[],
    advanced: |order, failure| campus(order) && failure == Failure::NotEnough,
    tells: |before, after| {
        let changed = debt_state(before) != debt_state(after);
        changed.then_some(&DEBT_STATE_UPDATED)
    },
    lookups: &[("v3/eduschoolpay/users/{openid}/debt-state", DEBT_STATE)],
};

/// Campus easy pay's `trade_state` words: "ACCEPT … SUCCESS … PAYERROR"
/// (https://pay.weixin.qq.com/doc/v3/partner/4012469097).
static CAMPUS_STATES: States = States {
    accept: "ACCEPT",
    success: "SUCCESS",
    failed: "PAYERROR",
    closed: "CLOSED",
};

const DEBT_STATE: UserCall = debt_state_query;

/// Whether a deduction's result is its answer: campus easy pay's `payment_mode` SYNC, the
/// default ("不填默认为同步扣款").
fn synchronous(value: &Value) -> bool {
    value.get("scene_info").is_some() && value["payment_mode"] != "ASYNC"
}

/// "1/60/60/60/60/60/60/60/60/60/60/300/.../300", as the family's contract notifications.
const RETRY_SECS: [u64; 20] = [
    60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300,
];

const NOTICES: &str = "notices_sent";
/// The user's debt state on this contract, as the debt-state query and its notification give
/// it: `state`, `debt_count`, `update_time`.
const DEBT: &str = "debt_state";

/// "用户欠款状态发生变化时主动通知所有与该用户签订了合约的商户"
/// (https://pay.weixin.qq.com/doc/v3/partner/4012161155), sent when the state changes, to the
/// contract's notification URL (the sandbox has no URL registered at onboarding).
static DEBT_STATE_UPDATED: Event = Event {
    event_type: "EDU_SCHOOL_PAY.USER_DEBT_STATE_UPDATE",
    original_type: "edu_school_pay",
    summary: "用户欠款状态变化",
    resource: &[
        ("appid", Member::Request(&["appid"])),
        ("openid", Member::Request(&["openid"])),
        ("state", Member::Request(&["debt_state/state"])),
        ("debt_count", Member::Request(&["debt_state/debt_count"])),
        ("update_time", Member::Request(&["debt_state/update_time"])),
    ],
    retry_secs: &RETRY_SECS,
};

/// The contract's user's `state`: NORMAL, or FORBIDDEN past [`DEBTS_ALLOWED`].
fn debt_state(contract: &Contract) -> &'static str {
    state_of_debts(debts(contract))
}

fn state_of_debts(owed: u64) -> &'static str {
    if owed > DEBTS_ALLOWED {
        "FORBIDDEN"
    } else {
        "NORMAL"
    }
}
/// The debts a campus user may owe and still pay: the pages publish no limit ("欠款超过一定限制后,
/// 会处于无法扣款的状态"); past one, the sandbox's user is `FORBIDDEN`.
pub(crate) const DEBTS_ALLOWED: u64 = 1;

/// Whether an order is campus easy pay's (its request names the consumption's `scene_info`).
fn campus(order: &Order) -> bool {
    order.request.get("scene_info").is_some()
}

fn call(
    state: &State,
    merchant: &Identity,
    endpoint: &'static Endpoint,
    _: &Value,
    contract: Contract,
) -> Answered {
    if !endpoint.path.ends_with("/send") {
        return Err(Refusal::internal());
    }
    // 发送扣款预通知: a terminated contract is not found, as its query does not find it
    // ("如果对应签约状态为“已解约”,返回明确错误码").
    if contract.terminated.is_some() {
        return Err(Refusal::new(
            404,
            "NOT_FOUND",
            "请求的资源不存在: the contract is terminated",
        ));
    }
    let mut moved = contract;
    let mut sent = notices(&moved);
    sent.push(state.clock.now_secs());
    moved.changed.insert(NOTICES.into(), json!(sent));
    state
        .store
        .contract_moved(&moved, &[])
        .map_err(|e| Refusal::failed(&e))?;
    let contracts = state.merchants.contracts(&merchant.mchid);
    if let Some(held) = contracts.all().iter_mut().find(|c| c.id == moved.id) {
        *held = moved;
    }
    signer::answer(merchant, 204, Vec::new(), None)
}

/// When the contract's notices were sent, Unix seconds.
fn notices(contract: &Contract) -> Vec<u64> {
    contract
        .current(NOTICES)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .collect()
}

/// 受理扣款: one order at a time, and a notice sent 1 to 3 Beijing days before today that no
/// deduction since has used (one that failed leaves it).
fn admit(
    endpoint: &'static Endpoint,
    contract: &Contract,
    value: &Value,
    now: u64,
    orders: &[Order],
) -> Result<(), Refusal> {
    if orders.iter().any(|o| o.state == OrderState::Accept) {
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "an order of this contract awaits its result: query it before another deduction",
        ));
    }
    if endpoint.path.starts_with("v3/eduschoolpay/") {
        return admit_campus(contract, value);
    }
    let today = beijing(now).0;
    let unused = |sent: &u64| {
        let since = today.saturating_sub(beijing(*sent).0);
        (1..=3).contains(&since)
            && !orders
                .iter()
                .any(|o| o.accepted_at >= *sent && o.state != OrderState::Failed)
    };
    if notices(contract).iter().any(unused) {
        return Ok(());
    }
    Err(Refusal::new(
        400,
        "INVALID_REQUEST",
        "仅在模板通知发送成功之后才允许执行扣款: send the user notification 1 to 3 days before \
         the deduction (扣款日前1-3天,包含3天)",
    ))
}

/// The order as the queries answer it and the notifications carry it
/// (https://pay.weixin.qq.com/doc/v3/merchant/4012523468): `sp_mchid` the merchant's own for
/// a direct one, `trade_state` SUCCESS / ACCEPTED / PAY_FAIL.
fn resource(money: &Money, order: &Order, contract: &Contract) -> Value {
    if campus(order) {
        return campus_order(order, contract);
    }
    let asked = |name: &str| order.request.get(name).cloned();
    let view = contract
        .kind()
        .map(|k| contract.view(k, &order.mchid))
        .unwrap_or_default();
    let mut out = Map::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            out.insert(name.to_owned(), value);
        }
    };
    put("sp_mchid", Some(order.mchid.clone().into()));
    for name in ["appid", "sub_mchid", "sub_appid"] {
        put(name, asked(name));
    }
    put("out_trade_no", Some(order.out_trade_no.clone().into()));
    put("transaction_id", Some(order.transaction_id.clone().into()));
    put("attach", asked("attach"));
    put("bank_type", Some("OTHERS".into()));
    let trade_state = money.state_name(order.state);
    let description = match (order.state, order.failure) {
        (OrderState::Accept, _) => "已受理,未支付",
        (OrderState::Success, _) => "支付成功",
        (OrderState::Closed, _) => "已关闭",
        (OrderState::Failed, failure) => failure.map_or("支付失败", |f| f.description()),
    };
    if order.state == OrderState::Success {
        let at = order.settled_at.map(crate::beijing_rfc3339);
        put("success_time", at.map(Value::from));
    }
    put("trade_state", Some(trade_state.into()));
    put("trade_state_description", Some(description.into()));
    let payer: Map<String, Value> = ["openid", "sub_openid"]
        .iter()
        .filter_map(|n| Some(((*n).to_owned(), view.get(*n)?.clone())))
        .collect();
    put("payer", Some(Value::Object(payer)));
    let paid = if order.state == OrderState::Success {
        order.amount
    } else {
        0
    };
    let currency = asked("amount").and_then(|a| a.get("currency").cloned());
    let currency = currency.unwrap_or_else(|| "CNY".into());
    put(
        "amount",
        Some(json!({"total": order.amount, "payer_total": paid, "currency": currency})),
    );
    put("device_information", asked("device_information"));
    put(
        "contract_information",
        Some(json!({"contract_id": order.contract_id})),
    );
    Value::Object(out)
}

/// 扣款 of campus easy pay: "必须与签署当前合约…时使用的用户账号一致…二者不一致时拒绝受理扣款", and a
/// user past the debt limit is refused ("拒绝该用户扣款").
fn admit_campus(contract: &Contract, value: &Value) -> Result<(), Refusal> {
    let signed = contract.request.get("user_id");
    if value.get("user_id") != signed {
        return Err(Refusal::param_error(
            "/user_id",
            value.get("user_id").cloned().unwrap_or(Value::Null),
            "学生账户与合约不匹配: must be the user_id the contract was signed with",
            "body",
        ));
    }
    if debt_state(contract) == "FORBIDDEN" {
        return Err(Refusal::new(
            403,
            "NO_AUTH",
            "根据校园轻松付风控规则,拒绝该用户扣款: the user's debt state is FORBIDDEN",
        ));
    }
    Ok(())
}

fn debts(contract: &Contract) -> u64 {
    let owed = contract.current(DEBT).map(|d| &d["debt_count"]);
    owed.and_then(Value::as_u64).unwrap_or(0)
}

/// A campus deduction WeChat Pay paid for the user records a debt on the contract.
fn succeeded(_: &'static Endpoint, contract: &mut Contract, order: &Order, at: u64) -> bool {
    if campus(order) && order.failure == Some(Failure::NotEnough) {
        let owed = debts(contract) + 1;
        let debt = json!({"state": state_of_debts(owed), "debt_count": owed,
                          "update_time": crate::beijing_rfc3339(at), "updated_at": at});
        contract.changed.insert(DEBT.into(), debt);
    }
    false
}

/// 查询用户欠款状态: the user's debts over this merchant's campus contracts with them.
fn debt_state_query(state: &State, merchant: &Identity, value: &Value) -> Answered {
    let openid = value["openid"].as_str().unwrap_or("");
    let contracts = state.merchants.contracts(&merchant.mchid);
    let held = contracts.all();
    let theirs: Vec<&Contract> = held
        .iter()
        .filter(|c| c.endpoint.starts_with("v3/eduschoolpay/"))
        .filter(|c| c.current("openid").and_then(Value::as_str) == Some(openid))
        .collect();
    let first = theirs.first().ok_or_else(|| {
        Refusal::new(
            404,
            "NOT_FOUND",
            "请求的资源不存在: this merchant has no campus contract with this openid",
        )
    })?;
    let owed: u64 = theirs.iter().map(|c| debts(c)).sum();
    let changed = theirs
        .iter()
        .map(|c| {
            let at = c.current(DEBT).map(|d| &d["updated_at"]);
            at.and_then(Value::as_u64).unwrap_or(c.signed_at)
        })
        .max()
        .unwrap_or(first.signed_at);
    signer::ok(
        merchant,
        &json!({"appid": first.request.get("appid"), "openid": openid,
                "state": state_of_debts(owed),
                "debt_count": owed, "update_time": crate::beijing_rfc3339(changed)}),
    )
}

/// A campus order as its deduction and queries answer it and its notification carries it
/// (https://pay.weixin.qq.com/doc/v3/partner/4012469097): `mchid` the caller's, `trade_state`
/// ACCEPT / SUCCESS / PAYERROR.
fn campus_order(order: &Order, contract: &Contract) -> Value {
    let asked = |name: &str| order.request.get(name).cloned();
    let mut out = Map::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(value) = value.filter(|v| !v.is_null()) {
            out.insert(name.to_owned(), value);
        }
    };
    put("mchid", Some(order.mchid.clone().into()));
    for name in ["appid", "sub_mchid", "sub_appid"] {
        put(name, asked(name));
    }
    put("out_trade_no", Some(order.out_trade_no.clone().into()));
    put("transaction_id", Some(order.transaction_id.clone().into()));
    let trade_state = CAMPUS_STATES.name(order.state);
    let description = match (order.state, order.failure) {
        (OrderState::Accept, _) => "已接收,等待扣款",
        (OrderState::Success, _) => "支付成功",
        (OrderState::Closed, _) => "已关闭",
        (OrderState::Failed, f) => f.map_or("支付失败", |f| f.description()),
    };
    put("trade_state", Some(trade_state.into()));
    put("trade_state_desc", Some(description.into()));
    put("bank_type", Some("OTHERS".into()));
    put("attach", asked("attach"));
    if order.state == OrderState::Success {
        let at = order.settled_at.map(crate::beijing_rfc3339);
        put("success_time", at.map(Value::from));
    }
    let openid = contract.current("openid").cloned();
    put("payer", Some(json!({ "openid": openid })));
    let paid = if order.state == OrderState::Success {
        order.amount
    } else {
        0
    };
    let currency = asked("amount").and_then(|a| a.get("currency").cloned());
    put(
        "amount",
        Some(
            json!({"total": order.amount, "payer_total": paid, "discount_total": 0,
                    "currency": currency.unwrap_or_else(|| "CNY".into())}),
        ),
    );
    put("device_info", asked("device_info"));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;
    /// 2026-12-07 12:00 in Beijing.
    const NOON: u64 = 1_796_616_000;

    fn contract(sent: &[u64]) -> Contract {
        let mut changed = Map::new();
        changed.insert(NOTICES.into(), json!(sent));
        Contract {
            id: "wx998877665544wx".into(),
            endpoint: "v3/edu-papay/contracts/presign",
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

    fn endpoint() -> &'static Endpoint {
        wxpresign::endpoints::find("v3/edu-papay/transactions").expect("in the table")
    }

    /// "扣款日前(1-3 天,包含 3 天)": the day of the notice is too early, 3 days after is the last.
    #[test]
    fn a_deduction_is_taken_one_to_three_days_after_a_notice() {
        let sent = contract(&[NOON]);
        let on = |at: u64| admit(endpoint(), &sent, &json!({}), at, &[]).is_ok();
        assert!(!on(NOON + 3600), "the notice's day");
        assert!(on(NOON + DAY - 11 * 3600), "the next day, 01:00");
        assert!(on(NOON + 3 * DAY + 11 * 3600), "the third day, 23:00");
        assert!(!on(NOON + 4 * DAY - 12 * 3600), "the fourth day, 00:00");
        let none = contract(&[]);
        assert!(
            admit(endpoint(), &none, &json!({}), NOON, &[]).is_err(),
            "no notice"
        );
    }

    fn order(state: OrderState, accepted_at: u64) -> Order {
        Order {
            mchid: "1230000109".into(),
            sub_mchid: String::new(),
            family: "education".into(),
            out_trade_no: "121775250124070332".into(),
            contract_id: "wx998877665544wx".into(),
            digest: String::new(),
            request: json!({}),
            amount: 888,
            state,
            failure: None,
            transaction_id: "4200000000000000000000000001".into(),
            accepted_at,
            settles_at: accepted_at + 5,
            settled_at: None,
        }
    }

    /// A notice announces one deduction: a success uses it, a failure leaves it for a retry.
    #[test]
    fn a_notice_is_used_by_its_deduction_unless_that_failed() {
        let sent = contract(&[NOON]);
        let next_day = NOON + DAY;
        let paid = [order(OrderState::Success, next_day)];
        assert!(admit(endpoint(), &sent, &json!({}), next_day + 60, &paid).is_err());
        let failed = [order(OrderState::Failed, next_day)];
        assert!(admit(endpoint(), &sent, &json!({}), next_day + 60, &failed).is_ok());
        let waiting = [order(OrderState::Accept, next_day)];
        assert!(admit(endpoint(), &sent, &json!({}), next_day + 60, &waiting).is_err());
    }
}
