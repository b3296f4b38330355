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
use wxpresign::sandbox::{Identity, Sandbox};

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

criterion_group!(benches, full_call);
fn main() {
    support::without_libtest_flags();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
