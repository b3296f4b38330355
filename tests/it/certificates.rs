//! Certificate mode against the sandbox's own: the client downloads the platform certificates
//! when it first needs one, verifies the list with the certificates it carries, decrypts them
//! with the APIv3 key, and downloads again (once, not from every thread, not more often than
//! its interval) when a rotated certificate signs; `wxpresign certificates download` writes them
//! as openssl reads them. A merchant in public-key mode never asks for them.

use crate::common;
use crate::tls_relay;

use common::process::Scratch;
use common::{EDU, edu_with_user};
use serde_json::{Value, json};
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use tls_relay::read_message;
use wxpresign::Kind;
use wxpresign_sandbox::{Identity, Mode, Sandbox};

struct CertificateMode {
    sandbox: Sandbox,
    config: serde_json::Value,
}

fn certificate_mode() -> CertificateMode {
    let (identity, merchant_key) = Identity::generate_in(Mode::Certificate).expect("keys");
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").expect("a loopback port");
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .expect("config");
    CertificateMode { sandbox, config }
}

impl CertificateMode {
    fn client(&self) -> wxpresign::Client {
        wxpresign::Client::from_json(&self.config.to_string()).expect("valid config")
    }

    fn requests(&self) -> u64 {
        self.sandbox.stats()["requests"].as_u64().unwrap()
    }
}

#[test]
fn a_client_in_certificate_mode_downloads_the_certificates_before_its_first_call() {
    let s = certificate_mode();
    assert_eq!(s.config["download_platform_certificates"], true);
    assert!(s.config.get("wechatpay_public_key").is_none());
    let client = s.client();
    assert_eq!(s.requests(), 0, "nothing is fetched at start-up");
    let answer = client
        .call(EDU, &edu_with_user("cert-1"))
        .expect("verified");
    assert_eq!(answer.status, 200);
    assert_eq!(s.requests(), 2, "the certificate list, then the call");
    let serial = &s.sandbox.identity().platform_serial;
    assert!(client.knows_serial(serial));
    client
        .call(EDU, &edu_with_user("cert-2"))
        .expect("verified");
    assert_eq!(s.requests(), 3, "the list is not fetched again");
}

#[test]
fn the_downloaded_list_is_decrypted_and_checked() {
    let s = certificate_mode();
    let downloaded = s
        .client()
        .download_platform_certificates()
        .expect("downloaded");
    assert_eq!(downloaded.len(), 1);
    let first = &downloaded[0];
    assert_eq!(first.serial_no, s.sandbox.identity().platform_serial);
    assert!(
        first.pem.starts_with("-----BEGIN CERTIFICATE-----"),
        "{}",
        first.pem
    );
    assert!(first.effective_time.ends_with("+08:00"));

    // A wrong APIv3 key cannot decrypt them: a crypto error naming the certificate.
    let mut wrong = s.config.clone();
    wrong["apiv3_key"] = "0123456789abcdef0123456789abcdef".into();
    let e = wxpresign::Client::from_json(&wrong.to_string())
        .unwrap()
        .download_platform_certificates()
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Crypto, "{e}");
    assert!(e.message().contains(&first.serial_no), "{e}");
}

#[test]
fn a_rotated_certificate_is_fetched_once_and_not_again_within_the_interval() {
    let s = certificate_mode();
    let client = s.client();
    client
        .call(EDU, &edu_with_user("rotate-1"))
        .expect("verified");
    let before = s.requests();

    let rotated = s
        .sandbox
        .identity()
        .rotate()
        .expect("certificate mode rotates");
    assert!(!client.knows_serial(&rotated));
    let answer = client
        .call(EDU, &edu_with_user("rotate-2"))
        .expect("an answer signed by the new certificate verifies after one download");
    assert_eq!(answer.status, 200);
    assert!(client.knows_serial(&rotated));
    assert_eq!(s.requests(), before + 2, "the call and one list");

    // A second rotation within REFETCH_INTERVAL is not fetched: the answer cannot verify.
    let again = s.sandbox.identity().rotate().unwrap();
    let e = client.call(EDU, &edu_with_user("rotate-3")).unwrap_err();
    assert_eq!(e.kind(), Kind::Verify, "{e}");
    assert!(
        e.message().contains(&again),
        "the error names the serial: {e}"
    );
    assert_eq!(s.requests(), before + 3, "no list fetched");
    // A client made now downloads every listed certificate.
    let fresh = s.client();
    assert_eq!(fresh.download_platform_certificates().unwrap().len(), 3);
}

