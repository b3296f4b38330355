//! Secrets: the merchant private key and the APIv3 key never show in Debug, Display or error
//! output of a client or configuration, whichever member they were (mis)placed in, and through
//! the C ABI too; and they are held in types that wipe themselves. tests/it/config.rs covers
//! malformed keys in their own members; this file covers keys pasted into every other member,
//! the members added for TLS and failover, and the C ABI.

use serde_json::{Value, json};
use std::ffi::{CStr, CString};
use std::sync::OnceLock;
use wxpresign::config::Config;
use wxpresign::{Client, Error, Kind};

const APIV3_KEY: &str = "Zx8q1W2e3R4t5Y6u7I8o9P0aSdFgHjKl";

struct Secrets {
    /// A complete, valid configuration holding both secrets.
    config: Value,
    private_pem: String,
    /// A PKCS#8 EC key: the right label, the wrong algorithm, and a secret all the same.
    ec_private_pem: String,
}

fn secrets() -> &'static Secrets {
    static SECRETS: OnceLock<Secrets> = OnceLock::new();
    SECRETS.get_or_init(|| {
        let (identity, merchant_key) =
            wxpresign_sandbox::Identity::generate().expect("key generation works");
        let mut config = identity
            .client_config(&merchant_key, "http://127.0.0.1:1")
            .expect("config renders");
        config["apiv3_key"] = json!(APIV3_KEY);
        let private_pem = config["merchant_private_key"]
            .as_str()
            .expect("inline key")
            .to_owned();
        let ec_private_pem = rcgen::KeyPair::generate()
            .expect("an EC key")
            .serialize_pem();
        Secrets {
            config,
            private_pem,
            ec_private_pem,
        }
    })
}

/// Fails when `text` shows a body line of either private key, the APIv3 key, or the APIv3
/// key's bytes as Rust prints a byte slice.
fn assert_no_secret(text: &str, context: &str) {
    let s = secrets();
    for pem in [&s.private_pem, &s.ec_private_pem] {
        for line in pem
            .lines()
            .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        {
            assert!(
                !text.contains(line),
                "{context} shows a private key line: {text}"
            );
            // Also as JSON would escape it inside a longer string.
            assert!(
                !text.contains(&line[..16]),
                "{context} shows a private key fragment: {text}"
            );
        }
    }
    assert!(
        !text.contains(APIV3_KEY),
        "{context} shows the APIv3 key: {text}"
    );
    let bytes = format!("{:?}", APIV3_KEY.as_bytes());
    assert!(
        !text.contains(bytes.trim_start_matches('[').trim_end_matches(']')),
        "{context} shows the APIv3 key bytes: {text}"
    );
}

fn assert_error_has_no_secret(error: &Error, context: &str) {
    assert_no_secret(error.message(), context);
    assert_no_secret(&error.to_string(), &format!("{context} (Display)"));
    assert_no_secret(&format!("{error:?}"), &format!("{context} (Debug)"));
    assert_no_secret(&error.to_json().to_string(), &format!("{context} (JSON)"));
}

fn changed(changes: &[(&str, Value)]) -> Value {
    let mut config = secrets().config.clone();
    for (key, value) in changes {
        if value.is_null() {
            config.as_object_mut().expect("an object").remove(*key);
        } else {
            config[*key] = value.clone();
        }
    }
    config
}

fn refused(config: &Value, context: &str) -> Error {
    match Config::from_json(&config.to_string()) {
        Ok(_) => panic!("{context}: the configuration is accepted"),
        Err(e) => {
            assert_eq!(e.kind(), Kind::Config, "{context}: {e}");
            e
        }
    }
}

#[test]
fn a_private_key_pasted_into_any_other_member_is_refused_without_showing_it() {
    let pem = json!(secrets().private_pem);
    let cases: Vec<(&str, Value)> = vec![
        ("mchid", pem.clone()),
        ("merchant_serial_no", pem.clone()),
        ("wechatpay_public_key_id", pem.clone()),
        ("base_url", pem.clone()),
        ("global_base_url", pem.clone()),
        ("backup_base_url", pem.clone()),
        ("user_agent", pem.clone()),
        ("apiv3_key", pem.clone()),
        ("extra_ca_pem", pem.clone()),
        ("extra_ca_file", pem.clone()),
        ("wechatpay_public_key_file", pem.clone()),
        ("platform_certificate_files", json!([pem.clone()])),
        ("platform_certificates", json!([pem.clone()])),
        ("backup_failover", pem.clone()),
        ("connect_timeout_ms", pem.clone()),
    ];
    for (member, value) in cases {
        let mut config = changed(&[(member, value)]);
        if member == "wechatpay_public_key_file" {
            config
                .as_object_mut()
                .expect("object")
                .remove("wechatpay_public_key");
        }
        let error = refused(&config, member);
        assert_error_has_no_secret(&error, &format!("private key in {member}"));
    }
}

