//! The conformance suite: cases written from WeChat Pay's official pages (tests/conformance/*.json,
//! one file per product family), never from the library's endpoint table. Each case names the
//! page and the phrase that decides it, and runs twice:
//! - through the library: a valid request is answered 200 by the sandbox; an invalid one is
//!   refused before sending (status 3, validation) at the case's JSON Pointer;
//! - signed by hand (aws-lc-rs directly, not the library's signer) and sent straight to the
//!   sandbox: 200, or 400 PARAM_ERROR naming the same field.
//!
//! The calls on a contract (tests/conformance/deductions/*.json) also run twice:
//! - through the library against a listener on loopback, which shows what goes on the wire: a
//!   valid request arrives with the case's method and target (path parameters encoded into the
//!   path, query parameters in the query) and a body without the path and query members (none
//!   for a GET); an invalid one is refused before sending at the case's JSON Pointer, and nothing
//!   arrives;
//! - signed by hand and sent straight to the sandbox, built from the case as its page shows the
//!   request (the same method, path, query and body): an invalid one is answered 400
//!   PARAM_ERROR naming the case's pointer and where the member was sent (path, query or body),
//!   and the contract it names is as before; a valid one passes the sandbox's checks of the
//!   request's shape. A case the page's form cannot carry (a path parameter missing or empty, a
//!   member a GET has no place for, a path or query number given as text) is the library's
//!   alone. The cases' contract ids are made up, so a valid call's answer is whatever
//!   the sandbox says of a contract or order it does not hold (404 RESOURCE_NOT_EXISTS or
//!   NOT_FOUND, or a business refusal): anything but a refusal of the request itself (400
//!   PARAM_ERROR, a signature or head refusal, a server error).

use crate::common;

use crate::recorder::{Received, Recorder};
use common::hand_signing::{HandSigner, names};
use common::{Fixture, sandbox};
use serde::Deserialize;
use serde_json::{Map, Value};
use wxpresign::Kind;
use wxpresign::error::Delivery;

/// One endpoint's cases, as the file gives them.
#[derive(Deserialize)]
struct EndpointCases {
    endpoint: String,
    page: String,
    /// The page's header table lists `Wechatpay-Serial` (encrypted members).
    wechatpay_serial: bool,
    /// Members the page says are sent encrypted (必须加密传输), by JSON Pointer.
    encrypted: Vec<String>,
    /// A valid request, from the page's example and member table.
    base: Value,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    valid: bool,
    /// Where an invalid request is refused.
    pointer: Option<String>,
    /// The words of the page that decide the case.
    phrase: String,
    #[serde(default)]
    set: Map<String, Value>,
    #[serde(default)]
    remove: Vec<String>,
    /// For a valid call on a contract: the path and query it arrives at, as the page's
    /// example shows them.
    #[serde(default)]
    target: Option<String>,
}

impl Case {
    fn request(&self, base: &Value) -> Value {
        let mut request = base.clone();
        for pointer in &self.remove {
            let (parent, name) = pointer.rsplit_once('/').expect("a JSON Pointer");
            if let Some(members) = request.pointer_mut(parent).and_then(Value::as_object_mut) {
                members.remove(name);
            }
        }
        for (pointer, value) in &self.set {
            let (parent, name) = pointer.rsplit_once('/').expect("a JSON Pointer");
            let members = request
                .pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .expect("the parent of a set member exists");
            members.insert(name.to_owned(), value.clone());
        }
        request
    }
}

/// A call on a contract's cases: the page's method and answer, and which members its page
/// lists as path (路径参数) and query (查询参数) parameters.
#[derive(Deserialize)]
struct CallCases {
    endpoint: String,
    method: String,
    page: String,
    path_params: Vec<String>,
    query: Vec<String>,
    reply: u16,
    /// The page's header table lists `Wechatpay-Serial`.
    #[serde(default)]
    wechatpay_serial: bool,
    /// Members the page says name the calling merchant itself (the order queries' mchid,
    /// "商户下单时传入的商户号"): sent straight to the sandbox, they carry its merchant's id.
    #[serde(default)]
    caller: Vec<String>,
    base: Value,
    cases: Vec<Case>,
}

