//! 收付通 (e-commerce platforms): combined entrusted payment (合单代扣) and individual payee contracts (个人收款).

use super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::compose;
use crate::schema::{Charset, Field, boolean, integer, string};

/// Pages 4012881608 (App) and 4017177322 (mini program): appid, out_contract_code and
/// contract_display_account string(32), notify_url string(256).
const COMBINE_PAPAY: &[Field] = &[
    string("appid").max(32).required(),
    integer("plan_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("contract_display_account").max(32).required(),
    string("notify_url").notify_url().required(),
];

/// The App page alone takes `attach`, "选填 string(255) 【商户数据包】".
const COMBINE_PAPAY_APP: &[Field] = compose!(
    COMBINE_PAPAY,
    &[boolean("return_app"), string("attach").max(255)]
);

const COMBINE_PAPAY_ANSWER: &[&str] =
    &["pre_entrustweb_id", "mchid", "plan_id", "out_contract_code"];

/// Pages 4015851472, 4020023636, 4020083765, 4020023723: out_contract_code string(128),
/// "仅允许包含英文半角的数字、字母、连接线-和下划线_".
const INDIVIDUAL_APP: &[Field] = &[
    string("appid").max(32).required(),
    string("out_contract_code")
        .max(128)
        .charset(Charset::AlphanumericDashUnderscore)
        .required(),
];

/// "个人收款方的OpenID", string(64).
const PAYEE_OPENID: &[Field] = &[string("openid").max(64).required()];

/// "加密前的明文使用 UTF-8 编码,长度限制 1-64 字符".
const REAL_NAME_IDENTITY: &[Field] = &[
    string("real_name").max(64).encrypted().required(),
    string("cred_type").one_of(&["ID_CARD"]).required(),
    string("cred_id").max(64).encrypted().required(),
];

const INDIVIDUAL_MINI_PROGRAM: &[Field] = compose!(INDIVIDUAL_APP, PAYEE_OPENID);
const INDIVIDUAL_REAL_NAME_APP: &[Field] = compose!(INDIVIDUAL_APP, REAL_NAME_IDENTITY);
const INDIVIDUAL_REAL_NAME_MINI_PROGRAM: &[Field] =
    compose!(INDIVIDUAL_APP, PAYEE_OPENID, REAL_NAME_IDENTITY);

pub(super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        // The App scene has no suffix, unlike its mini-program sibling (spec §8 item 11).
        path: "v3/ecommerce/combine-papay/contracts/pre-entrust-sign",
        title: "APP方式预签约 (e-commerce combined entrusted payment, App)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4012881608"],
        host: Host::Domestic,
        family: Family::Ecommerce,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: COMBINE_PAPAY_APP,
        rules: &[],
        answer: COMBINE_PAPAY_ANSWER,
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":12535,"out_contract_code":"wxwtdk20200910100023","contract_display_account":"微信代扣用户A","notify_url":"https://yourapp.com/notify","return_app":true,"attach":"example_attach"}"#,
    },
    Endpoint {
        path: "v3/ecommerce/combine-papay/contracts/pre-entrust-sign/mini-program",
        title: "小程序方式预签约 (e-commerce combined entrusted payment, mini program)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4017177322"],
        host: Host::Domestic,
        family: Family::Ecommerce,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: COMBINE_PAPAY,
        rules: &[],
        answer: COMBINE_PAPAY_ANSWER,
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":12535,"out_contract_code":"wxwtdk20200910100024","contract_display_account":"微信代扣用户A","notify_url":"https://yourapp.com/notify"}"#,
    },
    Endpoint {
        path: "v3/ecommerce/individual-contracts/pre-entrust-sign/app",
        title: "APP场景预签约 (e-commerce individual payee, App)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4015851472"],
        host: Host::Domestic,
        family: Family::Ecommerce,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: INDIVIDUAL_APP,
        rules: &[],
        answer: &["pre_entrustweb_id"],
        example: r#"{"appid":"wxd678efh567h23787","out_contract_code":"APPLYMENT_00000000025"}"#,
    },
    Endpoint {
        path: "v3/ecommerce/individual-contracts/pre-entrust-sign/mini-program",
        title: "小程序场景预签约 (e-commerce individual payee, mini program)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4020023636"],
        host: Host::Domestic,
        family: Family::Ecommerce,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: INDIVIDUAL_MINI_PROGRAM,
        rules: &[],
        answer: &["pre_entrustweb_id"],
        example: r#"{"appid":"wxd678efh567h23787","out_contract_code":"APPLYMENT_00000000026","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
    Endpoint {
        path: "v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/app",
        title: "APP场景预签约（需要实名验证） (e-commerce individual payee, real-name verified, App)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4020083765"],
        host: Host::Domestic,
        family: Family::Ecommerce,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: INDIVIDUAL_REAL_NAME_APP,
        rules: &[],
        answer: &["pre_entrustweb_id"],
        example: r#"{"appid":"wxd678efh567h23787","out_contract_code":"APPLYMENT_00000000027","real_name":"张三","cred_type":"ID_CARD","cred_id":"110101199003074477"}"#,
    },
    Endpoint {
        path: "v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/mini-program",
        title: "小程序场景预签约（需要实名验证） (e-commerce individual payee, real-name verified, mini program)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4020023723"],
        host: Host::Domestic,
        family: Family::Ecommerce,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: INDIVIDUAL_REAL_NAME_MINI_PROGRAM,
        rules: &[],
        answer: &["pre_entrustweb_id"],
        example: r#"{"appid":"wxd678efh567h23787","out_contract_code":"APPLYMENT_00000000028","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","real_name":"张三","cred_type":"ID_CARD","cred_id":"110101199003074477"}"#,
    },
];
