//! One `extern "C"` function per endpoint, each wxpresign_call with its path fixed.
//! Generated from the endpoint table by tests/ffi_wrappers.rs: do not edit; after a change to
//! the table, `WXPRESIGN_BLESS=1 cargo test --test ffi_wrappers` rewrites it.

use super::{call_path, wxpresign_client, wxpresign_status};
use libc::c_char;

/// POST /v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012693093
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-jsapi-scheduled-deduct-pre-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_scheduled_deduct_sign_partner_jsapi(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012693100
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-mini-program-scheduled-deduct-pre-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_scheduled_deduct_sign_partner_mini_program(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/app (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012693028
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-app-scheduled-deduct-pre-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_scheduled_deduct_sign_partner_app(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/app"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/h5 (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012464549
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-h5-scheduled-deduct-pre-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_scheduled_deduct_sign_partner_h5(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/h5"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012524934
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/normal-app-scheduled-deduct-pre-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_scheduled_deduct_sign_app(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/h5 (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012489208
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/normal-h5-scheduled-deduct-pre-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_scheduled_deduct_sign_h5(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/h5"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/jsapi (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012525133
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/jsapi-scheduled-deduct-pre-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_scheduled_deduct_sign_jsapi(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/jsapi"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/mini-program (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012525209
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/mini-program-scheduled-deduct-pre-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_scheduled_deduct_sign_mini_program(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/mini-program"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/sign/contracts/pre-entrust-sign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012978414
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_sign(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/sign/contracts/pre-entrust-sign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/pay/schedules/contract-id/{contract_id}/schedule (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/normal-schedule-deduction.html
/// request_json carries contract_id as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_pay_schedules_contract_id_schedule(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/pay/schedules/contract-id/{contract_id}/schedule"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/pay/partner/schedules/contract-id/{contract_id}/schedule (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-schedule-deduction.html
/// request_json carries contract_id as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_pay_partner_schedules_contract_id_schedule(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/pay/partner/schedules/contract-id/{contract_id}/schedule"),
            request_json,
            out,
        )
    }
}

/// GET /v3/papay/pay/schedules/contract-id/{contract_id} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/normal-query-deduct-schedule.html
/// request_json carries contract_id as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_pay_schedules_contract_id_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/pay/schedules/contract-id/{contract_id}"),
            request_json,
            out,
        )
    }
}

/// GET /v3/papay/pay/partner/schedules/contract-id/{contract_id} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-query-deduct-schedule.html
/// request_json carries contract_id as members: the library puts them in the path.
/// request_json carries sub_mchid as members: the library puts them in the query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_pay_partner_schedules_contract_id_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/pay/partner/schedules/contract-id/{contract_id}"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/contracts/{contract_id}/notify (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/json/deduct-notify.html
/// request_json carries contract_id as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_notify(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/contracts/{contract_id}/notify"),
            request_json,
            out,
        )
    }
}

/// POST /v3/partner-papay/contracts/{contract_id}/notify (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/json/partner-deduct-notify.html
/// request_json carries contract_id as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_partner_papay_notify(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/partner-papay/contracts/{contract_id}/notify"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/contracts/{contract_id}/fail-notify (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/api/wxpay_v2/papay/chapter3_11.shtml
/// request_json carries contract_id as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_fail_notify(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/contracts/{contract_id}/fail-notify"),
            request_json,
            out,
        )
    }
}

/// POST /v3/partner-papay/contracts/{contract_id}/fail-notify (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/api/wxpay_v2/papay/chapter5_16.shtml
/// request_json carries contract_id as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_partner_papay_fail_notify(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/partner-papay/contracts/{contract_id}/fail-notify"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/pay/transactions/apply (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/normal-create-transaction.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_pay_transactions_apply(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/pay/transactions/apply"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/pay/partner/transactions/apply (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-create-transaction.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_pay_partner_transactions_apply(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/pay/partner/transactions/apply"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/pay/harmony/transactions/apply (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4013388429
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_pay_harmony_transactions_apply(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/pay/harmony/transactions/apply"),
            request_json,
            out,
        )
    }
}

/// GET /v3/pay/transactions/id/{transaction_id} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/query-by-wx-trade-no.html
/// request_json carries transaction_id as members: the library puts them in the path.
/// request_json carries mchid as members: the library puts them in the query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_pay_transactions_id_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/pay/transactions/id/{transaction_id}"),
            request_json,
            out,
        )
    }
}

