//! The client's work per call, piece by piece, without a network: signing the request,
//! verifying the answer, validating and serializing each seed endpoint's request, RSA-OAEP of a
//! sensitive field, and decrypting a notification. Every figure is per element (one request,
//! one answer, one field, one notification), so criterion reports elements per second.
//!
//!   cargo bench --bench protocol                 # measure
//!   cargo test --bench protocol                  # run each benchmark once (CI)
//!
//! The keys are the fixed RSA-2048 test keys of tests/data, so runs compare across machines.

mod support;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use serde_json::json;
use std::hint::black_box;
use wxpresign::keys::PrivateKey;
use wxpresign::notification;
use wxpresign::signing::{Signer, response_message};
use wxpresign::validation::{parse_request, validate};
use wxpresign::verification::{SignedHeaders, Verifier};
use wxpresign_sandbox::Outgoing;

const MERCHANT_KEY: &str = include_str!("../tests/data/apache_httpclient_test_private_key.pem");
const PLATFORM_KEY: &str = include_str!("../tests/data/go_test_private_key.pem");
const PUB_KEY_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";
const APIV3_KEY: &[u8; 32] = b"a7cde1ef5f4bd46ae5c2f6f0d2fb7e3b";

const EDU: &str = "v3/edu-papay/contracts/presign";
/// The five seed endpoints, one per product family the first release covered.
const SEED_ENDPOINTS: [&str; 5] = [
    "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi",
    "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program",
    "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign",
    "v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi",
    EDU,
];
/// A Unix time inside every timestamp window used below.
const NOW: u64 = 1_767_225_600;

fn key(pem: &str) -> PrivateKey {
    PrivateKey::from_pem(pem, "a tests/data key").expect("the test keys load")
}

fn example(path: &str) -> &'static str {
    wxpresign::endpoints::find(path)
        .expect("a seed endpoint is in the table")
        .example
}

/// A verifier that knows the platform key by its PUB_KEY_ID, as a public-key-mode client does.
fn verifier() -> Verifier {
    let public = key(PLATFORM_KEY).public_key().expect("a public half");
    Verifier::new(Some((PUB_KEY_ID.to_owned(), public)), Vec::new())
}

/// The Wechatpay-* headers WeChat Pay (the platform key) puts on `body`.
fn signed_headers(body: &[u8]) -> SignedHeaders {
    let signer = Signer::new("0".into(), PUB_KEY_ID.into(), key(PLATFORM_KEY));
    let (timestamp, nonce) = (NOW.to_string(), "fdasflkja484w".to_owned());
    let signature = signer
        .sign(&response_message(&timestamp, &nonce, body))
        .expect("signing works");
    SignedHeaders {
        timestamp: Some(timestamp),
        nonce: Some(nonce),
        serial: Some(PUB_KEY_ID.into()),
        signature: Some(signature),
        signature_type: Some("WECHATPAY2-SHA256-RSA2048".into()),
        request_id: Some("08F78BB5AF0610D1063E1C2E1E4A91F6".into()),
    }
}

fn signing(c: &mut Criterion) {
    let signer = Signer::new(
        "1900000109".into(),
        "5157F09EFDC096DE15EBE81A47057A7232F1B8E1".into(),
        key(MERCHANT_KEY),
    );
    let body = serde_json::to_vec(&parse_request(example(EDU)).expect("JSON")).expect("bytes");
    let mut group = c.benchmark_group("signing");
    group.throughput(Throughput::Elements(1));
    group.bench_function("authorization header (edu-papay request)", |b| {
        b.iter(|| {
            signer.authorization(
                "POST",
                "/v3/edu-papay/contracts/presign",
                black_box(NOW),
                "593BEC0C930BF1AFEB40B4A08C8FB242",
                black_box(&body),
            )
        })
    });
    group.bench_function("nonce", |b| b.iter(wxpresign::signing::nonce));
    group.finish();
}

