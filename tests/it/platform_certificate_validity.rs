//! A downloaded platform certificate is trusted exactly within its validity period: from its
//! notBefore second through its notAfter second, both included, as RFC 5280 §4.1.2.5 reads it.
//! A second before it, the list is refused as WeChat Pay's fault (tests/it/certificates.rs has the
//! second after).

use wxpresign::Kind;
use wxpresign::certificates::decrypt_list;
use wxpresign::error::Result;
use wxpresign_sandbox::certificates::{Platform, listing};

const APIV3_KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

/// A list holding only `platform`'s certificate, as WeChat Pay sends it, read at `now`.
fn read_at(platform: &Platform, now: u64) -> Result<()> {
    let list = listing(
        std::iter::once((platform.serial.as_str(), &platform.certificate)),
        APIV3_KEY,
    )
    .expect("the list encrypts");
    decrypt_list(&list, APIV3_KEY, now).map(|_| ())
}

fn issued() -> Platform {
    Platform::issue().expect("a certificate is issued")
}

#[test]
fn a_certificate_is_trusted_from_its_not_before_second() {
    let platform = issued();
    let first = platform.certificate.not_before;
    read_at(&platform, first).expect("valid from its first second");
}

#[test]
fn a_certificate_is_trusted_through_its_not_after_second() {
    let platform = issued();
    let last = platform.certificate.not_after;
    read_at(&platform, last).expect("valid through its last second");
}

#[test]
fn a_certificate_one_second_before_its_validity_is_refused() {
    let platform = issued();
    let e = read_at(&platform, platform.certificate.not_before - 1).unwrap_err();
    assert!(
        e.kind() == Kind::Verify && e.message().contains("not valid now"),
        "{e}"
    );
}