/// GET /v3/pay/transactions/out-trade-no/{out_trade_no} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012556352
/// request_json carries out_trade_no as members: the library puts them in the path.
/// request_json carries mchid as members: the library puts them in the query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_pay_transactions_out_trade_no_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/pay/transactions/out-trade-no/{out_trade_no}"),
            request_json,
            out,
        )
    }
}

/// GET /v3/pay/partner/transactions/id/{transaction_id} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/partner-miniprogram-payment/query-by-wx-trade-no.html
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/apiv3_partner/apis/chapter4_2_2.shtml
/// request_json carries transaction_id as members: the library puts them in the path.
/// request_json carries sp_mchid, sub_mchid as members: the library puts them in the query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_pay_partner_transactions_id_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/pay/partner/transactions/id/{transaction_id}"),
            request_json,
            out,
        )
    }
}

/// GET /v3/pay/partner/transactions/out-trade-no/{out_trade_no} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/partner-query-order/partner-jsons/partner-query-by-out-trade-no.html
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/apiv3_partner/apis/chapter4_2_2.shtml
/// request_json carries out_trade_no as members: the library puts them in the path.
/// request_json carries sp_mchid, sub_mchid as members: the library puts them in the query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_pay_partner_transactions_out_trade_no_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/pay/partner/transactions/out-trade-no/{out_trade_no}"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012528600
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4014960223
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/insurance/jsapi-sign-and-create-transaction.html
/// Pass real_identity.real_name, real_identity.id_card_number in plaintext: the library encrypts them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_insurance_sign_jsapi(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/insurance-sign/contracts/pre-entrust-sign/app (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4013005766
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/insurance/app-sign-and-create-transaction.html
/// Pass real_identity.real_name, real_identity.id_card_number in plaintext: the library encrypts them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_insurance_sign_app(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/insurance-sign/contracts/pre-entrust-sign/app"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/insurance-sign/contracts/pre-entrust-sign/h5 (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012529050
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4014962456
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/insurance/h5-sign-and-create-transaction.html
/// Pass real_identity.real_name, real_identity.id_card_number in plaintext: the library encrypts them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_insurance_sign_h5(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/insurance-sign/contracts/pre-entrust-sign/h5"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/insurance-sign/contracts/pre-entrust-sign/mini-program (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012528950
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4014960244
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/insurance/mimi-program-sign-and-create-transaction.html
/// Pass real_identity.real_name, real_identity.id_card_number in plaintext: the library encrypts them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_insurance_sign_mini_program(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/insurance-sign/contracts/pre-entrust-sign/mini-program"),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/insurance-pay/policy-periods/contract-id/{contract_id}/policy-period-id/{policy_period_id}/schedule (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012471270
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/schedule/schedule-policy-period.html
/// request_json carries contract_id, policy_period_id as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_insurance_pay_policy_periods_contract_id_policy_period_id_schedule(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok(
                "v3/papay/insurance-pay/policy-periods/contract-id/{contract_id}/policy-period-id/{policy_period_id}/schedule",
            ),
            request_json,
            out,
        )
    }
}

/// GET /v3/papay/insurance-pay/policy-periods/contract-id/{contract_id}/policy-period-id/{policy_period_id} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/schedule/query-policy-period.html
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012471229
/// request_json carries contract_id, policy_period_id as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_insurance_pay_policy_periods_contract_id_policy_period_id_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok(
                "v3/papay/insurance-pay/policy-periods/contract-id/{contract_id}/policy-period-id/{policy_period_id}",
            ),
            request_json,
            out,
        )
    }
}

/// POST /v3/papay/insurance-pay/transactions/apply (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012471158
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/deduct/create-transaction.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_papay_insurance_pay_transactions_apply(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/papay/insurance-pay/transactions/apply"),
            request_json,
            out,
        )
    }
}

/// POST /v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012471272
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/partner-password-free-contract/sign/sp-pay-redirect-sign-pre-entrust-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_password_exempt_contract_service_provider_pay_redirect_sign(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok(
                "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign",
            ),
            request_json,
            out,
        )
    }
}

