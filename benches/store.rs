//! What the sandbox's store costs: a signed pre-sign answer and a signing, with the sandbox's
//! state in memory (`Sandbox::start`) and in a DIR's SQLite database (`Sandbox::start_in`, as
//! `wxpresign sandbox serve DIR` runs). The pre-sign is a full call through the library over
//! loopback (both RSA signatures, both verifications), plus one committed transaction with a
//! DIR; the signing is `Sandbox::sign` in-process: the contract and its sealed notification in
//! one transaction (the notification is posted afterwards, off the measured path).
//!
//!   cargo bench --bench store
//!   cargo test --bench store                     # one of each (CI)

mod support;

use criterion::{BatchSize, Criterion, Throughput, criterion_group};
use std::hint::black_box;
use wxpresign_sandbox::{Identity, Sandbox};

const CROSS_BORDER: &str = "v3/global/papay/contracts/app-pre-entrust-sign";
/// A notify URL nobody listens on: deliveries fail at once, in the background.
const NOWHERE: &str = "http://127.0.0.1:9/notify";

fn sandboxes(dir: &std::path::Path) -> [(&'static str, Sandbox, wxpresign::Client); 2] {
    let mut made = Vec::new();
    for name in ["state in memory", "state in DIR (SQLite, WAL)"] {
        let (identity, merchant_key) = Identity::generate().expect("key generation works");
        let sandbox = if made.is_empty() {
            Sandbox::start(identity, "127.0.0.1:0")
        } else {
            Sandbox::start_in(identity, "127.0.0.1:0", dir)
        }
        .expect("the sandbox starts");
        let config = sandbox
            .identity()
            .client_config(&merchant_key, sandbox.base_url())
            .expect("a configuration");
        let client = wxpresign::Client::from_json(&config.to_string()).expect("valid");
        made.push((name, sandbox, client));
    }
    let [first, second]: [_; 2] = made.try_into().ok().expect("two sandboxes");
    [first, second]
}

fn store(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("wxpresign-bench-store-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let request = wxpresign::endpoints::find(CROSS_BORDER)
        .expect("a known endpoint")
        .example;
    let sandboxes = sandboxes(&dir);
    let mut group = c.benchmark_group("signed pre-sign answer (full call, in-process sandbox)");
    group.throughput(Throughput::Elements(1));
    for (name, _, client) in &sandboxes {
        group.bench_function(*name, |b| {
            b.iter(|| {
                client
                    .call(CROSS_BORDER, black_box(request))
                    .expect("answered")
            })
        });
    }
    group.finish();
    let mut group = c.benchmark_group("signing a session (Sandbox::sign)");
    group.throughput(Throughput::Elements(1));
    for (name, sandbox, client) in &sandboxes {
        group.bench_function(*name, |b| {
            b.iter_batched(
                || {
                    let answer = client.call(CROSS_BORDER, request).expect("answered");
                    answer.data["session_id"]
                        .as_str()
                        .expect("a session")
                        .to_owned()
                },
                |session| sandbox.sign(&session, Some(NOWHERE)).expect("signed"),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
    for (_, sandbox, _) in sandboxes {
        sandbox.shutdown();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, store);

fn main() {
    support::without_libtest_flags();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
