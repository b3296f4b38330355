//! Notifications on demand. `POST /sandbox/notifications/trigger` sends one notification of a
//! family's event type (about a session, a contract, or one made up for the merchant) to a
//! given URL now, and answers with the delivery and the handler's own answer: what a merchant's
//! integration tests call the way `stripe trigger` is used. `notify-test` builds its
//! notifications here too, so both send what the sandbox sends for that family.

use crate::admin::{asked, post_only};
use crate::behaviours::notification_headers;
use crate::contracts::Contract;
use crate::delivery::{Attempt, post, sealed_at};
use crate::families::{self, Event};
use crate::http_server::Request;
use crate::refusal::{Answered, Refusal};
use crate::server::State;
use crate::signer;
use crate::store::Queued;
use crate::{Identity, random_hex};
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::Instant;
use wxpresign::endpoints::{self, Family};

/// Every family, in the order of the library's endpoint table.
pub const FAMILIES: [Family; 8] = [
    Family::ScheduledDeduct,
    Family::Insurance,
    Family::PasswordExempt,
    Family::Ecommerce,
    Family::CreditRepayment,
    Family::Education,
    Family::OfflineFace,
    Family::Global,
];

/// A family's name as the command line and the trigger route spell it: its module's name.
pub fn family_name(family: Family) -> &'static str {
    match family {
        Family::ScheduledDeduct => "scheduled_deduct",
        Family::Insurance => "insurance",
        Family::PasswordExempt => "password_exempt",
        Family::Ecommerce => "ecommerce",
        Family::CreditRepayment => "credit_repayment",
        Family::Education => "education",
        Family::OfflineFace => "offline_face",
        Family::Global => "global",
    }
}

/// The family called `name`, or an error listing the names.
pub fn family_named(name: &str) -> Result<Family, String> {
    FAMILIES
        .into_iter()
        .find(|f| family_name(*f) == name)
        .ok_or_else(|| format!("unknown family {name:?}: one of {}", family_names()))
}

fn family_names() -> String {
    FAMILIES.map(family_name).join(", ")
}

/// The notifications a family sends: each signing notification of its pre-sign endpoints, then
/// each termination of its contracts, once each.
pub(crate) fn events(family: Family) -> Vec<&'static Event> {
    let presigns = families::behaviour(family).presigns;
    let signed = presigns.iter().filter_map(|p| p.signed);
    let terminated = presigns.iter().filter_map(|p| p.contracts?.terminated);
    let mut events: Vec<&'static Event> = Vec::new();
    for event in signed.chain(terminated) {
        if !events.iter().any(|e| std::ptr::eq(*e, event)) {
            events.push(event);
        }
    }
    events
}

/// The event types of [`events`], as a notification names them.
pub fn event_types(family: Family) -> Vec<&'static str> {
    events(family).iter().map(|e| e.event_type).collect()
}

/// Whether `event` is one `family` sends when a contract ends.
fn terminates(family: Family, event: &Event) -> bool {
    families::behaviour(family)
        .presigns
        .iter()
        .filter_map(|p| p.contracts?.terminated)
        .any(|e| std::ptr::eq(e, event))
}

/// A contract of `family` made up for `event`: signed at `now` (Unix seconds of the sandbox's
/// clock) through the first pre-sign endpoint whose sessions or contracts send it, with that
/// endpoint's example request, as the sandbox would hold it had the user signed that example.
pub(crate) fn made_up(family: Family, event: &Event, now: u64) -> Option<Contract> {
    let presign = families::behaviour(family).presigns.iter().find(|p| {
        p.signed.is_some_and(|e| std::ptr::eq(e, event))
            || p.contracts
                .and_then(|k| k.terminated)
                .is_some_and(|e| std::ptr::eq(e, event))
    })?;
    let request = serde_json::from_str(endpoints::find(presign.path)?.example).ok()?;
    Some(Contract {
        id: format!("2026{}", random_hex(12)),
        endpoint: presign.path,
        request,
        signed_at: now,
        terminated: None,
        notify_url: None,
        termination_id: None,
        terminated_by_user: false,
        changed: serde_json::Map::new(),
        changed_at: Vec::new(),
    })
}

/// `contract` as `event` tells of it: as signed for a signing notification; terminated (at
/// `now`, when it is not yet) for a termination. The sandbox's own contract is left as it is.
pub(crate) fn as_told(mut contract: Contract, family: Family, event: &Event, now: u64) -> Contract {
    if terminates(family, event) {
        contract.terminated.get_or_insert((now, None));
    } else {
        contract.terminated = None;
    }
    contract
}

/// The members the trigger route takes.
const MEMBERS: &[&str] = &[
    "event_type",
    "notify_url",
    "session_id",
    "contract_id",
    "family",
    "mchid",
];

