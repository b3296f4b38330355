//! 跨境/全球 委托代扣 (cross-border entrusted payment), served by apihk.mch.weixin.qq.com.
//!
//! One path serves both modes: direct merchants send `appid`, institutions send `sp_appid`,
//! `sp_mchid` and `sub_mchid`. Only the members both modes need are required (spec §8 item 5).

use super::{Endpoint, Host, Reply};
use crate::schema::{Field, Format, integer, string};

/// The App and mini-program scenes take the same request.
const APP_OR_MINI_PROGRAM: &[Field] = &[
    string("appid").max(32),
    string("sub_mchid").max(32),
    string("sp_appid").max(32),
    string("sp_mchid"),
    string("sub_appid").max(32),
    integer("plan_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("user_display_name").max(32).required(),
    string("success_notify_url").notify_url(),
    string("openid"),
    string("user_client_ip"),
    string("expired_time"),
];

const H5: &[Field] = &[
    string("appid").max(32),
    string("sub_mchid").max(32),
    string("sp_appid").max(32),
    string("sp_mchid"),
    string("sub_appid").max(32),
    integer("plan_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("user_display_name").max(32).required(),
    string("success_notify_url").notify_url(),
    string("return_appid"),
    string("user_client_ip"),
    string("expired_time"),
    string("return_url").format(Format::Url),
];

const JSAPI: &[Field] = &[
    string("appid").max(32),
    string("sub_mchid").max(32),
    string("sp_appid").max(32),
    string("sp_mchid"),
    string("sub_appid").max(32),
    integer("plan_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("user_display_name").max(32).required(),
    string("success_notify_url").notify_url(),
    string("openid"),
    string("return_url").format(Format::Url),
    string("expired_time"),
];

const WEB: &[Field] = &[
    string("appid").max(32),
    string("sub_mchid").max(32),
    string("sp_appid").max(32),
    string("sp_mchid"),
    string("sub_appid").max(32),
    integer("plan_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("user_display_name").max(32).required(),
    string("success_notify_url").notify_url(),
    string("expired_time"),
    string("return_url").format(Format::Url),
];

pub(super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/global/papay/contracts/app-pre-entrust-sign",
        title: "APP签约 (cross-border, App)",
        host: Host::Global,
        request: APP_OR_MINI_PROGRAM,
        answer: &[("session_id", Reply::SessionId)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":123,"out_contract_code":"100001233","user_display_name":"张三","success_notify_url":"https://yourapp.com/notify","openid":"ouFhd5X9s9WteC3eWRjXV3lea123","user_client_ip":"119.145.83.6","expired_time":"2026-12-20T13:29:35+08:00"}"#,
    },
    Endpoint {
        path: "v3/global/papay/contracts/h5-pre-entrust-sign",
        title: "H5预签约 (cross-border, H5)",
        host: Host::Global,
        request: H5,
        answer: &[("sign_url", Reply::SessionUrl)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":123,"out_contract_code":"100001234","user_display_name":"张三","success_notify_url":"https://yourapp.com/notify","user_client_ip":"119.145.83.6","expired_time":"2026-12-20T13:29:35+08:00","return_url":"https://yourapp.com/signed"}"#,
    },
    Endpoint {
        path: "v3/global/papay/contracts/jsapi-pre-entrust-sign",
        title: "JSAPI预签约 (cross-border, JSAPI)",
        host: Host::Global,
        request: JSAPI,
        answer: &[("sign_url", Reply::SessionUrl)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":123,"out_contract_code":"100001235","user_display_name":"张三","success_notify_url":"https://yourapp.com/notify","openid":"ouFhd5X9s9WteC3eWRjXV3lea123","return_url":"https://yourapp.com/signed","expired_time":"2026-12-20T13:29:35+08:00"}"#,
    },
    Endpoint {
        path: "v3/global/papay/contracts/miniprogram-pre-entrust-sign",
        title: "小程序签约 (cross-border, mini program)",
        host: Host::Global,
        request: APP_OR_MINI_PROGRAM,
        answer: &[("session_id", Reply::SessionId)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"sp_appid":"wx8888888888888888","sp_mchid":"3200000001","sub_mchid":"1230000109","sub_appid":"wxcbda96de0b165484","plan_id":123,"out_contract_code":"100001236","user_display_name":"张三","success_notify_url":"https://yourapp.com/notify","openid":"ouFhd5X9s9WteC3eWRjXV3lea123","user_client_ip":"119.145.83.6","expired_time":"2026-12-20T13:29:35+08:00"}"#,
    },
    Endpoint {
        path: "v3/global/papay/contracts/web-pre-entrust-sign",
        title: "WEB预签约 (cross-border, PC web QR code)",
        host: Host::Global,
        request: WEB,
        // `show_code_url` (OA, updated 2025-04-01), not SKIT's older `sign_url` (spec §8 item 5).
        answer: &[("show_code_url", Reply::SessionUrl)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":123,"out_contract_code":"100001237","user_display_name":"张三","success_notify_url":"https://yourapp.com/notify","expired_time":"2026-12-20T13:29:35+08:00","return_url":"https://yourapp.com/signed"}"#,
    },
];
