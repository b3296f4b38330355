//! The headers of a signed answer or notification as `SignedHeaders::from_pairs` reads them for
//! a Rust caller: `Request-ID`, which the merchant quotes to WeChat Pay's support, is kept
//! whatever its case, and when proxies on the way add another, the first is kept instead of the
//! answer being refused, as it is not signed.

use wxpresign::verification::SignedHeaders;

#[test]
fn a_request_id_is_kept_whatever_the_case_of_its_name() {
    let headers = SignedHeaders::from_pairs([
        (
            "Wechatpay-Serial",
            "PUB_KEY_ID_0114232134912410000000000000",
        ),
        ("request-id", "08AB9C8D0A10E0F6A6C40618A8D8C80D-0"),
    ])
    .expect("well formed");
    assert_eq!(
        headers.request_id.as_deref(),
        Some("08AB9C8D0A10E0F6A6C40618A8D8C80D-0")
    );
}

#[test]
fn a_repeated_request_id_keeps_the_first() {
    let headers = SignedHeaders::from_pairs([
        ("Request-ID", "08AB9C8D0A10E0F6A6C40618A8D8C80D-0"),
        ("Request-Id", "proxy-added-7"),
    ])
    .expect("a repeated Request-ID is no reason to refuse the answer");
    assert_eq!(
        headers.request_id.as_deref(),
        Some("08AB9C8D0A10E0F6A6C40618A8D8C80D-0")
    );
}
