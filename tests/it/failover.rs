//! The backup domain: a call that could not be sent to base_url at all (DNS failure, refused
//! connection, connect timeout) goes once to backup_base_url; a call that may have been
//! delivered never does. Loopback addresses stand in for api.mch.weixin.qq.com and
//! api2.mch.weixin.qq.com.
//!
//! Each call prints one row of the Reliability table (reliability/faults.sh collects them):
//! `| failover: case | status | host that answered or was tried last | failed over |
//! may_have_reached_server | elapsed |`.

use crate::common;

use common::{EDU, example, sandbox};
use serde_json::{Value, json};
use socket2::{Domain, Socket, Type};
use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};
use wxpresign::config::{Config, DEFAULT_BACKUP_BASE_URL};
use wxpresign::{Client, Kind};

const MARGIN: Duration = Duration::from_secs(2);

/// A loopback URL on which nothing listens: connections are refused.
fn refusing() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    format!("http://127.0.0.1:{port}")
}

/// A host that never completes a TCP handshake: a listener with a zero backlog whose queue is
/// already full, so that the kernel drops further SYNs and connect() runs into its timeout.
struct Unresponsive {
    _listener: Socket,
    _filler: TcpStream,
    url: String,
}

fn unresponsive() -> Unresponsive {
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a socket");
    let any: SocketAddr = "127.0.0.1:0".parse().expect("an address");
    listener.bind(&any.into()).expect("bind");
    listener.listen(0).expect("listen");
    let addr = listener
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .expect("an IPv4 address");
    let filler = TcpStream::connect(addr).expect("the first connection fills the queue");
    Unresponsive {
        _listener: listener,
        _filler: filler,
        url: format!("http://{addr}"),
    }
}

/// A host that accepts connections and hands each to `then`, on a thread.
fn accepting(then: fn(TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            then(stream);
        }
    });
    url
}

/// Reads the request head and a little of the body: the request has been delivered.
fn read_some(mut stream: &TcpStream) {
    let mut buf = [0u8; 8192];
    let _ = stream.read(&mut buf);
}

/// A listener that records whether anything connected to it (it never answers).
struct Witness(TcpListener);

impl Witness {
    fn new() -> Witness {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.set_nonblocking(true).expect("nonblocking");
        Witness(listener)
    }

    fn url(&self) -> String {
        format!("http://{}", self.0.local_addr().expect("bound"))
    }

    fn was_contacted(&self) -> bool {
        !matches!(self.0.accept(), Err(e) if e.kind() == ErrorKind::WouldBlock)
    }
}

fn edu(client: &Client) -> (Result<wxpresign::Response, wxpresign::Error>, Duration) {
    let started = Instant::now();
    let result = client.call(EDU, &example(EDU).to_string());
    (result, started.elapsed())
}

/// Prints the table row of a call's outcome: status, which member's host answered or was tried
/// last, whether the call failed over, whether it may have reached a server, and the time.
fn row(case: &str, result: &Result<wxpresign::Response, wxpresign::Error>, elapsed: Duration) {
    let (status, json, reached) = match result {
        Ok(r) => ("0 ok".to_owned(), r.to_json(), "(answered)".to_owned()),
        Err(e) => {
            let json = e.to_json()["error"].clone();
            let reached = json["may_have_reached_server"].to_string();
            (
                format!("{} {}", e.kind() as i32, e.kind().as_str()),
                json,
                reached,
            )
        }
    };
    let failed_over = json["failover"].is_object();
    println!(
        "| failover: {case} | {status} | {} | {} | {reached} | {} ms |",
        if failed_over {
            "backup_base_url"
        } else {
            "base_url"
        },
        if failed_over { "yes" } else { "no" },
        elapsed.as_millis()
    );
}