fn load<T: serde::de::DeserializeOwned>(family: &str) -> Vec<T> {
    let path = format!(
        "{}/tests/conformance/{family}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("the cases file exists");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The page's encrypted members encrypted by hand, then the request POSTed to the sandbox.
fn post(
    hand: &HandSigner,
    fx: &Fixture,
    cases: &EndpointCases,
    mut request: Value,
) -> (u16, Value) {
    for pointer in &cases.encrypted {
        if let Some(slot) = request.pointer_mut(pointer) {
            let plain = slot
                .as_str()
                .expect("encrypted members are strings")
                .to_owned();
            *slot = hand.encrypt(&plain).into();
        }
    }
    let url = format!("/{}", cases.endpoint);
    let body = request.to_string();
    hand.send(fx, "POST", &url, Some(&body), cases.wechatpay_serial)
}
/// Runs every case of a family; returns one line for each case that went otherwise.
fn run(family: &str) -> Vec<String> {
    let fx = sandbox();
    let client = fx.client();
    let hand = HandSigner::new(&fx);
    let mut failures = Vec::new();
    for cases in load::<EndpointCases>(family) {
        for case in &cases.cases {
            let request = case.request(&cases.base);
            let label = format!(
                "{} — {} ({} : \"{}\")",
                cases.endpoint, case.name, cases.page, case.phrase
            );
            let library = client.call(&cases.endpoint, &request.to_string());
            match (case.valid, library) {
                (true, Ok(response)) if response.status == 200 => {}
                (true, Ok(response)) => {
                    failures.push(format!("{label}: library got {}", response.status))
                }
                (true, Err(e)) => failures.push(format!("{label}: library refused: {e}")),
                (false, Ok(_)) => failures.push(format!("{label}: library accepted it")),
                (false, Err(e)) => {
                    let at = e.field();
                    if e.kind() != Kind::Validation
                        || e.delivery() != Delivery::NotSent
                        || at != case.pointer.as_deref()
                    {
                        failures.push(format!("{label}: library refused otherwise: {e}"));
                    }
                }
            }
            let (status, body) = post(&hand, &fx, &cases, request);
            let expected = if case.valid {
                status == 200
            } else {
                status == 400
                    && body["code"] == "PARAM_ERROR"
                    && case.pointer.as_deref().is_some_and(|p| names(&body, p))
            };
            if !expected {
                failures.push(format!("{label}: sandbox answered {status} {body}"));
            }
        }
    }
    failures
}

fn assert_conforms(family: &str) {
    let failures = run(family);
    assert!(
        failures.is_empty(),
        "{} cases went otherwise:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn scheduled_deduction_follows_its_pages() {
    assert_conforms("scheduled_deduct");
}

#[test]
fn insurance_follows_its_pages() {
    assert_conforms("insurance");
}

#[test]
fn password_free_follows_its_pages() {
    assert_conforms("password_exempt");
}

#[test]
fn ecommerce_follows_its_pages() {
    assert_conforms("ecommerce");
}

#[test]
fn credit_repayment_follows_its_pages() {
    assert_conforms("credit_repayment");
}

#[test]
fn education_and_campus_follow_their_pages() {
    assert_conforms("education");
}

#[test]
fn cross_border_follows_its_pages() {
    assert_conforms("global");
}

/// The families whose calls on a contract have cases, in tests/conformance/deductions/.
const DEDUCTIONS: &[&str] = &[
    "scheduled_deduct",
    // WeChat Pay's APIv3 order queries, answering the scheduled deduction's and insurance's
    // orders.
    "orders",
    // Cross-border, combined deduction, credit repayment.
    "global",
    "ecommerce",
    "credit_repayment",
    // Insurance; education renewal and campus easy pay.
    "insurance",
    "education",
];

/// What arrived for one valid call, against what its case says: one line if it differs.
fn arrived_otherwise(
    cases: &CallCases,
    case: &Case,
    request: &Value,
    got: &[Received],
) -> Option<String> {
    let [received] = got else {
        return Some(format!("{} requests arrived", got.len()));
    };
    let mut body = request.clone();
    if let Some(members) = body.as_object_mut() {
        for name in cases.path_params.iter().chain(&cases.query) {
            members.remove(name);
        }
    }
    let sent: Option<Value> = serde_json::from_slice(&received.body).ok();
    let expected = (cases.method != "GET").then_some(body);
    let wanted = (
        cases.method.as_str(),
        case.target.as_deref(),
        expected.as_ref(),
    );
    let arrived = (
        received.method.as_str(),
        Some(received.target.as_str()),
        sent.as_ref(),
    );
    (wanted != arrived).then(|| format!("wanted {wanted:?}, arrived {arrived:?}"))
}

/// Runs every case of a family's calls on a contract, through the library against the listener
/// and signed by hand against the sandbox; one line for each that went otherwise.
fn run_calls(family: &str) -> Vec<String> {
    let listener = Recorder::start();
    let client = listener.client();
    let fx = sandbox();
    let hand = HandSigner::new(&fx);
    let mut failures = Vec::new();
    for cases in load::<CallCases>(&format!("deductions/{family}")) {
        listener.answer_with(cases.reply);
        for case in &cases.cases {
            let request = case.request(&cases.base);
            let label = format!(
                "{} — {} ({} : \"{}\")",
                cases.endpoint, case.name, cases.page, case.phrase
            );
            let outcome = client.call(&cases.endpoint, &request.to_string());
            let got = listener.take();
            match (case.valid, outcome) {
                (true, Ok(response)) if response.status == cases.reply => {
                    if let Some(what) = arrived_otherwise(&cases, case, &request, &got) {
                        failures.push(format!("{label}: {what}"));
                    }
                }
                (true, Ok(response)) => failures.push(format!("{label}: got {}", response.status)),
                (true, Err(e)) => failures.push(format!("{label}: refused: {e}")),
                (false, Ok(_)) => failures.push(format!("{label}: accepted")),
                (false, Err(e)) => {
                    if e.kind() != Kind::Validation
                        || e.delivery() != Delivery::NotSent
                        || e.field() != case.pointer.as_deref()
                        || !got.is_empty()
                    {
                        failures.push(format!("{label}: refused otherwise: {e}"));
                    }
                }
            }
            if let Some(what) = sandbox_otherwise(&hand, &fx, &cases, case, &request) {
                failures.push(format!("{label}: sandbox {what}"));
            }
        }
    }
    failures
}

/// The page's request for `request`: its method, the path with the path parameters encoded
/// into their segments and the query members in the query, and the body without them (none for
/// a GET).
fn as_the_page_shows(cases: &CallCases, request: &Value) -> (String, Option<String>) {
    let text = |name: &str| match request.get(name) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let mut path = format!("/{}", cases.endpoint);
    for name in &cases.path_params {
        let value = text(name).unwrap_or_default();
        path = path.replace(&format!("{{{name}}}"), &encoded(&value));
    }
    let query: Vec<String> = cases
        .query
        .iter()
        .filter_map(|name| Some(format!("{}={}", encoded(name), encoded(&text(name)?))))
        .collect();
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    let mut body = request.clone();
    if let Some(members) = body.as_object_mut() {
        for name in cases.path_params.iter().chain(&cases.query) {
            members.remove(name);
        }
    }
    (path, (cases.method != "GET").then(|| body.to_string()))
}

/// `text` percent-encoded, all but RFC 3986's unreserved characters.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether the request can be written as its page shows it: every path parameter a value for its
/// segment, for a GET nothing but path and query members, and the path and query members of the
/// base's JSON types. A case without (a path parameter missing or empty, a member a GET has no
/// place for, a number given as text) is a request the library refuses to make; no such request
/// exists on the wire to send.
fn on_the_wire(cases: &CallCases, request: &Value) -> bool {
    let filled = cases
        .path_params
        .iter()
        .all(|name| match request.get(name) {
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Number(_)) => true,
            _ => false,
        });
    let placed = |name: &String| cases.path_params.contains(name) || cases.query.contains(name);
    let carried = cases.method != "GET"
        || request
            .as_object()
            .is_none_or(|members| members.keys().all(placed));
    // A path or query member is text on the wire: the number 1 and the string "1" are the same
    // segment, so a case that differs from the base only in such a member's JSON type is the
    // library's alone.
    let typed = cases.path_params.iter().chain(&cases.query).all(|name| {
        match (cases.base.get(name), request.get(name)) {
            (Some(base), Some(value)) => base.is_number() == value.is_number(),
            _ => true,
        }
    });
    filled && carried && typed
}

/// Where the sandbox says a refused member was sent: `path`, `query` or `body`.
fn location(cases: &CallCases, pointer: &str) -> &'static str {
    let name = pointer.trim_start_matches('/');
    if cases.path_params.iter().any(|p| p == name) {
        "path"
    } else if cases.query.iter().any(|q| q == name) {
        "query"
    } else {
        "body"
    }
}

/// `request` with each member naming the calling merchant ([`CallCases::caller`]) set to the
/// sandbox merchant's id, where the case itself neither sets nor removes it.
fn as_the_sandbox_merchant(
    hand: &HandSigner,
    cases: &CallCases,
    case: &Case,
    request: &Value,
) -> Value {
    let mut request = request.clone();
    for name in &cases.caller {
        let pointer = format!("/{name}");
        let changed = case.set.contains_key(&pointer) || case.remove.contains(&pointer);
        if let (false, Some(slot)) = (changed, request.get_mut(name)) {
            *slot = hand.mchid().into();
        }
    }
    request
}

/// The case signed by hand and sent straight to the sandbox: one line if it answered otherwise
/// than the case says.
fn sandbox_otherwise(
    hand: &HandSigner,
    fx: &Fixture,
    cases: &CallCases,
    case: &Case,
    request: &Value,
) -> Option<String> {
    if !on_the_wire(cases, request) {
        return None;
    }
    let contract_id = request.get("contract_id").and_then(Value::as_str);
    let held = |id: Option<&str>| format!("{:?}", id.and_then(|id| fx.sandbox.contract(id)));
    let before = held(contract_id);
    let request = &as_the_sandbox_merchant(hand, cases, case, request);
    let (url, body) = as_the_page_shows(cases, request);
    let (status, answer) = hand.send(
        fx,
        &cases.method,
        &url,
        body.as_deref(),
        cases.wechatpay_serial,
    );
    let code = answer["code"].as_str().unwrap_or("");
    let fine = match case.pointer.as_deref() {
        None => {
            !matches!(
                (status, code),
                (400, "PARAM_ERROR" | "INVALID_REQUEST") | (401, _)
            ) && status < 500
        }
        Some(pointer) => {
            let field = answer.pointer("/detail/field").and_then(Value::as_str);
            let located = field.is_none()
                || answer.pointer("/detail/location").and_then(Value::as_str)
                    == Some(location(cases, pointer));
            status == 400
                && code == "PARAM_ERROR"
                && names(&answer, pointer)
                && located
                && held(contract_id) == before
        }
    };
    (!fine).then(|| format!("answered {status} {answer} to {} {url}", cases.method))
}

fn assert_calls_conform(family: &str) {
    let failures = run_calls(family);
    assert!(
        failures.is_empty(),
        "{} cases went otherwise:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn scheduled_deduction_calls_on_a_contract_follow_their_pages() {
    assert_calls_conform("scheduled_deduct");
}

#[test]
fn order_queries_follow_their_pages() {
    assert_calls_conform("orders");
}

#[test]
fn insurance_calls_on_a_contract_follow_their_pages() {
    assert_calls_conform("insurance");
}

#[test]
fn education_and_campus_calls_on_a_contract_follow_their_pages() {
    assert_calls_conform("education");
}

/// Face pay publishes a developer guide rather than an API page, so it has no cases here.
const WITHOUT_AN_API_PAGE: &[&str] = &["v3/offlineface/contracts/presign"];

#[test]
fn every_endpoint_with_an_official_page_has_five_cases_with_page_and_phrase() {
    let families = [
        "scheduled_deduct",
        "insurance",
        "password_exempt",
        "ecommerce",
        "credit_repayment",
        "education",
        "global",
    ];
    let mut all: Vec<EndpointCases> = families.iter().flat_map(|f| load(f)).collect();
    all.extend(
        DEDUCTIONS
            .iter()
            .flat_map(|f| load(&format!("deductions/{f}"))),
    );
    for endpoint in wxpresign::endpoints::all() {
        if WITHOUT_AN_API_PAGE.contains(&endpoint.path) {
            continue;
        }
        let cases = all
            .iter()
            .find(|c| c.endpoint == endpoint.path)
            .unwrap_or_else(|| panic!("{}: no conformance cases", endpoint.path));
        assert!(
            cases.cases.len() >= 5,
            "{}: {} cases",
            endpoint.path,
            cases.cases.len()
        );
        assert!(
            cases.page.starts_with("https://pay.weixin.qq.com/"),
            "{}",
            cases.page
        );
        for case in &cases.cases {
            assert!(!case.phrase.is_empty(), "{}: {}", endpoint.path, case.name);
            assert_eq!(
                case.valid,
                case.pointer.is_none(),
                "{}: {}",
                endpoint.path,
                case.name
            );
        }
    }
}

#[test]
fn cross_border_calls_on_a_contract_follow_their_pages() {
    assert_calls_conform("global");
}

#[test]
fn combined_deduction_calls_on_a_contract_follow_their_pages() {
    assert_calls_conform("ecommerce");
}

#[test]
fn credit_repayment_calls_on_a_contract_follow_their_pages() {
    assert_calls_conform("credit_repayment");
}
