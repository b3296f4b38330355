//! WeChat Pay's signature probes (签名探测), from the sandbox's probe settings and its
//! probe-notification route: reported as probes (`"probe": true`, a verify error whose answer is
//! 401), whatever else the probe's headers say, and never as an attack.

use crate::common;

use common::{EDU, Fixture, example};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::time::Duration;
use wxpresign::Notification;
use wxpresign::error::{Error, Kind};
use wxpresign::ffi::{
    wxpresign_client, wxpresign_client_free, wxpresign_client_new,
    wxpresign_notification_parse_any, wxpresign_string_free,
};
use wxpresign::notification::Answer;
use wxpresign::verification::SignedHeaders;

const PARTNER_MINI_PROGRAM: &str =
    "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program";

fn quick() -> Fixture {
    let fx = common::sandbox();
    fx.sandbox.set_retry_unit_ms(1);
    fx
}

/// Signs a session whose notifications go to `url`; its contract id.
fn signed_contract(fx: &Fixture, url: &str) -> String {
    let mut request = example(PARTNER_MINI_PROGRAM);
    request["contract_notify_url"] = url.into();
    let answer = fx
        .client()
        .call(PARTNER_MINI_PROGRAM, &request.to_string())
        .expect("the pre-sign call succeeds");
    let id = answer.data["pre_entrustweb_id"].as_str().expect("an id");
    fx.sandbox.sign(id, None).expect("the session signs");
    fx.sandbox
        .session(id)
        .and_then(|s| s.contract_id)
        .expect("a contract")
}

/// `POST /sandbox/merchants/{mchid}/probe-notification` for `contract_id`; the status.
fn send_probe(fx: &Fixture, contract_id: &str) -> u16 {
    let body = json!({ "contract_id": contract_id }).to_string();
    let mut stream = std::net::TcpStream::connect(fx.sandbox.addr()).expect("the sandbox");
    let request = format!(
        "POST /sandbox/merchants/{}/probe-notification HTTP/1.1\r\nHost: {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        fx.sandbox.identity().mchid,
        fx.sandbox.addr(),
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The probe the sandbox posts for a signed contract: its headers and body.
fn probe_notification(fx: &Fixture) -> (SignedHeaders, Vec<u8>, common::NotifyEndpoint) {
    let merchant = common::notify_endpoint();
    let contract_id = signed_contract(fx, &merchant.url);
    merchant
        .within(Duration::from_secs(10))
        .expect("the signing notification");
    assert_eq!(send_probe(fx, &contract_id), 202);
    let (headers, body) = merchant.within(Duration::from_secs(10)).expect("the probe");
    let headers = SignedHeaders::from_pairs(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        .expect("WeChat-style headers");
    (headers, body, merchant)
}

fn parsed(fx: &Fixture, headers: &SignedHeaders, body: &[u8]) -> Result<Notification, Error> {
    fx.client().parse_notification(headers, body)
}

#[test]
fn a_probe_answer_is_a_verify_error_flagged_as_a_probe_that_says_to_query() {
    let fx = common::sandbox();
    fx.sandbox
        .set_behaviours(&json!({ "probes": { "answers": 1.0, "seed": 7 } }))
        .expect("set");

    let error = fx
        .client()
        .call(EDU, &example(EDU).to_string())
        .expect_err("a probe answer is not accepted");

    assert_eq!(error.kind(), Kind::Verify);
    assert!(error.is_probe());
    assert_eq!(error.to_json()["error"]["probe"], true);
    assert!(error.message().contains("query"), "{}", error.message());
}

#[test]
fn an_ordinary_verify_error_carries_no_probe_member() {
    let fx = common::sandbox();

    let error = fx
        .client()
        .call(EDU, &common::edu_with_user("SANDBOXBADSIGNATURE1"))
        .expect_err("a forged answer");

    assert!(!error.is_probe());
    assert_eq!(error.to_json()["error"].get("probe"), None::<&Value>);
}

#[test]
fn a_probe_notification_is_flagged_as_a_probe_and_answered_401() {
    let fx = quick();
    let (headers, body, _merchant) = probe_notification(&fx);

    let error = parsed(&fx, &headers, &body).expect_err("a probe is not accepted");

    assert!(error.is_probe(), "{}", error.message());
    assert_eq!(Answer::failure(&error).status, 401);
}

#[test]
fn one_notify_url_for_many_merchants_reports_a_probe_with_its_401_answer() {
    let fx = quick();
    let (headers, body, _merchant) = probe_notification(&fx);
    let config = std::ffi::CString::new(fx.config.to_string()).expect("no NUL");
    let mut client = std::ptr::null_mut();
    let mut error = std::ptr::null_mut();
    // SAFETY: a NUL-terminated configuration and out-pointers that live through the call.
    let made = unsafe { wxpresign_client_new(config.as_ptr(), &mut client, &mut error) };
    assert_eq!(made as i32, 0);
    let headers = json!({
        "Wechatpay-Serial": headers.serial,
        "Wechatpay-Signature": headers.signature,
        "Wechatpay-Timestamp": headers.timestamp,
        "Wechatpay-Nonce": headers.nonce,
    });
    let headers = std::ffi::CString::new(headers.to_string()).expect("no NUL");
    let clients = [client as *const wxpresign_client];
    let mut out = std::ptr::null_mut();
    // SAFETY: one valid client, NUL-terminated headers, body.len() bytes of body.
    let status = unsafe {
        wxpresign_notification_parse_any(
            clients.as_ptr(),
            1,
            headers.as_ptr(),
            body.as_ptr().cast(),
            body.len(),
            &mut out,
        )
    };
    // SAFETY: the library's string, read then freed once; the client freed once.
    let text = unsafe { std::ffi::CStr::from_ptr(out) }
        .to_string_lossy()
        .into_owned();
    unsafe {
        wxpresign_string_free(out);
        wxpresign_client_free(client);
    }
    let parsed: Value = serde_json::from_str(&text).expect("JSON");

    assert_eq!(status as i32, Kind::Verify as i32);
    assert_eq!(parsed["error"]["probe"], true, "{text}");
    assert_eq!(parsed["error"]["answer"]["status"], 401);
}

#[test]
fn a_probe_under_a_serial_the_client_does_not_hold_is_still_reported_as_a_probe() {
    let fx = quick();
    let (mut headers, body, _merchant) = probe_notification(&fx);
    headers.serial = Some("5157F09EFDC096DE15EBE81A47057A7232F1B8E1".to_owned());

    let error = parsed(&fx, &headers, &body).expect_err("not accepted");

    assert!(error.is_probe(), "{}", error.message());
}

#[test]
fn a_probe_with_an_old_timestamp_is_still_reported_as_a_probe() {
    let fx = quick();
    let (mut headers, body, _merchant) = probe_notification(&fx);
    headers.timestamp = Some("1600000000".to_owned());

    let error = parsed(&fx, &headers, &body).expect_err("not accepted");

    assert!(error.is_probe(), "{}", error.message());
}
