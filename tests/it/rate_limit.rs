//! WeChat Pay's rate limit (频率限制), from the sandbox's per-merchant `rate_limit`: a 429 is
//! retried only when `retry` is configured, after at least a second (the quotas are per second),
//! within `timeout_ms` and `max_attempts`; the error says the request was not processed.

use crate::common;

use common::{EDU, Fixture, edu_with_user};
use serde_json::json;
use std::time::Instant;
use wxpresign::error::Kind;

/// A sandbox that takes one request a second from the merchant.
fn one_a_second() -> Fixture {
    let fx = common::sandbox();
    fx.sandbox
        .set_behaviours(&json!({ "rate_limit": { "requests_per_second": 1, "burst": 1 } }))
        .expect("set");
    fx
}

fn outcomes(trace: &serde_json::Value) -> Vec<String> {
    trace["attempts"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| t["outcome"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn over_the_rate_without_retry_the_error_says_rate_limited_and_not_processed() {
    let fx = one_a_second();
    let client = fx.client();
    client
        .call(EDU, &edu_with_user("first"))
        .expect("within the rate");

    let error = client
        .call(EDU, &edu_with_user("second"))
        .expect_err("over the rate");

    assert_eq!(error.kind(), Kind::Api);
    assert_eq!(error.http_status(), Some(429));
    assert!(error.retryable());
    assert!(
        error.message().contains("not processed"),
        "{}",
        error.message()
    );
    assert_eq!(outcomes(error.trace().expect("a trace")).len(), 1);
}

#[test]
fn with_retry_a_429_is_retried_after_at_least_a_second_and_accepted() {
    let fx = one_a_second();
    let client = fx.client_with(json!({ "retry": { "max_attempts": 3, "backoff_ms": 10 } }));
    client
        .call(EDU, &edu_with_user("first"))
        .expect("within the rate");

    let began = Instant::now();
    let answer = client
        .call(EDU, &edu_with_user("second"))
        .expect("accepted once the rate allows");

    assert_eq!(
        outcomes(&answer.trace),
        ["answered 429".to_owned(), "answered 200".to_owned()]
    );
    assert!(began.elapsed().as_millis() >= 1000, "{:?}", began.elapsed());
}

#[test]
fn a_429_is_not_retried_when_the_wait_would_pass_the_deadline() {
    let fx = one_a_second();
    let client = fx.client_with(json!({
        "retry": { "max_attempts": 3, "backoff_ms": 10 },
        "timeout_ms": 800,
    }));
    client
        .call(EDU, &edu_with_user("first"))
        .expect("within the rate");

    let began = Instant::now();
    let error = client
        .call(EDU, &edu_with_user("second"))
        .expect_err("no time to wait for the next second");

    assert_eq!(error.http_status(), Some(429));
    assert_eq!(outcomes(error.trace().expect("a trace")), ["answered 429"]);
    assert!(began.elapsed().as_millis() < 800, "{:?}", began.elapsed());
}
