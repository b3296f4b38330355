//! 委托代扣 · 预约扣费类型, direct and partner: the calls on a signed contract. The deduction's
//! schedule (预约扣费) and its query, the notices to the user before a deduction (预扣费通知)
//! and after a failed one (重试扣费通知), and the deduction itself (受理扣款), also for HarmonyOS.
//! The family's pages publish no cancellation of a schedule: the query page gives the path
//! `schedules/contract-id/{contract_id}` a GET alone.

use super::super::common::AMOUNT;
use super::super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::compose;
use crate::schema::{Charset, Field, integer, object, string};

/// "contract_id 必填 string(32) 【委托代扣协议ID】签约成功后,微信返回的委托代扣协议ID。"
const CONTRACT_ID: &[Field] = &[string("contract_id").max(32).required()];

/// The partner pages: sp_appid and sub_mchid string(32) required, sub_appid string(32).
const PARTNER: &[Field] = &[
    string("sp_appid").max(32).required(),
    string("sub_mchid").max(32).required(),
    string("sub_appid").max(32),
];

const DIRECT: &[Field] = &[string("appid").max(32).required()];

/// "schedule_amount 必填 object 【预约的金额信息】"
const SCHEDULE: &[Field] = &[object("schedule_amount", AMOUNT).required()];
const DIRECT_SCHEDULE: &[Field] = compose!(DIRECT, SCHEDULE);
const PARTNER_SCHEDULE: &[Field] = compose!(PARTNER, SCHEDULE);

/// The schedule's state, as both the schedule and its query answer it.
const SCHEDULE_ANSWER: &[&str] = &[
    "schedule_state",
    "deduct_start_date",
    "deduct_end_date",
    "scheduled_amount",
    "deduct_amount",
    "deduct_date",
];

/// The deduction's members on the three 受理扣款 pages: out_trade_no string(32) "只能是数字、大小写
/// 字母_-*", description string(127), transaction_notify_url string(256) "不能携带参数",
/// contract_id string(32), amount "必须等于预约时传入的预约金额", goods_tag string(32), attach
/// string(128).
const DEDUCTION: &[Field] = &[
    string("out_trade_no")
        .max(32)
        .charset(Charset::OrderNumber)
        .required(),
    string("description").max(127).required(),
    string("transaction_notify_url")
        .notify_url()
        .max(256)
        .required(),
    string("contract_id").max(32).required(),
    object("amount", AMOUNT).required(),
    string("goods_tag").max(32),
    string("attach").max(128),
];
const DIRECT_DEDUCTION: &[Field] = compose!(DIRECT, DEDUCTION);
const PARTNER_DEDUCTION: &[Field] = compose!(PARTNER, DEDUCTION);
/// Page 4013388429: harmony_account_id string(64) required, mcc string(4).
const HARMONY_DEDUCTION: &[Field] = compose!(
    DIRECT,
    DEDUCTION,
    &[
        string("harmony_account_id").max(64).required(),
        string("mcc").max(4),
    ]
);

/// "扣费持续时间 deduct_duration object": count and unit (DAY).
const DEDUCT_DURATION: &[Field] = &[
    integer("count").positive().required(),
    string("unit").one_of(&["DAY"]),
];

/// "预计扣费金额信息 estimated_amount object": amount and currency.
const ESTIMATED_AMOUNT: &[Field] = &[
    integer("amount").positive().required(),
    string("currency").one_of(&["CNY"]),
];

/// The direct notice pages: mchid and appid string[1,32].
const DIRECT_NOTICE: &[Field] = &[
    string("mchid").max(32).required(),
    string("appid").max(32).required(),
];

/// The partner notice pages: sp_mchid, sp_appid, sub_mchid string[1,32], sub_appid string[1,32].
const PARTNER_NOTICE: &[Field] = &[
    string("sp_mchid").max(32).required(),
    string("sp_appid").max(32).required(),
    string("sub_mchid").max(32).required(),
    string("sub_appid").max(32),
];

const BEFORE_DEDUCTION: &[Field] = &[
    object("deduct_duration", DEDUCT_DURATION),
    object("estimated_amount", ESTIMATED_AMOUNT).required(),
];
const DIRECT_PRE_DEDUCTION: &[Field] = compose!(DIRECT_NOTICE, BEFORE_DEDUCTION);
const PARTNER_PRE_DEDUCTION: &[Field] = compose!(PARTNER_NOTICE, BEFORE_DEDUCTION);

