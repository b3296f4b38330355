//! The protocol core pinned to published test vectors (../shared/spec/apiv3-protocol.md §6).
//! The PEM fixtures are copies of the spec's vector files, kept in tests/data so that the
//! tests run without the spec checkout.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use wxpresign::Kind;
use wxpresign::keys::{PlatformCertificate, PrivateKey, PublicKey};
use wxpresign::notification::{self, Answer, Notification};
use wxpresign::signing::{self, SCHEME, Signer};
use wxpresign::verification::{SignedHeaders, Verifier};
use wxpresign_sandbox::Authorization;

// ---------------------------------------------------------------------------------------------
// Fixtures.

/// §6.7: the test private key published in the official APIv3 documentation.
const OFFICIAL_DOC_PRIVATE_KEY: &str = include_str!("../data/official_doc_test_private_key.pem");
/// §6.8: the WeChat Pay public key of the official response-verification example.
const OFFICIAL_DOC_WECHATPAY_PUBLIC_KEY: &str = include_str!(
    "../data/official_doc_wechatpay_public_key_PUB_KEY_ID_0000000000000024101100397200000006.pem"
);
/// §6.1: the wechatpay-go test key.
const GO_PRIVATE_KEY: &str = include_str!("../data/go_test_private_key.pem");
/// §6.2: the wechatpay-go callback certificate (same key as §6.1).
const GO_CERT_D7CE59D1F522D701: &str = include_str!("../data/go_test_cert_D7CE59D1F522D701.pem");
/// §6.1: another self-signed certificate over the same Go key.
const GO_CERT_F5765756002FDD77: &str = include_str!("../data/go_test_cert_F5765756002FDD77.pem");
/// §6.6: the wechatpay-apache-httpclient RSA-OAEP test key.
const APACHE_PRIVATE_KEY: &str = include_str!("../data/apache_httpclient_test_private_key.pem");

// §6.7 official request-signing example.
const DOC_MCHID: &str = "1900007291";
const DOC_SERIAL_NO: &str = "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB";
const DOC_TIMESTAMP: u64 = 1554208460;
const DOC_NONCE: &str = "593BEC0C930BF1AFEB40B4A08C8FB242";
const DOC_JSAPI_URL: &str = "/v3/pay/transactions/jsapi";
const DOC_JSAPI_BODY: &str = r#"{"appid":"wxd678efh567hg6787","mchid":"1900007291","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}"#;
const DOC_JSAPI_MESSAGE: &str = "POST\n/v3/pay/transactions/jsapi\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1900007291\",\"description\":\"Image形象店-深圳腾大-QQ公仔\",\"out_trade_no\":\"1217752501201407033233368018\",\"notify_url\":\"https://www.weixin.qq.com/wxpay/pay.php\",\"amount\":{\"total\":100,\"currency\":\"CNY\"},\"payer\":{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"}}\n";
const DOC_JSAPI_SIGNATURE: &str = "jnks4dlrPw3ZX+ozVvSK39oa0t7OMBsg83BHAwd8BRdUFiVaQNTLTvci+wURgP1OQBbKYhFGvt7iqYpDSTQkp7Uq1sltaQKyncCyrA1g88m5bsKERQfPyT0ahSwKTYJ1CAn9QiJuSJRq1QsQs07eehbU/k9BCS51jTyc1Jpsi2H77HF9f/BnjXAOP3/sPObg6V5Ee4EzwLox684hhuMuIwHo7D8KFk3LIHOKDcNI4It1aCXydFWNpNK+SG86VUDe5kwoDpw4Ulqfu9z8OFDGbDs9TCxEv8iqQzbpxOlEVoOe2kalSYM5kApQb3nZcxdUtoE0liJGW3RGUNE0t4v01A==";
/// The Authorization header exactly as the official documentation prints it (its attribute order).
const DOC_AUTHORIZATION: &str = "WECHATPAY2-SHA256-RSA2048 mchid=\"1900007291\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",signature=\"jnks4dlrPw3ZX+ozVvSK39oa0t7OMBsg83BHAwd8BRdUFiVaQNTLTvci+wURgP1OQBbKYhFGvt7iqYpDSTQkp7Uq1sltaQKyncCyrA1g88m5bsKERQfPyT0ahSwKTYJ1CAn9QiJuSJRq1QsQs07eehbU/k9BCS51jTyc1Jpsi2H77HF9f/BnjXAOP3/sPObg6V5Ee4EzwLox684hhuMuIwHo7D8KFk3LIHOKDcNI4It1aCXydFWNpNK+SG86VUDe5kwoDpw4Ulqfu9z8OFDGbDs9TCxEv8iqQzbpxOlEVoOe2kalSYM5kApQb3nZcxdUtoE0liJGW3RGUNE0t4v01A==\",timestamp=\"1554208460\",serial_no=\"408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB\"";

// §6.7 derived GET vectors (computed with the same key; regression values).
const DOC_GET_CERTIFICATES_SIGNATURE: &str = "JNEITrKv8DWEtBJGZtxG9ARa+eIZDIn1Ht3MQM5j9jP77TtHdfCqLjpwevfWftBuaGMfEdiu2sWYtLvnZIoLW3FH10OVCBzKncid5xClTwav8JX+uDeGBBX8w64iHvFyuQj8ukZT+F1AFJii8hmXLD8Os90thnL0bfJYLo/4K237TH4dEd44NTH9ElFb/ykrvv9RBs+mCNpy5IUe2Qxhba3d3RiMqhWK2sSr3tsVzQihJ0TPMnjWqoU2W5Y/v3rBFDmLhqe0ZW6A4vyvjmiR0v/8XEI25Py4PNyZXszsdl4j0zLqelUJxGEMUBhYg1LIoDPjYMlA9HV1yKD6+JYZJA==";
const DOC_GET_WITH_QUERY_URL: &str =
    "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109";
