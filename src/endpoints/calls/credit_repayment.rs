//! 自动还款 (credit repayment), service providers only ("支持商户:【普通服务商】"): the calls on a
//! signed repayment contract. A repayment is scheduled first ("只有成功预约还款之后才能发起还款"),
//! then deducted as a deduct order; both are queried. Amounts are strings of fen ("单位:分").
//! Whether an amount keeps the plan's and the contract's limits, and whether the date falls in
//! the window from the day after the schedule, depend on what only WeChat Pay knows (the plan,
//! the contract, its day), so they are checked there, not here.

use super::super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::schema::{Charset, Field, object_array, string};

/// "contract_id 必填 string(64) 商户与用户签约成功后得到的还款协议ID".
const CONTRACT_ID: Field = string("contract_id").max(64).required();

/// An amount in fen, written as a string (example "10000").
const fn fen(name: &'static str) -> Field {
    string(name).charset(Charset::Digits)
}

/// Page 4016779459: out_record_id string(32) "只能是数字、大小写字母", sub_mchid string(32),
/// sub_appid 选填, repayment_amount 必填, min_repayment_amount 选填 (required for consumer-loan
/// plans, which the request does not name), repayment_date "yyyy-MM-DD".
const SCHEDULE_ITEM: &[Field] = &[
    string("out_record_id")
        .max(32)
        .charset(Charset::Alphanumeric)
        .required(),
    string("sub_mchid").max(32).required(),
    string("sub_appid"),
    fen("repayment_amount").required(),
    fen("min_repayment_amount"),
    string("repayment_date").date().required(),
];

/// Page 4016779459: appid string(32), openid, and "当前只支持传入1个预约还款项".
const SCHEDULE: &[Field] = &[
    CONTRACT_ID,
    string("appid").max(32).required(),
    string("openid").required(),
    object_array("schedule_items", SCHEDULE_ITEM)
        .max_items(1)
        .required(),
];

/// The schedule record as its query answers it (and each of `schedule_records`).
const SCHEDULE_RECORD: &[&str] = &[
    "out_record_id",
    "appid",
    "sub_appid",
    "contract_id",
    "repayment_amount",
    "min_repayment_amount",
    "repayment_date",
    "openid",
];

/// Page 4016779462: the schedule record the repayment follows, the amount, the URL its success
/// is notified to ("通过发起还款中的“notify_url”参数设置", page 4016790592).
const DEDUCT_ORDER: &[Field] = &[
    CONTRACT_ID,
    string("out_trade_no").max(32).required(),
    string("out_record_id").max(32).required(),
    fen("deduct_amount").required(),
    string("notify_url").notify_url().required(),
    string("description").required(),
    string("attach"),
];

/// The deduct order as it is answered and queried.
const ORDER: &[&str] = &[
    "out_trade_no",
    "out_record_id",
    "appid",
    "sub_appid",
    "openid",
    "contract_id",
    "order_state",
    "deduct_amount",
    "pay_success_amount",
    "description",
    "attach",
    "transaction_id",
];

/// "out_trade_no 必填 string(32) 在发起还款时商户传入的商户侧交易单号".
const OUT_TRADE_NO: &[Field] = &[string("out_trade_no").max(32).required()];

pub(in super::super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/credit-repayment/partner/schedule-records/batch-create",
        method: Method::Post,
        stage: Stage::Contract,
        title: "预约还款 (auto-repayment, partner)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4016779459"],
        host: Host::Domestic,
        family: Family::CreditRepayment,
        path_params: &[],
        query: &[],
        request: SCHEDULE,
        rules: &[],
        reply: Reply::Json,
        answer: &["schedule_records"],
        example: r#"{"contract_id":"20251105000000123456789","appid":"wxd678efh567hg6787","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","schedule_items":[{"out_record_id":"1234567abcde","sub_mchid":"1900000109","sub_appid":"wxcbda96de0b165489","repayment_amount":"10000","min_repayment_amount":"2000","repayment_date":"2025-11-18"}]}"#,
    },
    Endpoint {
        path: "v3/credit-repayment/partner/schedule-records/{out_record_id}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "查询预约还款记录 (auto-repayment, partner)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4016779463"],
        host: Host::Domestic,
        family: Family::CreditRepayment,
        // "out_record_id 必填 string(32) 预约还款时传入的商户侧预约还款记录ID"
        path_params: &[string("out_record_id").max(32).required()],
        query: &[CONTRACT_ID],
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: SCHEDULE_RECORD,
        example: r#"{"out_record_id":"DeductOrder123456","contract_id":"20251105000000123456789"}"#,
    },
    Endpoint {
        path: "v3/credit-repayment/partner/deduct-orders",
        method: Method::Post,
        stage: Stage::Contract,
        title: "发起还款 (auto-repayment, partner)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4016779462"],
        host: Host::Domestic,
        family: Family::CreditRepayment,
        path_params: &[],
        query: &[],
        request: DEDUCT_ORDER,
        rules: &[],
        reply: Reply::Json,
        answer: ORDER,
        example: r#"{"contract_id":"20251105000000123456789","out_trade_no":"DeductOrder123456","out_record_id":"1234567abcde","deduct_amount":"10000","notify_url":"https://yourapp.com/notify","description":"信贷还款","attach":"自定义数据"}"#,
    },
    Endpoint {
        path: "v3/credit-repayment/partner/deduct-orders/{out_trade_no}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "查询还款单 (auto-repayment, partner)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4016779468"],
        host: Host::Domestic,
        family: Family::CreditRepayment,
        path_params: OUT_TRADE_NO,
        query: &[],
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: ORDER,
        example: r#"{"out_trade_no":"DeductOrder123456"}"#,
    },
];
