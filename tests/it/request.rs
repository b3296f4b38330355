//! Any APIv3 call (`Client::request`, `wxpresign_request`): signed over the exact method, path,
//! query and body, which openssl checks independently here; sent to the host its path belongs
//! to; its answer verified as an endpoint's is; and its path refused before anything is sent
//! when it is not one WeChat Pay could serve.

use crate::common;

use base64::Engine;
use common::{EDU, example, sandbox};
use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use wxpresign::Kind;

/// What a server saw of one request.
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A loopback server that reads one request, answers it 404 RESOURCE_NOT_EXISTS (as WeChat Pay
/// answers a query for a contract it does not have) and reports what it saw.
fn one_request_server() -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
        );
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
        let length = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let answer = r#"{"code":"RESOURCE_NOT_EXISTS","message":"签约协议不存在"}"#;
        write!(
            &stream,
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nRequest-ID: 08AB-0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        )
        .unwrap();
        let _ = tx.send(Seen {
            method,
            target,
            headers,
            body,
        });
    });
    (url, rx)
}

/// The Authorization attribute `name`.
fn attribute<'a>(authorization: &'a str, name: &str) -> &'a str {
    let start = authorization.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    let end = authorization[start..].find('"').unwrap() + start;
    &authorization[start..end]
}

/// Checks with openssl that `seen` carries the merchant's signature over WeChat Pay's signed
/// message, built here from what went over the wire.
fn openssl_verifies(fx: &common::Fixture, seen: &Seen) {
    let authorization = seen
        .header("Authorization")
        .expect("an Authorization header");
    assert!(
        authorization.starts_with("WECHATPAY2-SHA256-RSA2048 "),
        "{authorization}"
    );
    let mut message = format!(
        "{}\n{}\n{}\n{}\n",
        seen.method,
        seen.target,
        attribute(authorization, "timestamp"),
        attribute(authorization, "nonce_str")
    )
    .into_bytes();
    message.extend_from_slice(&seen.body);
    message.push(b'\n');
    let signature = base64::engine::general_purpose::STANDARD
        .decode(attribute(authorization, "signature"))
        .expect("a Base64 signature");
    let dir = std::env::temp_dir().join(format!(
        "wxpresign-request-{}-{}",
        std::process::id(),
        seen.method
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let key = write(
        "merchant.pem",
        fx.merchant_key.to_pkcs8_pem().unwrap().as_bytes(),
    );
    let (message, signature) = (write("message", &message), write("signature", &signature));
    let out = std::process::Command::new("openssl")
        .args([
            "dgst",
            "-sha256",
            "-prverify",
            &key,
            "-signature",
            &signature,
            &message,
        ])
        .output()
        .expect("openssl is installed (tests/setup.sh installs it)");
    assert!(
        out.status.success(),
        "openssl refused the signature of {} {}: {}",
        seen.method,
        seen.target,
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_get_with_a_query_is_signed_over_the_path_and_query_as_sent() {
    let fx = sandbox();
    let (url, seen) = one_request_server();
    let client = fx.client_with(json!({ "base_url": url }));
    let target = "/v3/papay/sign/contracts/plan-id/12535/out-contract-code/Ab%2012?appid=wxcbda96de0b165486&sub_mchid=1900000109";
    let e = client.request("GET", target, None).unwrap_err();
    let seen = seen.recv().unwrap();
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("GET", target)
    );
    assert!(seen.body.is_empty());
    assert_eq!(seen.header("Content-Length"), None, "a GET has no body");
    assert_eq!(
        seen.header("Content-Type"),
        None,
        "a GET has no body to type"
    );
    assert_eq!(seen.header("Accept"), Some("application/json"));
    assert_eq!(
        seen.header("Wechatpay-Serial"),
        Some(fx.sandbox.identity().platform_serial.as_str())
    );
    openssl_verifies(&fx, &seen);
    // WeChat Pay's 404 comes back as for an endpoint's call: an API error with its code, the
    // Request-ID and the trace.
    assert_eq!(e.kind(), Kind::Api);
    let error = &e.to_json()["error"];
    assert_eq!(error["http_status"], 404, "{error}");
    assert_eq!(error["code"], "RESOURCE_NOT_EXISTS");
    assert_eq!(error["request_id"], "08AB-0");
    assert_eq!(error["trace"]["attempts"][0]["outcome"], "answered 404");
}

#[test]
fn a_post_body_is_signed_and_sent_byte_for_byte_as_given() {
    let fx = sandbox();
    let (url, seen) = one_request_server();
    let client = fx.client_with(json!({ "base_url": url }));
    // Spacing and member order a serializer would change, and a character beyond ASCII.
    let body = r#"{ "appid":"wxcbda96de0b165486",  "contract_termination_remark": "用户解约" }"#;
    let target = "/v3/papay/sign/contracts/20200811000000000000000000000003/terminate";
    client.request("post", target, Some(body)).unwrap_err();
    let seen = seen.recv().unwrap();
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("POST", target)
    );
    assert_eq!(seen.body, body.as_bytes());
    assert_eq!(seen.header("Content-Type"), Some("application/json"));
    openssl_verifies(&fx, &seen);
}

/// A POST without a body (campus easy pay's termination takes none:
/// https://pay.weixin.qq.com/doc/v3/partner/4012469025) still says Content-Length: 0, as
/// RFC 9110 section 8.6 asks; a server that frames bodies by length refuses it otherwise.
#[test]
fn a_post_without_a_body_says_content_length_0() {
    let fx = sandbox();
    let (url, seen) = one_request_server();
    let client = fx.client_with(json!({ "base_url": url }));
    let target = "/v3/eduschoolpay/contracts/2045011120563805041758214605/terminate";
    client.request("POST", target, None).unwrap_err();
    let seen = seen.recv().unwrap();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.header("Content-Length"), Some("0"));
    assert_eq!(seen.header("Transfer-Encoding"), None);
    assert!(seen.body.is_empty());
    openssl_verifies(&fx, &seen);
}

#[test]
fn a_request_reaches_the_sandbox_and_its_signed_answer_is_verified() {
    let fx = sandbox();
    let client = fx.client();
    let body = example(EDU).to_string();
    let answer = client
        .request("POST", &format!("/{EDU}"), Some(&body))
        .expect("the sandbox answers a pre-sign sent as any call");
    assert_eq!(answer.status, 200);
    assert!(
        answer.data["presign_token"].is_string(),
        "{:?}",
        answer.data
    );
    assert_eq!(answer.trace["attempts"][0]["outcome"], "answered 200");
    // No schema is checked here: the sandbox, as WeChat Pay, says what is wrong.
    let mut bad = example(EDU);
    bad["plan_id"] = json!(12);
    let e = client
        .request("POST", EDU, Some(&bad.to_string()))
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Api, "{e}");
    assert_eq!(e.to_json()["error"]["code"], "PARAM_ERROR");
}

