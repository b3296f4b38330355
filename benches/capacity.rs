//! What the sandbox's server holds: (a) a new client's pre-sign call and `GET /sandbox/stats`
//! while 10,000 idle connections are open, and (b) signed answers per second with 64 kept-alive
//! clients, as a ratio of `openssl speed -multi $(nproc) rsa2048`'s signatures per second, and
//! the latency of calls at half that rate. The sandbox runs in a child process (this binary,
//! started again with `serve`), so the client's descriptors and threads are not the server's.
//!
//!   cargo bench --bench capacity          # the figures in docs/performance.md
//!   cargo test --bench capacity           # 200 idle connections, 1 s of load (CI)
//!
//! The clients and the sandbox share the machine's cores; nothing is pinned.

mod support;

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use wxpresign_sandbox::{Identity, Sandbox};

const EDU: &str = "v3/edu-papay/contracts/presign";
const CLIENTS: usize = 64;

struct Scale {
    idle: usize,
    load: Duration,
}

fn main() {
    support::without_libtest_flags();
    if std::env::args().nth(1).as_deref() == Some("serve") {
        serve();
        return;
    }
    let scale = if std::env::args().any(|a| a == "--bench") {
        Scale {
            idle: 10_000,
            load: Duration::from_secs(10),
        }
    } else {
        Scale {
            idle: 200,
            load: Duration::from_secs(1),
        }
    };
    raise_fd_limit();
    let (mut child, addr, config) = start_sandbox();
    idle_connections(scale.idle, addr, &config);
    let signs = openssl_signs_per_second();
    let rate = throughput(&config, scale.load, signs);
    latency_at(&config, rate / 2.0, scale.load);
    drop(child.stdin.take());
    let _ = child.wait();
}

/// Starts a sandbox, prints its address and a client configuration as one JSON line, and serves
/// until standard input closes.
fn serve() {
    let (identity, merchant_key) = Identity::generate().expect("key generation works");
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").expect("a loopback port");
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .expect("a client configuration");
    let hello = serde_json::json!({ "addr": sandbox.addr().to_string(), "config": config });
    println!("{hello}");
    let _ = std::io::stdout().flush();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    sandbox.shutdown();
}

/// This process holds one end of every idle connection: its soft descriptor limit goes to the
/// hard one.
fn raise_fd_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a plain struct out-parameter, then the same struct in.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

fn start_sandbox() -> (Child, SocketAddr, String) {
    let (child, hello) = support::serve_in_child();
    let addr = hello["addr"]
        .as_str()
        .and_then(|a| a.parse().ok())
        .expect("an address");
    (child, addr, hello["config"].to_string())
}

fn client(config: &str) -> wxpresign::Client {
    wxpresign::Client::from_json(config).expect("a valid configuration")
}

fn request(user: &str) -> String {
    let example = wxpresign::endpoints::find(EDU)
        .expect("a known endpoint")
        .example;
    let mut request: Value = serde_json::from_str(example).expect("examples are JSON");
    request["user_id"] = user.into();
    request.to_string()
}

/// (a): opens `count` connections that send nothing, then times a new client's call and asks
/// for the stats.
fn idle_connections(count: usize, addr: SocketAddr, config: &str) {
    let started = Instant::now();
    let idle: Vec<TcpStream> = (0..count)
        .map_while(|_| TcpStream::connect_timeout(&addr, Duration::from_secs(5)).ok())
        .collect();
    println!(
        "idle connections opened: {} of {count} in {:.1?}",
        idle.len(),
        started.elapsed()
    );
    std::thread::sleep(Duration::from_secs(1));
    let client = client(config);
    let call = Instant::now();
    let outcome = match client.call(EDU, &request("beside-idle")) {
        Ok(answer) => format!("HTTP {}", answer.status),
        Err(e) => format!("failed: {e}"),
    };
    println!(
        "a new client's pre-sign call beside them: {outcome} in {:.1} ms",
        call.elapsed().as_secs_f64() * 1e3
    );
    println!("GET /sandbox/stats beside them: {}", stats(addr));
    drop(idle);
    std::thread::sleep(Duration::from_secs(1));
}