#[test]
fn eight_threads_that_need_the_certificates_at_once_fetch_them_once() {
    let s = certificate_mode();
    let client = s.client();
    std::thread::scope(|scope| {
        for i in 0..8 {
            let client = &client;
            scope.spawn(move || {
                client
                    .call(EDU, &edu_with_user(&format!("threads-{i}")))
                    .expect("verified")
            });
        }
    });
    assert_eq!(s.requests(), 9, "eight calls and one list");
}

#[test]
fn a_public_key_merchant_never_asks_for_certificates() {
    let fx = common::sandbox();
    let client = fx.client();
    for i in 0..3 {
        client
            .call(EDU, &edu_with_user(&format!("pk-{i}")))
            .expect("verified");
    }
    assert_eq!(fx.sandbox.stats()["requests"], 3, "only the calls");
    // Asked explicitly, WeChat Pay has none for it: an API error, and the client still works.
    let e = client.download_platform_certificates().unwrap_err();
    assert_eq!(e.api_answer().map(|a| a.http_status), Some(404), "{e}");
    client
        .call(EDU, &edu_with_user("pk-after"))
        .expect("still verified");
}

#[test]
fn download_without_an_apiv3_key_is_a_config_error_naming_it() {
    let s = certificate_mode();
    let mut config = s.config.clone();
    config.as_object_mut().unwrap().remove("apiv3_key");
    let e = wxpresign::Client::from_json(&config.to_string()).unwrap_err();
    assert_eq!(e.kind(), Kind::Config);
    assert!(e.message().contains("apiv3_key"), "{e}");
}

