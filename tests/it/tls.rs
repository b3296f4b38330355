//! TLS: certificates are always verified, `extra_ca_pem` / `extra_ca_file` add trust anchors
//! (a corporate TLS-inspecting proxy's CA) to the system roots. A TLS-terminating front made
//! with rustls, holding a certificate from a throwaway rcgen CA, forwards to the in-process
//! sandbox, so a successful call is a real, verified sandbox answer over HTTPS. A client's new
//! connections resume the TLS sessions of its earlier ones, and the trace says so.

use crate::common;
use crate::tinyproxy;
use crate::tls_relay;

use common::{EDU, edu_with_user, example, sandbox};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{Value, json};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use tls_relay::relay;
use wxpresign::Kind;

/// A certificate authority that exists only for this test.
struct Authority {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn authority(name: &str) -> Authority {
    let key = KeyPair::generate().expect("a CA key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    let cert = params.self_signed(&key).expect("a self-signed CA");
    Authority {
        pem: cert.pem(),
        issuer: Issuer::new(params, key),
    }
}

/// A TLS server certificate for `names`, issued by `ca`, as a rustls server configuration.
fn server_config(ca: &Authority, names: &[&str]) -> Arc<ServerConfig> {
    let key = KeyPair::generate().expect("a server key");
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let cert = CertificateParams::new(names)
        .expect("params")
        .signed_by(&key, &ca.issuer)
        .expect("a server certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Arc::new(
        ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone()], key)
            .expect("a server configuration"),
    )
}

/// An HTTPS front for `upstream` on a loopback port, closing each connection after `at_most`
/// answers if given; returns `https://127.0.0.1:PORT`.
fn https_front(config: Arc<ServerConfig>, upstream: SocketAddr, at_most: Option<usize>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!("https://{}", listener.local_addr().expect("bound"));
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || relay(config, tcp, upstream, at_most));
        }
    });
    url
}

struct Setup {
    fx: common::Fixture,
    ca: Authority,
    url: String,
}

/// The sandbox behind an HTTPS front whose certificate (for 127.0.0.1) the test CA issued.
fn setup() -> Setup {
    let fx = sandbox();
    let ca = authority("wxpresign test proxy CA");
    let url = https_front(
        server_config(&ca, &["127.0.0.1", "localhost"]),
        fx.sandbox.addr(),
        None,
    );
    Setup { fx, ca, url }
}

fn call(client: &wxpresign::Client) -> Result<wxpresign::Response, wxpresign::Error> {
    client.call(EDU, &example(EDU).to_string())
}

/// Prints a row of the Reliability table (reliability/faults.sh collects them).
fn row(case: &str, result: &Result<wxpresign::Response, wxpresign::Error>) {
    match result {
        Ok(r) => println!(
            "| TLS: {case} | 0 ok | (answered) | verified answer from {} |",
            r.base_url
        ),
        Err(e) => println!(
            "| TLS: {case} | {} {} | {} | {} |",
            e.kind() as i32,
            e.kind().as_str(),
            e.to_json()["error"]["may_have_reached_server"],
            e.message()
        ),
    }
}

#[test]
fn a_server_whose_ca_is_not_trusted_is_refused_before_anything_is_sent() {
    let s = setup();
    let client = s.fx.client_with(json!({ "base_url": s.url }));
    let result = call(&client);
    row("server certificate from an unknown CA", &result);
    let error = result.expect_err("the test CA is not a system root");
    assert_eq!(error.kind(), Kind::Transport, "{error}");
    assert_eq!(error.to_json()["error"]["may_have_reached_server"], false);
    assert!(error.message().contains("certificate"), "{error}");
    assert!(error.message().contains("extra_ca_file"), "{error}");
}

#[test]
fn extra_ca_pem_makes_the_proxy_trusted() {
    let s = setup();
    let client =
        s.fx.client_with(json!({ "base_url": s.url, "extra_ca_pem": s.ca.pem }));
    let result = call(&client);
    row("the same server, its CA in extra_ca_pem", &result);
    let response = result.expect("trusted through extra_ca_pem");
    assert!(response.data["presign_token"].is_string());
    assert_eq!(response.base_url, s.url);
}