#[test]
fn refused_primary_fails_over_to_the_backup() {
    let fx = sandbox();
    let primary = refusing();
    let client = fx.client_with(json!({
        "base_url": primary,
        "backup_base_url": fx.sandbox.base_url(),
    }));
    let (result, elapsed) = edu(&client);
    row("primary refuses the connection", &result, elapsed);
    let response = result.expect("the backup answers");
    assert_eq!(response.base_url, fx.sandbox.base_url());
    let failover = response.failover.as_ref().expect("a failover is reported");
    assert_eq!(failover.from, primary);
    assert!(
        failover.reason.contains("connection refused by 127.0.0.1:"),
        "{}",
        failover.reason
    );
    let json = response.to_json();
    assert_eq!(json["base_url"], fx.sandbox.base_url());
    assert_eq!(json["failover"]["from"], primary.as_str());
    assert!(json["data"]["presign_token"].is_string());
}

#[test]
fn unresolvable_primary_fails_over_to_the_backup() {
    let fx = sandbox();
    // .invalid never resolves (RFC 6761).
    let client = fx.client_with(json!({
        "base_url": "https://api.wxpresign-failover-test.invalid",
        "backup_base_url": fx.sandbox.base_url(),
    }));
    let (result, elapsed) = edu(&client);
    row("primary name does not resolve", &result, elapsed);
    let response = result.expect("the backup answers");
    assert_eq!(response.base_url, fx.sandbox.base_url());
    let reason = &response.failover.as_ref().expect("a failover").reason;
    assert!(
        reason.contains("cannot resolve api.wxpresign-failover-test.invalid"),
        "{reason}"
    );
}

#[test]
fn primary_that_never_accepts_fails_over_after_connect_timeout_ms() {
    let fx = sandbox();
    let primary = unresponsive();
    let client = fx.client_with(json!({
        "base_url": primary.url,
        "backup_base_url": fx.sandbox.base_url(),
        "connect_timeout_ms": 500,
        "timeout_ms": 5000,
    }));
    let (result, elapsed) = edu(&client);
    row("primary connect times out (500 ms)", &result, elapsed);
    let response = result.expect("the backup answers");
    assert_eq!(response.base_url, fx.sandbox.base_url());
    let reason = &response.failover.as_ref().expect("a failover").reason;
    assert!(
        reason.contains("within connect_timeout_ms (500 ms)"),
        "{reason}"
    );
    assert!(elapsed >= Duration::from_millis(450), "took {elapsed:?}");
    assert!(
        elapsed < Duration::from_millis(5000) + MARGIN,
        "took {elapsed:?}"
    );
}

#[test]
fn primary_that_accepts_and_drops_the_connection_does_not_fail_over() {
    let primary = accepting(|stream| {
        read_some(&stream);
        drop(stream);
    });
    let backup = Witness::new();
    let fx = sandbox();
    let client = fx.client_with(json!({ "base_url": primary, "backup_base_url": backup.url() }));
    let (result, elapsed) = edu(&client);
    row("primary accepts, reads, closes", &result, elapsed);
    let error = result.expect_err("the primary dropped the call");
    assert_eq!(error.kind(), Kind::Transport, "{error}");
    let json = error.to_json();
    assert_eq!(json["error"]["may_have_reached_server"], true);
    assert_eq!(json["error"]["base_url"], primary.as_str());
    assert!(json["error"].get("failover").is_none(), "{json}");
    assert!(
        !backup.was_contacted(),
        "the backup was called after a possible delivery"
    );
}

#[test]
fn primary_that_resets_after_the_request_arrived_does_not_fail_over() {
    // (A reset that arrives before the request is written is a failed connection: nothing was
    // sent, and the call moves. Which of the two a reset right after accept() is depends on
    // timing, so the test resets once the request is in.)
    let primary = accepting(|stream| {
        read_some(&stream);
        let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    });
    let backup = Witness::new();
    let fx = sandbox();
    let client = fx.client_with(json!({ "base_url": primary, "backup_base_url": backup.url() }));
    let (result, elapsed) = edu(&client);
    row(
        "primary accepts, reads, then resets (RST)",
        &result,
        elapsed,
    );
    let error = result.expect_err("the primary reset the connection");
    assert_eq!(error.kind(), Kind::Transport, "{error}");
    assert_eq!(error.to_json()["error"]["may_have_reached_server"], true);
    assert!(
        !backup.was_contacted(),
        "the backup was called after a connection was made"
    );
}