/// POST /v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/mini-program (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012471269
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/partner-password-free-contract/sign/sp-mini-program-pre-entrust-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_password_exempt_contract_service_provider_mini_program(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok(
                "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/mini-program",
            ),
            request_json,
            out,
        )
    }
}

/// POST /v3/password-exempt-contract/contracts/normal/pre-entrust-sign/mini-program (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012472870
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/password-free-contract/sign/normal-mini-program-pre-entrust-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_password_exempt_contract_normal_mini_program(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/password-exempt-contract/contracts/normal/pre-entrust-sign/mini-program"),
            request_json,
            out,
        )
    }
}

/// POST /v3/password-exempt-contract/contracts/normal/pre-entrust-sign/pay-redirect-sign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012472874
/// WeChat Pay: https://pay.weixin.qq.com/docs/merchant/apis/password-free-contract/sign/normal-pay-redirect-sign-pre-entrust-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_password_exempt_contract_normal_pay_redirect_sign(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/password-exempt-contract/contracts/normal/pre-entrust-sign/pay-redirect-sign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/password-exempt-contract/contracts/qs/pre-entrust-sign/mini-program (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012471282
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/partner-password-free-contract/sign/qs-mini-program-pre-entrust-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_password_exempt_contract_qs_mini_program(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/password-exempt-contract/contracts/qs/pre-entrust-sign/mini-program"),
            request_json,
            out,
        )
    }
}

/// POST /v3/password-exempt-contract/contracts/qs/pre-entrust-sign/pay-redirect-sign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012471286
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/partner-password-free-contract/sign/qs-pay-redirect-sign-pre-entrust-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_password_exempt_contract_qs_pay_redirect_sign(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/password-exempt-contract/contracts/qs/pre-entrust-sign/pay-redirect-sign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/mini-program (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4013369177
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/partner-password-free-contract/sign/ec-mini-program-pre-entrust-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_password_exempt_contract_ecommerce_mini_program(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/mini-program"),
            request_json,
            out,
        )
    }
}

/// POST /v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/pay-redirect-sign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4013369191
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/partner-password-free-contract/sign/ec-pay-redirect-sign-pre-entrust-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_password_exempt_contract_ecommerce_pay_redirect_sign(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok(
                "v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/pay-redirect-sign",
            ),
            request_json,
            out,
        )
    }
}

/// POST /v3/ecommerce/combine-papay/contracts/pre-entrust-sign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012881608
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_ecommerce_combine_papay(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/ecommerce/combine-papay/contracts/pre-entrust-sign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/ecommerce/combine-papay/contracts/pre-entrust-sign/mini-program (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4017177322
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_ecommerce_combine_papay_mini_program(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/ecommerce/combine-papay/contracts/pre-entrust-sign/mini-program"),
            request_json,
            out,
        )
    }
}

/// POST /v3/ecommerce/individual-contracts/pre-entrust-sign/app (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4015851472
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_ecommerce_individual_contracts_app(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/ecommerce/individual-contracts/pre-entrust-sign/app"),
            request_json,
            out,
        )
    }
}

/// POST /v3/ecommerce/individual-contracts/pre-entrust-sign/mini-program (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4020023636
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_ecommerce_individual_contracts_mini_program(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/ecommerce/individual-contracts/pre-entrust-sign/mini-program"),
            request_json,
            out,
        )
    }
}

/// POST /v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/app (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4020083765
/// Pass real_name, cred_id in plaintext: the library encrypts them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_ecommerce_individual_contracts_with_real_name_identity_app(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/app"),
            request_json,
            out,
        )
    }
}

/// POST /v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/mini-program (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4020023723
/// Pass real_name, cred_id in plaintext: the library encrypts them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_ecommerce_individual_contracts_with_real_name_identity_mini_program(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok(
                "v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/mini-program",
            ),
            request_json,
            out,
        )
    }
}

/// POST /v3/ecommerce/combine-papay/transactions (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012884121
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_ecommerce_combine_papay_transactions(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/ecommerce/combine-papay/transactions"),
            request_json,
            out,
        )
    }
}

/// GET /v3/ecommerce/combine-papay/transactions/{combine_out_trade_no} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012884130
/// request_json carries combine_out_trade_no as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_ecommerce_combine_papay_transactions_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}"),
            request_json,
            out,
        )
    }
}

/// POST /v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012884126
/// request_json carries combine_out_trade_no as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_ecommerce_combine_papay_transactions_reverse(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse"),
            request_json,
            out,
        )
    }
}

