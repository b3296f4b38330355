//! Signing-result notifications end to end: the sandbox signs a session and posts WeChat Pay's
//! encrypted, signed notification to a real HTTP endpoint, which parses it with the library
//! (Rust API and C ABI) and answers; the sandbox retries on WeChat's schedule until a 2xx.

use crate::common;

use serde_json::{Value, json};
use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use wxpresign::ffi;
use wxpresign::verification::SignedHeaders;
use wxpresign_sandbox::http_server::{HttpServer, Reply};

const PARTNER_MINI_PROGRAM: &str =
    "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program";

/// One notification as the merchant's endpoint received it.
struct Received {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn signed_headers(&self) -> SignedHeaders {
        SignedHeaders::from_pairs(self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())))
            .expect("WeChat-style headers")
    }

    fn headers_json(&self) -> String {
        let map: serde_json::Map<String, Value> = self
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), Value::from(v.as_str())))
            .collect();
        Value::Object(map).to_string()
    }
}

/// A merchant notify endpoint on a loopback port: answers each delivery with the next status of
/// `statuses` (the last one repeats) and reports what it received.
struct Receiver {
    url: String,
    received: mpsc::Receiver<Received>,
    _server: HttpServer,
}

fn receiver(statuses: Vec<u16>) -> Receiver {
    let (tx, rx) = mpsc::channel();
    let answered = AtomicUsize::new(0);
    let server = HttpServer::bind("127.0.0.1:0", move |request| {
        let n = answered.fetch_add(1, Ordering::SeqCst);
        let _ = tx.send(Received {
            headers: request.headers,
            body: request.body,
        });
        Reply::new(statuses[n.min(statuses.len() - 1)], Vec::new(), Vec::new())
    })
    .expect("a loopback port");
    Receiver {
        url: format!("http://{}/wxpay/notify", server.addr()),
        received: rx,
        _server: server,
    }
}

impl Receiver {
    fn next(&self) -> Received {
        self.received
            .recv_timeout(Duration::from_secs(10))
            .expect("the sandbox delivered a notification")
    }
}

/// Opens a partner mini-program pre-sign session whose notify URL is `url`.
fn open_session(fixture: &common::Fixture, url: &str) -> (Value, String) {
    let mut request = common::example(PARTNER_MINI_PROGRAM);
    request["contract_notify_url"] = url.into();
    let answer = fixture
        .client()
        .call(PARTNER_MINI_PROGRAM, &request.to_string())
        .expect("the pre-sign call succeeds");
    let id = answer.data["pre_entrustweb_id"]
        .as_str()
        .expect("a session id")
        .to_owned();
    (request, id)
}

