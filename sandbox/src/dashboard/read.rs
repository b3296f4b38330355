//! What the pages read of the sandbox, and only through these functions: where the sandbox
//! keeps its state is their business alone, so a change of store changes this file and no page.
//! Every function reads; none changes anything.

use crate::Mode;
use crate::contracts::Contract;
use crate::delivery::NotificationDelivery;
use crate::record::{Page, Received};
use crate::server::State;
use crate::sessions::Session;
use std::collections::HashMap;

/// A merchant as the overview names it.
pub(super) struct Merchant {
    pub mchid: String,
    pub mode: Mode,
    /// The serial (or public key id) that signs its answers now.
    pub signing_serial: String,
}

/// Some of a longer list, and how long the list is.
pub(super) struct Listed<T> {
    pub shown: Vec<T>,
    pub count: usize,
}

/// The merchants the sandbox serves: today the one of its directory.
pub(super) fn merchants(state: &State) -> Vec<Merchant> {
    let identity = &state.identity;
    vec![Merchant {
        mchid: identity.mchid.clone(),
        mode: identity.mode(),
        signing_serial: identity.signing(|serial, _| serial.to_owned()),
    }]
}

/// The newest `limit` valid sessions of merchant `_mchid`, newest first (the one merchant
/// holds them all today).
pub(super) fn sessions(state: &State, _mchid: &str, limit: usize) -> Listed<Session> {
    let (shown, count) = state.sessions.newest(limit);
    Listed { shown, count }
}

/// A valid session by id.
pub(super) fn session(state: &State, id: &str) -> Option<Session> {
    state.sessions.get(id)
}

/// The valid session that became contract `contract_id`.
pub(super) fn session_of(state: &State, contract_id: &str) -> Option<Session> {
    state.sessions.signed_into(contract_id)
}

/// The newest `limit` contracts of merchant `_mchid`, newest first (the one merchant holds
/// them all today).
pub(super) fn contracts(state: &State, _mchid: &str, limit: usize) -> Listed<Contract> {
    let (shown, count) = state.contracts.newest(limit);
    Listed { shown, count }
}

/// A contract by id.
pub(super) fn contract(state: &State, id: &str) -> Option<Contract> {
    state.contracts.get(id)
}

/// The termination notification of `contract`, as the outbox has it now.
pub(super) fn termination(state: &State, contract: &Contract) -> Option<NotificationDelivery> {
    let id = contract.termination_id.as_deref()?;
    state.store.delivery(id).ok().flatten()
}

/// Each contract's id by the value that names it in the request record (its
/// `out_contract_code`, `user_id` or `out_user_id`), so a request links to its contract.
pub(super) fn contracts_by_key(state: &State) -> HashMap<String, String> {
    let (all, _) = state.contracts.newest(usize::MAX);
    all.into_iter()
        .filter_map(|c| Some((super::key_of(&c.request)?.to_owned(), c.id)))
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
