//! Sessions: a pre-sign answered and remembered until it expires, and its end, signed by the
//! user (a contract, and the family's signing notification) or cancelled.

use crate::clock::Clock;
use crate::contracts::Contract;
use crate::delivery::{NotificationDelivery, notify_url, pending};
use crate::expiring::Expiring;
use crate::families::{self, Presign, Source};
use crate::http_server::Request;
use crate::refusal::{Answered, Refusal, lock};
use crate::server::State;
use crate::signer;
use crate::store::Store;
use crate::{Identity, random_hex};
use serde_json::{Map, Value, json};
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wxpresign::endpoints::Endpoint;

/// A pre-sign session the sandbox handed out.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    /// The merchant that pre-signed it.
    pub mchid: String,
    pub endpoint: &'static str,
    pub request: Value,
    /// When it expires on the real clock, as the sandbox's clock stands when it is read.
    pub expires: Instant,
    /// When it expires on the sandbox's clock, in milliseconds since the Unix epoch.
    pub expires_at_ms: i64,
    /// The contract it became, once signed.
    pub contract_id: Option<String>,
    /// The signing-result notification, once signed where the family sends one.
    pub delivery: Option<NotificationDelivery>,
    pub(crate) delivery_id: Option<String>,
    /// What the signing page's forms must post back, so that a stray request cannot sign.
    pub token: String,
    /// The user gave up on the signing page.
    pub cancelled: bool,
}

/// The sessions handed out, by id, as the store keeps them; expired ones (on the sandbox's
/// clock) are dropped as new ones come.
pub(crate) struct Sessions {
    held: Mutex<Expiring<String, Session>>,
    clock: Arc<Clock>,
    store: Arc<Store>,
}

impl Sessions {
    /// The sessions of every merchant the store holds that are still valid.
    pub fn load(clock: Arc<Clock>, store: Arc<Store>) -> wxpresign::error::Result<Sessions> {
        let mut held = Expiring::default();
        for (_, session) in store.sessions(clock.now_ms())? {
            held.map.insert(session.id.clone(), session);
        }
        Ok(Sessions {
            held: Mutex::new(held),
            clock,
            store,
        })
    }

    /// A session by id, while it is valid, with its notification as it is now.
    pub fn get(&self, id: &str) -> Option<Session> {
        let now = self.clock.now_ms();
        let session = lock(&self.held)
            .map
            .get(id)
            .filter(|s| s.expires_at_ms > now)
            .cloned()?;
        Some(self.current(session, now))
    }

    /// `session` as it stands at `now` (business milliseconds): its expiry on the real clock
    /// and its notification as the outbox has it.
    pub fn current(&self, mut session: Session, now: i64) -> Session {
        let left = u64::try_from(session.expires_at_ms - now).unwrap_or(0);
        session.expires = Instant::now() + Duration::from_millis(left);
        session.delivery = session
            .delivery_id
            .as_deref()
            .and_then(|d| self.store.delivery(d).ok().flatten());
        session
    }

    /// Remembers a session, stored before its pre-sign is answered.
    fn insert(&self, session: Session) -> Result<(), Refusal> {
        let mut held = lock(&self.held);
        let now = self.clock.now_ms();
        held.prune(|s| s.expires_at_ms > now);
        self.store
            .session_opened(&session.mchid, &session)
            .map_err(|e| Refusal::failed(&e))?;
        held.map.insert(session.id.clone(), session);
        Ok(())
    }

    /// `POST /sandbox/sessions/{id}/cancel`'s act: the user gives up; WeChat Pay sends nothing.
    pub fn cancel(&self, id: &str) -> Result<(), Refusal> {
        let mut held = lock(&self.held);
        let session = unsigned(&mut held, id, self.clock.now_ms())?;
        self.store
            .session_cancelled(id)
            .map_err(|e| Refusal::failed(&e))?;
        session.cancelled = true;
        Ok(())
    }
}

