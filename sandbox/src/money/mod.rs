//! The money taken with contracts: deduction orders and what the clock does to them, shared by
//! every family whose deductions the sandbox runs. A family's file says only what its pages
//! say of its money, as data ([`Money`]); the core keeps the rest, the same for every family:
//!
//! - an order is taken under its merchant's (and sub-merchant's) number once: the same number
//!   with the same content answers the same order, with other content it is refused;
//! - its result comes [`Timing::Accepted`] some seconds of the sandbox's clock after it was
//!   taken, or [`Timing::Synchronous`]ly in the deduction's own answer; it is a success, or a
//!   failure where its request asked for a [`Failure`] (or its contract ended meanwhile);
//! - the result is notified as the family's [`Notices`] say (some families notify only a
//!   success, some nothing), sealed and signed for the merchant, retried through the outbox
//!   on the family's schedule, and the family's order queries answer the same state;
//! - a family with a [`Reversal`] closes its orders through it;
//! - each change a client is told about is one store transaction, made before the answer.
//!
//! The files: [`orders`] takes, finds, reverses and shows orders (and builds their result
//! notifications); [`settle`] applies results and the families' clock rules as they fall due.
//!
//! Adding a family's money (the extension points):
//! 1. once its calls are in the library's table (`Stage::Contract`, its `Family`), write
//!    `money/<family>.rs` with a `static MONEY: Money`: its deduction paths, its order number's
//!    member, where its calls name the sub-merchant (or the caller), its amount, where a
//!    [`Failure`] value is read, its [`Timing`] (accepted then settled when the family says,
//!    or synchronous), its state names ([`States`]), its [`Notices`] and the `resource` they
//!    and its queries show, its order queries ([`Lookup`]; none: the APIv3 order queries
//!    answer its orders), its [`Reversal`] with the reversal's own checks, its refusals for no
//!    order and for a terminated contract, the `call` answering its other calls (a schedule, a
//!    notice), `admit` with its pages' rules for a deduction, `succeeded` and `tick` for what a
//!    result and the clock make of the contract, its retry schedule and how a system
//!    termination is worded (Beijing days: `calendar`);
//! 2. where its pages say so: an accepted deduction answered 204 (`answer` giving `None`) or
//!    settled at once when its request asks for the result (`settles` giving the time it was
//!    accepted), a failure WeChat Pay pays for all the same (`advanced`), an event a result's
//!    change of the contract tells (`tells`), and calls on neither a contract nor an order,
//!    such as a user's state (`lookups`); a family whose pages say none of this gives
//!    `|_, _| false`, `|_, _| None` and `&[]`;
//! 3. turn its arm of [`money`] from `None` to it.
//!
//! The gateway already checks its requests against the table. A family whose state lives on
//! the contract keeps it among the contract's changed members (as the scheduled deduction's
//! `deduct_schedule`), which the contract's query and notifications read first. A rule is
//! data in `Money` or code in the family's file, never a family's name in the core.

mod calendar;
mod credit_repayment;
mod ecommerce;
mod education;
mod global;
mod insurance;
pub(crate) mod orders;
mod scheduled_deduct;
pub(crate) mod settle;

pub(crate) use orders::{Order, OrderState, order_by_out_trade_no, order_by_transaction_id};
pub(crate) use settle::{Settler, settle};

use crate::Identity;
use crate::contracts::Contract;
use crate::families::Event;
use crate::faults::Failure;
use crate::http_server::Request;
use crate::refusal::{Answered, Refusal};
use crate::server::State;
use serde_json::{Map, Value};
use wxpresign::endpoints::{self, Endpoint, Family, Stage};

/// How long an order stays accepted before its result, in seconds of the sandbox's clock,
/// where a family's pages say the result comes later and give no time ("系统受理扣款请求后,
/// 异步进行扣款"): a few seconds keep a merchant's "accepted, result later" path visible, and a
/// test moves the clock past it.
pub(crate) const ACCEPTED_SECS: u64 = 5;

/// The result of an order accepted at `now`, where the pages give no time: [`ACCEPTED_SECS`]
/// later.
pub(crate) fn after_accepted(_: &Contract, _: &Value, now: u64) -> u64 {
    now + ACCEPTED_SECS
}

