//! Client configuration: what `Config::from_json` and `Client::from_json` accept, what they
//! refuse and how they say so, and that no secret ever shows in Debug output or an error.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use std::sync::OnceLock;
use wxpresign::config::{Config, DEFAULT_BASE_URL, DEFAULT_GLOBAL_BASE_URL};
use wxpresign::keys::PrivateKey;
use wxpresign::{Client, Error, Kind};

/// §6.1 of the protocol spec: the wechatpay-go test key (PKCS#8) and its signature over "source".
const GO_PRIVATE_KEY: &str = include_str!("../data/go_test_private_key.pem");
const GO_SOURCE_SIGNATURE: &str = "BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoVz+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLli/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg==";
const GO_CERT_D7CE59D1F522D701: &str = include_str!("../data/go_test_cert_D7CE59D1F522D701.pem");

const PUB_KEY_ID: &str = "PUB_KEY_ID_0000000000000024101100397200000006";
const APIV3_KEY: &str = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";
const MERCHANT_SERIAL_NO: &str = "5F1C72E2A8931B72A2E13AF8DEE92471EB397115";

/// A generated merchant key (PKCS#8 PEM) and a generated "WeChat Pay" public key (PEM),
/// made once per test binary because RSA key generation is slow in debug builds.
struct Keys {
    merchant_private_pem: String,
    wechatpay_public_pem: String,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let merchant = PrivateKey::generate().expect("RSA key generation works");
        let wechatpay = PrivateKey::generate().expect("RSA key generation works");
        Keys {
            merchant_private_pem: merchant
                .to_pkcs8_pem()
                .expect("a generated key encodes as PKCS#8")
                .to_string(),
            wechatpay_public_pem: wechatpay
                .public_key()
                .and_then(|k| k.to_pem())
                .expect("a generated key has a PEM public half"),
        }
    })
}

/// The smallest complete configuration, in public-key mode, with an APIv3 key.
fn minimal() -> Map<String, Value> {
    let k = keys();
    let Value::Object(map) = json!({
        "mchid": "1900007291",
        "merchant_serial_no": MERCHANT_SERIAL_NO,
        "merchant_private_key": k.merchant_private_pem,
        "wechatpay_public_key_id": PUB_KEY_ID,
        "wechatpay_public_key": k.wechatpay_public_pem,
        "apiv3_key": APIV3_KEY,
    }) else {
        unreachable!("json! of an object literal is an object")
    };
    map
}

fn with(mut config: Map<String, Value>, key: &str, value: Value) -> Map<String, Value> {
    config.insert(key.to_owned(), value);
    config
}

fn without(mut config: Map<String, Value>, key: &str) -> Map<String, Value> {
    config
        .remove(key)
        .unwrap_or_else(|| panic!("{key} is in the configuration"));
    config
}

fn load(config: &Map<String, Value>) -> Result<Config, Error> {
    Config::from_json(&Value::Object(config.clone()).to_string())
}

fn accepted(config: &Map<String, Value>) -> Config {
    load(config).unwrap_or_else(|e| panic!("the configuration is accepted: {e}"))
}

/// The config error `config` must produce.
fn refused(config: &Map<String, Value>) -> Error {
    let error = match load(config) {
        Ok(_) => panic!("the configuration is refused"),
        Err(e) => e,
    };
    assert_eq!(error.kind(), Kind::Config, "{error}");
    error
}

fn assert_message_names(error: &Error, what: &str) {
    assert!(
        error.message().contains(what),
        "the message names {what}: {}",
        error.message()
    );
}

