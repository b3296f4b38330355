//! One configuration holding both a platform certificate and a WeChat Pay public key, through
//! the change from one to the other (平台证书切换微信支付公钥,
//! https://pay.weixin.qq.com/docs/partner/products/platform-certificate/update-pub-key.html),
//! against the sandbox's migration mode: `wechatpay_serial` chooses the key requests name, so
//! that both keys can be deployed before the change starts, and notifications verify whichever
//! key signed them while the share of the public key ramps up.

use crate::common;

use common::{Fixture, INSURANCE, example};
use serde_json::{Value, json};
use std::collections::HashSet;
use wxpresign::error::Kind;
use wxpresign::signing::unix_now;
use wxpresign_sandbox::{Identity, Mode, Sandbox};

const PARTNER_MINI_PROGRAM: &str =
    "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program";

/// A merchant holding both keys; its client.json names both, as `sandbox init --mode migration`
/// writes it.
fn migrating() -> Fixture {
    let (identity, merchant_key) = Identity::generate_in(Mode::Migration).expect("keys");
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").expect("a loopback port");
    sandbox.set_retry_unit_ms(1);
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .expect("config");
    Fixture {
        sandbox,
        merchant_key,
        config,
    }
}

fn public_key_id(fx: &Fixture) -> String {
    fx.config["wechatpay_public_key_id"]
        .as_str()
        .expect("a public key id")
        .to_owned()
}

/// The serial the client names in requests, as `encrypt` reports it.
fn named(client: &wxpresign::Client) -> String {
    client.encrypt("张三").expect("encrypts").1
}

#[test]
fn by_default_requests_name_the_public_key_and_certificate_names_the_certificate() {
    let fx = migrating();

    let default = named(&fx.client());
    let certificate = named(&fx.client_with(json!({ "wechatpay_serial": "certificate" })));

    assert_eq!(default, public_key_id(&fx));
    assert_eq!(certificate, fx.sandbox.identity().platform_serial);
}

#[test]
fn before_the_change_starts_a_client_naming_the_certificate_calls_endpoints_with_encrypted_fields()
{
    let fx = migrating();
    let client = fx.client_with(json!({ "wechatpay_serial": "certificate" }));

    let answer = client.call(INSURANCE, &example(INSURANCE).to_string());
    let naming_the_public_key = fx.client().call(INSURANCE, &example(INSURANCE).to_string());

    assert!(answer.is_ok(), "{:?}", answer.err().map(|e| e.to_string()));
    let refused = naming_the_public_key.expect_err("the public key is refused before the start");
    assert_eq!(refused.http_status(), Some(400), "{}", refused.message());
}

#[test]
fn with_the_change_started_answers_verify_whichever_key_the_request_names() {
    let fx = migrating();
    fx.sandbox
        .set_behaviours(&json!({ "key_migration": { "state": "started" } }))
        .expect("started");

    for serial in ["public_key", "certificate"] {
        let client = fx.client_with(json!({ "wechatpay_serial": serial }));
        let answer = client.call(INSURANCE, &example(INSURANCE).to_string());
        assert!(
            answer.is_ok(),
            "{serial}: {:?}",
            answer.err().map(|e| e.to_string())
        );
    }
}

#[test]
fn over_the_ramp_one_configuration_verifies_notifications_of_both_keys() {
    let fx = migrating();
    // Day 6 of 7, with hour-long days (so that a slow run stays on that day): half the
    // notifications use the public key.
    let started_at = unix_now() - 5 * 3600 - 1;
    fx.sandbox
        .set_behaviours(&json!({
            "key_migration": { "state": "started", "day_secs": 3600, "started_at": started_at }
        }))
        .expect("started");
    let merchant = common::notify_endpoint();
    let client = fx.client();

    let mut serials = HashSet::new();
    for round in 0..40 {
        let mut request = example(PARTNER_MINI_PROGRAM);
        request["contract_notify_url"] = merchant.url.as_str().into();
        // A signed contract's code is never used again.
        request["out_contract_code"] = format!("migration{round}").into();
        let answer = client
            .call(PARTNER_MINI_PROGRAM, &request.to_string())
            .expect("the pre-sign call succeeds");
        let id = answer.data["pre_entrustweb_id"].as_str().expect("an id");
        fx.sandbox.sign(id, None).expect("the session signs");
        let (headers, body) = merchant
            .within(std::time::Duration::from_secs(10))
            .expect("a notification");
        let headers = wxpresign::verification::SignedHeaders::from_pairs(
            headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        )
        .expect("headers");
        client
            .parse_notification(&headers, &body)
            .expect("verifies with the key its serial names");
        serials.insert(headers.serial.unwrap_or_default());
        if serials.len() == 2 {
            break;
        }
    }

    let expected: HashSet<String> = [
        public_key_id(&fx),
        fx.sandbox.identity().platform_serial.clone(),
    ]
    .into_iter()
    .collect();
    assert_eq!(serials, expected);
}

#[test]
fn wechatpay_serial_naming_a_key_that_is_not_configured_is_a_config_error_naming_it() {
    let fx = common::sandbox();
    let mut config = fx.config.clone();
    config["wechatpay_serial"] = "certificate".into();

    let error = wxpresign::Client::from_json(&config.to_string()).expect_err("no certificate");

    assert_eq!(error.kind(), Kind::Config);
    assert_eq!(error.field(), Some("/wechatpay_serial"));
}

#[test]
fn wechatpay_serial_must_be_public_key_or_certificate() {
    let fx = migrating();
    let mut config: Value = fx.config.clone();
    config["wechatpay_serial"] = "both".into();

    let error = wxpresign::Client::from_json(&config.to_string()).expect_err("refused");

    assert_eq!(error.field(), Some("/wechatpay_serial"));
}

#[test]
fn after_the_change_is_stopped_a_client_naming_the_public_key_still_verifies_answers() {
    let fx = migrating();
    fx.sandbox
        .set_behaviours(&json!({ "key_migration": { "state": "started" } }))
        .expect("started");
    fx.sandbox
        .set_behaviours(&json!({ "key_migration": { "state": "stopped" } }))
        .expect("stopped");

    let answer = fx
        .client()
        .call(common::EDU, &example(common::EDU).to_string());

    assert!(answer.is_ok(), "{:?}", answer.err().map(|e| e.to_string()));
}