#[test]
fn a_global_path_goes_to_global_base_url() {
    let fx = sandbox();
    let (url, seen) = one_request_server();
    let client = fx.client_with(json!({ "global_base_url": url }));
    let target =
        "/v3/global/papay/contracts/out-contract-code/Ab12?appid=wx8888888888888888&plan_id=123";
    let e = client.request("GET", target, None).unwrap_err();
    assert_eq!(seen.recv().unwrap().target, target);
    assert_eq!(e.to_json()["error"]["base_url"], url);
}

#[test]
fn paths_that_no_apiv3_call_has_are_refused_before_anything_is_sent() {
    let fx = sandbox();
    let client = fx.client();
    let cases: &[(&str, &str, Option<&str>, &str)] = &[
        (
            "GET",
            "/v2/papay/querycontract",
            None,
            "must start with /v3/",
        ),
        (
            "GET",
            "https://api.mch.weixin.qq.com/v3/x",
            None,
            "must start with /v3/",
        ),
        (
            "GET",
            "/v3/papay/contracts\r\nX-Injected: 1",
            None,
            "a line break",
        ),
        ("GET", "/v3/papay/contracts\n", None, "a line break"),
        ("GET", "/v3/papay/contracts/a b", None, "a space"),
        ("GET", "/v3/papay/contracts/签约", None, "percent-encode"),
        ("GET", "/v3/papay/../certificates", None, ". or .. segment"),
        (
            "GET",
            "/v3/papay/%2E%2e/certificates",
            None,
            ". or .. segment",
        ),
        ("GET", "/v3/papay/./contracts", None, ". or .. segment"),
        ("GET", "/v3/papay//contracts", None, "empty segment"),
        ("GET", "/v3/papay/contracts#x", None, "'#'"),
        (
            "GET",
            "/v3/papay/contracts",
            Some("{}"),
            "a GET has no body",
        ),
        (
            "FETCH",
            "/v3/papay/contracts",
            None,
            "GET, POST, PUT, PATCH or DELETE",
        ),
        (
            "POST",
            "/v3/papay/contracts",
            Some("{\"a\":"),
            "body is not JSON",
        ),
    ];
    for (method, path, body, says) in cases {
        let e = client.request(method, path, *body).unwrap_err();
        assert_eq!(e.kind(), Kind::Argument, "{method} {path:?}: {e}");
        assert!(
            e.message().contains(says),
            "{method} {path:?}: {}",
            e.message()
        );
        assert_eq!(e.to_json()["error"]["may_have_reached_server"], false);
    }
    assert_eq!(fx.sandbox.stats()["requests"], 0, "nothing was sent");
}