/// POST /v3/credit-repayment/partner/contracts/app-presign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4016125804
/// Pass real_identity.identity_id, real_identity.real_name in plaintext: the library encrypts them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_credit_repayment_partner_app(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/credit-repayment/partner/contracts/app-presign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/credit-repayment/partner/contracts/h5-presign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4016779565
/// Pass real_identity.identity_id, real_identity.real_name in plaintext: the library encrypts them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_credit_repayment_partner_h5(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/credit-repayment/partner/contracts/h5-presign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/credit-repayment/partner/schedule-records/batch-create (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4016779459
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_credit_repayment_partner_schedule_records_batch_create(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/credit-repayment/partner/schedule-records/batch-create"),
            request_json,
            out,
        )
    }
}

/// GET /v3/credit-repayment/partner/schedule-records/{out_record_id} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4016779463
/// request_json carries out_record_id as members: the library puts them in the path.
/// request_json carries contract_id as members: the library puts them in the query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_credit_repayment_partner_schedule_records_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/credit-repayment/partner/schedule-records/{out_record_id}"),
            request_json,
            out,
        )
    }
}

/// POST /v3/credit-repayment/partner/deduct-orders (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4016779462
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_credit_repayment_partner_deduct_orders(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/credit-repayment/partner/deduct-orders"),
            request_json,
            out,
        )
    }
}

/// GET /v3/credit-repayment/partner/deduct-orders/{out_trade_no} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4016779468
/// request_json carries out_trade_no as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_credit_repayment_partner_deduct_orders_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/credit-repayment/partner/deduct-orders/{out_trade_no}"),
            request_json,
            out,
        )
    }
}

/// POST /v3/edu-papay/contracts/presign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012522560
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012465360
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/education-fee-payment/contracts/pre-sign.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_edu_papay(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/edu-papay/contracts/presign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/eduschoolpay/contracts/presign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012468952
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/campus-easy-pay/contracts/pre-sign.html
/// Pass identity.real_name, identity.id_card_number, bank_card.bank_card_no, bank_card.phone in plaintext: the library encrypts them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_eduschoolpay(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/eduschoolpay/contracts/presign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/edu-papay/user-notifications/{contract_id}/send (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012524814
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012855408
/// request_json carries contract_id as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_edu_papay_user_notifications_send(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/edu-papay/user-notifications/{contract_id}/send"),
            request_json,
            out,
        )
    }
}

/// POST /v3/edu-papay/transactions (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012524731
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012465548
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_edu_papay_transactions(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/edu-papay/transactions"),
            request_json,
            out,
        )
    }
}

/// GET /v3/edu-papay/transactions/id/{transaction_id} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012523468
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012465567
/// request_json carries transaction_id as members: the library puts them in the path.
/// request_json carries sub_mchid as members: the library puts them in the query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_edu_papay_transactions_id_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/edu-papay/transactions/id/{transaction_id}"),
            request_json,
            out,
        )
    }
}

/// GET /v3/edu-papay/transactions/out-trade-no/{out_trade_no} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/merchant/4012523591
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012465574
/// request_json carries out_trade_no as members: the library puts them in the path.
/// request_json carries sub_mchid as members: the library puts them in the query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_edu_papay_transactions_out_trade_no_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/edu-papay/transactions/out-trade-no/{out_trade_no}"),
            request_json,
            out,
        )
    }
}

/// POST /v3/eduschoolpay/transactions (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012469030
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/campus-easy-pay/transactions/create-transaction.html
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_eduschoolpay_transactions(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/eduschoolpay/transactions"),
            request_json,
            out,
        )
    }
}

/// GET /v3/eduschoolpay/transactions/id/{transaction_id} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012469063
/// request_json carries transaction_id as members: the library puts them in the path.
/// request_json carries sub_mchid as members: the library puts them in the query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_eduschoolpay_transactions_id_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/eduschoolpay/transactions/id/{transaction_id}"),
            request_json,
            out,
        )
    }
}

/// GET /v3/eduschoolpay/transactions/out-trade-no/{out_trade_no} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012469097
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/campus-easy-pay/transactions/query-transaction-by-out-trade-no.html
/// request_json carries out_trade_no as members: the library puts them in the path.
/// request_json carries sub_mchid as members: the library puts them in the query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_eduschoolpay_transactions_out_trade_no_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/eduschoolpay/transactions/out-trade-no/{out_trade_no}"),
            request_json,
            out,
        )
    }
}

