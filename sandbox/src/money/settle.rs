//! Applying what fell due on the sandbox's clock: each accepted order's result and what it
//! makes of its contract, then each family's time rules on its contracts in force. Applied
//! ([`settle`]) when the clock is moved, before each call on money, and when the sandbox
//! starts; results also as the clock runs on by itself ([`Settler`]).

use super::orders::{Order, OrderState, result_notice};
use super::{Money, money, money_named};
use crate::Identity;
use crate::contracts::Contract;
use crate::faults::Failure;
use crate::refusal::Refusal;
use crate::server::State;
use crate::store::Queued;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use wxpresign::endpoints::{self, Endpoint};

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
        .try_for_each(|order| settle_order(state, order).map(drop))
}

/// Applies what fell due on the sandbox's clock: each accepted order's result, then each
/// family's time rules on its contracts in force.
pub(crate) fn settle(state: &State) -> Result<(), Refusal> {
    let _moving = crate::refusal::lock(&state.money);
    settle_held(state)
}

/// [`settle`], the money lock held by the caller.
pub(super) fn settle_held(state: &State) -> Result<(), Refusal> {
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
/// kept in one transaction: the order as settled (by this call or, meanwhile, another).
pub(super) fn settle_order(state: &State, mut order: Order) -> Result<Order, Refusal> {
    let merchant = state.merchants.named(&order.mchid)?;
    let contracts = state.merchants.contracts(&order.mchid);
    let mut held = contracts.all();
    let Some(contract) = held.iter_mut().find(|c| c.id == order.contract_id) else {
        return Ok(order);
    };
    let money = money_named(&order.family).ok_or_else(Refusal::internal)?;
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
    let paid = failure.is_none_or(|f| (money.advanced)(&order, f));
    order.state = match paid {
        true => OrderState::Success,
        false => OrderState::Failed,
    };
    order.settled_at = Some(at);
    if let (true, Some(endpoint)) = (paid, order_endpoint(money, &order)) {
        if (money.succeeded)(endpoint, &mut moved, &order, at) {
            mark_system_end(money, &mut moved);
            queued.extend(end(state, &merchant, &mut moved, at, false)?);
        }
    }
    let told = (money.tells)(contract, &moved);
    if let (Some(event), Some(url)) = (told, moved.notify_url.clone()) {
        queued.push(state.notifier.prepare(&merchant, event, &moved, url)?);
    }
    if let Some(notice) = result_notice(state, money, &merchant, &order, &moved)? {
        queued.insert(0, notice);
    }
    // Another request may have settled it meanwhile: then it is told once, by that one.
    let kept = state
        .store
        .order_settled(&order, Some(&moved), &queued)
        .map_err(|e| Refusal::failed(&e))?;
    if !kept {
        return state
            .store
            .order_by_transaction(&order.mchid, &order.transaction_id)
            .map_err(|e| Refusal::failed(&e))?
            .ok_or_else(Refusal::internal);
    }
    *contract = moved;
    if !queued.is_empty() {
        state.notifier.queued();
    }
    Ok(order)
}

/// The deduction endpoint an order was taken through: the family's one, or among several the
/// one its request's members say (HarmonyOS, partner).
fn order_endpoint(money: &Money, order: &Order) -> Option<&'static Endpoint> {
    let harmony = order.request.get("harmony_account_id").is_some();
    let partner = !order.sub_mchid.is_empty();
    let all = || money.deductions.iter().filter_map(|p| endpoints::find(p));
    if money.deductions.len() == 1 {
        return all().next();
    }
    let named = |e: &&'static Endpoint| {
        e.path.contains("harmony") == harmony && e.path.contains("partner") == partner
    };
    // Deductions told apart by their members, not by their paths (education renewal's and
    // campus easy pay's): the one whose schema defines every member of the order's request.
    let fitting = |e: &&'static Endpoint| {
        wxpresign::schema::undefined_members(&e.members(), &order.request).is_empty()
    };
    all()
        .filter(named)
        .find(fitting)
        .or_else(|| all().find(named))
        .or_else(|| all().find(fitting))
}