const DOC_GET_WITH_QUERY_SIGNATURE: &str = "lDt3l+XSPpekGzNurSoluoDCTW80pTcaO/x4JfyMTM204qvpAOPWfSAN7CHDl3hHaQYmfh0b3Od90/b8DD+L+vykoSvVoUuBmfOoalUCGNClCKOSjiWD8bfhvfkiDbrx8LQlhGRVlW0kRmCn3dNvMmdxLp4D6ongPjawqy8qI4SglZUTSQSy2D7ZyxhdBD9Wbv0sMHyKMwRzHX67vGcIQMfp0irtrDz4H7N2t4c3EyydlF4W1CBSrFevv7eIcAZUPFZsAQ6ZoYzK2y+yJULzwt3u/7wQonG46UJkr3webpWSTpAFpvFRqVSFRPIVQGAYpMU+/y3bDrGap/A3DFL+OQ==";

// §6.7 JSAPI / mini-program paySign (published in wechatpay-skills).
const DOC_PAYSIGN_MESSAGE: &str = "wx2421b1c4370ec43b\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\nprepay_id=wx201410272009395522657a690389285100\n";
const DOC_PAYSIGN_SIGNATURE: &str = "mI35pfNEQV6777ke/1T+LJLQDNTm7yeoUJH+j/adPGhmCCi0PbgkvYQTRcXH0uibcLVtvFLdGLpmoYO9FV6lBBsTAjuhh5YOvQi0e2g3e0yytitiNET9FEuqM0pjnKfRW4K6LIZDdbWJv9KhZUx3DrJa5TL7OJ7VdADVivxVySIlPVKjGwuCXzuXSJes0UcILgWQUMyha5/3nYofuHtS7r+KYyMuxD+oJ9VM1Qdxk4UIG59CP5Y3wtYIFybyF3bdu1caHTRRX+DLyMXyYA/IrTmiW01c4RPjpHBX5Dk1sZyY1zVsWNsvMHr2e1NTWtBxKJ+qk5N61J7caYoepHFaxw==";

// §6.1 wechatpay-go signature over "source".
const GO_SOURCE_SIGNATURE: &str = "BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoVz+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLli/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg==";

// §6.8 official response-verification example (public-key mode).
const PUB_KEY_ID: &str = "PUB_KEY_ID_0000000000000024101100397200000006";
const OFFICIAL_RESPONSE_TIMESTAMP: u64 = 1722850421;
const OFFICIAL_RESPONSE_BODY: &str = r#"{"code_url":"weixin://wxpay/bizpayurl?pr=JyC91EIz1"}"#;
const OFFICIAL_RESPONSE_HEADERS: &[(&str, &str)] = &[
    (
        "Request-ID",
        "08F5B8C2B506102C18FDDFEEA30620BE821E28EDC405-0",
    ),
    ("Wechatpay-Nonce", "d824f2e086d3c1df967785d13fcd22ef"),
    (
        "Wechatpay-Signature",
        "mfI1CPqvBrgcXfgXMFjdNIhBf27ACE2YyeWsWV9ZI7T7RU0vHvbQpu9Z32ogzc+k8ZC5n3kz7h70eWKjgqNdKQF0eRp8mVKlmfzMLBVHbssB9jEZEDXThOX1XFqX7s7ymia1hoHQxQagPGzkdWxtlZPZ4ZPvr1RiqkgAu6Is8MZgXXrRoBKqjmSdrP1N7uxzJ/cjfSiis9FiLjuADoqmQ1P7p2N876YPAol7Rn0+GswwAwxldbdLrmVSjfytfSBJFqTMHn4itojgxSWWN1byuckQt8hSTEv/Lg97QoeGniYP17T80pJeQyL3b+295FPHSO2AtvCgyIbKMZ0BALilAA==",
    ),
    ("Wechatpay-Timestamp", "1722850421"),
    ("Wechatpay-Serial", PUB_KEY_ID),
    ("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048"),
    ("Content-Type", "application/json; charset=utf-8"),
    ("Content-Length", "52"),
];

// §6.2 wechatpay-go callback (certificate mode, no Wechatpay-Signature-Type header).
const GO_CERT_SERIAL: &str = "D7CE59D1F522D701";
const GO_NOTIFY_TIMESTAMP: u64 = 1624523846;
const GO_NOTIFY_NONCE: &str = "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz";
const GO_NOTIFY_SIGNATURE: &str = "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==";
const GO_NOTIFY_BODY: &str = r#"{"id":"3119dfba-e649-5eec-ab1e-3412bc4d2e17","create_time":"2021-06-24T16:37:26+08:00","resource_type":"encrypt-resource","event_type":"PAYSCORE.USER_OPEN_SERVICE","summary":"签约成功","resource":{"original_type":"payscore","algorithm":"AEAD_AES_256_GCM","ciphertext":"YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZttevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==","associated_data":"payscore","nonce":"Kj7QIyUiYx1q"}}"#;

// §6.9 a real WECHATPAY/SIGNTEST/ probe (355 characters, not strict Base64).
const PROBE_SIGNATURE: &str = "WECHATPAY/SIGNTEST/2sWfO+6tVVsZonOXBXHOrle0TugJ31jDV3iGpjFchMYEyEZ48LxAmfW2gMXkP7Ce1OLORt7wHxkgBwTBHn9/JpPBwDFjiHMhSQCEYkk/gIXdO1E7dz6fnMmMqmI2urSR8WDWAG0jdIGFbnykjVFrQa7E1RhNNEIz476tmfj5Zp7W/kE1q7cxZIPumELjwfZHXybvrFMuYNEcf8Eq50V+I1e5onuIAa3RIuIIy30Kl2RANQJx1inQ0SirJjFtONAcPnLDWpeJuVCfRPLXE4ra5qsSwxbUDvnCAbTkz4L1mSZ/zyv80hd9t8upwSLbLiYJWV97N04Pb74zCg==";
const PROBE_SERIAL: &str = "51856640BA57CBD6343BA9EA2D409A9E9AC5EB65";
const PROBE_TIMESTAMP: u64 = 1733109540;
const PROBE_NONCE: &str = "xQWHK22dufHjLYg07545neOg4llwMJCJ";

