//! One full pre-sign call against an in-process sandbox over loopback HTTP: validation,
//! signing, the POST, the sandbox's checks and signed answer, and the verification of that
//! answer. The sandbox shares the process, so the time is the round trip (client and server),
//! not the client's CPU alone; bench/compare measures that, with the sandbox in its own process.
//!
//!   cargo bench --bench call
//!   cargo test --bench call                      # one call of each kind (CI)

mod support;

use criterion::{Criterion, Throughput, criterion_group};
use std::hint::black_box;
use wxpresign_sandbox::{Identity, Sandbox};

const EDU: &str = "v3/edu-papay/contracts/presign";
const INSURANCE: &str = "v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi";

fn full_call(c: &mut Criterion) {
    let (identity, merchant_key) = Identity::generate().expect("key generation works");
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").expect("a loopback port is free");
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .expect("the sandbox renders a configuration");
    let client = wxpresign::Client::from_json(&config.to_string()).expect("a valid configuration");

    let mut group = c.benchmark_group("full call (in-process sandbox)");
    group.throughput(Throughput::Elements(1));
    for (name, path) in [
        ("edu-papay", EDU),
        ("insurance jsapi (two encrypted fields)", INSURANCE),
    ] {
        let request = wxpresign::endpoints::find(path)
            .expect("a known endpoint")
            .example;
        let answer = client.call(path, request).expect("the sandbox answers");
        assert_eq!(answer.status, 200);
        group.bench_function(name, |b| b.iter(|| client.call(path, black_box(request))));
    }
    group.finish();
    sandbox.shutdown();
}

/// What a new client costs (`wxpresign_client_new`), in its parts: reading the configuration
/// (the keys parsed and checked) and the transport (TLS trust set-up); and what asking for a
/// held client costs (`wxpresign_client_shared`), as each PHP-FPM request does.
fn client_creation(c: &mut Criterion) {
    let (identity, merchant_key) = Identity::generate().expect("key generation works");
    let config = identity
        .client_config(&merchant_key, "https://api.mch.weixin.qq.com")
        .expect("the sandbox renders a configuration")
        .to_string();
    let mut group = c.benchmark_group("client creation");
    group.throughput(Throughput::Elements(1));
    group.bench_function("new client (wxpresign_client_new)", |b| {
        b.iter(|| wxpresign::Client::from_json(black_box(&config)).expect("valid"))
    });
    group.bench_function("configuration alone (keys parsed)", |b| {
        b.iter(|| wxpresign::config::Config::from_json(black_box(&config)).expect("valid"))
    });
    // What the client adds to a parsed configuration: its transport (the TLS trust set-up).
    group.bench_function("transport alone (TLS trust)", |b| {
        b.iter_batched(
            || wxpresign::config::Config::from_json(&config).expect("valid"),
            wxpresign::Client::new,
            criterion::BatchSize::SmallInput,
        )
    });
    let held = wxpresign::registry::shared(&config).expect("valid");
    group.bench_function("held client (wxpresign_client_shared)", |b| {
        b.iter(|| wxpresign::registry::shared(black_box(&config)).expect("valid"))
    });
    drop(held);

    // The same with both keys in files, as production configurations have them: each ask
    // reads the two files to tell whether they changed.
    let dir = std::env::temp_dir().join(format!("wxpresign-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a writable temp dir");
    let mut with_files: serde_json::Value = serde_json::from_str(&config).expect("JSON");
    for (inline, file) in [
        ("merchant_private_key", "merchant_private_key_file"),
        ("wechatpay_public_key", "wechatpay_public_key_file"),
    ] {
        let path = dir.join(format!("{inline}.pem"));
        let pem = with_files[inline].take();
        std::fs::write(&path, pem.as_str().expect("a PEM string")).expect("writable");
        with_files
            .as_object_mut()
            .expect("an object")
            .remove(inline);
        with_files[file] = path.to_str().expect("UTF-8").into();
    }
    let with_files = with_files.to_string();
    let held = wxpresign::registry::shared(&with_files).expect("valid");
    group.bench_function(
        "held client, keys in files (wxpresign_client_shared)",
        |b| b.iter(|| wxpresign::registry::shared(black_box(&with_files)).expect("valid")),
    );
    drop(held);
    let _ = std::fs::remove_dir_all(&dir);
    group.finish();
}

criterion_group!(benches, full_call, client_creation);
fn main() {
    support::without_libtest_flags();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
