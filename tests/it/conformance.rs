//! The conformance suite: cases written from WeChat Pay's official pages (tests/conformance/*.json,
//! one file per product family), never from the library's endpoint table. Each case names the
//! page and the phrase that decides it, and runs twice:
//! - through the library: a valid request is answered 200 by the sandbox; an invalid one is
//!   refused before sending (status 3, validation) at the case's JSON Pointer;
//! - signed by hand (aws-lc-rs directly, not the library's signer) and sent straight to the
//!   sandbox: 200, or 400 PARAM_ERROR naming the same field.
//!
//! The calls on a contract (tests/conformance/deductions/*.json) run through the library against
//! a listener on loopback, since the sandbox does not run them yet: a valid request arrives with
//! the case's method and target (path parameters encoded into the path, query parameters in the
//! query) and a body without the path and query members (none for a GET); an invalid one is
//! refused before sending at the case's JSON Pointer, and nothing arrives.

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

/// Runs every case of a family's calls on a contract; one line for each that went otherwise.
fn run_calls(family: &str) -> Vec<String> {
    let listener = Recorder::start();
    let client = listener.client();
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
        }
    }
    failures
}

#[test]
fn scheduled_deduction_calls_on_a_contract_follow_their_pages() {
    let failures = run_calls("scheduled_deduct");
    assert!(
        failures.is_empty(),
        "{} cases went otherwise:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn insurance_calls_on_a_contract_follow_their_pages() {
    let failures = run_calls("insurance");
    assert!(
        failures.is_empty(),
        "{} cases went otherwise:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn education_and_campus_calls_on_a_contract_follow_their_pages() {
    let failures = run_calls("education");
    assert!(
        failures.is_empty(),
        "{} cases went otherwise:\n{}",
        failures.len(),
        failures.join("\n")
    );
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

// The cross-border, combined-deduction and credit-repayment calls on a contract.

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
