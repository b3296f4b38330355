//! `POST /sandbox/notifications/trigger` on a running sandbox, as a merchant's integration tests
//! call it: one notification of a family's event type, sent now to a receiving server, answered
//! with the delivery and the handler's own answer; bad requests named by their member.
#![cfg(target_os = "linux")]

use crate::common;

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const JSON: &str = "Content-Type: application/json\r\n";

/// A scheduled-deduction pre-sign whose contracts the family's calls terminate.
const PARTNER_MINI_PROGRAM: &str =
    "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program";

/// `POST /sandbox/notifications/trigger` with `headers` (each ending in CRLF) and `body`, over
/// its own connection: the status and the answer's JSON.
fn post(fx: &common::Fixture, headers: &str, body: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(fx.sandbox.addr()).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let request = format!(
        "POST /sandbox/notifications/trigger HTTP/1.1\r\nHost: {}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        fx.sandbox.addr(),
        body.len()
    );
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
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// A trigger asked with JSON.
fn trigger(fx: &common::Fixture, asked: Value) -> (u16, Value) {
    post(fx, JSON, &asked.to_string())
}

/// An event type, members its resource has, and a member's value.
type Expected = (
    &'static str,
    &'static [&'static str],
    Option<(&'static str, &'static str)>,
);

/// Members each event's resource carries, as the family's page defines them (a part of each,
/// the members that say which contract and what happened to it), and the state it names.
const RESOURCES: &[Expected] = &[
    (
        "ENTRUST.SIGN",
        &[
            "contract_id",
            "plan_id",
            "out_contract_code",
            "contract_signed_time",
        ],
        Some(("contract_state", "SIGNED")),
    ),
    (
        "ENTRUST.TERMINATE",
        &[
            "contract_id",
            "plan_id",
            "out_contract_code",
            "contract_terminate_info",
        ],
        Some(("contract_state", "TERMINATED")),
    ),
    (
        "INSURANCE_ENTRUST.SIGN",
        &[
            "contract_id",
            "plan_id",
            "out_contract_code",
            "contract_signed_time",
        ],
        Some(("contract_state", "SIGNED")),
    ),
    (
        "INSURANCE_ENTRUST.TERMINATE",
        &[
            "contract_id",
            "plan_id",
            "out_contract_code",
            "contract_terminate_info",
        ],
        Some(("contract_state", "TERMINATED")),
    ),
    (
        "ECOMMERCE_ENTRUST.SIGN",
        &[
            "out_contract_code",
            "plan_id",
            "contract_expired_time",
            "operate_time",
        ],
        None,
    ),
    (
        "ECOMMERCE_ENTRUST.TERMINATE",
        &[
            "out_contract_code",
            "plan_id",
            "contract_termination_mode",
            "operate_time",
        ],
        None,
    ),
    (
        "CREDIT_REPAYMENT.SIGN_CONTRACT",
        &[
            "contract_id",
            "plan_id",
            "out_contract_code",
            "contract_signed_time",
        ],
        None,
    ),
    (
        "CREDIT_REPAYMENT.TERMINATE_CONTRACT",
        &[
            "contract_id",
            "out_contract_code",
            "contract_terminated_time",
        ],
        None,
    ),
    (
        "ENTRUST.SIGNING",
        &["plan_id", "openid", "contract_information"],
        None,
    ),
    (
        "PAYSCORE.USER_OPEN_SERVICE",
        &["contract_id", "plan_id", "out_contract_code", "create_time"],
        Some(("contract_status", "ADD")),
    ),
    (
        "ENTRUST.RELEASE",
        &["plan_id", "openid", "contract_information"],
        None,
    ),
    (
        "PAYSCORE.USER_CLOSE_SERVICE",
        &["contract_id", "plan_id", "out_contract_code", "create_time"],
        Some(("contract_status", "DELETE")),
    ),
    (
        "FACEPAY.USER_STATE_CHANGE",
        &["user_id", "out_user_id", "organization_id"],
        None,
    ),
    (
        "PAPAY.SIGN",
        &[
            "contract_id",
            "plan_id",
            "out_contract_code",
            "contract_expired_time",
        ],
        None,
    ),
    (
        "PAPAY.TERMINATE",
        &[
            "contract_id",
            "plan_id",
            "out_contract_code",
            "contract_expired_time",
        ],
        None,
    ),
];

