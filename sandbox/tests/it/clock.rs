//! The sandbox's clock: `GET /sandbox/clock` answers business time, `POST /sandbox/clock`
//! moves it forward only; sessions expire, contracts are signed and notifications fall due on
//! it, while the signatures' timestamps stay on the real clock.

use crate::common;

use common::{Fixture, example};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wxpresign_sandbox::beijing_rfc3339;
use wxpresign_sandbox::http_server::{HttpServer, Reply};

const CROSS_BORDER: &str = "v3/global/papay/contracts/app-pre-entrust-sign";
const SCHEDULED: &str = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app";

/// A call to the sandbox's own routes with `headers`: status and JSON (or Null).
fn call(
    fx: &Fixture,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .new_agent();
    let url = format!("{}{path}", fx.sandbox.base_url());
    let answer = if method == "GET" {
        let mut request = agent.get(&url);
        for (n, v) in headers {
            request = request.header(*n, *v);
        }
        request.call()
    } else {
        let mut request = agent.post(&url);
        for (n, v) in headers {
            request = request.header(*n, *v);
        }
        request.send(body.unwrap_or_default())
    };
    let mut answer = answer.expect("the sandbox answers");
    let status = answer.status().as_u16();
    let text = answer.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn move_clock(fx: &Fixture, body: Value) -> (u16, Value) {
    call(
        fx,
        "POST",
        "/sandbox/clock",
        Some(&body.to_string()),
        &[("Content-Type", "application/json")],
    )
}

fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[test]
fn the_clock_moves_forward_only_and_only_as_asked_with_json() {
    let fx = common::sandbox();
    let (status, now) = call(&fx, "GET", "/sandbox/clock", None, &[]);
    assert_eq!(status, 200);
    assert!(
        (now["unix_ms"].as_i64().unwrap() - unix_ms()).abs() < 2000,
        "{now}"
    );
    assert_eq!(now["ahead_of_real_secs"], 0);

    let (status, moved) = move_clock(&fx, json!({"advance_secs": 3600}));
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["ahead_of_real_secs"], 3600);
    let (status, moved) = move_clock(&fx, json!({"now": "2099-01-01T08:00:00+08:00"}));
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["now"], "2099-01-01T08:00:00+08:00");

    let (status, refused) = move_clock(&fx, json!({"now": "2098-12-31T00:00:00Z"}));
    assert_eq!(status, 400);
    assert_eq!(refused["detail"]["field"], "/now");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("forward only"),
        "{refused}"
    );
    let (status, refused) = move_clock(&fx, json!({"advance_secs": -1}));
    assert_eq!(
        (status, &refused["detail"]["field"]),
        (400, &json!("/advance_secs"))
    );
    let (status, refused) = move_clock(&fx, json!({"now": "tomorrow"}));
    assert_eq!((status, &refused["detail"]["field"]), (400, &json!("/now")));
    let (status, _) = move_clock(&fx, json!({}));
    assert_eq!(status, 400);

    let text = call(
        &fx,
        "POST",
        "/sandbox/clock",
        Some(r#"{"advance_secs": 60}"#),
        &[("Content-Type", "text/plain")],
    );
    assert_eq!(text.0, 415, "a cross-site form could send text/plain");
    let (status, refused) = call(
        &fx,
        "POST",
        "/sandbox/clock",
        Some(r#"{"advance_secs": 60}"#),
        &[
            ("Content-Type", "application/json"),
            ("Origin", "http://elsewhere.example"),
        ],
    );
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("CROSS_SITE_REFUSED"))
    );
    let (_, now) = call(&fx, "GET", "/sandbox/clock", None, &[]);
    assert!(
        now["now"].as_str().unwrap().starts_with("2099-01-01T08:0"),
        "{now}"
    );
}