/// Servers and the proxies before them decode a segment before they resolve it, and some take
/// `\` for `/` or drop a `;` parameter, so each of these could reach a path the caller did not
/// sign for.
#[test]
fn encoded_dots_slashes_and_backslashes_are_refused_before_anything_is_sent() {
    let fx = sandbox();
    let client = fx.client();
    let cases: &[(&str, &str)] = &[
        ("/v3/papay/..%2fcertificates", "an encoded /"),
        ("/v3/papay/%2E%2E%2Fcertificates", "an encoded /"),
        (
            "/v3/papay/contracts%2f..%2f..%2fcertificates",
            "an encoded /",
        ),
        ("/v3/papay/%5c..%5ccertificates", "an encoded \\"),
        ("/v3/papay/contracts%5C1", "an encoded \\"),
        ("/v3/papay/..;/certificates", ". or .. segment"),
        ("/v3/papay/.;x=1/contracts", ". or .. segment"),
        ("/v3/papay/%2e%2E;/certificates", ". or .. segment"),
        ("/v3/papay/%2e/contracts", ". or .. segment"),
        ("/v3/papay/contracts/%zz", "invalid percent escape"),
        ("/v3/papay/contracts/Ab%2", "invalid percent escape"),
        ("/v3/papay/contracts/Ab%", "invalid percent escape"),
    ];
    for (path, says) in cases {
        let e = client.request("GET", path, None).unwrap_err();
        assert_eq!(e.kind(), Kind::Argument, "{path:?}: {e}");
        assert!(e.message().contains(says), "{path:?}: {}", e.message());
        assert_eq!(e.to_json()["error"]["may_have_reached_server"], false);
    }
    assert_eq!(fx.sandbox.stats()["requests"], 0, "nothing was sent");
}

/// Mistyped pre-sign paths, each with the table path it is refused for: a case or hyphen
/// that PHP's camelCase chain or a hand-written path gets wrong, a letter left out or swapped,
/// and a channel the family does not have.
const LOOKALIKES: &[(&str, &str)] = &[
    (
        "/v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/miniprogram",
        "/v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/mini-program",
    ),
    (
        "/v3/global/papay/contracts/mini-program-pre-entrust-sign",
        "/v3/global/papay/contracts/miniprogram-pre-entrust-sign",
    ),
    (
        "/v3/edu-papay/contracts/Presign",
        "/v3/edu-papay/contracts/presign",
    ),
    (
        "/v3/edupapay/contracts/presing",
        "/v3/edu-papay/contracts/presign",
    ),
    (
        "v3/credit-repayment/partner/contracts/H5-presign?sub_mchid=1900000109",
        "/v3/credit-repayment/partner/contracts/h5-presign",
    ),
    (
        "/v3/ecommerce/individual-contracts/pre-entrust-sign/miniProgram",
        "/v3/ecommerce/individual-contracts/pre-entrust-sign/mini-program",
    ),
    (
        "/v3/papay/insurance-sign/contracts/pre-entrust-sign/h5-web",
        "/v3/papay/insurance-sign/contracts/pre-entrust-sign/h5",
    ),
    (
        "/v3/papay/sign/contracts/pre-entrust-sign/app",
        "/v3/papay/sign/contracts/pre-entrust-sign",
    ),
];

#[test]
fn a_path_that_looks_like_a_pre_sign_endpoint_is_refused_with_the_one_meant() {
    let fx = sandbox();
    let client = fx.client();
    let body = example(EDU).to_string();
    for (path, meant) in LOOKALIKES {
        let e = client.request("POST", path, Some(&body)).unwrap_err();
        assert_eq!(e.kind(), Kind::Validation, "{path}: {e}");
        assert!(
            e.message().contains(&format!("did you mean {meant}?")) && e.message().contains(path),
            "{path}: {}",
            e.message()
        );
        assert_eq!(e.to_json()["error"]["may_have_reached_server"], false);
    }
    assert_eq!(fx.sandbox.stats()["requests"], 0, "nothing was sent");
}