// §6.6 wechatpay-apache-httpclient RSA ciphertexts of "helloworld".
const APACHE_OAEP_CIPHERTEXT: &str = "FJ8/0ubyxnMZ0GN2YEUgJgDVPCwMrsTKuLFxycI3jvOAcVTDEEermn2F7+cUtmCYvD2TkHUMHvWeJB6/nSPBDeGuxA4bCr584h2w9bRvVrwtQlnv1HpF2WRdGAuPcgrQcZvMpiH2ysxgPrGPMs9WOr8etxf1FifI0DkMb6w7wl2BDPPK+RfRdZq7T9KBtH2IllVTLUbRSqDGIctgIxB7RMqd3s/eK0p2Qjui8AVgP4j5Spq6JjITgKn0VDOO4JwzU8Zl++BwveoJMkTN150XF5ot+ruZvlNgjP1Hez0/rFxY7gQvxrSDwgL5A9up6JRI741psfs/3HrzBJOBdvO73A==";
const APACHE_PKCS1V15_CIPHERTEXT: &str = "lmkkdBz5CH4Zk6KIEzbyenf+WtKe8nuU9j+t8HonOm4v1OfLRiYhvdcequOSuaz5vjdpX434XjV9Q5LGC8aOCDZs/8LoyR3m/6JpYa0nkGOh6Le2JvSPNXlSq9HUEoElBJD5KsxbsRoif0kuioBGSKvKB0xwIvVtn+S0H2GYya7TC1L/ddhGhI/yxZgS/TI/Ppej3OzNmu0xA5RjpDR4rGAUrLvV7y/aM4mCN6WOaO6YsAnlGoSbK+P1sepeb0sCaJMClqbLE0Eoz2ve9FQ30w1Vgi5F02rpDwcZO8EXAkub0L12BN4QWBNK8FaKlS4UZPAGAwutLK6Gylig54Quig==";

// ---------------------------------------------------------------------------------------------
// Helpers.

fn private_key(pem: &str) -> PrivateKey {
    PrivateKey::from_pem(pem, "test vector private key").expect("the vector private key loads")
}

fn doc_signer() -> Signer {
    Signer::new(
        DOC_MCHID.to_owned(),
        DOC_SERIAL_NO.to_owned(),
        private_key(OFFICIAL_DOC_PRIVATE_KEY),
    )
}

fn doc_authorization() -> String {
    doc_signer()
        .authorization(
            "POST",
            DOC_JSAPI_URL,
            DOC_TIMESTAMP,
            DOC_NONCE,
            DOC_JSAPI_BODY.as_bytes(),
        )
        .expect("signing with the official doc key succeeds")
}

fn official_public_key_verifier() -> Verifier {
    let key = PublicKey::from_pem(OFFICIAL_DOC_WECHATPAY_PUBLIC_KEY, "wechatpay_public_key")
        .expect("the official WeChat Pay public key loads");
    Verifier::new(Some((PUB_KEY_ID.to_owned(), key)), Vec::new())
}

fn go_cert() -> PlatformCertificate {
    PlatformCertificate::from_pem(GO_CERT_D7CE59D1F522D701, "Go test certificate")
        .expect("the Go test certificate loads")
}

fn go_cert_verifier() -> Verifier {
    Verifier::new(None, vec![go_cert()])
}

fn headers(pairs: &[(&str, &str)]) -> SignedHeaders {
    SignedHeaders::from_pairs(pairs.iter().copied()).expect("the vector headers are well formed")
}

/// The §6.2 callback headers as WeChat sent them, with one header replaced or dropped.
fn go_notify_headers_with(name: &str, value: Option<&str>) -> SignedHeaders {
    let timestamp = GO_NOTIFY_TIMESTAMP.to_string();
    let original = [
        ("Content-Type", "application/json"),
        ("Wechatpay-Nonce", GO_NOTIFY_NONCE),
        ("Wechatpay-Timestamp", timestamp.as_str()),
        ("Wechatpay-Serial", GO_CERT_SERIAL),
        ("Wechatpay-Signature", GO_NOTIFY_SIGNATURE),
    ];
    let mut pairs: Vec<(&str, &str)> = original
        .iter()
        .copied()
        .filter(|(n, _)| !n.eq_ignore_ascii_case(name))
        .collect();
    if let Some(v) = value {
        pairs.push((name, v));
    }
    headers(&pairs)
}

fn go_notify_headers() -> SignedHeaders {
    go_notify_headers_with("Content-Type", Some("application/json"))
}

fn probe_headers(serial: &str) -> SignedHeaders {
    let timestamp = PROBE_TIMESTAMP.to_string();
    headers(&[
        ("Wechatpay-Nonce", PROBE_NONCE),
        ("Wechatpay-Timestamp", timestamp.as_str()),
        ("Wechatpay-Serial", serial),
        ("Wechatpay-Signature", PROBE_SIGNATURE),
    ])
}

fn replace_attribute(header: &str, name: &str, replacement: &str) -> String {
    let (scheme, attributes) = header.split_once(' ').expect("a scheme then attributes");
    let attributes: Vec<String> = attributes
        .split(',')
        .map(|a| {
            if a.starts_with(&format!("{name}=")) {
                replacement.to_owned()
            } else {
                a.to_owned()
            }
        })
        .filter(|a| !a.is_empty())
        .collect();
    format!("{scheme} {}", attributes.join(","))
}

// ---------------------------------------------------------------------------------------------
// Request signing.

#[test]
fn request_message_matches_published_jsapi_message_bytes() {
    let message = signing::request_message(
        "POST",
        DOC_JSAPI_URL,
        DOC_TIMESTAMP,
        DOC_NONCE,
        DOC_JSAPI_BODY.as_bytes(),
    );
    assert_eq!(DOC_JSAPI_BODY.len(), 295, "the vector body is 295 bytes");
    assert_eq!(
        String::from_utf8(message).expect("the message is UTF-8"),
        DOC_JSAPI_MESSAGE
    );
}

