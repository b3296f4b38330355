//! Deduction orders: taken once per number (idempotent by the digest of their request), found
//! by the families' queries and the APIv3 order queries, reversed where a family allows it,
//! shown as the family's resource, and their results notified.

use super::{Lookup, Money, Reversal, Timing, money_named, sub_merchant, terminated};
use crate::contracts::Contract;
use crate::delivery::{Outgoing, beijing_rfc3339};
use crate::faults::Failure;
use crate::gateway::Caller;
use crate::http_server::Request;
use crate::refusal::{Answered, Refusal};
use crate::server::State;
use crate::store::Queued;
use crate::{Identity, signer};
use serde_json::{Map, Value, json};
use std::sync::atomic::Ordering;
use wxpresign::endpoints::Endpoint;

/// A deduction order, as the store keeps it.
#[derive(Clone, Debug)]
pub(crate) struct Order {
    pub mchid: String,
    /// The sub-merchant of a partner's order, "" for a direct merchant's.
    pub sub_mchid: String,
    pub family: String,
    /// The merchant's number of the order (its family's [`Money::key`] member).
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

/// An order's state in the core's words; each family names them ([`super::States`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OrderState {
    /// Taken, its result not yet come.
    Accept,
    Success,
    /// Failed: the money was not taken.
    Failed,
    /// Closed by a reversal.
    Closed,
}

impl OrderState {
    /// The name the store keeps.
    pub fn name(self) -> &'static str {
        match self {
            OrderState::Accept => "ACCEPT",
            OrderState::Success => "SUCCESS",
            OrderState::Failed => "PAY_FAIL",
            OrderState::Closed => "CLOSED",
        }
    }

    pub fn named(name: &str) -> Option<OrderState> {
        [
            OrderState::Accept,
            OrderState::Success,
            OrderState::Failed,
            OrderState::Closed,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }
}

/// A deduction: the same order again for the same content, a refusal for other content under
/// the same number, else a new order, kept before the answer (and, for a synchronous family,
/// settled before it).
pub(super) fn deduct(
    state: &State,
    money: &'static Money,
    merchant: &Identity,
    endpoint: &'static Endpoint,
    value: &Value,
    contract: Contract,
) -> Answered {
    let out_trade_no = value[money.key].as_str().unwrap_or("");
    let sub_mchid = sub_merchant(money, value);
    let digest = digest(value);
    let failed = |e: wxpresign::error::Error| Refusal::failed(&e);
    if let Some(order) = state
        .store
        .order(&merchant.mchid, sub_mchid, out_trade_no)
        .map_err(failed)?
    {
        return replay(state, money, merchant, order, &digest, &contract);
    }
    if contract.terminated.is_some() {
        return Err(money.refusal(money.ended));
    }
    if let Some(name) = money.merchant_member {
        let given = value.get(name).and_then(Value::as_str);
        if given != Some(merchant.mchid.as_str()) {
            return Err(Refusal::param_error(
                &format!("/{name}"),
                given.map_or(Value::Null, Value::from),
                format!(
                    "must be the merchant that signs the request ({})",
                    merchant.mchid
                ),
                "body",
            ));
        }
    }
    let now = state.clock.now_secs();
    let orders = state.store.contract_orders(&contract.id).map_err(failed)?;
    (money.admit)(endpoint, &contract, value, now, &orders)?;
    let order = new_order(money, merchant, value, &contract, digest, now);
    if !state.store.order_accepted(&order).map_err(failed)? {
        // The same number was taken meanwhile: answered as a repeat of that order.
        let taken = state
            .store
            .order(&merchant.mchid, sub_mchid, out_trade_no)
            .map_err(failed)?
            .ok_or_else(Refusal::internal)?;
        return replay(state, money, merchant, taken, &order.digest, &contract);
    }
    replay(
        state,
        money,
        merchant,
        order.clone(),
        &order.digest,
        &contract,
    )
}

fn new_order(
    money: &Money,
    merchant: &Identity,
    value: &Value,
    contract: &Contract,
    digest: String,
    now: u64,
) -> Order {
    let failure = money
        .failure_in
        .iter()
        .filter_map(|at| value.pointer(at).and_then(Value::as_str))
        .find_map(Failure::from_value);
    let settles_at = match money.timing {
        Timing::Accepted { settles, .. } => settles(contract, value, now),
        Timing::Synchronous { .. } => now,
    };
    Order {
        mchid: merchant.mchid.clone(),
        sub_mchid: sub_merchant(money, value).to_owned(),
        family: money.name.to_owned(),
        out_trade_no: value[money.key].as_str().unwrap_or("").to_owned(),
        contract_id: contract.id.clone(),
        digest,
        request: value.clone(),
        amount: (money.amount)(value),
        state: OrderState::Accept,
        failure,
        transaction_id: transaction_id(),
        accepted_at: now,
        settles_at,
        settled_at: None,
    }
}

