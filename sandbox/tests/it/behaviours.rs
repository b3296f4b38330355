//! WeChat Pay's behaviours over time, set per merchant through
//! `/sandbox/merchants/{mchid}/behaviours`: signature probes, the change from platform
//! certificate to public key, the request rate, and http notify URLs.

use crate::common;

use common::{EDU, Fixture, example};
use serde_json::{Value, json};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use wxpresign::keys::PublicKey;
use wxpresign::signing::{Signer, nonce, response_message, unix_now};
use wxpresign::verification::SignedHeaders;
use wxpresign_sandbox::http_server::{HttpServer, Reply};
use wxpresign_sandbox::{Identity, Mode, Sandbox};

const PARTNER_MINI_PROGRAM: &str =
    "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program";

/// A sandbox whose notification retries come within milliseconds.
fn quick() -> Fixture {
    let fx = common::sandbox();
    fx.sandbox.set_retry_unit_ms(1);
    fx
}

fn fixture_in(mode: Mode) -> Fixture {
    let (identity, merchant_key) = Identity::generate_in(mode).expect("keys");
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").expect("a loopback port");
    sandbox.set_retry_unit_ms(1);
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .expect("config");
    Fixture {
        sandbox,
        merchant_key,
        config,
    }
}

/// An answer: status, headers (lower-case names), raw body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    raw: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.raw).unwrap_or(Value::Null)
    }
}

fn send(
    fx: &Fixture,
    method: &str,
    target: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Answer {
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}{target}", fx.sandbox.base_url());
    let mut request = match method {
        "GET" => agent.get(url).force_send_body(),
        "PATCH" => agent.patch(url),
        _ => agent.post(url),
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
    let raw = response.into_body().read_to_vec().expect("a body");
    Answer {
        status,
        headers,
        raw,
    }
}

fn behaviours_path(fx: &Fixture) -> String {
    format!(
        "/sandbox/merchants/{}/behaviours",
        fx.sandbox.identity().mchid
    )
}

/// PATCHes the merchant's behaviours with `patch`; the answer.
fn patch(fx: &Fixture, patch: Value) -> Answer {
    let headers = [("Content-Type", "application/json".to_owned())];
    send(
        fx,
        "PATCH",
        &behaviours_path(fx),
        &headers,
        patch.to_string().as_bytes(),
    )
}

fn set(fx: &Fixture, settings: Value) -> Value {
    let answer = patch(fx, settings);
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.raw)
    );
    answer.json()
}

/// A request signed by the merchant, as the library would send it, with `extra` headers.
fn signed_headers(
    fx: &Fixture,
    method: &str,
    target: &str,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    let key = wxpresign::keys::PrivateKey::from_pem(
        &fx.merchant_key.to_pkcs8_pem().expect("pem"),
        "merchant",
    )
    .expect("reloads");
    let identity = fx.sandbox.identity();
    let signer = Signer::new(
        identity.mchid.clone(),
        identity.merchant_serial_no.clone(),
        key,
    );
    let authorization = signer
        .authorization(method, target, unix_now(), &nonce().expect("random"), body)
        .expect("signs");
    let mut headers = vec![
        ("Authorization", authorization),
        ("Accept", "application/json".to_owned()),
        ("User-Agent", "behaviours-test/1".to_owned()),
    ];
    if !body.is_empty() {
        headers.push(("Content-Type", "application/json".to_owned()));
    }
    headers
}

/// `GET /v3/certificates`, signed, naming `serial` in `Wechatpay-Serial`.
fn certificates_naming(fx: &Fixture, serial: &str) -> Answer {
    let mut headers = signed_headers(fx, "GET", "/v3/certificates", b"");
    headers.push(("Wechatpay-Serial", serial.to_owned()));
    send(fx, "GET", "/v3/certificates", &headers, b"")
}