#[test]
fn official_doc_request_signature_matches_published_value() {
    let message = signing::request_message(
        "POST",
        DOC_JSAPI_URL,
        DOC_TIMESTAMP,
        DOC_NONCE,
        DOC_JSAPI_BODY.as_bytes(),
    );
    let signature = doc_signer()
        .sign(&message)
        .expect("signing with the official doc key succeeds");
    assert_eq!(signature, DOC_JSAPI_SIGNATURE);
}

#[test]
fn official_doc_authorization_carries_published_signature() {
    let parsed = Authorization::parse(&doc_authorization()).expect("our own header parses");
    assert_eq!(parsed.signature, DOC_JSAPI_SIGNATURE);
}

#[test]
fn official_doc_authorization_is_the_published_header_in_library_attribute_order() {
    let expected = format!(
        "WECHATPAY2-SHA256-RSA2048 mchid=\"{DOC_MCHID}\",nonce_str=\"{DOC_NONCE}\",timestamp=\"{DOC_TIMESTAMP}\",serial_no=\"{DOC_SERIAL_NO}\",signature=\"{DOC_JSAPI_SIGNATURE}\""
    );
    assert_eq!(doc_authorization(), expected);
}

#[test]
fn official_doc_authorization_parses_to_the_same_attributes_as_the_published_header() {
    let published = Authorization::parse(DOC_AUTHORIZATION).expect("the doc header parses");
    let ours = Authorization::parse(&doc_authorization()).expect("our own header parses");
    assert_eq!(ours, published);
}

#[test]
fn official_doc_jsapi_pay_sign_matches_published_value() {
    let signature = doc_signer()
        .sign(DOC_PAYSIGN_MESSAGE.as_bytes())
        .expect("signing with the official doc key succeeds");
    assert_eq!(signature, DOC_PAYSIGN_SIGNATURE);
}

#[test]
fn go_source_signature_matches_published_value() {
    let signer = Signer::new(
        "1234567890".to_owned(),
        GO_CERT_SERIAL.to_owned(),
        private_key(GO_PRIVATE_KEY),
    );
    let signature = signer
        .sign(b"source")
        .expect("signing with the Go test key succeeds");
    assert_eq!(signature, GO_SOURCE_SIGNATURE);
}

#[test]
fn get_request_message_with_empty_body_ends_with_two_newlines() {
    let message =
        signing::request_message("GET", "/v3/certificates", DOC_TIMESTAMP, DOC_NONCE, b"");
    assert_eq!(
        message,
        b"GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
    );
}

#[test]
fn derived_get_certificates_signature_matches_regression_value() {
    let message =
        signing::request_message("GET", "/v3/certificates", DOC_TIMESTAMP, DOC_NONCE, b"");
    let signature = doc_signer()
        .sign(&message)
        .expect("signing with the official doc key succeeds");
    assert_eq!(signature, DOC_GET_CERTIFICATES_SIGNATURE);
}

#[test]
fn derived_get_with_query_signature_matches_regression_value() {
    let header = doc_signer()
        .authorization("GET", DOC_GET_WITH_QUERY_URL, DOC_TIMESTAMP, DOC_NONCE, b"")
        .expect("signing with the official doc key succeeds");
    let parsed = Authorization::parse(&header).expect("our own header parses");
    assert_eq!(parsed.signature, DOC_GET_WITH_QUERY_SIGNATURE);
}

#[test]
fn signature_of_the_jsapi_message_verifies_with_the_matching_public_key() {
    let key = private_key(OFFICIAL_DOC_PRIVATE_KEY);
    let public = key.public_key().expect("a private key has a public half");
    let signature = STANDARD
        .decode(DOC_JSAPI_SIGNATURE)
        .expect("the vector is Base64");
    assert!(public.verify_sha256(DOC_JSAPI_MESSAGE.as_bytes(), &signature));
}

// ---------------------------------------------------------------------------------------------
// The Authorization header format.

#[test]
fn authorization_starts_with_scheme_and_a_single_space() {
    let header = doc_authorization();
    let rest = header
        .strip_prefix(SCHEME)
        .expect("the header starts with the scheme");
    assert!(
        rest.starts_with(' ') && !rest.starts_with("  "),
        "exactly one space after the scheme: {header}"
    );
    assert_eq!(SCHEME, "WECHATPAY2-SHA256-RSA2048");
}

#[test]
fn authorization_has_five_quoted_attributes_without_spaces_after_commas() {
    let header = doc_authorization();
    let attributes = header
        .strip_prefix("WECHATPAY2-SHA256-RSA2048 ")
        .expect("the header starts with the scheme and one space");
    assert!(
        !attributes.contains(' '),
        "no spaces between attributes: {attributes}"
    );
    let mut names: Vec<&str> = attributes
        .split(',')
        .map(|pair| {
            let (name, value) = pair.split_once('=').expect("name=value");
            assert!(
                value.len() >= 2 && value.starts_with('"') && value.ends_with('"'),
                "{name} is double-quoted: {value}"
            );
            assert!(
                !value[1..value.len() - 1].contains('"'),
                "{name} has no inner quotes"
            );
            name
        })
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["mchid", "nonce_str", "serial_no", "signature", "timestamp"]
    );
}

#[test]
fn authorization_parse_round_trips_every_attribute() {
    let parsed = Authorization::parse(&doc_authorization()).expect("our own header parses");
    assert_eq!(
        parsed,
        Authorization {
            mchid: DOC_MCHID.to_owned(),
            nonce_str: DOC_NONCE.to_owned(),
            timestamp: DOC_TIMESTAMP.to_string(),
            serial_no: DOC_SERIAL_NO.to_owned(),
            signature: DOC_JSAPI_SIGNATURE.to_owned(),
        }
    );
}

#[test]
fn authorization_parse_rejects_each_missing_attribute() {
    let header = doc_authorization();
    for name in ["mchid", "nonce_str", "timestamp", "serial_no", "signature"] {
        let without = replace_attribute(&header, name, "");
        assert_ne!(without, header, "{name} was removed");
        let error =
            Authorization::parse(&without).expect_err("a header without an attribute is refused");
        assert!(
            error.contains(name),
            "the error names the missing {name}: {error}"
        );
    }
}

