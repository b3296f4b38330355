//! 教育续费通 (education renewal) and 校园轻松付 (campus easy pay).

use super::{Endpoint, Host, Reply};

use crate::schema::{Field, string};

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

pub(super) static ENDPOINTS: &[Endpoint] = &[Endpoint {
    path: "v3/edu-papay/contracts/presign",
    title: "教育续费通预签约 (education renewal)",
    host: Host::Domestic,
    request: EDU_PAPAY,
    answer: &[("presign_token", Reply::SessionId)],
    fault_field: "user_id",
    session_minutes: 10,
    example: r#"{"appid":"wx8888888888888888","openid":"oUpF8uMuAJOM2pxb1Q","plan_id":"101164396123311331","user_id":"20200330tony","period_start_date":"2026-12-19","trade_scene":"EDUCATION_PERIOD"}"#,
}];