#[test]
fn each_family_s_events_triggered_for_the_merchant_verify_decrypt_and_carry_its_resource() {
    use wxpresign_sandbox::notify_test::{FAMILIES, event_types, family_name};
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let client = fx.client();
    let mut triggered = Vec::new();
    for family in FAMILIES {
        for event_type in event_types(family) {
            let (status, answer) = trigger(
                &fx,
                json!({
                    "family": family_name(family),
                    "event_type": event_type,
                    "notify_url": merchant.url,
                }),
            );
            assert_eq!(status, 200, "{event_type}: {answer}");
            assert_eq!(answer["state"], "delivered", "{answer}");
            assert_eq!(answer["answer"]["status"], 200, "{answer}");
            assert_eq!(answer["family"], family_name(family), "{answer}");

            let notification = merchant.next(&client);
            assert_eq!(notification.event_type, event_type);
            assert_eq!(notification.id, answer["id"].as_str().unwrap_or_default());
            let resource = &notification.resource;
            let (_, members, state) = RESOURCES
                .iter()
                .find(|(t, _, _)| *t == event_type)
                .unwrap_or_else(|| panic!("{event_type}: not in RESOURCES"));
            for member in *members {
                assert!(
                    resource.get(*member).is_some(),
                    "{event_type} {member}: {resource:#}"
                );
            }
            if let Some((member, value)) = state {
                assert_eq!(resource[*member], *value, "{event_type}: {resource:#}");
            }
            if let Some(id) = resource.get("contract_id") {
                assert_eq!(*id, answer["contract_id"], "{event_type}");
            }
            triggered.push(event_type);
        }
    }
    let documented: Vec<&str> = RESOURCES.iter().map(|(t, _, _)| *t).collect();
    assert_eq!(triggered, documented);
}

/// A session's notification is the one signing it sends: the same resource but for the new
/// contract's id and times.
#[test]
fn a_session_s_triggered_notification_is_the_one_its_signing_sends() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let client = fx.client();
    let answer = common::presign(
        &fx,
        PARTNER_MINI_PROGRAM,
        json!({ "contract_notify_url": merchant.url }),
    );
    let id = fx.sandbox.session_named(&answer.data).expect("a session");

    // No notify_url: the session's own.
    let (status, answer) = trigger(
        &fx,
        json!({ "session_id": id, "event_type": "ENTRUST.SIGN" }),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["notify_url"], merchant.url.as_str());
    let triggered = merchant.next(&client).resource;
    assert!(
        fx.sandbox
            .session(&id)
            .expect("valid")
            .contract_id
            .is_none(),
        "nothing is signed"
    );

    fx.sandbox.sign(&id, None).expect("the session signs");
    let signed = merchant.next(&client).resource;
    let without_times = |mut resource: Value| {
        for member in [
            "contract_id",
            "contract_signed_time",
            "contract_expired_time",
        ] {
            resource[member] = Value::Null;
        }
        resource
    };
    assert_eq!(without_times(triggered), without_times(signed));
}

/// A contract's termination, triggered, tells of it as terminated; the sandbox's contract is
/// left signed.
#[test]
fn a_contract_s_triggered_termination_tells_it_terminated_and_leaves_it_signed() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let client = fx.client();
    let answer = common::presign(
        &fx,
        PARTNER_MINI_PROGRAM,
        json!({ "contract_notify_url": merchant.url }),
    );
    let id = fx.sandbox.session_named(&answer.data).expect("a session");
    let signed = fx.sandbox.sign(&id, None).expect("the session signs");
    let contract_id = signed["contract_id"]
        .as_str()
        .expect("a contract")
        .to_owned();
    let _ = merchant.next(&client);

    let (status, answer) = trigger(
        &fx,
        json!({ "contract_id": contract_id, "event_type": "ENTRUST.TERMINATE" }),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["family"], "scheduled_deduct");
    let notification = merchant.next(&client);
    assert_eq!(notification.event_type, "ENTRUST.TERMINATE");
    assert_eq!(notification.resource["contract_id"], contract_id.as_str());
    assert_eq!(notification.resource["contract_state"], "TERMINATED");
    let contract = fx.sandbox.contract(&contract_id).expect("held");
    assert!(
        contract.terminated.is_none(),
        "the contract is still signed"
    );
}