#[test]
fn authorization_parse_rejects_a_duplicate_attribute() {
    let header = format!("{},mchid=\"1900007291\"", doc_authorization());
    let error = Authorization::parse(&header).expect_err("a duplicate attribute is refused");
    assert!(error.contains("mchid"), "the error names mchid: {error}");
}

#[test]
fn authorization_parse_rejects_a_wrong_scheme() {
    let header = doc_authorization();
    let attributes = header
        .strip_prefix("WECHATPAY2-SHA256-RSA2048 ")
        .expect("the header starts with the scheme");
    for scheme in [
        "WECHATPAY2-SM2-WITH-SM3",
        "wechatpay2-sha256-rsa2048",
        "Bearer",
        "",
    ] {
        let other = format!("{scheme} {attributes}");
        assert!(
            Authorization::parse(&other).is_err(),
            "scheme {scheme:?} is refused"
        );
    }
    assert!(
        Authorization::parse(&format!("WECHATPAY2-SHA256-RSA2048{attributes}")).is_err(),
        "a scheme glued to the attributes is refused"
    );
}

#[test]
fn authorization_parse_rejects_unquoted_values() {
    let header = replace_attribute(&doc_authorization(), "mchid", "mchid=1900007291");
    let error = Authorization::parse(&header).expect_err("an unquoted value is refused");
    assert!(error.contains("mchid"), "the error names mchid: {error}");
}

#[test]
fn authorization_parse_rejects_an_unknown_attribute() {
    let header = format!("{},realm=\"x\"", doc_authorization());
    assert!(Authorization::parse(&header).is_err());
}

// ---------------------------------------------------------------------------------------------
// Response verification.

