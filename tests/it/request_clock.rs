//! A request is signed with the local clock's time: WeChat Pay refuses an Authorization whose
//! timestamp is more than five minutes off its own clock, so the header must carry the current
//! Unix time, read here from the system clock and from what went over a real socket.

use crate::common;

use common::{EDU, edu_with_user, notify_endpoint, sandbox};
use serde_json::json;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The `timestamp` attribute of the Authorization header in `headers`.
fn signed_timestamp(headers: &[(String, String)]) -> u64 {
    let authorization = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| value.as_str())
        .expect("an Authorization header");
    let (_, rest) = authorization
        .split_once("timestamp=\"")
        .expect("a timestamp attribute");
    let (digits, _) = rest.split_once('"').expect("a quoted timestamp");
    digits.parse().expect("a timestamp in seconds")
}

fn system_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is past 1970")
        .as_secs()
}

#[test]
fn the_authorization_timestamp_is_the_current_unix_time() {
    let fx = sandbox();
    // A loopback server that records the request in place of WeChat Pay; its unsigned answer
    // fails the call, which does not matter here.
    let server = notify_endpoint();
    let base_url = server.url.trim_end_matches("/notify");
    let client = fx.client_with(json!({ "base_url": base_url, "global_base_url": base_url }));
    let before = system_clock();
    let _ = client.call(EDU, &edu_with_user("clock"));
    let after = system_clock();
    let (headers, _) = server
        .within(Duration::from_secs(10))
        .expect("the request arrives");
    let timestamp = signed_timestamp(&headers);
    assert!(
        (before..=after).contains(&timestamp),
        "signed at {timestamp}, called between {before} and {after}"
    );
}
