//! The calls on contracts and the notifications they send, as the families' pages describe
//! them: cases written from the official pages (tests/conformance/contracts/<family>.json, one
//! file per family; a family without its file has no cases yet), never from the sandbox's
//! tables. Each case runs twice, on a sandbox of its own each time: signed by hand (aws-lc-rs,
//! not the library's signer) and sent straight to the sandbox, then through the library's
//! `Client::request`; both must see what the case expects.
//!
//! # The case format
//!
//! A file is a JSON array of cases:
//!
//! ```json
//! {
//!   "name": "a query of a terminated contract answers it TERMINATED",
//!   "page": "https://pay.weixin.qq.com/doc/v3/merchant/4012489245",
//!   "phrase": "TERMINATED: 生效的签约协议已被解约",
//!   "setup": [
//!     { "presign": "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app",
//!       "set": { "/out_contract_code": "C1" }, "remove": ["/out_user_code"],
//!       "sign": true,
//!       "terminate": { "method": "POST", "path": "/v3/.../{plan_id}/.../{out_contract_code}/terminate",
//!                      "body": { "contract_termination_remark": "用户解约" } } }
//!   ],
//!   "call": { "method": "GET", "path": "/v3/.../plan-id/{plan_id}/out-contract-code/{out_contract_code}",
//!             "query": { "sub_mchid": "1900000109" }, "body": { } },
//!   "set": { "/path/out_contract_code": "C2", "/query/limit": 121, "/body/contract_termination_remark": "…" },
//!   "remove": ["/query/sub_mchid"],
//!   "expect": {
//!     "status": 200, "code": "PARAM_ERROR", "pointer": "/out_contract_code", "location": "path",
//!     "answer": { "/contract_state": "TERMINATED", "/contract_id": "$contract_id" },
//!     "answer_has": ["/openid"], "answer_lacks": ["/deduct_schedule"],
//!     "notifications": [ { "event_type": "ENTRUST.TERMINATE",
//!                          "resource": { "/contract_state": "TERMINATED" },
//!                          "resource_has": ["/openid"], "resource_lacks": [] } ]
//!   }
//! }
//! ```
//!
//! - `page` and `phrase`: the official page and its words that decide the case.
//! - `setup`: contracts made before the call, in order, through the sandbox's public API. Each
//!   pre-signs `presign` (a table path) with the table's example changed by `set` (JSON Pointer
//!   to value) and `remove` (pointers), signs the session (unless `"sign": false`) with the
//!   notifications going to the case's local receiver (`notified`: what the signing
//!   notification must be, as in `expect`), and then makes its `terminate` call (a `call`, which
//!   must succeed; `calls` are made before it, each of which must succeed too), or has its user
//!   end it in WeChat (`"user_terminates": { "body": {..},
//!   "notified": [..] }`, on the sandbox's admin route; `notified` as in `expect`). `"refused":
//!   { <expect> }` instead says the pre-sign is refused
//!   so (status, code, pointer), and nothing more is done with that step. The call is made on
//!   the last contract.
//! - `call`: the method and the path template; a `{name}` segment takes, in this order, the
//!   case's `/path/name`, the contract's pre-sign request member `name` (a number as its text),
//!   or its id for `{contract_id}`. `query` and `body` (JSON; no body when absent) are sent as
//!   they are after `set` and `remove`, whose pointers start with `/path`, `/query` or `/body`.
//! - `expect`: the status; for a refusal the `code`, and the member it names, `pointer`
//!   (`detail.field`, or a member the page does not define, listed in `detail.value`) with its
//!   `location` (`path`, `query`, `body`); the answer's members by pointer (`answer` values,
//!   `answer_has` present, `answer_lacks` absent); the notifications the call sends, in order
//!   (absent: not checked; `[]`: none within half a second). The values `$contract_id` and
//!   `$mchid` stand for the contract's id and the sandbox's merchant id.

