//! WeChat Pay's generic APIv3 order queries (查询订单), direct and partner, by WeChat Pay's
//! transaction id or by the merchant's order number. They are here because the asynchronous
//! deductions publish no order query of their own: 受理扣款 answers only the acceptance
//! ("本接口只返回受理结果"), and the scheduled-deduction and insurance pages send the merchant to
//! 查询订单 for the result when no notification came. The partner changelog says these queries
//! answer deduction orders: "《查询订单接口》-交易状态新增枚举值 ACCEPT:已接收,等待扣款"
//! (<https://pay.weixin.qq.com/wiki/doc/apiv3_partner/release/chapter1_7.shtml>).
//!
//! They are listed under [`Family::ScheduledDeduct`], whose sandbox money answers them; the
//! same queries answer the insurance deductions' orders (受理保险自动续费扣款), which have no query
//! of their own either. The families with queries of their own (education renewal, campus easy
//! pay, cross-border, combined deduction, credit repayment) are queried through those.
//!
//! The current pages give out_trade_no as "string(32)"; the older partner page
//! (<https://pay.weixin.qq.com/wiki/doc/apiv3_partner/apis/chapter4_2_2.shtml>) adds "特殊规则:
//! 最小字符长度为6", which is not checked here: the deductions these queries answer take order
//! numbers shorter than six (their pages give "string(32)" alone), and such an order must stay
//! queryable (docs/where-sources-disagree.md). No member is encrypted, and a GET has no body.

use super::super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::schema::{Charset, Field, string};

const DIRECT_BY_ID: &str =
    "https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/query-by-wx-trade-no.html";
const DIRECT_BY_NUMBER: &str = "https://pay.weixin.qq.com/doc/v3/merchant/4012556352";
const PARTNER_BY_ID: &str = "https://pay.weixin.qq.com/docs/partner/apis/partner-miniprogram-payment/query-by-wx-trade-no.html";
const PARTNER_BY_NUMBER: &str = "https://pay.weixin.qq.com/docs/partner/apis/partner-query-order/partner-jsons/partner-query-by-out-trade-no.html";
const PARTNER_WIKI: &str =
    "https://pay.weixin.qq.com/wiki/doc/apiv3_partner/apis/chapter4_2_2.shtml";

/// "path 路径参数 transaction_id 必填 string(32) 【微信支付订单号】".
const TRANSACTION_ID: &[Field] = &[string("transaction_id").max(32).required()];

/// "path 路径参数 out_trade_no 必填 string(32) 【商户订单号】商户系统内部订单号,只能是数字、大小写
/// 字母_-*且在同一个商户号下唯一。"
const OUT_TRADE_NO: &[Field] = &[string("out_trade_no")
    .max(32)
    .charset(Charset::OrderNumber)
    .required()];

/// The direct pages: "query 查询参数 mchid 必填 string(32) 【直连商户号】".
const DIRECT: &[Field] = &[string("mchid").max(32).required()];

/// The partner pages: "query 查询参数 sp_mchid 必填 string(32) 【服务商商户号】" and "sub_mchid 必填
/// string(32) 【子商户号(也叫特约商户号)】"; the wiki page's "string[1,32] | 是 | query".
const PARTNER: &[Field] = &[
    string("sp_mchid").max(32).required(),
    string("sub_mchid").max(32).required(),
];

/// The direct order, in the page's order of its answer.
const DIRECT_ORDER: &[&str] = &[
    "appid",
    "mchid",
    "out_trade_no",
    "transaction_id",
    "trade_type",
    "trade_state",
    "trade_state_desc",
    "bank_type",
    "attach",
    "success_time",
    "payer",
    "amount",
    "scene_info",
    "promotion_detail",
];

/// The partner order: the direct one's members with the service provider's and the
/// sub-merchant's ids for `appid` and `mchid`.
const PARTNER_ORDER: &[&str] = &[
    "sp_appid",
    "sp_mchid",
    "sub_appid",
    "sub_mchid",
    "out_trade_no",
    "transaction_id",
    "trade_type",
    "trade_state",
    "trade_state_desc",
    "bank_type",
    "attach",
    "success_time",
    "payer",
    "amount",
    "scene_info",
    "promotion_detail",
];

pub(in super::super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/pay/transactions/id/{transaction_id}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "微信支付订单号查询订单 (direct)",
        docs: &[DIRECT_BY_ID],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: TRANSACTION_ID,
        query: DIRECT,
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: DIRECT_ORDER,
        example: r#"{"transaction_id":"1217752501201407033233368018","mchid":"1230000109"}"#,
    },
    Endpoint {
        path: "v3/pay/transactions/out-trade-no/{out_trade_no}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "商户订单号查询订单 (direct)",
        docs: &[DIRECT_BY_NUMBER],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: OUT_TRADE_NO,
        query: DIRECT,
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: DIRECT_ORDER,
        example: r#"{"out_trade_no":"1217752501201407033233368018","mchid":"1230000109"}"#,
    },
    Endpoint {
        path: "v3/pay/partner/transactions/id/{transaction_id}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "微信支付订单号查询订单 (partner)",
        docs: &[PARTNER_BY_ID, PARTNER_WIKI],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: TRANSACTION_ID,
        query: PARTNER,
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: PARTNER_ORDER,
        example: r#"{"transaction_id":"1217752501201407033233368018","sp_mchid":"1230000109","sub_mchid":"1900000109"}"#,
    },
    Endpoint {
        path: "v3/pay/partner/transactions/out-trade-no/{out_trade_no}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "商户订单号查询订单 (partner)",
        docs: &[PARTNER_BY_NUMBER, PARTNER_WIKI],
        host: Host::Domestic,
        family: Family::ScheduledDeduct,
        path_params: OUT_TRADE_NO,
        query: PARTNER,
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: PARTNER_ORDER,
        example: r#"{"out_trade_no":"1217752501201407033233368018","sp_mchid":"1230000109","sub_mchid":"1900000109"}"#,
    },
];