/// `POST /sandbox/notifications/trigger`, JSON only.
pub(crate) fn trigger(state: &State, request: &Request, _: &str) -> Answered {
    post_only(request, "notifications/trigger")?;
    asked(state, request, None)?;
    let asked: Value = serde_json::from_slice(&request.body).map_err(|e| {
        Refusal::new(
            400,
            "PARAM_ERROR",
            format!(
                "the body is not JSON ({e}): send {{\"event_type\": ..., \"notify_url\": ...}}"
            ),
        )
    })?;
    let asked = asked.as_object().ok_or_else(|| {
        Refusal::new(
            400,
            "PARAM_ERROR",
            "the body must be a JSON object: {\"event_type\": ..., \"notify_url\": ...}",
        )
    })?;
    if let Some(name) = asked.keys().find(|k| !MEMBERS.contains(&k.as_str())) {
        return Err(Refusal::param_error(
            &format!("/{name}"),
            Value::Null,
            format!(
                "is not a member of a trigger: one of {}",
                MEMBERS.join(", ")
            ),
            "body",
        ));
    }
    let about = About::read(state, asked)?;
    let merchant = merchant(state, asked, about.mchid.as_deref())?;
    let event = event(about.family, text(asked, "event_type")?)?;
    let url = notify_url(asked, about.notify_url.as_deref())?;
    let now = state.clock.now_secs();
    let contract = match about.contract {
        Some(contract) => contract,
        None => made_up(about.family, event, now).ok_or_else(Refusal::internal)?,
    };
    let contract = as_told(contract, about.family, event, now);
    let delivery = deliver(state, &merchant, about.family, event, &contract, &url)?;
    signer::ok(&merchant, &delivery)
}

/// The merchant the notification is for: `mchid` when asked (it must be the session's or
/// contract's merchant, when one is named), else the named one's, else `init`'s.
fn merchant(
    state: &State,
    asked: &Map<String, Value>,
    owner: Option<&str>,
) -> Result<Arc<Identity>, Refusal> {
    let Some(mchid) = optional_text(asked, "mchid")? else {
        return Ok(owner
            .and_then(|m| state.merchants.get(m))
            .unwrap_or_else(|| state.merchants.primary()));
    };
    let merchant = state
        .merchants
        .get(mchid)
        .ok_or_else(|| not_held("/mchid", mchid, "no merchant"))?;
    match owner {
        Some(owner) if owner != mchid => Err(Refusal::param_error(
            "/mchid",
            mchid.into(),
            format!("the session or contract named is merchant {owner}'s"),
            "body",
        )),
        _ => Ok(merchant),
    }
}

/// What the notification is about: the family, and the session's or contract's contract (none:
/// one made up), and the notify URL it has.
struct About {
    family: Family,
    contract: Option<Contract>,
    notify_url: Option<String>,
    /// The merchant of the session or contract named.
    mchid: Option<String>,
}

impl About {
    fn read(state: &State, asked: &Map<String, Value>) -> Result<About, Refusal> {
        let session = optional_text(asked, "session_id")?;
        let contract = optional_text(asked, "contract_id")?;
        let named = optional_text(asked, "family")?
            .map(|name| {
                family_named(name)
                    .map_err(|issue| Refusal::param_error("/family", name.into(), issue, "body"))
            })
            .transpose()?;
        let about = match (session, contract) {
            (Some(_), Some(_)) => {
                return Err(Refusal::param_error(
                    "/contract_id",
                    Value::Null,
                    "name a session_id or a contract_id, not both",
                    "body",
                ));
            }
            (Some(id), None) => About::session(state, id)?,
            (None, Some(id)) => About::contract(state, id)?,
            (None, None) => About {
                family: named.ok_or_else(|| {
                    Refusal::param_error(
                        "/family",
                        Value::Null,
                        format!(
                            "is required for a notification made up for the merchant (or name \
                             a session_id or contract_id): one of {}",
                            family_names()
                        ),
                        "body",
                    )
                })?,
                contract: None,
                notify_url: None,
                mchid: None,
            },
        };
        match named {
            Some(family) if family != about.family => Err(Refusal::param_error(
                "/family",
                family_name(family).into(),
                format!(
                    "the session or contract named is of family {}",
                    family_name(about.family)
                ),
                "body",
            )),
            _ => Ok(about),
        }
    }

    /// A session's signed contract, else the contract it would become (not kept).
    fn session(state: &State, id: &str) -> Result<About, Refusal> {
        let session = state
            .sessions
            .get(id)
            .ok_or_else(|| not_held("/session_id", id, "no valid pre-sign session"))?;
        if let Some(contract) = session.contract_id.as_deref() {
            return About::contract(state, contract);
        }
        let endpoint = endpoints::find(session.endpoint).ok_or_else(Refusal::internal)?;
        let notify_url = crate::delivery::notify_url(endpoint.request, &session.request);
        Ok(About {
            family: endpoint.family,
            contract: Some(Contract {
                id: format!("2026{}", random_hex(12)),
                endpoint: session.endpoint,
                request: session.request,
                signed_at: state.clock.now_secs(),
                terminated: None,
                notify_url: notify_url.clone(),
                termination_id: None,
                terminated_by_user: false,
                changed: serde_json::Map::new(),
                changed_at: Vec::new(),
            }),
            notify_url,
            mchid: Some(session.mchid),
        })
    }

