//! 委托代扣 · 保险业: the calls on a signed contract that take the money. A policy period is
//! scheduled (预约保险自动续费), which sends the user the pre-deduction notice, its schedule
//! can be queried, and the deduction is applied for within the deduction window
//! (受理保险自动续费扣款). Every page says "支持商户:【普通商户】": there is no partner variant,
//! and no member is encrypted. The modification and renewal of the periods are not here.

use super::super::common::AMOUNT;
use super::super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::schema::{Charset, Field, integer, object, string};

const SCHEDULE_PAGE: &str = "https://pay.weixin.qq.com/doc/v3/merchant/4012471270";
const QUERY_PAGE: &str = "https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/schedule/query-policy-period.html";
const APPLY_PAGE: &str = "https://pay.weixin.qq.com/doc/v3/merchant/4012471158";

/// The query page's path: "contract_id 必填 string(32) 【委托代扣协议ID】" and "policy_period_id
/// 必填 integer ... 需要大于0的正整数"; the schedule page's path is the same.
const PERIOD: &[Field] = &[
    string("contract_id").max(32).required(),
    integer("policy_period_id").positive().required(),
];

/// The schedule's body: appid and scheduled_amount, both required, the amount "需要等于该周期
/// 指定的预计扣费金额" (checked by WeChat Pay against the contract, not here).
const SCHEDULE: &[Field] = &[
    string("appid").max(32).required(),
    object("scheduled_amount", AMOUNT).required(),
];

/// The period's state, as the schedule and its query answer it.
const PERIOD_ANSWER: &[&str] = &[
    "policy_period_id",
    "policy_period_state",
    "deduct_start_date",
    "deduct_end_date",
    "scheduled_amount",
    "deduct_amount",
    "deduct_date",
];

/// 受理保险自动续费扣款: out_trade_no string(32) "只能是数字、大小写字母且在同一个商户号下唯一"
/// (no `_-*`, unlike the scheduled-deduction pages), description string(127),
/// transaction_notify_url string(256) "不能携带参数", policy_period_id "大于0的正整数", amount
/// "必须等于预约时传入的预约金额", goods_tag string(32), attach string(128).
const DEDUCTION: &[Field] = &[
    string("appid").max(32).required(),
    string("out_trade_no")
        .max(32)
        .charset(Charset::Alphanumeric)
        .required(),
    string("description").max(127).required(),
    string("transaction_notify_url").notify_url().required(),
    string("contract_id").max(32).required(),
    integer("policy_period_id").positive().required(),
    object("amount", AMOUNT).required(),
    string("goods_tag").max(32),
    string("attach").max(128),
];

pub(in super::super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/papay/insurance-pay/policy-periods/contract-id/{contract_id}/policy-period-id/{policy_period_id}/schedule",
        method: Method::Post,
        stage: Stage::Contract,
        title: "保险商户预约保险自动续费",
        docs: &[
            SCHEDULE_PAGE,
            "https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/schedule/schedule-policy-period.html",
        ],
        host: Host::Domestic,
        family: Family::Insurance,
        path_params: PERIOD,
        query: &[],
        request: SCHEDULE,
        rules: &[],
        reply: Reply::Json,
        answer: PERIOD_ANSWER,
        example: r#"{"contract_id":"123124412412423431","policy_period_id":2,"appid":"wxd678efh567hg6787","scheduled_amount":{"total":10000,"currency":"CNY"}}"#,
    },
    Endpoint {
        path: "v3/papay/insurance-pay/policy-periods/contract-id/{contract_id}/policy-period-id/{policy_period_id}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "保险商户查询保险自动续费预约",
        docs: &[
            QUERY_PAGE,
            "https://pay.weixin.qq.com/doc/v3/merchant/4012471229",
        ],
        host: Host::Domestic,
        family: Family::Insurance,
        path_params: PERIOD,
        query: &[],
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: PERIOD_ANSWER,
        example: r#"{"contract_id":"123124412412423431","policy_period_id":1}"#,
    },
    Endpoint {
        path: "v3/papay/insurance-pay/transactions/apply",
        method: Method::Post,
        stage: Stage::Contract,
        title: "保险商户受理保险自动续费扣款",
        docs: &[
            APPLY_PAGE,
            "https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/deduct/create-transaction.html",
        ],
        host: Host::Domestic,
        family: Family::Insurance,
        path_params: &[],
        query: &[],
        request: DEDUCTION,
        rules: &[],
        reply: Reply::Json,
        answer: &["out_trade_no", "amount"],
        example: r#"{"appid":"wxd678efh567hg6787","out_trade_no":"1217752501201407033233368018","description":"Image形象店-深圳腾大-QQ公仔","transaction_notify_url":"https://www.qq.com/","contract_id":"123124412412423431","policy_period_id":1,"amount":{"total":1,"currency":"CNY"},"goods_tag":"DISCOUNTS","attach":"自定义数据"}"#,
    },
];
