//! The client's CPU per call over HTTPS, against a local TLS front (a certificate from a
//! throwaway rcgen CA, given to the client in `extra_ca_pem`) that forwards to a sandbox, as
//! tests/tls.rs does. The front and the sandbox run in a child process (this binary, started
//! again with `serve`), so getrusage of this process is the client's CPU alone.
//!
//!   cargo bench --bench https                    # 500 calls a row (WXPRESIGN_BENCH_CALLS=N)
//!   cargo test --bench https                     # 2 calls a row, the same table (CI)
//!
//! Rows: the library's call over plain HTTP and over HTTPS (its connections kept alive), then
//! bare connections (a GET and its answer on a new connection each, no signing) over TCP and
//! over TLS with rustls used directly, with the client configuration built per connection, built
//! once, and built once with TLS 1.3 session resumption: what a call would cost without
//! keep-alive, for each way of setting TLS up.

mod support;
#[path = "../tests/common/tls_relay.rs"]
mod tls_relay;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::client::Resumption;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig};
use rustls::{StreamOwned, crypto::aws_lc_rs};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tls_relay::relay;
use wxpresign_sandbox::{Identity, Sandbox};

const EDU: &str = "v3/edu-papay/contracts/presign";
const GET: &[u8] = b"GET /v3/bench HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

fn main() {
    support::without_libtest_flags();
    if std::env::args().nth(1).as_deref() == Some("serve") {
        serve();
        return;
    }
    let measuring = std::env::args().any(|a| a == "--bench");
    let calls: u32 = match std::env::var("WXPRESIGN_BENCH_CALLS") {
        Ok(n) if measuring => n.parse().expect("WXPRESIGN_BENCH_CALLS is a number"),
        _ if measuring => 500,
        _ => 2,
    };
    measure(calls);
}

// ---- the server side (child process) ----

/// Starts a sandbox and an HTTPS front for it, prints what the client needs as one JSON line,
/// and serves until its standard input closes.
fn serve() {
    let (identity, merchant_key) = Identity::generate().expect("key generation works");
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").expect("a loopback port");
    let ca_key = KeyPair::generate().expect("a CA key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "wxpresign bench CA");
    let ca = params.self_signed(&ca_key).expect("a self-signed CA");
    let issuer = Issuer::new(params, ca_key);
    let key = KeyPair::generate().expect("a server key");
    let cert = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .expect("params")
        .signed_by(&key, &issuer)
        .expect("a server certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let server = Arc::new(
        ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone()], key)
            .expect("a server configuration"),
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let front = listener.local_addr().expect("bound");
    let upstream = sandbox.addr();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let server = server.clone();
            std::thread::spawn(move || relay(server, tcp, upstream, None));
        }
    });
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .expect("a client configuration");
    let hello = json!({
        "config": config,
        "https": format!("https://{front}"),
        "front": front.to_string(),
        "sandbox": upstream.to_string(),
        "ca_pem": ca.pem(),
        "ca_der": STANDARD.encode(ca.der()),
    });
    println!("{hello}");
    let _ = std::io::stdout().flush();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

// ---- the client side (this process) ----

/// User + system CPU time of this process.
fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF is always valid.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Client CPU and wall time per call of `calls` calls of `call` (after one unmeasured call).
fn per_call(calls: u32, mut call: impl FnMut()) -> (f64, f64) {
    call();
    let (cpu, wall) = (cpu_time(), Instant::now());
    for _ in 0..calls {
        call();
    }
    let micros = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(calls);
    (micros(cpu_time() - cpu), micros(wall.elapsed()))
}

/// One GET over a fresh TCP connection, TLS when `tls` gives a configuration.
fn connection(addr: SocketAddr, tls: Option<Arc<ClientConfig>>) {
    let mut tcp = TcpStream::connect(addr).expect("the front accepts");
    let mut answer = Vec::new();
    match tls {
        None => {
            tcp.write_all(GET).expect("sent");
            tcp.read_to_end(&mut answer).expect("an answer");
        }
        Some(config) => {
            let name = ServerName::IpAddress(addr.ip().into());
            let connection = ClientConnection::new(config, name).expect("a TLS client");
            let mut tls = StreamOwned::new(connection, tcp);
            tls.write_all(GET).expect("sent");
            tls.read_to_end(&mut answer).expect("an answer");
        }
    }
    assert!(answer.starts_with(b"HTTP/1.1 "), "an HTTP answer");
}

