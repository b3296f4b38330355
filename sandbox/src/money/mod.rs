//! The money taken with contracts: deduction orders and what the clock does to them, shared by
//! every family whose deductions the sandbox runs. A family's file says only what its pages
//! say of its money ([`Money`]): which table calls it answers, what a deduction needs of its
//! contract, what a result makes of the contract, and what the clock does to the contract. The
//! core here keeps the rest, the same for every family:
//!
//! - an order is `ACCEPT` ("已接收,等待扣款") for [`ACCEPTED_SECS`] seconds of the sandbox's
//!   clock after its deduction was accepted, then `SUCCESS`, or `PAY_FAIL` where its request
//!   asked for a [`Failure`] (or its contract ended meanwhile);
//! - `out_trade_no` is the merchant's (and the sub-merchant's) once: the same number with the
//!   same content answers the same order, with other content it is refused;
//! - the result is told with TRANSACTION.SUCCESS or TRANSACTION.FAIL, sealed and signed for
//!   the merchant, retried through the outbox on the family's schedule, and the order queries
//!   answer the same state;
//! - each change a client is told about is one store transaction, made before the answer.
//!
//! Results and the clock's rules fall due on the sandbox's clock and are applied ([`settle`])
//! when the clock is moved, before each call on money, and when the sandbox starts; results
//! also as the clock runs on by itself ([`Settler`]).
//!
//! Adding a family's money: once its calls are in the library's table (`Stage::Contract`, its
//! `Family`), write `money/<family>.rs` with a `static MONEY: Money` (its deduction paths, the
//! `call` answering its other calls, `admit` with its pages' rules for a deduction, `succeeded`
//! and `tick` for what a result and the clock make of the contract, its retry schedule and how
//! a system termination is worded), then turn its arm of [`money`] from `None` to it. The
//! gateway already checks its requests against the table; orders, idempotency, results,
//! notifications, queries and the store come from here. A family whose state lives on the
//! contract keeps it among the contract's changed members (as the scheduled deduction's
//! `deduct_schedule`), which the contract's query and notifications read first.

mod scheduled_deduct;

