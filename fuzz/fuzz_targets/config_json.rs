//! The configuration JSON a caller passes to `wxpresign_client_new`: `Config::from_json` either
//! builds a client or fails with a config error, and no error quotes a secret member's value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wxpresign::config::Config;
use wxpresign::{Client, Kind};
use wxpresign_fuzz::{check_error, config_files_are_small_regular_files};

/// Members whose values are secrets and must never appear in an error message.
const SECRET_MEMBERS: &[&str] = &["merchant_private_key", "apiv3_key"];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if !config_files_are_small_regular_files(text) {
        return;
    }
    match Config::from_json(text) {
        Ok(config) => {
            let debug = format!("{config:?}");
            let client = Client::new(config);
            let debug = format!("{debug}{client:?}");
            for secret in secrets(text) {
                assert!(
                    !debug.contains(&secret),
                    "Debug output shows a secret: {debug}"
                );
            }
        }
        Err(e) => {
            check_error(&e);
            assert_eq!(e.kind(), Kind::Config, "{}", e.to_json());
            let shown = e.to_json().to_string();
            for secret in secrets(text) {
                assert!(
                    !shown.contains(&secret),
                    "the error quotes a secret: {shown}"
                );
            }
        }
    }
});

/// Secret values long and distinctive enough that finding them in a message is a leak rather
/// than a coincidence: 24+ characters of Base64 that no other string of the document contains.
fn secrets(text: &str) -> Vec<String> {
    let Ok(Value::Object(members)) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for name in SECRET_MEMBERS {
        let Some(Value::String(value)) = members.get(*name) else {
            continue;
        };
        for line in value.lines().map(str::trim) {
            let distinctive = line.len() >= 24
                && line
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
            let elsewhere = members
                .iter()
                .filter(|(k, _)| !SECRET_MEMBERS.contains(&k.as_str()))
                .any(|(k, v)| k.contains(line) || v.to_string().contains(line));
            if distinctive && !elsewhere {
                found.push(line.to_owned());
            }
        }
    }
    found
}
