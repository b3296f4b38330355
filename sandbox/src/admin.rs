//! The admin routes under `/sandbox/`: what a test or a person asks of the sandbox itself
//! (stats, the request record, sessions signed or cancelled, contracts, certificate rotation),
//! guarded against requests a browser sends from another site.

use crate::contracts::query_members;
use crate::dashboard;
use crate::delivery::NotificationDelivery;
use crate::html::{see_other, wants_html};
use crate::http_server::{Reply, Request};
use crate::merchants::{Listed, NewMerchant, create};
use crate::refusal::{Answered, Refusal};
use crate::server::State;
use crate::sessions::{self, no_session};
use crate::signer;
use crate::signing_page::{self, paged};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;

/// `GET /sandbox/stats`: the server's connection and request counts.
pub(crate) fn stats(state: &State, _: &Request, _: &str) -> Answered {
    signer::ok(&state.identity, &state.counters.to_json())
}

/// `GET /sandbox/requests?after=SEQ&limit=N`: a page of the record, oldest first; for a
/// browser (Accept: text/html) as a page.
pub(crate) fn requests(state: &State, request: &Request, _: &str) -> Answered {
    use crate::record::{PAGE_DEFAULT, PAGE_MAX};
    let query = request.target.split_once('?').map_or("", |(_, q)| q);
    let members = query_members(query);
    let number = |name: &str, default: u64| -> Result<u64, Refusal> {
        match members.iter().find(|(n, _)| n == name) {
            None => Ok(default),
            Some((_, v)) => v.parse().map_err(|_| {
                Refusal::param_error(
                    name,
                    v.as_str().into(),
                    format!("{name} must be a whole number (limit: 1 to {PAGE_MAX})"),
                    "query",
                )
            }),
        }
    };
    let after = number("after", 0)?;
    let limit = number("limit", PAGE_DEFAULT as u64)?.clamp(1, PAGE_MAX as u64);
    if wants_html(request) {
        return Ok(dashboard::requests(state, after, limit as usize));
    }
    let page = state.record.page(after, limit as usize);
    let body = serde_json::to_vec(&page).map_err(|_| Refusal::internal())?;
    signer::answer(&state.identity, 200, body, None)
}

/// `GET /sandbox/sessions/{id}`: the session as JSON, or for a browser (Accept: text/html)
/// the signing page.
pub(crate) fn show_session(state: &State, request: &Request, id: &str) -> Answered {
    if wants_html(request) {
        return Ok(signing_page::show(state, id, request));
    }
    session_json(state, id)
}

/// The session as JSON, as `GET /sandbox/sessions/{id}` answers a program.
pub(crate) fn session_json(state: &State, id: &str) -> Answered {
    let session = state.sessions.get(id).ok_or_else(|| no_session(id))?;
    let body = json!({
        "session_id": session.id,
        "endpoint": session.endpoint,
        "request": signing_page::shown_request(state, &session),
        "expires_in_seconds": session.expires.saturating_duration_since(Instant::now()).as_secs(),
        "contract_id": session.contract_id,
        "notification": session.delivery.as_ref().map(NotificationDelivery::to_json),
        "cancelled": session.cancelled,
    });
    signer::ok(&state.identity, &body)
}

/// `POST /sandbox/sessions/{id}/sign`, optionally with `{"notify_url": "..."}`; from the
/// signing page, its form.
pub(crate) fn sign(state: &State, request: &Request, id: &str) -> Answered {
    paged(request, sign_asked(state, request, id))
}

fn sign_asked(state: &State, request: &Request, id: &str) -> Answered {
    post_only(request, "sign")?;
    if asked(state, request, Some(id))? == Asked::Form {
        return signing_page::sign(state, id);
    }
    let body = &request.body;
    let options: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body)
            .map_err(|e| Refusal::new(400, "PARAM_ERROR", format!("the body is not JSON: {e}")))?
    };
    let url = match options.get("notify_url") {
        None | Some(Value::Null) => None,
        Some(Value::String(url)) => Some(url.as_str()),
        Some(_) => {
            return Err(Refusal::new(
                400,
                "PARAM_ERROR",
                "notify_url must be a string",
            ));
        }
    };
    let delivery = sessions::sign(state, id, url)?;
    Ok(Reply::Answer {
        status: 202,
        body: delivery.to_string().into_bytes(),
        headers: vec![("Content-Type", "application/json".to_owned())],
    })
}

