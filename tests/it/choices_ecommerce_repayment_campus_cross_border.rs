//! Endpoints 23 to 37 (e-commerce, credit repayment, campus easy pay, face pay, cross-border):
//! the choices made where the sources disagree (spec §8), host routing and encrypted fields.

use crate::common;

use common::{example, sandbox};
use serde_json::{Value, json};
use wxpresign::encryption::encrypt_fields;
use wxpresign::endpoints;
use wxpresign::keys::PrivateKey;
use wxpresign::{Client, Kind};

const COMBINE_APP: &str = "v3/ecommerce/combine-papay/contracts/pre-entrust-sign";
const COMBINE_MINI_PROGRAM: &str =
    "v3/ecommerce/combine-papay/contracts/pre-entrust-sign/mini-program";
const REAL_NAME_APP: &str =
    "v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/app";
const REAL_NAME_MINI_PROGRAM: &str =
    "v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/mini-program";
const REPAYMENT_APP: &str = "v3/credit-repayment/partner/contracts/app-presign";
const REPAYMENT_H5: &str = "v3/credit-repayment/partner/contracts/h5-presign";
const SCHOOL_PAY: &str = "v3/eduschoolpay/contracts/presign";
const OFFLINE_FACE: &str = "v3/offlineface/contracts/presign";
const GLOBAL_H5: &str = "v3/global/papay/contracts/h5-pre-entrust-sign";
const GLOBAL_WEB: &str = "v3/global/papay/contracts/web-pre-entrust-sign";
const GLOBAL: &[&str] = &[
    "v3/global/papay/contracts/app-pre-entrust-sign",
    GLOBAL_H5,
    "v3/global/papay/contracts/jsapi-pre-entrust-sign",
    "v3/global/papay/contracts/miniprogram-pre-entrust-sign",
    GLOBAL_WEB,
];

/// The example of `path` without the member `pointer` names.
fn example_without(path: &str, pointer: &str) -> Value {
    let mut request = example(path);
    let (parent, name) = pointer.rsplit_once('/').expect("a pointer");
    request
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|members| members.remove(name))
        .unwrap_or_else(|| panic!("{path}: the example has {pointer}"));
    request
}

/// The field a locally refused request is refused at.
fn refused_at(client: &Client, path: &str, request: &Value) -> Value {
    let err = client
        .call(path, &request.to_string())
        .expect_err("refused before sending");
    assert_eq!(err.kind(), Kind::Validation, "{path}: {err}");
    err.field().map_or(Value::Null, Value::from)
}

// §8 item 4: the combine-papay App scene takes `attach` (added to OA on 2026-07-30).

#[test]
fn combine_papay_app_accepts_attach() {
    let fx = sandbox();
    let mut request = example(COMBINE_APP);
    request["attach"] = json!("example_attach");
    assert!(fx.client().call(COMBINE_APP, &request.to_string()).is_ok());
}

#[test]
fn combine_papay_mini_program_refuses_attach() {
    let fx = sandbox();
    let client = fx.client();
    let mut request = example(COMBINE_MINI_PROGRAM);
    request["attach"] = json!("example_attach");
    assert_eq!(
        refused_at(&client, COMBINE_MINI_PROGRAM, &request),
        json!("/attach")
    );
}

// §8 item 11: the App path has no scene suffix, so neither has its C function.

#[test]
fn combine_papay_app_path_has_no_scene_suffix() {
    assert!(endpoints::find(&format!("{COMBINE_APP}/app")).is_none());
    let endpoint = endpoints::find(COMBINE_APP).expect("the suffix-less path is known");
    assert_eq!(endpoint.c_function(), "wxpresign_ecommerce_combine_papay");
}

// §8 item 4: credit repayment follows the current shape (OA v1.1.13), with the official pages'
// required flags: real_identity 选填 on the App page (4016125804), 必填 on the H5 page
// (4016779565); repayment_day 选填 on both.

#[test]
fn credit_repayment_app_accepts_a_request_without_real_identity_h5_refuses_it() {
    let fx = sandbox();
    let client = fx.client();
    let app = example_without(REPAYMENT_APP, "/real_identity");
    assert!(client.call(REPAYMENT_APP, &app.to_string()).is_ok());
    let h5 = example_without(REPAYMENT_H5, "/real_identity");
    assert_eq!(
        refused_at(&client, REPAYMENT_H5, &h5),
        json!("/real_identity")
    );
}

#[test]
fn credit_repayment_accepts_a_request_without_repayment_day() {
    let fx = sandbox();
    let client = fx.client();
    for path in [REPAYMENT_APP, REPAYMENT_H5] {
        let request = example_without(path, "/repayment_day");
        assert!(client.call(path, &request.to_string()).is_ok(), "{path}");
    }
}

#[test]
fn credit_repayment_refuses_the_old_sub_merchant_code() {
    let fx = sandbox();
    let client = fx.client();
    let mut request = example_without(REPAYMENT_APP, "/sub_mchid");
    request["sub_merchant_code"] = json!("1000000109");
    assert_eq!(
        refused_at(&client, REPAYMENT_APP, &request),
        json!("/sub_merchant_code")
    );
}