fn verifies(key: &PublicKey, answer: &Answer) -> bool {
    let signature = base64_decode(answer.header("Wechatpay-Signature"));
    let message = response_message(
        answer.header("Wechatpay-Timestamp"),
        answer.header("Wechatpay-Nonce"),
        &answer.raw,
    );
    signature.is_some_and(|s| key.verify_sha256(&message, &s))
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// The public key of a migration merchant's client.json, and its certificate's key.
fn both_keys(fx: &Fixture) -> (PublicKey, PublicKey) {
    let public = fx.config["wechatpay_public_key"]
        .as_str()
        .expect("a public key");
    let public = PublicKey::from_pem(public, "wechatpay_public_key").expect("a key");
    let certificate = fx
        .sandbox
        .identity()
        .platform_key
        .public_key()
        .expect("a key");
    (public, certificate)
}

/// Opens a session whose notify URL is `url` and signs it; the session id. Each has a contract
/// code of its own: a code once signed cannot be pre-signed again.
fn sign_session(fx: &Fixture, url: &str) -> String {
    static SIGNED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SIGNED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut request = example(PARTNER_MINI_PROGRAM);
    request["contract_notify_url"] = url.into();
    request["out_contract_code"] = format!("BEHAVIOURS{n}").into();
    let answer = fx
        .client()
        .call(PARTNER_MINI_PROGRAM, &request.to_string())
        .expect("the pre-sign call succeeds");
    let id = answer.data["pre_entrustweb_id"]
        .as_str()
        .expect("a session id")
        .to_owned();
    fx.sandbox.sign(&id, None).expect("the session signs");
    id
}

/// Waits until the session's delivery is in `state`.
fn delivery_in(fx: &Fixture, id: &str, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let session = fx.sandbox.session(id).expect("the session is alive");
        let view = session.delivery.expect("signed").to_json();
        if view["state"] == state || Instant::now() > deadline {
            return view;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A merchant endpoint that verifies with `client` as a merchant should: 200 for a
/// notification that verifies, 401 otherwise; it reports each outcome.
struct VerifyingEndpoint {
    url: String,
    outcomes: mpsc::Receiver<Result<String, String>>,
    _server: HttpServer,
}

fn verifying_endpoint(client: wxpresign::Client) -> VerifyingEndpoint {
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let server = HttpServer::bind("127.0.0.1:0", move |request| {
        let headers = SignedHeaders::from_pairs(
            request
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str())),
        );
        let parsed = headers.map_err(|e| e.to_string()).and_then(|h| {
            client
                .parse_notification(&h, &request.body)
                .map_err(|e| e.to_string())
        });
        let status = if parsed.is_ok() { 200 } else { 401 };
        let serial = request
            .headers
            .iter()
            .find(|(n, _)| n == "wechatpay-serial")
            .map_or(String::new(), |(_, v)| v.clone());
        let _ = tx.lock().map(|tx| tx.send(parsed.map(|_| serial)));
        Reply::new(status, Vec::new(), Vec::new())
    })
    .expect("a loopback port");
    VerifyingEndpoint {
        url: format!("http://{}/notify", server.addr()),
        outcomes: rx,
        _server: server,
    }
}

impl VerifyingEndpoint {
    fn next(&self) -> Result<String, String> {
        self.outcomes
            .recv_timeout(Duration::from_secs(10))
            .expect("a notification arrives")
    }
}

#[test]
fn with_probes_at_share_one_the_library_reports_an_answer_as_a_probe() {
    let fx = common::sandbox();
    set(&fx, json!({ "probes": { "answers": 1.0, "seed": 7 } }));

    let error = fx
        .client()
        .call(EDU, &example(EDU).to_string())
        .expect_err("a probe answer fails verification");

    assert_eq!(error.kind(), wxpresign::error::Kind::Verify);
    assert!(error.message().contains("probe"), "{}", error.message());
}

#[test]
fn a_probe_answer_keeps_the_real_serial_and_only_its_signature_is_marked() {
    let fx = common::sandbox();
    set(&fx, json!({ "probes": { "answers": 1.0 } }));

    let target = format!("/{EDU}");
    let body = example(EDU).to_string();
    let headers = signed_headers(&fx, "POST", &target, body.as_bytes());
    let answer = send(&fx, "POST", &target, &headers, body.as_bytes());
    let signature = answer.header("Wechatpay-Signature");

    assert!(signature.starts_with("WECHATPAY/SIGNTEST/"), "{signature}");
    assert_eq!(signature.len(), 355);
    assert_eq!(
        answer.header("Wechatpay-Serial"),
        fx.sandbox.identity().platform_serial
    );
}

#[test]
fn a_probe_notification_is_refused_401_by_the_library_and_the_next_attempt_verifies() {
    let fx = quick();
    set(
        &fx,
        json!({ "probes": { "notifications": 1.0, "seed": 1 } }),
    );
    let merchant = verifying_endpoint(fx.client());

    let id = sign_session(&fx, &merchant.url);

    let probe = merchant.next().expect_err("the probe fails verification");
    assert!(probe.contains("probe"), "{probe}");
    merchant.next().expect("the next attempt verifies");
    let view = delivery_in(&fx, &id, "delivered");
    let attempts = view["attempts"].as_array().expect("attempts");
    assert_eq!(attempts[0]["status"], 401);
    assert_eq!(attempts[0]["probe"], true);
    assert_eq!(attempts[1]["status"], 200);
    assert_eq!(attempts[1]["probe"], false);
    assert_eq!(view["probe_accepted"], false);
}

#[test]
fn the_probe_route_sends_one_probe_now_and_counts_a_2xx_answer_as_accepted() {
    let fx = quick();
    let merchant = common::notify_endpoint();
    let id = sign_session(&fx, &merchant.url);
    merchant
        .within(Duration::from_secs(10))
        .expect("the signing notification");
    let contract_id = fx
        .sandbox
        .session(&id)
        .and_then(|s| s.contract_id)
        .expect("a contract");

    let target = format!(
        "/sandbox/merchants/{}/probe-notification",
        fx.sandbox.identity().mchid
    );
    let headers = [("Content-Type", "application/json".to_owned())];
    let body = json!({ "contract_id": contract_id }).to_string();
    let answer = send(&fx, "POST", &target, &headers, body.as_bytes());
    assert_eq!(
        answer.status,
        202,
        "{}",
        String::from_utf8_lossy(&answer.raw)
    );
    assert_eq!(answer.json()["event_type"], "ENTRUST.SIGN");

    let (probe_headers, _) = merchant.within(Duration::from_secs(10)).expect("the probe");
    let signature = probe_headers
        .iter()
        .find(|(n, _)| n == "wechatpay-signature")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    assert!(signature.starts_with("WECHATPAY/SIGNTEST/"), "{signature}");
    merchant
        .within(Duration::from_secs(10))
        .expect("the correct one follows");
    let shown = send(&fx, "GET", &behaviours_path(&fx), &[], b"").json();
    assert_eq!(shown["probes"]["notifications_accepted"], 1);
}

#[test]
fn the_behaviours_routes_refuse_cross_site_requests_and_bodies_that_are_not_json() {
    let fx = common::sandbox();
    let path = behaviours_path(&fx);
    let body = br#"{"probes":{"answers":1}}"#;

    let form = [("Content-Type", "text/plain".to_owned())];
    assert_eq!(send(&fx, "PATCH", &path, &form, body).status, 415);
    let cross_site = [
        ("Content-Type", "application/json".to_owned()),
        ("Sec-Fetch-Site", "cross-site".to_owned()),
    ];
    assert_eq!(send(&fx, "PATCH", &path, &cross_site, body).status, 403);
    let shown = send(&fx, "GET", &path, &[], b"").json();
    assert_eq!(shown["probes"]["answers"], 0.0);
}

#[test]
fn a_setting_out_of_range_or_unknown_is_refused_by_its_pointer_and_nothing_changes() {
    let fx = common::sandbox();

    let answer = patch(
        &fx,
        json!({ "rate_limit": { "requests_per_second": 5 }, "probes": { "answers": 2 } }),
    );
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json()["detail"]["field"], "/probes/answers");
    let answer = patch(&fx, json!({ "probes": { "share": 0.5 } }));
    assert_eq!(answer.json()["detail"]["field"], "/probes/share");

    let shown = send(&fx, "GET", &behaviours_path(&fx), &[], b"").json();
    assert_eq!(shown["rate_limit"]["requests_per_second"], Value::Null);
}