/// A handler on loopback that answers every request with `status` and `body`.
fn answering(
    status: u16,
    body: &'static str,
) -> (String, wxpresign_sandbox::http_server::HttpServer) {
    use wxpresign_sandbox::http_server::{HttpServer, Reply};
    let server = HttpServer::bind("127.0.0.1:0", move |_| {
        Reply::new(
            status,
            vec![("Content-Type", "application/json".to_owned())],
            body.as_bytes().to_vec(),
        )
    })
    .expect("a loopback port");
    (format!("http://{}/notify", server.addr()), server)
}

#[test]
fn the_answer_carries_the_handler_s_status_and_body_or_why_none_came() {
    let fx = common::sandbox();
    let (url, _server) = answering(500, r#"{"code":"FAIL","message":"verification failed"}"#);
    let asked = |url: &str| json!({ "family": "insurance", "event_type": "INSURANCE_ENTRUST.SIGN", "notify_url": url });
    let (status, answer) = trigger(&fx, asked(&url));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["state"], "refused", "{answer}");
    assert_eq!(answer["answer"]["status"], 500, "{answer}");
    assert_eq!(
        answer["answer"]["body"],
        r#"{"code":"FAIL","message":"verification failed"}"#
    );

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        format!(
            "http://{}/notify",
            listener.local_addr().expect("an address")
        )
    };
    let (status, answer) = trigger(&fx, asked(&closed));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["state"], "no_answer", "{answer}");
    assert!(
        answer["answer"].is_null() && answer["error"].is_string(),
        "{answer}"
    );
}

/// The refusal's status, the member it names (detail.field) and its message.
fn refused(fx: &common::Fixture, asked: Value) -> (u16, String, String) {
    let (status, answer) = trigger(fx, asked);
    (
        status,
        answer["detail"]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        answer["message"].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn bad_requests_name_the_member_and_what_is_allowed() {
    let fx = common::sandbox();
    let url = "http://127.0.0.1:9/notify";
    let (status, field, message) = refused(
        &fx,
        json!({ "family": "global", "event_type": "ENTRUST.SIGN", "notify_url": url }),
    );
    assert_eq!((status, field.as_str()), (400, "/event_type"), "{message}");
    assert!(
        message.contains("one of PAPAY.SIGN, PAPAY.TERMINATE"),
        "{message}"
    );

    let (status, field, message) = refused(
        &fx,
        json!({ "event_type": "PAPAY.SIGN", "notify_url": url }),
    );
    assert_eq!((status, field.as_str()), (400, "/family"), "{message}");
    assert!(message.contains("scheduled_deduct, insurance"), "{message}");

    let (status, field, message) = refused(
        &fx,
        json!({ "family": "payroll", "event_type": "PAPAY.SIGN", "notify_url": url }),
    );
    assert_eq!((status, field.as_str()), (400, "/family"), "{message}");
    assert!(message.contains("offline_face, global"), "{message}");

    let (status, field, message) = refused(
        &fx,
        json!({ "family": "password_exempt", "event_type": "PAPAY.SIGN", "notify_url": url }),
    );
    assert_eq!((status, field.as_str()), (400, "/event_type"), "{message}");
    assert!(message.contains("no notification"), "{message}");

    let (status, field, message) = refused(
        &fx,
        json!({ "family": "global", "event_type": "PAPAY.SIGN" }),
    );
    assert_eq!((status, field.as_str()), (400, "/notify_url"), "{message}");
    let (status, field, _) = refused(
        &fx,
        json!({ "family": "global", "event_type": "PAPAY.SIGN", "notify_url": "ftp://x/" }),
    );
    assert_eq!((status, field.as_str()), (400, "/notify_url"));
    let (status, field, _) = refused(
        &fx,
        json!({ "family": "global", "event_type": 7, "notify_url": url }),
    );
    assert_eq!((status, field.as_str()), (400, "/event_type"));
    let (status, field, message) = refused(
        &fx,
        json!({ "family": "global", "event_type": "PAPAY.SIGN", "notify_url": url, "url": url }),
    );
    assert_eq!((status, field.as_str()), (400, "/url"), "{message}");
    assert!(
        message.contains("event_type, notify_url, session_id, contract_id, family"),
        "{message}"
    );

    let (status, field, _) = refused(
        &fx,
        json!({ "session_id": "wxpe00", "event_type": "PAPAY.SIGN", "notify_url": url }),
    );
    assert_eq!((status, field.as_str()), (404, "/session_id"));
    let (status, field, _) = refused(
        &fx,
        json!({ "contract_id": "2026X", "event_type": "PAPAY.SIGN", "notify_url": url }),
    );
    assert_eq!((status, field.as_str()), (404, "/contract_id"));
    let (status, field, _) = refused(
        &fx,
        json!({ "session_id": "a", "contract_id": "b", "event_type": "PAPAY.SIGN", "notify_url": url }),
    );
    assert_eq!((status, field.as_str()), (400, "/contract_id"));

    let (status, answer) = post(&fx, JSON, "event_type=PAPAY.SIGN");
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = post(&fx, JSON, "[]");
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap_or_default()
            .contains("a JSON object"),
        "{answer}"
    );
}

/// What a page of another site can send triggers nothing, as on the other routes that act.
#[test]
fn what_a_cross_site_page_can_send_triggers_nothing() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let asked =
        json!({ "family": "global", "event_type": "PAPAY.SIGN", "notify_url": merchant.url })
            .to_string();
    let evil = "Origin: http://evil.example\r\nSec-Fetch-Site: cross-site\r\n";
    for headers in [
        format!("{evil}{JSON}"),
        format!("{evil}Content-Type: text/plain\r\n"),
        "Content-Type: text/plain\r\n".to_owned(),
        "Content-Type: application/x-www-form-urlencoded\r\n".to_owned(),
    ] {
        let (status, answer) = post(&fx, &headers, &asked);
        assert!(
            status == 403 || status == 415,
            "{headers:?}: {status} {answer}"
        );
    }
    assert!(
        merchant.within(Duration::from_millis(300)).is_none(),
        "nothing was sent"
    );
    let own = format!("Origin: http://{}\r\n{JSON}", fx.sandbox.addr());
    let (status, answer) = post(&fx, &own, &asked);
    assert_eq!(status, 200, "{answer}");
}

