//! 免密支付 (password-free payment contracts): service provider, normal, clearing institution (qs) and e-commerce modes.

use super::common::OUT_CONTRACT_CODE;
use super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::compose;
use crate::schema::{Field, Rule, any_of, integer, string};

/// The members of every mode (pages 4012471272, 4012471269, 4012472870, 4012472874, 4012471282,
/// 4012471286, 4013369177, 4013369191): out_contract_code string(32) of digits and letters,
/// notify_url string(256), contract_display_account string(32).
const CONTRACT: &[Field] = &[
    integer("service_id").positive().required(),
    OUT_CONTRACT_CODE,
    string("notify_url").notify_url().required(),
    string("contract_display_account").max(32).required(),
];

/// "预支付交易会话标识", string(64), from the order placed just before.
const PREPAY_ID: &[Field] = &[string("prepay_id").max(64).required()];

const SERVICE_PROVIDER: &[Field] = &[
    string("sp_appid").max(32).required(),
    string("sp_openid").max(128),
    string("sub_mchid").max(32).required(),
    string("sub_appid").max(32).required(),
    string("sub_openid").max(128),
];

const SERVICE_PROVIDER_PAY_REDIRECT_SIGN: &[Field] =
    compose!(SERVICE_PROVIDER, CONTRACT, PREPAY_ID);
const SERVICE_PROVIDER_MINI_PROGRAM: &[Field] = compose!(SERVICE_PROVIDER, CONTRACT);

const MERCHANT: &[Field] = &[string("appid").max(32).required()];
const OPENID: &[Field] = &[string("openid").max(128).required()];

/// Normal (direct merchant) and e-commerce modes ask for the same members.
const MERCHANT_MINI_PROGRAM: &[Field] = compose!(MERCHANT, CONTRACT, OPENID);
const MERCHANT_PAY_REDIRECT_SIGN: &[Field] = compose!(MERCHANT, CONTRACT, PREPAY_ID, OPENID);

const QS: &[Field] = &[
    string("appid").max(32).required(),
    string("sub_appid").max(32).required(),
    string("sub_mchid").max(32).required(),
];
const QS_USER: &[Field] = &[string("openid").max(128), string("sub_openid").max(128)];

const QS_MINI_PROGRAM: &[Field] = compose!(QS, CONTRACT, QS_USER);
const QS_PAY_REDIRECT_SIGN: &[Field] = compose!(QS, CONTRACT, PREPAY_ID, QS_USER);

/// "openid和sub_openid字段二选一必填" (pages 4012471282, 4012471286).
const QS_RULES: &[Rule] = &[any_of(
    &["/openid", "/sub_openid"],
    "openid or sub_openid is required (WeChat Pay: openid和sub_openid字段二选一必填)",
)];