/// `POST /sandbox/sessions/{id}/cancel`: the user gives up; WeChat Pay sends nothing. From
/// the page (with its token) or as JSON.
pub(crate) fn cancel(state: &State, request: &Request, id: &str) -> Answered {
    paged(request, cancel_asked(state, request, id))
}

fn cancel_asked(state: &State, request: &Request, id: &str) -> Answered {
    post_only(request, "cancel")?;
    let form = asked(state, request, Some(id))? == Asked::Form;
    state.sessions.cancel(id)?;
    if form {
        return Ok(see_other(&format!("/sandbox/sessions/{id}")));
    }
    signer::ok(&state.identity, &json!({ "cancelled": true }))
}

/// `GET /sandbox/contracts/{contract_id}`: a contract as the sandbox holds it, with its
/// notifications; for a browser (Accept: text/html) its page.
pub(crate) fn show_contract(state: &State, request: &Request, id: &str) -> Answered {
    if wants_html(request) {
        return Ok(dashboard::contract(state, id));
    }
    let (mchid, contract) = state
        .merchants
        .contract(id)
        .ok_or_else(|| Refusal::new(404, "RESOURCE_NOT_EXISTS", format!("no contract {id}")))?;
    let body = json!({
        "contract_id": contract.id,
        "mchid": mchid,
        "endpoint": contract.endpoint,
        "state": if contract.terminated.is_some() { "TERMINATED" } else { "SIGNED" },
        "termination_remark": contract.terminated.as_ref().and_then(|(_, r)| r.clone()),
        "termination_notification": contract
            .termination_id
            .as_deref()
            .and_then(|d| state.store.delivery(d).ok().flatten())
            .as_ref()
            .map(NotificationDelivery::to_json),
    });
    signer::ok(&state.identity, &body)
}

/// `POST /sandbox/certificates/rotate`, optionally `{"mchid": "..."}` (`init`'s merchant when
/// absent): a new platform certificate of that merchant signs from now on.
pub(crate) fn rotate(state: &State, request: &Request, _: &str) -> Answered {
    post_only(request, "rotate")?;
    asked(state, request, None)?;
    let merchant = match optional_body(request)?.get("mchid") {
        None | Some(Value::Null) => state.merchants.primary(),
        Some(Value::String(mchid)) => state.merchants.named(mchid)?,
        Some(other) => {
            return Err(Refusal::param_error(
                "/mchid",
                other.clone(),
                "must be a string",
                "body",
            ));
        }
    };
    let serial = merchant
        .rotate_then(|issued| state.store.rotated(&merchant.mchid, &issued.kept()?))
        .map_err(|e| Refusal::new(409, "NOT_SUPPORTED", e.message().to_owned()))?;
    signer::ok(&merchant, &json!({ "serial_no": serial }))
}

/// A JSON body, `{}` when there is none.
fn optional_body(request: &Request) -> Result<Value, Refusal> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(&request.body)
        .map_err(|e| Refusal::new(400, "PARAM_ERROR", format!("the body is not JSON: {e}")))
}

/// `GET /sandbox/merchants` lists the merchants; `POST` with `{"kind", "provider", "mode"}`
/// adds one, served at once, its files written to DIR/merchants/<mchid>/ (what `sandbox
/// merchant add` asks of a sandbox serving DIR). The answer names the client.json, never a key.
pub(crate) fn merchants(state: &State, request: &Request, _: &str) -> Answered {
    let dir = state.dir.as_deref().ok_or_else(|| {
        Refusal::new(
            409,
            "NOT_SUPPORTED",
            "this sandbox has no DIR to write a merchant's files in: serve one (`wxpresign \
             sandbox serve DIR`)",
        )
    })?;
    match request.method.as_str() {
        "GET" => {
            let listed: Vec<Value> = state
                .merchants
                .listed(dir)
                .iter()
                .map(Listed::to_json)
                .collect();
            return signer::ok(&state.identity, &json!({ "data": listed }));
        }
        "POST" => {}
        _ => return Err(Refusal::post_only("merchants (GET lists them)")),
    }
    json_only(state, request)?;
    let new = NewMerchant::from_json(&optional_body(request)?)?;
    let known = |mchid: &str| state.merchants.get(mchid).map(|m| m.standing.clone());
    let (identity, path) = create(dir, &state.base_url, &new, &state.store, &known)
        .map_err(|e| Refusal::new(400, "PARAM_ERROR", e.message().to_owned()))?;
    let identity = Arc::new(identity.on_clock(Arc::clone(&state.clock)));
    state.merchants.add(Arc::clone(&identity));
    let listed = Listed {
        mchid: identity.mchid.clone(),
        standing: identity.standing.clone(),
        mode: identity.mode(),
        client_json: path,
    };
    Ok(Reply::Answer {
        status: 201,
        body: listed.to_json().to_string().into_bytes(),
        headers: vec![("Content-Type", "application/json".to_owned())],
    })
}