/// A PKCS#1 (`BEGIN RSA PRIVATE KEY`) PEM of a PKCS#8 PEM: the RSAPrivateKey inside the
/// PrivateKeyInfo's OCTET STRING, so no external tool is needed.
fn pkcs1_pem_of(pkcs8_pem: &str) -> String {
    fn tlv(der: &[u8]) -> (u8, &[u8], &[u8]) {
        let tag = der[0];
        let (len, header) = match der[1] {
            n if n < 0x80 => (n as usize, 2),
            n => {
                let count = (n & 0x7f) as usize;
                let len = der[2..2 + count]
                    .iter()
                    .fold(0usize, |acc, &b| (acc << 8) | b as usize);
                (len, 2 + count)
            }
        };
        (tag, &der[header..header + len], &der[header + len..])
    }
    let body: String = pkcs8_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = STANDARD.decode(body).expect("the PEM body is Base64");
    let (tag, info, _) = tlv(&der);
    assert_eq!(tag, 0x30, "PrivateKeyInfo is a SEQUENCE");
    let (tag, _version, rest) = tlv(info);
    assert_eq!(tag, 0x02, "version INTEGER");
    let (tag, _algorithm, rest) = tlv(rest);
    assert_eq!(tag, 0x30, "AlgorithmIdentifier SEQUENCE");
    let (tag, rsa_private_key, _) = tlv(rest);
    assert_eq!(tag, 0x04, "privateKey OCTET STRING");
    let encoded = STANDARD.encode(rsa_private_key);
    let mut pem = String::from("-----BEGIN RSA PRIVATE KEY-----\n");
    for chunk in encoded.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).expect("Base64 is ASCII"));
        pem.push('\n');
    }
    pem.push_str("-----END RSA PRIVATE KEY-----\n");
    pem
}

/// Fails when `text` shows any line of the merchant key's PEM body, the APIv3 key, or the
/// APIv3 key's bytes as Rust would print a byte slice.
fn assert_no_secret(text: &str, context: &str) {
    for line in keys()
        .merchant_private_pem
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
    {
        assert!(
            !text.contains(line),
            "{context} shows a line of the private key: {text}"
        );
    }
    assert!(
        !text.contains(APIV3_KEY),
        "{context} shows the APIv3 key: {text}"
    );
    let bytes = format!("{:?}", APIV3_KEY.as_bytes());
    let bytes = bytes.trim_start_matches('[').trim_end_matches(']');
    assert!(
        !text.contains(bytes),
        "{context} shows the APIv3 key bytes: {text}"
    );
}

fn assert_error_has_no_secret(error: &Error, context: &str) {
    assert_no_secret(error.message(), &format!("{context}: message"));
    assert_no_secret(&error.to_string(), &format!("{context}: Display"));
    assert_no_secret(&format!("{error:?}"), &format!("{context}: Debug"));
    assert_no_secret(&error.to_json().to_string(), &format!("{context}: to_json"));
}

