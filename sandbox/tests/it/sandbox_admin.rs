//! The sandbox's own routes under `/sandbox/` as a program and a browser meet them: the record
//! of requests stays bounded and pages, rotation keeps a bounded list, state-changing routes
//! refuse what a cross-site page can send, programs get JSON and browsers pages, personal data
//! is masked, and `sandbox init` leaves its key files private.
#![cfg(target_os = "linux")]

use crate::common;

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One request over its own connection, as written; returns the status, head and body.
fn raw(fx: &common::Fixture, request: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(fx.sandbox.addr()).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream.write_all(request.as_bytes()).expect("writes");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}

/// `GET target` with `Connection: close`.
fn get(fx: &common::Fixture, target: &str) -> (u16, Value) {
    let (status, _, body) = raw(
        fx,
        &format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

#[test]
fn the_request_record_truncates_long_targets_drops_the_oldest_past_its_budget_and_pages() {
    let fx = common::sandbox();
    // Unauthenticated requests with long targets, pipelined on one connection.
    let long = format!("/v3/nowhere?{}", "a".repeat(1000));
    const SENT: usize = 30_000;
    let mut stream = TcpStream::connect(fx.sandbox.addr()).expect("connects");
    let request = format!("GET {long} HTTP/1.1\r\nHost: x\r\n\r\n");
    let reader = {
        let mut reader = stream.try_clone().expect("clones");
        std::thread::spawn(move || {
            let mut sink = [0u8; 65536];
            let mut total = 0;
            while let Ok(n) = reader.read(&mut sink) {
                if n == 0 {
                    break;
                }
                total += n;
            }
            total
        })
    };
    for _ in 0..SENT {
        stream.write_all(request.as_bytes()).expect("writes");
    }
    stream
        .write_all(b"GET /v3/last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("writes");
    reader.join().expect("reads every answer");

    let (status, first) = get(&fx, "/sandbox/requests");
    assert_eq!(status, 200, "{first}");
    let page = first["requests"].as_array().expect("a page of requests");
    assert_eq!(page.len(), 100, "the default page");
    let oldest = page[0]["seq"].as_u64().unwrap();
    assert!(oldest > 1, "the oldest records were dropped: {oldest}");
    let target = page[0]["target"].as_str().unwrap();
    assert!(
        target.len() < 600,
        "a target is cut: {} bytes",
        target.len()
    );
    assert!(target.ends_with("…[truncated]"), "{target}");
    assert!(target.starts_with("/v3/nowhere?aaaa"), "{target}");

    // Paging: the cursor follows on, the last page says there is no more.
    let next = first["next_after"].as_u64().expect("a cursor");
    assert_eq!(next, page[99]["seq"].as_u64().unwrap());
    let (_, second) = get(&fx, &format!("/sandbox/requests?after={next}&limit=5000"));
    let page = second["requests"].as_array().unwrap();
    assert_eq!(page.len(), 1000, "the largest page");
    assert_eq!(page[0]["seq"].as_u64(), Some(next + 1));
    let total = (SENT + 1) as u64;
    let (_, last) = get(&fx, &format!("/sandbox/requests?after={}", total - 1));
    let page = last["requests"].as_array().unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0]["target"], "/v3/last");
    assert_eq!(page[0]["seq"].as_u64(), Some(total), "numbering goes on");
    assert!(last["next_after"].is_null(), "{last}");
    assert_eq!(
        fx.sandbox.requests().last().map(|r| r.seq),
        Some(total),
        "Sandbox::requests() keeps working"
    );

    let (status, bad) = get(&fx, "/sandbox/requests?limit=ten");
    assert_eq!(status, 400, "{bad}");
    assert!(bad["message"].as_str().unwrap().contains("limit"), "{bad}");
}

/// `POST target` with `headers` (each ending in CRLF) and `body`, over its own connection.
fn post(fx: &common::Fixture, target: &str, headers: &str, body: &str) -> (u16, String, String) {
    raw(
        fx,
        &format!(
            "POST {target} HTTP/1.1\r\nHost: {}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            fx.sandbox.addr(),
            body.len()
        ),
    )
}

fn certificate_mode() -> common::Fixture {
    use wxpresign_sandbox::{Identity, Mode, Sandbox};
    let (identity, merchant_key) = Identity::generate_in(Mode::Certificate).expect("keys");
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").expect("a loopback port");
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .expect("config");
    common::Fixture {
        sandbox,
        merchant_key,
        config,
    }
}

fn listed_serials(fx: &common::Fixture) -> Vec<String> {
    let list = fx.sandbox.identity().certificate_list().unwrap().unwrap();
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["serial_no"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn rotation_keeps_the_newest_three_certificates_and_new_clients_keep_working() {
    let fx = certificate_mode();
    let first = fx.sandbox.identity().platform_serial.clone();
    let mut issued = Vec::new();
    for _ in 0..5 {
        let (status, _, body) = post(&fx, "/sandbox/certificates/rotate", "", "");
        assert_eq!(status, 200, "{body}");
        let answer: Value = serde_json::from_str(&body).unwrap();
        issued.push(answer["serial_no"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        listed_serials(&fx),
        issued[2..],
        "the newest three, oldest first"
    );
    assert!(
        !listed_serials(&fx).contains(&first),
        "the first is retired"
    );
    fx.client()
        .call(common::EDU, &common::edu_with_user("after-rotations"))
        .expect("a new client downloads the list and verifies");
}

#[test]
fn sandbox_init_over_world_readable_files_leaves_them_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = common::process::Scratch::new("init-permissions");
    for name in ["client.json", "sandbox.json"] {
        let path = scratch.0.join(name);
        std::fs::write(&path, "{}").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    wxpresign_sandbox::Identity::init_dir(
        &scratch.0,
        "127.0.0.1:0",
        wxpresign_sandbox::Mode::PublicKey,
    )
    .expect("written");
    for name in ["client.json", "sandbox.json"] {
        let mode = std::fs::metadata(scratch.0.join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name} holds a private key");
    }
}

const JSAPI: &str = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/jsapi";

/// A JSAPI pre-sign's session id and its path.
fn open_session(fx: &common::Fixture) -> (String, String) {
    let merchant = "http://127.0.0.1:1/nowhere";
    let answer = common::presign(
        fx,
        JSAPI,
        serde_json::json!({ "contract_notify_url": merchant }),
    );
    let url = answer.data["redirect_url"].as_str().expect("a URL");
    let id = url.rsplit('/').next().unwrap().to_owned();
    (id.clone(), format!("/sandbox/sessions/{id}"))
}

const EVIL: &str = "Origin: http://evil.example\r\nSec-Fetch-Site: cross-site\r\n";

#[test]
fn what_a_cross_site_page_can_send_neither_signs_nor_cancels_a_session() {
    let fx = common::sandbox();
    let (id, path) = open_session(&fx);
    let notify = r#"{"notify_url": "http://evil.example/collect"}"#;
    // A form or fetch() with mode no-cors: text/plain, form-encoded or no body at all.
    for (headers, body) in [
        (format!("{EVIL}Content-Type: text/plain\r\n"), notify),
        (
            format!("{EVIL}Content-Type: application/x-www-form-urlencoded\r\n"),
            "a=1",
        ),
        (
            format!("{EVIL}Content-Type: multipart/form-data; boundary=x\r\n"),
            "--x--",
        ),
        (EVIL.to_owned(), ""),
        // An older browser that says nothing of where the page came from.
        ("Content-Type: text/plain\r\n".to_owned(), notify),
        (
            "Content-Type: text/plain\r\nOrigin: null\r\n".to_owned(),
            notify,
        ),
    ] {
        for action in ["sign", "cancel"] {
            let (status, _, answer) = post(&fx, &format!("{path}/{action}"), &headers, body);
            assert!(
                status == 403 || status == 415,
                "{action} with {headers:?}: {status} {answer}"
            );
        }
    }
    let session = fx.sandbox.session(&id).expect("still valid");
    assert!(session.contract_id.is_none() && !session.cancelled);

    // A program's JSON signs, from no page or from the sandbox's own.
    let own = format!("Origin: http://{}\r\n", fx.sandbox.addr());
    let json = "Content-Type: application/json\r\n";
    let (status, _, answer) = post(&fx, &format!("{path}/sign"), &format!("{own}{json}"), "{}");
    assert_eq!(status, 202, "{answer}");
}

#[test]
fn what_a_cross_site_page_can_send_does_not_rotate_certificates() {
    let fx = certificate_mode();
    let before = listed_serials(&fx);
    for headers in [
        format!("{EVIL}Content-Type: text/plain\r\n"),
        format!("{EVIL}Content-Type: application/x-www-form-urlencoded\r\n"),
        EVIL.to_owned(),
        "Origin: http://evil.example\r\n".to_owned(),
        "Sec-Fetch-Site: same-site\r\n".to_owned(),
        "Content-Type: text/plain\r\n".to_owned(),
        "Content-Type: application/x-www-form-urlencoded\r\n".to_owned(),
    ] {
        let (status, _, answer) = post(&fx, "/sandbox/certificates/rotate", &headers, "x=1");
        assert!(
            status == 403 || status == 415,
            "{headers:?}: {status} {answer}"
        );
    }
    assert_eq!(listed_serials(&fx), before, "nothing rotated");
    let json = "Content-Type: application/json\r\n";
    let (status, _, answer) = post(&fx, "/sandbox/certificates/rotate", json, "");
    assert_eq!(status, 200, "{answer}");
}

#[test]
fn a_program_posting_a_form_without_the_token_is_told_in_json_that_the_token_is_needed() {
    let fx = common::sandbox();
    let (id, path) = open_session(&fx);
    let form = "Content-Type: application/x-www-form-urlencoded\r\n";
    let (status, head, answer) = post(&fx, &format!("{path}/sign"), form, "sign=1");
    assert_eq!(status, 403, "{answer}");
    assert!(head.contains("application/json"), "{head}");
    let answer: Value = serde_json::from_str(&answer).expect("JSON");
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains("token"), "{message}");
    assert!(!message.contains("失效"), "the session is valid: {message}");

    // A browser's form is answered with a page.
    let browser = format!("{form}Accept: text/html,application/xhtml+xml\r\n");
    let (status, head, page) = post(&fx, &format!("{path}/sign"), &browser, "sign=1");
    assert_eq!(status, 403);
    assert!(head.contains("text/html"), "{head}");
    assert!(page.contains("请从签约页面操作"), "{page}");
    assert!(fx.sandbox.session(&id).unwrap().contract_id.is_none());
}

/// The session JSON and the signing page of an insurance pre-sign whose insured is 张三
/// (ID number 110101199003074477, phone-free), as `GET /sandbox/sessions/{id}` answers them.
fn session_views(fx: &common::Fixture) -> (String, String) {
    let answer = common::presign(fx, common::INSURANCE, serde_json::json!({}));
    let id = fx.sandbox.session_named(&answer.data).expect("a session");
    let path = format!("/sandbox/sessions/{id}");
    let (_, _, json) = raw(
        fx,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    let (_, _, page) = raw(
        fx,
        &format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
        ),
    );
    (json, page)
}

#[test]
fn a_sessions_json_and_page_mask_the_real_name_and_id_number_unless_asked_to_show_them() {
    let fx = common::sandbox();
    let (json, page) = session_views(&fx);
    assert!(json.contains("insured_display_name"), "{json}");
    for view in [&json, &page] {
        assert!(!view.contains("张三"), "{view}");
        assert!(!view.contains("110101199003074477"), "{view}");
    }
    let session: Value = serde_json::from_str(&json).unwrap();
    let identity = &session["request"]["real_identity"];
    assert_eq!(identity["real_name"], "张*");
    assert_eq!(identity["id_card_number"], "1*************4477");

    assert!(
        page.contains("张*") && page.contains("1*************4477"),
        "{page}"
    );

    fx.sandbox.set_show_personal_data(true);
    let (json, page) = session_views(&fx);
    for view in [&json, &page] {
        assert!(view.contains("张三"), "{view}");
        assert!(view.contains("110101199003074477"), "{view}");
    }
}