#[test]
fn the_rotate_route_rotates_in_certificate_mode_only() {
    let post = |base: &str| {
        let agent: ureq::Agent = ureq::config::Config::builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut answer = agent
            .post(format!("{base}/sandbox/certificates/rotate"))
            .send_empty()
            .expect("an answer");
        (
            answer.status().as_u16(),
            answer.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    let s = certificate_mode();
    let (status, body) = post(s.sandbox.base_url());
    assert_eq!(status, 200, "{body}");
    let serial = serde_json::from_str::<serde_json::Value>(&body).unwrap()["serial_no"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        s.sandbox
            .identity()
            .signing(|signing, _| signing.to_owned()),
        serial
    );
    let fx = common::sandbox();
    let (status, body) = post(fx.sandbox.base_url());
    assert_eq!(status, 409, "public-key mode has no certificate: {body}");
}

#[test]
fn sandbox_init_in_certificate_mode_writes_a_directory_that_serves_it() {
    let scratch = Scratch::new("certificates-init");
    Identity::init_dir(&scratch.0, "127.0.0.1:0", Mode::Certificate).expect("written");
    let (identity, _) = Identity::load_dir(&scratch.0).expect("read back");
    assert_eq!(identity.mode(), Mode::Certificate);
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(scratch.0.join("client.json")).unwrap())
            .unwrap();
    assert_eq!(config["download_platform_certificates"], true);
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").unwrap();
    let mut config = config;
    config["base_url"] = sandbox.base_url().into();
    config["global_base_url"] = sandbox.base_url().into();
    let client = wxpresign::Client::from_json(&config.to_string()).unwrap();
    client
        .call(EDU, &edu_with_user("init-cert"))
        .expect("verified");
}

/// A list as WeChat Pay sends it, with `pem` encrypted under `key` and listed as `serial_no`.
fn list_of(pem: &str, serial_no: &str, key: &[u8]) -> serde_json::Value {
    let ciphertext =
        wxpresign::aes_gcm::encrypt(key, "61f9c719728a", "certificate", pem.as_bytes()).unwrap();
    serde_json::json!({ "data": [{
        "serial_no": serial_no,
        "effective_time": "2026-01-01T00:00:00+08:00",
        "expire_time": "2031-01-01T00:00:00+08:00",
        "encrypt_certificate": {
            "algorithm": "AEAD_AES_256_GCM",
            "nonce": "61f9c719728a",
            "associated_data": "certificate",
            "ciphertext": ciphertext,
        },
    }]})
}

#[test]
fn a_certificate_listed_under_another_serial_or_not_valid_now_is_refused() {
    use wxpresign::certificates::decrypt_list;
    let key = b"0123456789abcdef0123456789abcdef";
    let platform = wxpresign_sandbox::certificates::Platform::issue().unwrap();
    let pem = &platform.certificate.pem;
    let now = platform.certificate.not_before + 3600;
    let listed = decrypt_list(&list_of(pem, &platform.serial, key), key, now).expect("valid");
    assert_eq!(listed[0].certificate.serial, platform.serial);

    let e = decrypt_list(
        &list_of(pem, "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", key),
        key,
        now,
    )
    .unwrap_err();
    assert_eq!(e.kind(), Kind::Verify);
    assert!(e.message().contains("whose serial is"), "{e}");

    let later = platform.certificate.not_after + 1;
    let e = decrypt_list(&list_of(pem, &platform.serial, key), key, later).unwrap_err();
    assert_eq!(e.kind(), Kind::Verify);
    assert!(e.message().contains("not valid now"), "{e}");

    let e = decrypt_list(
        &list_of("not a certificate", &platform.serial, key),
        key,
        now,
    )
    .unwrap_err();
    assert_eq!(e.kind(), Kind::Verify, "the answer's fault: {e}");
    assert!(
        e.message().contains(&platform.serial),
        "names the certificate: {e}"
    );
}

/// Reads one request from a connection `listener` accepts and relays it to `upstream`: the
/// connection and the answer to give back on it (for the certificate list after the first, a
/// 503 instead when `lists_fail`).
fn relay_one(
    listener: &TcpListener,
    upstream: SocketAddr,
    lists: &mut usize,
    lists_fail: bool,
) -> Option<(std::net::TcpStream, Vec<u8>)> {
    let (mut client, _) = listener.accept().ok()?;
    let request = read_message(&mut client).ok()??;
    if request.starts_with(b"GET /v3/certificates") {
        *lists += 1;
        if lists_fail && *lists > 1 {
            let refusal = b"HTTP/1.1 503 Service Unavailable\r\nRequest-ID: list-503\r\n\
                            Connection: close\r\nContent-Length: 0\r\n\r\n";
            return Some((client, refusal.to_vec()));
        }
    }
    let mut server = std::net::TcpStream::connect(upstream).unwrap();
    server.write_all(&request).unwrap();
    let answer = read_message(&mut server).unwrap().unwrap();
    Some((client, closing(&answer)))
}

/// `answer` with `Connection: close`, so that the client never reuses a connection the relay
/// is about to close.
fn closing(answer: &[u8]) -> Vec<u8> {
    let line_end = answer.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
    [
        &answer[..line_end],
        b"Connection: close\r\n",
        &answer[line_end..],
    ]
    .concat()
}

/// A relay on loopback to `upstream`, each request on a connection of its own: when
/// `requests` is given, it forwards that many and then refuses connections (WeChat Pay out of
/// reach); otherwise it forwards all, but answers every certificate list after the first 503.
fn relay(upstream: &str, requests: Option<usize>) -> String {
    let upstream: SocketAddr = upstream.trim_start_matches("http://").parse().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut lists = 0;
        for left in (0..requests.unwrap_or(usize::MAX)).rev() {
            let Some((mut client, answer)) =
                relay_one(&listener, upstream, &mut lists, requests.is_none())
            else {
                continue;
            };
            if left == 0 {
                // Closed before the last answer leaves, so that the client's next connection is
                // refused, never accepted into the backlog and then reset.
                drop(listener);
                let _ = client.write_all(&answer);
                return;
            }
            let _ = client.write_all(&answer);
        }
    });
    url
}

/// The POSTs the sandbox received.
fn posts(s: &CertificateMode) -> usize {
    let all = s.sandbox.requests();
    all.iter().filter(|r| r.method == "POST").count()
}

/// A certificate-mode client that went through `base_url`, with `changes`.
fn client_at(s: &CertificateMode, base_url: &str, changes: Value) -> wxpresign::Client {
    let mut config = s.config.clone();
    config["base_url"] = base_url.into();
    for (k, v) in changes.as_object().unwrap() {
        config[k] = v.clone();
    }
    wxpresign::Client::from_json(&config.to_string()).unwrap()
}