#[test]
fn a_private_key_given_as_its_own_file_path_is_refused_without_showing_it() {
    let config = changed(&[
        ("merchant_private_key", Value::Null),
        ("merchant_private_key_file", json!(secrets().private_pem)),
    ]);
    let error = refused(&config, "PEM as a path");
    assert!(error.message().contains("not a path"), "{error}");
    assert_error_has_no_secret(&error, "private key as merchant_private_key_file");
}

#[test]
fn the_apiv3_key_pasted_into_any_other_member_is_refused_without_showing_it() {
    let key = json!(APIV3_KEY);
    for member in [
        "mchid",
        "merchant_serial_no",
        "wechatpay_public_key_id",
        "base_url",
        "global_base_url",
        "backup_base_url",
        "extra_ca_pem",
        "extra_ca_file",
        "merchant_private_key_file",
        "platform_certificates",
        "platform_certificate_files",
        "timeout_ms",
        "allow_unknown_fields",
    ] {
        let value = match member {
            "platform_certificates" | "platform_certificate_files" => json!([key.clone()]),
            _ => key.clone(),
        };
        let mut config = changed(&[(member, value)]);
        if member == "merchant_private_key_file" {
            config
                .as_object_mut()
                .expect("object")
                .remove("merchant_private_key");
        }
        let error = refused(&config, member);
        assert_error_has_no_secret(&error, &format!("APIv3 key in {member}"));
    }
}

#[test]
fn malformed_private_keys_are_refused_without_showing_them() {
    let s = secrets();
    let pem = s.private_pem.as_str();
    let lines: Vec<&str> = pem.lines().collect();
    let cases = [
        (
            "an EC key under the PRIVATE KEY label",
            s.ec_private_pem.clone(),
        ),
        ("two keys in one text", format!("{pem}\n{pem}")),
        ("text after the END line", format!("{pem}\ntrailing words")),
        (
            "the body without BEGIN/END",
            lines[1..lines.len() - 1].join("\n"),
        ),
        ("a body line repeated", {
            let mut l = lines.clone();
            l.insert(3, lines[3]);
            l.join("\n")
        }),
        (
            "the body base64 padded wrongly",
            pem.replacen("\n-----END", "=\n-----END", 1),
        ),
        ("a key whose body is cut in half", {
            let half = lines.len() / 2;
            let mut l = lines[..half].to_vec();
            l.push(lines[lines.len() - 1]);
            l.join("\n")
        }),
    ];
    for (case, text) in cases {
        let error = refused(&changed(&[("merchant_private_key", json!(text))]), case);
        assert_error_has_no_secret(&error, case);
    }
}

#[test]
fn debug_of_a_fully_configured_client_and_config_shows_no_secret() {
    let config = changed(&[
        ("backup_base_url", json!("http://127.0.0.1:2")),
        ("extra_ca_pem", json!(ca_pem())),
        ("user_agent", json!("shop/1.0")),
    ]);
    let parsed = Config::from_json(&config.to_string()).expect("valid");
    assert_no_secret(&format!("{parsed:?}"), "Debug of Config");
    assert_no_secret(&format!("{parsed:#?}"), "pretty Debug of Config");
    let client = Client::from_json(&config.to_string()).expect("valid");
    assert_no_secret(&format!("{client:?}"), "Debug of Client");
    assert_no_secret(&format!("{client:#?}"), "pretty Debug of Client");
    assert_no_secret(&format!("{:?}", client.verifier()), "Debug of the verifier");
}

fn ca_pem() -> String {
    let key = rcgen::KeyPair::generate().expect("a key");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.self_signed(&key).expect("a CA").pem()
}

#[test]
fn call_errors_show_no_secret() {
    // Nothing listens on port 1: a transport error, built from the request that was signed.
    let client = Client::from_json(&secrets().config.to_string()).expect("valid");
    let error = client
        .call(
            "v3/edu-papay/contracts/presign",
            r#"{"appid":"wx8888888888888888","openid":"o","plan_id":"1","user_id":"u","period_start_date":"2026-12-19","trade_scene":"EDUCATION_PERIOD"}"#,
        )
        .expect_err("nothing listens");
    assert_eq!(error.kind(), Kind::Transport);
    assert_error_has_no_secret(&error, "transport error");
}