/// What a family does with money. No wildcard in [`money`]: a new [`Family`] is a compile
/// error there until it says whether the sandbox runs its money.
pub(crate) struct Money {
    /// The family's name, as the store keeps it with each order.
    pub name: &'static str,
    /// The table's deduction calls of the family (受理扣款, 支付扣款): the core takes their orders.
    pub deductions: &'static [&'static str],
    /// The request member numbering an order, unique per merchant (and sub-merchant).
    pub key: &'static str,
    /// The request member naming the sub-merchant of a partner's (an institution's) call, which
    /// must be its contract's; `None`: the family's calls name none, and its orders are the
    /// merchant's alone.
    pub sub_merchant: Option<&'static str>,
    /// The request member naming the calling merchant itself (`combine_mchid`), which must be
    /// its mchid; `None` where the family's requests name none.
    pub merchant_member: Option<&'static str>,
    /// An order's amount in fen, from its deduction's request.
    pub amount: fn(&Value) -> i64,
    /// The request members (JSON Pointers) a [`Failure`] value is read from, in order.
    pub failure_in: &'static [&'static str],
    /// When an order's result comes and what the deduction answers.
    pub timing: Timing,
    /// The family's words for each [`OrderState`].
    pub states: States,
    /// How a result is notified.
    pub notices: Notices,
    /// The order as its notification's resource and its queries give it.
    pub resource: fn(&Money, &Order, &Contract) -> Value,
    /// The family's order queries: the table path and what it finds the order by.
    pub queries: &'static [(&'static str, Lookup)],
    /// The family's reversal (撤销), where it publishes one.
    pub reversal: Option<&'static Reversal>,
    /// The refusal of an order query or reversal naming no order: (status, code, message).
    pub not_found: (u16, &'static str, &'static str),
    /// The refusal of a deduction on a terminated contract: (status, code, message).
    pub ended: (u16, &'static str, &'static str),
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
    /// Whether WeChat Pay pays an order despite `Failure` ("由微信支付出资对该笔订单进行垫付"):
    /// the order succeeds, and `succeeded` finds the failure on it.
    pub advanced: fn(&Order, Failure) -> bool,
    /// The event a result's change of a contract (before, after) tells the merchant at the
    /// contract's notification URL, `None` for none (a user's debt state).
    pub tells: fn(&Contract, &Contract) -> Option<&'static Event>,
    /// The family's calls on neither a contract nor an order (a user's state): the table path
    /// and what answers it.
    pub lookups: &'static [(&'static str, UserCall)],
}

/// A family's call on neither a contract nor an order: the caller and the request's members.
pub(crate) type UserCall = fn(&State, &Identity, &Value) -> Answered;

/// When a family's order has its result.
pub(crate) enum Timing {
    /// Accepted first ("本接口只返回受理结果"), the result at `settles` (Unix seconds of the
    /// sandbox's clock) of the contract, the request and the time it was accepted, such as
    /// [`after_accepted`]; the deduction answers `answer` of the order, `None` for 204 No
    /// Content ("无应答包体"). A result due at once (`settles` answering the time it was
    /// accepted, as a request asking for a synchronous result does) is settled before the
    /// answer, which then shows it.
    Accepted {
        settles: fn(&Contract, &Value, u64) -> u64,
        answer: fn(&Money, &Order, &Contract) -> Option<Value>,
    },
    /// The result in the deduction's answer ("同步返回扣款结果"): a success answers the order's
    /// resource, a failure the family's refusal for it (the order is kept in its failed state).
    Synchronous { refused: fn(Failure) -> Refusal },
}

/// The `trade_state` (or `order_state`) a family shows for each [`OrderState`].
pub(crate) struct States {
    pub accept: &'static str,
    pub success: &'static str,
    pub failed: &'static str,
    pub closed: &'static str,
}

/// How a family notifies results: the request member with the URL, and for a success and a
/// failure the event type and summary, `None` where its pages publish no such notification.
pub(crate) struct Notices {
    pub url: &'static str,
    pub success: Option<(&'static str, &'static str)>,
    pub failure: Option<(&'static str, &'static str)>,
    /// The resource's `original_type`.
    pub original_type: &'static str,
}

impl States {
    /// The word for `state`.
    pub fn name(&self, state: OrderState) -> &'static str {
        match state {
            OrderState::Accept => self.accept,
            OrderState::Success => self.success,
            OrderState::Failed => self.failed,
            OrderState::Closed => self.closed,
        }
    }
}

/// What an order query finds its order by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// The family's order number member ([`Money::key`]).
    Key,
    /// WeChat Pay's `transaction_id`.
    TransactionId,
}

/// A family's reversal (撤销订单): its table path, and what it answers an order it cannot close.
pub(crate) struct Reversal {
    pub path: &'static str,
    /// The refusal of a reversal of a paid order; `None`: a paid order is closed too (its
    /// money given back, as a micropay reversal does).
    pub paid: Option<(u16, &'static str, &'static str)>,
    /// The refusal of a reversal of an order already closed.
    pub closed: (u16, &'static str, &'static str),
    /// Refuses a reversal whose request does not name the order as its page requires.
    pub check: fn(&Order, &Value) -> Result<(), Refusal>,
}