use crate::common;

use common::hand_signing::{HandSigner, names};
use common::{Fixture, NotifyEndpoint, notify_endpoint};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::time::Duration;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    page: String,
    phrase: String,
    #[serde(default)]
    setup: Vec<Setup>,
    call: CallSpec,
    #[serde(default)]
    set: Map<String, Value>,
    #[serde(default)]
    remove: Vec<String>,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Setup {
    presign: String,
    #[serde(default)]
    set: Map<String, Value>,
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default = "yes")]
    sign: bool,
    terminate: Option<CallSpec>,
    /// Calls made on the contract once signed (before any `terminate`), each of which must
    /// succeed: a change the case's call should see.
    #[serde(default)]
    calls: Vec<CallSpec>,
    /// The user ends the contract in WeChat instead, acted out on the sandbox's
    /// `POST /sandbox/contracts/{id}/user-terminate`.
    user_terminates: Option<UserTerminates>,
    refused: Option<Expect>,
    /// The signing notification, as the family's page describes it.
    notified: Option<Notified>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserTerminates {
    /// The route's options (`{}` when absent).
    #[serde(default)]
    body: Option<Value>,
    /// The notifications WeChat Pay sends the merchant, in order, as the family's pages
    /// describe them (the receiver answers each 200 with no body).
    #[serde(default)]
    notified: Vec<Notified>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallSpec {
    method: String,
    path: String,
    #[serde(default)]
    query: Map<String, Value>,
    body: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    status: u16,
    code: Option<String>,
    pointer: Option<String>,
    location: Option<String>,
    #[serde(default)]
    answer: Map<String, Value>,
    #[serde(default)]
    answer_has: Vec<String>,
    #[serde(default)]
    answer_lacks: Vec<String>,
    notifications: Option<Vec<Notified>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Notified {
    event_type: String,
    #[serde(default)]
    resource: Map<String, Value>,
    #[serde(default)]
    resource_has: Vec<String>,
    #[serde(default)]
    resource_lacks: Vec<String>,
}

/// The cases of `family`; none when its file does not exist yet.
fn load(family: &str) -> Vec<Case> {
    let path = format!(
        "{}/tests/conformance/contracts/{family}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => panic!("{path}: {e}"),
    }
}

/// `value` with `remove` taken out and `set` put in, by JSON Pointer; a set member's parent
/// objects are made as needed.
fn changed(mut value: Value, set: &Map<String, Value>, remove: &[String]) -> Value {
    for pointer in remove {
        let (parent, name) = pointer.rsplit_once('/').expect("a JSON Pointer");
        if let Some(members) = value.pointer_mut(parent).and_then(Value::as_object_mut) {
            members.remove(name);
        }
    }
    for (pointer, new) in set {
        let mut slot = &mut value;
        for token in pointer.split('/').skip(1) {
            if !slot.is_object() {
                *slot = json!({});
            }
            slot = slot
                .as_object_mut()
                .expect("an object")
                .entry(token)
                .or_insert(Value::Null);
        }
        *slot = new.clone();
    }
    value
}

/// A contract a setup step made: its pre-sign request and its id.
struct Made {
    request: Value,
    id: String,
}

/// What one run of a case has: its sandbox, the local receiver of its notifications, and how
/// it sends a call (by hand or through the library).
struct Run<'a> {
    fx: &'a Fixture,
    merchant: &'a NotifyEndpoint,
    by_hand: Option<HandSigner>,
}

/// Path segments keep only what RFC 3986 leaves unreserved.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Run<'_> {
    /// The values `$contract_id` and `$mchid` stand for, in `value`.
    fn resolved(&self, value: &Value, made: Option<&Made>) -> Value {
        match value.as_str() {
            Some("$contract_id") => made.map_or(Value::Null, |m| m.id.as_str().into()),
            Some("$mchid") => self.fx.sandbox.identity().mchid.as_str().into(),
            _ => value.clone(),
        }
    }

    /// The call's path and query, and its body, for `made` with the case's changes.
    fn rendered(
        &self,
        call: &CallSpec,
        set: &Map<String, Value>,
        remove: &[String],
        made: Option<&Made>,
    ) -> (String, Option<String>) {
        let mut path = Map::new();
        for segment in call.path.split('/') {
            let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
                continue;
            };
            let value = made
                .and_then(|m| m.request.get(name).cloned())
                .or_else(|| (name == "contract_id").then(|| json!("$contract_id")))
                .unwrap_or(Value::Null);
            path.insert(name.to_owned(), value);
        }
        let mut parts = json!({ "path": path, "query": call.query });
        if let Some(body) = &call.body {
            parts["body"] = body.clone();
        }
        let parts = changed(parts, set, remove);
        let target: Vec<String> = call
            .path
            .split('/')
            .map(
                |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => {
                        let value = self.resolved(&parts["path"][name], made);
                        utf8_percent_encode(&text(&value), SEGMENT).to_string()
                    }
                    None => segment.to_owned(),
                },
            )
            .collect();
        let mut target = target.join("/");
        let query: Vec<String> = parts["query"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, value)| {
                let value = text(&self.resolved(value, made));
                format!("{name}={}", utf8_percent_encode(&value, SEGMENT))
            })
            .collect();
        if !query.is_empty() {
            target = format!("{target}?{}", query.join("&"));
        }
        (target, parts.get("body").map(Value::to_string))
    }

    /// Sends the call; its status and its answer, or for a refusal `{code, detail}`.
    fn send(&self, method: &str, target: &str, body: Option<&str>) -> (u16, Value) {
        if let Some(hand) = &self.by_hand {
            return hand.send(self.fx, method, target, body, false);
        }
        match self.fx.client().request(method, target, body) {
            Ok(response) => (response.status, response.data),
            Err(e) => refusal(&e),
        }
    }

    /// Makes the setup's contracts; the last one, or a line saying what went otherwise.
    fn set_up(&self, steps: &[Setup]) -> Result<Option<Made>, String> {
        let client = self.fx.client();
        let mut last = None;
        for step in steps {
            let request = changed(common::example(&step.presign), &step.set, &step.remove);
            let answer = client.call(&step.presign, &request.to_string());
            if let Some(refused) = &step.refused {
                let (status, body) = match answer {
                    Ok(r) => (r.status, r.data),
                    Err(e) => refusal(&e),
                };
                let failures = self.checked(refused, status, &body, None);
                if !failures.is_empty() {
                    return Err(format!(
                        "the pre-sign {}: {}",
                        step.presign,
                        failures.join("; ")
                    ));
                }
                continue;
            }
            let answer =
                answer.map_err(|e| format!("the pre-sign {} failed: {e}", step.presign))?;
            if !step.sign {
                continue;
            }
            let session = self
                .fx
                .sandbox
                .session_named(&answer.data)
                .ok_or("the pre-sign's answer names no session")?;
            let signed = self
                .fx
                .sandbox
                .sign(&session, Some(&self.merchant.url))
                .map_err(|e| format!("the signing of {} failed: {e}", step.presign))?;
            let made = Made {
                request,
                id: text(&signed["contract_id"]),
            };
            if let Some(want) = &step.notified {
                let failures = self.notified(std::slice::from_ref(want), Some(&made));
                if !failures.is_empty() {
                    return Err(format!(
                        "the signing of {}: {}",
                        step.presign,
                        failures.join("; ")
                    ));
                }
            } else if !signed["event_type"].is_null() {
                self.merchant
                    .within(Duration::from_secs(10))
                    .ok_or("the signing notification did not come")?;
            }
            for call in step.calls.iter().chain(&step.terminate) {
                let (target, body) = self.rendered(call, &Map::new(), &[], Some(&made));
                let (status, answer) = self.send(&call.method, &target, body.as_deref());
                if !(200..300).contains(&status) {
                    return Err(format!("the call {target}: {status} {answer}"));
                }
                // Its notification, if the family sends one, is not the case's.
                while self.merchant.within(Duration::from_millis(500)).is_some() {}
            }
            if let Some(user) = &step.user_terminates {
                self.user_terminates(user, &made)?;
            }
            last = Some(made);
        }
        Ok(last)
    }

    /// The user ends `made` in WeChat; `Err` says what went otherwise than `user` expects.
    fn user_terminates(&self, user: &UserTerminates, made: &Made) -> Result<(), String> {
        let url = format!(
            "{}/sandbox/contracts/{}/user-terminate",
            self.fx.sandbox.base_url(),
            made.id
        );
        let body = user.body.clone().unwrap_or_else(|| json!({})).to_string();
        let agent: ureq::Agent = ureq::config::Config::builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut answer = agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(body.as_bytes())
            .map_err(|e| format!("the user termination: {e}"))?;
        let status = answer.status().as_u16();
        let text = answer.body_mut().read_to_string().unwrap_or_default();
        if status != 200 {
            return Err(format!("the user termination: {status} {text}"));
        }
        let failures = self.notified(&user.notified, Some(made));
        if !failures.is_empty() {
            return Err(format!("the user termination: {}", failures.join("; ")));
        }
        Ok(())
    }

    /// What went otherwise than `expect` in an answer.
    fn checked(
        &self,
        expect: &Expect,
        status: u16,
        body: &Value,
        made: Option<&Made>,
    ) -> Vec<String> {
        let mut failures = Vec::new();
        let mut differs = |what: String| failures.push(format!("{what} in {status} {body}"));
        if status != expect.status {
            differs(format!("status {status}, not {}", expect.status));
        }
        if let Some(code) = &expect.code {
            if body["code"] != code.as_str() {
                differs(format!("code is not {code}"));
            }
        }
        if let Some(pointer) = &expect.pointer {
            if !names(body, pointer) {
                differs(format!("the refusal does not name {pointer}"));
            }
        }
        if let Some(location) = &expect.location {
            if body.pointer("/detail/location") != Some(&json!(location)) {
                differs(format!("the refusal's location is not {location}"));
            }
        }
        for (pointer, value) in &expect.answer {
            let value = self.resolved(value, made);
            if body.pointer(pointer) != Some(&value) {
                differs(format!("{pointer} is not {value}"));
            }
        }
        for pointer in &expect.answer_has {
            if body.pointer(pointer).is_none() {
                differs(format!("{pointer} is missing"));
            }
        }
        for pointer in &expect.answer_lacks {
            if body.pointer(pointer).is_some() {
                differs(format!("{pointer} is there"));
            }
        }
        failures
    }

    /// What went otherwise than `expected` in the notifications the call sent, each verified
    /// and decrypted by the library as a merchant's server would.
    fn notified(&self, expected: &[Notified], made: Option<&Made>) -> Vec<String> {
        let client = self.fx.client();
        let mut failures = Vec::new();
        if expected.is_empty() {
            if let Some((_, body)) = self.merchant.within(Duration::from_millis(500)) {
                let body = String::from_utf8_lossy(&body).into_owned();
                failures.push(format!("a notification came: {body}"));
            }
        }
        for want in expected {
            let Some((headers, body)) = self.merchant.within(Duration::from_secs(10)) else {
                failures.push(format!("no {} notification came", want.event_type));
                continue;
            };
            let headers = wxpresign::verification::SignedHeaders::from_pairs(
                headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            );
            let notification = match headers.and_then(|h| client.parse_notification(&h, &body)) {
                Ok(n) => n,
                Err(e) => {
                    failures.push(format!("a notification did not verify: {e}"));
                    continue;
                }
            };
            let resource = &notification.resource;
            let mut differs =
                |what: String| failures.push(format!("{}: {what} in {resource}", want.event_type));
            if notification.event_type != want.event_type {
                differs(format!("the event is {}", notification.event_type));
            }
            for (pointer, value) in &want.resource {
                let value = self.resolved(value, made);
                if resource.pointer(pointer) != Some(&value) {
                    differs(format!("{pointer} is not {value}"));
                }
            }
            for pointer in &want.resource_has {
                if resource.pointer(pointer).is_none() {
                    differs(format!("{pointer} is missing"));
                }
            }
            for pointer in &want.resource_lacks {
                if resource.pointer(pointer).is_some() {
                    differs(format!("{pointer} is there"));
                }
            }
        }
        failures
    }

    /// One run of `case`: its setup, its call, then what the answer and the notifications say.
    fn case(&self, case: &Case) -> Vec<String> {
        let made = match self.set_up(&case.setup) {
            Ok(made) => made,
            Err(failure) => return vec![failure],
        };
        let (target, body) = self.rendered(&case.call, &case.set, &case.remove, made.as_ref());
        let (status, answer) = self.send(&case.call.method, &target, body.as_deref());
        let mut failures = self.checked(&case.expect, status, &answer, made.as_ref());
        if let Some(expected) = &case.expect.notifications {
            failures.extend(self.notified(expected, made.as_ref()));
        }
        failures
            .into_iter()
            .map(|f| format!("{} {target}: {f}", case.call.method))
            .collect()
    }
}

