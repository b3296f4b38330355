//! The calls on a contract as they leave the library, seen on a real socket: the path
//! parameters encoded into the path, the query members in the query string, the body without
//! them, and the signature over the final path and query; a concrete path called as the
//! template it fills.

use crate::recorder::{Received, Recorder};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use wxpresign::Kind;
use wxpresign::error::Delivery;
use wxpresign_sandbox::Authorization;

const PARTNER_QUERY: &str = "v3/papay/pay/partner/schedules/contract-id/{contract_id}";
const NOTIFY: &str = "v3/papay/contracts/{contract_id}/notify";

fn notice(contract_id: &str) -> Value {
    json!({
        "contract_id": contract_id,
        "mchid": "1230000109",
        "appid": "wxd678efh567hg6787",
        "estimated_amount": {"amount": 1, "currency": "CNY"}
    })
}

fn one(listener: &Recorder) -> Received {
    let mut arrived = listener.take();
    assert_eq!(arrived.len(), 1, "{arrived:?}");
    arrived.remove(0)
}

/// Whether `received` carries a valid signature of the merchant over what arrived, the message
/// built here as the APIv3 pages give it: method, target, timestamp, nonce and body, each
/// followed by a line feed.
fn signed_over_what_arrived(listener: &Recorder, received: &Received) -> bool {
    let header = received.header("authorization").expect("an Authorization");
    let auth = Authorization::parse(header).expect("parses");
    let message = format!(
        "{}\n{}\n{}\n{}\n{}\n",
        received.method,
        received.target,
        auth.timestamp,
        auth.nonce_str,
        String::from_utf8_lossy(&received.body)
    );
    let signature = STANDARD.decode(&auth.signature).expect("base64");
    listener
        .merchant_public_key
        .verify_sha256(message.as_bytes(), &signature)
}

#[test]
fn a_get_signs_its_final_path_and_query_and_sends_no_body() {
    let listener = Recorder::start();
    let answer = listener
        .client()
        .call(
            PARTNER_QUERY,
            &json!({"contract_id": "Wx 1", "sub_mchid": "1900 0109"}).to_string(),
        )
        .expect("answered");
    assert_eq!(answer.status, 200);
    let received = one(&listener);
    assert_eq!(
        (received.method.as_str(), received.target.as_str()),
        (
            "GET",
            "/v3/papay/pay/partner/schedules/contract-id/Wx%201?sub_mchid=1900%200109"
        )
    );
    assert!(received.body.is_empty());
    assert_eq!(received.header("content-type"), None);
    assert!(signed_over_what_arrived(&listener, &received));
}

#[test]
fn a_notice_answered_204_gives_null_data_and_its_body_lacks_the_contract_id() {
    let listener = Recorder::start();
    listener.answer_with(204);
    let answer = listener
        .client()
        .call(NOTIFY, &notice("123124412412423431").to_string())
        .expect("answered");
    assert_eq!((answer.status, answer.data.clone()), (204, Value::Null));
    let received = one(&listener);
    assert_eq!(
        received.target,
        "/v3/papay/contracts/123124412412423431/notify"
    );
    let body: Value = serde_json::from_slice(&received.body).expect("JSON");
    assert_eq!(body.get("contract_id"), None);
    assert_eq!(body["mchid"], "1230000109");
    assert!(signed_over_what_arrived(&listener, &received));
}

#[test]
fn a_concrete_path_is_called_as_the_template_it_fills() {
    let listener = Recorder::start();
    listener.answer_with(204);
    let mut request = notice("ignored");
    request
        .as_object_mut()
        .expect("an object")
        .remove("contract_id");
    listener
        .client()
        .call("/v3/papay/contracts/Wx%2015/notify", &request.to_string())
        .expect("answered");
    assert_eq!(one(&listener).target, "/v3/papay/contracts/Wx%2015/notify");
}

#[test]
fn a_concrete_path_and_a_request_that_disagree_on_a_parameter_are_refused_unsent() {
    let listener = Recorder::start();
    let e = listener
        .client()
        .call("v3/papay/contracts/111/notify", &notice("222").to_string())
        .expect_err("two contract ids");
    assert_eq!(
        (e.kind(), e.field(), e.delivery()),
        (Kind::Validation, Some("/contract_id"), Delivery::NotSent)
    );
    assert!(listener.take().is_empty());
}

#[test]
fn a_parameter_that_would_change_the_path_is_refused_naming_it_and_nothing_is_sent() {
    let listener = Recorder::start();
    let client = listener.client();
    for bad in ["", ".", "..", "1/../2", "1\\2"] {
        let e = client
            .call(NOTIFY, &notice(bad).to_string())
            .expect_err("refused");
        assert_eq!(
            (e.kind(), e.field(), e.delivery()),
            (Kind::Validation, Some("/contract_id"), Delivery::NotSent),
            "{bad:?}: {e}"
        );
    }
    assert!(listener.take().is_empty());
}

#[test]
fn a_percent_in_a_parameter_is_sent_encoded_not_decoded_into_a_separator() {
    let listener = Recorder::start();
    listener.answer_with(204);
    listener
        .client()
        .call(NOTIFY, &notice("1%2F2").to_string())
        .expect("answered");
    assert_eq!(one(&listener).target, "/v3/papay/contracts/1%252F2/notify");
}

#[test]
fn a_mistyped_deduction_path_is_unknown_and_not_taken_for_a_presign() {
    let listener = Recorder::start();
    let e = listener
        .client()
        .call("v3/papay/pay/schedules/contract-id/1/schedul", "{}")
        .expect_err("unknown");
    assert_eq!(e.kind(), Kind::Argument);
    assert!(!e.to_string().contains("did you mean"), "{e}");
    assert!(listener.take().is_empty());
}

#[test]
fn a_concrete_path_gives_an_integer_parameter_as_the_number_the_schema_wants() {
    let listener = Recorder::start();
    listener.answer_with(200);
    listener
        .client()
        .call(
            "v3/papay/insurance-pay/policy-periods/contract-id/1231/policy-period-id/2/schedule",
            r#"{"appid":"wxd678efh567hg6787","scheduled_amount":{"total":10000}}"#,
        )
        .expect("answered");
    let arrived = one(&listener);
    assert_eq!(
        arrived.target,
        "/v3/papay/insurance-pay/policy-periods/contract-id/1231/policy-period-id/2/schedule"
    );
}