/// What a deduction answers of `order`, taken by it or before it: a repeat with other content
/// is refused; a synchronous family's order is settled first where it is not yet.
fn replay(
    state: &State,
    money: &'static Money,
    merchant: &Identity,
    order: Order,
    digest: &str,
    contract: &Contract,
) -> Answered {
    if order.digest != digest {
        return Err(reused(money.key, &order.out_trade_no));
    }
    match money.timing {
        Timing::Accepted { answer, .. } => {
            let due =
                order.state == OrderState::Accept && order.settles_at <= state.clock.now_secs();
            let order = match due {
                true => super::settle::settle_order(state, order)?,
                false => order,
            };
            match answer(money, &order, contract) {
                Some(body) => signer::ok(merchant, &body),
                None => signer::answer(merchant, 204, Vec::new(), None),
            }
        }
        Timing::Synchronous { refused } => {
            let order = match order.state {
                OrderState::Accept => super::settle::settle_order(state, order)?,
                _ => order,
            };
            match order.state {
                OrderState::Success => {
                    signer::ok(merchant, &(money.resource)(money, &order, contract))
                }
                OrderState::Closed => Err(closed(money)),
                _ => Err(refused(order.failure.unwrap_or(Failure::BankError))),
            }
        }
    }
}

/// The refusal of a deduction or reversal of an order already closed.
fn closed(money: &Money) -> Refusal {
    money
        .reversal
        .map_or_else(terminated, |r| money.refusal(r.closed))
}

/// What an accepted deduction answers: "本接口只返回受理结果", the number and the amount.
pub(super) fn accepted(_: &Money, order: &Order, _: &Contract) -> Option<Value> {
    Some(json!({
        "out_trade_no": order.out_trade_no,
        "amount": {"total": order.amount, "currency": currency(order)},
    }))
}

fn currency(order: &Order) -> &str {
    order.request["amount"]["currency"]
        .as_str()
        .unwrap_or("CNY")
}

