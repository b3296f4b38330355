//! 跨境/全球 委托代扣 (cross-border entrusted payment), served by apihk.mch.weixin.qq.com.
//!
//! One path serves both modes: direct merchants send `appid` ("仅适用于直连模式"), institutions
//! send `sp_appid` and `sub_mchid` ("仅适用于机构模式"); [`MODES`] states it as rules.

use super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::compose;
use crate::schema::{
    Field, Format, Rule, When, any_of, forbidden_when, integer, required_when, string,
};

/// The members of every scene (pages 4013015467, 4013015443, 4013015447, 4013015440,
/// 4013015464): string[1, 32] identifiers, success_notify_url string[1, 256] (the only URL a
/// PAPAY.SIGN notification goes to, so required here).
const CONTRACT: &[Field] = &[
    string("appid").max(32),
    string("sub_mchid").max(32),
    string("sp_appid").max(32),
    string("sp_mchid").max(32),
    string("sub_appid").max(32),
    integer("plan_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("user_display_name").max(32).required(),
    string("success_notify_url").notify_url().required(),
];

/// "遵循rfc3339标准格式", string[1, 64].
const EXPIRED_TIME: Field = string("expired_time").date_time().max(64);
/// The H5 page alone gives the expiry string[1, 32] ("过期时间 expired_time string[1, 32]",
/// https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_14.shtml).
const H5_EXPIRED_TIME: Field = string("expired_time").date_time().max(32);
const RETURN_URL: Field = string("return_url").format(Format::Url).max(256);
const USER_CLIENT_IP: Field = string("user_client_ip").max(32);

/// The App and mini-program scenes take the same request.
const APP_OR_MINI_PROGRAM: &[Field] = compose!(
    CONTRACT,
    &[string("openid").max(128), USER_CLIENT_IP, EXPIRED_TIME]
);

const H5: &[Field] = compose!(
    CONTRACT,
    &[
        string("return_appid").max(32),
        USER_CLIENT_IP,
        H5_EXPIRED_TIME,
        RETURN_URL
    ]
);

const JSAPI: &[Field] = compose!(
    CONTRACT,
    &[
        string("openid").max(128).required(),
        RETURN_URL,
        EXPIRED_TIME
    ]
);

const WEB: &[Field] = compose!(CONTRACT, &[EXPIRED_TIME, RETURN_URL]);

/// Direct mode names the merchant's appid; institutional mode the provider's sp_appid and the
/// sub-merchant; a request is in one mode or the other.
const MODES: &[Rule] = &[
    forbidden_when(
        &["/sp_appid", "/sp_mchid", "/sub_mchid", "/sub_appid"],
        When::Present("/appid"),
        "appid is for direct mode only (WeChat Pay: 仅适用于直连模式); institutional members cannot be sent with it",
    ),
    any_of(
        &["/appid", "/sp_appid"],
        "appid (direct mode) or sp_appid with sub_mchid (institutional mode) is required",
    ),
    required_when(
        &["/sub_mchid"],
        When::Present("/sp_appid"),
        "sub_mchid is required in institutional mode (with sp_appid)",
    ),
    required_when(
        &["/sp_appid"],
        When::Present("/sub_mchid"),
        "sp_appid is required in institutional mode (with sub_mchid)",
    ),
];

pub(super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/global/papay/contracts/app-pre-entrust-sign",
        title: "APP签约 (cross-border, App)",
        docs: &[
            "https://pay.weixin.qq.com/doc/global/v3/zh/4013015467",
            "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_17.shtml",
        ],
        host: Host::Global,
        family: Family::Global,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: APP_OR_MINI_PROGRAM,
        rules: MODES,
        answer: &["session_id"],
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":123,"out_contract_code":"100001233","user_display_name":"张三","success_notify_url":"https://yourapp.com/notify","openid":"ouFhd5X9s9WteC3eWRjXV3lea123","user_client_ip":"119.145.83.6","expired_time":"2026-12-20T13:29:35+08:00"}"#,
    },
    Endpoint {
        path: "v3/global/papay/contracts/h5-pre-entrust-sign",
        title: "H5预签约 (cross-border, H5)",
        docs: &[
            "https://pay.weixin.qq.com/doc/global/v3/zh/4013015443",
            "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_14.shtml",
        ],
        host: Host::Global,
        family: Family::Global,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: H5,
        rules: MODES,
        answer: &["sign_url"],
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":123,"out_contract_code":"100001234","user_display_name":"张三","success_notify_url":"https://yourapp.com/notify","user_client_ip":"119.145.83.6","expired_time":"2026-12-20T13:29:35+08:00","return_url":"https://yourapp.com/signed"}"#,
    },
    Endpoint {
        path: "v3/global/papay/contracts/jsapi-pre-entrust-sign",
        title: "JSAPI预签约 (cross-border, JSAPI)",
        docs: &[
            "https://pay.weixin.qq.com/doc/global/v3/zh/4013015447",
            "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_15.shtml",
        ],
        host: Host::Global,
        family: Family::Global,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: JSAPI,
        rules: MODES,
        answer: &["sign_url"],
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":123,"out_contract_code":"100001235","user_display_name":"张三","success_notify_url":"https://yourapp.com/notify","openid":"ouFhd5X9s9WteC3eWRjXV3lea123","return_url":"https://yourapp.com/signed","expired_time":"2026-12-20T13:29:35+08:00"}"#,
    },
    Endpoint {
        path: "v3/global/papay/contracts/miniprogram-pre-entrust-sign",
        title: "小程序签约 (cross-border, mini program)",
        docs: &[
            "https://pay.weixin.qq.com/doc/global/v3/zh/4013015440",
            "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_1.shtml",
        ],
        host: Host::Global,
        family: Family::Global,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: APP_OR_MINI_PROGRAM,
        rules: MODES,
        answer: &["session_id"],
        example: r#"{"sp_appid":"wx8888888888888888","sp_mchid":"3200000001","sub_mchid":"1230000109","sub_appid":"wxcbda96de0b165484","plan_id":123,"out_contract_code":"100001236","user_display_name":"张三","success_notify_url":"https://yourapp.com/notify","openid":"ouFhd5X9s9WteC3eWRjXV3lea123","user_client_ip":"119.145.83.6","expired_time":"2026-12-20T13:29:35+08:00"}"#,
    },
    Endpoint {
        path: "v3/global/papay/contracts/web-pre-entrust-sign",
        title: "WEB预签约 (cross-border, PC web QR code)",
        docs: &[
            "https://pay.weixin.qq.com/doc/global/v3/zh/4013015464",
            "https://pay.weixin.qq.com/wiki/doc/api/wxpay/ch/entrust/chapter4_3.shtml",
        ],
        host: Host::Global,
        family: Family::Global,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: WEB,
        rules: MODES,
        // `show_code_url` (OA, updated 2025-04-01), not SKIT's older `sign_url` (spec §8 item 5).
        answer: &["show_code_url"],
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":123,"out_contract_code":"100001237","user_display_name":"张三","success_notify_url":"https://yourapp.com/notify","expired_time":"2026-12-20T13:29:35+08:00","return_url":"https://yourapp.com/signed"}"#,
    },
];
