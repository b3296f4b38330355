//! 免密支付 (password-free payment contracts): service provider, normal, clearing institution (qs) and e-commerce modes.

use super::common::SIGN_MP_APPID;
use super::{Endpoint, Host, Reply};

use crate::schema::{Field, integer, string};

/// The password-free page of WeChat's signing mini program, as the answers name it.
const SIGN_MP_PATH: Reply = Reply::Fixed("pages/PwdExemptContract/index");

const SERVICE_PROVIDER_PAY_REDIRECT_SIGN: &[Field] = &[
    string("sp_appid").max(32).required(),
    string("sp_openid").max(128),
    string("sub_mchid").max(32).required(),
    string("sub_appid").max(32).required(),
    string("sub_openid").max(128),
    integer("service_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("notify_url").notify_url().required(),
    string("contract_display_account").max(32).required(),
    string("prepay_id").max(64).required(),
];

const SERVICE_PROVIDER_MINI_PROGRAM: &[Field] = &[
    string("sp_appid").max(32).required(),
    string("sp_openid"),
    string("sub_mchid").required(),
    string("sub_appid").required(),
    string("sub_openid"),
    integer("service_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("notify_url").notify_url().required(),
    string("contract_display_account").max(32).required(),
];

/// Normal (direct merchant) and e-commerce modes ask for the same members.
const MERCHANT_MINI_PROGRAM: &[Field] = &[
    string("appid").max(32).required(),
    integer("service_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("notify_url").notify_url().required(),
    string("contract_display_account").max(32).required(),
    string("openid").required(),
];

/// Normal (direct merchant) and e-commerce modes ask for the same members.
const MERCHANT_PAY_REDIRECT_SIGN: &[Field] = &[
    string("appid").max(32).required(),
    integer("service_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("notify_url").notify_url().required(),
    string("contract_display_account").max(32).required(),
    string("prepay_id").required(),
    string("openid").required(),
];

const QS_MINI_PROGRAM: &[Field] = &[
    string("appid").max(32).required(),
    string("sub_appid").required(),
    string("sub_mchid").required(),
    integer("service_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("notify_url").notify_url().required(),
    string("contract_display_account").max(32).required(),
    string("openid"),
    string("sub_openid"),
];

const QS_PAY_REDIRECT_SIGN: &[Field] = &[
    string("appid").max(32).required(),
    string("sub_appid").required(),
    string("sub_mchid").required(),
    integer("service_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("notify_url").notify_url().required(),
    string("contract_display_account").max(32).required(),
    string("prepay_id").required(),
    string("openid"),
    string("sub_openid"),
];

pub(super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign",
        title: "服务商模式支付后场景预签约 (password-free, service provider, sign after payment)",
        host: Host::Domestic,
        request: SERVICE_PROVIDER_PAY_REDIRECT_SIGN,
        answer: &[
            ("mchid", Reply::Mchid),
            ("sub_mchid", Reply::Echo("sub_mchid")),
            ("service_id", Reply::Echo("service_id")),
            ("out_contract_code", Reply::Echo("out_contract_code")),
        ],
        fault_field: "out_contract_code",
        session_minutes: 120,
        example: r#"{"sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","service_id":12535,"out_contract_code":"wxwtdk20200910100002","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","prepay_id":"wx201410272009395522657a690389285100"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/mini-program",
        title: "服务商模式小程序场景预签约 (password-free, service provider, mini program)",
        host: Host::Domestic,
        request: SERVICE_PROVIDER_MINI_PROGRAM,
        answer: &[
            ("pre_entrustweb_id", Reply::SessionId),
            ("mchid", Reply::Mchid),
            ("sub_mchid", Reply::Echo("sub_mchid")),
            ("service_id", Reply::Echo("service_id")),
            ("out_contract_code", Reply::Echo("out_contract_code")),
            ("sign_mp_appid", SIGN_MP_APPID),
            ("sign_mp_path", SIGN_MP_PATH),
        ],
        fault_field: "out_contract_code",
        session_minutes: 120,
        example: r#"{"sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","service_id":12535,"out_contract_code":"wxwtdk20200910100016","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/normal/pre-entrust-sign/mini-program",
        title: "直连商户模式小程序场景预签约 (password-free, direct merchant, mini program)",
        host: Host::Domestic,
        request: MERCHANT_MINI_PROGRAM,
        answer: &[
            ("pre_entrustweb_id", Reply::SessionId),
            ("mchid", Reply::Mchid),
            ("service_id", Reply::Echo("service_id")),
            ("out_contract_code", Reply::Echo("out_contract_code")),
            ("sign_mp_appid", SIGN_MP_APPID),
            ("sign_mp_path", SIGN_MP_PATH),
        ],
        fault_field: "out_contract_code",
        session_minutes: 120,
        example: r#"{"appid":"wxd678efh567hg6787","service_id":12535,"out_contract_code":"wxwtdk20200910100017","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/normal/pre-entrust-sign/pay-redirect-sign",
        title: "直连商户模式支付后场景预签约 (password-free, direct merchant, sign after payment)",
        host: Host::Domestic,
        request: MERCHANT_PAY_REDIRECT_SIGN,
        answer: &[
            ("mchid", Reply::Mchid),
            ("service_id", Reply::Echo("service_id")),
            ("out_contract_code", Reply::Echo("out_contract_code")),
        ],
        fault_field: "out_contract_code",
        session_minutes: 120,
        example: r#"{"appid":"wxd678efh567hg6787","service_id":12535,"out_contract_code":"wxwtdk20200910100018","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","prepay_id":"wx201410272009395522657a690389285100","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/qs/pre-entrust-sign/mini-program",
        title: "清算机构模式小程序场景预签约 (password-free, clearing institution, mini program)",
        host: Host::Domestic,
        request: QS_MINI_PROGRAM,
        answer: &[
            ("pre_entrustweb_id", Reply::SessionId),
            ("mchid", Reply::Mchid),
            ("service_id", Reply::Echo("service_id")),
            ("out_contract_code", Reply::Echo("out_contract_code")),
            ("sign_mp_appid", SIGN_MP_APPID),
            ("sign_mp_path", SIGN_MP_PATH),
        ],
        fault_field: "out_contract_code",
        session_minutes: 120,
        example: r#"{"appid":"wxd678efh567hg6787","sub_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","service_id":12535,"out_contract_code":"wxwtdk20200910100019","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/qs/pre-entrust-sign/pay-redirect-sign",
        title: "清算机构模式支付后场景预签约 (password-free, clearing institution, sign after payment)",
        host: Host::Domestic,
        request: QS_PAY_REDIRECT_SIGN,
        answer: &[
            ("mchid", Reply::Mchid),
            ("service_id", Reply::Echo("service_id")),
            ("out_contract_code", Reply::Echo("out_contract_code")),
        ],
        fault_field: "out_contract_code",
        session_minutes: 120,
        example: r#"{"appid":"wxd678efh567hg6787","sub_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","service_id":12535,"out_contract_code":"wxwtdk20200910100020","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","prepay_id":"wx201410272009395522657a690389285100","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/mini-program",
        title: "电商收付通模式小程序场景预签约 (password-free, e-commerce, mini program)",
        host: Host::Domestic,
        request: MERCHANT_MINI_PROGRAM,
        answer: &[
            ("pre_entrustweb_id", Reply::SessionId),
            ("mchid", Reply::Mchid),
            ("service_id", Reply::Echo("service_id")),
            ("out_contract_code", Reply::Echo("out_contract_code")),
            ("sign_mp_appid", SIGN_MP_APPID),
            ("sign_mp_path", SIGN_MP_PATH),
        ],
        fault_field: "out_contract_code",
        session_minutes: 120,
        example: r#"{"appid":"wxd678efh567hg6787","service_id":12535,"out_contract_code":"wxwtdk20200910100021","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/pay-redirect-sign",
        title: "电商收付通模式支付后场景预签约 (password-free, e-commerce, sign after payment)",
        host: Host::Domestic,
        request: MERCHANT_PAY_REDIRECT_SIGN,
        answer: &[
            ("mchid", Reply::Mchid),
            ("service_id", Reply::Echo("service_id")),
            ("out_contract_code", Reply::Echo("out_contract_code")),
        ],
        fault_field: "out_contract_code",
        session_minutes: 120,
        example: r#"{"appid":"wxd678efh567hg6787","service_id":12535,"out_contract_code":"wxwtdk20200910100022","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","prepay_id":"wx201410272009395522657a690389285100","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
];
