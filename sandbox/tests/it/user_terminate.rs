//! The user ending a contract in WeChat, acted out on `POST /sandbox/contracts/{id}/
//! user-terminate`: WeChat Pay asks the merchant for a retention offer and whether the contract
//! may end (entrusted deduction's ENTRUST.TERMINATE_RETENTION and ENTRUST.TERMINATE_INQUIRY),
//! then ends it and notifies the merchant with the mode saying the user did it.

use crate::common;

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;
use wxpresign_sandbox::http_server::{HttpServer, Reply};

const DIRECT_APP: &str = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app";
const GLOBAL_APP: &str = "v3/global/papay/contracts/app-pre-entrust-sign";

/// A merchant's notify endpoint that answers each event type as `answers` says (a status, a
/// JSON body and a delay; 200 `{"code":"SUCCESS"}` at once for any other) and hands over what
/// it received.
struct Merchant {
    url: String,
    received: Receiver<common::Delivered>,
    _server: HttpServer,
}

fn merchant(answers: Value) -> Merchant {
    let (tx, rx) = channel();
    let server = HttpServer::bind("127.0.0.1:0", move |request| {
        let envelope: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let answer = &answers[envelope["event_type"].as_str().unwrap_or("")];
        if let Some(ms) = answer["delay_ms"].as_u64() {
            std::thread::sleep(Duration::from_millis(ms));
        }
        let _ = tx.send((request.headers, request.body));
        let status = answer["status"].as_u64().unwrap_or(200) as u16;
        let body = answer
            .get("body")
            .cloned()
            .unwrap_or(json!({"code": "SUCCESS"}));
        Reply::new(status, Vec::new(), body.to_string().into_bytes())
    })
    .expect("a loopback port");
    Merchant {
        url: format!("http://{}/notify", server.addr()),
        received: rx,
        _server: server,
    }
}

impl Merchant {
    /// The next notification, verified and decrypted: its event type and resource.
    fn next(&self, fx: &common::Fixture) -> (String, Value) {
        let (headers, body) = self
            .received
            .recv_timeout(Duration::from_secs(10))
            .expect("a notification arrives");
        let headers = wxpresign::verification::SignedHeaders::from_pairs(
            headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        )
        .expect("WeChat-style headers");
        let notification = fx
            .client()
            .parse_notification(&headers, &body)
            .expect("it verifies and decrypts");
        (notification.event_type, notification.resource)
    }

    /// Whether nothing more comes within half a second.
    fn quiet(&self) -> bool {
        self.received
            .recv_timeout(Duration::from_millis(500))
            .is_err()
    }
}

/// A contract signed through `presign`'s example with its notifications going to `merchant`,
/// the signing notification taken: its id and pre-sign request.
fn signed(fx: &common::Fixture, merchant: &Merchant, presign: &str) -> (String, Value) {
    let request = common::example(presign);
    let answer = fx
        .client()
        .call(presign, &request.to_string())
        .expect("the pre-sign succeeds");
    let session = fx.sandbox.session_named(&answer.data).expect("a session");
    let signed = fx
        .sandbox
        .sign(&session, Some(&merchant.url))
        .expect("it signs");
    merchant.next(fx);
    (signed["contract_id"].as_str().unwrap().to_owned(), request)
}

/// `POST /sandbox/contracts/{id}/user-terminate` with `headers` (each ending in CRLF) and
/// `body`: the status and the JSON answer.
fn user_terminates(fx: &common::Fixture, id: &str, headers: &str, body: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(fx.sandbox.addr()).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let request = format!(
        "POST /sandbox/contracts/{id}/user-terminate HTTP/1.1\r\nHost: {}\r\n{headers}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        fx.sandbox.addr(),
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("writes");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok());
    (
        status.unwrap_or(0),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

const JSON: &str = "Content-Type: application/json\r\n";

/// The direct entrusted contract's query by code.
fn queried(fx: &common::Fixture, request: &Value) -> Value {
    let target = format!(
        "/v3/papay/sign/contracts/plan-id/{}/out-contract-code/{}",
        request["plan_id"],
        request["out_contract_code"].as_str().unwrap()
    );
    fx.client()
        .request("GET", &target, None)
        .expect("the query answers")
        .data
}

#[test]
fn a_user_termination_asks_for_retention_then_inquires_then_ends_the_contract_as_the_users() {
    let fx = common::sandbox();
    let merchant = merchant(json!({}));
    let (id, request) = signed(&fx, &merchant, DIRECT_APP);

    let (status, report) = user_terminates(&fx, &id, JSON, "{}");
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["state"], "TERMINATED", "{report}");

    let (retention, asked) = merchant.next(&fx);
    assert_eq!(retention, "ENTRUST.TERMINATE_RETENTION");
    assert_eq!(asked["contract_id"], id.as_str());
    let (inquiry, asked) = merchant.next(&fx);
    assert_eq!(inquiry, "ENTRUST.TERMINATE_INQUIRY");
    assert_eq!(asked["out_contract_code"], request["out_contract_code"]);
    let (terminated, resource) = merchant.next(&fx);
    assert_eq!(terminated, "ENTRUST.TERMINATE");
    assert_eq!(resource["contract_state"], "TERMINATED", "{resource}");
    assert_eq!(
        resource["contract_terminate_info"]["contract_termination_mode"], "USER_TERMINATE",
        "{resource}"
    );

    let answer = queried(&fx, &request);
    assert_eq!(answer["contract_state"], "TERMINATED", "{answer}");
    assert_eq!(
        answer["contract_terminate_info"]["contract_termination_mode"], "USER_TERMINATE",
        "{answer}"
    );
}

#[test]
fn a_merchant_answering_the_inquiry_fail_keeps_the_contract_in_force() {
    let fx = common::sandbox();
    let merchant = merchant(json!({
        "ENTRUST.TERMINATE_INQUIRY": { "body": { "code": "FAIL", "message": "欠费未结清" } }
    }));
    let (id, request) = signed(&fx, &merchant, DIRECT_APP);

    let (status, report) = user_terminates(&fx, &id, "", "");
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["state"], "SIGNED", "{report}");
    assert_eq!(report["inquiry"]["answer"]["code"], "FAIL", "{report}");

    merchant.next(&fx);
    merchant.next(&fx);
    assert!(merchant.quiet(), "no termination notification");
    assert_eq!(queried(&fx, &request)["contract_state"], "SIGNED");
}

