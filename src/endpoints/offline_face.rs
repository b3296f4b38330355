//! 刷脸支付 (offline face-pay one-click card binding).

use super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::schema::{Field, object, string};

const IDENTIFICATION: &[Field] = &[
    string("identification_type").one_of(&["IDCARD"]).required(),
    string("identification_number").encrypted().required(),
];

const FACEPAY_USER: &[Field] = &[
    string("out_user_id").required(),
    string("identification_name"),
    string("organization_id").required(),
    object("identification", IDENTIFICATION),
    string("phone").encrypted(),
];

const LIMIT_BANK_CARD: &[Field] = &[
    string("bank_card_number").encrypted(),
    string("identification_name").encrypted(),
    object("identification", IDENTIFICATION),
    string("valid_thru"),
    string("bank_type"),
    string("phone").encrypted(),
];

const OFFLINEFACE_PRESIGN: &[Field] = &[
    string("business_name").required(),
    object("facepay_user", FACEPAY_USER).required(),
    object("limit_bank_card", LIMIT_BANK_CARD),
    string("contract_mode").one_of(&["LIMIT_BANK_CARD", "PRIORITY_BANK_CARD", "LIMIT_NONE"]),
];

pub(super) static ENDPOINTS: &[Endpoint] = &[Endpoint {
    path: "v3/offlineface/contracts/presign",
    title: "预签约接口 (offline face pay, one-click card binding)",
    docs: &["https://pay.weixin.qq.com/wiki/doc/wxfacepay/develop/access-specifications.html"],
    host: Host::Domestic,
    family: Family::OfflineFace,
    method: Method::Post,
    stage: Stage::Presign,
    path_params: &[],
    query: &[],
    reply: Reply::Json,
    request: OFFLINEFACE_PRESIGN,
    rules: &[],
    answer: &["presign_token"],
    example: r#"{"business_name":"K12","facepay_user":{"out_user_id":"20200330tony","identification_name":"张三","organization_id":"18260256813396","identification":{"identification_type":"IDCARD","identification_number":"110101199003074477"},"phone":"13800138000"},"limit_bank_card":{"bank_card_number":"6222021234567890123","identification_name":"张三","identification":{"identification_type":"IDCARD","identification_number":"110101199003074477"},"valid_thru":"08/28","bank_type":"CMC","phone":"13800138000"},"contract_mode":"LIMIT_BANK_CARD"}"#,
}];