#[test]
fn a_lookalike_pre_sign_path_is_refused_through_wxpresign_request() {
    use std::ffi::{CStr, CString};
    use wxpresign::ffi;
    let fx = sandbox();
    let config = CString::new(fx.config.to_string()).unwrap();
    let mut client = std::ptr::null_mut();
    let status =
        unsafe { ffi::wxpresign_client_new(config.as_ptr(), &mut client, std::ptr::null_mut()) };
    assert_eq!(status, ffi::wxpresign_status::WXPRESIGN_OK);
    let (path, meant) = LOOKALIKES[0];
    let (method, path) = (CString::new("POST").unwrap(), CString::new(path).unwrap());
    let body = CString::new(example(EDU).to_string()).unwrap();
    let mut out = std::ptr::null_mut();
    let status = unsafe {
        ffi::wxpresign_request(
            client,
            method.as_ptr(),
            path.as_ptr(),
            body.as_ptr(),
            &mut out,
        )
    };
    let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
    unsafe {
        ffi::wxpresign_string_free(out);
        ffi::wxpresign_client_free(client);
    }
    assert_eq!(
        status,
        ffi::wxpresign_status::WXPRESIGN_ERR_VALIDATION,
        "{text}"
    );
    let error = &serde_json::from_str::<serde_json::Value>(&text).unwrap()["error"];
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("did you mean {meant}?")),
        "{message}"
    );
    assert_eq!(error["may_have_reached_server"], false);
    assert_eq!(fx.sandbox.stats()["requests"], 0, "nothing was sent");
}

/// The calls after the pre-sign share their family's leading segments, and other APIv3 calls
/// are far from the table: all of them are sent.
#[test]
fn contract_calls_and_other_paths_beside_the_table_are_sent() {
    let fx = sandbox();
    let client = fx.client();
    let calls = [
        (
            "GET",
            "/v3/papay/sign/contracts/plan-id/12535/out-contract-code/Ab12",
        ),
        (
            "POST",
            "/v3/papay/sign/contracts/20200811000000000000000000000003/terminate",
        ),
        (
            "GET",
            "/v3/papay/sign/partner/contracts/plan-id/12535/out-contract-code/P1?sub_mchid=1",
        ),
        (
            "GET",
            "/v3/papay/insurance-sign/contracts/plan-id/12535/out-contract-code/I1",
        ),
        (
            "GET",
            "/v3/papay/scheduled-deduct-sign/contracts/2020081100000000000000000001",
        ),
        ("POST", "/v3/credit-repayment/partner/contracts/terminate"),
        ("GET", "/v3/credit-repayment/partner/contracts/CREDIT0001"),
        (
            "GET",
            "/v3/edu-papay/contracts/id/1234?appid=wx8888888888888888",
        ),
        ("DELETE", "/v3/edu-papay/contracts/1234"),
        (
            "GET",
            "/v3/edu-papay/user/oUpF8uMuAJOM2pxb1Q/contracts?plan_id=1",
        ),
        (
            "POST",
            "/v3/eduschoolpay/contracts/2045011120563805041758214605/terminate",
        ),
        (
            "GET",
            "/v3/offlineface/contracts/2045011120563805041758214605",
        ),
        (
            "GET",
            "/v3/global/papay/contracts/out-contract-code/G1?appid=wx8888888888888888",
        ),
        (
            "POST",
            "/v3/global/papay/contracts/2045011120563805041758214605/terminate",
        ),
        (
            "GET",
            "/v3/password-exempt-contract/contracts/service-id/1/out-contract-code/P1",
        ),
        (
            "GET",
            "/v3/ecommerce/individual-contracts/out-contract-code/APPLYMENT_0001",
        ),
        (
            "GET",
            "/v3/ecommerce/combine-papay/contracts/plan-id/1/out-contract-code/E1",
        ),
        ("GET", "/v3/certificates"),
        ("POST", "/v3/pay/transactions/jsapi"),
        ("GET", "/v3/papay/contracts"),
    ];
    for (method, path) in calls {
        let body = (method != "GET").then_some("{}");
        let e = client.request(method, path, body).unwrap_err();
        assert_eq!(e.kind(), Kind::Api, "{method} {path}: {e}");
    }
    assert_eq!(fx.sandbox.stats()["requests"], calls.len());
}

#[test]
fn encrypt_uses_the_key_every_request_names() {
    let fx = sandbox();
    let (ciphertext, serial) = fx.client().encrypt("张三").unwrap();
    let identity = fx.sandbox.identity();
    assert_eq!(serial, identity.platform_serial);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&ciphertext)
        .unwrap();
    let plain = identity.platform_key.decrypt_oaep(&bytes).unwrap();
    assert_eq!(&plain[..], "张三".as_bytes());
    // The same value encrypts differently each time (OAEP is randomised).
    assert_ne!(fx.client().encrypt("张三").unwrap().0, ciphertext);
}