#[test]
fn an_inquiry_the_merchant_does_not_answer_lets_the_user_end_the_contract() {
    let fx = common::sandbox();
    let merchant = merchant(json!({ "ENTRUST.TERMINATE_INQUIRY": { "status": 500, "body": {} } }));
    let (id, request) = signed(&fx, &merchant, DIRECT_APP);

    let (_, report) = user_terminates(&fx, &id, JSON, "{}");
    assert_eq!(report["state"], "TERMINATED", "{report}");
    assert_eq!(queried(&fx, &request)["contract_state"], "TERMINATED");
}

#[test]
fn a_retention_offer_the_user_takes_keeps_the_contract_and_asks_nothing_more() {
    let fx = common::sandbox();
    let offer = json!({
        "code": "SUCCESS", "retention_type": "COUPON",
        "coupon_info": { "state": "SEND_COUPON", "coupon_id": "98765" }
    });
    let merchant = merchant(json!({ "ENTRUST.TERMINATE_RETENTION": { "body": offer } }));
    let (id, _) = signed(&fx, &merchant, DIRECT_APP);

    let (_, report) = user_terminates(&fx, &id, JSON, r#"{"accepts_retention": true}"#);
    assert_eq!(report["state"], "SIGNED", "{report}");
    assert_eq!(report["retention"]["heeded"], true, "{report}");
    assert_eq!(merchant.next(&fx).0, "ENTRUST.TERMINATE_RETENTION");
    assert!(merchant.quiet(), "no inquiry once the user stays");
}

#[test]
fn a_retention_offer_later_than_one_second_is_not_shown() {
    let fx = common::sandbox();
    let offer = json!({ "code": "SUCCESS", "retention_type": "COUPON" });
    let merchant = merchant(json!({
        "ENTRUST.TERMINATE_RETENTION": { "body": offer, "delay_ms": 1500 }
    }));
    let (id, _) = signed(&fx, &merchant, DIRECT_APP);

    let (_, report) = user_terminates(&fx, &id, JSON, r#"{"accepts_retention": true}"#);
    assert_eq!(report["retention"]["heeded"], false, "{report}");
    assert_eq!(report["state"], "TERMINATED", "{report}");
}

#[test]
fn a_cross_border_user_termination_says_user_in_the_notification_and_the_query() {
    let fx = common::sandbox();
    let merchant = merchant(json!({}));
    let (id, request) = signed(&fx, &merchant, GLOBAL_APP);

    let (_, report) = user_terminates(&fx, &id, JSON, "{}");
    assert_eq!(report["state"], "TERMINATED", "{report}");
    assert!(report.get("inquiry").is_none(), "{report}");
    let (event, resource) = merchant.next(&fx);
    assert_eq!(event, "PAPAY.TERMINATE");
    assert_eq!(resource["contract_termination_mode"], "USER", "{resource}");
    let target = format!(
        "/v3/global/papay/contracts/{id}?appid={}",
        request["appid"].as_str().unwrap()
    );
    let answer = fx.client().request("GET", &target, None).unwrap().data;
    assert_eq!(answer["termination_mode"], "USER", "{answer}");
}

#[test]
fn a_user_termination_from_another_site_is_refused() {
    let fx = common::sandbox();
    let merchant = merchant(json!({}));
    let (id, _) = signed(&fx, &merchant, DIRECT_APP);
    let (status, refused) = user_terminates(&fx, &id, "Origin: https://evil.example\r\n", "");
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["code"], "CROSS_SITE_REFUSED");
    let (status, refused) = user_terminates(&fx, &id, "Content-Type: text/plain\r\n", "{}");
    assert_eq!(status, 415, "{refused}");
}

#[test]
fn a_contract_already_terminated_or_unknown_is_refused() {
    let fx = common::sandbox();
    let merchant = merchant(json!({}));
    let (id, _) = signed(&fx, &merchant, GLOBAL_APP);
    assert_eq!(user_terminates(&fx, &id, JSON, "{}").0, 200);
    let (status, refused) = user_terminates(&fx, &id, JSON, "{}");
    assert_eq!(
        (status, refused["code"].as_str()),
        (400, Some("INVALID_REQUEST"))
    );
    let (status, _) = user_terminates(&fx, "nosuchcontract", JSON, "{}");
    assert_eq!(status, 404);
    let (status, refused) = user_terminates(&fx, &id, JSON, r#"{"inquiry": "no"}"#);
    assert_eq!(status, 400, "{refused}");
}
