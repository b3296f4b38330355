//! The behaviours' admin routes: the settings object (`GET`/`PATCH
//! /sandbox/merchants/{mchid}/behaviours`) and one probe notification sent now (`POST
//! /sandbox/merchants/{mchid}/probe-notification`). Both change state, so they take JSON only,
//! under the cross-site rules of the other `/sandbox/` routes.

use crate::admin::json_only;
use crate::http_server::{Reply, Request};
use crate::refusal::{Answered, Refusal};
use crate::server::State;
use crate::signer;
use serde_json::Value;

fn json_body(request: &Request) -> Result<Value, Refusal> {
    serde_json::from_slice(&request.body)
        .map_err(|e| Refusal::new(400, "PARAM_ERROR", format!("the body is not JSON: {e}")))
}

/// `GET` shows the settings; `PATCH` merges a JSON object into them and shows the result.
pub(crate) fn settings_route(state: &State, request: &Request, mchid: &str) -> Answered {
    let merchant = state.merchants.named(mchid)?;
    let behaviours = &merchant.behaviours;
    match request.method.as_str() {
        "GET" => {}
        "PATCH" => {
            json_only(state, request)?;
            behaviours.patch(&json_body(request)?)?;
        }
        _ => {
            return Err(Refusal::new(
                405,
                "METHOD_NOT_ALLOWED",
                "behaviours take GET or PATCH",
            ));
        }
    }
    signer::ok(&merchant, &behaviours.to_json(&merchant))
}

/// Sends a contract's signing notification again now, its first attempt a probe:
/// `{"contract_id": "...", "notify_url": "..."}` (the URL defaults to the contract's). After
/// a 4xx or 5xx answer the next attempt, on the retry schedule, is correctly signed; a 2xx
/// answer is recorded as `probe_accepted` and the correct one is sent all the same.
pub(crate) fn probe_notification(state: &State, request: &Request, mchid: &str) -> Answered {
    let merchant = state.merchants.named(mchid)?;
    if request.method != "POST" {
        return Err(Refusal::post_only("probe-notification"));
    }
    json_only(state, request)?;
    let body = json_body(request)?;
    let text = |name: &str| -> Result<Option<String>, Refusal> {
        match body.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(Refusal::param_error(
                &format!("/{name}"),
                v.clone(),
                "must be a string",
                "body",
            )),
        }
    };
    let contract_id = text("contract_id")?
        .ok_or_else(|| Refusal::param_error("/contract_id", Value::Null, "is required", "body"))?;
    let contract = state
        .merchants
        .contracts(&merchant.mchid)
        .get(&contract_id)
        .ok_or_else(|| {
            Refusal::new(
                404,
                "RESOURCE_NOT_EXISTS",
                format!("merchant {mchid} has no contract {contract_id}"),
            )
        })?;
    let event = wxpresign::endpoints::find(contract.endpoint)
        .and_then(crate::families::presign)
        .and_then(|p| p.signed)
        .ok_or_else(|| {
            Refusal::new(
                409,
                "NOT_SUPPORTED",
                format!(
                    "WeChat Pay documents no signing notification for {}",
                    contract.endpoint
                ),
            )
        })?;
    let url = text("notify_url")?
        .or_else(|| contract.notify_url.clone())
        .ok_or_else(|| {
            Refusal::param_error(
                "/notify_url",
                Value::Null,
                "is required: the contract has none",
                "body",
            )
        })?;
    let queued = state
        .notifier
        .prepare_probe(&merchant, event, &contract, url)?;
    state
        .store
        .queue(&queued)
        .map_err(|e| Refusal::failed(&e))?;
    state.notifier.queued();
    Ok(Reply::Answer {
        status: 202,
        body: crate::delivery::pending(&queued)
            .to_json()
            .to_string()
            .into_bytes(),
        headers: vec![("Content-Type", "application/json".to_owned())],
    })
}