#[test]
fn primary_that_stays_silent_does_not_fail_over() {
    let primary = accepting(|stream| {
        read_some(&stream);
        std::thread::sleep(Duration::from_secs(4));
    });
    let backup = Witness::new();
    let fx = sandbox();
    let client = fx.client_with(json!({
        "base_url": primary,
        "backup_base_url": backup.url(),
        "timeout_ms": 800,
    }));
    let (result, elapsed) = edu(&client);
    row("primary accepts, never answers", &result, elapsed);
    let error = result.expect_err("the primary never answered");
    assert_eq!(error.kind(), Kind::Transport, "{error}");
    assert_eq!(error.to_json()["error"]["may_have_reached_server"], true);
    assert!(
        elapsed < Duration::from_millis(800) + MARGIN,
        "took {elapsed:?}"
    );
    assert!(
        !backup.was_contacted(),
        "the backup was called after a timeout"
    );
}

#[test]
fn api_error_from_the_primary_does_not_fail_over() {
    let fx = sandbox();
    let backup = Witness::new();
    let client = fx.client_with(json!({
        "base_url": fx.sandbox.base_url(),
        "backup_base_url": backup.url(),
    }));
    let started = Instant::now();
    let result = client.call(EDU, &common::edu_with_user("SANDBOXSYSTEMERROR"));
    row("primary answers 500", &result, started.elapsed());
    let error = result.expect_err("the sandbox answers 500");
    assert_eq!(error.kind(), Kind::Api);
    assert_eq!(error.base_url(), Some(fx.sandbox.base_url()));
    assert!(!backup.was_contacted());
}

#[test]
fn with_backup_failover_false_a_refused_primary_is_the_answer() {
    let fx = sandbox();
    let primary = refusing();
    let client = fx.client_with(json!({
        "base_url": primary,
        "backup_base_url": fx.sandbox.base_url(),
        "backup_failover": false,
    }));
    let (result, elapsed) = edu(&client);
    row("primary refuses, backup_failover false", &result, elapsed);
    let error = result.expect_err("no failover");
    assert_eq!(error.kind(), Kind::Transport);
    let json = error.to_json();
    assert_eq!(json["error"]["may_have_reached_server"], false);
    assert_eq!(json["error"]["base_url"], primary.as_str());
    assert!(json["error"].get("failover").is_none(), "{json}");
}

#[test]
fn when_both_hosts_refuse_the_error_names_both() {
    let fx = sandbox();
    let (primary, backup) = (refusing(), refusing());
    let client = fx.client_with(json!({ "base_url": primary, "backup_base_url": backup }));
    let (result, elapsed) = edu(&client);
    row("both hosts refuse", &result, elapsed);
    let error = result.expect_err("nobody listens");
    assert_eq!(error.kind(), Kind::Transport);
    let json = error.to_json();
    assert_eq!(json["error"]["may_have_reached_server"], false);
    assert_eq!(json["error"]["base_url"], backup.as_str());
    assert_eq!(json["error"]["failover"]["from"], primary.as_str());
    assert!(error.retryable());
}

#[test]
fn failover_stays_within_timeout_ms() {
    let fx = sandbox();
    let primary = unresponsive();
    let backup = accepting(|stream| {
        read_some(&stream);
        std::thread::sleep(Duration::from_secs(5));
    });
    let client = fx.client_with(json!({
        "base_url": primary.url,
        "backup_base_url": backup,
        "connect_timeout_ms": 1000,
        "timeout_ms": 2000,
    }));
    let (result, elapsed) = edu(&client);
    row(
        "primary connect times out (1000 ms), backup silent; timeout_ms 2000",
        &result,
        elapsed,
    );
    let error = result.expect_err("the backup never answers");
    assert_eq!(error.kind(), Kind::Transport, "{error}");
    let json = error.to_json();
    assert_eq!(json["error"]["may_have_reached_server"], true);
    assert_eq!(json["error"]["base_url"], backup.as_str());
    assert!(json["error"]["failover"].is_object(), "{json}");
    // The whole call, failover included, ends at timeout_ms: 1000 ms on the primary, then the
    // backup gets the remaining 1000 ms, not a fresh 2000 (which would end near 3000 ms).
    assert!(elapsed >= Duration::from_millis(1900), "took {elapsed:?}");
    assert!(elapsed < Duration::from_millis(2700), "took {elapsed:?}");
}

