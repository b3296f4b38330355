//! The trace every envelope and error carries (`trace`: the attempts, each with its host, a new
//! or reused connection, its time and how it ended) and opt-in retries (`retry`): what is
//! retried (nothing sent; 429 and 5xx answers), what never is (4xx, verification failures,
//! failures after the request may have been sent), and the deadline over them all. The sandbox's
//! SANDBOXFAILONCE and SANDBOXLIMITEDONCE faults fail the first request with a value (500, 429)
//! and answer the next.

use crate::common;

use common::{EDU, edu_with_user, sandbox};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};
use wxpresign::{Client, Kind};

fn with(fx: &common::Fixture, changes: Value) -> Client {
    fx.client_with(changes)
}

fn attempts(trace: &Value) -> Vec<(String, String)> {
    trace["attempts"]
        .as_array()
        .expect("trace.attempts is an array")
        .iter()
        .map(|a| {
            (
                a["connection"].as_str().unwrap_or("?").to_owned(),
                a["outcome"].as_str().unwrap_or("?").to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_envelope_traces_its_attempt_and_its_connection() {
    let fx = sandbox();
    let client = fx.client();
    let first = client
        .call(EDU, &edu_with_user("trace-1"))
        .unwrap()
        .to_json();
    let second = client
        .call(EDU, &edu_with_user("trace-2"))
        .unwrap()
        .to_json();
    assert_eq!(
        attempts(&first["trace"]),
        [("new".to_owned(), "answered 200".to_owned())]
    );
    assert_eq!(
        attempts(&second["trace"]),
        [("reused".to_owned(), "answered 200".to_owned())]
    );
    let attempt = &first["trace"]["attempts"][0];
    assert_eq!(attempt["base_url"], fx.sandbox.base_url());
    assert!(attempt["elapsed_ms"].is_u64(), "{attempt}");
    assert_eq!(
        attempt.get("tls"),
        None,
        "plain http has no TLS handshake: {attempt}"
    );
    assert!(first["trace"]["elapsed_ms"].as_u64() >= attempt["elapsed_ms"].as_u64());
}

#[test]
fn api_verify_and_transport_errors_carry_the_trace() {
    let fx = sandbox();
    let client = fx.client();
    let api = client
        .call(EDU, &edu_with_user("SANDBOXFREQUENCYLIMITED"))
        .unwrap_err();
    assert_eq!(api.kind(), Kind::Api);
    assert_eq!(
        attempts(&api.to_json()["error"]["trace"]),
        [("new".to_owned(), "answered 429".to_owned())]
    );
    let verify = client
        .call(EDU, &edu_with_user("SANDBOXBADSIGNATURE"))
        .unwrap_err();
    assert_eq!(verify.kind(), Kind::Verify);
    assert_eq!(
        attempts(&verify.to_json()["error"]["trace"]),
        [("reused".to_owned(), "answered 200".to_owned())]
    );
    let dropped = client.call(EDU, &edu_with_user("SANDBOXDROP")).unwrap_err();
    assert_eq!(dropped.kind(), Kind::Transport);
    assert_eq!(
        attempts(&dropped.to_json()["error"]["trace"])[0].1,
        "no answer; may have reached the server"
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = with(
        &fx,
        json!({ "base_url": format!("http://127.0.0.1:{port}") }),
    )
    .call(EDU, &edu_with_user("trace-refused"))
    .unwrap_err();
    assert_eq!(
        attempts(&refused.to_json()["error"]["trace"]),
        [("new".to_owned(), "not sent".to_owned())]
    );
}

#[test]
fn without_retry_configured_a_5xx_is_not_retried() {
    let fx = sandbox();
    let e = fx
        .client()
        .call(EDU, &edu_with_user("SANDBOXFAILONCEdefault"))
        .unwrap_err();
    assert_eq!(e.api_answer().map(|a| a.http_status), Some(500));
    assert_eq!(attempts(&e.to_json()["error"]["trace"]).len(), 1);
}

#[test]
fn a_5xx_is_retried_and_the_retry_succeeds() {
    let fx = sandbox();
    let client = with(
        &fx,
        json!({ "retry": { "max_attempts": 3, "backoff_ms": 10 } }),
    );
    let answer = client
        .call(EDU, &edu_with_user("SANDBOXFAILONCEretried"))
        .expect("the second attempt succeeds");
    assert_eq!(
        attempts(&answer.trace),
        [
            ("new".to_owned(), "answered 500".to_owned()),
            ("reused".to_owned(), "answered 200".to_owned())
        ]
    );
    assert_eq!(fx.sandbox.stats()["requests"], 2);
}

#[test]
fn a_429_is_retried_and_the_retry_succeeds() {
    let fx = sandbox();
    let client = with(
        &fx,
        json!({ "retry": { "max_attempts": 2, "backoff_ms": 10 } }),
    );
    let answer = client
        .call(EDU, &edu_with_user("SANDBOXLIMITEDONCEretried"))
        .expect("the second attempt succeeds");
    assert_eq!(
        attempts(&answer.trace),
        [
            ("new".to_owned(), "answered 429".to_owned()),
            ("reused".to_owned(), "answered 200".to_owned())
        ]
    );
    assert_eq!(answer.status, 200);
    assert_eq!(fx.sandbox.stats()["requests"], 2);
}

#[test]
fn a_429_is_retried_until_max_attempts_and_the_error_says_it_reached_the_server() {
    let fx = sandbox();
    let client = with(
        &fx,
        json!({ "retry": { "max_attempts": 3, "backoff_ms": 10 } }),
    );
    let e = client
        .call(EDU, &edu_with_user("SANDBOXFREQUENCYLIMITED"))
        .unwrap_err();
    let trace = attempts(&e.to_json()["error"]["trace"]);
    assert_eq!(trace.len(), 3, "{trace:?}");
    assert!(trace.iter().all(|(_, outcome)| outcome == "answered 429"));
    assert_eq!(e.to_json()["error"]["may_have_reached_server"], true);
}

#[test]
fn four_xx_verify_errors_and_failures_after_sending_are_never_retried() {
    let fx = sandbox();
    let client = with(
        &fx,
        json!({ "retry": { "max_attempts": 5, "backoff_ms": 10 } }),
    );
    // A 4xx: the schema the sandbox checks (an unknown member, allowed through by the client).
    let lenient = with(
        &fx,
        json!({ "retry": { "max_attempts": 5, "backoff_ms": 10 }, "allow_unknown_fields": true }),
    );
    let mut request: Value = serde_json::from_str(&edu_with_user("no-retry-4xx")).unwrap();
    request["not_on_the_page"] = "x".into();
    let e = lenient.call(EDU, &request.to_string()).unwrap_err();
    assert_eq!(e.api_answer().map(|a| a.http_status), Some(400), "{e}");
    assert_eq!(attempts(&e.to_json()["error"]["trace"]).len(), 1);
    for fault in ["SANDBOXBADSIGNATURE", "SANDBOXTAMPERED", "SANDBOXDROP"] {
        let e = client.call(EDU, &edu_with_user(fault)).unwrap_err();
        assert_eq!(
            attempts(&e.to_json()["error"]["trace"]).len(),
            1,
            "{fault} was retried: {}",
            e.to_json()
        );
    }
    // A timeout after sending is not retried either.
    let slow = with(
        &fx,
        json!({ "retry": { "max_attempts": 5, "backoff_ms": 10 }, "timeout_ms": 300 }),
    );
    let e = slow
        .call(EDU, &edu_with_user("SANDBOXSLOW2000"))
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Transport);
    assert_eq!(e.to_json()["error"]["may_have_reached_server"], true);
    assert_eq!(attempts(&e.to_json()["error"]["trace"]).len(), 1);
}

/// A loopback port that refuses connections until `after`, then forwards each connection to
/// `upstream`: a host that comes back.
fn comes_back(upstream: std::net::SocketAddr, after: Duration) -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::thread::spawn(move || {
        std::thread::sleep(after);
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("the port is still free");
        for client in listener.incoming().flatten() {
            let server = TcpStream::connect(upstream).unwrap();
            let pipe = |mut from: TcpStream, mut to: TcpStream| {
                std::thread::spawn(move || {
                    let mut buf = [0u8; 8192];
                    while let Ok(n) = from.read(&mut buf) {
                        if n == 0 || to.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = to.shutdown(std::net::Shutdown::Write);
                });
            };
            pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
            pipe(server, client);
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[test]
fn a_request_that_was_not_sent_is_retried_after_the_backoff() {
    let fx = sandbox();
    let url = comes_back(fx.sandbox.addr(), Duration::from_millis(200));
    let client = with(
        &fx,
        json!({ "base_url": url, "retry": { "max_attempts": 4, "backoff_ms": 150 } }),
    );
    let answer = client
        .call(EDU, &edu_with_user("retry-not-sent"))
        .expect("a later attempt reaches the host once it listens");
    let trace = attempts(&answer.trace);
    assert!(trace.len() >= 2, "{trace:?}");
    assert!(
        trace[..trace.len() - 1]
            .iter()
            .all(|(_, o)| o == "not sent"),
        "{trace:?}"
    );
    assert_eq!(trace.last().unwrap().1, "answered 200");
}

#[test]
fn retries_end_at_the_deadline() {
    let fx = sandbox();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = with(
        &fx,
        json!({
            "base_url": format!("http://127.0.0.1:{port}"),
            "timeout_ms": 500,
            "retry": { "max_attempts": 10, "backoff_ms": 200 },
        }),
    );
    let started = Instant::now();
    let e = client
        .call(EDU, &edu_with_user("retry-deadline"))
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(e.to_json()["error"]["may_have_reached_server"], false);
    let tried = attempts(&e.to_json()["error"]["trace"]).len();
    assert!(
        (2..10).contains(&tried),
        "backoffs of 100-200, 200-400 ms... fit two or three attempts in 500 ms: {tried}"
    );
    assert!(elapsed < Duration::from_millis(500 + 1000), "{elapsed:?}");
}

#[test]
fn retry_configuration_errors_name_the_member() {
    let fx = sandbox();
    for (retry, says) in [
        (
            json!({ "max_attempts": 0 }),
            "retry.max_attempts must be 1 to 10",
        ),
        (
            json!({ "max_attempts": 11 }),
            "retry.max_attempts must be 1 to 10",
        ),
        (
            json!({ "backoff_ms": 600000 }),
            "retry.backoff_ms must be 0 to 60000",
        ),
        (json!({ "attempts": 3 }), "attempts"),
    ] {
        let mut config = fx.config.clone();
        config["retry"] = retry;
        let e = Client::from_json(&config.to_string()).unwrap_err();
        assert_eq!(e.kind(), Kind::Config);
        assert!(e.message().contains(says), "{}", e.message());
    }
}