/// A pre-sign: the gateway's checks, then the fault its fault field asks for, or a new session
/// and the endpoint's answer.
pub(crate) fn presign(state: &State, endpoint: &'static Endpoint, request: &Request) -> Answered {
    let (merchant, value) = state.gateway.presign(endpoint, request)?;
    crate::contracts::code_unused(state, &merchant.mchid, endpoint, &value)?;
    let presign = families::presign(endpoint).ok_or_else(Refusal::internal)?;
    let fault_value = value.get(presign.fault_field).and_then(Value::as_str);
    let fault = match state.faults.before_answer(fault_value) {
        ControlFlow::Break(outcome) => return outcome,
        ControlFlow::Continue(fault) => fault,
    };
    let answer = open(state, &merchant, endpoint, presign, value)?;
    signer::answer(&merchant, 200, answer.to_string().into_bytes(), fault)
}

/// Remembers a session and builds the endpoint's answer from its family's entry.
fn open(
    state: &State,
    merchant: &Identity,
    endpoint: &'static Endpoint,
    presign: &Presign,
    request: Value,
) -> Result<Value, Refusal> {
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
            Source::Mchid => merchant.mchid.clone().into(),
            Source::SessionId => id.clone().into(),
            Source::SessionUrl => format!("{}/sandbox/sessions/{id}", state.base_url).into(),
            Source::Fixed(v) => (*v).into(),
        };
        answer.insert((*name).to_owned(), value);
    }
    let lifetime = Duration::from_secs(u64::from(presign.session_minutes) * 60);
    state.sessions.insert(Session {
        id,
        mchid: merchant.mchid.clone(),
        endpoint: endpoint.path,
        request,
        expires: Instant::now() + lifetime,
        expires_at_ms: state.clock.now_ms() + lifetime.as_millis() as i64,
        contract_id: None,
        delivery: None,
        delivery_id: None,
        token: random_hex(16).to_lowercase(),
        cancelled: false,
    })?;
    Ok(Value::Object(answer))
}

/// Signs session `id` as the user would: the contract it becomes, and the family's signing
/// notification sent to the request's notify URL (or `notify_url_override`). Returns the
/// delivery as `GET /sandbox/sessions/{id}` shows it.
pub(crate) fn sign(
    state: &State,
    id: &str,
    notify_url_override: Option<&str>,
) -> Result<Value, Refusal> {
    // The lock is held from the check to the insert, so a session is signed once; the store's
    // one transaction and its unique session of a contract hold across a crash.
    let mut held = lock(&state.sessions.held);
    let session = unsigned(&mut held, id, state.clock.now_ms())?;
    if session.cancelled {
        return Err(Refusal::new(
            409,
            "USER_CANCELLED",
            "the user cancelled this session on the signing page",
        ));
    }
    let endpoint = wxpresign::endpoints::find(session.endpoint).ok_or_else(Refusal::internal)?;
    let merchant = state
        .merchants
        .get(&session.mchid)
        .ok_or_else(Refusal::internal)?;
    let contract = Contract {
        id: format!("2026{}", random_hex(12)),
        endpoint: session.endpoint,
        request: session.request.clone(),
        signed_at: state.clock.now_secs(),
        terminated: None,
        notify_url: notify_url_override
            .map(str::to_owned)
            .or_else(|| notify_url(endpoint.request, &session.request)),
        termination_id: None,
        terminated_by_user: false,
        changed: serde_json::Map::new(),
        changed_at: Vec::new(),
    };
    let queued = match families::presign(endpoint).and_then(|p| p.signed) {
        Some(event) => {
            let url = contract.notify_url.clone().ok_or_else(|| {
                Refusal::new(
                    400,
                    "PARAM_ERROR",
                    "the request has no notify URL (WeChat uses the template's): pass {\"notify_url\": \"...\"}",
                )
            })?;
            Some(state.notifier.prepare(&merchant, event, &contract, url)?)
        }
        None => None,
    };
    state
        .store
        .signed(&merchant.mchid, id, &contract, queued.as_ref())
        .map_err(|e| Refusal::failed(&e))?;
    session.contract_id = Some(contract.id.clone());
    session.delivery_id = queued.as_ref().map(|q| q.id.clone());
    drop(held);
    let view = match &queued {
        Some(queued) => {
            state.notifier.queued();
            pending(queued).to_json()
        }
        // Signed, with nothing sent: the merchant learns of it by querying the contract.
        None => unnotified(&contract, endpoint),
    };
    state.merchants.contracts(&merchant.mchid).add(contract);
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
    now_ms: i64,
) -> Result<&'a mut Session, Refusal> {
    let session = sessions
        .map
        .get_mut(id)
        .filter(|s| s.expires_at_ms > now_ms)
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
