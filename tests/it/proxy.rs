//! The outbound proxy (`proxy`, `no_proxy`): calls through Debian's tinyproxy, a real forward
//! proxy, to the sandbox; every way a proxy can fail, from tinyproxy itself (407, 5xx) and from
//! byte-level fakes (403, closing during CONNECT, silence), each a transport error that says
//! nothing was sent; the backup-domain move through the proxy; the environment read only when
//! asked; and the credentials in no message and no Debug output. HTTPS through the proxy is in
//! tests/it/tls.rs. Needs tinyproxy (`make test` installs it).

use crate::common;
use crate::tinyproxy;

use common::{EDU, example, sandbox};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;
use tinyproxy::Tinyproxy;
use wxpresign::{Client, Kind};

const USER: &str = "merchant-egress";
const PASSWORD: &str = "pr0xy-Pa55word";

fn client(config: &Value) -> Client {
    Client::from_json(&config.to_string()).expect("the configuration is valid")
}

fn call(client: &Client) -> Result<wxpresign::Response, wxpresign::Error> {
    client.call(EDU, &example(EDU).to_string())
}

/// A loopback port on which nothing listens.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Asserts a transport error that says nothing reached WeChat Pay, mentions `says`, and shows
/// no credential; returns its message.
fn not_sent(result: Result<wxpresign::Response, wxpresign::Error>, says: &str) -> String {
    let e = result.expect_err("the call must fail");
    let json = e.to_json().to_string();
    assert_eq!(e.kind(), Kind::Transport, "{json}");
    assert_eq!(
        e.to_json()["error"]["may_have_reached_server"],
        false,
        "a proxy failure must say nothing was sent: {json}"
    );
    assert!(e.message().contains(says), "expected \"{says}\" in: {json}");
    for secret in [PASSWORD, "wrong-password", USER] {
        assert!(
            !json.contains(secret),
            "the error shows a credential: {json}"
        );
    }
    e.message().to_owned()
}

/// A fake proxy that reads one CONNECT request and then does `then` with the connection;
/// returns its URL and a receiver of what it read.
fn fake_proxy(
    then: impl Fn(&mut std::net::TcpStream) + Send + 'static,
) -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
            then(&mut stream);
        }
    });
    (url, rx)
}

#[test]
fn calls_go_through_tinyproxy_with_basic_auth_and_reuse_one_tunnel() {
    let fx = sandbox();
    let proxy = Tinyproxy::start("auth", Some((USER, PASSWORD)));
    let mut config = fx.config.clone();
    config["proxy"] = proxy.url(Some((USER, PASSWORD))).into();
    let client = client(&config);
    for _ in 0..3 {
        let answer = call(&client).expect("the call succeeds through the proxy");
        assert_eq!(answer.status, 200);
    }
    let target = format!("CONNECT {} HTTP/1.1", fx.sandbox.addr());
    assert_eq!(
        proxy.connects(),
        [target],
        "three calls in a row should open one tunnel to the sandbox through tinyproxy and keep it"
    );
}

#[test]
fn missing_or_wrong_proxy_credentials_are_refused_and_nothing_is_sent() {
    let fx = sandbox();
    let proxy = Tinyproxy::start("wrong-password", Some((USER, PASSWORD)));
    let mut config = fx.config.clone();
    config["proxy"] = proxy.url(Some((USER, "wrong-password"))).into();
    let message = not_sent(call(&client(&config)), "authentication required");
    assert!(
        message.contains(&format!("127.0.0.1:{}", proxy.port)),
        "{message}"
    );
    // No credentials at all: 407.
    config["proxy"] = proxy.url(None).into();
    not_sent(
        call(&client(&config)),
        "answered CONNECT with 407, authentication required",
    );
}

