//! Fixtures shared by the fuzz targets: fixed keys from the spec's vectors (tests/data), clients
//! whose base URL is a closed loopback port, a signer standing in for WeChat Pay, and the checks
//! every target applies to an error.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use std::sync::OnceLock;
use wxpresign::keys::{PlatformCertificate, PrivateKey, PublicKey};
use wxpresign::signing::response_message;
use wxpresign::verification::Verifier;
use wxpresign::{Client, Error, Kind};

/// wechatpay-go's test key (spec §6.1); WeChat Pay's side of the harnesses signs with it.
pub const GO_PRIVATE_KEY: &str = include_str!("../../tests/data/go_test_private_key.pem");
/// wechatpay-go's callback certificate over the same key (spec §6.2).
pub const GO_CERT: &str = include_str!("../../tests/data/go_test_cert_D7CE59D1F522D701.pem");
pub const GO_SERIAL: &str = "D7CE59D1F522D701";
/// The notification vector's timestamp (spec §6.2).
pub const GO_NOW: u64 = 1624523846;
/// The 16-byte key of the wechatpay-go notification vector (AES-128-GCM).
pub const GO_APIV3_KEY: &[u8] = b"testMchAPIv3Key0";
/// wechatpay-java's 32-byte APIv3 key (spec §6.4).
pub const JAVA_APIV3_KEY: &str = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";

/// The WeChat Pay public key of the official response-verification example (spec §6.8).
pub const OFFICIAL_PUBLIC_KEY: &str = include_str!(
    "../../tests/data/official_doc_wechatpay_public_key_PUB_KEY_ID_0000000000000024101100397200000006.pem"
);
pub const PUB_KEY_ID: &str = "PUB_KEY_ID_0000000000000024101100397200000006";
/// The official response example's timestamp (spec §6.8).
pub const OFFICIAL_NOW: u64 = 1722850421;

pub fn go_key() -> &'static PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| PrivateKey::from_pem(GO_PRIVATE_KEY, "go key").expect("fixture key"))
}

pub fn official_public_key() -> &'static PublicKey {
    static KEY: OnceLock<PublicKey> = OnceLock::new();
    KEY.get_or_init(|| PublicKey::from_pem(OFFICIAL_PUBLIC_KEY, "official key").expect("fixture"))
}

/// Both modes at once: the official public key by PUB_KEY_ID and the Go certificate by serial.
pub fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let cert = PlatformCertificate::from_pem(GO_CERT, "go cert").expect("fixture cert");
        Verifier::new(
            Some((PUB_KEY_ID.to_owned(), official_public_key().clone())),
            vec![cert],
        )
    })
}

/// WeChat Pay's signature (with the Go key) over `timestamp\nnonce\nbody\n`, as Base64.
pub fn sign(timestamp: &str, nonce: &str, body: &[u8]) -> String {
    let signature = go_key()
        .sign_sha256(&response_message(timestamp, nonce, body))
        .expect("signing with the fixture key works");
    STANDARD.encode(signature)
}

/// `http://127.0.0.1:PORT` where nothing listens: a call fails at connect, nothing is sent.
pub fn closed_base_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().expect("bound").port();
        drop(listener);
        format!("http://127.0.0.1:{port}")
    })
}

/// A client configuration: the Go key as merchant key, the official public key (public-key
/// mode) and the Go certificate (certificate mode), the Java APIv3 key.
pub fn config(base_url: &str, allow_unknown_fields: bool) -> Value {
    json!({
        "mchid": "1900007291",
        "merchant_serial_no": "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB",
        "merchant_private_key": GO_PRIVATE_KEY,
        "wechatpay_public_key_id": PUB_KEY_ID,
        "wechatpay_public_key": OFFICIAL_PUBLIC_KEY,
        "platform_certificates": [GO_CERT],
        "apiv3_key": JAVA_APIV3_KEY,
        "base_url": base_url,
        "global_base_url": base_url,
        "backup_failover": false,
        "connect_timeout_ms": 2000,
        "timeout_ms": 3000,
        "allow_unknown_fields": allow_unknown_fields,
    })
}

/// A client against [`closed_base_url`]; `allow_unknown` selects the second one.
pub fn closed_client(allow_unknown: bool) -> &'static Client {
    static STRICT: OnceLock<Client> = OnceLock::new();
    static LENIENT: OnceLock<Client> = OnceLock::new();
    let cell = if allow_unknown { &LENIENT } else { &STRICT };
    cell.get_or_init(|| {
        Client::from_json(&config(closed_base_url(), allow_unknown).to_string())
            .expect("the fixture configuration is valid")
    })
}

/// What every error must satisfy: its JSON envelope is well formed, names its kind, and the
/// message is not empty.
pub fn check_error(e: &Error) {
    let json = e.to_json();
    let text = json.to_string();
    let back: Value = serde_json::from_str(&text).expect("error JSON re-parses");
    assert_eq!(back["error"]["kind"], e.kind().as_str(), "{text}");
    assert!(
        !e.message().is_empty(),
        "an error without a message: {text}"
    );
    assert!(back["error"]["retryable"].is_boolean(), "{text}");
    assert!(
        back["error"]["may_have_reached_server"].is_boolean(),
        "{text}"
    );
    if e.kind() == Kind::Internal {
        panic!("an internal error (a bug) from fuzz input: {text}");
    }
}