/// For state-changing routes elsewhere that take JSON only: the cross-site refusals of
/// [`asked`].
pub(crate) fn json_only(state: &State, request: &Request) -> Result<(), Refusal> {
    asked(state, request, None).map(|_| ())
}

/// How a state-changing route was asked: by the signing page's form (with the session's
/// token) or with JSON (or, for rotate, nothing).
#[derive(PartialEq)]
pub(crate) enum Asked {
    Form,
    Json,
}

/// The code of a form refused for its token: a browser is shown the page that says so.
pub(crate) const TOKEN_REQUIRED: &str = "TOKEN_REQUIRED";

pub(crate) fn post_only(request: &Request, route: &str) -> Result<(), Refusal> {
    match request.method.as_str() {
        "POST" => Ok(()),
        _ => Err(Refusal::post_only(route)),
    }
}

/// Whether a state-changing route may act on `request`, and how it was asked. A browser sends
/// a cross-site page's form or `fetch` (text/plain, form-encoded, multipart or no body) without
/// a CORS preflight, which the sandbox never grants, so such requests are refused: anything a
/// browser says came from another site, and any body that is not JSON unless it is the signing
/// page's form with the session's token. A program's body-less POST passes only where no
/// session is named (rotate).
pub(crate) fn asked(
    state: &State,
    request: &Request,
    session: Option<&str>,
) -> Result<Asked, Refusal> {
    if let Some(site) = cross_site(request) {
        return Err(Refusal::new(
            403,
            "CROSS_SITE_REFUSED",
            format!(
                "the sandbox's routes that change state refuse requests from another site \
                 ({site}): post from a program, or from the sandbox's own page"
            ),
        ));
    }
    let media = request
        .header("Content-Type")
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase());
    match (media.as_deref(), session) {
        (Some("application/json"), _) => Ok(Asked::Json),
        (Some("application/x-www-form-urlencoded"), Some(id)) => {
            check_token(state, request, id).map(|()| Asked::Form)
        }
        (None, None) if request.body.is_empty() => Ok(Asked::Json),
        _ => Err(Refusal::new(
            415,
            "INVALID_REQUEST",
            "send Content-Type: application/json (the signing page's forms post the \
             session's token instead)",
        )),
    }
}

/// The page's forms post the session's token, so that a stray request cannot sign.
fn check_token(state: &State, request: &Request, id: &str) -> Result<(), Refusal> {
    let session = state.sessions.get(id).ok_or_else(|| no_session(id))?;
    let body = std::str::from_utf8(&request.body).unwrap_or_default();
    let given = query_members(body)
        .into_iter()
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value);
    if given.as_deref() != Some(session.token.as_str()) {
        return Err(Refusal::new(
            403,
            TOKEN_REQUIRED,
            "a form post needs the session's token, which the signing page's forms carry; \
             a program posts Content-Type: application/json instead",
        ));
    }
    Ok(())
}

/// What says `request` came from a page of another site: its `Sec-Fetch-Site`, or an
/// `Origin` that is not this sandbox's own (browsers send one with every POST).
fn cross_site(request: &Request) -> Option<String> {
    if let Some(site) = request.header("Sec-Fetch-Site") {
        if !matches!(site.trim(), "same-origin" | "none") {
            return Some(format!("Sec-Fetch-Site: {}", site.trim()));
        }
    }
    let origin = request.header("Origin")?.trim();
    let own = request
        .header("Host")
        .map(|host| format!("http://{}", host.trim()));
    // Host names are case-insensitive; a browser lower-cases the Origin's, not always the Host.
    let same = own.is_some_and(|own| own.eq_ignore_ascii_case(origin));
    (!same).then(|| "its Origin is another site's".to_owned())
}