#[test]
fn a_proxy_that_cannot_reach_the_host_lets_the_call_move_to_the_backup_domain() {
    // tinyproxy answers CONNECT with 500 when it cannot connect to the host: nothing was sent,
    // as with a failed direct connection, so the call goes to backup_base_url, through the
    // proxy too.
    let fx = sandbox();
    let proxy = Tinyproxy::start("failover", None);
    let mut config = fx.config.clone();
    let dead = format!("http://127.0.0.1:{}", closed_port());
    config["base_url"] = dead.clone().into();
    config["backup_base_url"] = fx.sandbox.base_url().into();
    config["proxy"] = proxy.url(None).into();
    let answer = call(&client(&config)).expect("the call moves to the backup domain");
    assert_eq!(answer.base_url, fx.sandbox.base_url());
    let connects = proxy.connects();
    assert_eq!(connects.len(), 2, "{connects:?}");
    assert!(
        connects[0].contains(dead.trim_start_matches("http://")),
        "{connects:?}"
    );
    assert!(
        connects[1].contains(&fx.sandbox.addr().to_string()),
        "{connects:?}"
    );

    // Without a backup the same failure is the call's error, saying who could not reach whom.
    config["backup_base_url"] = Value::Null;
    config["backup_failover"] = false.into();
    not_sent(call(&client(&config)), "could not reach 127.0.0.1");
}

#[test]
fn no_proxy_hosts_bypass_the_proxy() {
    let fx = sandbox();
    let mut config = fx.config.clone();
    config["proxy"] = format!("http://127.0.0.1:{}", closed_port()).into();
    config["no_proxy"] = json!(["api.mch.weixin.qq.com", "127.0.0.1"]);
    assert_eq!(call(&client(&config)).expect("a direct call").status, 200);
    // A suffix entry does not match the address itself.
    config["no_proxy"] = json!([".0.0.1"]);
    assert_eq!(
        call(&client(&config)).expect("a suffix matches").status,
        200
    );
    config["no_proxy"] = json!([".weixin.qq.com"]);
    not_sent(call(&client(&config)), "cannot connect to the proxy");
}

#[test]
fn a_proxy_url_with_a_control_character_or_space_is_refused_without_quoting_it() {
    let fx = sandbox();
    for proxy in [
        format!("http://{USER}:{PASSWORD}@proxy\r\n.internal:3128"),
        format!("http://{USER}:{PASSWORD}\r\n@proxy.internal:3128"),
        format!("http://{USER}:{PASSWORD}@proxy.internal:3128\r\nX-Injected: 1"),
        format!("http://{USER}:{PASSWORD}@proxy\t.internal:3128"),
        format!("http://{USER}:{PASSWORD}@proxy\u{7f}.internal:3128"),
        format!("http://{USER}:{PASSWORD}@proxy.internal\u{0}:3128"),
    ] {
        let mut config = fx.config.clone();
        config["proxy"] = proxy.clone().into();
        let e = Client::from_json(&config.to_string()).expect_err("refused");
        assert_eq!(e.kind(), Kind::Config, "{proxy:?}: {e}");
        assert!(e.message().contains("/proxy"), "{proxy:?}: {e}");
        assert!(
            e.message().contains("space or control character"),
            "{proxy:?}: {e}"
        );
        assert!(!e.message().contains(PASSWORD), "{e}");
    }
}

#[test]
fn a_no_proxy_entry_with_a_port_bypasses_the_proxy_on_that_port_only() {
    let fx = sandbox();
    let port = fx.sandbox.addr().port();
    let mut config = fx.config.clone();
    config["proxy"] = format!("http://127.0.0.1:{}", closed_port()).into();
    config["no_proxy"] = json!([format!("127.0.0.1:{port}")]);
    assert_eq!(call(&client(&config)).expect("a direct call").status, 200);
    config["no_proxy"] = json!([format!(".0.0.1:{port}")]);
    assert_eq!(
        call(&client(&config)).expect("a suffix on the port").status,
        200
    );
    // Another port: the call goes to the proxy, which nothing answers.
    config["no_proxy"] = json!([format!("127.0.0.1:{}", port.wrapping_add(1).max(1))]);
    not_sent(call(&client(&config)), "cannot connect to the proxy");
}

#[test]
fn an_unreachable_proxy_is_a_transport_error_naming_it() {
    let fx = sandbox();
    let mut config = fx.config.clone();
    let port = closed_port();
    config["proxy"] = format!("http://{USER}:{PASSWORD}@127.0.0.1:{port}").into();
    let message = not_sent(call(&client(&config)), "cannot connect to the proxy");
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
}

