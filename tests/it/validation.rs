//! Request validation against the endpoint schemas, the endpoint table's C names, and the
//! encryption of sensitive fields. Examples follow ../shared/spec/presign-endpoints.md §3.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use wxpresign::encryption::encrypt_fields;
use wxpresign::endpoints::{self, Endpoint};
use wxpresign::keys::PrivateKey;
use wxpresign::schema::Type;
use wxpresign::validation::validate;
use wxpresign::{Error, Kind};

const PARTNER_JSAPI: &str =
    "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi";
const PARTNER_MINI_PROGRAM: &str =
    "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program";
const PAY_REDIRECT_SIGN: &str =
    "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign";
const INSURANCE_JSAPI: &str = "v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi";
const EDU_PAPAY: &str = "v3/edu-papay/contracts/presign";

/// The five seed endpoints with the C function each must have.
const SEED_ENDPOINTS: &[(&str, &str)] = &[
    (
        PARTNER_JSAPI,
        "wxpresign_papay_scheduled_deduct_sign_partner_jsapi",
    ),
    (
        PARTNER_MINI_PROGRAM,
        "wxpresign_papay_scheduled_deduct_sign_partner_mini_program",
    ),
    (
        PAY_REDIRECT_SIGN,
        "wxpresign_password_exempt_contract_service_provider_pay_redirect_sign",
    ),
    (INSURANCE_JSAPI, "wxpresign_papay_insurance_sign_jsapi"),
    (EDU_PAPAY, "wxpresign_edu_papay"),
];

fn endpoint(path: &str) -> &'static Endpoint {
    endpoints::find(path).unwrap_or_else(|| panic!("endpoint {path} is in the table"))
}

/// The documented example request of a seed endpoint (every field the spec gives an example for).
fn example(path: &str) -> Value {
    match path {
        PARTNER_JSAPI | PARTNER_MINI_PROGRAM => json!({
            "sp_appid": "wxd678efh567hg6787",
            "sp_openid": "oYobu0MVnQfWpSMOYJz2AHPG_gQw",
            "sub_mchid": "1900000109",
            "sub_appid": "wxd678efh567hg6787",
            "sub_openid": "wxd678efh567hg6787",
            "plan_id": 12535,
            "out_contract_code": "wxwtdk20200910100000",
            "contract_display_account": "微信代扣用户A",
            "contract_notify_url": "https://yourapp.com/notify",
            "out_user_code": "用户A",
            "deduct_schedule": {
                "estimated_deduct_date": "2019-11-22",
                "estimated_deduct_amount": { "total": 1, "currency": "CNY" },
                "description": "小乔-碎云皮肤（微信83区沧海之耀）"
            }
        }),
        PAY_REDIRECT_SIGN => json!({
            "sp_appid": "wxd678efh567hg6787",
            "sp_openid": "oYobu0MVnQfWpSMOYJz2AHPG_gQw",
            "sub_mchid": "1900000109",
            "sub_appid": "wxd678efh567hg6787",
            "sub_openid": "wxd678efh567hg6787",
            "service_id": 12535,
            "out_contract_code": "wxwtdk20200910100000",
            "notify_url": "https://yourapp.com/notify",
            "contract_display_account": "微信代扣用户A",
            "prepay_id": "wx201410272009395522657a690389285100"
        }),
        INSURANCE_JSAPI => json!({
            "appid": "wxd678efh567hg6787",
            "openid": "oYobu0MVnQfWpSMOYJz2AHPG_gQw",
            "plan_id": 12535,
            "out_contract_code": "wxwtdk20200910100000",
            "insured_display_name": "*明",
            "contract_notify_url": "https://yourapp.com/notify",
            "policy_start_date": "2019-11-22",
            "policy_end_date": "2020-11-22",
            "policy_periods": [
                {
                    "policy_period_id": 1,
                    "estimated_deduct_date": "2019-11-22",
                    "estimated_deduct_amount": { "total": 1, "currency": "CNY" },
                    "policy_coverage_detail": {
                        "policy_amount": "50000",
                        "policy_clauses": [
                            { "clause_name": "example_clause_name", "clause_quota": "example_clause_quota" }
                        ]
                    }
                }
            ],
            "amount": { "total": 1, "currency": "CNY" },
            "out_trade_no": "1217752501201407033233368018",
            "description": "Image形象店-深圳腾大-QQ公仔",
            "transaction_notify_url": "https://www.qq.com/",
            "out_user_code": "用户昵称",
            "goods_tag": "DISCOUNTS",
            "attach": "自定义数据",
            "can_auto_insure": true,
            "can_auto_reinsure": false,
            "real_identity": {
                "real_name": "张三",
                "id_card_number": "110101199003074477",
                "identity_type": "ID_CARD"
            },
            "combined_deduct_period_count": 1
        }),
        EDU_PAPAY => json!({
            "appid": "wx8888888888888888",
            "sub_mchid": "1900000109",
            "sub_appid": "wx8888888888888888",
            "openid": "oUpF8uMuAJOM2pxb1Q",
            "sub_openid": "oUpF8uMuAJOM2pxb2W",
            "plan_id": "101164396123311331",
            "user_id": "20200330tony",
            "period_start_date": "2020-03-19",
            "trade_scene": "EDUCATION_PERIOD"
        }),
        other => panic!("no example for {other}"),
    }
}