/// GET /v3/eduschoolpay/users/{openid}/debt-state (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/v3/partner/4012469161
/// WeChat Pay: https://pay.weixin.qq.com/docs/partner/apis/campus-easy-pay/user-debt-state/query-user-debt-state.html
/// request_json carries openid as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_eduschoolpay_users_debt_state_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/eduschoolpay/users/{openid}/debt-state"),
            request_json,
            out,
        )
    }
}

/// POST /v3/offlineface/contracts/presign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/wxfacepay/develop/access-specifications.html
/// Pass facepay_user.identification.identification_number, facepay_user.phone, limit_bank_card.bank_card_number, limit_bank_card.identification_name, limit_bank_card.identification.identification_number, limit_bank_card.phone in plaintext: the library encrypts them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_offlineface(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/offlineface/contracts/presign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/global/papay/contracts/app-pre-entrust-sign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/global/v3/zh/4013015467
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_17.shtml
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_global_papay_app(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/global/papay/contracts/app-pre-entrust-sign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/global/papay/contracts/h5-pre-entrust-sign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/global/v3/zh/4013015443
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_14.shtml
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_global_papay_h5(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/global/papay/contracts/h5-pre-entrust-sign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/global/papay/contracts/jsapi-pre-entrust-sign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/global/v3/zh/4013015447
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_15.shtml
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_global_papay_jsapi(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/global/papay/contracts/jsapi-pre-entrust-sign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/global/papay/contracts/miniprogram-pre-entrust-sign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/global/v3/zh/4013015440
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_1.shtml
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_global_papay_miniprogram(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/global/papay/contracts/miniprogram-pre-entrust-sign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/global/papay/contracts/web-pre-entrust-sign (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/global/v3/zh/4013015464
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/api/wxpay/ch/entrust/chapter4_3.shtml
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_global_papay_web(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/global/papay/contracts/web-pre-entrust-sign"),
            request_json,
            out,
        )
    }
}

/// POST /v3/global/papay/transactions (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/global/v3/zh/4013015482
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_6.shtml
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_global_papay_transactions(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/global/papay/transactions"),
            request_json,
            out,
        )
    }
}

/// GET /v3/global/papay/transactions/{transaction_id} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/global/v3/zh/4013026988
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_8.shtml
/// request_json carries transaction_id as members: the library puts them in the path.
/// request_json carries sub_mchid as members: the library puts them in the query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_global_papay_transactions_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/global/papay/transactions/{transaction_id}"),
            request_json,
            out,
        )
    }
}

/// GET /v3/global/papay/transactions/out-trade-no/{out_trade_no} (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/global/v3/zh/4013026988
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_8.shtml
/// request_json carries out_trade_no as members: the library puts them in the path.
/// request_json carries sub_mchid as members: the library puts them in the query string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_global_papay_transactions_out_trade_no_get(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/global/papay/transactions/out-trade-no/{out_trade_no}"),
            request_json,
            out,
        )
    }
}

/// POST /v3/global/papay/transactions/out-trade-no/{out_trade_no}/reverse (as wxpresign_call).
/// WeChat Pay: https://pay.weixin.qq.com/doc/global/v3/zh/4013015496
/// WeChat Pay: https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_10.shtml
/// request_json carries out_trade_no as members: the library puts them in the path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_global_papay_transactions_out_trade_no_reverse(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        call_path(
            client,
            Ok("v3/global/papay/transactions/out-trade-no/{out_trade_no}/reverse"),
            request_json,
            out,
        )
    }
}

/// The type of every endpoint function.
pub type wxpresign_endpoint_fn =
    unsafe extern "C" fn(*const wxpresign_client, *const c_char, *mut *mut c_char) -> wxpresign_status;

