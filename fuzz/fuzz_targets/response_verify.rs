//! A signed answer as a server sends it: header lines (`Name: value`), a blank line, the body.
//! The first byte holds flags: bit 0 picks the clock (the official example's or the Go vector's
//! time), bit 1 has the harness sign the body as WeChat Pay would (Go key, Go certificate serial),
//! which must then verify. Without it, the fuzzer's own headers go through verification.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxpresign::Kind;
use wxpresign::verification::SignedHeaders;
use wxpresign_fuzz::{GO_NOW, GO_SERIAL, OFFICIAL_NOW, check_error, sign, split_once, verifier};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let now = if flags & 1 == 0 { OFFICIAL_NOW } else { GO_NOW };
    let (head, body) = split_once(rest, b"\n\n");
    let head = String::from_utf8_lossy(head);
    let pairs: Vec<(&str, &str)> = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name, value.trim_start()))
        .collect();

    let headers = match SignedHeaders::from_pairs(pairs.iter().copied()) {
        Ok(headers) => headers,
        Err(e) => {
            check_error(&e);
            assert_eq!(e.kind(), Kind::Verify, "{}", e.to_json());
            return;
        }
    };
    let verifier = verifier();
    for result in [
        verifier.verify(&headers, body, now),
        verifier.verify_notification(&headers, body, now),
    ] {
        if let Err(e) = result {
            check_error(&e);
            assert_eq!(e.kind(), Kind::Verify, "{}", e.to_json());
        }
    }
    if let Some(serial) = &headers.serial {
        let _ = verifier.key_for(serial);
    }

    if flags & 2 != 0 {
        // WeChat Pay's side: whatever the body and nonce, a fresh signature verifies.
        let nonce = match headers.nonce.as_deref() {
            Some(n) if !n.is_empty() => n.to_owned(),
            _ => "5K8264ILTKCH16CQ2502SI8ZNMTM67VS".to_owned(),
        };
        let timestamp = now.to_string();
        let signed = SignedHeaders {
            timestamp: Some(timestamp.clone()),
            nonce: Some(nonce.clone()),
            serial: Some(GO_SERIAL.to_owned()),
            signature: Some(sign(&timestamp, &nonce, body)),
            signature_type: None,
            request_id: headers.request_id.clone(),
        };
        if let Err(e) = verifier.verify(&signed, body, now) {
            panic!("a correctly signed answer fails: {}", e.to_json());
        }
        // And the signature covers the exact bytes: one more byte breaks it.
        let mut longer = body.to_vec();
        longer.push(b' ');
        let e = verifier
            .verify(&signed, &longer, now)
            .expect_err("a changed body must fail");
        assert_eq!(e.kind(), Kind::Verify);
    }
});
