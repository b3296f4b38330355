//! 教育续费通 (education renewal) and 校园轻松付 (campus easy pay).

use super::{Endpoint, Host, Reply};

use crate::schema::{Field, boolean, object, string};

const EDU_PAPAY: &[Field] = &[
    string("appid").max(32).required(),
    string("sub_mchid").max(32),
    string("sub_appid").max(32),
    string("openid").max(128).required(),
    string("sub_openid").max(128),
    string("plan_id").max(32).required(),
    string("user_id").max(64).required(),
    string("period_start_date").date().required(),
    string("trade_scene").max(32).required(),
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

const EDU_SCHOOL_PAY: &[Field] = &[
    string("appid").required(),
    string("openid").required(),
    string("plan_id").required(),
    string("user_id").required(),
    string("school_id").required(),
    string("out_contract_code").required(),
    string("contract_mode"),
    boolean("downgrade_default_contract"),
    object("identity", SCHOOL_IDENTITY),
    object("bank_card", SCHOOL_BANK_CARD),
];

pub(super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/edu-papay/contracts/presign",
        title: "教育续费通预签约 (education renewal)",
        host: Host::Domestic,
        request: EDU_PAPAY,
        answer: &[("presign_token", Reply::SessionId)],
        fault_field: "user_id",
        session_minutes: 10,
        example: r#"{"appid":"wx8888888888888888","openid":"oUpF8uMuAJOM2pxb1Q","plan_id":"101164396123311331","user_id":"20200330tony","period_start_date":"2026-12-19","trade_scene":"EDUCATION_PERIOD"}"#,
    },
    Endpoint {
        path: "v3/eduschoolpay/contracts/presign",
        title: "校园轻松付预签约 (campus easy pay)",
        host: Host::Domestic,
        request: EDU_SCHOOL_PAY,
        answer: &[("presign_token", Reply::SessionId)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"appid":"wx8888888888888888","openid":"oUpF8uMuAJOM2pxb1Q","plan_id":"101164396123311331","user_id":"20200330tony","school_id":"18260256813396","out_contract_code":"20190806125346","contract_mode":"LIMIT_BANK_CARD","identity":{"real_name":"张三","credential_type":"IDENTITY_CARD","id_card_number":"110101199003074477"},"bank_card":{"bank_card_no":"6222021234567890123","valid_thru":"08/28","phone":"13800138000","bank_type":"CMC"}}"#,
    },
];
