//! The rules chosen where the sources of the scheduled-deduct, insurance and password-free
//! families disagree (../shared/spec/presign-endpoints.md §8), and the enums a caller could
//! spell wrong, each checked through the library against the sandbox.

use crate::common;

use common::{Fixture, example, sandbox};
use serde_json::{Value, json};
use wxpresign::{Error, Kind, Response};

const DIRECT_APP: &str = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app";
const DIRECT_JSAPI: &str = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/jsapi";
const DIRECT_MINI_PROGRAM: &str =
    "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/mini-program";
const PAPAY_SIGN: &str = "v3/papay/sign/contracts/pre-entrust-sign";
const INSURANCE_APP: &str = "v3/papay/insurance-sign/contracts/pre-entrust-sign/app";
const INSURANCE_H5: &str = "v3/papay/insurance-sign/contracts/pre-entrust-sign/h5";
const SERVICE_PROVIDER_MINI_PROGRAM: &str =
    "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/mini-program";
const NORMAL_MINI_PROGRAM: &str =
    "v3/password-exempt-contract/contracts/normal/pre-entrust-sign/mini-program";
const QS_MINI_PROGRAM: &str =
    "v3/password-exempt-contract/contracts/qs/pre-entrust-sign/mini-program";
const PAY_REDIRECT_SIGNS: &[&str] = &[
    "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign",
    "v3/password-exempt-contract/contracts/normal/pre-entrust-sign/pay-redirect-sign",
    "v3/password-exempt-contract/contracts/qs/pre-entrust-sign/pay-redirect-sign",
    "v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/pay-redirect-sign",
];

fn call(fx: &Fixture, path: &str, request: &Value) -> Result<Response, Error> {
    fx.client().call(path, &request.to_string())
}

/// The JSON Pointer of the validation error `request` must produce.
fn refused_at(fx: &Fixture, path: &str, request: &Value) -> String {
    let error = call(fx, path, request).expect_err("the request is refused");
    assert_eq!(error.kind(), Kind::Validation, "{error}");
    error
        .field()
        .unwrap_or_else(|| panic!("a validation error names its field: {error}"))
        .to_owned()
}

fn answered(fx: &Fixture, path: &str, request: &Value) -> Value {
    let response = call(fx, path, request).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(response.status, 200, "{path}");
    response.data
}

fn without(mut request: Value, name: &str) -> Value {
    request
        .as_object_mut()
        .expect("the example is an object")
        .remove(name)
        .unwrap_or_else(|| panic!("the example has {name}"));
    request
}

// ---------------------------------------------------------------------------------------------
// §8 choices.

#[test]
fn direct_jsapi_and_mini_program_pre_sign_require_an_openid() {
    let fx = sandbox();
    for path in [DIRECT_JSAPI, DIRECT_MINI_PROGRAM] {
        let request = without(example(path), "openid");
        assert_eq!(refused_at(&fx, path, &request), "/openid", "{path}");
    }
}

#[test]
fn scheduled_deduct_pre_sign_without_deduct_schedule_is_sent() {
    let fx = sandbox();
    let request = without(example(DIRECT_APP), "deduct_schedule");
    let data = answered(&fx, DIRECT_APP, &request);
    assert!(data["pre_entrustweb_id"].is_string(), "{data}");
}

#[test]
fn sandbox_app_pre_sign_answers_with_the_session_id_only() {
    let fx = sandbox();
    let data = answered(&fx, DIRECT_APP, &example(DIRECT_APP));
    let keys: Vec<&str> = data
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["pre_entrustweb_id"]);
}

#[test]
fn insurance_app_refuses_policy_coverage_detail_that_h5_accepts() {
    let fx = sandbox();
    let coverage = example(INSURANCE_H5)["policy_periods"][0]["policy_coverage_detail"].clone();
    assert!(
        coverage.is_object(),
        "the H5 example carries a coverage detail"
    );
    answered(&fx, INSURANCE_H5, &example(INSURANCE_H5));

    let mut request = example(INSURANCE_APP);
    request["policy_periods"][0]["policy_coverage_detail"] = coverage;
    assert_eq!(
        refused_at(&fx, INSURANCE_APP, &request),
        "/policy_periods/0/policy_coverage_detail"
    );
}

#[test]
fn papay_sign_requires_a_sign_scene() {
    let fx = sandbox();
    let request = without(example(PAPAY_SIGN), "sign_scene");
    assert_eq!(refused_at(&fx, PAPAY_SIGN, &request), "/sign_scene");
}

#[test]
fn password_free_service_id_given_as_a_string_is_refused() {
    let fx = sandbox();
    let mut request = example(NORMAL_MINI_PROGRAM);
    request["service_id"] = json!("12535");
    assert_eq!(
        refused_at(&fx, NORMAL_MINI_PROGRAM, &request),
        "/service_id"
    );
}

#[test]
fn only_the_service_provider_mini_program_answer_echoes_sub_mchid() {
    let fx = sandbox();
    let provider = answered(
        &fx,
        SERVICE_PROVIDER_MINI_PROGRAM,
        &example(SERVICE_PROVIDER_MINI_PROGRAM),
    );
    assert_eq!(provider["sub_mchid"], "1900000109");
    let qs = answered(&fx, QS_MINI_PROGRAM, &example(QS_MINI_PROGRAM));
    assert!(qs.get("sub_mchid").is_none(), "{qs}");
}

#[test]
fn pay_redirect_sign_answers_carry_no_session_to_open() {
    let fx = sandbox();
    for path in PAY_REDIRECT_SIGNS {
        let data = answered(&fx, path, &example(path));
        assert!(data.get("pre_entrustweb_id").is_none(), "{path}: {data}");
    }
}

// ---------------------------------------------------------------------------------------------
// Enums, with WeChat's spellings.

#[test]
fn sign_scene_must_be_spelled_with_its_prefix() {
    let fx = sandbox();
    let mut request = example(PAPAY_SIGN);
    request["sign_scene"] = json!("APP");
    assert_eq!(refused_at(&fx, PAPAY_SIGN, &request), "/sign_scene");
}

#[test]
fn device_type_unknown_is_spelled_unknow() {
    let fx = sandbox();
    let mut request = example(PAPAY_SIGN);
    request["device_info"]["device_type"] = json!("DEVICE_TYPE_UNKNOWN");
    assert_eq!(
        refused_at(&fx, PAPAY_SIGN, &request),
        "/device_info/device_type"
    );
    request["device_info"]["device_type"] = json!("DEVICE_TYPE_UNKNOW");
    answered(&fx, PAPAY_SIGN, &request);
}

#[test]
fn days_since_first_login_over_180_days_is_spelled_more_then() {
    let fx = sandbox();
    let mut request = example(PAPAY_SIGN);
    request["device_info"]["days_since_first_login"] =
        json!("DAYS_SINCE_FIRST_LOGIN_MORE_THAN_180_DAYS");
    assert_eq!(
        refused_at(&fx, PAPAY_SIGN, &request),
        "/device_info/days_since_first_login"
    );
    request["device_info"]["days_since_first_login"] =
        json!("DAYS_SINCE_FIRST_LOGIN_MORE_THEN_180_DAYS");
    answered(&fx, PAPAY_SIGN, &request);
}
