//! 收付通 (e-commerce platforms): combined entrusted payment (合单代扣) and individual payee contracts (个人收款).

use super::{Endpoint, Host, Reply};
use crate::schema::{Field, boolean, integer, string};

const COMBINE_PAPAY_APP: &[Field] = &[
    string("appid").required(),
    integer("plan_id").positive().required(),
    string("out_contract_code").required(),
    string("contract_display_account").required(),
    string("notify_url").notify_url().required(),
    boolean("return_app"),
    string("attach"),
];

const COMBINE_PAPAY_MINI_PROGRAM: &[Field] = &[
    string("appid").required(),
    integer("plan_id").positive().required(),
    string("out_contract_code").required(),
    string("contract_display_account").required(),
    string("notify_url").notify_url().required(),
];

const COMBINE_PAPAY_ANSWER: &[(&str, Reply)] = &[
    ("pre_entrustweb_id", Reply::SessionId),
    ("mchid", Reply::Mchid),
    ("plan_id", Reply::Echo("plan_id")),
    ("out_contract_code", Reply::Echo("out_contract_code")),
];

const INDIVIDUAL_APP: &[Field] = &[
    string("appid").required(),
    string("out_contract_code").required(),
];

const INDIVIDUAL_MINI_PROGRAM: &[Field] = &[
    string("appid").required(),
    string("out_contract_code").required(),
    string("openid").required(),
];

const INDIVIDUAL_REAL_NAME_APP: &[Field] = &[
    string("appid").required(),
    string("out_contract_code").required(),
    string("real_name").encrypted().required(),
    string("cred_type").one_of(&["ID_CARD"]).required(),
    string("cred_id").encrypted().required(),
];

const INDIVIDUAL_REAL_NAME_MINI_PROGRAM: &[Field] = &[
    string("appid").required(),
    string("out_contract_code").required(),
    string("openid").required(),
    string("real_name").encrypted().required(),
    string("cred_type").one_of(&["ID_CARD"]).required(),
    string("cred_id").encrypted().required(),
];

pub(super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        // The App scene has no suffix, unlike its mini-program sibling (spec §8 item 11).
        path: "v3/ecommerce/combine-papay/contracts/pre-entrust-sign",
        title: "APP方式预签约 (e-commerce combined entrusted payment, App)",
        host: Host::Domestic,
        request: COMBINE_PAPAY_APP,
        answer: COMBINE_PAPAY_ANSWER,
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":12535,"out_contract_code":"wxwtdk20200910100023","contract_display_account":"微信代扣用户A","notify_url":"https://yourapp.com/notify","return_app":true,"attach":"example_attach"}"#,
    },
    Endpoint {
        path: "v3/ecommerce/combine-papay/contracts/pre-entrust-sign/mini-program",
        title: "小程序方式预签约 (e-commerce combined entrusted payment, mini program)",
        host: Host::Domestic,
        request: COMBINE_PAPAY_MINI_PROGRAM,
        answer: COMBINE_PAPAY_ANSWER,
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":12535,"out_contract_code":"wxwtdk20200910100024","contract_display_account":"微信代扣用户A","notify_url":"https://yourapp.com/notify"}"#,
    },
    Endpoint {
        path: "v3/ecommerce/individual-contracts/pre-entrust-sign/app",
        title: "APP场景预签约 (e-commerce individual payee, App)",
        host: Host::Domestic,
        request: INDIVIDUAL_APP,
        answer: &[("pre_entrustweb_id", Reply::SessionId)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"appid":"wxd678efh567h23787","out_contract_code":"APPLYMENT_00000000025"}"#,
    },
    Endpoint {
        path: "v3/ecommerce/individual-contracts/pre-entrust-sign/mini-program",
        title: "小程序场景预签约 (e-commerce individual payee, mini program)",
        host: Host::Domestic,
        request: INDIVIDUAL_MINI_PROGRAM,
        answer: &[("pre_entrustweb_id", Reply::SessionId)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"appid":"wxd678efh567h23787","out_contract_code":"APPLYMENT_00000000026","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#,
    },
    Endpoint {
        path: "v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/app",
        title: "APP场景预签约（需要实名验证） (e-commerce individual payee, real-name verified, App)",
        host: Host::Domestic,
        request: INDIVIDUAL_REAL_NAME_APP,
        answer: &[("pre_entrustweb_id", Reply::SessionId)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"appid":"wxd678efh567h23787","out_contract_code":"APPLYMENT_00000000027","real_name":"张三","cred_type":"ID_CARD","cred_id":"110101199003074477"}"#,
    },
    Endpoint {
        path: "v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/mini-program",
        title: "小程序场景预签约（需要实名验证） (e-commerce individual payee, real-name verified, mini program)",
        host: Host::Domestic,
        request: INDIVIDUAL_REAL_NAME_MINI_PROGRAM,
        answer: &[("pre_entrustweb_id", Reply::SessionId)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"appid":"wxd678efh567h23787","out_contract_code":"APPLYMENT_00000000028","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","real_name":"张三","cred_type":"ID_CARD","cred_id":"110101199003074477"}"#,
    },
];