fn client_config(ca: &CertificateDer<'static>, resumption: bool) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots.add(ca.clone()).expect("the CA is a usable root");
    let mut config = ClientConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS 1.2 and 1.3")
        .with_root_certificates(roots)
        .with_no_client_auth();
    if !resumption {
        config.resumption = Resumption::disabled();
    }
    Arc::new(config)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}

fn measure(calls: u32) {
    let (child, hello) = support::serve_in_child();
    let server = Server(child);
    let text = |name: &str| hello[name].as_str().expect("a string member").to_owned();
    let front: SocketAddr = text("front").parse().expect("an address");
    let sandbox: SocketAddr = text("sandbox").parse().expect("an address");
    let ca = CertificateDer::from(STANDARD.decode(text("ca_der")).expect("Base64"));

    let library = |base_url: String| {
        let mut config = hello["config"].clone();
        config["base_url"] = base_url.into();
        config["extra_ca_pem"] = text("ca_pem").into();
        wxpresign::Client::from_json(&config.to_string()).expect("a valid configuration")
    };
    let http = library(format!("http://{sandbox}"));
    let https = library(text("https"));
    let mut https_config = hello["config"].clone();
    https_config["base_url"] = text("https").into();
    https_config["extra_ca_pem"] = text("ca_pem").into();
    https_config["user_agent"] = "php-fpm-shaped".into();
    let https_config = https_config.to_string();
    let request = wxpresign::endpoints::find(EDU).expect("edu").example;
    let call = |client: &wxpresign::Client| {
        client.call(EDU, request).expect("a verified answer");
    };

    let once = client_config(&ca, false);
    let resuming = client_config(&ca, true);
    // Each TLS connection to the front is one connection to the sandbox behind it.
    let connections_before = sandbox_connections(sandbox);
    let fpm_shaped = per_call(calls, || {
        call(&wxpresign::registry::shared(&https_config).expect("a valid configuration"))
    });
    // Less the one sandbox_connections itself opens.
    let handshakes = sandbox_connections(sandbox) - connections_before - 1;
    let rows: Vec<(&str, (f64, f64))> = vec![
        ("library call, plain HTTP", per_call(calls, || call(&http))),
        ("library call, HTTPS", per_call(calls, || call(&https))),
        (
            "library call, HTTPS, a shared client asked for per call (PHP-FPM-shaped)",
            fpm_shaped,
        ),
        (
            "GET, plain TCP",
            per_call(calls, || connection(sandbox, None)),
        ),
        (
            "GET, TLS, config built per connection (CA only)",
            per_call(calls, || connection(front, Some(client_config(&ca, false)))),
        ),
        (
            "GET, TLS, config built once",
            per_call(calls, || connection(front, Some(once.clone()))),
        ),
        (
            "GET, TLS, config built once, session resumption",
            per_call(calls, || connection(front, Some(resuming.clone()))),
        ),
    ];
    drop(server);

    println!("\n| client, {calls} calls a row | client CPU µs/call | wall µs/call |");
    println!("|---|---:|---:|");
    for (name, (cpu, wall)) in &rows {
        println!("| {name} | {cpu:.0} | {wall:.0} |");
    }
    let tls_once = rows[5].1.0 - rows[3].1.0;
    let tls_resumed = rows[6].1.0 - rows[3].1.0;
    println!(
        "\nHTTPS minus plain HTTP for a library call: {:+.0} µs of client CPU (its connections \
         are kept alive, so the handshake is paid once). Without keep-alive a handshake with a \
         configuration built once would add {tls_once:.0} µs, a resumed one {tls_resumed:.0} µs.",
        rows[1].1.0 - rows[0].1.0
    );
    println!(
        "PHP-FPM-shaped ({calls} calls, each asking for the shared client anew, one worker): \
         {handshakes} TLS handshake(s)."
    );
}

/// The connections the sandbox has accepted (`GET /sandbox/stats`, on a connection of its own).
fn sandbox_connections(sandbox: SocketAddr) -> u64 {
    let mut tcp = TcpStream::connect(sandbox).expect("the sandbox accepts");
    tcp.write_all(b"GET /sandbox/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .expect("the request is written");
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).expect("the answer is read");
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let stats: Value = serde_json::from_str(body).expect("the stats are JSON");
    stats["connections_accepted"].as_u64().expect("a count")
}
