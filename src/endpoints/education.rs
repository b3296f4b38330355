//! 教育续费通 (education renewal) and 校园轻松付 (campus easy pay).

use super::{Endpoint, Family, Host, Method, Reply, Stage};

use crate::schema::{Charset, Field, Rule, When, boolean, object, required_when, string};

/// Pages 4012522560 (direct) and 4012465360 (partner): user_id and plan_id string(32),
/// period_start_date "扣款日只允许为每月1-28日", trade_scene "教育续费通 EDUCATION_PERIOD".
const EDU_PAPAY: &[Field] = &[
    string("appid").max(32).required(),
    string("sub_mchid").max(32),
    string("sub_appid").max(32),
    string("openid").max(128).required(),
    string("sub_openid").max(128),
    string("plan_id").max(32).required(),
    string("user_id").max(32).required(),
    string("period_start_date").date_day_at_most(28).required(),
    string("trade_scene")
        .one_of(&["EDUCATION_PERIOD"])
        .required(),
];

/// `credential_type` is sent in plaintext although OA marks it `format: base64` (spec §8 item 6).
const SCHOOL_IDENTITY: &[Field] = &[
    string("real_name").encrypted().required(),
    string("credential_type").required(),
    string("id_card_number").encrypted(),
];

const SCHOOL_BANK_CARD: &[Field] = &[
    string("bank_card_no").encrypted().required(),
    string("valid_thru"),
    string("phone").encrypted(),
    string("bank_type"),
];

/// Page 4012468952: user_id "只能由数字和大小写字母构成,最大32个字符"; out_contract_code
/// "要求64个字符内,只能是数字、大小写字母和_-".
const EDU_SCHOOL_PAY: &[Field] = &[
    string("appid").max(32).required(),
    string("openid").max(128).required(),
    string("plan_id").max(32).required(),
    string("user_id")
        .max(32)
        .charset(Charset::Alphanumeric)
        .required(),
    string("school_id").max(32).required(),
    string("out_contract_code")
        .max(64)
        .charset(Charset::AlphanumericDashUnderscore)
        .required(),
    string("contract_mode").one_of(&["DEFAULT", "LIMIT_BANK_CARD", "PRIORITY_BANK_CARD"]),
    boolean("downgrade_default_contract"),
    object("identity", SCHOOL_IDENTITY),
    object("bank_card", SCHOOL_BANK_CARD),
];

/// "指定卡和优先卡模式需要填写实名信息和签约银行卡字段" (page 4012468952).
const EDU_SCHOOL_PAY_RULES: &[Rule] = &[required_when(
    &["/identity", "/bank_card"],
    When::Is("/contract_mode", &["LIMIT_BANK_CARD", "PRIORITY_BANK_CARD"]),
    "identity and bank_card are required when contract_mode is LIMIT_BANK_CARD or PRIORITY_BANK_CARD (WeChat Pay: 指定卡和优先卡模式需要填写实名信息和签约银行卡字段)",
)];

pub(super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/edu-papay/contracts/presign",
        title: "教育续费通预签约 (education renewal)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012522560",
            "https://pay.weixin.qq.com/doc/v3/partner/4012465360",
            "https://pay.weixin.qq.com/docs/partner/apis/education-fee-payment/contracts/pre-sign.html",
        ],
        host: Host::Domestic,
        family: Family::Education,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: EDU_PAPAY,
        rules: &[],
        answer: &["presign_token"],
        example: r#"{"appid":"wx8888888888888888","openid":"oUpF8uMuAJOM2pxb1Q","plan_id":"101164396123311331","user_id":"20200330tony","period_start_date":"2026-12-19","trade_scene":"EDUCATION_PERIOD"}"#,
    },
    Endpoint {
        path: "v3/eduschoolpay/contracts/presign",
        title: "校园轻松付预签约 (campus easy pay)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4012468952",
            "https://pay.weixin.qq.com/docs/partner/apis/campus-easy-pay/contracts/pre-sign.html",
        ],
        host: Host::Domestic,
        family: Family::Education,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: EDU_SCHOOL_PAY,
        rules: EDU_SCHOOL_PAY_RULES,
        answer: &["presign_token"],
        example: r#"{"appid":"wx8888888888888888","openid":"oUpF8uMuAJOM2pxb1Q","plan_id":"101164396123311331","user_id":"20200330tony","school_id":"18260256813396","out_contract_code":"20190806125346","contract_mode":"LIMIT_BANK_CARD","identity":{"real_name":"张三","credential_type":"IDENTITY_CARD","id_card_number":"110101199003074477"},"bank_card":{"bank_card_no":"6222021234567890123","valid_thru":"08/28","phone":"13800138000","bank_type":"CMC"}}"#,
    },
];
