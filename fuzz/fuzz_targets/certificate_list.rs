//! A `GET /v3/certificates` answer body as a server sends it, through decryption with the APIv3
//! key and the checks of each certificate. When the first byte is odd, the harness encrypts the
//! rest of the input as the certificate of a well-formed list, so the fuzzer reaches X.509
//! parsing; otherwise the input is the list itself. Either way: a list of checked certificates
//! or a verify or crypto error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::json;
use wxpresign::Kind;
use wxpresign::certificates::decrypt_list;
use wxpresign_fuzz::check_error;

const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
const NOW: u64 = 1_800_000_000;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let body = if flags & 1 == 1 {
        let Ok(ciphertext) = wxpresign::aes_gcm::encrypt(KEY, "61f9c719728a", "certificate", rest) else {
            return;
        };
        json!({ "data": [{
            "serial_no": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            "effective_time": "2018-06-08T10:34:56+08:00",
            "expire_time": "2028-06-08T10:34:56+08:00",
            "encrypt_certificate": {
                "algorithm": "AEAD_AES_256_GCM",
                "nonce": "61f9c719728a",
                "associated_data": "certificate",
                "ciphertext": ciphertext,
            },
        }]})
    } else {
        match serde_json::from_slice(rest) {
            Ok(body) => body,
            Err(_) => return,
        }
    };
    match decrypt_list(&body, KEY, NOW) {
        Ok(listed) => {
            assert!(!listed.is_empty());
            for certificate in &listed {
                assert!(NOW >= certificate.certificate.not_before);
                assert!(NOW <= certificate.certificate.not_after);
            }
        }
        Err(e) => {
            check_error(&e);
            assert!(
                matches!(e.kind(), Kind::Verify | Kind::Crypto),
                "{}",
                e.to_json()
            );
        }
    }
});
