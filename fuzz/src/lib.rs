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