/// A client keeps the TLS sessions of its connections: a new connection to the same host resumes
/// one instead of a full handshake, and the trace says which each attempt's connection made.
#[test]
fn a_new_connection_resumes_the_tls_session_of_an_earlier_one_and_the_trace_says_so() {
    let fx = sandbox();
    let ca = authority("wxpresign test CA");
    // Each connection is closed after one answer, so that every call opens a new one.
    let url = https_front(
        server_config(&ca, &["127.0.0.1"]),
        fx.sandbox.addr(),
        Some(1),
    );
    let config = json!({ "base_url": url, "extra_ca_pem": ca.pem });
    let handshake = |client: &wxpresign::Client, user: &str| {
        let response = client
            .call(EDU, &edu_with_user(user))
            .expect("a verified answer over https");
        // The front's close reaches the client before its next call.
        std::thread::sleep(std::time::Duration::from_millis(200));
        let attempt = &response.trace["attempts"][0];
        (attempt["connection"].clone(), attempt["tls"].clone())
    };
    let client = fx.client_with(config.clone());
    assert_eq!(handshake(&client, "tls-1"), (json!("new"), json!("full")));
    assert_eq!(
        handshake(&client, "tls-2"),
        (json!("new"), json!("resumed"))
    );
    assert_eq!(
        handshake(&client, "tls-3"),
        (json!("new"), json!("resumed"))
    );
    // Another client holds sessions of its own.
    let other = fx.client_with(config);
    assert_eq!(handshake(&other, "tls-4"), (json!("new"), json!("full")));
}

/// Through a forward proxy (tinyproxy) the TLS session is still the library's own with the
/// server, end to end in the CONNECT tunnel: the same certificate is trusted or refused as
/// without the proxy.
#[test]
fn tls_through_a_connect_proxy_is_end_to_end_and_checked_as_without_it() {
    let s = setup();
    let proxy = tinyproxy::Tinyproxy::start("tls", None);
    let through = |extra: Value| {
        let mut changes = json!({ "base_url": s.url, "proxy": proxy.url(None) });
        for (k, v) in extra.as_object().unwrap() {
            changes[k] = v.clone();
        }
        call(&s.fx.client_with(changes))
    };
    let response =
        through(json!({ "extra_ca_pem": s.ca.pem })).expect("verified through the tunnel");
    assert!(response.data["presign_token"].is_string());
    let error = through(json!({})).expect_err("the test CA is not trusted, proxy or not");
    assert_eq!(error.kind(), Kind::Transport, "{error}");
    assert_eq!(error.to_json()["error"]["may_have_reached_server"], false);
    assert!(
        error.message().contains("certificate was refused"),
        "{error}"
    );
    let port = s.url.rsplit(':').next().unwrap();
    assert_eq!(
        proxy.connects(),
        vec![format!("CONNECT 127.0.0.1:{port} HTTP/1.1"); 2],
        "both calls should have tunnelled through the proxy"
    );
}

#[test]
fn extra_ca_file_makes_the_proxy_trusted() {
    let s = setup();
    let path = std::env::temp_dir().join(format!("wxpresign-tls-ca-{}.pem", std::process::id()));
    std::fs::write(&path, &s.ca.pem).expect("a writable temp dir");
    let client =
        s.fx.client_with(json!({ "base_url": s.url, "extra_ca_file": path }));
    let result = call(&client);
    let _ = std::fs::remove_file(&path);
    assert!(result.expect("trusted through extra_ca_file").data["presign_token"].is_string());
}

#[test]
fn an_extra_ca_bundle_may_hold_several_certificates() {
    let s = setup();
    let bundle = format!("{}\r\n{}", authority("another CA").pem, s.ca.pem);
    let client =
        s.fx.client_with(json!({ "base_url": s.url, "extra_ca_pem": bundle }));
    assert!(call(&client).is_ok());
}

