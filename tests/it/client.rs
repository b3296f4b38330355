//! The library against the sandbox over real loopback sockets: every endpoint, and every
//! failure path a caller must be able to tell apart.

use crate::common;
use crate::tls_relay;

use common::{EDU, INSURANCE, edu_with_user, example, sandbox};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tls_relay::read_message;
use wxpresign::Kind;
use wxpresign::endpoints;

#[test]
fn every_presign_answers_with_a_verified_envelope() {
    let fx = sandbox();
    let client = fx.client();
    for endpoint in endpoints::presigns() {
        let response = client
            .call(endpoint.path, endpoint.example)
            .unwrap_or_else(|e| panic!("{}: {e}", endpoint.path));
        assert_eq!(response.status, 200, "{}", endpoint.path);
        let request_id = response.request_id.as_deref().unwrap_or("");
        assert!(
            request_id.ends_with("-0"),
            "{}: Request-ID {request_id}",
            endpoint.path
        );
        for name in endpoint.answer {
            assert!(
                response.data.get(*name).is_some(),
                "{}: answer lacks {name}: {}",
                endpoint.path,
                response.data
            );
        }
    }
}

#[test]
fn envelope_json_has_status_request_id_and_data() {
    let fx = sandbox();
    let envelope = fx
        .client()
        .call(EDU, &example(EDU).to_string())
        .expect("call succeeds")
        .to_json();
    assert_eq!(envelope["status"], 200);
    assert!(envelope["request_id"].is_string());
    assert!(
        envelope["data"]["presign_token"]
            .as_str()
            .is_some_and(|t| t.starts_with("presign_"))
    );
}

#[test]
fn path_with_leading_slash_is_accepted() {
    let fx = sandbox();
    assert!(
        fx.client()
            .call(&format!("/{EDU}"), &example(EDU).to_string())
            .is_ok()
    );
}

#[test]
fn partner_answer_echoes_identifiers() {
    let fx = sandbox();
    let path =
        "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign";
    let data = fx
        .client()
        .call(path, &example(path).to_string())
        .expect("call succeeds")
        .data;
    assert_eq!(data["mchid"], fx.sandbox.identity().mchid.as_str());
    assert_eq!(data["service_id"], 12535);
    assert_eq!(data["out_contract_code"], "wxwtdk20200910100002");
}

#[test]
fn insurance_identity_is_encrypted_on_the_wire_and_decrypted_by_the_sandbox() {
    let fx = sandbox();
    let data = fx
        .client()
        .call(INSURANCE, &example(INSURANCE).to_string())
        .expect("call succeeds")
        .data;
    let url = data["redirect_url"].as_str().expect("redirect_url");
    let id = url.rsplit('/').next().expect("session id");
    let session = fx.sandbox.session(id).expect("the session is remembered");
    // The sandbox only accepts the request after decrypting these with its private key.
    assert_eq!(session.request["real_identity"]["real_name"], "张三");
    assert_eq!(
        session.request["real_identity"]["id_card_number"],
        "110101199003074477"
    );
}

#[test]
fn unknown_endpoint_is_an_argument_error() {
    let fx = sandbox();
    let err = fx
        .client()
        .call("v3/papay/nope", "{}")
        .expect_err("unknown path");
    assert_eq!(err.kind(), Kind::Argument);
    assert!(err.message().contains("v3/papay/nope"));
}

#[test]
fn a_mistyped_endpoint_names_the_endpoint_meant() {
    let fx = sandbox();
    let err = fx
        .client()
        .call(
            "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/miniprogram",
            "{}",
        )
        .expect_err("no such endpoint");
    assert_eq!(err.kind(), Kind::Argument);
    assert!(
        err.message().contains(
            "did you mean v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/mini-program?"
        ),
        "{err}"
    );
}

#[test]
fn unparsable_request_is_an_argument_error() {
    let fx = sandbox();
    let err = fx.client().call(EDU, "{\"appid\":").expect_err("bad JSON");
    assert_eq!(err.kind(), Kind::Argument);
}

