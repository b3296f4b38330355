//! 委托代扣 · 预约扣费类型签约 (scheduled deduction), direct and partner, every scene, and the generic `papay/sign`.

use super::common::{DEDUCT_SCHEDULE, JUMP_CONTROL, OUT_CONTRACT_CODE};
use super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::compose;
use crate::schema::{Field, Format, Rule, any_of, boolean, integer, object, string};

/// The members every scene of both modes shares (pages 4012693093, 4012693100, 4012693028,
/// 4012464549, 4012524934, 4012489208, 4012525133, 4012525209): string(32) display account,
/// string(32) out_user_code.
const CONTRACT: &[Field] = &[
    integer("plan_id").positive().required(),
    OUT_CONTRACT_CODE,
    string("contract_display_account").max(32).required(),
    string("contract_notify_url").notify_url().required(),
    string("out_user_code").max(32),
    object("deduct_schedule", DEDUCT_SCHEDULE),
];

/// Partner mode: sp_openid and sub_openid are string(64).
const PARTNER: &[Field] = &[
    string("sp_appid").max(32).required(),
    string("sp_openid").max(64),
    string("sub_mchid").max(32).required(),
    string("sub_appid").max(32),
    string("sub_openid").max(64),
];

const PARTNER_SCHEDULED_DEDUCT: &[Field] = compose!(PARTNER, CONTRACT);
const PARTNER_SCHEDULED_DEDUCT_H5: &[Field] =
    compose!(PARTNER, CONTRACT, &[object("jump_control", JUMP_CONTROL)]);

/// "JSAPI和小程序场景签约必须和'sp_openid'二选一填写" (partner JSAPI and mini-program pages).
const PARTNER_IN_WECHAT: &[Rule] = &[any_of(
    &["/sp_openid", "/sub_openid"],
    "sp_openid or sub_openid is required for JSAPI and mini-program signing (WeChat Pay: JSAPI和小程序场景签约必须和'sp_openid'二选一填写)",
)];

const DIRECT: &[Field] = &[string("appid").max(32).required(), string("openid")];
const DIRECT_SCHEDULED_DEDUCT: &[Field] = compose!(DIRECT, CONTRACT);
const DIRECT_SCHEDULED_DEDUCT_H5: &[Field] =
    compose!(DIRECT, CONTRACT, &[object("jump_control", JUMP_CONTROL)]);

/// "JSAPI和小程序签约必填" (direct JSAPI and mini-program pages).
const DIRECT_IN_WECHAT: &[Rule] = &[any_of(
    &["/openid"],
    "openid is required for JSAPI and mini-program signing (WeChat Pay: JSAPI和小程序签约必填)",
)];

/// Risk information about the device that starts the pre-sign; the enum spellings
/// (`UNKNOW`, `MORE_THEN`) are WeChat's.
const DEVICE_INFO: &[Field] = &[
    string("device_type")
        .one_of(&[
            "DEVICE_TYPE_UNKNOW",
            "DEVICE_TYPE_PHONE",
            "DEVICE_TYPE_PAD",
            "DEVICE_TYPE_TV",
            "DEVICE_TYPE_WATCH",
        ])
        .required(),
    string("device_os").required(),
    string("device_id").required(),
    boolean("device_running_as_root").required(),
    string("device_ip").required(),
    boolean("weixin_installed").required(),
    string("weixin_version").required(),
    string("days_since_first_login")
        .one_of(&[
            "DAYS_SINCE_FIRST_LOGIN_UNKNOW",
            "DAYS_SINCE_FIRST_LOGIN_WITHIN_1_DAY",
            "DAYS_SINCE_FIRST_LOGIN_WITHIN_7_DAYS",
            "DAYS_SINCE_FIRST_LOGIN_WITHIN_30_DAYS",
            "DAYS_SINCE_FIRST_LOGIN_WITHIN_90_DAYS",
            "DAYS_SINCE_FIRST_LOGIN_WITHIN_180_DAYS",
            "DAYS_SINCE_FIRST_LOGIN_MORE_THEN_180_DAYS",
        ])
        .required(),
];

