//! The sandbox is as strict as WeChat Pay: hand-built requests that break one rule each.

use crate::common;

use common::{EDU, Fixture, INSURANCE, example, sandbox};
use serde_json::Value;
use wxpresign::signing::{Signer, nonce, response_message, unix_now};

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
    raw: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

fn signer(fx: &Fixture) -> Signer {
    let key = wxpresign::keys::PrivateKey::from_pem(
        &fx.merchant_key.to_pkcs8_pem().expect("pem"),
        "merchant",
    )
    .expect("reloads");
    Signer::new(
        fx.sandbox.identity().mchid.clone(),
        fx.sandbox.identity().merchant_serial_no.clone(),
        key,
    )
}

fn authorization(fx: &Fixture, url: &str, body: &[u8]) -> String {
    signer(fx)
        .authorization(
            "POST",
            url,
            unix_now(),
            &nonce().expect("random bytes"),
            body,
        )
        .expect("signs")
}

fn send(
    fx: &Fixture,
    method: &str,
    url: &str,
    headers: &[(&'static str, String)],
    body: &[u8],
) -> Answer {
    let full = format!("{}{url}", fx.sandbox.base_url());
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut request = match method {
        "GET" => agent.get(full).force_send_body(),
        _ => agent.post(full),
    };
    for (name, value) in headers {
        request = request.header(*name, value.as_str());
    }
    let response = request.send(body).expect("the sandbox answers");
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let raw = response.into_body().read_to_vec().expect("body");
    let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
        raw,
    }
}

fn standard_headers(authorization: String) -> Vec<(&'static str, String)> {
    vec![
        ("Authorization", authorization),
        ("Accept", "application/json".into()),
        ("Content-Type", "application/json".into()),
        ("User-Agent", "sandbox-test/1".into()),
    ]
}

/// A correctly signed POST of `body` to the edu endpoint, with `edit` applied to the headers.
fn post_edu(
    fx: &Fixture,
    body: &[u8],
    edit: impl FnOnce(&mut Vec<(&'static str, String)>),
) -> Answer {
    let url = format!("/{EDU}");
    let mut headers = standard_headers(authorization(fx, &url, body));
    edit(&mut headers);
    send(fx, "POST", &url, &headers, body)
}

fn edu_body() -> Vec<u8> {
    example(EDU).to_string().into_bytes()
}

fn set(headers: &mut Vec<(&'static str, String)>, name: &'static str, value: &str) {
    headers.retain(|(n, _)| *n != name);
    headers.push((name, value.to_owned()));
}

fn remove(headers: &mut Vec<(&'static str, String)>, name: &str) {
    headers.retain(|(n, _)| *n != name);
}

fn assert_sign_error(answer: &Answer) {
    assert_eq!(
        (answer.status, answer.code()),
        (401, "SIGN_ERROR"),
        "{}",
        answer.body
    );
    assert!(answer.header("Request-ID").is_some());
    assert!(
        answer.header("Wechatpay-Signature").is_none(),
        "errors are not signed"
    );
}

#[test]
fn correctly_signed_request_gets_a_signed_answer_with_all_headers() {
    let fx = sandbox();
    let answer = post_edu(&fx, &edu_body(), |_| {});
    assert_eq!(answer.status, 200, "{}", answer.body);
    for name in [
        "Request-ID",
        "Wechatpay-Timestamp",
        "Wechatpay-Nonce",
        "Wechatpay-Serial",
        "Wechatpay-Signature",
    ] {
        assert!(answer.header(name).is_some(), "missing {name}");
    }
    assert_eq!(
        answer.header("Wechatpay-Signature-Type"),
        Some("WECHATPAY2-SHA256-RSA2048")
    );
    assert_eq!(
        answer.header("Wechatpay-Serial"),
        Some(fx.sandbox.identity().platform_serial.as_str())
    );
}

#[test]
fn missing_authorization_is_sign_error() {
    let fx = sandbox();
    assert_sign_error(&post_edu(&fx, &edu_body(), |h| remove(h, "Authorization")));
}

/// A correctly signed edu request whose Authorization header is rewritten by `edit`.
fn post_edu_with_authorization(fx: &Fixture, edit: impl FnOnce(&str) -> String) -> Answer {
    post_edu(fx, &edu_body(), |h| {
        let auth = h
            .iter()
            .find(|(n, _)| *n == "Authorization")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        set(h, "Authorization", &edit(&auth));
    })
}

#[test]
fn other_scheme_is_sign_error() {
    let fx = sandbox();
    assert_sign_error(&post_edu_with_authorization(&fx, |auth| {
        auth.replacen("WECHATPAY2-SHA256-RSA2048", "WECHATPAY2-SM2-WITH-SM3", 1)
    }));
}

#[test]
fn missing_attribute_is_sign_error() {
    let fx = sandbox();
    assert_sign_error(&post_edu_with_authorization(&fx, |auth| {
        auth.split(',')
            .filter(|p| !p.contains("nonce_str="))
            .collect::<Vec<_>>()
            .join(",")
    }));
}

#[test]
fn unknown_merchant_or_serial_is_sign_error() {
    let fx = sandbox();
    let url = format!("/{EDU}");
    let body = edu_body();
    let key = || {
        wxpresign::keys::PrivateKey::from_pem(&fx.merchant_key.to_pkcs8_pem().expect("pem"), "k")
            .expect("k")
    };
    for signer in [
        Signer::new(
            "1900000001".into(),
            fx.sandbox.identity().merchant_serial_no.clone(),
            key(),
        ),
        Signer::new(
            fx.sandbox.identity().mchid.clone(),
            "ABCDEF0123456789".into(),
            key(),
        ),
    ] {
        let auth = signer
            .authorization(
                "POST",
                &url,
                unix_now(),
                &nonce().expect("random bytes"),
                &body,
            )
            .expect("signs");
        assert_sign_error(&send(&fx, "POST", &url, &standard_headers(auth), &body));
    }
}

#[test]
fn timestamp_older_than_five_minutes_is_sign_error() {
    let fx = sandbox();
    let url = format!("/{EDU}");
    let body = edu_body();
    let auth = signer(&fx)
        .authorization(
            "POST",
            &url,
            unix_now() - 301,
            &nonce().expect("random bytes"),
            &body,
        )
        .expect("signs");
    let answer = send(&fx, "POST", &url, &standard_headers(auth), &body);
    assert_sign_error(&answer);
    assert!(
        answer.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("5分钟"))
    );
}

#[test]
fn replayed_nonce_is_sign_error() {
    let fx = sandbox();
    let url = format!("/{EDU}");
    let body = edu_body();
    let headers = standard_headers(authorization(&fx, &url, &body));
    assert_eq!(send(&fx, "POST", &url, &headers, &body).status, 200);
    assert_sign_error(&send(&fx, "POST", &url, &headers, &body));
}

#[test]
fn signature_over_other_bytes_is_sign_error() {
    let fx = sandbox();
    let url = format!("/{EDU}");
    let signed = edu_body();
    let mut sent = example(EDU);
    sent["user_id"] = "someone_else".into();
    let answer = send(
        &fx,
        "POST",
        &url,
        &standard_headers(authorization(&fx, &url, &signed)),
        sent.to_string().as_bytes(),
    );
    assert_sign_error(&answer);
}

#[test]
fn signature_must_cover_the_query_string() {
    let fx = sandbox();
    let body = edu_body();
    let signed_without_query = authorization(&fx, &format!("/{EDU}"), &body);
    let answer = send(
        &fx,
        "POST",
        &format!("/{EDU}?mchid=1"),
        &standard_headers(signed_without_query),
        &body,
    );
    assert_sign_error(&answer);
    let url = format!("/{EDU}?mchid=1");
    let signed_with_query = authorization(&fx, &url, &body);
    assert_eq!(
        send(
            &fx,
            "POST",
            &url,
            &standard_headers(signed_with_query),
            &body
        )
        .status,
        200
    );
}

/// Sends a request with exactly the given header lines (HTTP clients add Accept and
/// User-Agent on their own, so absence needs a raw socket); returns the raw answer.
fn raw_post(fx: &Fixture, url: &str, header_lines: &[String], body: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(fx.sandbox.addr()).expect("connects");
    let mut request = format!(
        "POST {url} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        fx.sandbox.addr()
    );
    for line in header_lines {
        request.push_str(&format!("{line}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(request.as_bytes()).expect("writes");
    stream.write_all(body).expect("writes body");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("reads");
    answer
}

#[test]
fn missing_accept_or_user_agent_is_invalid_request() {
    let fx = sandbox();
    let url = format!("/{EDU}");
    let body = edu_body();
    for omitted in ["Accept", "User-Agent"] {
        let mut lines = vec![
            format!("Authorization: {}", authorization(&fx, &url, &body)),
            "Content-Type: application/json".to_owned(),
        ];
        if omitted != "Accept" {
            lines.push("Accept: application/json".to_owned());
        }
        if omitted != "User-Agent" {
            lines.push("User-Agent: raw-test/1".to_owned());
        }
        let answer = raw_post(&fx, &url, &lines, &body);
        assert!(
            answer.starts_with("HTTP/1.1 400"),
            "without {omitted}: {answer}"
        );
        assert!(
            answer.contains("INVALID_REQUEST"),
            "without {omitted}: {answer}"
        );
    }
}

#[test]
fn content_type_other_than_json_is_invalid_request() {
    let fx = sandbox();
    let answer = post_edu(&fx, &edu_body(), |h| set(h, "Content-Type", "text/plain"));
    assert_eq!((answer.status, answer.code()), (400, "INVALID_REQUEST"));
    let answer = post_edu(&fx, &edu_body(), |h| {
        set(h, "Content-Type", "application/json; charset=utf-8")
    });
    assert_eq!(answer.status, 200);
}

#[test]
fn four_byte_characters_or_invalid_utf8_are_invalid_request() {
    let fx = sandbox();
    let mut emoji = example(EDU);
    emoji["user_id"] = "tony😀".into();
    let answer = post_edu(&fx, emoji.to_string().as_bytes(), |_| {});
    assert_eq!((answer.status, answer.code()), (400, "INVALID_REQUEST"));
    let mut latin1 = edu_body();
    latin1.extend_from_slice(b"\xff");
    let answer = post_edu(&fx, &latin1, |_| {});
    assert_eq!((answer.status, answer.code()), (400, "INVALID_REQUEST"));
}

#[test]
fn schema_violation_is_param_error_with_detail() {
    let fx = sandbox();
    let mut request = example(EDU);
    request["period_start_date"] = "19/03/2026".into();
    let answer = post_edu(&fx, request.to_string().as_bytes(), |_| {});
    assert_eq!((answer.status, answer.code()), (400, "PARAM_ERROR"));
    assert_eq!(answer.body["detail"]["field"], "/period_start_date");
    assert_eq!(answer.body["detail"]["value"], "19/03/2026");
    assert_eq!(answer.body["detail"]["location"], "body");
    assert!(
        answer.body["detail"]["issue"]
            .as_str()
            .is_some_and(|i| i.contains("yyyy-MM-dd"))
    );
}

#[test]
fn encrypted_endpoint_needs_the_sandbox_serial() {
    let fx = sandbox();
    let url = format!("/{INSURANCE}");
    let body = example(INSURANCE).to_string().into_bytes();
    let answer = send(
        &fx,
        "POST",
        &url,
        &standard_headers(authorization(&fx, &url, &body)),
        &body,
    );
    assert_eq!((answer.status, answer.code()), (400, "PARAM_ERROR"));
    assert_eq!(answer.body["detail"]["field"], "Wechatpay-Serial");
    assert_eq!(answer.body["detail"]["location"], "header");
}

#[test]
fn plaintext_where_ciphertext_belongs_is_param_error_naming_the_field() {
    let fx = sandbox();
    let url = format!("/{INSURANCE}");
    let body = example(INSURANCE).to_string().into_bytes();
    let mut headers = standard_headers(authorization(&fx, &url, &body));
    headers.push((
        "Wechatpay-Serial",
        fx.sandbox.identity().platform_serial.clone(),
    ));
    let answer = send(&fx, "POST", &url, &headers, &body);
    assert_eq!((answer.status, answer.code()), (400, "PARAM_ERROR"));
    assert_eq!(answer.body["detail"]["field"], "/real_identity/real_name");
}

#[test]
fn unknown_path_is_404_and_wrong_method_is_405() {
    let fx = sandbox();
    let answer = post_edu(&fx, &edu_body(), |_| {});
    assert_eq!(answer.status, 200);
    let url = "/v3/papay/no-such-endpoint";
    let body = edu_body();
    assert_eq!(
        send(
            &fx,
            "POST",
            url,
            &standard_headers(authorization(&fx, url, &body)),
            &body
        )
        .status,
        404
    );
    assert_eq!(send(&fx, "GET", &format!("/{EDU}"), &[], b"").status, 405);
}

#[test]
fn sessions_are_remembered_with_their_validity() {
    let fx = sandbox();
    let path = "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program";
    let data = fx
        .client()
        .call(path, &example(path).to_string())
        .expect("call")
        .data;
    let id = data["pre_entrustweb_id"].as_str().expect("id");
    let session = fx.sandbox.session(id).expect("remembered");
    let left = session
        .expires
        .saturating_duration_since(std::time::Instant::now())
        .as_secs();
    assert!((590..=600).contains(&left), "10 minutes, {left} s left");
    let redirect = fx
        .client()
        .call(
            "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign",
            &example("v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign")
                .to_string(),
        )
        .expect("call");
    assert!(redirect.data["out_contract_code"].is_string());
}

/// Writes `bytes` to a fresh file under the system temp dir.
fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wxpresign-sandbox-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

fn openssl(args: &[&str]) -> Option<Vec<u8>> {
    let out = std::process::Command::new("openssl")
        .args(args)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

#[test]
fn request_signed_by_openssl_is_accepted_and_its_answer_verifies_with_openssl() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    if openssl(&["version"]).is_none() {
        eprintln!("openssl is not installed: skipping the independent-signer check");
        return;
    }
    let fx = sandbox();
    let url = format!("/{EDU}");
    let body = edu_body();
    let (ts, nonce) = (unix_now(), "593BEC0C930BF1AFEB40B4A08C8FB242".to_owned());
    let message = format!(
        "POST\n{url}\n{ts}\n{nonce}\n{}\n",
        String::from_utf8_lossy(&body)
    );
    let key = temp_file(
        "merchant.pem",
        fx.merchant_key.to_pkcs8_pem().expect("pem").as_bytes(),
    );
    let msg = temp_file("request.txt", message.as_bytes());
    let signature = openssl(&[
        "dgst",
        "-sha256",
        "-sign",
        key.to_str().expect("utf8"),
        msg.to_str().expect("utf8"),
    ])
    .expect("openssl signs");
    let id = fx.sandbox.identity();
    let auth = format!(
        "WECHATPAY2-SHA256-RSA2048 mchid=\"{}\",serial_no=\"{}\",timestamp=\"{ts}\",nonce_str=\"{nonce}\",signature=\"{}\"",
        id.mchid,
        id.merchant_serial_no,
        b64.encode(signature)
    );
    let answer = send(&fx, "POST", &url, &standard_headers(auth), &body);
    assert_eq!(answer.status, 200, "{}", answer.body);

    let signed = response_message(
        answer.header("Wechatpay-Timestamp").expect("ts"),
        answer.header("Wechatpay-Nonce").expect("nonce"),
        &answer.raw,
    );
    let public = temp_file(
        "platform.pub",
        id.platform_key
            .public_key()
            .expect("pub")
            .to_pem()
            .expect("pem")
            .as_bytes(),
    );
    let sig = temp_file(
        "answer.sig",
        &b64.decode(answer.header("Wechatpay-Signature").expect("sig"))
            .expect("b64"),
    );
    let msg = temp_file("answer.txt", &signed);
    let verified = openssl(&[
        "dgst",
        "-sha256",
        "-verify",
        public.to_str().expect("utf8"),
        "-signature",
        sig.to_str().expect("utf8"),
        msg.to_str().expect("utf8"),
    ]);
    assert!(verified.is_some_and(|out| String::from_utf8_lossy(&out).contains("Verified OK")));
}

#[test]
fn duplicate_member_names_are_param_error() {
    let fx = sandbox();
    let body =
        String::from_utf8(edu_body())
            .expect("utf8")
            .replacen('{', r#"{"user_id":"first","#, 1);
    let answer = post_edu(&fx, body.as_bytes(), |_| {});
    assert_eq!(
        (answer.status, answer.code()),
        (400, "PARAM_ERROR"),
        "{}",
        answer.body
    );
    assert!(
        answer.body["detail"]["issue"]
            .as_str()
            .is_some_and(|i| i.contains("appears twice"))
    );
}

/// For every pre-sign: the library refuses a request missing its first required member before
/// sending it, and the sandbox, sent the same request signed by hand, refuses it as WeChat does.
#[test]
fn every_endpoint_refuses_a_request_missing_a_required_member() {
    let fx = sandbox();
    let client = fx.client();
    let platform_key = fx
        .sandbox
        .identity()
        .platform_key
        .public_key()
        .expect("public half");
    for endpoint in wxpresign::endpoints::presigns() {
        let required = endpoint
            .request
            .iter()
            .find(|f| f.required && !f.encrypted)
            .expect("every endpoint has a required plaintext member");
        let mut request: Value = serde_json::from_str(endpoint.example).expect("JSON example");
        request
            .as_object_mut()
            .expect("an object")
            .remove(required.name);
        let pointer = format!("/{}", required.name);

        let error = client
            .call(endpoint.path, &request.to_string())
            .expect_err("the library refuses it");
        assert_eq!(
            error.kind(),
            wxpresign::Kind::Validation,
            "{}",
            endpoint.path
        );
        assert_eq!(error.field(), Some(pointer.as_str()));
        assert_eq!(error.delivery(), wxpresign::error::Delivery::NotSent);

        if endpoint.needs_serial() {
            wxpresign::encryption::encrypt_fields(endpoint.request, &mut request, &platform_key)
                .expect("encrypts");
        }
        let body = request.to_string().into_bytes();
        let url = format!("/{}", endpoint.path);
        let mut headers = standard_headers(authorization(&fx, &url, &body));
        if endpoint.needs_serial() {
            set(
                &mut headers,
                "Wechatpay-Serial",
                &fx.sandbox.identity().platform_serial,
            );
        }
        let answer = send(&fx, "POST", &url, &headers, &body);
        assert_eq!(
            (answer.status, answer.code()),
            (400, "PARAM_ERROR"),
            "{}: {}",
            endpoint.path,
            answer.body
        );
        assert_eq!(
            answer.body["detail"]["field"],
            pointer.as_str(),
            "{}",
            endpoint.path
        );
    }
}

#[test]
fn a_signature_over_other_bytes_is_answered_with_the_message_wechat_verified() {
    // WeChat Pay's answer, as merchants report it: detail.sign_information shows the length and
    // the start of the message it verified, cut inside the body.
    let fx = sandbox();
    let url = format!("/{EDU}");
    let signed = edu_body();
    let mut sent = example(EDU);
    sent["user_id"] = "someoneelse".into();
    let sent = sent.to_string();
    let answer = send(
        &fx,
        "POST",
        &url,
        &standard_headers(authorization(&fx, &url, &signed)),
        sent.as_bytes(),
    );
    assert_sign_error(&answer);
    assert_eq!(answer.body["message"], "错误的签名,验签失败");
    let detail = &answer.body["detail"];
    assert_eq!(detail["detail"]["issue"], "sign not match");
    assert_eq!(
        (detail["field"].as_str(), detail["location"].as_str()),
        (Some("signature"), Some("authorization"))
    );
    let info = &detail["sign_information"];
    assert_eq!(info["url"], url.as_str());
    let shown = info["truncated_sign_message"].as_str().expect("a message");
    assert!(shown.starts_with(&format!("POST\n{url}\n")), "{shown}");
    assert!(shown.ends_with(&format!("{}\n", &sent[..8])), "{shown}");
    // The whole message: the request line, timestamp, nonce and body, each ending in \n.
    let length = info["sign_message_length"].as_u64().expect("a length") as usize;
    assert!(length > sent.len() + url.len(), "{length}");
}

#[test]
fn members_the_page_does_not_define_are_listed_with_everything_inside_them() {
    // As WeChat Pay answered a campus request that misspelt `identity` as `identify`
    // (developers.weixin.qq.com community): every undefined member as a /body pointer.
    let fx = sandbox();
    let mut request = example(EDU);
    request["identify"] =
        serde_json::json!({ "real_name": "x", "credential_type": "IDENTITY_CARD" });
    let body = request.to_string().into_bytes();
    let answer = post_edu(&fx, &body, |_| {});
    assert_eq!(
        (answer.status, answer.code()),
        (400, "PARAM_ERROR"),
        "{}",
        answer.body
    );
    assert_eq!(answer.body["message"], "请求中含有未在API文档中定义的参数");
    assert_eq!(
        answer.body["detail"],
        serde_json::json!({
            "location": null,
            "value": ["/body/identify", "/body/identify/real_name", "/body/identify/credential_type"]
        })
    );
}
