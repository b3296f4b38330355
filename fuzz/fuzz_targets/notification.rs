//! A notification as WeChat Pay posts it: the first byte holds flags, then the headers as a JSON
//! object on one line, a newline, and the raw body. They go through `headers_from_json` and
//! `notification::parse` with fixed keys and a fixed clock.
//!
//! Flags: bit 0 picks the clock (Go vector or official example); bit 1 has the harness sign the
//! body as WeChat Pay would; bit 2 also seals the resource first (the body's
//! `resource.ciphertext` is taken as the plaintext and encrypted with the APIv3 key), so the
//! fuzzer reaches the decrypted resource; bits 3-4 pick the APIv3 key (Go's 16 bytes, Java's 32,
//! none, or one of the wrong length).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wxpresign::Kind;
use wxpresign::aes_gcm::ALGORITHM;
use wxpresign::notification::{self, Answer};
use wxpresign::verification::SignedHeaders;
use wxpresign_fuzz::{
    GO_APIV3_KEY, GO_NOW, GO_SERIAL, JAVA_APIV3_KEY, OFFICIAL_NOW, check_error, sign, split_once,
    verifier,
};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let now = if flags & 1 == 0 { GO_NOW } else { OFFICIAL_NOW };
    let key: Option<&[u8]> = match (flags >> 3) & 3 {
        0 => Some(GO_APIV3_KEY),
        1 => Some(JAVA_APIV3_KEY.as_bytes()),
        2 => None,
        _ => Some(&JAVA_APIV3_KEY.as_bytes()[..31]),
    };
    let (headers_json, body) = split_once(rest, b"\n");
    let Ok(headers_json) = std::str::from_utf8(headers_json) else {
        return;
    };

    let mut headers = match notification::headers_from_json(headers_json) {
        Ok(headers) => headers,
        Err(e) => {
            check_error(&e);
            assert!(
                matches!(e.kind(), Kind::Argument | Kind::Verify),
                "{}",
                e.to_json()
            );
            Answer::failure(&e).to_json();
            return;
        }
    };

    let mut body = body.to_vec();
    let mut expected = None;
    let resign = flags & 6 != 0;
    if flags & 4 != 0 {
        if let Some((sealed, resource)) = key.and_then(|key| seal(&body, key)) {
            body = sealed;
            expected = resource;
        }
    }
    if resign {
        let nonce = match headers.nonce.as_deref() {
            Some(n) if !n.is_empty() => n.to_owned(),
            _ => "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz".to_owned(),
        };
        let timestamp = now.to_string();
        headers = SignedHeaders {
            signature: Some(sign(&timestamp, &nonce, &body)),
            timestamp: Some(timestamp),
            nonce: Some(nonce),
            serial: Some(GO_SERIAL.to_owned()),
            signature_type: headers
                .signature_type
                .filter(|t| t == "WECHATPAY2-SHA256-RSA2048"),
            request_id: headers.request_id,
        };
    }

    match notification::parse(verifier(), key, &headers, &body, now) {
        Ok(n) => {
            let json = n.to_json().to_string();
            serde_json::from_str::<Value>(&json).expect("a notification renders as JSON");
            Answer::success().to_json();
            if let Some(resource) = expected {
                assert_eq!(n.resource, resource, "the resource is not what was sealed");
            }
        }
        Err(e) => {
            check_error(&e);
            Answer::failure(&e).to_json();
            let kind = e.kind();
            if resign {
                // Signed by WeChat Pay's key at `now`: the signature is never the problem.
                assert_ne!(kind, Kind::Verify, "{}", e.to_json());
            }
            if expected.is_some() {
                panic!("a well-formed sealed notification fails: {}", e.to_json());
            }
            match kind {
                Kind::Config => assert!(key.is_none(), "{}", e.to_json()),
                Kind::Argument | Kind::Verify | Kind::Crypto => {}
                other => panic!("unexpected kind {other:?}: {}", e.to_json()),
            }
        }
    }
});

/// Encrypts `resource.ciphertext` (taken as the plaintext) in place; with it the resource the
/// parse must return when the rest of the envelope is well formed, else `None`.
fn seal(body: &[u8], key: &[u8]) -> Option<(Vec<u8>, Option<Value>)> {
    let mut envelope: Value = serde_json::from_slice(body).ok()?;
    let resource = envelope.get_mut("resource")?.as_object_mut()?;
    let nonce = resource.get("nonce")?.as_str()?.to_owned();
    let associated_data = match resource.get("associated_data") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return None,
    };
    let plaintext = resource.get("ciphertext")?.as_str()?.to_owned();
    let ciphertext =
        wxpresign::aes_gcm::encrypt(key, &nonce, &associated_data, plaintext.as_bytes()).ok()?;
    resource.insert("ciphertext".into(), ciphertext.into());
    let well_formed = resource.get("algorithm").and_then(Value::as_str) == Some(ALGORITHM)
        && ["/id", "/event_type"]
            .iter()
            .all(|p| envelope.pointer(p).is_some_and(Value::is_string))
        && ["/create_time", "/resource_type", "/summary"]
            .iter()
            .all(|p| {
                matches!(
                    envelope.pointer(p),
                    None | Some(Value::Null | Value::String(_))
                )
            });
    let decrypted = serde_json::from_str::<Value>(&plaintext).ok();
    let sealed = serde_json::to_vec(&envelope).ok()?;
    let expected =
        decrypted.filter(|_| well_formed && sealed.len() <= notification::MAX_BODY_BYTES);
    Some((sealed, expected))
}