/// The JSON members of a configuration that name files.
const FILE_MEMBERS: &[&str] = &[
    "merchant_private_key_file",
    "wechatpay_public_key_file",
    "platform_certificate_files",
    "extra_ca_file",
];

/// False when a configuration names a file that is not a small regular file. The library reads
/// the files a caller names; the harnesses leave devices (/dev/zero, /dev/stdin) and large files
/// out so that a run measures the parsers, not the machine (the read cap is a separate check,
/// see tests/fuzz_regressions.rs).
pub fn config_files_are_small_regular_files(text: &str) -> bool {
    let Ok(Value::Object(members)) = serde_json::from_str::<Value>(text) else {
        // Not an object: from_json fails before it reads any file.
        return true;
    };
    let ok = |path: &Value| match path.as_str() {
        Some(p) => std::fs::metadata(p).map_or(true, |m| m.is_file() && m.len() < 1 << 20),
        None => true,
    };
    FILE_MEMBERS
        .iter()
        .filter_map(|name| members.get(*name))
        .all(|value| match value {
            Value::Array(items) => items.iter().all(ok),
            other => ok(other),
        })
}

/// Splits `data` at the first `sep`: (before, after); all of it and nothing when absent.
pub fn split_once<'a>(data: &'a [u8], sep: &[u8]) -> (&'a [u8], &'a [u8]) {
    match data.windows(sep.len()).position(|w| w == sep) {
        Some(i) => (&data[..i], &data[i + sep.len()..]),
        None => (data, &[]),
    }
}

/// The endpoint the HTTP answer targets call: its example is a valid request.
pub const EDU: &str = "v3/edu-papay/contracts/presign";

/// The HTTP answer an `http_answer` input stands for. The first byte holds flags: with bit 0
/// the rest is the answer as it is; without it, the rest is a head and a body split at the first
/// blank line (`\r\n\r\n`), and the `Wechatpay-*` headers signed over the body with the Go key
/// at the current minute are added to the head, as WeChat Pay does, so that the fuzzer reaches
/// what happens after verification. `None` for an empty input.
pub fn answer_of(data: &[u8]) -> Option<Vec<u8>> {
    let (&flags, rest) = data.split_first()?;
    if flags & 1 == 1 {
        return Some(rest.to_vec());
    }
    let (head, body) = split_once(rest, b"\r\n\r\n");
    // The minute, well inside the five minutes verification allows, so that a body seen in the
    // last minute is not signed again: an RSA signature is most of an input's cost.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let timestamp = (now - now % 60).to_string();
    let nonce = "fuzznonce0123456789abcdefghijklm";
    thread_local! {
        static SIGNED: std::cell::RefCell<std::collections::HashMap<(String, Vec<u8>), String>> =
            std::cell::RefCell::default();
    }
    let signature = SIGNED.with(|signed| {
        let mut signed = signed.borrow_mut();
        if signed.len() > 4096 {
            signed.clear();
        }
        signed
            .entry((timestamp.clone(), body.to_vec()))
            .or_insert_with(|| sign(&timestamp, nonce, body))
            .clone()
    });
    let mut answer = head.to_vec();
    for (name, value) in [
        ("Wechatpay-Timestamp", timestamp.clone()),
        ("Wechatpay-Nonce", nonce.to_owned()),
        ("Wechatpay-Serial", GO_SERIAL.to_owned()),
        ("Wechatpay-Signature", signature),
    ] {
        answer.extend_from_slice(format!("\r\n{name}: {value}").as_bytes());
    }
    answer.extend_from_slice(b"\r\n\r\n");
    answer.extend_from_slice(body);
    Some(answer)
}

/// What a call's result must satisfy whatever the far end sent: a success is a 2xx whose
/// envelope renders as JSON; an error is well formed (see [`check_error`]), of a kind an answer
/// can cause, a non-2xx status for an API error; and it says the request may have reached the
/// server exactly when the request was written (`sent`): not sent means not received, and a
/// request that went out is never reported as safe to resend.
pub fn check_answered(result: Result<wxpresign::Response, Error>, sent: bool) {
    match result {
        Ok(response) => {
            assert!(sent, "a success for a request never written: {response:?}");
            assert!((200..300).contains(&response.status), "{response:?}");
            let json = response.to_json().to_string();
            serde_json::from_str::<Value>(&json).expect("an answer renders as JSON");
        }
        Err(e) => {
            check_error(&e);
            let json = e.to_json();
            match e.kind() {
                Kind::Transport | Kind::Verify => {}
                Kind::Api => {
                    let status = json["error"]["http_status"].as_u64().expect("http_status");
                    assert!(!(200..300).contains(&status), "{json}");
                }
                other => panic!("unexpected kind {other:?}: {json}"),
            }
            assert_eq!(json["error"]["may_have_reached_server"], sent, "{json}");
        }
    }
}