#[test]
fn an_answer_under_a_rotated_serial_whose_download_cannot_be_sent_says_wechat_pay_answered() {
    let s = certificate_mode();
    // The first call's list and pre-sign, then the second call's pre-sign; nothing after.
    let client = client_at(&s, &relay(s.sandbox.base_url(), Some(3)), json!({}));
    client
        .call(EDU, &edu_with_user("unreachable-1"))
        .expect("verified");
    s.sandbox.identity().rotate().unwrap();
    let e = client
        .call(EDU, &edu_with_user("unreachable-2"))
        .unwrap_err();
    let error = &e.to_json()["error"];
    assert_eq!(error["kind"], "verify", "{error}");
    assert_eq!(error["may_have_reached_server"], true, "{error}");
    assert_eq!(error["retryable"], false, "{error}");
    assert_eq!(error["http_status"], 200, "{error}");
    let presign = s.sandbox.requests().pop().unwrap();
    assert_eq!(presign.method, "POST", "the last request WeChat Pay saw");
    assert!(error["request_id"].is_string(), "{error}");
    assert_eq!(error["cause"]["kind"], "transport", "{error}");
    assert_eq!(error["cause"]["may_have_reached_server"], false, "{error}");
    assert_eq!(
        error["trace"]["attempts"][0]["outcome"], "answered 200",
        "{error}"
    );
}

#[test]
fn a_failed_download_after_an_answer_is_not_retried_so_the_call_reaches_wechat_pay_once() {
    let s = certificate_mode();
    let retrying = json!({ "retry": { "max_attempts": 3, "backoff_ms": 1 } });
    let client = client_at(&s, &relay(s.sandbox.base_url(), None), retrying);
    client
        .call(EDU, &edu_with_user("once-1"))
        .expect("verified");
    s.sandbox.identity().rotate().unwrap();
    let before = posts(&s);
    let e = client.call(EDU, &edu_with_user("once-2")).unwrap_err();
    let error = &e.to_json()["error"];
    assert_eq!(posts(&s), before + 1, "the pre-sign was sent once: {error}");
    assert_eq!(error["kind"], "verify", "{error}");
    assert_ne!(error["request_id"], "list-503", "the call's own: {error}");
    assert_eq!(error["cause"]["http_status"], 503, "{error}");
    assert_eq!(error["cause"]["request_id"], "list-503", "{error}");
}

#[test]
fn a_download_answering_500_before_the_first_call_reports_the_call_not_sent() {
    let s = certificate_mode();
    // Every request answered 500, with a Request-ID: WeChat Pay failing the certificate list.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            if read_message(&mut stream).ok().flatten().is_some() {
                let body = r#"{"code":"SYSTEM_ERROR","message":"system error"}"#;
                let answer = format!(
                    "HTTP/1.1 500 Internal Server Error\r\nRequest-ID: list-500\r\nConnection: close\r\n\
                     Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes());
            }
        }
    });
    let mut config = s.config.clone();
    config["base_url"] = base.into();
    let (status, envelope) = call_from_c(&config, EDU, &edu_with_user("list-fails"));
    assert_eq!(status, 4, "transport: the call was not sent: {envelope}");
    let error = &envelope["error"];
    assert_eq!(error["may_have_reached_server"], false, "{error}");
    assert_ne!(error["kind"], "api", "the pre-sign got no answer: {error}");
    assert_eq!(error.get("request_id"), None, "{error}");
    assert_eq!(error.get("http_status"), None, "{error}");
    assert_eq!(error["cause"]["kind"], "api", "{error}");
    assert_eq!(error["cause"]["http_status"], 500, "{error}");
    assert_eq!(error["cause"]["request_id"], "list-500", "{error}");
}

/// `path` called with `request` through the C ABI by a client made from `config`: the status
/// and the JSON written to *out.
fn call_from_c(config: &Value, path: &str, request: &str) -> (i32, Value) {
    use std::ffi::{CStr, CString};
    use wxpresign::ffi::*;
    let config = CString::new(config.to_string()).unwrap();
    let (path, request) = (CString::new(path).unwrap(), CString::new(request).unwrap());
    let mut client = std::ptr::null_mut();
    let mut out = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings and valid out-pointers; the client and the string are the
    // library's, each freed once.
    unsafe {
        let made = wxpresign_client_new(config.as_ptr(), &mut client, std::ptr::null_mut());
        assert_eq!(made as i32, 0);
        let status = wxpresign_call(client, path.as_ptr(), request.as_ptr(), &mut out);
        let text = CStr::from_ptr(out).to_string_lossy().into_owned();
        wxpresign_string_free(out);
        wxpresign_client_free(client);
        (status as i32, serde_json::from_str(&text).unwrap())
    }
}
