//! Sessions: a pre-sign answered and remembered until it expires, and its end, signed by the
//! user (a contract, and the family's signing notification) or cancelled.

use crate::contracts::Contract;
use crate::delivery::{NotificationDelivery, notify_url};
use crate::expiring::Expiring;
use crate::families::{self, Presign, Source};
use crate::http_server::Request;
use crate::random_hex;
use crate::refusal::{Answered, Refusal, lock};
use crate::server::State;
use crate::signer;
use serde_json::{Map, Value, json};
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wxpresign::endpoints::Endpoint;
use wxpresign::signing::unix_now;

/// A pre-sign session the sandbox handed out.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub endpoint: &'static str,
    pub request: Value,
    pub expires: Instant,
    /// The contract it became, once signed.
    pub contract_id: Option<String>,
    /// The signing-result notification, once signed where the family sends one.
    pub delivery: Option<Arc<NotificationDelivery>>,
    /// What the signing page's forms must post back, so that a stray request cannot sign.
    pub token: String,
    /// The user gave up on the signing page.
    pub cancelled: bool,
}

/// The sessions handed out, by id; expired ones are dropped as new ones come.
#[derive(Default)]
pub(crate) struct Sessions {
    held: Mutex<Expiring<String, Session>>,
}

impl Sessions {
    /// A session by id, while it is valid.
    pub fn get(&self, id: &str) -> Option<Session> {
        lock(&self.held)
            .map
            .get(id)
            .filter(|s| s.expires > Instant::now())
            .cloned()
    }

    /// The newest `limit` valid sessions, newest first, and how many are valid: what the
    /// sandbox's overview lists.
    pub fn newest(&self, limit: usize) -> (Vec<Session>, usize) {
        let held = lock(&self.held);
        let now = Instant::now();
        let mut valid: Vec<&Session> = held.map.values().filter(|s| s.expires > now).collect();
        let count = valid.len();
        valid.sort_by_key(|s| std::cmp::Reverse(opened(s)));
        (valid.into_iter().take(limit).cloned().collect(), count)
    }

    /// The valid session that became contract `contract_id`, if it is still held.
    pub fn signed_into(&self, contract_id: &str) -> Option<Session> {
        let now = Instant::now();
        lock(&self.held)
            .map
            .values()
            .find(|s| s.expires > now && s.contract_id.as_deref() == Some(contract_id))
            .cloned()
    }

    fn insert(&self, session: Session) {
        let mut held = lock(&self.held);
        let now = Instant::now();
        held.prune(|s| s.expires > now);
        held.map.insert(session.id.clone(), session);
    }

    /// `POST /sandbox/sessions/{id}/cancel`'s act: the user gives up; WeChat Pay sends nothing.
    pub fn cancel(&self, id: &str) -> Result<(), Refusal> {
        let mut held = lock(&self.held);
        unsigned(&mut held, id)?.cancelled = true;
        Ok(())
    }
}

/// When `session` was opened: its expiry less its family's lifetime.
fn opened(session: &Session) -> Instant {
    let minutes = families::presign_at(session.endpoint).map_or(0, |p| p.session_minutes);
    session
        .expires
        .checked_sub(Duration::from_secs(u64::from(minutes) * 60))
        .unwrap_or(session.expires)
}

/// A pre-sign: the gateway's checks, then the fault its fault field asks for, or a new session
/// and the endpoint's answer.
pub(crate) fn presign(state: &State, endpoint: &'static Endpoint, request: &Request) -> Answered {
    let value = state.gateway.presign(endpoint, request)?;
    crate::contracts::code_unused(state, endpoint, &value)?;
    let presign = families::presign(endpoint).ok_or_else(Refusal::internal)?;
    let fault_value = value.get(presign.fault_field).and_then(Value::as_str);
    let fault = match state.faults.before_answer(fault_value) {
        ControlFlow::Break(outcome) => return outcome,
        ControlFlow::Continue(fault) => fault,
    };
    let answer = open(state, endpoint, presign, value);
    signer::answer(&state.identity, 200, answer.to_string().into_bytes(), fault)
}