#[test]
fn a_proxy_that_answers_connect_with_403_refuses_the_tunnel() {
    let fx = sandbox();
    let (url, seen) = fake_proxy(|s| {
        let _ = s.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    });
    let mut config = fx.config.clone();
    config["proxy"] = url
        .replace("http://", &format!("http://{USER}:{PASSWORD}@"))
        .into();
    not_sent(call(&client(&config)), "answered CONNECT with 403");
    // What the proxy was sent: the CONNECT with Basic credentials, nothing of the request.
    let head = seen.recv_timeout(Duration::from_secs(5)).unwrap();
    let target = fx.sandbox.addr().to_string();
    assert!(
        head.starts_with(&format!("CONNECT {target} HTTP/1.1\r\n")),
        "{head}"
    );
    assert!(head.contains("Proxy-Authorization: Basic "), "{head}");
    assert!(!head.contains("Authorization: WECHATPAY2"), "{head}");
}

#[test]
fn a_proxy_that_closes_during_connect_means_not_sent() {
    let fx = sandbox();
    let (url, _seen) = fake_proxy(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 Conn");
        let _ = s.shutdown(std::net::Shutdown::Both);
    });
    let mut config = fx.config.clone();
    config["proxy"] = url.into();
    not_sent(call(&client(&config)), "the proxy 127.0.0.1");
}

#[test]
fn a_silent_proxy_times_out_within_connect_timeout_ms() {
    let fx = sandbox();
    let (url, _seen) = fake_proxy(|_| std::thread::sleep(Duration::from_secs(10)));
    let mut config = fx.config.clone();
    config["proxy"] = url.into();
    config["connect_timeout_ms"] = 300.into();
    not_sent(call(&client(&config)), "connect_timeout_ms (300 ms)");
}

#[test]
fn proxy_configuration_errors_say_what_is_wrong_without_quoting_credentials() {
    let fx = sandbox();
    for (proxy, no_proxy, says) in [
        (
            json!(format!("socks5://{USER}:{PASSWORD}@127.0.0.1:1080")),
            Value::Null,
            "SOCKS",
        ),
        (
            json!(format!("https://{USER}:{PASSWORD}@proxy:3128")),
            Value::Null,
            "over TLS",
        ),
        (
            json!(format!("http://{USER}:{PASSWORD}@proxy.internal")),
            Value::Null,
            "names no port",
        ),
        (
            json!(format!("{USER}:{PASSWORD}@proxy:3128")),
            Value::Null,
            "http://[user:password@]host:port",
        ),
        (
            json!(format!("http://{USER}:{PASSWORD}@proxy:3128/path")),
            Value::Null,
            "http://[user:password@]host:port",
        ),
        (
            json!("http://proxy:3128"),
            json!(["https://api.mch.weixin.qq.com"]),
            "no_proxy entry",
        ),
        (
            Value::Null,
            json!(["127.0.0.1"]),
            "no_proxy is set without proxy",
        ),
    ] {
        let mut config = fx.config.clone();
        config["proxy"] = proxy;
        config["no_proxy"] = no_proxy;
        let e = Client::from_json(&config.to_string()).expect_err("refused");
        assert_eq!(e.kind(), Kind::Config);
        assert!(
            e.message().contains(says),
            "expected \"{says}\" in: {}",
            e.message()
        );
        assert!(!e.message().contains(PASSWORD), "{}", e.message());
    }
    // An IPv6 proxy, in brackets as URLs write it.
    let mut config = fx.config.clone();
    config["proxy"] = "http://[::1]:3128".into();
    let parsed = wxpresign::config::Config::from_json(&config.to_string()).unwrap();
    assert!(format!("{parsed:?}").contains("[::1]:3128"));

    // Debug output names the proxy, never its credentials.
    let mut config = fx.config.clone();
    config["proxy"] = format!("http://{USER}:{PASSWORD}@proxy.internal:3128").into();
    let parsed = wxpresign::config::Config::from_json(&config.to_string()).unwrap();
    let debug = format!("{parsed:?}");
    assert!(debug.contains("proxy.internal:3128"), "{debug}");
    assert!(
        !debug.contains(PASSWORD) && !debug.contains(USER),
        "{debug}"
    );
    let debug = format!("{:?}", client(&config));
    assert!(
        !debug.contains(PASSWORD) && !debug.contains(USER),
        "{debug}"
    );
}
