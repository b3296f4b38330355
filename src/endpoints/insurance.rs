//! 委托代扣 · 保险业 (insurance): every scene; the insured's real identity is sent encrypted.

use super::common::{AMOUNT, POLICY_PERIOD, REAL_IDENTITY};
use super::{Endpoint, Host, Reply};
use crate::schema::{Field, boolean, integer, object, object_array, string};

const INSURANCE_JSAPI: &[Field] = &[
    string("appid").max(32).required(),
    string("openid").max(128),
    integer("plan_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("insured_display_name").required(),
    string("contract_notify_url").notify_url().required(),
    string("policy_start_date").date().required(),
    string("policy_end_date").date().required(),
    object_array("policy_periods", POLICY_PERIOD).required(),
    object("amount", AMOUNT),
    string("out_trade_no").max(32),
    string("description").max(127),
    string("transaction_notify_url").notify_url(),
    string("out_user_code").max(32),
    string("goods_tag").max(32),
    string("attach").max(128),
    boolean("can_auto_insure"),
    boolean("can_auto_reinsure"),
    object("real_identity", REAL_IDENTITY),
    integer("combined_deduct_period_count").positive(),
];

pub(super) static ENDPOINTS: &[Endpoint] = &[Endpoint {
    path: "v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi",
    title: "保险商户JSAPI预签约 (insurance, JSAPI)",
    host: Host::Domestic,
    request: INSURANCE_JSAPI,
    answer: &[("redirect_url", Reply::SessionUrl)],
    fault_field: "out_contract_code",
    session_minutes: 10,
    example: r#"{"appid":"wxd678efh567hg6787","openid":"oYobu0MVnQfWpSMOYJz2AHPG_gQw","plan_id":12535,"out_contract_code":"wxwtdk20200910100003","insured_display_name":"*明","contract_notify_url":"https://yourapp.com/notify","policy_start_date":"2026-12-01","policy_end_date":"2027-11-30","policy_periods":[{"policy_period_id":1,"estimated_deduct_date":"2026-12-01","estimated_deduct_amount":{"total":2990,"currency":"CNY"}}],"real_identity":{"real_name":"张三","id_card_number":"110101199003074477","identity_type":"ID_CARD"}}"#,
}];