    fn contract(state: &State, id: &str) -> Result<About, Refusal> {
        let (mchid, contract) = state
            .merchants
            .contract(id)
            .ok_or_else(|| not_held("/contract_id", id, "no contract"))?;
        let endpoint = endpoints::find(contract.endpoint).ok_or_else(Refusal::internal)?;
        Ok(About {
            family: endpoint.family,
            notify_url: contract.notify_url.clone(),
            contract: Some(contract),
            mchid: Some(mchid),
        })
    }
}

/// 404 for a session or contract the sandbox does not hold, naming the member that named it.
fn not_held(pointer: &str, id: &str, what: &str) -> Refusal {
    Refusal {
        detail: Some(json!({ "field": pointer, "value": id, "location": "body" })),
        ..Refusal::new(
            404,
            "RESOURCE_NOT_EXISTS",
            format!("{pointer}: {what} {id} in this sandbox"),
        )
    }
}

/// The family's event of type `event_type`, or a refusal listing the family's event types.
fn event(family: Family, event_type: &str) -> Result<&'static Event, Refusal> {
    let events = events(family);
    if let Some(event) = events.iter().find(|e| e.event_type == event_type) {
        return Ok(event);
    }
    let issue = if events.is_empty() {
        format!(
            "family {} has no notification WeChat Pay publishes a payload for",
            family_name(family)
        )
    } else {
        format!(
            "is not an event type of family {}: one of {}",
            family_name(family),
            event_types(family).join(", ")
        )
    };
    Err(Refusal::param_error(
        "/event_type",
        event_type.into(),
        issue,
        "body",
    ))
}

/// The URL to send to: the one given, else the session's or contract's.
fn notify_url(asked: &Map<String, Value>, held: Option<&str>) -> Result<String, Refusal> {
    let url = match optional_text(asked, "notify_url")? {
        Some(url) => url,
        None => held.ok_or_else(|| {
            Refusal::param_error(
                "/notify_url",
                Value::Null,
                "is required: the handler's URL (http:// or https://); the session or contract \
                 named has none",
                "body",
            )
        })?,
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Refusal::param_error(
            "/notify_url",
            Value::Null,
            "must be an http:// or https:// URL",
            "body",
        ));
    }
    Ok(url.to_owned())
}

/// The string member `name`, required.
fn text<'a>(asked: &'a Map<String, Value>, name: &str) -> Result<&'a str, Refusal> {
    optional_text(asked, name)?.ok_or_else(|| {
        Refusal::param_error(&format!("/{name}"), Value::Null, "is required", "body")
    })
}

/// The string member `name`, when present.
fn optional_text<'a>(
    asked: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, Refusal> {
    match asked.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Refusal::param_error(
            &format!("/{name}"),
            other.clone(),
            "must be a string",
            "body",
        )),
    }
}

/// Seals and signs `event` about `merchant`'s `contract`, sends it to `url` once, now, keeps it
/// with the deliveries (no retry follows: a trigger is one try), and tells how it went.
fn deliver(
    state: &State,
    merchant: &Identity,
    family: Family,
    event: &'static Event,
    contract: &Contract,
    url: &str,
) -> Result<Value, Refusal> {
    let created_ms = state.clock.now_ms();
    let (id, body) = sealed_at(
        event,
        contract,
        &merchant.mchid,
        merchant.apiv3_key.as_bytes(),
        state.clock.now_secs(),
    )
    .map_err(|e| Refusal::failed(&e))?;
    let signed =
        notification_headers(merchant, body.as_bytes(), false).map_err(|e| Refusal::failed(&e))?;
    let started = Instant::now();
    let sent = post(url, &body, &signed);
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let (outcome, answer, error) = match &sent {
        Ok((status, body)) if (200..300).contains(status) => {
            ("delivered", json!({ "status": status, "body": body }), None)
        }
        Ok((status, body)) => ("refused", json!({ "status": status, "body": body }), None),
        Err(e) => ("no_answer", Value::Null, Some(e.clone())),
    };
    let queued = Queued {
        id: id.clone(),
        mchid: merchant.mchid.clone(),
        contract_id: contract.id.clone(),
        event_type: event.event_type.to_owned(),
        notify_url: url.to_owned(),
        body,
        retry_secs: Vec::new(),
        retry_unit_ms: 1000,
        created_ms,
        next_due_ms: created_ms,
        probe: false,
    };
    let attempt = Attempt {
        after_ms: 0,
        status: sent.as_ref().ok().map(|(status, _)| *status),
        error: error.clone(),
        probe: false,
    };
    state
        .store
        .triggered(&queued, &attempt, outcome == "delivered")
        .map_err(|e| Refusal::failed(&e))?;
    Ok(json!({
        "id": id,
        "mchid": merchant.mchid,
        "event_type": event.event_type,
        "family": family_name(family),
        "contract_id": contract.id,
        "notify_url": url,
        "state": outcome,
        "elapsed_ms": elapsed_ms,
        "answer": answer,
        "error": error,
    }))
}