pub(in super::super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/papay/pay/schedules/contract-id/{contract_id}/schedule",
        method: Method::Post,
        stage: Stage::Contract,
        title: "预约扣费 (direct)",
        docs: &[
            "https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/normal-schedule-deduction.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: CONTRACT_ID,
        query: &[],
        request: DIRECT_SCHEDULE,
        rules: &[],
        reply: Reply::Json,
        answer: SCHEDULE_ANSWER,
        example: r#"{"contract_id":"123124412412423431","appid":"wxd678efh567hg6787","schedule_amount":{"total":100,"currency":"CNY"}}"#,
    },
    Endpoint {
        path: "v3/papay/pay/partner/schedules/contract-id/{contract_id}/schedule",
        method: Method::Post,
        stage: Stage::Contract,
        title: "预约扣费 (partner)",
        docs: &[
            "https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-schedule-deduction.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: CONTRACT_ID,
        query: &[],
        request: PARTNER_SCHEDULE,
        rules: &[],
        reply: Reply::Json,
        answer: SCHEDULE_ANSWER,
        example: r#"{"contract_id":"123124412412423431","sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","schedule_amount":{"total":100,"currency":"CNY"}}"#,
    },
    Endpoint {
        path: "v3/papay/pay/schedules/contract-id/{contract_id}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "查询扣费预约 (direct)",
        docs: &[
            "https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/normal-query-deduct-schedule.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: CONTRACT_ID,
        query: &[],
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: SCHEDULE_ANSWER,
        example: r#"{"contract_id":"123124412412423431"}"#,
    },
    Endpoint {
        path: "v3/papay/pay/partner/schedules/contract-id/{contract_id}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "查询扣费预约 (partner)",
        docs: &[
            "https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-query-deduct-schedule.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: CONTRACT_ID,
        // "query 查询参数 sub_mchid 必填 string(32)"
        query: &[string("sub_mchid").max(32).required()],
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: SCHEDULE_ANSWER,
        example: r#"{"contract_id":"123124412412423431","sub_mchid":"1900000109"}"#,
    },
    Endpoint {
        path: "v3/papay/contracts/{contract_id}/notify",
        method: Method::Post,
        stage: Stage::Contract,
        title: "预扣费通知 (direct)",
        docs: &[
            "https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/json/deduct-notify.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: CONTRACT_ID,
        query: &[],
        request: DIRECT_PRE_DEDUCTION,
        rules: &[],
        reply: Reply::NoContent,
        answer: &[],
        example: r#"{"contract_id":"123124412412423431","mchid":"1230000109","appid":"wxd678efh567hg6787","deduct_duration":{"count":1,"unit":"DAY"},"estimated_amount":{"amount":1,"currency":"CNY"}}"#,
    },
    Endpoint {
        path: "v3/partner-papay/contracts/{contract_id}/notify",
        method: Method::Post,
        stage: Stage::Contract,
        title: "预扣费通知 (partner)",
        docs: &[
            "https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/json/partner-deduct-notify.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: CONTRACT_ID,
        query: &[],
        request: PARTNER_PRE_DEDUCTION,
        rules: &[],
        reply: Reply::NoContent,
        answer: &[],
        example: r#"{"contract_id":"123124412412423431","sp_mchid":"1230000109","sp_appid":"wxd678efh567hg6787","sub_mchid":"12345512","sub_appid":"wxd678efh567hg6787","deduct_duration":{"count":1,"unit":"DAY"},"estimated_amount":{"amount":1,"currency":"CNY"}}"#,
    },
    Endpoint {
        path: "v3/papay/contracts/{contract_id}/fail-notify",
        method: Method::Post,
        stage: Stage::Contract,
        title: "重试扣费通知 (direct)",
        docs: &["https://pay.weixin.qq.com/wiki/doc/api/wxpay_v2/papay/chapter3_11.shtml"],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: CONTRACT_ID,
        query: &[],
        request: DIRECT_NOTICE,
        rules: &[],
        reply: Reply::NoContent,
        answer: &[],
        example: r#"{"contract_id":"123124412412423431","mchid":"1230000109","appid":"wxd678efh567hg6787"}"#,
    },
    Endpoint {
        path: "v3/partner-papay/contracts/{contract_id}/fail-notify",
        method: Method::Post,
        stage: Stage::Contract,
        title: "重试扣费通知 (partner)",
        docs: &["https://pay.weixin.qq.com/wiki/doc/api/wxpay_v2/papay/chapter5_16.shtml"],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: CONTRACT_ID,
        query: &[],
        request: PARTNER_NOTICE,
        rules: &[],
        reply: Reply::NoContent,
        answer: &[],
        example: r#"{"contract_id":"123124412412423431","sp_mchid":"1230000109","sp_appid":"wxd678efh567hg6787","sub_mchid":"12345512"}"#,
    },
    Endpoint {
        path: "v3/papay/pay/transactions/apply",
        method: Method::Post,
        stage: Stage::Contract,
        title: "受理扣款 (direct)",
        docs: &[
            "https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/normal-create-transaction.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: &[],
        query: &[],
        request: DIRECT_DEDUCTION,
        rules: &[],
        reply: Reply::Json,
        answer: &["out_trade_no", "amount"],
        example: r#"{"appid":"wxd678efh567hg6787","out_trade_no":"1217752501201407033233368018","description":"会员月费","transaction_notify_url":"https://yourapp.com/notify","contract_id":"123124412412423431","amount":{"total":100,"currency":"CNY"}}"#,
    },
    Endpoint {
        path: "v3/papay/pay/partner/transactions/apply",
        method: Method::Post,
        stage: Stage::Contract,
        title: "受理扣款 (partner)",
        docs: &[
            "https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-create-transaction.html",
        ],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: &[],
        query: &[],
        request: PARTNER_DEDUCTION,
        rules: &[],
        reply: Reply::Json,
        answer: &["out_trade_no", "amount"],
        example: r#"{"sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","out_trade_no":"1217752501201407033233368018","description":"会员月费","transaction_notify_url":"https://yourapp.com/notify","contract_id":"123124412412423431","amount":{"total":100,"currency":"CNY"}}"#,
    },
    Endpoint {
        path: "v3/papay/pay/harmony/transactions/apply",
        method: Method::Post,
        stage: Stage::Contract,
        title: "代扣受理扣款 (direct, HarmonyOS)",
        docs: &["https://pay.weixin.qq.com/doc/v3/merchant/4013388429"],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: &[],
        query: &[],
        request: HARMONY_DEDUCTION,
        rules: &[],
        reply: Reply::Json,
        answer: &["out_trade_no", "amount"],
        example: r#"{"appid":"wxd678efh567hg6787","out_trade_no":"1217752501201407033233368018","description":"会员月费","transaction_notify_url":"https://yourapp.com/notify","contract_id":"123124412412423431","amount":{"total":100,"currency":"CNY"},"harmony_account_id":"harmony_user_001"}"#,
    },
];