#[test]
fn duplicate_member_names_are_refused() {
    let fx = sandbox();
    let request = example(EDU)
        .to_string()
        .replacen('{', r#"{"appid":"wx0000000000000000","#, 1);
    let err = fx
        .client()
        .call(EDU, &request)
        .expect_err("ambiguous request");
    assert_eq!(err.kind(), Kind::Argument);
    assert!(err.message().contains("\"appid\" appears twice"), "{err}");
}

#[test]
fn validation_error_names_the_field_and_sends_nothing() {
    let fx = sandbox();
    let mut request =
        example("v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi");
    request["deduct_schedule"]["estimated_deduct_amount"]["total"] = json!(-5);
    let err = fx
        .client()
        .call(
            "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi",
            &request.to_string(),
        )
        .expect_err("negative amount");
    assert_eq!(err.kind(), Kind::Validation);
    assert_eq!(
        err.field(),
        Some("/deduct_schedule/estimated_deduct_amount/total")
    );
    assert_eq!(err.to_json()["error"]["may_have_reached_server"], false);
}

fn api_error(user_id: &str) -> wxpresign::Error {
    let fx = sandbox();
    fx.client()
        .call(EDU, &edu_with_user(user_id))
        .expect_err("fault selected")
}

#[test]
fn system_error_is_a_retryable_api_error_with_wechat_code() {
    let err = api_error("SANDBOXSYSTEMERROR");
    assert_eq!(err.kind(), Kind::Api);
    let json = err.to_json();
    assert_eq!(json["error"]["http_status"], 500);
    assert_eq!(json["error"]["code"], "SYSTEM_ERROR");
    assert_eq!(json["error"]["retryable"], true);
    assert!(
        json["error"]["request_id"]
            .as_str()
            .is_some_and(|id| id.ends_with("-268435456"))
    );
}

#[test]
fn rate_limit_and_unavailability_are_retryable() {
    for (fault, status) in [
        ("SANDBOXFREQUENCYLIMITED", 429),
        ("SANDBOXSERVICEUNAVAILABLE", 503),
    ] {
        let err = api_error(fault);
        assert_eq!((err.kind(), err.retryable()), (Kind::Api, true), "{fault}");
        assert_eq!(
            err.api_answer().map(|a| a.http_status),
            Some(status),
            "{fault}"
        );
    }
}

#[test]
fn html_gateway_error_is_parsed_leniently() {
    let err = api_error("SANDBOXBADGATEWAY");
    assert_eq!(err.kind(), Kind::Api);
    assert_eq!(err.api_answer().and_then(|a| a.code.as_deref()), None);
    assert!(
        err.api_answer()
            .and_then(|a| a.body.as_deref())
            .is_some_and(|b| b.contains("502 Bad Gateway"))
    );
}

#[test]
fn sandbox_param_error_detail_reaches_the_caller() {
    // With unknown fields allowed locally, the sandbox's own schema check answers 400 PARAM_ERROR.
    let fx = sandbox();
    let client = fx.client_with(json!({ "allow_unknown_fields": true }));
    let mut request = example(EDU);
    request["surprise"] = json!(1);
    let err = client
        .call(EDU, &request.to_string())
        .expect_err("the sandbox rejects unknown fields");
    assert_eq!(err.kind(), Kind::Api);
    let json = err.to_json();
    // WeChat Pay's own shape for members a page does not define.
    assert_eq!(json["error"]["code"], "PARAM_ERROR");
    assert_eq!(
        json["error"]["message"],
        "请求中含有未在API文档中定义的参数"
    );
    assert_eq!(json["error"]["detail"]["value"], json!(["/body/surprise"]));
    assert_eq!(json["error"]["detail"]["location"], Value::Null);
    assert_eq!(json["error"]["retryable"], false);
}

#[test]
fn each_bad_answer_is_a_verify_error() {
    let fx = sandbox();
    let client = fx.client();
    for (fault, expected) in [
        ("SANDBOXBADSIGNATURE", "does not match"),
        ("SANDBOXPROBE", "probe"),
        ("SANDBOXSTALE", "off the local clock"),
        ("SANDBOXUNKNOWNSERIAL", "names no configured key"),
        ("SANDBOXUNSIGNED", "no Wechatpay-Signature"),
        ("SANDBOXTAMPERED", "does not match"),
    ] {
        let err = client.call(EDU, &edu_with_user(fault)).expect_err(fault);
        assert_eq!(err.kind(), Kind::Verify, "{fault}: {err}");
        assert!(err.message().contains(expected), "{fault}: {err}");
        assert_eq!(
            err.to_json()["error"]["may_have_reached_server"],
            true,
            "{fault}"
        );
    }
}

#[test]
fn dropped_connection_is_a_transport_error_that_may_have_been_delivered() {
    let err = api_error("SANDBOXDROP");
    assert_eq!(err.kind(), Kind::Transport);
    assert_eq!(err.to_json()["error"]["may_have_reached_server"], true);
    assert!(err.retryable());
}

#[test]
fn refused_connection_is_a_transport_error_that_was_not_delivered() {
    let fx = sandbox();
    let client = fx.client_with(json!({ "base_url": "http://127.0.0.1:1" }));
    let err = client
        .call(EDU, &example(EDU).to_string())
        .expect_err("nothing listens on port 1");
    assert_eq!(err.kind(), Kind::Transport);
    assert_eq!(err.to_json()["error"]["may_have_reached_server"], false);
}

#[test]
fn a_silent_server_is_cut_off_at_timeout_ms() {
    let fx = sandbox();
    let client = fx.client_with(json!({ "timeout_ms": 300 }));
    let started = Instant::now();
    let err = client
        .call(EDU, &edu_with_user("SANDBOXSLOW3000"))
        .expect_err("slower than the timeout");
    let elapsed = started.elapsed();
    assert_eq!(err.kind(), Kind::Transport, "{err}");
    assert_eq!(err.to_json()["error"]["may_have_reached_server"], true);
    assert!(elapsed < Duration::from_millis(1500), "took {elapsed:?}");
}

#[test]
fn a_slow_answer_within_the_timeout_succeeds() {
    let fx = sandbox();
    assert!(
        fx.client()
            .call(EDU, &edu_with_user("SANDBOXSLOW200"))
            .is_ok()
    );
}

#[test]
fn certificate_mode_verifies_answers_signed_under_a_certificate_serial() {
    use wxpresign::keys::PrivateKey;
    use wxpresign_sandbox::{Identity, Sandbox};
    // The Go SDK's test key and its self-signed certificate D7CE59D1F522D701 (valid to 2031).
    let platform_key =
        PrivateKey::from_pem(include_str!("../data/go_test_private_key.pem"), "go key")
            .expect("vector key");
    let (mut identity, merchant_key) = Identity::generate().expect("keys");
    identity.platform_key = platform_key;
    identity.platform_serial = "D7CE59D1F522D701".into();
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").expect("port");
    let mut config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .expect("config");
    let object = config.as_object_mut().expect("object");
    object.remove("wechatpay_public_key_id");
    object.remove("wechatpay_public_key");
    object.insert(
        "platform_certificates".into(),
        json!([include_str!("../data/go_test_cert_D7CE59D1F522D701.pem")]),
    );
    let client =
        wxpresign::Client::from_json(&config.to_string()).expect("certificate-mode config");
    // The insurance call also encrypts under the certificate's key and names its serial.
    let response = client
        .call(INSURANCE, &example(INSURANCE).to_string())
        .expect("verified in certificate mode");
    assert!(response.data["redirect_url"].is_string());
}

#[test]
fn one_client_serves_many_threads() {
    let fx = sandbox();
    let client = fx.client();
    std::thread::scope(|scope| {
        for t in 0..4 {
            let client = &client;
            scope.spawn(move || {
                for i in 0..10 {
                    let user = format!("user{t}x{i}");
                    let response = client
                        .call(EDU, &edu_with_user(&user))
                        .expect("concurrent call");
                    assert!(response.data["presign_token"].is_string());
                }
            });
        }
    });
}

/// A loopback server that forwards the first request it reads to `upstream` and answers every
/// later one with the answer it got then: an attacker replaying a captured WeChat Pay answer.
fn replaying(upstream: std::net::SocketAddr) -> String {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let captured = std::sync::Arc::new(std::sync::Mutex::new(None::<Vec<u8>>));
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let (mut client, captured) = (client.unwrap(), captured.clone());
            std::thread::spawn(move || {
                while let Ok(Some(request)) = read_message(&mut client) {
                    let mut captured = captured.lock().unwrap();
                    let answer = captured.get_or_insert_with(|| {
                        let mut server = std::net::TcpStream::connect(upstream).unwrap();
                        server.write_all(&request).unwrap();
                        read_message(&mut server).unwrap().unwrap()
                    });
                    let _ = client.write_all(answer);
                }
            });
        }
    });
    url
}

#[test]
fn an_answer_replayed_to_a_later_request_is_refused() {
    let fx = sandbox();
    let client = fx.client_with(json!({ "base_url": replaying(fx.sandbox.addr()) }));
    client
        .call(EDU, &edu_with_user("replayed-1"))
        .expect("the first answer is WeChat Pay's own");
    let e = client.call(EDU, &edu_with_user("replayed-2")).unwrap_err();
    assert_eq!(e.kind(), Kind::Verify, "{e}");
    assert!(e.message().contains("replayed"), "{e}");
    assert_eq!(e.to_json()["error"]["may_have_reached_server"], true);
}