/// Runs every case of `family`, by hand and through the library, each on a fresh sandbox.
fn assert_conforms(family: &str) {
    let mut failures = Vec::new();
    for case in load(family) {
        assert!(
            case.page.starts_with("https://pay.weixin.qq.com/") && !case.phrase.is_empty(),
            "{}: a case names its official page and the phrase that decides it",
            case.name
        );
        for by_hand in [true, false] {
            let fx = common::sandbox();
            fx.sandbox.set_retry_unit_ms(1);
            let merchant = notify_endpoint();
            let run = Run {
                fx: &fx,
                merchant: &merchant,
                by_hand: by_hand.then(|| HandSigner::new(&fx)),
            };
            let how = if by_hand {
                "by hand"
            } else {
                "through the library"
            };
            failures.extend(run.case(&case).into_iter().map(|f| {
                format!(
                    "{} ({how}; {} : \"{}\"): {f}",
                    case.name, case.page, case.phrase
                )
            }));
        }
    }
    assert!(
        failures.is_empty(),
        "{} went otherwise:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn scheduled_deduct_contracts_follow_their_pages() {
    assert_conforms("scheduled_deduct");
}

#[test]
fn insurance_contracts_follow_their_pages() {
    assert_conforms("insurance");
}

#[test]
fn password_exempt_contracts_follow_their_pages() {
    assert_conforms("password_exempt");
}

#[test]
fn ecommerce_contracts_follow_their_pages() {
    assert_conforms("ecommerce");
}

#[test]
fn credit_repayment_contracts_follow_their_pages() {
    assert_conforms("credit_repayment");
}

#[test]
fn education_contracts_follow_their_pages() {
    assert_conforms("education");
}

#[test]
fn offline_face_contracts_follow_their_pages() {
    assert_conforms("offline_face");
}

#[test]
fn global_contracts_follow_their_pages() {
    assert_conforms("global");
}

/// A refusal the library reports as WeChat Pay's answer has it: status, and `{code, detail}`;
/// status 0 for an error of the library's own.
fn refusal(e: &wxpresign::Error) -> (u16, Value) {
    let error = &e.to_json()["error"];
    let status = error["http_status"].as_u64().unwrap_or(0);
    let body =
        json!({ "code": error["code"], "detail": error["detail"], "message": e.to_string() });
    (u16::try_from(status).unwrap_or(0), body)
}
