//! 委托代扣 · 预约扣费类型签约 (scheduled deduction), direct and partner, every scene, and the generic `papay/sign`.

use super::common::{DEDUCT_SCHEDULE, SIGN_MP_APPID, SIGN_MP_PATH};
use super::{Endpoint, Host, Reply};
use crate::schema::{Field, integer, object, string};

const PARTNER_SCHEDULED_DEDUCT: &[Field] = &[
    string("sp_appid").max(32).required(),
    string("sp_openid").max(128),
    string("sub_mchid").max(32).required(),
    string("sub_appid").max(32),
    string("sub_openid").max(128),
    integer("plan_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("contract_display_account").max(64).required(),
    string("contract_notify_url").notify_url().required(),
    string("out_user_code").max(32),
    object("deduct_schedule", DEDUCT_SCHEDULE),
];

pub(super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi",
        title: "JSAPI场景预约扣费类型签约的预签约 (partner, JSAPI)",
        host: Host::Domestic,
        request: PARTNER_SCHEDULED_DEDUCT,
        answer: &[("redirect_url", Reply::SessionUrl)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","plan_id":12535,"out_contract_code":"wxwtdk20200910100000","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","deduct_schedule":{"estimated_deduct_date":"2026-12-22","estimated_deduct_amount":{"total":1500,"currency":"CNY"},"description":"会员月费"}}"#,
    },
    Endpoint {
        path: "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program",
        title: "小程序场景预约扣费类型签约的预签约 (partner, mini program)",
        host: Host::Domestic,
        request: PARTNER_SCHEDULED_DEDUCT,
        answer: &[
            ("pre_entrustweb_id", Reply::SessionId),
            ("redirect_appid", SIGN_MP_APPID),
            ("redirect_path", SIGN_MP_PATH),
        ],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"sp_appid":"wxd678efh567hg6787","sp_openid":"oYobu0MVnQfWpSMOYJz2AHPG_gQw","sub_mchid":"1900000109","plan_id":12535,"out_contract_code":"wxwtdk20200910100001","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","deduct_schedule":{"estimated_deduct_date":"2026-12-22","estimated_deduct_amount":{"total":1500,"currency":"CNY"},"description":"会员月费"}}"#,
    },
];
