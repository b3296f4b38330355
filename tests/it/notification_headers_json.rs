//! The headers of a notification as the C ABI and the bindings take them (`headers_json`): a
//! value is a string, or an array holding one string, as PSR-7's `getHeaders()` and some
//! frameworks give them. An array of two is a header sent twice, refused as ambiguous as a
//! repeated signed header is; an empty array or a value that is not a string is the caller's
//! mistake.

use wxpresign::Kind;
use wxpresign::notification::headers_from_json;

#[test]
fn a_header_given_as_an_array_of_one_string_is_read_as_that_string() {
    let headers = headers_from_json(
        r#"{"Wechatpay-Serial":["PUB_KEY_ID_0114232134912410000000000000"],
            "Wechatpay-Nonce":["fdasfwqewlkja484w"]}"#,
    )
    .expect("PSR-7 style headers");
    assert_eq!(
        (headers.serial.as_deref(), headers.nonce.as_deref()),
        (
            Some("PUB_KEY_ID_0114232134912410000000000000"),
            Some("fdasfwqewlkja484w")
        )
    );
}

#[test]
fn a_header_given_as_an_array_of_two_strings_is_refused_as_sent_twice() {
    let e =
        headers_from_json(r#"{"Wechatpay-Timestamp":["1554208460","1554208461"]}"#).unwrap_err();
    assert!(
        e.kind() == Kind::Verify && e.message().contains("more than once"),
        "{e}"
    );
}

#[test]
fn a_header_given_as_an_empty_array_is_an_argument_error() {
    let e = headers_from_json(r#"{"Wechatpay-Signature":[]}"#).unwrap_err();
    assert!(
        e.kind() == Kind::Argument && e.message().contains("Wechatpay-Signature"),
        "{e}"
    );
}

#[test]
fn a_header_given_as_an_array_of_one_number_is_an_argument_error() {
    let e = headers_from_json(r#"{"Wechatpay-Timestamp":[1554208460]}"#).unwrap_err();
    assert!(
        e.kind() == Kind::Argument && e.message().contains("Wechatpay-Timestamp"),
        "{e}"
    );
}