#[test]
fn cross_border_endpoints_never_fail_over() {
    let fx = sandbox();
    let backup = Witness::new();
    let client = fx.client_with(json!({
        "global_base_url": refusing(),
        "backup_base_url": backup.url(),
    }));
    let path = "v3/global/papay/contracts/h5-pre-entrust-sign";
    let error = client
        .call(path, &example(path).to_string())
        .expect_err("apihk is down and has no backup");
    assert_eq!(error.kind(), Kind::Transport);
    assert!(error.failover().is_none());
    assert!(!backup.was_contacted());
}

// ---------------------------------------------------------------------------------------------
// Configuration.

fn config(changes: Value) -> Result<Config, wxpresign::Error> {
    let fx = sandbox_config();
    let mut config = fx.clone();
    for (k, v) in changes.as_object().expect("an object") {
        if v.is_null() {
            config.as_object_mut().expect("an object").remove(k);
        } else {
            config[k] = v.clone();
        }
    }
    Config::from_json(&config.to_string())
}

/// A valid configuration (keys from a sandbox identity), made once per test binary.
fn sandbox_config() -> &'static Value {
    static CONFIG: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    CONFIG.get_or_init(|| {
        let (identity, merchant_key) =
            wxpresign_sandbox::Identity::generate().expect("key generation works");
        identity
            .client_config(&merchant_key, "http://127.0.0.1:1")
            .expect("config renders")
    })
}

#[test]
fn the_official_base_url_has_api2_as_its_backup() {
    let config = config(json!({ "base_url": null, "global_base_url": null })).expect("valid");
    assert_eq!(
        config
            .backup_base_url
            .as_ref()
            .map(wxpresign::url::BaseUrl::as_str),
        Some("https://api2.mch.weixin.qq.com")
    );
    assert_eq!(DEFAULT_BACKUP_BASE_URL, "https://api2.mch.weixin.qq.com");
}

#[test]
fn another_base_url_has_no_backup_unless_one_is_given() {
    let config =
        config(json!({ "base_url": "https://wechat-gateway.example.com" })).expect("valid");
    assert_eq!(config.backup_base_url, None);
    let config = config_with_backup("https://wechat-gateway-2.example.com/");
    assert_eq!(
        config
            .backup_base_url
            .as_ref()
            .map(wxpresign::url::BaseUrl::as_str),
        Some("https://wechat-gateway-2.example.com")
    );
}

fn config_with_backup(url: &str) -> Config {
    config(json!({ "base_url": "https://wechat-gateway.example.com", "backup_base_url": url }))
        .expect("valid")
}

#[test]
fn backup_failover_false_disables_the_default_backup() {
    let config = config(json!({ "base_url": null, "backup_failover": false })).expect("valid");
    assert_eq!(config.backup_base_url, None);
}

#[test]
fn backup_base_url_equal_to_base_url_is_refused() {
    let error =
        config(json!({ "base_url": null, "backup_base_url": "https://api.mch.weixin.qq.com/" }))
            .expect_err("the same host is no backup");
    assert_eq!(error.kind(), Kind::Config);
    assert!(error.message().contains("backup_base_url"), "{error}");
}

#[test]
fn plain_http_backup_to_a_public_host_is_refused() {
    let error = config(json!({ "backup_base_url": "http://api2.mch.weixin.qq.com" }))
        .expect_err("http to a public host");
    assert_eq!(error.kind(), Kind::Config);
    assert!(error.message().contains("backup_base_url"), "{error}");
}

#[test]
fn backup_failover_must_be_a_boolean() {
    let error = config(json!({ "backup_failover": "no" })).expect_err("a string");
    assert_eq!(error.kind(), Kind::Config);
    assert!(error.message().contains("boolean"), "{error}");
}