use crate::contracts::Contract;
use crate::delivery::{Outgoing, beijing_rfc3339};
use crate::faults::Failure;
use crate::http_server::Request;
use crate::refusal::{Answered, Refusal};
use crate::server::State;
use crate::store::Queued;
use crate::{Identity, signer};
use serde_json::{Map, Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use wxpresign::endpoints::{self, Endpoint, Family, Stage};

/// How long an order stays `ACCEPT` before its result, in seconds of the sandbox's clock. The
/// pages give no time ("系统受理扣款请求后,异步进行扣款"); a few seconds keep a merchant's
/// "accepted, result later" path visible, and a test moves the clock past it.
pub(crate) const ACCEPTED_SECS: u64 = 5;

/// What a family does with money. No wildcard in [`money`]: a new [`Family`] is a compile
/// error there until it says whether the sandbox runs its money.
pub(crate) struct Money {
    /// The family's name, as the store keeps it with each order.
    pub name: &'static str,
    /// The table's deduction calls of the family (受理扣款): the core takes their orders.
    pub deductions: &'static [&'static str],
    /// Answers the family's other calls (a schedule, its query, a notice).
    pub call: fn(&State, &Identity, &'static Endpoint, &Value, Contract) -> Answered,
    /// Refuses a new deduction its contract cannot take now (`now`: Unix seconds of the
    /// sandbox's clock), knowing the contract's orders so far.
    pub admit: Admit,
    /// What a successful deduction makes of its contract at `at`: whether the pages end the
    /// contract with it.
    pub succeeded: fn(&'static Endpoint, &mut Contract, &Order, u64) -> bool,
    /// What the clock makes of a contract in force at `now`, `None` for nothing: the changed
    /// members it replaces, and when WeChat Pay's system ends it (if it does by `now`). Called
    /// for every contract of the family in force at each settling: it reads, and the core clones
    /// only the contracts it changes.
    pub tick: fn(&Contract, u64) -> Option<Ticked>,
    /// How the result notifications of the family's orders are retried.
    pub retry_secs: &'static [u64],
    /// The members a contract ended by WeChat Pay's system (not by its merchant or user) shows
    /// from then on, kept with its changed members: the termination mode, in the family's words.
    pub ended_by_system: &'static [(&'static str, &'static str)],
}

/// Whether a contract takes a deduction through an endpoint now: the endpoint, the contract,
/// the request, the time (Unix seconds of the sandbox's clock) and the contract's orders.
pub(crate) type Admit =
    fn(&'static Endpoint, &Contract, &Value, u64, &[Order]) -> Result<(), Refusal>;

/// What the clock made of a contract: members replaced among its changed ones, and the time
/// WeChat Pay's system ended it, if it did.
pub(crate) struct Ticked {
    pub changed: Map<String, Value>,
    pub ends: Option<u64>,
}

/// The family's money, where the sandbox runs it; `None`: its calls answer 404 as before.
pub(crate) fn money(family: Family) -> Option<&'static Money> {
    match family {
        Family::ScheduledDeduct => Some(&scheduled_deduct::MONEY),
        Family::Insurance => None,
        Family::PasswordExempt => None,
        Family::Ecommerce => None,
        Family::CreditRepayment => None,
        Family::Education => None,
        Family::OfflineFace => None,
        Family::Global => None,
    }
}

/// A deduction order, as the store keeps it.
#[derive(Clone, Debug)]
pub(crate) struct Order {
    pub mchid: String,
    /// The sub-merchant of a partner's order, "" for a direct merchant's.
    pub sub_mchid: String,
    pub family: String,
    pub out_trade_no: String,
    pub contract_id: String,
    /// What the request asked, so that the same number asked again can be compared.
    pub digest: String,
    pub request: Value,
    pub amount: i64,
    pub state: OrderState,
    /// The failure its request asked for, applied at its result.
    pub failure: Option<Failure>,
    pub transaction_id: String,
    pub accepted_at: u64,
    pub settles_at: u64,
    pub settled_at: Option<u64>,
}

/// An order's `trade_state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OrderState {
    Accept,
    Success,
    PayFail,
}

impl OrderState {
    pub fn name(self) -> &'static str {
        match self {
            OrderState::Accept => "ACCEPT",
            OrderState::Success => "SUCCESS",
            OrderState::PayFail => "PAY_FAIL",
        }
    }

    pub fn named(name: &str) -> Option<OrderState> {
        [OrderState::Accept, OrderState::Success, OrderState::PayFail]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// The answer to a table call on a contract of a family whose money the sandbox runs; `None`
/// for any other request (it is answered as before).
pub(crate) fn call(state: &State, request: &Request) -> Option<Answered> {
    let path = request.path();
    let (endpoint, captured) = endpoints::matching(path).or_else(|| {
        endpoints::find(path)
            .filter(|e| path.starts_with('/') && e.stage == Stage::Contract)
            .map(|e| (e, Vec::new()))
    })?;
    if endpoint.stage != Stage::Contract || endpoint.method.as_str() != request.method {
        return None;
    }
    let money = money(endpoint.family)?;
    Some(answer(state, money, endpoint, &captured, request))
}

fn answer(
    state: &State,
    money: &'static Money,
    endpoint: &'static Endpoint,
    captured: &[(&'static str, String)],
    request: &Request,
) -> Answered {
    let (merchant, value) = state.gateway.contract_call(endpoint, request, captured)?;
    let _moving = crate::refusal::lock(&state.money);
    settle_held(state)?;
    let contract = contract_of(state, &merchant, endpoint, &value)?;
    if money.deductions.contains(&endpoint.path) {
        return deduct(state, money, &merchant, endpoint, &value, contract);
    }
    (money.call)(state, &merchant, endpoint, &value, contract)
}

/// The contract a call names by `contract_id`: the caller's, of the endpoint's family, of the
/// sub-merchant a partner's call names (a direct call names a direct contract). Any other is
/// not found, as another merchant's is not there for this one.
fn contract_of(
    state: &State,
    merchant: &Identity,
    endpoint: &Endpoint,
    value: &Value,
) -> Result<Contract, Refusal> {
    let id = value
        .get("contract_id")
        .and_then(Value::as_str)
        .unwrap_or("");
    let contract = state
        .merchants
        .contracts(&merchant.mchid)
        .get(id)
        .filter(|c| endpoints::find(c.endpoint).is_some_and(|e| e.family == endpoint.family))
        .filter(|c| c.request.get("sub_mchid") == value.get("sub_mchid"))
        .ok_or_else(|| {
            Refusal::new(
                404,
                "RESOURCE_NOT_EXISTS",
                format!("签约协议不存在: this merchant has no contract {id} of this family"),
            )
        })?;
    Ok(contract)
}

/// The refusal of a call on a contract that no longer holds.
pub(crate) fn terminated() -> Refusal {
    Refusal::new(
        400,
        "INVALID_REQUEST",
        "协议已解约: the contract is terminated and takes no schedule or deduction",
    )
}

/// A deduction (受理扣款): the same order again for the same content, a refusal for other
/// content under the same number, else a new order, `ACCEPT`, kept before the answer.
fn deduct(
    state: &State,
    money: &'static Money,
    merchant: &Identity,
    endpoint: &'static Endpoint,
    value: &Value,
    contract: Contract,
) -> Answered {
    let out_trade_no = value["out_trade_no"].as_str().unwrap_or("");
    let sub_mchid = value.get("sub_mchid").and_then(Value::as_str).unwrap_or("");
    let digest = digest(value);
    let failed = |e: wxpresign::error::Error| Refusal::failed(&e);
    if let Some(order) = state
        .store
        .order(&merchant.mchid, sub_mchid, out_trade_no)
        .map_err(failed)?
    {
        if order.digest != digest {
            return Err(reused(out_trade_no));
        }
        return signer::ok(merchant, &accepted(&order));
    }
    if contract.terminated.is_some() {
        return Err(terminated());
    }
    let now = state.clock.now_secs();
    let orders = state.store.contract_orders(&contract.id).map_err(failed)?;
    (money.admit)(endpoint, &contract, value, now, &orders)?;
    let free = |name: &str| value.get(name).and_then(Value::as_str);
    let order = Order {
        mchid: merchant.mchid.clone(),
        sub_mchid: sub_mchid.to_owned(),
        family: money.name.to_owned(),
        out_trade_no: out_trade_no.to_owned(),
        contract_id: contract.id.clone(),
        digest,
        request: value.clone(),
        amount: value["amount"]["total"].as_i64().unwrap_or(0),
        state: OrderState::Accept,
        failure: free("attach")
            .and_then(Failure::from_value)
            .or_else(|| free("description").and_then(Failure::from_value)),
        transaction_id: transaction_id(),
        accepted_at: now,
        settles_at: now + ACCEPTED_SECS,
        settled_at: None,
    };
    if !state.store.order_accepted(&order).map_err(failed)? {
        // The same number was taken meanwhile: answered as a repeat of that order.
        let taken = state
            .store
            .order(&merchant.mchid, sub_mchid, out_trade_no)
            .map_err(failed)?
            .ok_or_else(Refusal::internal)?;
        if taken.digest != order.digest {
            return Err(reused(out_trade_no));
        }
        return signer::ok(merchant, &accepted(&taken));
    }
    signer::ok(merchant, &accepted(&order))
}

/// What 受理扣款 answers: "本接口只返回受理结果", the number and the amount.
fn accepted(order: &Order) -> Value {
    let currency = order.request["amount"]["currency"]
        .as_str()
        .unwrap_or("CNY");
    json!({
        "out_trade_no": order.out_trade_no,
        "amount": {"total": order.amount, "currency": currency},
    })
}

/// The pages say only "在同一个商户号下唯一"; another order under a number already used is
/// refused (docs/where-sources-disagree.md, "Money").
fn reused(out_trade_no: &str) -> Refusal {
    let issue = "商户订单号重复: an order with this out_trade_no and other content exists";
    Refusal {
        status: 400,
        code: "INVALID_REQUEST",
        message: format!("{issue}; use a new out_trade_no"),
        detail: Some(json!({
            "field": "/out_trade_no",
            "value": out_trade_no,
            "issue": issue,
            "location": "body",
        })),
    }
}

/// A digest of a request's content, its members in any order.
fn digest(value: &Value) -> String {
    fn canonical(value: &Value) -> Value {
        match value {
            Value::Object(members) => {
                let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(b.0));
                Value::Array(
                    sorted
                        .into_iter()
                        .map(|(k, v)| json!([k, canonical(v)]))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
            other => other.clone(),
        }
    }
    let text = canonical(value).to_string();
    let sum = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes());
    sum.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// A WeChat Pay transaction id: 28 digits, as `4200...` ids are.
fn transaction_id() -> String {
    let digits: String = crate::random_hex(12)
        .bytes()
        .map(|b| char::from(b'0' + b % 10))
        .collect();
    format!("4200{digits}")
}

/// What applies orders' results as the clock runs on by itself, so that a merchant who only
/// waits is told: a thread that looks for due results a few times a second until stopped.
/// (The day-long rules of contracts wait for the next clock move or call on money.)
pub(crate) struct Settler {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// How often the settler looks for due results.
const SETTLER_PAUSE: Duration = Duration::from_millis(250);

impl Settler {
    pub fn start(state: Weak<State>) -> Settler {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("wxpresign-money".into())
            .spawn(move || {
                while !stopped.load(Ordering::SeqCst) {
                    std::thread::sleep(SETTLER_PAUSE);
                    let Some(state) = state.upgrade() else { return };
                    if !stopped.load(Ordering::SeqCst) {
                        let _moving = crate::refusal::lock(&state.money);
                        let _ = settle_orders(&state);
                    }
                }
            })
            .ok();
        Settler { stop, thread }
    }

    /// Stops the thread and waits for it.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The results due now, the money lock held by the caller.
fn settle_orders(state: &State) -> Result<(), Refusal> {
    let due = state
        .store
        .orders_due(state.clock.now_secs())
        .map_err(|e| Refusal::failed(&e))?;
    due.into_iter()
        .try_for_each(|order| settle_order(state, order))
}

/// Applies what fell due on the sandbox's clock: each accepted order's result, then each
/// family's time rules on its contracts in force.
pub(crate) fn settle(state: &State) -> Result<(), Refusal> {
    let _moving = crate::refusal::lock(&state.money);
    settle_held(state)
}

/// [`settle`], the money lock held by the caller.
fn settle_held(state: &State) -> Result<(), Refusal> {
    settle_orders(state)?;
    let now = state.clock.now_secs();
    for merchant in state.merchants.all() {
        let contracts = state.merchants.contracts(&merchant.mchid);
        let mut held = contracts.all();
        for contract in held.iter_mut().filter(|c| c.terminated.is_none()) {
            tick(state, &merchant, contract, now)?;
        }
    }
    Ok(())
}

/// The clock's rules of `contract`'s family at `now`, kept with what they notify.
fn tick(
    state: &State,
    merchant: &Identity,
    contract: &mut Contract,
    now: u64,
) -> Result<(), Refusal> {
    let Some(money) = endpoints::find(contract.endpoint).and_then(|e| money(e.family)) else {
        return Ok(());
    };
    let Some(ticked) = (money.tick)(contract, now) else {
        return Ok(());
    };
    let mut moved = contract.clone();
    moved.changed.extend(ticked.changed);
    let queued = match ticked.ends {
        Some(at) => {
            mark_system_end(money, &mut moved);
            end(state, merchant, &mut moved, at, false)?
        }
        None => None,
    };
    let queued: Vec<Queued> = queued.into_iter().collect();
    state
        .store
        .contract_moved(&moved, &queued)
        .map_err(|e| Refusal::failed(&e))?;
    *contract = moved;
    if !queued.is_empty() {
        state.notifier.queued();
    }
    Ok(())
}

/// Marks `contract` as ended by WeChat Pay's system, as its family words it.
fn mark_system_end(money: &Money, contract: &mut Contract) {
    for (name, value) in money.ended_by_system {
        contract.changed.insert((*name).to_owned(), (*value).into());
    }
}

/// Ends `contract` at `at` (by its user, else by WeChat Pay's system) with its kind's
/// termination notification, for the caller to keep: the notification, where one is sent.
fn end(
    state: &State,
    merchant: &Identity,
    contract: &mut Contract,
    at: u64,
    by_user: bool,
) -> Result<Option<Queued>, Refusal> {
    contract.terminated = Some((at, None));
    contract.terminated_by_user = by_user;
    let event = contract.kind().and_then(|k| k.terminated);
    let queued = match (event, contract.notify_url.clone()) {
        (Some(event), Some(url)) => Some(state.notifier.prepare(merchant, event, contract, url)?),
        _ => None,
    };
    contract.termination_id = queued.as_ref().map(|q| q.id.clone());
    Ok(queued)
}

/// An accepted order's result, what it makes of its contract, and the notifications of both,
/// kept in one transaction.
fn settle_order(state: &State, mut order: Order) -> Result<(), Refusal> {
    let merchant = state.merchants.named(&order.mchid)?;
    let contracts = state.merchants.contracts(&order.mchid);
    let mut held = contracts.all();
    let Some(contract) = held.iter_mut().find(|c| c.id == order.contract_id) else {
        return Ok(());
    };
    let money = endpoints::find(contract.endpoint).and_then(|e| money(e.family));
    let endpoint = order_endpoint(&order);
    let at = order.settles_at;
    let mut moved = contract.clone();
    let mut queued = Vec::new();
    let failure = match (moved.terminated.is_some(), order.failure) {
        (true, _) => Some(Failure::ContractTerminated),
        (false, Some(Failure::ContractTerminated)) => {
            queued.extend(end(state, &merchant, &mut moved, at, true)?);
            Some(Failure::ContractTerminated)
        }
        (false, other) => other,
    };
    order.failure = failure;
    order.state = failure.map_or(OrderState::Success, |_| OrderState::PayFail);
    order.settled_at = Some(at);
    if let (None, Some(money), Some(endpoint)) = (failure, money, endpoint) {
        if (money.succeeded)(endpoint, &mut moved, &order, at) {
            mark_system_end(money, &mut moved);
            queued.extend(end(state, &merchant, &mut moved, at, false)?);
        }
    }
    let retry = money.map_or(&[][..], |m| m.retry_secs);
    queued.insert(0, result_notice(state, &merchant, &order, &moved, retry)?);
    // Another request may have settled it meanwhile: then it is told once, by that one.
    let kept = state
        .store
        .order_settled(&order, Some(&moved), &queued)
        .map_err(|e| Refusal::failed(&e))?;
    if kept {
        *contract = moved;
        state.notifier.queued();
    }
    Ok(())
}

/// The deduction endpoint an order was taken through, as its request's members say.
fn order_endpoint(order: &Order) -> Option<&'static Endpoint> {
    let harmony = order.request.get("harmony_account_id").is_some();
    let partner = !order.sub_mchid.is_empty();
    endpoints::all().find(|e| {
        e.stage == Stage::Contract
            && e.answer.contains(&"out_trade_no")
            && e.path.contains("harmony") == harmony
            && e.path.contains("partner") == partner
            && money(e.family).is_some_and(|m| m.name == order.family)
    })
}

/// The order's result notification: TRANSACTION.SUCCESS or TRANSACTION.FAIL to the request's
/// `transaction_notify_url`, "支付成功通知的类型为TRANSACTION.SUCCESS。支付失败通知的类型为
/// TRANSACTION.FAIL" (https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/deduct-result-notify.html).
fn result_notice(
    state: &State,
    merchant: &Identity,
    order: &Order,
    contract: &Contract,
    retry_secs: &[u64],
) -> Result<Queued, Refusal> {
    let (event_type, summary) = match order.state {
        OrderState::Success => ("TRANSACTION.SUCCESS", "支付成功"),
        _ => ("TRANSACTION.FAIL", "支付失败"),
    };
    let resource = transaction(order, contract);
    let id = format!("{}-{}", &order.transaction_id[4..12], crate::random_hex(8));
    let created = order.settled_at.unwrap_or(order.settles_at);
    let body = Outgoing {
        id: &id,
        create_time: &beijing_rfc3339(created),
        event_type,
        summary,
        original_type: "transaction",
        resource: &resource,
    }
    .seal(merchant.apiv3_key.as_bytes(), &crate::random_hex(6))
    .map_err(|e| Refusal::failed(&e))?;
    let now = state.clock.now_ms();
    Ok(Queued {
        id,
        mchid: merchant.mchid.clone(),
        contract_id: contract.id.clone(),
        event_type: event_type.to_owned(),
        notify_url: order.request["transaction_notify_url"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        body,
        retry_secs: retry_secs.to_vec(),
        retry_unit_ms: state.notifier.retry_unit_ms.load(Ordering::Relaxed),
        created_ms: now,
        next_due_ms: now,
        probe: merchant.behaviours.notification_is_probe(),
    })
}

/// The order as its notification's resource and its queries give it: a direct merchant's
/// members, or a partner's `sp_`/`sub_` ones (the research's member set: gopay's
/// `PapayScheduledPayNotifyResource` and wechatpay.im's TRANSACTION.FAIL transcription).
pub(crate) fn transaction(order: &Order, contract: &Contract) -> Value {
    let asked = |name: &str| order.request.get(name).cloned();
    let view = contract
        .kind()
        .map(|k| contract.view(k, &order.mchid))
        .unwrap_or_default();
    let mut out = Map::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            out.insert(name.to_owned(), value);
        }
    };
    let partner = !order.sub_mchid.is_empty();
    if partner {
        put("sp_mchid", Some(order.mchid.clone().into()));
        put("sp_appid", asked("sp_appid"));
        put("sub_mchid", Some(order.sub_mchid.clone().into()));
        put("sub_appid", asked("sub_appid"));
    } else {
        put("appid", asked("appid"));
        put("mchid", Some(order.mchid.clone().into()));
    }
    put("out_trade_no", Some(order.out_trade_no.clone().into()));
    put("transaction_id", Some(order.transaction_id.clone().into()));
    put("trade_type", Some("PAP".into()));
    put("trade_state", Some(order.state.name().into()));
    put("trade_state_desc", Some(state_desc(order).into()));
    put("bank_type", Some("OTHERS".into()));
    put("attach", asked("attach"));
    put("description", asked("description"));
    if order.state == OrderState::Success {
        put(
            "success_time",
            order.settled_at.map(|at| beijing_rfc3339(at).into()),
        );
    }
    let payer = if partner {
        json!({"sp_openid": view.get("sp_openid"), "sub_openid": view.get("sub_openid")})
    } else {
        json!({"openid": view.get("openid")})
    };
    let payer: Map<String, Value> = payer
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    put("payer", Some(Value::Object(payer)));
    let currency = order.request["amount"]["currency"]
        .as_str()
        .unwrap_or("CNY");
    let paid = if order.state == OrderState::Success {
        order.amount
    } else {
        0
    };
    put(
        "amount",
        Some(
            json!({"total": order.amount, "payer_total": paid, "currency": currency,
                    "payer_currency": currency}),
        ),
    );
    put(
        "contract_information",
        Some(json!({"contract_id": order.contract_id})),
    );
    Value::Object(out)
}

fn state_desc(order: &Order) -> &'static str {
    match (order.state, order.failure) {
        (OrderState::Accept, _) => "已接收,等待扣款",
        (OrderState::Success, _) => "支付成功",
        (OrderState::PayFail, Some(failure)) => failure.description(),
        (OrderState::PayFail, None) => "支付失败",
    }
}

/// `GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=` and the partner's
/// `GET /v3/pay/partner/transactions/out-trade-no/{out_trade_no}?sp_mchid=&sub_mchid=`: the
/// order as its notification gives it, in its state now. The APIv3 order query answers
/// deduction orders (the partner changelog: "《查询订单接口》-交易状态新增枚举值 ACCEPT:已接收,
/// 等待扣款", https://pay.weixin.qq.com/wiki/doc/apiv3_partner/release/chapter1_7.shtml).
pub(crate) fn order_by_out_trade_no(state: &State, request: &Request, id: &str) -> Answered {
    let (merchant, query) = order_query(state, request)?;
    let sub = query.get("sub_mchid").map_or("", String::as_str);
    let found = state.store.order(&merchant.mchid, sub, id);
    order_answer(state, &merchant, found)
}

/// `GET /v3/pay/transactions/id/{transaction_id}?mchid=`: the order WeChat Pay numbered so.
pub(crate) fn order_by_transaction_id(state: &State, request: &Request, id: &str) -> Answered {
    let (merchant, _) = order_query(state, request)?;
    let found = state.store.order_by_transaction(&merchant.mchid, id);
    order_answer(state, &merchant, found)
}

/// An order query's checks: the signature, and its `mchid` (or `sp_mchid`) the caller's.
fn order_query(
    state: &State,
    request: &Request,
) -> Result<
    (
        crate::gateway::Caller,
        std::collections::HashMap<String, String>,
    ),
    Refusal,
> {
    let merchant = state.gateway.call(request)?;
    settle(state)?;
    let query = request.target.split_once('?').map_or("", |(_, q)| q);
    let query: std::collections::HashMap<String, String> =
        crate::contracts::query_members(query).into_iter().collect();
    let partner = request.path().contains("/partner/");
    let named = if partner { "sp_mchid" } else { "mchid" };
    if partner && query.get("sub_mchid").is_none_or(String::is_empty) {
        return Err(Refusal::param_error(
            "/sub_mchid",
            Value::Null,
            "必填: the sub-merchant the order was taken for",
            "query",
        ));
    }
    match query.get(named) {
        Some(mchid) if *mchid == merchant.mchid => Ok((merchant, query)),
        given => Err(Refusal::param_error(
            &format!("/{named}"),
            given.cloned().map_or(Value::Null, Value::from),
            format!(
                "必填: the merchant that signs the request ({})",
                merchant.mchid
            ),
            "query",
        )),
    }
}

fn order_answer(
    state: &State,
    merchant: &Identity,
    found: wxpresign::error::Result<Option<Order>>,
) -> Answered {
    let order = found
        .map_err(|e| Refusal::failed(&e))?
        .ok_or_else(|| Refusal::new(404, "ORDER_NOT_EXIST", "订单不存在"))?;
    let contract = state
        .merchants
        .contracts(&order.mchid)
        .get(&order.contract_id)
        .ok_or_else(Refusal::internal)?;
    signer::ok(merchant, &transaction(&order, &contract))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "The same content" is the same members and values, in whatever order they were sent.
    #[test]
    fn the_same_request_in_another_order_has_the_same_digest_and_other_content_another() {
        let a = json!({"out_trade_no": "A1", "amount": {"total": 1, "currency": "CNY"}});
        let b = json!({"amount": {"currency": "CNY", "total": 1}, "out_trade_no": "A1"});
        let c = json!({"out_trade_no": "A1", "amount": {"total": 2, "currency": "CNY"}});
        assert_eq!(digest(&a), digest(&b));
        assert_ne!(digest(&a), digest(&c));
    }

    /// Each family whose money runs names its deduction calls from the table, each of its
    /// family and a call on a contract.
    #[test]
    fn every_deduction_call_of_a_family_is_a_table_call_of_that_family() {
        for endpoint in endpoints::all() {
            let Some(money) = money(endpoint.family) else {
                continue;
            };
            for path in money.deductions {
                let found = endpoints::find(path).expect("a table path");
                assert_eq!(found.family, endpoint.family, "{path}");
                assert_eq!(found.stage, Stage::Contract, "{path}");
            }
        }
    }
}
