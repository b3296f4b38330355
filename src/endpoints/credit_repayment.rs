//! 自动还款 (credit-card and loan auto-repayment, partner): the user's identity is sent encrypted.

use super::common::JUMP_CONTROL;
use super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::compose;
use crate::schema::{Charset, Field, integer, object, string};

/// `REAL_IDENTITY_TYPE_INVALID`, the enum's placeholder value, is left out: it names no identity.
const REPAYMENT_IDENTITY: &[Field] = &[
    string("identity_type")
        .one_of(&["REAL_IDENTITY_TYPE_ID_CARD"])
        .required(),
    string("identity_id").encrypted().required(),
    string("real_name").encrypted().required(),
];

const REPAYMENT_TRADE: &[Field] = &[
    string("out_trade_no").required(),
    integer("deduct_amount").positive().required(),
    string("description"),
    string("attach"),
    string("notify_url").notify_url(),
];

/// Pages 4016125804 (App) and 4016779565 (H5): plan_id, out_contract_code (digits and letters)
/// and display_name string(64); repayment_day 选填 on both; real_identity 选填 on the App page;
/// sub_appid "选填 string(32) 【子商户AppID】" (4016125804; the H5 page gives no length, and the
/// same member of the same product is held to the same length).
const PRESIGN: &[Field] = &[
    string("appid").max(32).required(),
    string("plan_id").max(64).required(),
    string("out_contract_code")
        .max(64)
        .charset(Charset::Alphanumeric)
        .required(),
    string("display_name").max(64).required(),
    string("contract_notify_url").notify_url().required(),
    integer("repayment_day").positive(),
    string("repayment_amount_limit").required(),
    string("sub_mchid").max(32),
    string("sub_appid").max(32),
];

const APP_PRESIGN: &[Field] = compose!(
    PRESIGN,
    &[
        object("real_identity", REPAYMENT_IDENTITY),
        object("trade_info", REPAYMENT_TRADE),
    ]
);

const H5_PRESIGN: &[Field] = compose!(
    PRESIGN,
    &[
        object("real_identity", REPAYMENT_IDENTITY).required(),
        object("trade_info", REPAYMENT_TRADE),
        object("jump_info", JUMP_CONTROL),
    ]
);

pub(super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/credit-repayment/partner/contracts/app-presign",
        title: "APP预签约自动还款协议 (auto-repayment, partner, App)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4016125804"],
        host: Host::Domestic,
        family: Family::CreditRepayment,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: APP_PRESIGN,
        rules: &[],
        answer: &["presign_token"],
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":"123","out_contract_code":"100001229","display_name":"*明","contract_notify_url":"https://yourapp.com/notify","repayment_day":1,"repayment_amount_limit":"10000","sub_mchid":"1000000109","real_identity":{"identity_type":"REAL_IDENTITY_TYPE_ID_CARD","identity_id":"110101199003074477","real_name":"张三"}}"#,
    },
    Endpoint {
        path: "v3/credit-repayment/partner/contracts/h5-presign",
        title: "H5预签约自动还款协议 (auto-repayment, partner, H5)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4016779565"],
        host: Host::Domestic,
        family: Family::CreditRepayment,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: H5_PRESIGN,
        rules: &[],
        answer: &["redirect_url"],
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":"123","out_contract_code":"100001230","display_name":"*明","contract_notify_url":"https://yourapp.com/notify","repayment_day":1,"repayment_amount_limit":"10000","sub_mchid":"1000000109","real_identity":{"identity_type":"REAL_IDENTITY_TYPE_ID_CARD","identity_id":"110101199003074477","real_name":"张三"},"trade_info":{"out_trade_no":"1217752501201407033233368018","deduct_amount":10000,"description":"信贷还款","notify_url":"https://yourapp.com/notify"}}"#,
    },
];