/// A file in the temporary directory, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!(
            "wxpresign-config-test-{}-{name}",
            std::process::id()
        ));
        std::fs::write(&path, contents).expect("the temporary directory is writable");
        TempFile(path)
    }

    fn path(&self) -> String {
        self.0.to_str().expect("a UTF-8 temp path").to_owned()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

// ---------------------------------------------------------------------------------------------
// What is accepted.

#[test]
fn minimal_public_key_config_is_accepted() {
    let config = accepted(&minimal());
    assert_eq!(config.mchid, "1900007291");
    assert_eq!(config.merchant_serial_no, MERCHANT_SERIAL_NO);
    assert_eq!(
        config
            .wechatpay_public_key
            .as_ref()
            .map(|(id, _)| id.as_str()),
        Some(PUB_KEY_ID)
    );
}

#[test]
fn minimal_config_uses_the_official_hosts_and_refuses_unknown_fields() {
    let config = accepted(&minimal());
    assert_eq!(config.base_url.as_str(), DEFAULT_BASE_URL);
    assert_eq!(config.global_base_url.as_str(), DEFAULT_GLOBAL_BASE_URL);
    assert_eq!(DEFAULT_BASE_URL, "https://api.mch.weixin.qq.com");
    assert!(!config.allow_unknown_fields);
}

#[test]
fn minimal_config_builds_a_client() {
    let json = Value::Object(minimal()).to_string();
    let client = Client::from_json(&json).expect("the minimal configuration builds a client");
    assert_eq!(client.apiv3_key(), Some(APIV3_KEY.as_bytes()));
}

#[test]
fn client_prefers_the_public_key_for_wechatpay_serial() {
    let config = with(
        minimal(),
        "platform_certificates",
        json!([GO_CERT_D7CE59D1F522D701]),
    );
    let client = Client::from_json(&Value::Object(config).to_string())
        .expect("public key and certificate together are accepted");
    let verifier = client.verifier();
    let (serial, _) = verifier.preferred().expect("a key is configured");
    assert_eq!(serial, PUB_KEY_ID);
}

#[test]
fn certificate_mode_config_is_accepted() {
    let config = with(
        without(
            without(minimal(), "wechatpay_public_key_id"),
            "wechatpay_public_key",
        ),
        "platform_certificates",
        json!([GO_CERT_D7CE59D1F522D701]),
    );
    let config = accepted(&config);
    assert!(config.wechatpay_public_key.is_none());
    assert_eq!(
        config
            .platform_certificates
            .iter()
            .map(|c| c.serial.as_str())
            .collect::<Vec<_>>(),
        ["D7CE59D1F522D701"]
    );
}

#[test]
fn apiv3_key_is_optional() {
    let config = accepted(&without(minimal(), "apiv3_key"));
    assert!(config.apiv3_key.is_none());
}

#[test]
fn pkcs1_private_key_is_accepted_and_signs_like_its_pkcs8_form() {
    let pkcs1 = pkcs1_pem_of(GO_PRIVATE_KEY);
    assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    let config = accepted(&with(minimal(), "merchant_private_key", json!(pkcs1)));
    let signature = config
        .merchant_key
        .sign_sha256(b"source")
        .expect("the PKCS#1 key signs");
    assert_eq!(STANDARD.encode(signature), GO_SOURCE_SIGNATURE);
}

#[test]
fn pkcs8_vector_key_signs_the_published_go_signature() {
    let config = accepted(&with(
        minimal(),
        "merchant_private_key",
        json!(GO_PRIVATE_KEY),
    ));
    let signature = config
        .merchant_key
        .sign_sha256(b"source")
        .expect("the PKCS#8 key signs");
    assert_eq!(STANDARD.encode(signature), GO_SOURCE_SIGNATURE);
}

#[test]
fn private_key_with_crlf_line_ends_and_surrounding_blanks_is_accepted() {
    let pasted = format!(
        "\r\n  {}  \r\n",
        keys().merchant_private_pem.replace('\n', "\r\n")
    );
    accepted(&with(minimal(), "merchant_private_key", json!(pasted)));
}

#[test]
fn private_key_file_is_read() {
    let file = TempFile::new("apiclient_key.pem", &keys().merchant_private_pem);
    let config = with(
        without(minimal(), "merchant_private_key"),
        "merchant_private_key_file",
        json!(file.path()),
    );
    accepted(&config);
}

#[test]
fn wechatpay_public_key_file_is_read() {
    let file = TempFile::new("pub_key.pem", &keys().wechatpay_public_pem);
    let config = with(
        without(minimal(), "wechatpay_public_key"),
        "wechatpay_public_key_file",
        json!(file.path()),
    );
    accepted(&config);
}

#[test]
fn http_base_url_to_loopback_is_accepted() {
    for url in [
        "http://127.0.0.1:8080",
        "http://127.0.0.1",
        "http://localhost:9000",
        "http://[::1]:9000",
    ] {
        let config = accepted(&with(minimal(), "base_url", json!(url)));
        assert_eq!(config.base_url.as_str(), url);
    }
}

#[test]
fn base_url_trailing_slash_is_dropped() {
    let config = accepted(&with(
        minimal(),
        "base_url",
        json!("https://api2.mch.weixin.qq.com/"),
    ));
    assert_eq!(config.base_url.as_str(), "https://api2.mch.weixin.qq.com");
}

#[test]
fn timeouts_are_taken_in_milliseconds() {
    let config = with(
        with(minimal(), "connect_timeout_ms", json!(1500)),
        "timeout_ms",
        json!(600_000),
    );
    let config = accepted(&config);
    assert_eq!(config.connect_timeout.as_millis(), 1500);
    assert_eq!(config.timeout.as_secs(), 600);
}

// ---------------------------------------------------------------------------------------------
// What is refused, and how the error says so.

#[test]
fn misspelled_key_is_a_config_error_naming_it() {
    let error = refused(&with(minimal(), "mchid_", json!("1900007291")));
    assert_message_names(&error, "mchid_");
}

#[test]
fn unknown_timeout_key_is_a_config_error_naming_it() {
    let error = refused(&with(minimal(), "timeout", json!(30)));
    assert_message_names(&error, "timeout");
}

#[test]
fn config_that_is_not_json_is_a_config_error() {
    let error = Config::from_json("{\"mchid\": \"1900007291\",}")
        .expect_err("a trailing comma is not JSON");
    assert_eq!(error.kind(), Kind::Config);
}

#[test]
fn mistyped_member_is_a_config_error_giving_the_expected_type() {
    let error = refused(&with(
        minimal(),
        "platform_certificates",
        json!(GO_CERT_D7CE59D1F522D701),
    ));
    assert_message_names(&error, "expected a sequence");
    assert!(
        !error.message().contains("MII"),
        "the mistyped value is not quoted: {}",
        error.message()
    );
}

#[test]
fn missing_mchid_is_a_config_error_naming_it() {
    let error = refused(&without(minimal(), "mchid"));
    assert_message_names(&error, "mchid");
}

#[test]
fn blank_mchid_is_a_config_error_naming_it() {
    let error = refused(&with(minimal(), "mchid", json!("  ")));
    assert_message_names(&error, "mchid");
}

#[test]
fn non_numeric_mchid_is_refused() {
    let error = refused(&with(minimal(), "mchid", json!("wx8888888888888888")));
    assert_message_names(&error, "mchid");
}

#[test]
fn missing_merchant_serial_no_is_a_config_error_naming_it() {
    let error = refused(&without(minimal(), "merchant_serial_no"));
    assert_message_names(&error, "merchant_serial_no");
}

#[test]
fn public_key_id_given_as_merchant_serial_no_is_refused() {
    let error = refused(&with(minimal(), "merchant_serial_no", json!(PUB_KEY_ID)));
    assert_message_names(&error, "merchant_serial_no");
}

#[test]
fn missing_private_key_is_a_config_error_naming_both_ways_to_give_it() {
    let error = refused(&without(minimal(), "merchant_private_key"));
    assert_message_names(&error, "merchant_private_key");
    assert_message_names(&error, "merchant_private_key_file");
}

#[test]
fn private_key_both_inline_and_as_file_is_refused() {
    let error = refused(&with(
        minimal(),
        "merchant_private_key_file",
        json!("/nonexistent/apiclient_key.pem"),
    ));
    assert_message_names(&error, "merchant_private_key_file");
}

#[test]
fn unreadable_private_key_file_is_a_config_error_naming_the_member_not_the_path() {
    let config = with(
        without(minimal(), "merchant_private_key"),
        "merchant_private_key_file",
        json!("/nonexistent/apiclient_key.pem"),
    );
    let error = refused(&config);
    assert_message_names(&error, "/merchant_private_key_file");
    assert!(!error.message().contains("apiclient_key.pem"), "{error}");
    assert_eq!(error.field(), Some("/merchant_private_key_file"));
}

#[test]
fn missing_wechatpay_keys_is_a_config_error_naming_both_modes() {
    let config = without(
        without(minimal(), "wechatpay_public_key_id"),
        "wechatpay_public_key",
    );
    let error = refused(&config);
    assert_message_names(&error, "wechatpay_public_key");
    assert_message_names(&error, "platform_certificates");
}

#[test]
fn wechatpay_public_key_without_its_id_is_refused() {
    let error = refused(&without(minimal(), "wechatpay_public_key_id"));
    assert_message_names(&error, "wechatpay_public_key_id");
}

#[test]
fn wechatpay_public_key_id_without_its_key_is_refused() {
    let error = refused(&without(minimal(), "wechatpay_public_key"));
    assert_message_names(&error, "wechatpay_public_key");
}

#[test]
fn wechatpay_public_key_id_without_prefix_is_refused() {
    for id in [
        "0000000000000024101100397200000006",
        "D7CE59D1F522D701",
        "pub_key_id_0000000000000024101100397200000006",
    ] {
        let error = refused(&with(minimal(), "wechatpay_public_key_id", json!(id)));
        assert_message_names(&error, "PUB_KEY_ID_");
    }
}

#[test]
fn certificate_given_as_wechatpay_public_key_is_refused() {
    let error = refused(&with(
        minimal(),
        "wechatpay_public_key",
        json!(GO_CERT_D7CE59D1F522D701),
    ));
    assert_message_names(&error, "certificate");
}

#[test]
fn public_key_given_as_merchant_private_key_is_refused() {
    let error = refused(&with(
        minimal(),
        "merchant_private_key",
        json!(keys().wechatpay_public_pem),
    ));
    assert_message_names(&error, "merchant_private_key");
}

#[test]
fn text_that_is_not_pem_as_private_key_is_refused() {
    let error = refused(&with(
        minimal(),
        "merchant_private_key",
        json!("apiclient_key.pem"),
    ));
    assert_message_names(&error, "merchant_private_key");
}

#[test]
fn http_base_url_to_a_public_host_is_refused() {
    let error = refused(&with(
        minimal(),
        "base_url",
        json!("http://api.mch.weixin.qq.com"),
    ));
    assert_message_names(&error, "base_url");
}

#[test]
fn http_base_url_to_loopback_lookalikes_is_refused() {
    for url in [
        "http://127.0.0.1.example.com",
        "http://localhost.example.com:8080",
        "http://127.0.0.1@example.com",
        "http://10.0.0.1:8080",
    ] {
        let error = refused(&with(minimal(), "base_url", json!(url)));
        assert_message_names(&error, "base_url");
    }
}

#[test]
fn http_global_base_url_to_a_public_host_is_refused() {
    let error = refused(&with(
        minimal(),
        "global_base_url",
        json!("http://apihk.mch.weixin.qq.com"),
    ));
    assert_message_names(&error, "global_base_url");
}

#[test]
fn base_url_with_a_path_or_without_scheme_is_refused() {
    for url in [
        "https://api.mch.weixin.qq.com/v3",
        "api.mch.weixin.qq.com",
        "ftp://api.mch.weixin.qq.com",
    ] {
        let error = refused(&with(minimal(), "base_url", json!(url)));
        assert_message_names(&error, "base_url");
    }
}

#[test]
fn apiv3_key_of_wrong_length_is_refused() {
    for key in [&APIV3_KEY[..31], &format!("{APIV3_KEY}x"), ""] {
        let error = refused(&with(minimal(), "apiv3_key", json!(key)));
        assert_message_names(&error, "apiv3_key");
    }
}

#[test]
fn timeouts_out_of_range_are_refused() {
    for (key, ms) in [
        ("timeout_ms", 0),
        ("timeout_ms", 600_001),
        ("connect_timeout_ms", 0),
    ] {
        let error = refused(&with(minimal(), key, json!(ms)));
        assert_message_names(&error, key);
    }
}

#[test]
fn user_agent_with_control_characters_is_refused() {
    let error = refused(&with(
        minimal(),
        "user_agent",
        json!("shop/1.0\r\nX-Evil: 1"),
    ));
    assert_message_names(&error, "user_agent");
}

// ---------------------------------------------------------------------------------------------
// Secrets never leak.

#[test]
fn config_debug_shows_no_secret() {
    let config = accepted(&minimal());
    assert_no_secret(&format!("{config:?}"), "Debug of Config");
    assert_no_secret(&format!("{config:#?}"), "pretty Debug of Config");
}

#[test]
fn client_debug_shows_no_secret() {
    let client = Client::from_json(&Value::Object(minimal()).to_string())
        .expect("the minimal configuration builds a client");
    assert_no_secret(&format!("{client:?}"), "Debug of Client");
    assert_no_secret(&format!("{client:#?}"), "pretty Debug of Client");
}

#[test]
fn config_debug_still_names_the_public_identifiers() {
    let shown = format!("{:?}", accepted(&minimal()));
    assert!(shown.contains("1900007291"), "{shown}");
    assert!(shown.contains(PUB_KEY_ID), "{shown}");
}

#[test]
fn no_config_error_shows_a_secret() {
    let k = keys();
    let private = k.merchant_private_pem.as_str();
    let body_lines: Vec<&str> = private.lines().collect();
    // The key with one body line missing, one character corrupted, or no END line.
    let mut missing_line = body_lines.clone();
    missing_line.remove(5);
    let corrupted = private.replacen('A', "!", 1);
    let truncated = body_lines[..body_lines.len() - 1].join("\n");

    let cases: Vec<(&str, Map<String, Value>)> = vec![
        ("misspelled key", with(minimal(), "mchid_", json!("1"))),
        ("unknown key", with(minimal(), "timeout", json!(30))),
        ("missing mchid", without(minimal(), "mchid")),
        ("non-numeric mchid", with(minimal(), "mchid", json!("abc"))),
        (
            "missing merchant_serial_no",
            without(minimal(), "merchant_serial_no"),
        ),
        (
            "PUB_KEY_ID as merchant_serial_no",
            with(minimal(), "merchant_serial_no", json!(PUB_KEY_ID)),
        ),
        (
            "private key inline and as a file",
            with(
                minimal(),
                "merchant_private_key_file",
                json!("/nonexistent"),
            ),
        ),
        (
            "private key missing a line",
            with(
                minimal(),
                "merchant_private_key",
                json!(missing_line.join("\n")),
            ),
        ),
        (
            "private key with a corrupted character",
            with(minimal(), "merchant_private_key", json!(corrupted)),
        ),
        (
            "private key without END line",
            with(minimal(), "merchant_private_key", json!(truncated)),
        ),
        (
            "private key under another label",
            with(
                minimal(),
                "merchant_private_key",
                json!(private.replace("PRIVATE KEY", "EC PRIVATE KEY")),
            ),
        ),
        (
            "private key pasted as the WeChat Pay public key",
            with(minimal(), "wechatpay_public_key", json!(private)),
        ),
        (
            "private key pasted into the certificate list",
            with(minimal(), "platform_certificates", json!([private])),
        ),
        (
            "private key pasted as the certificate list itself",
            with(minimal(), "platform_certificates", json!(private)),
        ),
        (
            "private key pasted as a timeout",
            with(minimal(), "timeout_ms", json!(private)),
        ),
        (
            "APIv3 key pasted as a flag",
            with(minimal(), "allow_unknown_fields", json!(APIV3_KEY)),
        ),
        (
            "public key without its id",
            without(minimal(), "wechatpay_public_key_id"),
        ),
        (
            "public key id without its key",
            without(minimal(), "wechatpay_public_key"),
        ),
        (
            "public key id without prefix",
            with(minimal(), "wechatpay_public_key_id", json!("123")),
        ),
        (
            "no WeChat Pay key",
            without(
                without(minimal(), "wechatpay_public_key_id"),
                "wechatpay_public_key",
            ),
        ),
        (
            "APIv3 key too short",
            with(minimal(), "apiv3_key", json!(&APIV3_KEY[..31])),
        ),
        (
            "APIv3 key too long",
            with(
                minimal(),
                "apiv3_key",
                json!(format!("{APIV3_KEY}{APIV3_KEY}")),
            ),
        ),
        (
            "http base_url",
            with(minimal(), "base_url", json!("http://example.com")),
        ),
        ("zero timeout", with(minimal(), "timeout_ms", json!(0))),
        (
            "bad user_agent",
            with(minimal(), "user_agent", json!("a\nb")),
        ),
    ];
    for (context, config) in cases {
        let error = refused(&config);
        assert_error_has_no_secret(&error, context);
    }
}

#[test]
fn config_error_from_unparsable_json_shows_no_secret() {
    let mut text = Value::Object(minimal()).to_string();
    text.push(','); // trailing garbage after a complete document
    let error = Config::from_json(&text).expect_err("trailing garbage is refused");
    assert_error_has_no_secret(&error, "trailing garbage");
}

#[test]
fn base_url_with_a_broken_authority_is_refused_when_the_client_is_made() {
    for url in [
        "http://[::1",
        "http://127.0.0.1:99999",
        "http://127.0.0.1:0",
        "http://127.0.0.1:",
        "https://:443",
    ] {
        let mut config = minimal();
        config.insert("base_url".into(), url.into());
        let error = refused(&config);
        assert!(
            error.message().contains("scheme://host[:port]"),
            "{url}: {}",
            error.message()
        );
    }
}

#[test]
fn a_public_key_id_that_is_not_pub_key_id_and_digits_is_refused_when_read() {
    for id in [
        "PUB_KEY_ID_0114232134912410000000000000\r\nX-Injected: 1",
        "PUB_KEY_ID_01142321349124１０",
        "PUB_KEY_ID_0114232134912410000000000000é",
        "PUB_KEY_ID_ 0114232134912410000000000000",
        "PUB_KEY_ID_01142321349124\t10",
        "PUB_KEY_ID_",
    ] {
        let error = refused(&with(minimal(), "wechatpay_public_key_id", json!(id)));
        assert_message_names(&error, "/wechatpay_public_key_id");
        assert_message_names(&error, "PUB_KEY_ID_ followed by digits");
        assert_eq!(error.field(), Some("/wechatpay_public_key_id"), "{id:?}");
    }
}

#[test]
fn a_base_url_with_a_control_character_space_or_non_ascii_host_is_refused_when_read() {
    for member in ["base_url", "backup_base_url", "global_base_url"] {
        for url in [
            "https://api.mch\r\n.weixin.qq.com",
            "https://api.mch.weixin.qq.com\r\nX-Injected: 1",
            "https://api.mch\t.weixin.qq.com",
            "https://api.mch\u{7f}.weixin.qq.com",
            "https://api.mch\u{0}.weixin.qq.com",
            "http://127.0.0.1\n:8080",
            "https://api\u{a0}.mch.weixin.qq.com",
            "https://支付.example",
        ] {
            let error = refused(&with(minimal(), member, json!(url)));
            let pointer = format!("/{member}");
            assert_message_names(&error, &pointer);
            assert_eq!(error.field(), Some(pointer.as_str()), "{url:?}");
        }
    }
}

#[test]
fn pem_text_in_a_file_member_points_to_the_member_that_takes_the_text() {
    let pem = keys().wechatpay_public_pem.clone();
    for (member, value, inline) in [
        (
            "platform_certificate_files",
            json!([pem]),
            "/platform_certificates",
        ),
        ("extra_ca_file", json!(pem), "/extra_ca_pem"),
        (
            "merchant_private_key_file",
            json!(pem),
            "/merchant_private_key",
        ),
    ] {
        let mut config = with(minimal(), member, value);
        if member == "merchant_private_key_file" {
            config = without(config, "merchant_private_key");
        }
        let error = refused(&config);
        assert_message_names(&error, "holds PEM text, not a path");
        assert_message_names(&error, &format!("give the text in {inline},"));
    }
}

#[test]
fn a_member_of_the_wrong_type_is_named_by_its_pointer() {
    for (member, value) in [
        ("allow_http_notify_loopback", json!("yes")),
        ("download_platform_certificates", json!(1)),
        ("timeout_ms", json!("5000")),
        ("retry", json!([])),
    ] {
        let error = refused(&with(minimal(), member, value));
        assert_eq!(error.kind(), Kind::Config, "{member}");
        assert_eq!(
            error.field(),
            Some(format!("/{member}").as_str()),
            "{member}: {error}"
        );
        assert_message_names(&error, member);
    }
}