#[test]
fn credit_repayment_refuses_the_invalid_identity_type_placeholder() {
    let fx = sandbox();
    let client = fx.client();
    let mut request = example(REPAYMENT_H5);
    request["real_identity"]["identity_type"] = json!("REAL_IDENTITY_TYPE_INVALID");
    assert_eq!(
        refused_at(&client, REPAYMENT_H5, &request),
        json!("/real_identity/identity_type")
    );
}

#[test]
fn credit_repayment_identity_is_decrypted_by_the_sandbox() {
    let fx = sandbox();
    let data = fx
        .client()
        .call(REPAYMENT_H5, &example(REPAYMENT_H5).to_string())
        .expect("call succeeds")
        .data;
    let url = data["redirect_url"].as_str().expect("redirect_url");
    let id = url.rsplit('/').next().expect("session id");
    let session = fx.sandbox.session(id).expect("the session is remembered");
    // The sandbox only accepts the request after decrypting these with its private key.
    assert_eq!(session.request["real_identity"]["real_name"], "张三");
}

// §8 item 6: eduschoolpay's `identity.credential_type` is an enum-like value sent in plaintext.

#[test]
fn eduschoolpay_credential_type_is_sent_in_plaintext() {
    let key = PrivateKey::generate().expect("RSA key generation works");
    let public = key.public_key().expect("a private key has a public half");
    let endpoint = endpoints::find(SCHOOL_PAY).expect("known endpoint");
    let mut request = example(SCHOOL_PAY);
    encrypt_fields(endpoint.request, &mut request, &public).expect("the example encrypts");
    assert_eq!(
        request["identity"]["credential_type"],
        json!("IDENTITY_CARD")
    );
}

// §8 item 5: the cross-border WEB scene answers `show_code_url`; only the members both
// modes need are required.

#[test]
fn global_web_answers_show_code_url() {
    let fx = sandbox();
    let data = fx
        .client()
        .call(GLOBAL_WEB, &example(GLOBAL_WEB).to_string())
        .expect("call succeeds")
        .data;
    assert_eq!(
        (data["show_code_url"].is_string(), data.get("sign_url")),
        (true, None)
    );
}

#[test]
fn global_institutional_request_needs_no_appid() {
    let fx = sandbox();
    let mut request = example_without(GLOBAL_H5, "/appid");
    request["sp_appid"] = json!("wx8888888888888888");
    request["sp_mchid"] = json!("3200000001");
    request["sub_mchid"] = json!("1230000109");
    assert!(fx.client().call(GLOBAL_H5, &request.to_string()).is_ok());
}

#[test]
fn global_requests_need_plan_id_out_contract_code_and_user_display_name() {
    let fx = sandbox();
    let client = fx.client();
    for path in GLOBAL {
        for pointer in ["/plan_id", "/out_contract_code", "/user_display_name"] {
            let request = example_without(path, pointer);
            assert_eq!(
                refused_at(&client, path, &request),
                json!(pointer),
                "{path}"
            );
        }
    }
}

#[test]
fn global_endpoints_are_sent_to_global_base_url() {
    let fx = sandbox();
    let client = fx.client_with(json!({
        "base_url": "http://127.0.0.1:9",
        "global_base_url": fx.sandbox.base_url(),
    }));
    for path in GLOBAL {
        let response = client.call(path, &example(path).to_string());
        assert!(response.is_ok(), "{path}: {response:?}");
    }
}

// Encrypted fields.

#[test]
fn each_encrypting_endpoint_refuses_a_missing_encrypted_field() {
    let fx = sandbox();
    let client = fx.client();
    for (path, pointer) in [
        (REAL_NAME_APP, "/real_name"),
        (REAL_NAME_MINI_PROGRAM, "/cred_id"),
        (REPAYMENT_APP, "/real_identity/identity_id"),
        (REPAYMENT_H5, "/real_identity/real_name"),
        (SCHOOL_PAY, "/identity/real_name"),
        (
            OFFLINE_FACE,
            "/facepay_user/identification/identification_number",
        ),
    ] {
        let request = example_without(path, pointer);
        assert_eq!(
            refused_at(&client, path, &request),
            json!(pointer),
            "{path}"
        );
    }
}

// Fault fields.

#[test]
fn each_endpoint_selects_sandbox_faults_through_its_fault_field() {
    let fx = sandbox();
    let client = fx.client();
    let paths = [
        COMBINE_APP,
        COMBINE_MINI_PROGRAM,
        "v3/ecommerce/individual-contracts/pre-entrust-sign/app",
        "v3/ecommerce/individual-contracts/pre-entrust-sign/mini-program",
        REAL_NAME_APP,
        REAL_NAME_MINI_PROGRAM,
        REPAYMENT_APP,
        REPAYMENT_H5,
        SCHOOL_PAY,
        OFFLINE_FACE,
    ];
    for path in paths.iter().chain(GLOBAL) {
        let endpoint = endpoints::find(path).expect("known endpoint");
        let mut request = example(path);
        let field = wxpresign_sandbox::fault_field(endpoint).expect("a sandbox fault field");
        request[field] = json!("SANDBOXSERVICEUNAVAILABLE");
        let err = client
            .call(path, &request.to_string())
            .expect_err("fault selected");
        assert_eq!(
            err.api_answer().map(|a| a.http_status),
            Some(503),
            "{path}: {err}"
        );
    }
}