/// Remembers a session and builds the endpoint's answer from its family's entry.
fn open(state: &State, endpoint: &'static Endpoint, presign: &Presign, request: Value) -> Value {
    let id = format!(
        "{}{}",
        presign.session_prefix(),
        random_hex(12).to_lowercase()
    );
    let mut answer = Map::new();
    for (name, source) in presign.answer {
        let value = match source {
            Source::Echo(field) => match request.get(*field) {
                Some(v) => v.clone(),
                None => continue,
            },
            Source::Mchid => state.identity.mchid.clone().into(),
            Source::SessionId => id.clone().into(),
            Source::SessionUrl => format!("{}/sandbox/sessions/{id}", state.base_url).into(),
            Source::Fixed(v) => (*v).into(),
        };
        answer.insert((*name).to_owned(), value);
    }
    let minutes = u64::from(presign.session_minutes);
    state.sessions.insert(Session {
        id,
        endpoint: endpoint.path,
        request,
        expires: Instant::now() + Duration::from_secs(minutes * 60),
        contract_id: None,
        delivery: None,
        token: random_hex(16).to_lowercase(),
        cancelled: false,
    });
    Value::Object(answer)
}

/// Signs session `id` as the user would: the contract it becomes, and the family's signing
/// notification sent to the request's notify URL (or `notify_url_override`). Returns the
/// delivery as `GET /sandbox/sessions/{id}` shows it.
pub(crate) fn sign(
    state: &State,
    id: &str,
    notify_url_override: Option<&str>,
) -> Result<Value, Refusal> {
    // The lock is held from the check to the insert, so a session is signed once.
    let mut held = lock(&state.sessions.held);
    let session = unsigned(&mut held, id)?;
    if session.cancelled {
        return Err(Refusal::new(
            409,
            "USER_CANCELLED",
            "the user cancelled this session on the signing page",
        ));
    }
    let endpoint = wxpresign::endpoints::find(session.endpoint).ok_or_else(Refusal::internal)?;
    let contract = Contract {
        id: format!("2026{}", random_hex(12)),
        endpoint: session.endpoint,
        request: session.request.clone(),
        signed_at: unix_now(),
        terminated: None,
        notify_url: notify_url_override
            .map(str::to_owned)
            .or_else(|| notify_url(endpoint.request, &session.request)),
        termination: None,
    };
    let view = match families::presign(endpoint).and_then(|p| p.signed) {
        Some(event) => {
            let url = contract.notify_url.clone().ok_or_else(|| {
                Refusal::new(
                    400,
                    "PARAM_ERROR",
                    "the request has no notify URL (WeChat uses the template's): pass {\"notify_url\": \"...\"}",
                )
            })?;
            let delivery = state.notifier.send(event, &contract, url)?;
            let view = delivery.to_json();
            session.delivery = Some(delivery);
            view
        }
        // Signed, with nothing sent: the merchant learns of it by querying the contract.
        None => unnotified(&contract, endpoint),
    };
    session.contract_id = Some(contract.id.clone());
    drop(held);
    state.contracts.add(contract);
    Ok(view)
}

/// The delivery view of a signing whose family documents no notification.
fn unnotified(contract: &Contract, endpoint: &Endpoint) -> Value {
    json!({
        "id": null,
        "event_type": null,
        "notify_url": null,
        "contract_id": contract.id,
        "retry_secs": [],
        "state": "none",
        "attempts": [],
        "note": format!(
            "WeChat Pay documents no signing notification for {}; query the contract",
            endpoint.path
        ),
    })
}

/// The session `id` while it is valid and not yet signed: what signing and cancelling need.
fn unsigned<'a>(
    sessions: &'a mut Expiring<String, Session>,
    id: &str,
) -> Result<&'a mut Session, Refusal> {
    let session = sessions
        .map
        .get_mut(id)
        .filter(|s| s.expires > Instant::now())
        .ok_or_else(|| no_session(id))?;
    if session.contract_id.is_some() {
        return Err(Refusal::new(
            409,
            "CONTRACT_EXISTS",
            "this session was already signed",
        ));
    }
    Ok(session)
}

pub(crate) fn no_session(id: &str) -> Refusal {
    Refusal::new(
        404,
        "RESOURCE_NOT_EXISTS",
        format!("no valid pre-sign session {id}"),
    )
}
