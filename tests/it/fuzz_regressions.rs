//! Findings of fuzzing (reliability/fuzz.sh, fuzz/fuzz_targets/) kept as regression tests: each
//! input inline, with the clear error it must now give.
//!
//! F1 (config_json, c_abi): a configuration's `*_file` members were read whole with
//! `read_to_string`, so a path naming a device or a pipe (`/dev/zero`, `/dev/stdin`, a FIFO)
//! made `wxpresign_client_new` allocate until the host process ran out of memory, or block
//! without end. The fuzz harnesses skip such paths (they would measure the machine, not the
//! parsers); these tests pin the fix: only regular files of at most 1 MiB are read.

//!
//! F2 (request_json): the RFC 3339 check of cross-border `expired_time` sliced the value by byte
//! offsets, so a multi-byte character inside the offset (`+0Ƚ00`) panicked instead of being
//! refused. The check now refuses non-ASCII values first.

use serde_json::{Value, json};
use std::path::PathBuf;
use wxpresign::Kind;
use wxpresign::config::Config;

const GO_PRIVATE_KEY: &str = include_str!("../data/go_test_private_key.pem");
const OFFICIAL_PUBLIC_KEY: &str = include_str!(
    "../data/official_doc_wechatpay_public_key_PUB_KEY_ID_0000000000000024101100397200000006.pem"
);

fn config_with(changes: Value) -> Value {
    let mut config = json!({
        "mchid": "1900007291",
        "merchant_serial_no": "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB",
        "merchant_private_key": GO_PRIVATE_KEY,
        "wechatpay_public_key_id": "PUB_KEY_ID_0000000000000024101100397200000006",
        "wechatpay_public_key": OFFICIAL_PUBLIC_KEY,
    });
    for (k, v) in changes.as_object().expect("an object") {
        if v.is_null() {
            config.as_object_mut().expect("an object").remove(k);
        } else {
            config[k] = v.clone();
        }
    }
    config
}

/// The config error message for `config`, which must fail.
fn config_error(config: &Value) -> String {
    let error = Config::from_json(&config.to_string()).expect_err("the configuration is refused");
    assert_eq!(error.kind(), Kind::Config, "{}", error.to_json());
    error.message().to_owned()
}

/// A file of `bytes` bytes in the temporary directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: usize) -> TempFile {
        // Unique per file: tests run in parallel and each removes its own.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("wxpresign-{}-{n}-{name}", std::process::id()));
        let mut text = String::from("-----BEGIN PRIVATE KEY-----\n");
        text.extend(std::iter::repeat_n('A', bytes.saturating_sub(text.len())));
        std::fs::write(&path, text).expect("the temporary directory is writable");
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temporary path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The cap protects the tests below: without it, `/dev/zero` would be read until the test
/// process runs out of memory and a FIFO would block the test for ever.
fn assert_files_are_capped() {
    let big = TempFile::new("cap-check.pem", 2 * 1024 * 1024);
    let message = config_error(&config_with(json!({
        "merchant_private_key": null,
        "merchant_private_key_file": big.path(),
    })));
    assert!(
        message.contains("larger than"),
        "a 2 MiB key file must be refused before it is parsed (finding F1), got: {message}"
    );
}

#[test]
fn a_key_file_larger_than_one_mebibyte_is_refused_unread() {
    assert_files_are_capped();
}

#[test]
fn a_key_file_of_one_mebibyte_is_read_and_parsed() {
    let file = TempFile::new("one-mib.pem", 1024 * 1024);
    let message = config_error(&config_with(json!({
        "merchant_private_key": null,
        "merchant_private_key_file": file.path(),
    })));
    assert!(
        message.contains("is not a PEM block"),
        "a 1 MiB file is within the cap and reaches the PEM parser, got: {message}"
    );
}

#[test]
fn a_key_file_naming_dev_zero_is_refused_as_not_a_regular_file() {
    assert_files_are_capped();
    let message = config_error(&config_with(json!({
        "merchant_private_key": null,
        "merchant_private_key_file": "/dev/zero",
    })));
    assert!(
        message.contains("/merchant_private_key_file names a file that is not a regular file"),
        "{message}"
    );
}

#[test]
fn every_file_member_refuses_a_device() {
    assert_files_are_capped();
    for changes in [
        json!({"wechatpay_public_key": null, "wechatpay_public_key_file": "/dev/zero"}),
        json!({"platform_certificate_files": ["/dev/zero"]}),
        json!({"extra_ca_file": "/dev/zero"}),
    ] {
        let message = config_error(&config_with(changes.clone()));
        assert!(
            message.contains("is not a regular file"),
            "{changes}: {message}"
        );
    }
}

#[test]
fn a_key_file_naming_a_fifo_is_refused_without_blocking() {
    assert_files_are_capped();
    let path = std::env::temp_dir().join(format!("wxpresign-{}-key.fifo", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let c_path = std::ffi::CString::new(path.to_str().expect("UTF-8")).expect("no NUL");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(
        unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) },
        0,
        "mkfifo works"
    );
    let message = config_error(&config_with(json!({
        "merchant_private_key": null,
        "merchant_private_key_file": path.to_str(),
    })));
    let _ = std::fs::remove_file(&path);
    assert!(message.contains("is not a regular file"), "{message}");
}

#[test]
fn a_key_file_naming_a_directory_is_refused_as_not_a_regular_file() {
    let message = config_error(&config_with(json!({
        "merchant_private_key": null,
        "merchant_private_key_file": std::env::temp_dir().to_str(),
    })));
    assert!(message.contains("is not a regular file"), "{message}");
}

#[test]
fn an_expiry_with_a_multibyte_character_in_its_offset_is_refused_at_its_field() {
    let mut request: Value = serde_json::from_str(
        wxpresign::endpoints::find("v3/global/papay/contracts/app-pre-entrust-sign")
            .expect("known")
            .example,
    )
    .expect("JSON");
    request["expired_time"] = json!("2026-12-20T13:29:35+0\u{23d}00");
    let endpoint = wxpresign::endpoints::find("v3/global/papay/contracts/app-pre-entrust-sign")
        .expect("known");
    let error = wxpresign::validation::validate(endpoint.request, endpoint.rules, &request, false)
        .expect_err("refused");
    assert_eq!(error.field(), Some("/expired_time"));
}