impl Money {
    /// The family's word for `state`.
    pub fn state_name(&self, state: OrderState) -> &'static str {
        self.states.name(state)
    }

    /// The family's refusal `(status, code, message)`.
    pub fn refusal(&self, (status, code, message): (u16, &'static str, &'static str)) -> Refusal {
        Refusal::new(status, code, message)
    }
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
        Family::Insurance => Some(&insurance::MONEY),
        Family::PasswordExempt => None,
        Family::Ecommerce => Some(&ecommerce::MONEY),
        Family::CreditRepayment => Some(&credit_repayment::MONEY),
        Family::Education => Some(&education::MONEY),
        Family::OfflineFace => None,
        Family::Global => Some(&global::MONEY),
    }
}

/// The family whose money an order is.
pub(crate) fn money_named(name: &str) -> Option<&'static Money> {
    endpoints::all()
        .filter_map(|e| money(e.family))
        .find(|m| m.name == name)
}

/// The answer to a table call on a contract of a family whose money the sandbox runs; `None`
/// for any other request (it is answered as before).
pub(crate) fn call(state: &State, request: &Request) -> Option<Answered> {
    let path = request.path();
    // A path that is a table path of this method is that call, though it also fits another
    // call's template (`schedule-records/batch-create` and `schedule-records/{out_record_id}`).
    let exact = endpoints::find(path)
        .filter(|e| path.starts_with('/') && e.stage == Stage::Contract)
        .filter(|e| e.method.as_str() == request.method)
        .map(|e| (e, Vec::new()));
    let (endpoint, captured) = exact.or_else(|| endpoints::matching(path))?;
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
    settle::settle_held(state)?;
    if let Some((_, user_call)) = money.lookups.iter().find(|(p, _)| *p == endpoint.path) {
        return user_call(state, &merchant, &value);
    }
    if let Some((_, lookup)) = money.queries.iter().find(|(p, _)| *p == endpoint.path) {
        return orders::query(state, money, &merchant, *lookup, &value);
    }
    if let Some(reversal) = money.reversal.filter(|r| r.path == endpoint.path) {
        return orders::reverse(state, money, reversal, &merchant, &value);
    }
    let contract = contract_of(state, money, &merchant, endpoint, &value)?;
    if money.deductions.contains(&endpoint.path) {
        return orders::deduct(state, money, &merchant, endpoint, &value, contract);
    }
    (money.call)(state, &merchant, endpoint, &value, contract)
}

/// The sub-merchant a call names, "" for none.
pub(crate) fn sub_merchant<'a>(money: &Money, value: &'a Value) -> &'a str {
    money
        .sub_merchant
        .and_then(|name| value.get(name))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The contract a call names by `contract_id`: the caller's, of the endpoint's family, of the
/// sub-merchant a partner's call names (a direct call names a direct contract). Any other is
/// not found, as another merchant's is not there for this one.
fn contract_of(
    state: &State,
    money: &Money,
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
        .filter(|c| {
            money
                .sub_merchant
                .is_none_or(|name| c.request.get(name) == value.get(name))
        })
        .ok_or_else(|| {
            Refusal::new(
                404,
                "RESOURCE_NOT_EXISTS",
                format!("签约协议不存在: this merchant has no contract {id} of this family"),
            )
        })?;
    Ok(contract)
}

/// How a synchronous family refuses a failed deduction, where its pages give no code of their
/// own: a code of the APIv3 payment calls for each [`Failure`], with its description
/// (docs/where-sources-disagree.md, "Money").
pub(crate) fn payment_refused(failure: Failure) -> Refusal {
    let code = match failure {
        Failure::NotEnough => "NOT_ENOUGH",
        Failure::ContractTerminated => "CONTRACT_NOT_EXIST",
        Failure::LimitExceeded => "RULE_LIMIT",
        Failure::BankError => "TRADE_ERROR",
    };
    let status = match failure {
        Failure::ContractTerminated => 400,
        _ => 403,
    };
    Refusal::new(status, code, failure.description())
}

/// The refusal of a call on a contract that no longer holds.
pub(crate) fn terminated() -> Refusal {
    Refusal::new(
        400,
        "INVALID_REQUEST",
        "协议已解约: the contract is terminated and takes no schedule or deduction",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each family whose money runs names its deduction, query and reversal calls from the
    /// table, each of its family and a call on a contract.
    #[test]
    fn every_money_call_of_a_family_is_a_table_call_of_that_family() {
        for endpoint in endpoints::all() {
            let Some(money) = money(endpoint.family) else {
                continue;
            };
            let queries = money.queries.iter().map(|(p, _)| p);
            let reversal = money.reversal.map(|r| &r.path);
            for path in money.deductions.iter().chain(queries).chain(reversal) {
                let found = endpoints::find(path).expect("a table path");
                assert_eq!(found.family, endpoint.family, "{path}");
                assert_eq!(found.stage, Stage::Contract, "{path}");
            }
        }
    }
}