/// Validates `request` for the endpoint at `path`, unknown fields refused.
fn check(path: &str, request: &Value) -> Result<(), Error> {
    validate(endpoint(path).request, endpoint(path).rules, request, false)
}

/// The error `request` must produce, with its kind checked.
fn rejected(path: &str, request: &Value) -> Error {
    let error = check(path, request).expect_err("the request is refused");
    assert_eq!(error.kind(), Kind::Validation, "{error}");
    error
}

/// The JSON Pointer a refused request is reported at.
fn pointer_of(path: &str, request: &Value) -> String {
    let error = rejected(path, request);
    error
        .field()
        .unwrap_or_else(|| panic!("a validation error has a string \"field\": {error:?}"))
        .to_owned()
}

/// The partner JSAPI example with the member at `pointer` replaced by `value`.
fn partner_with(pointer: &str, value: Value) -> Value {
    let mut request = example(PARTNER_JSAPI);
    *request
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} exists in the example")) = value;
    request
}

/// The partner JSAPI example with a member removed.
fn partner_without(parent: &str, name: &str) -> Value {
    let mut request = example(PARTNER_JSAPI);
    request
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("{parent} is an object in the example"))
        .remove(name)
        .unwrap_or_else(|| panic!("{parent}/{name} exists in the example"));
    request
}

fn insurance_with(pointer: &str, value: Value) -> Value {
    let mut request = example(INSURANCE_JSAPI);
    *request
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} exists in the example")) = value;
    request
}

// ---------------------------------------------------------------------------------------------
// The documented examples pass.

