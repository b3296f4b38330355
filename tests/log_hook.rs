//! The process-wide log hook (`wxpresign_config_log`): one event per call and, at DEBUG, per
//! attempt, from 8 threads at once; the levels; and no secret in any event: every event is
//! searched for the merchant key, the APIv3 key, the request's signature, the answer's
//! signature and every value of the requests (encrypted fields' plaintext among them). One test
//! sets the hook in this process, as the hook is the process's; a level outside the constants is
//! tested from a C program, in its own.
//!
//! A test binary of its own, not a module of tests/it: the hook set here would receive every
//! other test's events in the same process, and the tests count the events they caused.

mod common;

use common::{EDU, INSURANCE, edu_with_user, example, sandbox};
use serde_json::Value;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::sync::Mutex;
use wxpresign::ffi::wxpresign_config_log;
use wxpresign::ffi::wxpresign_log_level as Level;

static EVENTS: Mutex<Vec<(Level, String)>> = Mutex::new(Vec::new());

extern "C" fn collect(user: *mut c_void, level: Level, event: *const c_char) {
    assert_eq!(
        user as usize, 0x5eed,
        "the user pointer comes back as given"
    );
    // SAFETY: the library passes a NUL-terminated string valid during the call.
    let text = unsafe { CStr::from_ptr(event) }
        .to_string_lossy()
        .into_owned();
    EVENTS.lock().unwrap().push((level, text));
}

fn taken() -> Vec<(Level, Value)> {
    std::mem::take(&mut *EVENTS.lock().unwrap())
        .into_iter()
        .map(|(level, text)| (level, serde_json::from_str(&text).expect("events are JSON")))
        .collect()
}

/// Every string in `value`, recursively.
fn strings(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::String(s) => into.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| strings(v, into)),
        Value::Object(o) => o.values().for_each(|v| strings(v, into)),
        _ => {}
    }
}

#[test]
fn events_per_call_and_attempt_from_many_threads_with_no_secret() {
    let fx = sandbox();
    let client = fx.client();
    let user = 0x5eed as *mut c_void;
    assert_eq!(
        wxpresign_config_log(Some(collect), user, Level::WXPRESIGN_LOG_DEBUG as c_int) as i32,
        0
    );

    std::thread::scope(|s| {
        for t in 0..8 {
            let client = &client;
            s.spawn(move || {
                for i in 0..3 {
                    client
                        .call(EDU, &edu_with_user(&format!("log-{t}-{i}")))
                        .expect("the call succeeds");
                }
                client
                    .call(INSURANCE, &example(INSURANCE).to_string())
                    .expect("the insurance call succeeds");
            });
        }
    });
    let failed = client
        .call(EDU, &edu_with_user("SANDBOXFREQUENCYLIMITED"))
        .unwrap_err();
    assert_eq!(failed.kind(), wxpresign::Kind::Api);

    let events = taken();
    let calls: Vec<&Value> = events
        .iter()
        .filter(|(_, e)| e["event"] == "call")
        .map(|(_, e)| e)
        .collect();
    let attempts = events
        .iter()
        .filter(|(_, e)| e["event"] == "attempt")
        .count();
    assert_eq!(calls.len(), 8 * 4 + 1, "one event per call");
    assert_eq!(attempts, 8 * 4 + 1, "one event per attempt");
    let warn: Vec<&Value> = events
        .iter()
        .filter(|(level, _)| *level == Level::WXPRESIGN_LOG_WARN)
        .map(|(_, e)| e)
        .collect();
    assert_eq!(warn.len(), 1, "the failed call is a warning");
    assert_eq!(warn[0]["status"], 429);
    assert_eq!(warn[0]["code"], "FREQUENCY_LIMITED");
    assert_eq!(warn[0]["error"]["kind"], "api");
    let ok = calls
        .iter()
        .find(|e| e["status"] == 200)
        .expect("a successful call");
    for member in [
        "endpoint",
        "method",
        "path",
        "request_id",
        "elapsed_ms",
        "attempts",
        "connection",
    ] {
        assert!(!ok[member].is_null(), "{member} missing from {ok}");
    }
    let attempt = &events
        .iter()
        .find(|(_, e)| e["event"] == "attempt")
        .unwrap()
        .1;
    assert!(
        attempt["request_head"]["Authorization"]
            .as_str()
            .unwrap()
            .ends_with("signature=\"<redacted>\"")
    );
    // HTTP/1.1 header names as the answer parser gives them: lower case.
    assert_eq!(attempt["answer_head"]["wechatpay-signature"], "<redacted>");

    // No secret in any event.
    let mut secrets = vec![
        fx.config["apiv3_key"].as_str().unwrap().to_owned(),
        fx.config["merchant_private_key"]
            .as_str()
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .to_owned(),
    ];
    strings(&example(INSURANCE), &mut secrets);
    strings(&example(EDU), &mut secrets);
    secrets.retain(|s| s.len() >= 6);
    for (_, event) in &events {
        let text = event.to_string();
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "an event shows {secret}: {text}"
            );
        }
        assert!(
            !text.contains("signature=\\\"") || text.contains("signature=\\\"<redacted>\\\""),
            "{text}"
        );
    }

    // INFO: calls only. OFF: nothing.
    wxpresign_config_log(Some(collect), user, Level::WXPRESIGN_LOG_INFO as c_int);
    client.call(EDU, &edu_with_user("log-info")).unwrap();
    let events = taken();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, Level::WXPRESIGN_LOG_INFO);
    wxpresign_config_log(Some(collect), user, Level::WXPRESIGN_LOG_OFF as c_int);
    client.call(EDU, &edu_with_user("log-off")).unwrap();
    wxpresign_config_log(
        None,
        std::ptr::null_mut(),
        Level::WXPRESIGN_LOG_DEBUG as c_int,
    );
    client.call(EDU, &edu_with_user("log-none")).unwrap();
    assert!(taken().is_empty());
}

/// A C program (tests/c/log_level.c) sets a level outside the named constants: it is refused
/// with WXPRESIGN_ERR_ARGUMENT and the hook keeps logging at the level it had. In its own
/// process, as the hook is the process's.
#[test]
fn a_level_outside_the_constants_is_refused_from_c_and_the_level_stays() {
    use common::process::{Scratch, compile_c, run, shared_library};
    let dir = std::env::temp_dir().join(format!("wxpresign-log-level-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let _scratch = Scratch(dir.clone());
    let (identity, merchant_key) = wxpresign_sandbox::Identity::generate().expect("keys");
    let mut config = identity
        .client_config(&merchant_key, "http://127.0.0.1:1")
        .expect("a configuration");
    config["connect_timeout_ms"] = 2000.into();
    let config_path = dir.join("config.json");
    std::fs::write(&config_path, config.to_string()).expect("written");

    let lib_dir = shared_library(&dir);
    let program = dir.join("log_level");
    compile_c("tests/c/log_level.c", &program, &lib_dir, &[]);
    let mut command = std::process::Command::new(&program);
    command.arg(&config_path).arg(example(EDU).to_string());
    let (status, output, _) = run(command, std::time::Duration::from_secs(60));
    println!("{output}");
    assert!(status.success(), "log_level failed ({status}):\n{output}");
}