#[test]
fn moving_the_clock_expires_a_session_and_dates_a_contract() {
    let fx = common::sandbox();
    let answer = common::presign(&fx, CROSS_BORDER, json!({}));
    let session = answer.data["session_id"].as_str().unwrap().to_owned();
    let path = format!("/sandbox/sessions/{session}");
    assert_eq!(call(&fx, "GET", &path, None, &[]).0, 200);
    assert_eq!(move_clock(&fx, json!({"advance_secs": 601})).0, 200);
    assert_eq!(
        call(&fx, "GET", &path, None, &[]).0,
        404,
        "a 10-minute session is over 601 s later on the sandbox's clock"
    );
    assert!(fx.sandbox.session(&session).is_none());

    // Ten days on: the contract is signed then, and the library still verifies the answers,
    // whose timestamps are on the real clock.
    assert_eq!(move_clock(&fx, json!({"advance_secs": 864_000})).0, 200);
    let merchant = common::notify_endpoint();
    let answer = common::presign(
        &fx,
        SCHEDULED,
        json!({ "contract_notify_url": merchant.url }),
    );
    let session = fx.sandbox.session_named(&answer.data).expect("a session");
    let signed = fx.sandbox.sign(&session, None).expect("signs");
    merchant.next(&fx.client());
    let contract = fx
        .sandbox
        .contract(signed["contract_id"].as_str().unwrap())
        .expect("held");
    let later = (unix_ms() / 1000) as u64 + 601 + 864_000;
    assert!(
        contract.signed_at.abs_diff(later) < 5,
        "signed 601 s and ten days ahead: {} vs {later}",
        contract.signed_at
    );
    let request = example(SCHEDULED);
    let found = fx
        .client()
        .request(
            "GET",
            &format!(
                "/v3/papay/sign/contracts/plan-id/{}/out-contract-code/{}",
                request["plan_id"],
                request["out_contract_code"].as_str().unwrap()
            ),
            None,
        )
        .expect("the query verifies: its Wechatpay-Timestamp is real time");
    assert_eq!(
        found.data["contract_signed_time"],
        beijing_rfc3339(contract.signed_at).as_str()
    );
}

/// Two notifications that failed once wait 15 s for their retry; moving the clock 15 s
/// delivers both at once, the one due first first.
#[test]
fn moving_the_clock_delivers_what_fell_due_in_order_without_waiting() {
    let fx = common::sandbox();
    let status = Arc::new(AtomicU16::new(500));
    let got = Arc::new(Mutex::new(Vec::<(String, u16)>::new()));
    let (s, g) = (Arc::clone(&status), Arc::clone(&got));
    let server = HttpServer::bind("127.0.0.1:0", move |request| {
        let answer = s.load(Ordering::SeqCst);
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        g.lock()
            .unwrap()
            .push((body["id"].as_str().unwrap_or("").to_owned(), answer));
        Reply::new(answer, Vec::new(), Vec::new())
    })
    .unwrap();
    let url = format!("http://{}/notify", server.addr());
    let mut ids = Vec::new();
    for code in ["ORDER1", "ORDER2"] {
        let answer = common::presign(
            &fx,
            CROSS_BORDER,
            json!({ "out_contract_code": code, "success_notify_url": url }),
        );
        let session = answer.data["session_id"].as_str().unwrap();
        ids.push(
            fx.sandbox.sign(session, None).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let until = Instant::now() + Duration::from_secs(10);
    while got.lock().unwrap().len() < 2 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        got.lock().unwrap().len(),
        2,
        "each tried once, answered 500"
    );

    status.store(200, Ordering::SeqCst);
    let moved = Instant::now();
    assert_eq!(move_clock(&fx, json!({"advance_secs": 15})).0, 200);
    while got.lock().unwrap().len() < 4 && moved.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let retried: Vec<String> = got.lock().unwrap()[2..]
        .iter()
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(retried, ids, "both retries, in the order they fell due");
    assert!(
        moved.elapsed() < Duration::from_secs(5),
        "without waiting the 15 s"
    );
}

#[test]
fn moving_the_clock_moves_a_change_to_the_public_key_along_its_days() {
    let (identity, _) =
        wxpresign_sandbox::Identity::generate_in(wxpresign_sandbox::Mode::Migration).expect("keys");
    let sandbox = wxpresign_sandbox::Sandbox::start(identity, "127.0.0.1:0").expect("a port");
    sandbox
        .set_behaviours(&json!({ "key_migration": { "state": "started" } }))
        .expect("the change starts");
    assert_eq!(sandbox.behaviours()["key_migration"]["day"], 1);

    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let moved = agent
        .post(&format!("{}/sandbox/clock", sandbox.base_url()))
        .header("Content-Type", "application/json")
        .send(json!({ "advance_secs": 6 * 86_400 }).to_string())
        .expect("the sandbox answers");
    assert_eq!(moved.status().as_u16(), 200);

    let change = &sandbox.behaviours()["key_migration"];
    assert_eq!(change["day"], 7, "{change}");
    assert_eq!(change["notifications_public_key_share"], 1.0, "{change}");
}