/// Waits until the sandbox reports the delivery in `state`.
fn wait_for_state(fixture: &common::Fixture, id: &str, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let session = fixture.sandbox.session(id).expect("the session is alive");
        let view = session.delivery.expect("the session was signed").to_json();
        if view["state"] == state || Instant::now() > deadline {
            return view;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn signed_session_notification_verifies_and_decrypts_with_the_library() {
    let fixture = common::sandbox();
    let merchant = receiver(vec![200]);
    let (request, id) = open_session(&fixture, &merchant.url);

    let started = fixture.sandbox.sign(&id, None).expect("the session signs");
    assert_eq!(started["event_type"], "ENTRUST.SIGN");
    assert_eq!(started["notify_url"], merchant.url.as_str());

    let delivered = merchant.next();
    let notification = fixture
        .client()
        .parse_notification(&delivered.signed_headers(), &delivered.body)
        .expect("the notification verifies and decrypts");
    assert_eq!(notification.event_type, "ENTRUST.SIGN");
    assert_eq!(notification.resource_type, "encrypt-resource");
    let resource = &notification.resource;
    assert_eq!(resource["contract_state"], "SIGNED");
    assert_eq!(resource["out_contract_code"], request["out_contract_code"]);
    assert_eq!(resource["plan_id"], request["plan_id"]);
    assert_eq!(resource["sub_mchid"], request["sub_mchid"]);
    assert_eq!(resource["sp_mchid"], fixture.config["mchid"]);
    assert_eq!(resource["contract_id"], started["contract_id"]);
    let body: Value = serde_json::from_slice(&delivered.body).unwrap();
    assert_eq!(body["resource"]["algorithm"], "AEAD_AES_256_GCM");
    assert!(
        body["resource"].get("contract_id").is_none(),
        "the resource travels encrypted"
    );

    let view = wait_for_state(&fixture, &id, "delivered");
    assert_eq!(view["attempts"].as_array().map(Vec::len), Some(1));
    assert_eq!(view["attempts"][0]["status"], 200);
}

#[test]
fn failed_deliveries_are_retried_on_the_schedule_until_a_2xx() {
    let fixture = common::sandbox();
    // One schedule second = 2 ms: retries after 15 and 15 "seconds" arrive after 30 and 60 ms.
    fixture.sandbox.set_retry_unit_ms(2);
    let merchant = receiver(vec![500, 404, 204]);
    let (_, id) = open_session(&fixture, &merchant.url);
    fixture.sandbox.sign(&id, None).expect("the session signs");

    let tries: Vec<Received> = (0..3).map(|_| merchant.next()).collect();
    assert_eq!(
        tries[0].body, tries[2].body,
        "every try carries the same notification"
    );
    let nonces: Vec<String> = tries
        .iter()
        .map(|t| t.signed_headers().nonce.unwrap_or_default())
        .collect();
    assert_ne!(nonces[0], nonces[1], "each try is signed afresh");
    for t in &tries {
        fixture
            .client()
            .parse_notification(&t.signed_headers(), &t.body)
            .expect("every try verifies");
    }

    let view = wait_for_state(&fixture, &id, "delivered");
    let attempts = view["attempts"].as_array().expect("attempts");
    let statuses: Vec<&Value> = attempts.iter().map(|a| &a["status"]).collect();
    assert_eq!(statuses, [&json!(500), &json!(404), &json!(204)]);
    let after: Vec<u64> = attempts
        .iter()
        .map(|a| a["after_ms"].as_u64().unwrap())
        .collect();
    assert!(
        after[1] >= 30 && after[2] >= 60,
        "retries follow the schedule: {after:?}"
    );
}

#[test]
fn c_abi_parses_a_delivered_notification_and_hands_out_the_answer() {
    let fixture = common::sandbox();
    let merchant = receiver(vec![200]);
    let (_, id) = open_session(&fixture, &merchant.url);
    fixture.sandbox.sign(&id, None).expect("the session signs");
    let delivered = merchant.next();

    let parse = |config: &Value, headers: &str, body: &[u8]| -> (ffi::wxpresign_status, Value) {
        let config = CString::new(config.to_string()).unwrap();
        let mut client = std::ptr::null_mut();
        let status = unsafe {
            ffi::wxpresign_client_new(config.as_ptr(), &mut client, std::ptr::null_mut())
        };
        assert_eq!(status, ffi::wxpresign_status::WXPRESIGN_OK);
        let headers = CString::new(headers).unwrap();
        let mut out = std::ptr::null_mut();
        let status = unsafe {
            ffi::wxpresign_notification_parse(
                client,
                headers.as_ptr(),
                body.as_ptr().cast(),
                body.len(),
                &mut out,
            )
        };
        let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
        unsafe {
            ffi::wxpresign_string_free(out);
            ffi::wxpresign_client_free(client);
        }
        (status, serde_json::from_str(&text).expect("JSON out"))
    };

    let (status, ok) = parse(&fixture.config, &delivered.headers_json(), &delivered.body);
    assert_eq!(status, ffi::wxpresign_status::WXPRESIGN_OK, "{ok}");
    assert_eq!(ok["event_type"], "ENTRUST.SIGN");
    assert_eq!(ok["resource"]["contract_state"], "SIGNED");
    assert_eq!(
        ok["answer"],
        json!({"status": 200, "headers": {}, "body": ""})
    );

    let mut wrong_key = fixture.config.clone();
    wrong_key["apiv3_key"] = "0123456789abcdef0123456789abcdef".into();
    let (status, err) = parse(&wrong_key, &delivered.headers_json(), &delivered.body);
    assert_eq!(status, ffi::wxpresign_status::WXPRESIGN_ERR_CRYPTO);
    assert_eq!(err["error"]["answer"]["status"], 500);
    assert_eq!(
        err["error"]["answer"]["body"],
        r#"{"code":"FAIL","message":"notification could not be processed"}"#
    );

    let mut tampered = delivered.body.clone();
    let last = tampered.len() - 3;
    tampered[last] ^= 1;
    let (status, err) = parse(&fixture.config, &delivered.headers_json(), &tampered);
    assert_eq!(status, ffi::wxpresign_status::WXPRESIGN_ERR_VERIFY);
    assert_eq!(err["error"]["answer"]["status"], 401);

    let (status, err) = parse(&fixture.config, "[1,2]", &delivered.body);
    assert_eq!(status, ffi::wxpresign_status::WXPRESIGN_ERR_ARGUMENT);
    assert_eq!(err["error"]["answer"]["status"], 400);
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("headers_json")
    );
}

#[test]
fn notification_parse_with_null_arguments_is_an_argument_error() {
    let fixture = common::sandbox();
    let config = CString::new(fixture.config.to_string()).unwrap();
    let mut client = std::ptr::null_mut();
    unsafe { ffi::wxpresign_client_new(config.as_ptr(), &mut client, std::ptr::null_mut()) };
    let headers = CString::new("{}").unwrap();
    let mut out = std::ptr::null_mut();
    let cases: [(
        *const ffi::wxpresign_client,
        *const libc::c_char,
        *const libc::c_char,
    ); 3] = [
        (std::ptr::null(), headers.as_ptr(), headers.as_ptr()),
        (client, std::ptr::null(), headers.as_ptr()),
        (client, headers.as_ptr(), std::ptr::null()),
    ];
    for (c, h, b) in cases {
        let status = unsafe { ffi::wxpresign_notification_parse(c, h, b, 2, &mut out) };
        assert_eq!(status, ffi::wxpresign_status::WXPRESIGN_ERR_ARGUMENT);
        let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
        unsafe { ffi::wxpresign_string_free(out) };
        assert!(text.contains("is NULL"), "{text}");
    }
    let status = unsafe {
        ffi::wxpresign_notification_parse(
            client,
            headers.as_ptr(),
            headers.as_ptr(),
            2,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(status, ffi::wxpresign_status::WXPRESIGN_ERR_ARGUMENT);
    unsafe { ffi::wxpresign_client_free(client) };
}

#[test]
fn admin_sign_route_delivers_to_an_override_url_and_refuses_what_it_cannot_sign() {
    let fixture = common::sandbox();
    let merchant = receiver(vec![200]);
    // The request's own notify URL points nowhere; the admin call redirects the delivery.
    let (_, id) = open_session(&fixture, "http://127.0.0.1:1/nowhere");
    let base = fixture.sandbox.base_url();
    let sign = |id: &str, body: Value| {
        ureq::Agent::from(
            ureq::config::Config::builder()
                .http_status_as_error(false)
                .build(),
        )
        .post(format!("{base}/sandbox/sessions/{id}/sign"))
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .expect("the sandbox answers")
    };

    let accepted = sign(&id, json!({ "notify_url": merchant.url }));
    assert_eq!(accepted.status().as_u16(), 202);
    let delivered = merchant.next();
    let n = fixture
        .client()
        .parse_notification(&delivered.signed_headers(), &delivered.body)
        .expect("verifies");
    assert_eq!(n.event_type, "ENTRUST.SIGN");

    assert_eq!(
        sign(&id, json!({})).status().as_u16(),
        409,
        "signed once only"
    );
    assert_eq!(sign("wxpe000000", json!({})).status().as_u16(), 404);
}

#[test]
fn each_family_sends_its_documented_event() {
    let fixture = common::sandbox();
    fixture.sandbox.set_retry_unit_ms(1);
    let merchant = receiver(vec![200]);
    let mut seen = Vec::new();
    for endpoint in wxpresign::endpoints::presigns() {
        let mut request: Value = serde_json::from_str(endpoint.example).unwrap();
        for url_field in ["contract_notify_url", "notify_url", "success_notify_url"] {
            if request.get(url_field).is_some() {
                request[url_field] = merchant.url.as_str().into();
            }
        }
        let answer = fixture
            .client()
            .call(endpoint.path, &request.to_string())
            .expect("the example succeeds");
        let Some(id) = fixture.sandbox.session_named(&answer.data) else {
            continue;
        };
        match fixture.sandbox.sign(&id, Some(&merchant.url)) {
            Ok(started) if started["event_type"].is_null() => assert!(
                started["note"]
                    .as_str()
                    .is_some_and(|n| n.contains("documents no signing notification")),
                "{}: {started}",
                endpoint.path
            ),
            Ok(started) => {
                let delivered = merchant.next();
                let n = fixture
                    .client()
                    .parse_notification(&delivered.signed_headers(), &delivered.body)
                    .expect("verifies and decrypts");
                assert_eq!(Value::from(n.event_type.clone()), started["event_type"]);
                seen.push((endpoint.path, n.event_type));
            }
            Err(e) => panic!("{}: {}", endpoint.path, e.message()),
        }
    }
    let event_of = |prefix: &str| {
        seen.iter()
            .find(|(p, _)| p.starts_with(prefix))
            .map(|(_, e)| e.as_str())
    };
    assert_eq!(
        event_of("v3/papay/scheduled-deduct-sign/"),
        Some("ENTRUST.SIGN")
    );
    assert_eq!(
        event_of("v3/papay/insurance-sign/"),
        Some("INSURANCE_ENTRUST.SIGN")
    );
    assert_eq!(event_of("v3/edu-papay/"), Some("ENTRUST.SIGNING"));
    assert_eq!(event_of("v3/global/papay/"), Some("PAPAY.SIGN"));
    assert_eq!(
        event_of("v3/credit-repayment/"),
        Some("CREDIT_REPAYMENT.SIGN_CONTRACT")
    );
    assert_eq!(
        event_of("v3/ecommerce/combine-papay/"),
        Some("ECOMMERCE_ENTRUST.SIGN")
    );
    assert_eq!(
        event_of("v3/offlineface/"),
        Some("FACEPAY.USER_STATE_CHANGE")
    );
    assert_eq!(event_of("v3/password-exempt-contract/"), None);
}

#[test]
fn insurance_notification_goes_to_the_contract_url_not_the_payment_url() {
    let fixture = common::sandbox();
    let merchant = receiver(vec![200]);
    let mut request = common::example(common::INSURANCE);
    request["transaction_notify_url"] = "http://127.0.0.1:1/payments".into();
    request["contract_notify_url"] = merchant.url.as_str().into();
    let answer = fixture
        .client()
        .call(common::INSURANCE, &request.to_string())
        .expect("the pre-sign call succeeds");
    let id = fixture
        .sandbox
        .session_named(&answer.data)
        .expect("the answer names its session");
    let started = fixture.sandbox.sign(&id, None).expect("the session signs");
    assert_eq!(started["notify_url"], merchant.url.as_str());
    let delivered = merchant.next();
    let n = fixture
        .client()
        .parse_notification(&delivered.signed_headers(), &delivered.body)
        .expect("verifies and decrypts");
    assert_eq!(n.event_type, "INSURANCE_ENTRUST.SIGN");
    assert_eq!(
        n.resource["insured_display_name"],
        request["insured_display_name"]
    );
}

#[test]
fn cross_border_deliveries_follow_their_page_s_schedule_and_give_up_after_nine_retries() {
    // "通知频率为15/15/30/180/1800/1800/1800/1800/3600,单位:秒"
    // (https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_5.shtml).
    let fixture = common::sandbox();
    fixture.sandbox.set_retry_unit_ms(1);
    let merchant = receiver(vec![500]);
    let path = "v3/global/papay/contracts/app-pre-entrust-sign";
    let mut request = common::example(path);
    request["success_notify_url"] = merchant.url.as_str().into();
    let answer = fixture
        .client()
        .call(path, &request.to_string())
        .expect("the pre-sign call succeeds");
    let id = fixture
        .sandbox
        .session_named(&answer.data)
        .expect("a session");
    fixture.sandbox.sign(&id, None).expect("the session signs");
    let deadline = Instant::now() + Duration::from_secs(30);
    let view = loop {
        let session = fixture.sandbox.session(&id).expect("the session is alive");
        let view = session.delivery.expect("signed").to_json();
        if view["state"] != "pending" || Instant::now() > deadline {
            break view;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(view["state"], "gave_up", "{view}");
    let after: Vec<u64> = view["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| a["after_ms"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(after.len(), 10, "the first try and nine retries: {after:?}");
    assert!(
        after[9] >= 9450,
        "the waits add up to 9450 schedule seconds: {after:?}"
    );
}

#[test]
fn each_family_retries_on_the_schedule_its_page_gives() {
    // The waits between deliveries, in seconds, from each product's notification page.
    let combine = [&[10, 10, 10, 30, 30, 30][..], &[300; 23][..]].concat(); // 4012881605
    let edu = [&[60; 10][..], &[300; 10][..]].concat(); // education-fee-payment/contracts-result-notification
    let cross_border = vec![15, 15, 30, 180, 1800, 1800, 1800, 1800, 3600]; // chapter5_1_5
    let fixture = common::sandbox();
    let merchant = receiver(vec![200]);
    for (path, expected) in [
        (
            "v3/ecommerce/combine-papay/contracts/pre-entrust-sign",
            combine,
        ),
        ("v3/edu-papay/contracts/presign", edu),
        (
            "v3/global/papay/contracts/app-pre-entrust-sign",
            cross_border,
        ),
    ] {
        let answer = fixture
            .client()
            .call(path, &common::example(path).to_string())
            .expect("the example succeeds");
        let id = fixture
            .sandbox
            .session_named(&answer.data)
            .expect("a session");
        let started = fixture
            .sandbox
            .sign(&id, Some(&merchant.url))
            .expect("signs");
        merchant.next();
        assert_eq!(started["retry_secs"], json!(expected), "{path}");
    }
}

/// Face pay's notification names the merchant's user and organization, which its pre-sign
/// request nests in `facepay_user`: FACEPAY.USER_STATE_CHANGE requires out_user_id and
/// organization_id (https://pay.weixin.qq.com/wiki/doc/wxfacepay/develop/offline-brushing.html).
#[test]
fn the_face_pay_notification_names_the_nested_user_and_organization() {
    let fixture = common::sandbox();
    fixture.sandbox.set_retry_unit_ms(1);
    let merchant = receiver(vec![200]);
    let endpoint = wxpresign::endpoints::find("v3/offlineface/contracts/presign").unwrap();
    let answer = fixture
        .client()
        .call(endpoint.path, endpoint.example)
        .expect("the example succeeds");
    let id = fixture
        .sandbox
        .session_named(&answer.data)
        .expect("a session");
    let started = fixture
        .sandbox
        .sign(&id, Some(&merchant.url))
        .expect("signs");
    let delivered = merchant.next();
    let n = fixture
        .client()
        .parse_notification(&delivered.signed_headers(), &delivered.body)
        .expect("verifies and decrypts");
    assert_eq!(n.event_type, "FACEPAY.USER_STATE_CHANGE");
    assert_eq!(n.resource["out_user_id"], "20200330tony");
    assert_eq!(n.resource["organization_id"], "18260256813396");
    assert_eq!(n.resource["contract_id"], started["contract_id"]);
}

/// A client for a fresh merchant, and a signing notification its WeChat Pay sealed and signed:
/// headers and body as delivered.
fn merchant_and_notification() -> (wxpresign::Client, SignedHeaders, Vec<u8>) {
    let (identity, key) = wxpresign_sandbox::Identity::generate().unwrap();
    let config = identity
        .client_config(&key, "https://api.mch.weixin.qq.com")
        .unwrap();
    let client = wxpresign::Client::from_json(&config.to_string()).unwrap();
    let resource =
        json!({ "mchid": identity.mchid, "contract_id": "c-1", "contract_state": "SIGNED" });
    let body = wxpresign_sandbox::Outgoing {
        id: "EV-2026120600000001",
        create_time: "2026-12-06T12:00:00+08:00",
        event_type: "ENTRUST.SIGN",
        summary: "签约成功",
        original_type: "papay",
        resource: &resource,
    }
    .seal(identity.apiv3_key.as_bytes(), "r3pl4yN0nce1")
    .unwrap();
    let headers = identity.signature_headers(body.as_bytes()).unwrap();
    let headers = SignedHeaders::from_pairs(headers.iter().map(|(n, v)| (*n, v.as_str()))).unwrap();
    (client, headers, body.into_bytes())
}

#[test]
fn a_notification_parsed_again_is_accepted_and_says_it_was_seen_before() {
    let (client, headers, body) = merchant_and_notification();
    let first = client.parse_notification(&headers, &body).unwrap();
    assert_eq!(
        first.to_json()["seen_before"],
        false,
        "{:?}",
        first.to_json()
    );
    let again = client.parse_notification(&headers, &body).unwrap();
    assert_eq!(
        again.to_json()["seen_before"],
        true,
        "{:?}",
        again.to_json()
    );
    assert_eq!(again.resource, first.resource);
    // Another merchant's client (another process, say) has not seen it.
    let (other, _, _) = merchant_and_notification();
    assert!(
        other.parse_notification(&headers, &body).is_err(),
        "not its key"
    );
}

#[test]
fn a_re_serialized_body_is_refused_with_the_advice_to_pass_the_raw_bytes() {
    let (client, headers, body) = merchant_and_notification();
    let parsed: Value = serde_json::from_slice(&body).unwrap();
    let re_encoded = serde_json::to_vec_pretty(&parsed).unwrap();
    let e = client
        .parse_notification(&headers, &re_encoded)
        .unwrap_err();
    assert!(
        e.message()
            .contains("pass the raw request body bytes as received"),
        "{e}"
    );
}