/// The pages say only "在同一个商户号下唯一"; another order under a number already used is
/// refused (docs/where-sources-disagree.md, "Money").
fn reused(key: &str, out_trade_no: &str) -> Refusal {
    let issue = "商户订单号重复: an order with this number and other content exists";
    Refusal {
        status: 400,
        code: "INVALID_REQUEST",
        message: format!("{issue}; use a new {key}"),
        detail: Some(json!({
            "field": format!("/{key}"),
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

/// The order a family's query or reversal names: the caller's (and the sub-merchant's the
/// call names), of this family.
fn named_order(
    state: &State,
    money: &Money,
    merchant: &Identity,
    lookup: Lookup,
    value: &Value,
) -> Result<Order, Refusal> {
    let sub_mchid = sub_merchant(money, value);
    let found = match lookup {
        Lookup::Key => {
            let key = value[money.key].as_str().unwrap_or("");
            state.store.order(&merchant.mchid, sub_mchid, key)
        }
        Lookup::TransactionId => {
            let id = value["transaction_id"].as_str().unwrap_or("");
            state.store.order_by_transaction(&merchant.mchid, id)
        }
    };
    found
        .map_err(|e| Refusal::failed(&e))?
        .filter(|o| o.family == money.name && o.sub_mchid == sub_mchid)
        .ok_or_else(|| money.refusal(money.not_found))
}

fn contract_of_order(state: &State, order: &Order) -> Result<Contract, Refusal> {
    state
        .merchants
        .contracts(&order.mchid)
        .get(&order.contract_id)
        .ok_or_else(Refusal::internal)
}

/// A family's order query: the order in its state now.
pub(super) fn query(
    state: &State,
    money: &Money,
    merchant: &Identity,
    lookup: Lookup,
    value: &Value,
) -> Answered {
    let order = named_order(state, money, merchant, lookup, value)?;
    let contract = contract_of_order(state, &order)?;
    signer::ok(merchant, &(money.resource)(money, &order, &contract))
}

/// A family's reversal (撤销): the order closed, answered 204; refused for an order closed
/// already, and for a paid one where the family's pages say so.
pub(super) fn reverse(
    state: &State,
    money: &Money,
    reversal: &Reversal,
    merchant: &Identity,
    value: &Value,
) -> Answered {
    let mut order = named_order(state, money, merchant, Lookup::Key, value)?;
    (reversal.check)(&order, value)?;
    match (order.state, reversal.paid) {
        (OrderState::Closed, _) => return Err(money.refusal(reversal.closed)),
        (OrderState::Success, Some(paid)) => return Err(money.refusal(paid)),
        _ => {}
    }
    let was = order.state;
    order.state = OrderState::Closed;
    order.settled_at = Some(state.clock.now_secs());
    if !state
        .store
        .order_closed(&order, was)
        .map_err(|e| Refusal::failed(&e))?
    {
        // Everything that changes an order holds the money lock, held here: an order the
        // store did not close is its fault, answered as one rather than asked again.
        return Err(Refusal::internal());
    }
    signer::answer(merchant, 204, Vec::new(), None)
}

/// The order's result notification, as its family's [`super::Notices`] say, to its request's
/// URL member; `None` where the family notifies no such result.
pub(super) fn result_notice(
    state: &State,
    money: &Money,
    merchant: &Identity,
    order: &Order,
    contract: &Contract,
) -> Result<Option<Queued>, Refusal> {
    let notice = match order.state {
        OrderState::Success => money.notices.success,
        _ => money.notices.failure,
    };
    let url = order.request[money.notices.url].as_str().unwrap_or("");
    let Some((event_type, summary)) = notice.filter(|_| !url.is_empty()) else {
        return Ok(None);
    };
    let resource = (money.resource)(money, order, contract);
    let id = format!("{}-{}", &order.transaction_id[4..12], crate::random_hex(8));
    let created = order.settled_at.unwrap_or(order.settles_at);
    let body = Outgoing {
        id: &id,
        create_time: &beijing_rfc3339(created),
        event_type,
        summary,
        original_type: money.notices.original_type,
        resource: &resource,
    }
    .seal(merchant.apiv3_key.as_bytes(), &crate::random_hex(6))
    .map_err(|e| Refusal::failed(&e))?;
    let now = state.clock.now_ms();
    Ok(Some(Queued {
        id,
        mchid: merchant.mchid.clone(),
        contract_id: contract.id.clone(),
        event_type: event_type.to_owned(),
        notify_url: url.to_owned(),
        body,
        retry_secs: money.retry_secs.to_vec(),
        retry_unit_ms: state.notifier.retry_unit_ms.load(Ordering::Relaxed),
        created_ms: now,
        next_due_ms: now,
        probe: merchant.behaviours.notification_is_probe(),
    }))
}

/// The payer as the contract's view shows it: `openid`, or a partner's `sp_openid` and
/// `sub_openid`, those the contract has.
pub(super) fn payer(order: &Order, contract: &Contract) -> Value {
    let view = contract
        .kind()
        .map(|k| contract.view(k, &order.mchid))
        .unwrap_or_default();
    let names: &[&str] = if order.sub_mchid.is_empty() {
        &["openid"]
    } else {
        &["sp_openid", "sub_openid"]
    };
    let payer: Map<String, Value> = names
        .iter()
        .filter_map(|n| {
            Some((
                (*n).to_owned(),
                view.get(*n).filter(|v| !v.is_null())?.clone(),
            ))
        })
        .collect();
    Value::Object(payer)
}

/// The order as the entrusted-deduction notification's resource and the order queries give
/// it: a direct merchant's members, or a partner's `sp_`/`sub_` ones (the research's member
/// set: gopay's `PapayScheduledPayNotifyResource` and wechatpay.im's TRANSACTION.FAIL
/// transcription).
pub(super) fn transaction(money: &Money, order: &Order, contract: &Contract) -> Value {
    let asked = |name: &str| order.request.get(name).cloned();
    let mut out = Map::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            out.insert(name.to_owned(), value);
        }
    };
    if order.sub_mchid.is_empty() {
        put("appid", asked("appid"));
        put("mchid", Some(order.mchid.clone().into()));
    } else {
        put("sp_mchid", Some(order.mchid.clone().into()));
        put("sp_appid", asked("sp_appid"));
        put("sub_mchid", Some(order.sub_mchid.clone().into()));
        put("sub_appid", asked("sub_appid"));
    }
    put("out_trade_no", Some(order.out_trade_no.clone().into()));
    put("transaction_id", Some(order.transaction_id.clone().into()));
    put("trade_type", Some("PAP".into()));
    put("trade_state", Some(money.state_name(order.state).into()));
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
    put("payer", Some(payer(order, contract)));
    let paid = if order.state == OrderState::Success {
        order.amount
    } else {
        0
    };
    let currency = currency(order);
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

/// What an order's state is, in words.
pub(super) fn state_desc(order: &Order) -> &'static str {
    match (order.state, order.failure) {
        (OrderState::Accept, _) => "已接收,等待扣款",
        (OrderState::Success, _) => "支付成功",
        (OrderState::Failed, Some(failure)) => failure.description(),
        (OrderState::Failed, None) => "支付失败",
        (OrderState::Closed, _) => "订单已关闭",
    }
}

/// `GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=` and the partner's
/// `GET /v3/pay/partner/transactions/out-trade-no/{out_trade_no}?sp_mchid=&sub_mchid=`: the
/// order as its notification gives it, in its state now. The APIv3 order query answers
/// deduction orders (the partner changelog: "《查询订单接口》-交易状态新增枚举值 ACCEPT:已接收,
/// 等待扣款", https://pay.weixin.qq.com/wiki/doc/apiv3_partner/release/chapter1_7.shtml).
pub(crate) fn order_by_out_trade_no(state: &State, request: &Request, _: &str) -> Answered {
    let (merchant, value) = order_query(state, request)?;
    let (number, sub) = (text(&value, "out_trade_no"), text(&value, "sub_mchid"));
    let found = state.store.order(&merchant.mchid, sub, number);
    order_answer(state, &merchant, found, sub)
}

/// `GET /v3/pay/transactions/id/{transaction_id}?mchid=` and the partner's
/// `GET /v3/pay/partner/transactions/id/{transaction_id}?sp_mchid=&sub_mchid=`: the order
/// WeChat Pay numbered so.
pub(crate) fn order_by_transaction_id(state: &State, request: &Request, _: &str) -> Answered {
    let (merchant, value) = order_query(state, request)?;
    let (id, sub) = (text(&value, "transaction_id"), text(&value, "sub_mchid"));
    let found = state.store.order_by_transaction(&merchant.mchid, id);
    order_answer(state, &merchant, found, sub)
}

fn text<'a>(value: &'a Value, name: &str) -> &'a str {
    value.get(name).and_then(Value::as_str).unwrap_or("")
}

/// An order query's checks: the request against its table entry (the path's number, the
/// query's `mchid`, or `sp_mchid` and `sub_mchid`, each required, named by JSON Pointer when
/// missing), as every call on a contract is, then its `mchid` (or `sp_mchid`) the caller's.
fn order_query(state: &State, request: &Request) -> Result<(Caller, Value), Refusal> {
    // A path the route took but no table path fills (an empty number, one with a `/`) names
    // no order.
    let (endpoint, captured) =
        wxpresign::endpoints::matching(request.path()).ok_or_else(order_not_found)?;
    let (merchant, value) = state.gateway.contract_call(endpoint, request, &captured)?;
    super::settle(state)?;
    let named = match endpoint.query.iter().any(|f| f.name == "sp_mchid") {
        true => "sp_mchid",
        false => "mchid",
    };
    match value.get(named).and_then(Value::as_str) {
        Some(mchid) if mchid == merchant.mchid => Ok((merchant, value)),
        given => Err(Refusal::param_error(
            &format!("/{named}"),
            given.map_or(Value::Null, Value::from),
            format!(
                "must be the merchant that signs the request ({})",
                merchant.mchid
            ),
            "query",
        )),
    }
}

fn order_not_found() -> Refusal {
    Refusal::new(404, "ORDER_NOT_EXIST", "订单不存在")
}

/// The order found, where it is the sub-merchant's the query names ("" for a direct
/// merchant's own), of a family without queries of its own.
fn order_answer(
    state: &State,
    merchant: &Identity,
    found: wxpresign::error::Result<Option<Order>>,
    sub_mchid: &str,
) -> Answered {
    let order = found
        .map_err(|e| Refusal::failed(&e))?
        .filter(|o| o.sub_mchid == sub_mchid)
        .ok_or_else(order_not_found)?;
    // The APIv3 order query answers the families without queries of their own (the entrusted
    // deductions'); the others' orders are found through theirs.
    let money = money_named(&order.family)
        .filter(|m| m.queries.is_empty())
        .ok_or_else(order_not_found)?;
    let contract = contract_of_order(state, &order)?;
    signer::ok(merchant, &(money.resource)(money, &order, &contract))
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
}