pub(super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign",
        title: "服务商模式支付后场景预签约 (password-free, service provider, sign after payment)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4012471272",
            "https://pay.weixin.qq.com/docs/partner/apis/partner-password-free-contract/sign/sp-pay-redirect-sign-pre-entrust-sign.html",
        ],
        host: Host::Domestic,
        family: Family::PasswordExempt,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: SERVICE_PROVIDER_PAY_REDIRECT_SIGN,
        rules: &[],
        answer: &["mchid", "sub_mchid", "service_id", "out_contract_code"],
        example: r#"{"sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","service_id":12535,"out_contract_code":"wxwtdk20200910100002","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","prepay_id":"wx201410272009395522657a690389285100"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/mini-program",
        title: "服务商模式小程序场景预签约 (password-free, service provider, mini program)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4012471269",
            "https://pay.weixin.qq.com/docs/partner/apis/partner-password-free-contract/sign/sp-mini-program-pre-entrust-sign.html",
        ],
        host: Host::Domestic,
        family: Family::PasswordExempt,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: SERVICE_PROVIDER_MINI_PROGRAM,
        rules: &[],
        answer: &[
            "pre_entrustweb_id",
            "mchid",
            "sub_mchid",
            "service_id",
            "out_contract_code",
            "sign_mp_appid",
            "sign_mp_path",
        ],
        example: r#"{"sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","service_id":12535,"out_contract_code":"wxwtdk20200910100016","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/normal/pre-entrust-sign/mini-program",
        title: "直连商户模式小程序场景预签约 (password-free, direct merchant, mini program)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012472870",
            "https://pay.weixin.qq.com/docs/merchant/apis/password-free-contract/sign/normal-mini-program-pre-entrust-sign.html",
        ],
        host: Host::Domestic,
        family: Family::PasswordExempt,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: MERCHANT_MINI_PROGRAM,
        rules: &[],
        answer: &[
            "pre_entrustweb_id",
            "mchid",
            "service_id",
            "out_contract_code",
            "sign_mp_appid",
            "sign_mp_path",
        ],
        example: r#"{"appid":"wxd678efh567hg6787","service_id":12535,"out_contract_code":"wxwtdk20200910100017","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/normal/pre-entrust-sign/pay-redirect-sign",
        title: "直连商户模式支付后场景预签约 (password-free, direct merchant, sign after payment)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012472874",
            "https://pay.weixin.qq.com/docs/merchant/apis/password-free-contract/sign/normal-pay-redirect-sign-pre-entrust-sign.html",
        ],
        host: Host::Domestic,
        family: Family::PasswordExempt,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: MERCHANT_PAY_REDIRECT_SIGN,
        rules: &[],
        answer: &["mchid", "service_id", "out_contract_code"],
        example: r#"{"appid":"wxd678efh567hg6787","service_id":12535,"out_contract_code":"wxwtdk20200910100018","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","prepay_id":"wx201410272009395522657a690389285100","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/qs/pre-entrust-sign/mini-program",
        title: "清算机构模式小程序场景预签约 (password-free, clearing institution, mini program)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4012471282",
            "https://pay.weixin.qq.com/docs/partner/apis/partner-password-free-contract/sign/qs-mini-program-pre-entrust-sign.html",
        ],
        host: Host::Domestic,
        family: Family::PasswordExempt,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: QS_MINI_PROGRAM,
        rules: QS_RULES,
        answer: &[
            "pre_entrustweb_id",
            "mchid",
            "service_id",
            "out_contract_code",
            "sign_mp_appid",
            "sign_mp_path",
        ],
        example: r#"{"appid":"wxd678efh567hg6787","sub_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","service_id":12535,"out_contract_code":"wxwtdk20200910100019","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/qs/pre-entrust-sign/pay-redirect-sign",
        title: "清算机构模式支付后场景预签约 (password-free, clearing institution, sign after payment)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4012471286",
            "https://pay.weixin.qq.com/docs/partner/apis/partner-password-free-contract/sign/qs-pay-redirect-sign-pre-entrust-sign.html",
        ],
        host: Host::Domestic,
        family: Family::PasswordExempt,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: QS_PAY_REDIRECT_SIGN,
        rules: QS_RULES,
        answer: &["mchid", "service_id", "out_contract_code"],
        example: r#"{"appid":"wxd678efh567hg6787","sub_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","service_id":12535,"out_contract_code":"wxwtdk20200910100020","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","prepay_id":"wx201410272009395522657a690389285100","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/mini-program",
        title: "电商收付通模式小程序场景预签约 (password-free, e-commerce, mini program)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4013369177",
            "https://pay.weixin.qq.com/docs/partner/apis/partner-password-free-contract/sign/ec-mini-program-pre-entrust-sign.html",
        ],
        host: Host::Domestic,
        family: Family::PasswordExempt,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: MERCHANT_MINI_PROGRAM,
        rules: &[],
        answer: &[
            "pre_entrustweb_id",
            "mchid",
            "service_id",
            "out_contract_code",
            "sign_mp_appid",
            "sign_mp_path",
        ],
        example: r#"{"appid":"wxd678efh567hg6787","service_id":12535,"out_contract_code":"wxwtdk20200910100021","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/pay-redirect-sign",
        title: "电商收付通模式支付后场景预签约 (password-free, e-commerce, sign after payment)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4013369191",
            "https://pay.weixin.qq.com/docs/partner/apis/partner-password-free-contract/sign/ec-pay-redirect-sign-pre-entrust-sign.html",
        ],
        host: Host::Domestic,
        family: Family::PasswordExempt,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: MERCHANT_PAY_REDIRECT_SIGN,
        rules: &[],
        answer: &["mchid", "service_id", "out_contract_code"],
        example: r#"{"appid":"wxd678efh567hg6787","service_id":12535,"out_contract_code":"wxwtdk20200910100022","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","prepay_id":"wx201410272009395522657a690389285100","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
];