/// Every endpoint function with its path, in the table's order (for Rust callers and tests).
pub static ENDPOINT_FUNCTIONS: &[(&str, wxpresign_endpoint_fn)] = &[
    ("v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi", wxpresign_papay_scheduled_deduct_sign_partner_jsapi),
    ("v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program", wxpresign_papay_scheduled_deduct_sign_partner_mini_program),
    ("v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/app", wxpresign_papay_scheduled_deduct_sign_partner_app),
    ("v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/h5", wxpresign_papay_scheduled_deduct_sign_partner_h5),
    ("v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app", wxpresign_papay_scheduled_deduct_sign_app),
    ("v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/h5", wxpresign_papay_scheduled_deduct_sign_h5),
    ("v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/jsapi", wxpresign_papay_scheduled_deduct_sign_jsapi),
    ("v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/mini-program", wxpresign_papay_scheduled_deduct_sign_mini_program),
    ("v3/papay/sign/contracts/pre-entrust-sign", wxpresign_papay_sign),
    ("v3/papay/pay/schedules/contract-id/{contract_id}/schedule", wxpresign_papay_pay_schedules_contract_id_schedule),
    ("v3/papay/pay/partner/schedules/contract-id/{contract_id}/schedule", wxpresign_papay_pay_partner_schedules_contract_id_schedule),
    ("v3/papay/pay/schedules/contract-id/{contract_id}", wxpresign_papay_pay_schedules_contract_id_get),
    ("v3/papay/pay/partner/schedules/contract-id/{contract_id}", wxpresign_papay_pay_partner_schedules_contract_id_get),
    ("v3/papay/contracts/{contract_id}/notify", wxpresign_papay_notify),
    ("v3/partner-papay/contracts/{contract_id}/notify", wxpresign_partner_papay_notify),
    ("v3/papay/contracts/{contract_id}/fail-notify", wxpresign_papay_fail_notify),
    ("v3/partner-papay/contracts/{contract_id}/fail-notify", wxpresign_partner_papay_fail_notify),
    ("v3/papay/pay/transactions/apply", wxpresign_papay_pay_transactions_apply),
    ("v3/papay/pay/partner/transactions/apply", wxpresign_papay_pay_partner_transactions_apply),
    ("v3/papay/pay/harmony/transactions/apply", wxpresign_papay_pay_harmony_transactions_apply),
    ("v3/pay/transactions/id/{transaction_id}", wxpresign_pay_transactions_id_get),
    ("v3/pay/transactions/out-trade-no/{out_trade_no}", wxpresign_pay_transactions_out_trade_no_get),
    ("v3/pay/partner/transactions/id/{transaction_id}", wxpresign_pay_partner_transactions_id_get),
    ("v3/pay/partner/transactions/out-trade-no/{out_trade_no}", wxpresign_pay_partner_transactions_out_trade_no_get),
    ("v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi", wxpresign_papay_insurance_sign_jsapi),
    ("v3/papay/insurance-sign/contracts/pre-entrust-sign/app", wxpresign_papay_insurance_sign_app),
    ("v3/papay/insurance-sign/contracts/pre-entrust-sign/h5", wxpresign_papay_insurance_sign_h5),
    ("v3/papay/insurance-sign/contracts/pre-entrust-sign/mini-program", wxpresign_papay_insurance_sign_mini_program),
    ("v3/papay/insurance-pay/policy-periods/contract-id/{contract_id}/policy-period-id/{policy_period_id}/schedule", wxpresign_papay_insurance_pay_policy_periods_contract_id_policy_period_id_schedule),
    ("v3/papay/insurance-pay/policy-periods/contract-id/{contract_id}/policy-period-id/{policy_period_id}", wxpresign_papay_insurance_pay_policy_periods_contract_id_policy_period_id_get),
    ("v3/papay/insurance-pay/transactions/apply", wxpresign_papay_insurance_pay_transactions_apply),
    ("v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign", wxpresign_password_exempt_contract_service_provider_pay_redirect_sign),
    ("v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/mini-program", wxpresign_password_exempt_contract_service_provider_mini_program),
    ("v3/password-exempt-contract/contracts/normal/pre-entrust-sign/mini-program", wxpresign_password_exempt_contract_normal_mini_program),
    ("v3/password-exempt-contract/contracts/normal/pre-entrust-sign/pay-redirect-sign", wxpresign_password_exempt_contract_normal_pay_redirect_sign),
    ("v3/password-exempt-contract/contracts/qs/pre-entrust-sign/mini-program", wxpresign_password_exempt_contract_qs_mini_program),
    ("v3/password-exempt-contract/contracts/qs/pre-entrust-sign/pay-redirect-sign", wxpresign_password_exempt_contract_qs_pay_redirect_sign),
    ("v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/mini-program", wxpresign_password_exempt_contract_ecommerce_mini_program),
    ("v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/pay-redirect-sign", wxpresign_password_exempt_contract_ecommerce_pay_redirect_sign),
    ("v3/ecommerce/combine-papay/contracts/pre-entrust-sign", wxpresign_ecommerce_combine_papay),
    ("v3/ecommerce/combine-papay/contracts/pre-entrust-sign/mini-program", wxpresign_ecommerce_combine_papay_mini_program),
    ("v3/ecommerce/individual-contracts/pre-entrust-sign/app", wxpresign_ecommerce_individual_contracts_app),
    ("v3/ecommerce/individual-contracts/pre-entrust-sign/mini-program", wxpresign_ecommerce_individual_contracts_mini_program),
    ("v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/app", wxpresign_ecommerce_individual_contracts_with_real_name_identity_app),
    ("v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/mini-program", wxpresign_ecommerce_individual_contracts_with_real_name_identity_mini_program),
    ("v3/ecommerce/combine-papay/transactions", wxpresign_ecommerce_combine_papay_transactions),
    ("v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}", wxpresign_ecommerce_combine_papay_transactions_get),
    ("v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse", wxpresign_ecommerce_combine_papay_transactions_reverse),
    ("v3/credit-repayment/partner/contracts/app-presign", wxpresign_credit_repayment_partner_app),
    ("v3/credit-repayment/partner/contracts/h5-presign", wxpresign_credit_repayment_partner_h5),
    ("v3/credit-repayment/partner/schedule-records/batch-create", wxpresign_credit_repayment_partner_schedule_records_batch_create),
    ("v3/credit-repayment/partner/schedule-records/{out_record_id}", wxpresign_credit_repayment_partner_schedule_records_get),
    ("v3/credit-repayment/partner/deduct-orders", wxpresign_credit_repayment_partner_deduct_orders),
    ("v3/credit-repayment/partner/deduct-orders/{out_trade_no}", wxpresign_credit_repayment_partner_deduct_orders_get),
    ("v3/edu-papay/contracts/presign", wxpresign_edu_papay),
    ("v3/eduschoolpay/contracts/presign", wxpresign_eduschoolpay),
    ("v3/edu-papay/user-notifications/{contract_id}/send", wxpresign_edu_papay_user_notifications_send),
    ("v3/edu-papay/transactions", wxpresign_edu_papay_transactions),
    ("v3/edu-papay/transactions/id/{transaction_id}", wxpresign_edu_papay_transactions_id_get),
    ("v3/edu-papay/transactions/out-trade-no/{out_trade_no}", wxpresign_edu_papay_transactions_out_trade_no_get),
    ("v3/eduschoolpay/transactions", wxpresign_eduschoolpay_transactions),
    ("v3/eduschoolpay/transactions/id/{transaction_id}", wxpresign_eduschoolpay_transactions_id_get),
    ("v3/eduschoolpay/transactions/out-trade-no/{out_trade_no}", wxpresign_eduschoolpay_transactions_out_trade_no_get),
    ("v3/eduschoolpay/users/{openid}/debt-state", wxpresign_eduschoolpay_users_debt_state_get),
    ("v3/offlineface/contracts/presign", wxpresign_offlineface),
    ("v3/global/papay/contracts/app-pre-entrust-sign", wxpresign_global_papay_app),
    ("v3/global/papay/contracts/h5-pre-entrust-sign", wxpresign_global_papay_h5),
    ("v3/global/papay/contracts/jsapi-pre-entrust-sign", wxpresign_global_papay_jsapi),
    ("v3/global/papay/contracts/miniprogram-pre-entrust-sign", wxpresign_global_papay_miniprogram),
    ("v3/global/papay/contracts/web-pre-entrust-sign", wxpresign_global_papay_web),
    ("v3/global/papay/transactions", wxpresign_global_papay_transactions),
    ("v3/global/papay/transactions/{transaction_id}", wxpresign_global_papay_transactions_get),
    ("v3/global/papay/transactions/out-trade-no/{out_trade_no}", wxpresign_global_papay_transactions_out_trade_no_get),
    ("v3/global/papay/transactions/out-trade-no/{out_trade_no}/reverse", wxpresign_global_papay_transactions_out_trade_no_reverse),
];