/// The status line and body of `GET /sandbox/stats` on a new connection.
fn stats(addr: SocketAddr) -> String {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(5)) else {
        return "no connection".to_owned();
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.write_all(b"GET /sandbox/stats HTTP/1.1\r\nConnection: close\r\n\r\n");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let status = text.lines().next().unwrap_or("nothing").to_owned();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    format!("{status} {body}")
}

/// RSA-2048 signatures per second on all cores, as `openssl speed -multi` measures them.
fn openssl_signs_per_second() -> f64 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let output = Command::new("openssl")
        .args([
            "speed",
            "-seconds",
            "3",
            "-multi",
            &cores.to_string(),
            "rsa2048",
        ])
        .stderr(Stdio::null())
        .output()
        .expect("openssl runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let signs = text
        .lines()
        .find(|l| l.starts_with("rsa 2048 bits"))
        .and_then(|l| l.split_whitespace().nth(5))
        .and_then(|s| s.parse().ok())
        .expect("openssl speed prints an rsa 2048 bits line");
    println!("openssl speed -multi {cores} rsa2048: {signs:.0} signs/s");
    signs
}

/// (b): 64 threads, each a client calling back to back for `load`; returns answers per second.
fn throughput(config: &str, load: Duration, signs: f64) -> f64 {
    let (answered, failed) = (AtomicU64::new(0), AtomicU64::new(0));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for thread in 0..CLIENTS {
            let (answered, failed) = (&answered, &failed);
            scope.spawn(move || {
                let client = client(config);
                let request = request(&format!("load-{thread}"));
                while started.elapsed() < load {
                    match client.call(EDU, &request) {
                        Ok(answer) if answer.status == 200 => {
                            answered.fetch_add(1, Ordering::Relaxed)
                        }
                        _ => failed.fetch_add(1, Ordering::Relaxed),
                    };
                }
            });
        }
    });
    let rate = answered.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    println!(
        "{CLIENTS} kept-alive clients: {rate:.0} signed answers/s ({} failed), {:.2} of openssl's \
         signs/s; with the clients' own request signatures, {:.2}",
        failed.load(Ordering::Relaxed),
        rate / signs,
        2.0 * rate / signs
    );
    rate
}

/// Calls at `rate` per second in all, spread over the 64 clients on a fixed schedule; a call's
/// latency counts from when it was due, so a stall that delays later calls is not hidden.
fn latency_at(config: &str, rate: f64, load: Duration) {
    let interval = Duration::from_secs_f64(CLIENTS as f64 / rate.max(1.0));
    let latencies = std::sync::Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for thread in 0..CLIENTS {
            let latencies = &latencies;
            scope.spawn(move || {
                let client = client(config);
                let request = request(&format!("paced-{thread}"));
                let mut due = started + interval.mul_f64(thread as f64 / CLIENTS as f64);
                let mut mine = Vec::new();
                while due < started + load {
                    std::thread::sleep(due.saturating_duration_since(Instant::now()));
                    let ok = matches!(client.call(EDU, &request), Ok(a) if a.status == 200);
                    mine.push((due.elapsed(), ok));
                    due += interval;
                }
                latencies
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend(mine);
            });
        }
    });
    let mut all = latencies.into_inner().unwrap_or_else(|p| p.into_inner());
    let failed = all.iter().filter(|(_, ok)| !ok).count();
    all.sort();
    let at = |q: f64| all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)));
    let ms = |d: Option<&(Duration, bool)>| d.map_or(0.0, |(d, _)| d.as_secs_f64() * 1e3);
    println!(
        "at half that rate ({rate:.0} calls/s): {} calls ({failed} failed), p50 {:.1} ms, p99 \
         {:.1} ms",
        all.len(),
        ms(at(0.5)),
        ms(at(0.99))
    );
}
