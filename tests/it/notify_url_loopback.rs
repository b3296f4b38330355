//! Notify URLs the pages refuse: "通知URL必须为HTTPS" (the pre-sign pages) and "不能填写localhost、
//! 127.0.0.1、192.168.x.x等本地或内网IP" (回调通知注意事项,
//! https://pay.weixin.qq.com/docs/partner/development/practices/notification-considerations.html).
//! A loopback notify URL is allowed only by `allow_http_notify_loopback`, on by default only
//! when `base_url` is itself on loopback (a sandbox).

use crate::common;

use common::example;
use serde_json::{Value, json};
use wxpresign::error::Kind;

const PARTNER_MINI_PROGRAM: &str =
    "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program";

fn with_notify_url(url: &str) -> String {
    let mut request = example(PARTNER_MINI_PROGRAM);
    request["contract_notify_url"] = url.into();
    request.to_string()
}

/// A client of the sandbox's merchant whose `base_url` is WeChat Pay's own host.
fn production(fx: &common::Fixture, changes: Value) -> wxpresign::Client {
    let mut all = json!({ "base_url": "https://api.mch.weixin.qq.com" });
    for (k, v) in changes.as_object().expect("an object") {
        all[k] = v.clone();
    }
    fx.client_with(all)
}

fn refused_field(client: &wxpresign::Client, url: &str) -> Option<String> {
    let error = client
        .call(PARTNER_MINI_PROGRAM, &with_notify_url(url))
        .err()?;
    assert_eq!(error.kind(), Kind::Validation, "{}", error.message());
    assert!(
        !error.to_json()["error"]["may_have_reached_server"]
            .as_bool()
            .unwrap_or(true)
    );
    error.field().map(str::to_owned)
}

#[test]
fn against_wechat_pay_an_http_notify_url_on_loopback_is_refused_naming_the_field() {
    let fx = common::sandbox();
    let client = production(&fx, json!({}));

    let field = refused_field(&client, "http://127.0.0.1:8080/notify");

    assert_eq!(field.as_deref(), Some("/contract_notify_url"));
}

#[test]
fn against_wechat_pay_an_https_notify_url_on_localhost_is_refused_too() {
    let fx = common::sandbox();
    let client = production(&fx, json!({}));

    let field = refused_field(&client, "https://localhost/notify");

    assert_eq!(field.as_deref(), Some("/contract_notify_url"));
}

#[test]
fn against_the_sandbox_an_http_notify_url_on_loopback_is_allowed_by_default() {
    let fx = common::sandbox();

    let answer = fx.client().call(
        PARTNER_MINI_PROGRAM,
        &with_notify_url("http://127.0.0.1:9/notify"),
    );

    assert!(answer.is_ok(), "{:?}", answer.err().map(|e| e.to_string()));
}

#[test]
fn allow_http_notify_loopback_false_refuses_it_against_the_sandbox_before_sending() {
    let fx = common::sandbox();
    let client = fx.client_with(json!({ "allow_http_notify_loopback": false }));

    let field = refused_field(&client, "http://127.0.0.1:9/notify");

    assert_eq!(field.as_deref(), Some("/contract_notify_url"));
    assert!(
        fx.sandbox.requests().is_empty(),
        "nothing reached the sandbox"
    );
}

#[test]
fn allow_http_notify_loopback_true_allows_it_whatever_the_base_url() {
    let fx = common::sandbox();
    // A documentation address (RFC 5737) nobody answers: the call gets past validation and
    // fails to connect.
    let client = fx.client_with(json!({
        "base_url": "https://192.0.2.1",
        "allow_http_notify_loopback": true,
        "connect_timeout_ms": 100,
        "timeout_ms": 300,
    }));

    let error = client
        .call(
            PARTNER_MINI_PROGRAM,
            &with_notify_url("http://localhost:9/notify"),
        )
        .expect_err("nobody answers");

    assert_eq!(error.kind(), Kind::Transport, "{}", error.message());
}

#[test]
fn an_http_notify_url_off_loopback_is_refused_whatever_the_setting() {
    let fx = common::sandbox();
    let client = fx.client_with(json!({ "allow_http_notify_loopback": true }));

    let field = refused_field(&client, "http://merchant.example.com/notify");

    assert_eq!(field.as_deref(), Some("/contract_notify_url"));
}

#[test]
fn allow_http_notify_loopback_must_be_a_boolean() {
    let mut config = common::sandbox().config;
    config["allow_http_notify_loopback"] = "yes".into();

    let error = wxpresign::Client::from_json(&config.to_string()).expect_err("refused");

    assert_eq!(error.kind(), Kind::Config);
    assert!(
        error.message().contains("expected a boolean"),
        "{}",
        error.message()
    );
}