#[test]
fn partner_jsapi_example_is_valid() {
    let result = check(PARTNER_JSAPI, &example(PARTNER_JSAPI));
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn partner_mini_program_example_is_valid() {
    let result = check(PARTNER_MINI_PROGRAM, &example(PARTNER_MINI_PROGRAM));
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn service_provider_pay_redirect_sign_example_is_valid() {
    let result = check(PAY_REDIRECT_SIGN, &example(PAY_REDIRECT_SIGN));
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn insurance_jsapi_example_is_valid() {
    let result = check(INSURANCE_JSAPI, &example(INSURANCE_JSAPI));
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn edu_papay_example_is_valid() {
    let result = check(EDU_PAPAY, &example(EDU_PAPAY));
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn every_example_in_the_endpoint_table_is_valid() {
    for e in endpoints::all() {
        let request: Value = serde_json::from_str(e.example)
            .unwrap_or_else(|err| panic!("the example of {} is JSON: {err}", e.path));
        let result = validate(&e.members(), e.rules, &request, false);
        assert!(result.is_ok(), "{}: {result:?}", e.path);
    }
}

#[test]
fn partner_jsapi_with_only_required_fields_and_one_user_id_is_valid() {
    // sp_openid or sub_openid: "JSAPI和小程序场景签约必须和'sp_openid'二选一填写".
    let request = json!({
        "sp_appid": "wxd678efh567hg6787",
        "sp_openid": "oYobu0MVnQfWpSMOYJz2AHPG_gQw",
        "sub_mchid": "1900000109",
        "plan_id": 12535,
        "out_contract_code": "wxwtdk20200910100000",
        "contract_display_account": "微信代扣用户A",
        "contract_notify_url": "https://yourapp.com/notify"
    });
    let result = check(PARTNER_JSAPI, &request);
    assert!(result.is_ok(), "{result:?}");
}

// ---------------------------------------------------------------------------------------------
// Failures and their JSON Pointers.

#[test]
fn missing_nested_required_field_reports_its_pointer() {
    let request = partner_without("/deduct_schedule/estimated_deduct_amount", "total");
    assert_eq!(
        pointer_of(PARTNER_JSAPI, &request),
        "/deduct_schedule/estimated_deduct_amount/total"
    );
}

#[test]
fn missing_top_level_required_field_reports_its_pointer() {
    let request = partner_without("", "out_contract_code");
    assert_eq!(pointer_of(PARTNER_JSAPI, &request), "/out_contract_code");
}

#[test]
fn missing_required_field_issue_says_missing() {
    let request = partner_without("", "sub_mchid");
    let error = rejected(PARTNER_JSAPI, &request);
    let issue = error.issue().expect("a validation error has an issue");
    assert!(issue.contains("missing"), "{issue}");
}

#[test]
fn string_where_integer_expected_reports_its_pointer() {
    let request = partner_with("/plan_id", json!("12535"));
    assert_eq!(pointer_of(PARTNER_JSAPI, &request), "/plan_id");
}

#[test]
fn integer_where_string_expected_reports_its_pointer() {
    // The education product's plan_id is a string, unlike the other endpoints'.
    let mut request = example(EDU_PAPAY);
    request["plan_id"] = json!(101164396123311331_u64);
    assert_eq!(pointer_of(EDU_PAPAY, &request), "/plan_id");
}

#[test]
fn boolean_field_given_as_string_reports_its_pointer() {
    let request = insurance_with("/can_auto_insure", json!("true"));
    assert_eq!(pointer_of(INSURANCE_JSAPI, &request), "/can_auto_insure");
}

#[test]
fn fractional_amount_is_rejected() {
    let request = partner_with("/deduct_schedule/estimated_deduct_amount/total", json!(1.5));
    assert_eq!(
        pointer_of(PARTNER_JSAPI, &request),
        "/deduct_schedule/estimated_deduct_amount/total"
    );
}

#[test]
fn amount_written_as_float_is_rejected() {
    let request = partner_with(
        "/deduct_schedule/estimated_deduct_amount/total",
        json!(100.0),
    );
    assert_eq!(
        pointer_of(PARTNER_JSAPI, &request),
        "/deduct_schedule/estimated_deduct_amount/total"
    );
}

#[test]
fn zero_amount_is_rejected() {
    let request = partner_with("/deduct_schedule/estimated_deduct_amount/total", json!(0));
    assert_eq!(
        pointer_of(PARTNER_JSAPI, &request),
        "/deduct_schedule/estimated_deduct_amount/total"
    );
}

#[test]
fn negative_amount_is_rejected() {
    let request = partner_with("/deduct_schedule/estimated_deduct_amount/total", json!(-1));
    assert_eq!(
        pointer_of(PARTNER_JSAPI, &request),
        "/deduct_schedule/estimated_deduct_amount/total"
    );
}

#[test]
fn zero_plan_id_is_rejected() {
    let request = partner_with("/plan_id", json!(0));
    assert_eq!(pointer_of(PARTNER_JSAPI, &request), "/plan_id");
}

#[test]
fn nonexistent_date_is_rejected() {
    let request = partner_with(
        "/deduct_schedule/estimated_deduct_date",
        json!("2023-02-30"),
    );
    assert_eq!(
        pointer_of(PARTNER_JSAPI, &request),
        "/deduct_schedule/estimated_deduct_date"
    );
}

#[test]
fn february_29_of_a_non_leap_year_is_rejected() {
    let request = partner_with(
        "/deduct_schedule/estimated_deduct_date",
        json!("2023-02-29"),
    );
    assert_eq!(
        pointer_of(PARTNER_JSAPI, &request),
        "/deduct_schedule/estimated_deduct_date"
    );
}

#[test]
fn february_29_of_a_leap_year_is_accepted() {
    let request = partner_with(
        "/deduct_schedule/estimated_deduct_date",
        json!("2024-02-29"),
    );
    let result = check(PARTNER_JSAPI, &request);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn date_in_another_layout_is_rejected() {
    for date in ["2023/02/28", "20230228", "2023-2-28", "2023-02-28T00:00:00"] {
        let request = partner_with("/deduct_schedule/estimated_deduct_date", json!(date));
        assert_eq!(
            pointer_of(PARTNER_JSAPI, &request),
            "/deduct_schedule/estimated_deduct_date",
            "{date}"
        );
    }
}

#[test]
fn currency_other_than_cny_is_rejected() {
    let request = partner_with(
        "/deduct_schedule/estimated_deduct_amount/currency",
        json!("USD"),
    );
    assert_eq!(
        pointer_of(PARTNER_JSAPI, &request),
        "/deduct_schedule/estimated_deduct_amount/currency"
    );
}

#[test]
fn identity_type_other_than_id_card_is_rejected() {
    let request = insurance_with("/real_identity/identity_type", json!("PASSPORT"));
    assert_eq!(
        pointer_of(INSURANCE_JSAPI, &request),
        "/real_identity/identity_type"
    );
}

#[test]
fn unknown_top_level_field_is_rejected_and_named() {
    let mut request = example(PARTNER_JSAPI);
    request["out_contract_no"] = json!("wxwtdk20200910100000");
    assert_eq!(pointer_of(PARTNER_JSAPI, &request), "/out_contract_no");
}

#[test]
fn unknown_nested_field_is_rejected_and_named() {
    let mut request = example(PARTNER_JSAPI);
    request["deduct_schedule"]["estimated_deduct_amount"]["totl"] = json!(1);
    assert_eq!(
        pointer_of(PARTNER_JSAPI, &request),
        "/deduct_schedule/estimated_deduct_amount/totl"
    );
}

#[test]
fn unknown_fields_are_accepted_when_allowed() {
    let mut request = example(PARTNER_JSAPI);
    request["new_field_from_wechat"] = json!("value");
    request["deduct_schedule"]["estimated_deduct_amount"]["extra"] = json!(1);
    let result = validate(
        endpoint(PARTNER_JSAPI).request,
        endpoint(PARTNER_JSAPI).rules,
        &request,
        true,
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn known_fields_are_still_checked_when_unknown_fields_are_allowed() {
    let mut request = partner_with("/plan_id", json!("12535"));
    request["new_field_from_wechat"] = json!("value");
    let error = validate(
        endpoint(PARTNER_JSAPI).request,
        endpoint(PARTNER_JSAPI).rules,
        &request,
        true,
    )
    .expect_err("a mistyped known field is still refused");
    assert_eq!(error.field(), Some("/plan_id"));
}

#[test]
fn notify_url_with_query_string_is_rejected() {
    let request = partner_with(
        "/contract_notify_url",
        json!("https://yourapp.com/notify?order=1"),
    );
    assert_eq!(pointer_of(PARTNER_JSAPI, &request), "/contract_notify_url");
}

#[test]
fn notify_url_with_fragment_is_rejected() {
    let request = partner_with(
        "/contract_notify_url",
        json!("https://yourapp.com/notify#x"),
    );
    assert_eq!(pointer_of(PARTNER_JSAPI, &request), "/contract_notify_url");
}

#[test]
fn plain_http_notify_url_to_public_host_is_rejected() {
    let request = partner_with("/contract_notify_url", json!("http://yourapp.com/notify"));
    assert_eq!(pointer_of(PARTNER_JSAPI, &request), "/contract_notify_url");
}

#[test]
fn plain_http_notify_url_to_loopback_is_accepted() {
    for url in [
        "http://127.0.0.1:8080/notify",
        "http://localhost:9000/notify",
        "http://[::1]:9000/notify",
    ] {
        let request = partner_with("/contract_notify_url", json!(url));
        let result = check(PARTNER_JSAPI, &request);
        assert!(result.is_ok(), "{url}: {result:?}");
    }
}

#[test]
fn relative_notify_url_is_rejected() {
    let request = partner_with("/contract_notify_url", json!("/notify"));
    assert_eq!(pointer_of(PARTNER_JSAPI, &request), "/contract_notify_url");
}

#[test]
fn notify_url_of_pay_redirect_sign_is_checked_too() {
    let mut request = example(PAY_REDIRECT_SIGN);
    request["notify_url"] = json!("https://yourapp.com/notify?a=b");
    assert_eq!(pointer_of(PAY_REDIRECT_SIGN, &request), "/notify_url");
}

#[test]
fn four_byte_utf8_character_is_rejected_at_its_pointer() {
    let request = partner_with("/contract_display_account", json!("微信用户😀"));
    assert_eq!(
        pointer_of(PARTNER_JSAPI, &request),
        "/contract_display_account"
    );
}

#[test]
fn four_byte_utf8_character_in_nested_field_is_rejected_at_its_pointer() {
    let request = partner_with("/deduct_schedule/description", json!("皮肤🎮"));
    assert_eq!(
        pointer_of(PARTNER_JSAPI, &request),
        "/deduct_schedule/description"
    );
}

#[test]
fn three_byte_utf8_characters_are_accepted() {
    let request = partner_with(
        "/deduct_schedule/description",
        json!("中文描述、全角符号（）€"),
    );
    let result = check(PARTNER_JSAPI, &request);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn string_longer_than_its_limit_is_rejected() {
    let request = partner_with("/out_contract_code", json!("a".repeat(33)));
    assert_eq!(pointer_of(PARTNER_JSAPI, &request), "/out_contract_code");
}

#[test]
fn string_at_its_limit_is_accepted() {
    let request = partner_with("/out_contract_code", json!("a".repeat(32)));
    let result = check(PARTNER_JSAPI, &request);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn length_limit_counts_characters_not_bytes() {
    // 32 three-byte characters: 96 bytes, within the page's string(32).
    let request = partner_with("/contract_display_account", json!("用".repeat(32)));
    let result = check(PARTNER_JSAPI, &request);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn empty_required_string_is_rejected() {
    let request = partner_with("/sub_mchid", json!(""));
    assert_eq!(pointer_of(PARTNER_JSAPI, &request), "/sub_mchid");
}

#[test]
fn null_required_field_is_rejected() {
    let request = partner_with("/sub_mchid", Value::Null);
    assert_eq!(pointer_of(PARTNER_JSAPI, &request), "/sub_mchid");
}

#[test]
fn array_item_error_reports_the_index_in_its_pointer() {
    let request = insurance_with(
        "/policy_periods/0/estimated_deduct_date",
        json!("2023-02-30"),
    );
    assert_eq!(
        pointer_of(INSURANCE_JSAPI, &request),
        "/policy_periods/0/estimated_deduct_date"
    );
}

#[test]
fn second_array_item_error_reports_index_one() {
    let mut request = example(INSURANCE_JSAPI);
    let mut second = request["policy_periods"][0].clone();
    second["estimated_deduct_amount"]["total"] = json!(0);
    request["policy_periods"]
        .as_array_mut()
        .expect("policy_periods is an array")
        .push(second);
    assert_eq!(
        pointer_of(INSURANCE_JSAPI, &request),
        "/policy_periods/1/estimated_deduct_amount/total"
    );
}

#[test]
fn nested_array_item_error_reports_both_indexes() {
    let request = insurance_with(
        "/policy_periods/0/policy_coverage_detail/policy_clauses/0/clause_name",
        json!(42),
    );
    assert_eq!(
        pointer_of(INSURANCE_JSAPI, &request),
        "/policy_periods/0/policy_coverage_detail/policy_clauses/0/clause_name"
    );
}

#[test]
fn empty_required_array_is_rejected() {
    let request = insurance_with("/policy_periods", json!([]));
    assert_eq!(pointer_of(INSURANCE_JSAPI, &request), "/policy_periods");
}

#[test]
fn array_item_that_is_not_an_object_reports_its_index() {
    let request = insurance_with("/policy_periods", json!(["2019-11-22"]));
    assert_eq!(pointer_of(INSURANCE_JSAPI, &request), "/policy_periods/0");
}

#[test]
fn top_level_array_is_rejected_at_the_root_pointer() {
    let request = json!([example(PARTNER_JSAPI)]);
    assert_eq!(pointer_of(PARTNER_JSAPI, &request), "");
}

#[test]
fn top_level_scalars_are_rejected_at_the_root_pointer() {
    for request in [json!("text"), json!(1), json!(null), json!(true)] {
        assert_eq!(pointer_of(EDU_PAPAY, &request), "", "{request}");
    }
}

#[test]
fn encrypted_field_too_long_to_encrypt_is_rejected_without_echoing_it() {
    let secret = "张".repeat(72); // 216 bytes of UTF-8: more than RSA-OAEP can hold
    let request = insurance_with("/real_identity/real_name", json!(secret));
    let error = rejected(INSURANCE_JSAPI, &request);
    assert_eq!(error.field(), Some("/real_identity/real_name"));
    assert!(
        !error.to_json().to_string().contains("张张"),
        "the personal data is not echoed: {}",
        error.to_json()
    );
}

#[test]
fn validation_error_json_carries_field_and_nothing_was_sent() {
    let request = partner_with("/plan_id", json!("12535"));
    let json = rejected(PARTNER_JSAPI, &request).to_json();
    assert_eq!(json["error"]["kind"], "validation");
    assert_eq!(json["error"]["field"], "/plan_id");
    assert_eq!(json["error"]["may_have_reached_server"], false);
    assert_eq!(json["error"]["retryable"], false);
}

// ---------------------------------------------------------------------------------------------
// The endpoint table.

#[test]
fn seed_endpoints_have_the_documented_c_function_names() {
    for (path, c_function) in SEED_ENDPOINTS {
        assert_eq!(endpoint(path).c_function(), *c_function, "{path}");
    }
}

/// The C names are ABI; the committed header (checked for drift by tests/it/header.rs) is their
/// record, and tests/it/ffi_wrappers.rs ties each exported function to its table row.
#[test]
fn the_table_holds_the_37_specified_presigns_and_the_calls_on_a_contract() {
    assert_eq!(endpoints::presigns().count(), 37);
    let calls = |family| {
        endpoints::all()
            .filter(|e| e.stage == endpoints::Stage::Contract && e.family == family)
            .count()
    };
    // The scheduled deduction's eleven, and WeChat Pay's four APIv3 order queries, listed with
    // it, which answer its orders and insurance's.
    assert_eq!(calls(endpoints::Family::ScheduledDeduct), 11 + 4);
    // Insurance: the schedule, its query and the deduction.
    assert_eq!(calls(endpoints::Family::Insurance), 3);
    // Education renewal: the notice, the deduction and its two queries; campus easy pay: the
    // deduction, its two queries and the debt state.
    assert_eq!(calls(endpoints::Family::Education), 4 + 4);
    // Cross-border: the deduction, its two queries and the reverse.
    assert_eq!(calls(endpoints::Family::Global), 4);
    // Combined deduction: the deduction, its query and the reverse.
    assert_eq!(calls(endpoints::Family::Ecommerce), 3);
    // Credit repayment: the schedule records and the deduct orders, each made and queried.
    assert_eq!(calls(endpoints::Family::CreditRepayment), 4);
    assert_eq!(endpoints::all().count(), 37 + 11 + 4 + 3 + 8 + 4 + 3 + 4);
}

/// The rule for the calls on a contract: `{parameter}` segments dropped, and for a method
/// other than POST the method after the rest.
#[test]
fn calls_on_a_contract_are_named_without_their_parameters_and_with_a_method_other_than_post() {
    for (path, c_function) in [
        (
            "v3/papay/pay/schedules/contract-id/{contract_id}/schedule",
            "wxpresign_papay_pay_schedules_contract_id_schedule",
        ),
        (
            "v3/papay/pay/partner/schedules/contract-id/{contract_id}",
            "wxpresign_papay_pay_partner_schedules_contract_id_get",
        ),
        (
            "v3/partner-papay/contracts/{contract_id}/fail-notify",
            "wxpresign_partner_papay_fail_notify",
        ),
        (
            "v3/papay/pay/harmony/transactions/apply",
            "wxpresign_papay_pay_harmony_transactions_apply",
        ),
        (
            "v3/pay/partner/transactions/out-trade-no/{out_trade_no}",
            "wxpresign_pay_partner_transactions_out_trade_no_get",
        ),
    ] {
        assert_eq!(endpoint(path).c_function(), c_function, "{path}");
    }
}

/// Each `{name}` of a path is filled by a path parameter of the same name, and each path
/// parameter fills one; query members are scalars; a GET has no body members.
#[test]
fn every_path_template_and_its_parameters_agree() {
    for e in endpoints::all() {
        let segments: Vec<&str> = e
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        let params: Vec<&str> = e.path_params.iter().map(|f| f.name).collect();
        assert_eq!(segments, params, "{}", e.path);
        for field in e.path_params.iter().chain(e.query) {
            assert!(
                matches!(field.ty, Type::String { .. } | Type::Integer { .. }),
                "{}: {} is a scalar",
                e.path,
                field.name
            );
        }
        if e.method == endpoints::Method::Get {
            assert!(e.request.is_empty(), "{}: a GET has no body", e.path);
        }
        assert_eq!(
            e.stage == endpoints::Stage::Presign,
            e.path.contains("presign") || e.path.contains("pre-entrust-sign"),
            "{}: the stage says what the path says",
            e.path
        );
    }
}

#[test]
fn exactly_the_ten_endpoints_with_encrypted_fields_need_a_wechatpay_serial() {
    let needing: Vec<&str> = endpoints::all()
        .filter(|e| e.needs_serial())
        .map(|e| e.path)
        .collect();
    assert_eq!(
        needing,
        [
            "v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi",
            "v3/papay/insurance-sign/contracts/pre-entrust-sign/app",
            "v3/papay/insurance-sign/contracts/pre-entrust-sign/h5",
            "v3/papay/insurance-sign/contracts/pre-entrust-sign/mini-program",
            "v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/app",
            "v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/mini-program",
            "v3/credit-repayment/partner/contracts/app-presign",
            "v3/credit-repayment/partner/contracts/h5-presign",
            "v3/eduschoolpay/contracts/presign",
            "v3/offlineface/contracts/presign",
        ]
    );
}

#[test]
fn cross_border_endpoints_and_only_they_go_to_the_global_host() {
    for e in endpoints::all() {
        assert_eq!(
            e.host == endpoints::Host::Global,
            e.path.starts_with("v3/global/"),
            "{}",
            e.path
        );
    }
}

#[test]
fn c_function_names_are_unique() {
    let mut names: Vec<String> = endpoints::all().map(Endpoint::c_function).collect();
    names.sort();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before, "{names:?}");
}

#[test]
fn only_the_insurance_endpoint_needs_a_wechatpay_serial() {
    for (path, _) in SEED_ENDPOINTS {
        assert_eq!(
            endpoint(path).needs_serial(),
            *path == INSURANCE_JSAPI,
            "{path}"
        );
    }
}

#[test]
fn endpoint_lookup_accepts_a_leading_slash() {
    assert!(endpoints::find(&format!("/{EDU_PAPAY}")).is_some());
    assert!(endpoints::find("v3/edu-papay/contracts/presign/").is_none());
}

// ---------------------------------------------------------------------------------------------
// Sensitive-field encryption.

#[test]
fn encrypt_fields_replaces_real_identity_with_decryptable_base64() {
    let key = PrivateKey::generate().expect("RSA key generation works");
    let public = key.public_key().expect("a private key has a public half");
    let mut request = example(INSURANCE_JSAPI);
    encrypt_fields(endpoint(INSURANCE_JSAPI).request, &mut request, &public)
        .expect("the example encrypts");

    for (name, plaintext) in [
        ("real_name", "张三"),
        ("id_card_number", "110101199003074477"),
    ] {
        let sent = request["real_identity"][name]
            .as_str()
            .unwrap_or_else(|| panic!("{name} is still a string"));
        assert_ne!(sent, plaintext, "{name} is not sent in plaintext");
        let ciphertext = STANDARD
            .decode(sent)
            .unwrap_or_else(|e| panic!("{name} is standard Base64: {e}"));
        assert_eq!(ciphertext.len(), 256, "{name} is one RSA-2048 block");
        let decrypted = key
            .decrypt_oaep(&ciphertext)
            .unwrap_or_else(|e| panic!("{name} decrypts: {e}"));
        assert_eq!(decrypted.as_slice(), plaintext.as_bytes(), "{name}");
    }
}

#[test]
fn encrypt_fields_leaves_every_other_field_untouched() {
    let key = PrivateKey::generate().expect("RSA key generation works");
    let public = key.public_key().expect("a private key has a public half");
    let original = example(INSURANCE_JSAPI);
    let mut request = original.clone();
    encrypt_fields(endpoint(INSURANCE_JSAPI).request, &mut request, &public)
        .expect("the example encrypts");

    let strip = |mut v: Value| {
        let identity = v["real_identity"]
            .as_object_mut()
            .expect("real_identity is an object");
        identity.remove("real_name");
        identity.remove("id_card_number");
        v
    };
    assert_eq!(strip(request.clone()), strip(original));
    // Member order is what gets signed and sent: it must not change either.
    let keys =
        |v: &Value| -> Vec<String> { v.as_object().expect("an object").keys().cloned().collect() };
    assert_eq!(keys(&request), keys(&example(INSURANCE_JSAPI)));
    assert_eq!(
        keys(&request["real_identity"]),
        ["real_name", "id_card_number", "identity_type"]
    );
}

#[test]
fn encrypt_fields_without_real_identity_changes_nothing() {
    let key = PrivateKey::generate().expect("RSA key generation works");
    let public = key.public_key().expect("a private key has a public half");
    let mut request = example(INSURANCE_JSAPI);
    request
        .as_object_mut()
        .expect("the example is an object")
        .remove("real_identity");
    let before = request.clone();
    encrypt_fields(endpoint(INSURANCE_JSAPI).request, &mut request, &public)
        .expect("a request without sensitive fields encrypts");
    assert_eq!(request, before);
}

#[test]
fn encrypt_fields_on_an_endpoint_without_sensitive_fields_changes_nothing() {
    let key = PrivateKey::generate().expect("RSA key generation works");
    let public = key.public_key().expect("a private key has a public half");
    let mut request = example(PARTNER_JSAPI);
    let before = request.clone();
    encrypt_fields(endpoint(PARTNER_JSAPI).request, &mut request, &public)
        .expect("nothing to encrypt");
    assert_eq!(request, before);
}

#[test]
fn field_at_follows_a_json_pointer_through_objects_and_arrays() {
    use wxpresign::schema::field_at;
    let insurance =
        wxpresign::endpoints::find("v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi")
            .expect("known");
    assert!(field_at(insurance.request, "/real_identity/real_name").is_some_and(|f| f.encrypted));
    assert!(
        field_at(insurance.request, "/policy_periods/0/estimated_deduct_date")
            .is_some_and(|f| !f.encrypted)
    );
    assert!(field_at(insurance.request, "/nope").is_none());
}

#[test]
fn an_over_long_value_names_the_page_s_limit() {
    let mut request = example(PARTNER_JSAPI);
    request["contract_display_account"] = json!("用".repeat(33));
    let error = rejected(PARTNER_JSAPI, &request);
    assert_eq!(
        error.issue(),
        Some("must be 32 characters or fewer, not 33 (WeChat Pay: string(32))")
    );
}

#[test]
fn a_rule_between_members_is_reported_at_the_first_member_in_the_page_s_words() {
    let mut request = example(PARTNER_JSAPI);
    let members = request.as_object_mut().expect("an object");
    members.remove("sp_openid");
    members.remove("sub_openid");
    let error = rejected(PARTNER_JSAPI, &request);
    assert_eq!(error.field(), Some("/sp_openid"));
    assert!(
        error
            .message()
            .contains("sp_openid or sub_openid is required for JSAPI and mini-program signing"),
        "{error}"
    );
}

#[test]
fn a_character_outside_the_page_s_set_is_named_without_echoing_encrypted_values() {
    let mut request = example(PARTNER_JSAPI);
    request["out_contract_code"] = json!("wx_2020");
    let error = rejected(PARTNER_JSAPI, &request);
    assert_eq!(
        error.issue(),
        Some(
            "may contain only ASCII digits and letters (WeChat Pay: 只能是数字、大小写字母的组合) (found '_')"
        )
    );
}

#[test]
fn the_table_describes_rules_patterns_and_pages_for_the_bindings() {
    let table = wxpresign::endpoints::describe_all();
    let jsapi = table
        .as_array()
        .and_then(|a| a.iter().find(|e| e["path"] == PARTNER_JSAPI))
        .expect("listed");
    assert_eq!(jsapi["rules"][0]["rule"], "any_of");
    assert_eq!(
        jsapi["rules"][0]["members"],
        json!(["/sp_openid", "/sub_openid"])
    );
    let code = jsapi["request"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["name"] == "out_contract_code"))
        .expect("a member");
    assert_eq!(code["pattern"], "^[0-9A-Za-z]+$");
    assert!(
        jsapi["docs"][0]
            .as_str()
            .is_some_and(|u| u.starts_with("https://pay.weixin.qq.com/"))
    );
}

#[test]
fn rfc_3339_times_need_the_t_and_an_offset_and_a_real_day() {
    use wxpresign::validation::is_rfc3339;
    assert!(is_rfc3339("2021-11-20T13:29:35+08:00"));
    assert!(is_rfc3339("2021-11-20T13:29:35.120Z"));
    assert!(!is_rfc3339("2021-11-20 13:29:35+08:00"));
    assert!(!is_rfc3339("2021-11-20T13:29:35"));
    assert!(!is_rfc3339("2021-02-30T13:29:35+08:00"));
    assert!(!is_rfc3339("2021-11-20T24:00:00+08:00"));
}

// The cross-border, combined-deduction and credit-repayment calls: array item limits, amounts
// written as strings of fen, and the combined order number's characters.

const COMBINE_PAPAY: &str = "v3/ecommerce/combine-papay/transactions";
const REPAYMENT_SCHEDULE: &str = "v3/credit-repayment/partner/schedule-records/batch-create";

/// The table's example of a call on a contract, with `pointer` set to `value`.
fn call_with(path: &str, pointer: &str, value: Value) -> Value {
    let mut request: Value = serde_json::from_str(endpoint(path).example).expect("JSON");
    *request.pointer_mut(pointer).expect("the member exists") = value;
    request
}

/// The whole request of a call (path, query and body members) validated, unknown members refused.
fn call_refused_at(path: &str, request: &Value) -> Option<String> {
    let e = endpoint(path);
    validate(&e.members(), e.rules, request, false)
        .err()
        .map(|error| error.field().unwrap_or("").to_owned())
}

/// "最多支持子单条数:50" (https://pay.weixin.qq.com/doc/v3/partner/4012884121).
#[test]
fn a_combined_deduction_of_51_sub_orders_is_refused_at_sub_orders_and_one_of_50_passes() {
    let example: Value = serde_json::from_str(endpoint(COMBINE_PAPAY).example).expect("JSON");
    let sub_order = example["sub_orders"][0].clone();
    let fifty = call_with(
        COMBINE_PAPAY,
        "/sub_orders",
        json!(vec![sub_order.clone(); 50]),
    );
    assert_eq!(call_refused_at(COMBINE_PAPAY, &fifty), None);
    let fifty_one = call_with(COMBINE_PAPAY, "/sub_orders", json!(vec![sub_order; 51]));
    let error = validate(&endpoint(COMBINE_PAPAY).members(), &[], &fifty_one, false)
        .expect_err("51 sub-orders are refused");
    assert_eq!(error.field(), Some("/sub_orders"));
    assert!(error.to_string().contains("at most 50 items"), "{error}");
}

/// "当前只支持传入1个预约还款项" (https://pay.weixin.qq.com/doc/v3/partner/4016779459).
#[test]
fn a_repayment_schedule_of_two_items_is_refused_at_schedule_items() {
    let example: Value = serde_json::from_str(endpoint(REPAYMENT_SCHEDULE).example).expect("JSON");
    let item = example["schedule_items"][0].clone();
    let two = call_with(REPAYMENT_SCHEDULE, "/schedule_items", json!([item, item]));
    assert_eq!(
        call_refused_at(REPAYMENT_SCHEDULE, &two).as_deref(),
        Some("/schedule_items")
    );
}

/// "repayment_amount … 单位:分" with the example "10000": yuan with a point are not fen.
#[test]
fn a_repayment_amount_written_in_yuan_is_refused_naming_fen() {
    let yuan = call_with(
        REPAYMENT_SCHEDULE,
        "/schedule_items/0/repayment_amount",
        json!("100.00"),
    );
    let e = endpoint(REPAYMENT_SCHEDULE);
    let error = validate(&e.members(), e.rules, &yuan, false).expect_err("refused");
    assert_eq!(error.field(), Some("/schedule_items/0/repayment_amount"));
    assert!(error.to_string().contains("单位:分"), "{error}");
}

/// "只能是数字、大小写字母_-|*@" (https://pay.weixin.qq.com/doc/v3/partner/4012884130).
#[test]
fn a_combined_order_number_may_hold_bar_star_and_at_but_not_a_hash() {
    let query = "v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}";
    let marks = call_with(query, "/combine_out_trade_no", json!("P2015_08-06|12*34@5"));
    assert_eq!(call_refused_at(query, &marks), None);
    let hash = call_with(query, "/combine_out_trade_no", json!("P2015#0806"));
    assert_eq!(
        call_refused_at(query, &hash).as_deref(),
        Some("/combine_out_trade_no")
    );
}

#[test]
fn the_table_describes_item_limits_and_digit_amounts_for_the_bindings() {
    let table = wxpresign::endpoints::describe_all();
    let schedule = table
        .as_array()
        .and_then(|a| a.iter().find(|e| e["path"] == REPAYMENT_SCHEDULE))
        .expect("listed");
    let items = schedule["request"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["name"] == "schedule_items"))
        .expect("a member");
    assert_eq!(items["max_items"], 1);
    let amount = items["items"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["name"] == "repayment_amount"))
        .expect("an item member");
    assert_eq!(amount["pattern"], "^[0-9]+$");
}