/// A plain call to one of the sandbox's own routes: the status and the answer's text.
fn admin(fx: &common::Fixture, method: &str, path: &str, body: Option<Value>) -> (u16, String) {
    let mut stream = TcpStream::connect(fx.sandbox.addr()).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/html\r\n{JSON}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        fx.sandbox.addr(),
        body.len()
    );
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
    (status, body.to_owned())
}

/// A contract made up for a notification is signed on the sandbox's clock, as the contracts
/// signed through it are, not on the machine's.
#[test]
fn a_made_up_contract_is_dated_on_the_sandbox_clock() {
    const THIRTY_DAYS: u64 = 30 * 24 * 3600;
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let (status, _) = admin(
        &fx,
        "POST",
        "/sandbox/clock",
        Some(json!({ "advance_secs": THIRTY_DAYS })),
    );
    assert_eq!(status, 200);
    let (status, answer) = trigger(
        &fx,
        json!({
            "family": "scheduled_deduct",
            "event_type": "ENTRUST.SIGN",
            "notify_url": merchant.url,
        }),
    );
    assert_eq!(status, 200, "{answer}");
    let notification = merchant.next(&fx.client());
    let signed = notification.resource["contract_signed_time"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let then = wxpresign_sandbox::beijing_rfc3339(wxpresign::signing::unix_now() + THIRTY_DAYS);
    assert_eq!(signed.get(..10), then.get(..10), "{signed}");
}

/// A triggered notification is kept with every other delivery: the overview shows it with its
/// attempt.
#[test]
fn a_triggered_notification_is_shown_with_the_deliveries() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let (status, answer) = trigger(
        &fx,
        json!({
            "family": "scheduled_deduct",
            "event_type": "ENTRUST.SIGN",
            "notify_url": merchant.url,
        }),
    );
    assert_eq!(status, 200, "{answer}");
    merchant.next(&fx.client());
    let id = answer["id"].as_str().expect("the delivery's id");
    let (status, page) = admin(&fx, "GET", "/sandbox/", None);
    assert_eq!(status, 200);
    assert!(page.contains(&format!("id=\"delivery-{id}\"")), "{page}");
}