#[test]
fn a_merchant_with_one_kind_of_key_has_no_change_to_start() {
    let fx = common::sandbox();

    let answer = patch(&fx, json!({ "key_migration": { "state": "started" } }));

    assert_eq!(answer.status, 409);
    assert!(
        answer.json()["message"]
            .as_str()
            .unwrap_or("")
            .contains("--mode migration")
    );
}

#[test]
fn with_the_change_started_answers_follow_the_requests_wechatpay_serial() {
    let fx = fixture_in(Mode::Migration);
    let (public, certificate) = both_keys(&fx);
    let public_id = fx.config["wechatpay_public_key_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let certificate_serial = fx.sandbox.identity().platform_serial.clone();

    let before = certificates_naming(&fx, &public_id);
    assert_eq!(before.header("Wechatpay-Serial"), certificate_serial);
    assert!(verifies(&certificate, &before));

    set(&fx, json!({ "key_migration": { "state": "started" } }));
    let by_public_key = certificates_naming(&fx, &public_id);
    let by_certificate = certificates_naming(&fx, &certificate_serial);

    assert_eq!(by_public_key.header("Wechatpay-Serial"), public_id);
    assert!(verifies(&public, &by_public_key));
    assert_eq!(
        by_certificate.header("Wechatpay-Serial"),
        certificate_serial
    );
    assert!(verifies(&certificate, &by_certificate));
}

#[test]
fn before_the_start_no_notification_uses_the_public_key_and_on_day_seven_all_do() {
    let fx = fixture_in(Mode::Migration);
    let public_id = fx.config["wechatpay_public_key_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let certificate_serial = fx.sandbox.identity().platform_serial.clone();
    // One configuration holding both keys, as the merchant deploys before starting.
    let merchant = verifying_endpoint(fx.client());

    let before: Vec<String> = (0..4)
        .map(|_| {
            sign_session(&fx, &merchant.url);
            merchant.next().expect("verifies with the certificate")
        })
        .collect();
    let six_days_ago = unix_now() - 6 * 10 - 1;
    set(
        &fx,
        json!({ "key_migration": { "state": "started", "day_secs": 10, "started_at": six_days_ago } }),
    );
    let day_seven: Vec<String> = (0..4)
        .map(|_| {
            sign_session(&fx, &merchant.url);
            merchant.next().expect("verifies with the public key")
        })
        .collect();

    assert!(
        before.iter().all(|s| *s == certificate_serial),
        "{before:?}"
    );
    assert!(day_seven.iter().all(|s| *s == public_id), "{day_seven:?}");
}

#[test]
fn over_the_rate_a_request_gets_429_ratelimit_exceeded_and_nothing_is_processed() {
    let fx = common::sandbox();
    set(
        &fx,
        json!({ "rate_limit": { "requests_per_second": 0.5, "burst": 1 } }),
    );
    let target = format!("/{EDU}");
    let first = example(EDU).to_string();
    let mut second = example(EDU);
    second["user_id"] = "ratelimited".into();
    let second = second.to_string();

    let accepted = send(
        &fx,
        "POST",
        &target,
        &signed_headers(&fx, "POST", &target, first.as_bytes()),
        first.as_bytes(),
    );
    let headers = signed_headers(&fx, "POST", &target, second.as_bytes());
    let limited = send(&fx, "POST", &target, &headers, second.as_bytes());
    assert_eq!(accepted.status, 200);
    assert_eq!(limited.status, 429);
    assert_eq!(limited.json()["code"], "RATELIMIT_EXCEEDED");
    assert!(limited.header("Request-ID").ends_with("-268447840"));
    assert_eq!(limited.header("Wechatpay-Signature"), "");

    // Nothing of the refused request was kept: the very same request (its nonce included) is
    // taken once the rate allows, where a processed one would be refused as a replay.
    std::thread::sleep(Duration::from_millis(2100));
    let again = send(&fx, "POST", &target, &headers, second.as_bytes());
    assert_eq!(again.status, 200, "{}", String::from_utf8_lossy(&again.raw));
}

#[test]
fn an_http_notify_url_is_refused_naming_the_field_unless_http_on_loopback_is_allowed() {
    let fx = common::sandbox();
    let mut request = example(PARTNER_MINI_PROGRAM);
    request["contract_notify_url"] = "http://127.0.0.1:9/notify".into();
    let target = format!("/{PARTNER_MINI_PROGRAM}");
    let body = request.to_string();
    let post = || {
        send(
            &fx,
            "POST",
            &target,
            &signed_headers(&fx, "POST", &target, body.as_bytes()),
            body.as_bytes(),
        )
    };

    assert_eq!(post().status, 200, "allowed by default, for local tests");
    set(
        &fx,
        json!({ "notify_url": { "allow_http_loopback": false } }),
    );
    let refused = post();

    assert_eq!(refused.status, 400);
    assert_eq!(refused.json()["code"], "PARAM_ERROR");
    assert_eq!(refused.json()["detail"]["field"], "/contract_notify_url");
}

#[test]
fn an_http_notify_url_off_loopback_is_refused_naming_the_field_whatever_the_setting() {
    let fx = common::sandbox();
    let mut request = example(PARTNER_MINI_PROGRAM);
    request["contract_notify_url"] = "http://merchant.example.com/notify".into();
    let target = format!("/{PARTNER_MINI_PROGRAM}");
    let body = request.to_string();
    let headers = signed_headers(&fx, "POST", &target, body.as_bytes());

    let refused = send(&fx, "POST", &target, &headers, body.as_bytes());

    assert_eq!(refused.status, 400);
    assert_eq!(refused.json()["code"], "PARAM_ERROR");
    assert_eq!(refused.json()["detail"]["field"], "/contract_notify_url");
}

#[test]
fn sandbox_init_in_migration_mode_writes_a_client_json_with_both_keys_that_works() {
    let dir = std::env::temp_dir().join(format!("wxpresign-migration-{}", std::process::id()));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_wxpresign"))
        .args(["sandbox", "init"])
        .arg(&dir)
        .args(["--mode", "migration"])
        .status()
        .expect("the command runs");
    assert!(status.success());

    let text = std::fs::read_to_string(dir.join("client.json")).expect("client.json");
    let config: Value = serde_json::from_str(&text).expect("JSON");
    let (identity, _) = Identity::load_dir(&dir).expect("sandbox.json loads");
    let _ = std::fs::remove_dir_all(&dir);

    assert!(
        config["wechatpay_public_key_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("PUB_KEY_ID_"))
    );
    assert_eq!(
        config["platform_certificates"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(identity.mode(), Mode::Migration);
    assert!(wxpresign::Client::from_json(&text).is_ok());
}

#[test]
fn a_stopped_change_answers_with_the_certificate_and_a_completed_one_with_the_public_key() {
    let fx = fixture_in(Mode::Migration);
    let (public, certificate) = both_keys(&fx);
    let public_id = fx.config["wechatpay_public_key_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let target = format!("/{EDU}");
    let body = example(EDU).to_string();
    let presign_naming = |serial: &str| {
        let mut headers = signed_headers(&fx, "POST", &target, body.as_bytes());
        headers.push(("Wechatpay-Serial", serial.to_owned()));
        send(&fx, "POST", &target, &headers, body.as_bytes())
    };

    set(&fx, json!({ "key_migration": { "state": "started" } }));
    set(&fx, json!({ "key_migration": { "state": "stopped" } }));
    let stopped = presign_naming(&public_id);
    set(&fx, json!({ "key_migration": { "state": "completed" } }));
    let completed = presign_naming("");

    assert!(verifies(&certificate, &stopped));
    assert_eq!(completed.header("Wechatpay-Serial"), public_id);
    assert!(verifies(&public, &completed));
    assert_eq!(certificates_naming(&fx, &public_id).status, 404);
}

#[test]
fn settings_given_at_start_are_checked_as_a_patch_is() {
    let fx = common::sandbox();

    let error = fx
        .sandbox
        .set_behaviours(&json!({ "rate_limit": { "code": "SLOW_DOWN" } }))
        .expect_err("an unknown code is refused");
    fx.sandbox
        .set_behaviours(
            &json!({ "rate_limit": { "requests_per_second": 10, "code": "FREQUENCY_LIMITED" } }),
        )
        .expect("a valid patch");

    assert!(
        error.message().contains("/rate_limit/code"),
        "{}",
        error.message()
    );
    assert_eq!(
        fx.sandbox.behaviours()["rate_limit"]["code"],
        "FREQUENCY_LIMITED"
    );
}

#[test]
fn a_merchant_changing_to_the_public_key_does_not_rotate_certificates() {
    let fx = fixture_in(Mode::Migration);
    let headers = [("Content-Type", "application/json".to_owned())];

    let answer = send(&fx, "POST", "/sandbox/certificates/rotate", &headers, b"{}");

    assert_eq!(answer.status, 409);
    assert!(
        answer.json()["message"]
            .as_str()
            .unwrap_or("")
            .contains("changing")
    );
}

#[test]
fn sandbox_serve_reads_the_behaviours_file_in_its_directory_and_refuses_a_wrong_one() {
    let dir = std::env::temp_dir().join(format!("wxpresign-behaviours-{}", std::process::id()));
    let bin = env!("CARGO_BIN_EXE_wxpresign");
    let init = std::process::Command::new(bin)
        .args(["sandbox", "init"])
        .arg(&dir)
        .output()
        .expect("init runs");
    assert!(init.status.success());
    std::fs::write(
        dir.join("behaviours.json"),
        r#"{"probes": {"answers": 1.5}}"#,
    )
    .expect("writes");

    let serve = std::process::Command::new(bin)
        .args(["sandbox", "serve"])
        .arg(&dir)
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .expect("serve runs");
    let _ = std::fs::remove_dir_all(&dir);

    let stderr = String::from_utf8_lossy(&serve.stderr);
    assert!(!serve.status.success());
    assert!(
        stderr.contains("behaviours.json") && stderr.contains("/probes/answers"),
        "{stderr}"
    );
}

#[test]
fn the_same_seed_gives_the_same_probes() {
    let fx = common::sandbox();
    let target = format!("/{EDU}");
    let body = example(EDU).to_string();
    let probes = || -> Vec<bool> {
        set(&fx, json!({ "probes": { "answers": 0.5, "seed": 2026 } }));
        (0..12)
            .map(|_| {
                let headers = signed_headers(&fx, "POST", &target, body.as_bytes());
                let answer = send(&fx, "POST", &target, &headers, body.as_bytes());
                answer
                    .header("Wechatpay-Signature")
                    .starts_with("WECHATPAY/SIGNTEST/")
            })
            .collect()
    };

    let first = probes();
    let second = probes();

    assert_eq!(first, second);
    assert!(first.contains(&true) && first.contains(&false), "{first:?}");
}

#[test]
fn encrypted_fields_for_the_public_key_are_refused_before_the_start_and_taken_after_it() {
    let fx = fixture_in(Mode::Migration);
    let endpoint = wxpresign::endpoints::all()
        .find(|e| e.needs_serial())
        .expect("an endpoint with encrypted fields");
    // The library names the public key when it holds one, as a merchant that deployed both.
    let call = || fx.client().call(endpoint.path, endpoint.example);

    let before = call().expect_err("the public key is not in force yet");
    set(&fx, json!({ "key_migration": { "state": "started" } }));
    let after = call();

    assert!(
        before.message().contains("Wechatpay-Serial"),
        "{}",
        before.message()
    );
    assert!(
        after.is_ok(),
        "{:?}",
        after.err().map(|e| e.message().to_owned())
    );
}

/// The probe fault (`SANDBOXPROBE` in a fault field) marks an answer as the behaviours' probes
/// do: WeChat's one probe form, the prefix and 336 characters of the real signature.
#[test]
fn the_probe_fault_and_a_probe_answer_have_wechat_s_one_form() {
    let fx = common::sandbox();
    let endpoint = wxpresign::endpoints::find(EDU).expect("the education endpoint");
    let field = wxpresign_sandbox::fault_field(endpoint).expect("its fault field");
    let mut request = example(EDU);
    request[field] = "SANDBOXPROBE".into();
    let target = format!("/{EDU}");
    let body = request.to_string();
    let headers = signed_headers(&fx, "POST", &target, body.as_bytes());
    let answer = send(&fx, "POST", &target, &headers, body.as_bytes());
    let signature = answer.header("Wechatpay-Signature");

    assert!(signature.starts_with("WECHATPAY/SIGNTEST/"), "{signature}");
    assert_eq!(signature.len(), 355, "{signature}");
}