/// `sign_scene` is required, as in the schema published with the July 2025 rename from
/// `papay/entrust-sign`; copies of the older page show it optional.
/// Page 4012978414: openid string(128), out_user_code string(64) and required, return_url
/// string(256).
const PAPAY_SIGN: &[Field] = &[
    string("sign_scene")
        .one_of(&["SIGN_SCENE_APP", "SIGN_SCENE_QRCODE"])
        .required(),
    string("appid").max(32).required(),
    string("openid").max(128),
    integer("plan_id").positive().required(),
    OUT_CONTRACT_CODE,
    string("contract_display_account").max(32).required(),
    string("contract_notify_url").notify_url().required(),
    string("out_user_code").max(64).required(),
    string("return_url").format(Format::Url).max(256),
    object("device_info", DEVICE_INFO).required(),
];

pub(super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi",
        title: "JSAPI场景预约扣费类型签约的预签约 (partner, JSAPI)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4012693093",
            "https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-jsapi-scheduled-deduct-pre-sign.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: PARTNER_SCHEDULED_DEDUCT,
        rules: PARTNER_IN_WECHAT,
        answer: &["redirect_url"],
        example: r#"{"sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","plan_id":12535,"out_contract_code":"wxwtdk20200910100000","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","deduct_schedule":{"estimated_deduct_date":"2026-12-22","estimated_deduct_amount":{"total":1500,"currency":"CNY"},"description":"会员月费"}}"#,
    },
    Endpoint {
        path: "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program",
        title: "小程序场景预约扣费类型签约的预签约 (partner, mini program)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4012693100",
            "https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-mini-program-scheduled-deduct-pre-sign.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: PARTNER_SCHEDULED_DEDUCT,
        rules: PARTNER_IN_WECHAT,
        answer: &["pre_entrustweb_id", "redirect_appid", "redirect_path"],
        example: r#"{"sp_appid":"wxd678efh567hg6787","sp_openid":"oYobu0MVnQfWpSMOYJz2AHPG_gQw","sub_mchid":"1900000109","plan_id":12535,"out_contract_code":"wxwtdk20200910100001","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","deduct_schedule":{"estimated_deduct_date":"2026-12-22","estimated_deduct_amount":{"total":1500,"currency":"CNY"},"description":"会员月费"}}"#,
    },
    Endpoint {
        path: "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/app",
        title: "App场景预约扣费类型签约的预签约 (partner, App)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4012693028",
            "https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-app-scheduled-deduct-pre-sign.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: PARTNER_SCHEDULED_DEDUCT,
        rules: &[],
        answer: &["pre_entrustweb_id"],
        example: r#"{"sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787","plan_id":12535,"out_contract_code":"wxwtdk20200910100006","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","deduct_schedule":{"estimated_deduct_date":"2026-12-22","estimated_deduct_amount":{"total":1,"currency":"CNY"},"description":"小乔-碎云皮肤（微信83区沧海之耀）"}}"#,
    },
    Endpoint {
        path: "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/h5",
        title: "H5场景预约扣费类型签约的预签约 (partner, H5)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4012464549",
            "https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-h5-scheduled-deduct-pre-sign.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: PARTNER_SCHEDULED_DEDUCT_H5,
        rules: &[],
        answer: &["redirect_url"],
        example: r#"{"sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787","plan_id":12535,"out_contract_code":"wxwtdk20200910100007","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","deduct_schedule":{"estimated_deduct_date":"2026-12-22","estimated_deduct_amount":{"total":1,"currency":"CNY"},"description":"小乔-碎云皮肤（微信83区沧海之耀）"},"jump_control":{"jump_appid":"wxd678efh567hg6787"}}"#,
    },
    Endpoint {
        path: "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app",
        title: "App场景预约扣费类型签约的预签约 (direct, App)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012524934",
            "https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/normal-app-scheduled-deduct-pre-sign.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: DIRECT_SCHEDULED_DEDUCT,
        rules: &[],
        answer: &["pre_entrustweb_id"],
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":12535,"out_contract_code":"wxwtdk20200910100008","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","deduct_schedule":{"estimated_deduct_date":"2026-12-22","estimated_deduct_amount":{"total":1,"currency":"CNY"},"description":"小乔-碎云皮肤（微信83区沧海之耀）"}}"#,
    },
    Endpoint {
        path: "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/h5",
        title: "H5场景预约扣费类型签约的预签约 (direct, H5)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012489208",
            "https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/normal-h5-scheduled-deduct-pre-sign.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: DIRECT_SCHEDULED_DEDUCT_H5,
        rules: &[],
        answer: &["redirect_url"],
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":12535,"out_contract_code":"wxwtdk20200910100009","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","deduct_schedule":{"estimated_deduct_date":"2026-12-22","estimated_deduct_amount":{"total":1,"currency":"CNY"},"description":"小乔-碎云皮肤（微信83区沧海之耀）"},"jump_control":{"jump_appid":"wxd678efh567hg6787"}}"#,
    },
    Endpoint {
        path: "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/jsapi",
        title: "JSAPI场景预约扣费类型签约的预签约 (direct, JSAPI)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012525133",
            "https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/jsapi-scheduled-deduct-pre-sign.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: DIRECT_SCHEDULED_DEDUCT,
        rules: DIRECT_IN_WECHAT,
        answer: &["redirect_url"],
        example: r#"{"appid":"wxd678efh567hg6787","openid":"oYobu0MVnQfWpSMOYJz2AHPG_gQw","plan_id":12535,"out_contract_code":"wxwtdk20200910100010","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","deduct_schedule":{"estimated_deduct_date":"2026-12-22","estimated_deduct_amount":{"total":1,"currency":"CNY"},"description":"小乔-碎云皮肤（微信83区沧海之耀）"}}"#,
    },
    Endpoint {
        path: "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/mini-program",
        title: "小程序场景预约扣费类型签约的预签约 (direct, mini program)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012525209",
            "https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/mini-program-scheduled-deduct-pre-sign.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: DIRECT_SCHEDULED_DEDUCT,
        rules: DIRECT_IN_WECHAT,
        answer: &["pre_entrustweb_id", "redirect_appid", "redirect_path"],
        example: r#"{"appid":"wxd678efh567hg6787","openid":"oYobu0MVnQfWpSMOYJz2AHPG_gQw","plan_id":12535,"out_contract_code":"wxwtdk20200910100011","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","deduct_schedule":{"estimated_deduct_date":"2026-12-22","estimated_deduct_amount":{"total":1,"currency":"CNY"},"description":"小乔-碎云皮肤（微信83区沧海之耀）"}}"#,
    },
    Endpoint {
        path: "v3/papay/sign/contracts/pre-entrust-sign",
        title: "代扣预签约 (direct, App or QR code)",
        docs: &["https://pay.weixin.qq.com/doc/v3/merchant/4012978414"],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: PAPAY_SIGN,
        rules: &[],
        answer: &["pre_entrustweb_id"],
        example: r#"{"sign_scene":"SIGN_SCENE_APP","appid":"wxd678efh567hg6787","plan_id":12535,"out_contract_code":"wxwtdk20200910100012","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","out_user_code":"用户A","device_info":{"device_type":"DEVICE_TYPE_PHONE","device_os":"iOS 17.5.1","device_id":"6F9619FF8B86D011B42D00C04FC964FF","device_running_as_root":false,"device_ip":"119.145.83.6","weixin_installed":true,"weixin_version":"8.0.50","days_since_first_login":"DAYS_SINCE_FIRST_LOGIN_MORE_THEN_180_DAYS"}}"#,
    },
];