#[test]
fn the_c_abi_error_json_shows_no_secret() {
    let config = changed(&[("merchant_serial_no", json!(secrets().private_pem))]);
    let text = CString::new(config.to_string()).expect("no NUL");
    let mut client = std::ptr::null_mut();
    let mut error = std::ptr::null_mut();
    // SAFETY: valid C string and out-pointers; the error string is freed below.
    let status =
        unsafe { wxpresign::ffi::wxpresign_client_new(text.as_ptr(), &mut client, &mut error) };
    assert_ne!(status as i32, 0, "the configuration is refused");
    assert!(client.is_null());
    // SAFETY: the library wrote a NUL-terminated string it owns.
    let json = unsafe { CStr::from_ptr(error) }
        .to_string_lossy()
        .into_owned();
    unsafe { wxpresign::ffi::wxpresign_string_free(error) };
    assert!(json.contains("merchant_serial_no"), "{json}");
    assert_no_secret(&json, "wxpresign_client_new error JSON");
}

#[test]
fn secrets_are_held_in_types_that_wipe_themselves() {
    fn wipes_on_drop<T: zeroize::ZeroizeOnDrop>(_: &T) {}
    let config = Config::from_json(&secrets().config.to_string()).expect("valid");
    // The APIv3 key: Zeroizing<Vec<u8>>. The private key lives inside aws-lc, whose free
    // cleanses it (OPENSSL_free); its PKCS#8 export is handed out as Zeroizing<String>.
    wipes_on_drop(config.apiv3_key.as_ref().expect("configured"));
    wipes_on_drop(&config.merchant_key.to_pkcs8_pem().expect("exportable"));
    let raw: wxpresign::config::ConfigJson =
        serde_json::from_value(secrets().config.clone()).expect("the raw document");
    wipes_on_drop(raw.merchant_private_key.as_ref().expect("inline"));
    wipes_on_drop(raw.apiv3_key.as_ref().expect("configured"));
}

/// Fails when `text` holds any 8-character run of `secret`.
fn assert_no_run_of(text: &str, secret: &str, context: &str) {
    let chars: Vec<char> = secret.chars().collect();
    for run in chars.windows(8) {
        let run: String = run.iter().collect();
        assert!(!text.contains(&run), "{context} shows \"{run}\": {text}");
    }
}

fn assert_error_has_no_run_of(error: &Error, secret: &str, context: &str) {
    for shown in [
        error.message().to_owned(),
        format!("{error:?}"),
        error.to_json().to_string(),
    ] {
        assert_no_run_of(&shown, secret, context);
    }
}

#[test]
fn a_private_key_pasted_on_one_line_into_a_file_member_is_refused_without_showing_it() {
    let pem = &secrets().private_pem;
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    let one_line = pem.lines().collect::<Vec<_>>().concat();
    let spaced = pem.lines().collect::<Vec<_>>().join(" ");
    for member in [
        "merchant_private_key_file",
        "wechatpay_public_key_file",
        "extra_ca_file",
        "platform_certificate_files",
    ] {
        for (form, text) in [
            ("body", &body),
            ("one line", &one_line),
            ("spaced", &spaced),
        ] {
            let value = match member {
                "platform_certificate_files" => json!([text]),
                _ => json!(text),
            };
            let inline = member.replace("_files", "s").replace("_file", "");
            let config = changed(&[(member, value), (&inline, Value::Null)]);
            let context = format!("the key's {form} in {member}");
            let error = refused(&config, &context);
            assert!(error.message().contains(member), "{context}: {error}");
            assert_error_has_no_run_of(&error, &body, &context);
        }
    }
}

#[test]
fn an_apiv3_key_with_a_suffix_is_refused_without_showing_it() {
    for suffix in [" ", "  ", "\n", "x", "\r\n", "1234567890"] {
        let key = format!("{APIV3_KEY}{suffix}");
        let context = format!("the APIv3 key followed by {suffix:?}");
        let error = refused(&changed(&[("apiv3_key", json!(key))]), &context);
        assert!(error.message().contains("/apiv3_key"), "{context}: {error}");
        assert_error_has_no_run_of(&error, APIV3_KEY, &context);
        // The same key, pasted with its suffix into a member that takes a path.
        let config = changed(&[
            ("merchant_private_key", Value::Null),
            ("merchant_private_key_file", json!(key)),
        ]);
        let error = refused(&config, &format!("{context}, as a path"));
        assert_error_has_no_run_of(&error, APIV3_KEY, &context);
    }
}

#[test]
fn a_private_key_pasted_into_no_proxy_is_refused_without_showing_it() {
    let body: String = secrets()
        .private_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let config = changed(&[
        ("proxy", json!("http://127.0.0.1:3128")),
        ("no_proxy", json!([body])),
    ]);
    let error = refused(&config, "no_proxy");
    assert!(error.message().contains("no_proxy entry 1"), "{error}");
    assert_error_has_no_run_of(&error, &body, "a key in no_proxy");
}