fn verification(c: &mut Criterion) {
    let verifier = verifier();
    let body = br#"{"presign_token":"bc0a7c2dd8e3a1f19c1e7d0b2a4f5e6d"}"#;
    let headers = signed_headers(body);
    verifier
        .verify(&headers, body, NOW)
        .expect("the answer verifies");
    let mut group = c.benchmark_group("verification");
    group.throughput(Throughput::Elements(1));
    group.bench_function("signed answer", |b| {
        b.iter(|| verifier.verify(black_box(&headers), black_box(body), NOW))
    });
    group.finish();
}

fn validation(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate and serialize");
    group.throughput(Throughput::Elements(1));
    for path in SEED_ENDPOINTS {
        let endpoint = wxpresign::endpoints::find(path).expect("a seed endpoint");
        let text = endpoint.example;
        let check = || -> wxpresign::error::Result<Vec<u8>> {
            let request = parse_request(black_box(text))?;
            validate(endpoint.request, endpoint.rules, &request, false)?;
            Ok(serde_json::to_vec(&request).expect("a Value serializes"))
        };
        check().expect("the table's example is valid");
        group.bench_function(BenchmarkId::from_parameter(endpoint.c_function()), |b| {
            b.iter(check)
        });
    }
    group.finish();
}

fn encryption(c: &mut Criterion) {
    let public = key(PLATFORM_KEY).public_key().expect("a public half");
    let mut group = c.benchmark_group("encryption");
    group.throughput(Throughput::Elements(1));
    group.bench_function("RSA-OAEP of one field", |b| {
        b.iter(|| public.encrypt_oaep(black_box("张三".as_bytes())))
    });
    let insurance = wxpresign::endpoints::find(SEED_ENDPOINTS[3]).expect("insurance");
    let request = parse_request(insurance.example).expect("JSON");
    group.bench_function("encrypt_fields (insurance jsapi request)", |b| {
        b.iter_batched(
            || request.clone(),
            |mut request| {
                wxpresign::encryption::encrypt_fields(insurance.request, &mut request, &public)
            },
            criterion::BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn notifications(c: &mut Criterion) {
    let verifier = verifier();
    let resource = json!({
        "mchid": "1900000109",
        "appid": "wx8888888888888888",
        "out_contract_code": "wxwtdk20200910100000",
        "contract_id": "1000005698",
        "plan_id": 12535,
        "openid": "oUpF8uMuAJOM2pxb1Q",
        "contract_state": "ENTRUST_SIGNED",
        "contract_signed_time": "2026-01-01T12:00:00+08:00",
    });
    let nonce = "fdasflkja484";
    let outgoing = Outgoing {
        id: "EV-2018022511223320873",
        create_time: "2026-01-01T12:00:00+08:00",
        event_type: "ENTRUST.SIGN",
        summary: "签约成功",
        original_type: "papay",
        resource: &resource,
    };
    let body = outgoing.seal(APIV3_KEY, nonce).expect("sealed");
    let envelope: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let ciphertext = envelope["resource"]["ciphertext"]
        .as_str()
        .expect("a ciphertext")
        .to_owned();
    let headers = signed_headers(body.as_bytes());
    notification::parse(&verifier, Some(APIV3_KEY), &headers, body.as_bytes(), NOW)
        .expect("the notification parses");

    let mut group = c.benchmark_group("notification");
    group.throughput(Throughput::Elements(1));
    group.bench_function("decrypt resource (AES-256-GCM)", |b| {
        b.iter(|| wxpresign::aes_gcm::decrypt(APIV3_KEY, nonce, "papay", black_box(&ciphertext)))
    });
    group.bench_function("parse (verify + decrypt + JSON)", |b| {
        b.iter(|| {
            notification::parse(
                &verifier,
                Some(APIV3_KEY),
                black_box(&headers),
                black_box(body.as_bytes()),
                NOW,
            )
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    signing,
    verification,
    validation,
    encryption,
    notifications
);
fn main() {
    support::without_libtest_flags();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