#[test]
fn another_ca_does_not_make_the_proxy_trusted() {
    let s = setup();
    let client = s.fx.client_with(json!({
        "base_url": s.url,
        "extra_ca_pem": authority("an unrelated CA").pem,
    }));
    let error = call(&client).expect_err("signed by another CA");
    assert_eq!(error.kind(), Kind::Transport);
    assert_eq!(error.to_json()["error"]["may_have_reached_server"], false);
    assert!(error.message().contains("certificate"), "{error}");
}

#[test]
fn a_trusted_certificate_for_another_name_is_refused() {
    let fx = sandbox();
    let ca = authority("wxpresign test proxy CA");
    let url = https_front(
        server_config(&ca, &["api.mch.weixin.qq.com"]),
        fx.sandbox.addr(),
        None,
    );
    let client = fx.client_with(json!({ "base_url": url, "extra_ca_pem": ca.pem }));
    let result = call(&client);
    row("trusted CA, certificate for another name", &result);
    let error = result.expect_err("the certificate names another host");
    assert_eq!(error.kind(), Kind::Transport);
    assert_eq!(error.to_json()["error"]["may_have_reached_server"], false);
    assert!(error.message().contains("certificate"), "{error}");
}

#[test]
fn a_certificate_failure_does_not_fail_over() {
    // The backup would answer, but a refused certificate is a configuration problem (or an
    // attack) that the backup host would not fix: the call reports it.
    let s = setup();
    let client = s.fx.client_with(json!({
        "base_url": s.url,
        "backup_base_url": s.fx.sandbox.base_url(),
    }));
    let error = call(&client).expect_err("the certificate is refused");
    assert_eq!(error.kind(), Kind::Transport);
    assert!(error.failover().is_none(), "{}", error.to_json());
    assert_eq!(error.base_url(), Some(s.url.as_str()));
}

#[test]
fn no_configuration_member_turns_verification_off() {
    let fx = sandbox();
    for (member, value) in [
        ("danger_accept_invalid_certs", json!(true)),
        ("accept_invalid_certs", json!(true)),
        ("verify_tls", json!(false)),
        ("insecure", json!(true)),
        ("tls_verify", json!(false)),
    ] {
        let mut config = fx.config.clone();
        config[member] = value;
        let error = wxpresign::Client::from_json(&config.to_string())
            .expect_err("unknown members are refused");
        assert_eq!(error.kind(), Kind::Config);
        assert!(error.message().contains(member), "{error}");
    }
}

#[test]
fn extra_ca_pem_that_is_not_a_certificate_is_a_config_error_naming_it() {
    let fx = sandbox();
    for (case, text) in [
        ("not PEM", "my proxy's CA".to_owned()),
        ("empty", "   ".to_owned()),
        (
            "a private key",
            fx.config["merchant_private_key"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        ),
        (
            "a public key",
            fx.config["wechatpay_public_key"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        ),
    ] {
        let mut config = fx.config.clone();
        config["extra_ca_pem"] = json!(text);
        let error = wxpresign::Client::from_json(&config.to_string()).expect_err(case);
        assert_eq!(error.kind(), Kind::Config, "{case}: {error}");
        assert!(error.message().contains("extra_ca_pem"), "{case}: {error}");
        assert!(
            error.message().contains("BEGIN CERTIFICATE"),
            "{case}: {error}"
        );
    }
}

#[test]
fn unreadable_extra_ca_file_is_a_config_error_naming_the_member_not_the_path() {
    let fx = sandbox();
    let mut config = fx.config.clone();
    config["extra_ca_file"] = json!("/nonexistent/proxy-ca.pem");
    let error = wxpresign::Client::from_json(&config.to_string()).expect_err("no such file");
    assert_eq!(error.kind(), Kind::Config);
    assert!(error.message().contains("extra_ca_file"), "{error}");
    assert!(!error.message().contains("proxy-ca.pem"), "{error}");
}