#[test]
fn official_public_key_response_verifies() {
    let result = official_public_key_verifier().verify(
        &headers(OFFICIAL_RESPONSE_HEADERS),
        OFFICIAL_RESPONSE_BODY.as_bytes(),
        OFFICIAL_RESPONSE_TIMESTAMP,
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn go_certificate_serial_reads_as_upper_case_hex() {
    assert_eq!(go_cert().serial, "D7CE59D1F522D701");
}

#[test]
fn go_second_certificate_serial_reads_as_upper_case_hex() {
    let cert = PlatformCertificate::from_pem(GO_CERT_F5765756002FDD77, "Go test certificate")
        .expect("the second Go test certificate loads");
    assert_eq!(cert.serial, "F5765756002FDD77");
}

#[test]
fn go_callback_verifies_in_certificate_mode() {
    assert_eq!(GO_NOTIFY_BODY.len(), 568, "the vector body is 568 bytes");
    let result = go_cert_verifier().verify(
        &go_notify_headers(),
        GO_NOTIFY_BODY.as_bytes(),
        GO_NOTIFY_TIMESTAMP,
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn tampered_body_is_rejected() {
    let tampered = GO_NOTIFY_BODY.replace("签约成功", "签约失败");
    let error = go_cert_verifier()
        .verify(
            &go_notify_headers(),
            tampered.as_bytes(),
            GO_NOTIFY_TIMESTAMP,
        )
        .expect_err("a tampered body fails verification");
    assert_eq!(error.kind(), Kind::Verify);
}

#[test]
fn body_with_an_extra_trailing_newline_is_rejected() {
    let body = format!("{GO_NOTIFY_BODY}\n");
    let error = go_cert_verifier()
        .verify(&go_notify_headers(), body.as_bytes(), GO_NOTIFY_TIMESTAMP)
        .expect_err("the signature covers the exact body bytes");
    assert_eq!(error.kind(), Kind::Verify);
}

#[test]
fn timestamp_300_seconds_off_is_rejected_in_both_directions() {
    let verifier = go_cert_verifier();
    for now in [GO_NOTIFY_TIMESTAMP + 300, GO_NOTIFY_TIMESTAMP - 300] {
        let error = verifier
            .verify(&go_notify_headers(), GO_NOTIFY_BODY.as_bytes(), now)
            .expect_err("300 s of skew is refused");
        assert_eq!(error.kind(), Kind::Verify);
        assert!(
            error.message().contains("300"),
            "the message gives the skew: {}",
            error.message()
        );
    }
}

#[test]
fn timestamp_299_seconds_off_is_accepted_in_both_directions() {
    let verifier = go_cert_verifier();
    for now in [GO_NOTIFY_TIMESTAMP + 299, GO_NOTIFY_TIMESTAMP - 299] {
        let result = verifier.verify(&go_notify_headers(), GO_NOTIFY_BODY.as_bytes(), now);
        assert!(result.is_ok(), "299 s of skew at now={now}: {result:?}");
    }
}

#[test]
fn non_numeric_timestamp_is_rejected() {
    let h = go_notify_headers_with("Wechatpay-Timestamp", Some("2021-06-24T16:37:26+08:00"));
    let error = go_cert_verifier()
        .verify(&h, GO_NOTIFY_BODY.as_bytes(), GO_NOTIFY_TIMESTAMP)
        .expect_err("a non-numeric timestamp is refused");
    assert_eq!(error.kind(), Kind::Verify);
}

#[test]
fn unknown_serial_is_rejected_and_named() {
    // F5765756002FDD77 holds the same key, but it is not configured: the serial decides.
    let h = go_notify_headers_with("Wechatpay-Serial", Some("F5765756002FDD77"));
    let error = go_cert_verifier()
        .verify(&h, GO_NOTIFY_BODY.as_bytes(), GO_NOTIFY_TIMESTAMP)
        .expect_err("an unconfigured serial is refused");
    assert_eq!(error.kind(), Kind::Verify);
    assert!(
        error.message().contains("F5765756002FDD77"),
        "the message names the serial: {}",
        error.message()
    );
}

#[test]
fn certificate_serial_in_lower_case_is_accepted() {
    let h = go_notify_headers_with("Wechatpay-Serial", Some("d7ce59d1f522d701"));
    let result = go_cert_verifier().verify(&h, GO_NOTIFY_BODY.as_bytes(), GO_NOTIFY_TIMESTAMP);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn certificate_serial_with_a_leading_zero_is_accepted() {
    let h = go_notify_headers_with("Wechatpay-Serial", Some("0D7CE59D1F522D701"));
    let result = go_cert_verifier().verify(&h, GO_NOTIFY_BODY.as_bytes(), GO_NOTIFY_TIMESTAMP);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn public_key_id_is_not_accepted_for_a_certificate_only_verifier() {
    let h = go_notify_headers_with("Wechatpay-Serial", Some(PUB_KEY_ID));
    let error = go_cert_verifier()
        .verify(&h, GO_NOTIFY_BODY.as_bytes(), GO_NOTIFY_TIMESTAMP)
        .expect_err("a PUB_KEY_ID the verifier does not hold is refused");
    assert_eq!(error.kind(), Kind::Verify);
}

#[test]
fn each_missing_signed_header_is_rejected_and_named() {
    let verifier = go_cert_verifier();
    for name in [
        "Wechatpay-Timestamp",
        "Wechatpay-Nonce",
        "Wechatpay-Serial",
        "Wechatpay-Signature",
    ] {
        for value in [None, Some("")] {
            let h = go_notify_headers_with(name, value);
            let error = verifier
                .verify(&h, GO_NOTIFY_BODY.as_bytes(), GO_NOTIFY_TIMESTAMP)
                .expect_err("an answer without a signed header is refused");
            assert_eq!(error.kind(), Kind::Verify, "{name} = {value:?}");
            assert!(
                error.message().contains(name),
                "the message names {name}: {}",
                error.message()
            );
        }
    }
}

#[test]
fn signed_header_names_are_matched_case_insensitively() {
    let timestamp = GO_NOTIFY_TIMESTAMP.to_string();
    let h = headers(&[
        ("wechatpay-nonce", GO_NOTIFY_NONCE),
        ("WECHATPAY-TIMESTAMP", timestamp.as_str()),
        ("wechatpay-serial", GO_CERT_SERIAL),
        ("WeChatPay-Signature", GO_NOTIFY_SIGNATURE),
    ]);
    let result = go_cert_verifier().verify(&h, GO_NOTIFY_BODY.as_bytes(), GO_NOTIFY_TIMESTAMP);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn duplicate_signed_header_is_rejected() {
    let error = SignedHeaders::from_pairs([
        ("Wechatpay-Serial", GO_CERT_SERIAL),
        ("wechatpay-serial", "F5765756002FDD77"),
    ])
    .expect_err("two Wechatpay-Serial headers are ambiguous");
    assert_eq!(error.kind(), Kind::Verify);
}

#[test]
fn probe_signature_with_unknown_serial_fails_as_verify_error() {
    let result = std::panic::catch_unwind(|| {
        official_public_key_verifier().verify(&probe_headers(PROBE_SERIAL), b"{}", PROBE_TIMESTAMP)
    })
    .expect("verifying a probe does not panic");
    let error = result.expect_err("a probe never verifies");
    assert_eq!(error.kind(), Kind::Verify);
}

#[test]
fn probe_signature_with_known_serial_fails_as_verify_error_without_panic() {
    // The serial is one the verifier holds, so the probe reaches signature decoding.
    let result = std::panic::catch_unwind(|| {
        go_cert_verifier().verify(&probe_headers(GO_CERT_SERIAL), b"{}", PROBE_TIMESTAMP)
    })
    .expect("verifying a probe does not panic");
    let error = result.expect_err("a probe never verifies");
    assert_eq!(error.kind(), Kind::Verify);
    assert!(
        error.message().contains("WECHATPAY/SIGNTEST/"),
        "the message says it was a probe: {}",
        error.message()
    );
}

#[test]
fn wrong_signature_type_is_rejected() {
    let h = go_notify_headers_with("Wechatpay-Signature-Type", Some("WECHATPAY2-SM2-WITH-SM3"));
    let error = go_cert_verifier()
        .verify(&h, GO_NOTIFY_BODY.as_bytes(), GO_NOTIFY_TIMESTAMP)
        .expect_err("an SM2 signature type is refused");
    assert_eq!(error.kind(), Kind::Verify);
    assert!(
        error.message().contains("WECHATPAY2-SM2-WITH-SM3"),
        "the message names the type: {}",
        error.message()
    );
}

#[test]
fn matching_signature_type_is_accepted() {
    let h = go_notify_headers_with("Wechatpay-Signature-Type", Some(SCHEME));
    let result = go_cert_verifier().verify(&h, GO_NOTIFY_BODY.as_bytes(), GO_NOTIFY_TIMESTAMP);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn signature_from_another_key_is_rejected() {
    // The §6.8 signature under the §6.2 certificate: valid Base64, wrong key.
    let official = OFFICIAL_RESPONSE_HEADERS
        .iter()
        .find(|(n, _)| *n == "Wechatpay-Signature")
        .map(|(_, v)| *v)
        .expect("the vector has a signature");
    let h = go_notify_headers_with("Wechatpay-Signature", Some(official));
    let error = go_cert_verifier()
        .verify(&h, GO_NOTIFY_BODY.as_bytes(), GO_NOTIFY_TIMESTAMP)
        .expect_err("a signature by another key is refused");
    assert_eq!(error.kind(), Kind::Verify);
}

#[test]
fn verifier_holding_public_key_and_certificate_verifies_both_vectors() {
    let key = PublicKey::from_pem(OFFICIAL_DOC_WECHATPAY_PUBLIC_KEY, "wechatpay_public_key")
        .expect("the official WeChat Pay public key loads");
    let verifier = Verifier::new(Some((PUB_KEY_ID.to_owned(), key)), vec![go_cert()]);
    let official = verifier.verify(
        &headers(OFFICIAL_RESPONSE_HEADERS),
        OFFICIAL_RESPONSE_BODY.as_bytes(),
        OFFICIAL_RESPONSE_TIMESTAMP,
    );
    let go = verifier.verify(
        &go_notify_headers(),
        GO_NOTIFY_BODY.as_bytes(),
        GO_NOTIFY_TIMESTAMP,
    );
    assert!(official.is_ok() && go.is_ok(), "{official:?} / {go:?}");
}

// ---------------------------------------------------------------------------------------------
// RSA-OAEP.

#[test]
fn apache_oaep_vector_decrypts_to_helloworld() {
    let ciphertext = STANDARD
        .decode(APACHE_OAEP_CIPHERTEXT)
        .expect("the vector is Base64");
    let plaintext = private_key(APACHE_PRIVATE_KEY)
        .decrypt_oaep(&ciphertext)
        .expect("the OAEP-SHA1 vector decrypts");
    assert_eq!(plaintext.as_slice(), b"helloworld");
}

#[test]
fn pkcs1_v15_ciphertext_does_not_decrypt_as_oaep() {
    let ciphertext = STANDARD
        .decode(APACHE_PKCS1V15_CIPHERTEXT)
        .expect("the vector is Base64");
    let error = private_key(APACHE_PRIVATE_KEY)
        .decrypt_oaep(&ciphertext)
        .expect_err("PKCS#1 v1.5 padding is not OAEP");
    assert_eq!(error.kind(), Kind::Crypto);
}

#[test]
fn oaep_ciphertext_for_another_key_does_not_decrypt() {
    let ciphertext = STANDARD
        .decode(APACHE_OAEP_CIPHERTEXT)
        .expect("the vector is Base64");
    let error = private_key(GO_PRIVATE_KEY)
        .decrypt_oaep(&ciphertext)
        .expect_err("the Go key cannot decrypt the apache vector");
    assert_eq!(error.kind(), Kind::Crypto);
}

#[test]
fn oaep_encrypt_then_decrypt_round_trips_with_a_generated_key() {
    let key = PrivateKey::generate().expect("RSA key generation works");
    let public = key.public_key().expect("a private key has a public half");
    let plaintext = "张三 110101199003074477".as_bytes();
    let ciphertext = public
        .encrypt_oaep(plaintext)
        .expect("OAEP encryption works");
    assert_eq!(ciphertext.len(), 256, "RSA-2048 ciphertexts are 256 bytes");
    let decrypted = key
        .decrypt_oaep(&ciphertext)
        .expect("the generated key decrypts its own ciphertext");
    assert_eq!(decrypted.as_slice(), plaintext);
}

#[test]
fn oaep_encryption_is_randomized() {
    let key = PrivateKey::generate().expect("RSA key generation works");
    let public = key.public_key().expect("a private key has a public half");
    let a = public
        .encrypt_oaep(b"helloworld")
        .expect("OAEP encryption works");
    let b = public
        .encrypt_oaep(b"helloworld")
        .expect("OAEP encryption works");
    assert_ne!(a, b);
}

#[test]
fn oaep_encrypts_at_most_214_bytes_under_rsa_2048() {
    let key = PrivateKey::generate().expect("RSA key generation works");
    let public = key.public_key().expect("a private key has a public half");
    assert!(public.encrypt_oaep(&[b'a'; 214]).is_ok(), "214 bytes fit");
    let error = public
        .encrypt_oaep(&[b'a'; 215])
        .expect_err("215 bytes do not fit");
    assert_eq!(error.kind(), Kind::Crypto);
}

// ---------------------------------------------------------------------------------------------
// Nonces.

#[test]
fn nonce_is_32_alphanumeric_ascii_characters() {
    let nonce = signing::nonce().expect("random bytes");
    assert_eq!(nonce.len(), 32, "{nonce}");
    assert!(
        nonce.bytes().all(|b| b.is_ascii_alphanumeric()),
        "only [0-9A-Za-z]: {nonce}"
    );
}

#[test]
fn two_nonces_differ() {
    assert_ne!(signing::nonce().ok(), signing::nonce().ok());
}

// ---------------------------------------------------------------------------------------------
// Notifications: AES-GCM resources and whole callbacks (protocol spec §4, §6.2-6.4, §6.9).

const GO_NOTIFY_KEY: &[u8] = b"testMchAPIv3Key0";
const GO_NOTIFY_PLAINTEXT: &str = r#"{"mchid":"1234567890","appid":"054aa7d7a2a54ab5898df65bd96f001c","create_time":"2020-06-30T12:12:00+08:00","out_contract_code":"21640bdbd08e473e828f3206a2741c6e"}"#;
const JAVA_APIV3_KEY: &[u8] = b"a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";
const GO_AES_KEY: &[u8] = b"testAPIv3Key0000";

fn parse_go_callback(body: &str, key: &[u8]) -> wxpresign::error::Result<Notification> {
    notification::parse(
        &go_cert_verifier(),
        Some(key),
        &go_notify_headers(),
        body.as_bytes(),
        GO_NOTIFY_TIMESTAMP,
    )
}

#[test]
fn go_callback_verifies_and_decrypts_to_the_published_plaintext() {
    let n = parse_go_callback(GO_NOTIFY_BODY, GO_NOTIFY_KEY).expect("the Go callback parses");
    assert_eq!(n.id, "3119dfba-e649-5eec-ab1e-3412bc4d2e17");
    assert_eq!(n.event_type, "PAYSCORE.USER_OPEN_SERVICE");
    assert_eq!(n.resource_type, "encrypt-resource");
    assert_eq!(n.summary, "签约成功");
    assert_eq!(n.create_time, "2021-06-24T16:37:26+08:00");
    let expected: serde_json::Value = serde_json::from_str(GO_NOTIFY_PLAINTEXT).unwrap();
    assert_eq!(n.resource, expected);
}

#[test]
fn go_callback_with_the_wrong_apiv3_key_is_a_crypto_error() {
    let error = parse_go_callback(GO_NOTIFY_BODY, JAVA_APIV3_KEY).expect_err("wrong key");
    assert_eq!(error.kind(), Kind::Crypto);
    assert!(error.message().contains("apiv3_key"), "{}", error.message());
    assert_eq!(Answer::failure(&error).status, 500);
}

#[test]
fn go_callback_with_a_tampered_body_fails_verification_before_decryption() {
    let tampered = GO_NOTIFY_BODY.replace("Kj7QIyUiYx1q", "Kj7QIyUiYx1r");
    let error = parse_go_callback(&tampered, GO_NOTIFY_KEY).expect_err("tampered");
    assert_eq!(error.kind(), Kind::Verify);
    let answer = Answer::failure(&error);
    assert_eq!(answer.status, 401);
    assert_eq!(
        answer.body,
        r#"{"code":"FAIL","message":"signature verification failed"}"#
    );
}

#[test]
fn go_callback_outside_the_timestamp_window_is_refused() {
    let error = notification::parse(
        &go_cert_verifier(),
        Some(GO_NOTIFY_KEY),
        &go_notify_headers(),
        GO_NOTIFY_BODY.as_bytes(),
        GO_NOTIFY_TIMESTAMP + 300,
    )
    .expect_err("stale");
    assert_eq!(error.kind(), Kind::Verify);
    assert!(error.message().contains("300 s off"), "{}", error.message());
}

#[test]
fn go_callback_without_an_apiv3_key_is_a_config_error() {
    let error = notification::parse(
        &go_cert_verifier(),
        None,
        &go_notify_headers(),
        GO_NOTIFY_BODY.as_bytes(),
        GO_NOTIFY_TIMESTAMP,
    )
    .expect_err("no key");
    assert_eq!(error.kind(), Kind::Config);
    assert_eq!(Answer::failure(&error).status, 500);
}

#[test]
fn probe_notification_fails_verification_as_a_probe() {
    // A key under the probe's serial, so that the failure is the signature's, not the serial's.
    let key = PublicKey::from_pem(OFFICIAL_DOC_WECHATPAY_PUBLIC_KEY, "key").unwrap();
    let verifier = Verifier::new(Some((PROBE_SERIAL.to_owned(), key)), Vec::new());
    let error = notification::parse(
        &verifier,
        Some(JAVA_APIV3_KEY),
        &probe_headers(PROBE_SERIAL),
        br#"{"id":"probe"}"#,
        PROBE_TIMESTAMP,
    )
    .expect_err("a probe never verifies");
    assert_eq!(error.kind(), Kind::Verify);
    assert!(
        error.message().contains("WECHATPAY/SIGNTEST/"),
        "{}",
        error.message()
    );
    assert_eq!(Answer::failure(&error).status, 401);
}

#[test]
fn java_aes_256_gcm_vector_encrypts_and_decrypts() {
    let sealed =
        wxpresign::aes_gcm::encrypt(JAVA_APIV3_KEY, "uluk4a9R25RW", "associatedData", b"message")
            .unwrap();
    assert_eq!(sealed, "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=");
    let plain = wxpresign::aes_gcm::decrypt(
        JAVA_APIV3_KEY,
        "uluk4a9R25RW",
        "associatedData",
        "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=",
    )
    .unwrap();
    assert_eq!(plain, b"message");
}

#[test]
fn java_aes_256_gcm_negative_cases_fail() {
    let ct = "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=";
    let zeros = STANDARD.encode([0u8; 128]);
    for (nonce, aad, ciphertext) in [
        ("uluk4a9R25RW", "bad-associatedData", ct),
        ("bad-4a9R25RW", "associatedData", ct),
        ("uluk4a9R25RW", "associatedData", zeros.as_str()),
    ] {
        let error = wxpresign::aes_gcm::decrypt(JAVA_APIV3_KEY, nonce, aad, ciphertext)
            .expect_err("authentication fails");
        assert_eq!(error.kind(), Kind::Crypto, "{nonce} {aad}");
    }
}

#[test]
fn go_aes_gcm_vector_decrypts_with_its_16_byte_key() {
    let plain = wxpresign::aes_gcm::decrypt(
        GO_AES_KEY,
        "wCq51qZv4Yfg",
        "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8",
        "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC",
    )
    .unwrap();
    assert_eq!(plain, b"Hello World");
}

#[test]
fn go_aes_gcm_negative_cases_fail_with_clear_errors() {
    let nonce = "wCq51qZv4Yfg";
    let aad = "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8";
    let ct = "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC";
    let bad_base64 =
        wxpresign::aes_gcm::decrypt(GO_AES_KEY, nonce, aad, "invalid cipher").unwrap_err();
    assert!(
        bad_base64.message().contains("Base64"),
        "{}",
        bad_base64.message()
    );
    let auth = wxpresign::aes_gcm::decrypt(GO_AES_KEY, nonce, aad, "SGVsbG8gV29ybGQK").unwrap_err();
    assert!(
        auth.message().contains("does not decrypt"),
        "{}",
        auth.message()
    );
    let length = wxpresign::aes_gcm::decrypt(b"not a aes key", nonce, aad, ct).unwrap_err();
    assert!(
        length.message().contains("32 bytes"),
        "{}",
        length.message()
    );
    let other = wxpresign::aes_gcm::decrypt(b"testAPIv3Key1111", nonce, aad, ct).unwrap_err();
    assert_eq!(other.kind(), Kind::Crypto);
}

#[test]
fn notification_with_another_algorithm_is_refused() {
    // Signed afresh with the Go key so that only the algorithm differs.
    let body = GO_NOTIFY_BODY.replace("AEAD_AES_256_GCM", "AEAD_SM4_GCM");
    let key = private_key(GO_PRIVATE_KEY);
    let nonce = "n0nce";
    let ts = GO_NOTIFY_TIMESTAMP.to_string();
    let signature = STANDARD.encode(
        key.sign_sha256(&signing::response_message(&ts, nonce, body.as_bytes()))
            .unwrap(),
    );
    let h = headers(&[
        ("Wechatpay-Nonce", nonce),
        ("Wechatpay-Timestamp", &ts),
        ("Wechatpay-Serial", GO_CERT_SERIAL),
        ("Wechatpay-Signature", &signature),
    ]);
    let error = notification::parse(
        &go_cert_verifier(),
        Some(GO_NOTIFY_KEY),
        &h,
        body.as_bytes(),
        GO_NOTIFY_TIMESTAMP,
    )
    .expect_err("only AEAD_AES_256_GCM");
    assert_eq!(error.kind(), Kind::Crypto);
    assert!(
        error.message().contains("AEAD_SM4_GCM"),
        "{}",
        error.message()
    );
}
