//! What the pages read of the sandbox, and only through these functions: sessions, contracts,
//! orders and notifications as the store holds them (the request record as it is kept in memory, and
//! written to the store), so a change of store changes this file and no page.
//! Every function reads; none changes anything.

use crate::Mode;
use crate::contracts::Contract;
use crate::delivery::NotificationDelivery;
use crate::merchants::Standing;
use crate::money::Order;
use crate::record::{Page, Received};
use crate::server::State;
use crate::sessions::Session;
use crate::store::SessionKey;
use std::collections::HashMap;

/// A merchant as the overview names it.
pub(super) struct Merchant {
    pub mchid: String,
    /// Direct merchant, service provider or sub-merchant, and whose.
    pub standing: Standing,
    pub mode: Mode,
    /// The serial (or public key id) that signs its answers now.
    pub signing_serial: String,
}

/// Some of a longer list, and how long the list is.
pub(super) struct Listed<T> {
    pub shown: Vec<T>,
    pub count: usize,
}

/// The merchants the sandbox serves, `init`'s first.
pub(super) fn merchants(state: &State) -> Vec<Merchant> {
    state
        .merchants
        .all()
        .iter()
        .map(|m| Merchant {
            mchid: m.mchid.clone(),
            standing: m.standing.clone(),
            mode: m.mode(),
            signing_serial: m.signing(|serial, _| serial.to_owned()),
        })
        .collect()
}

/// The newest `limit` notifications triggered for merchant `mchid`, newest first.
pub(super) fn triggered(state: &State, mchid: &str, limit: usize) -> Vec<NotificationDelivery> {
    state
        .store
        .triggered_deliveries(mchid, limit)
        .unwrap_or_default()
}

/// The newest `limit` valid sessions of merchant `mchid`, newest first, as the store holds
/// them.
pub(super) fn sessions(state: &State, mchid: &str, limit: usize) -> Listed<Session> {
    let now = state.clock.now_ms();
    let (shown, count) = state
        .store
        .newest_sessions(mchid, now, limit)
        .unwrap_or_default();
    let shown = shown
        .into_iter()
        .map(|s| state.sessions.current(s, now))
        .collect();
    Listed { shown, count }
}

/// A valid session by id.
pub(super) fn session(state: &State, id: &str) -> Option<Session> {
    session_by(state, SessionKey::Id, id)
}

/// The valid session that became contract `contract_id`.
pub(super) fn session_of(state: &State, contract_id: &str) -> Option<Session> {
    session_by(state, SessionKey::Contract, contract_id)
}

fn session_by(state: &State, key: SessionKey, value: &str) -> Option<Session> {
    let now = state.clock.now_ms();
    // Ids are unique across merchants: the page shows any merchant's session.
    let found = state.merchants.all().iter().find_map(|m| {
        state
            .store
            .session_by(&m.mchid, now, key, value)
            .ok()
            .flatten()
    })?;
    Some(state.sessions.current(found, now))
}

/// The newest `limit` contracts of merchant `mchid`, newest first.
pub(super) fn contracts(state: &State, mchid: &str, limit: usize) -> Listed<Contract> {
    let (shown, count) = state
        .store
        .newest_contracts(mchid, limit)
        .unwrap_or_default();
    Listed { shown, count }
}

/// A contract by id.
pub(super) fn contract(state: &State, id: &str) -> Option<Contract> {
    state
        .merchants
        .all()
        .iter()
        .find_map(|m| state.store.contract(&m.mchid, id).ok().flatten())
}

/// The termination notification of `contract`, as the outbox has it now.
pub(super) fn termination(state: &State, contract: &Contract) -> Option<NotificationDelivery> {
    let id = contract.termination_id.as_deref()?;
    state.store.delivery(id).ok().flatten()
}

/// Every notification about `contract`, oldest first, each with whether it was triggered.
pub(super) fn contract_deliveries(
    state: &State,
    contract: &Contract,
) -> Vec<(NotificationDelivery, bool)> {
    state
        .store
        .contract_deliveries(&contract.id)
        .unwrap_or_default()
}

/// The orders taken with `contract`, oldest first.
pub(super) fn orders(state: &State, contract: &Contract) -> Vec<Order> {
    state
        .store
        .contract_orders(&contract.id)
        .unwrap_or_default()
}

/// Each contract's id by the value that names it in the request record (its
/// `out_contract_code`, `user_id` or `out_user_id`), so a request links to its contract.
pub(super) fn contracts_by_key(state: &State) -> HashMap<String, String> {
    let all = state.store.contracts().unwrap_or_default();
    all.into_iter()
        .filter_map(|(_, c)| Some((super::key_of(&c.request)?.to_owned(), c.id)))
        .collect()
}

/// The newest `limit` requests recorded, newest first.
pub(super) fn latest_requests(state: &State, limit: usize) -> Vec<Received> {
    state.record.latest(limit)
}

/// A page of the request record, as `GET /sandbox/requests` pages it.
pub(super) fn requests(state: &State, after: u64, limit: usize) -> Page {
    state.record.page(after, limit)
}

/// Whether the pages show personal data in clear (`serve --show-personal-data`).
pub(super) fn shows_personal_data(state: &State) -> bool {
    state
        .show_personal_data
        .load(std::sync::atomic::Ordering::Relaxed)
}
