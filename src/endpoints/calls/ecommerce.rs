//! 收付通 电商合单委托代扣 (e-commerce combined deduction), platform merchants: the calls on a
//! signed contract. The deduction is synchronous and notifies nothing ("该扣费接口为同步扣费模式,
//! 无回调通知", <https://pay.weixin.qq.com/doc/v3/partner/4018096707>); its order is queried and,
//! when no answer came within a minute, reversed ("超过1分钟未能返回结果时,商户可主动发起撤销").

use super::super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::compose;
use crate::schema::{Charset, Field, boolean, integer, object, object_array, string};

/// "合单支付总订单号,要求32个字符内,只能是数字、大小写字母_-|*@ ,且在同一个商户号下唯一".
const COMBINE_OUT_TRADE_NO: &[Field] = &[string("combine_out_trade_no")
    .max(32)
    .charset(Charset::CombineOrderNumber)
    .required()];

/// "标价金额" in fen and "标价币种" (example CNY).
const SUB_ORDER_AMOUNT: &[Field] = &[
    integer("total_amount").positive().required(),
    string("currency").one_of(&["CNY"]).required(),
];

const SETTLE_INFO: &[Field] = &[boolean("profit_sharing"), integer("subsidy_amount")];

/// A sub-order names its merchant, order number and second-level merchant (string(32) on the
/// family's combined-payment pages).
const SUB_ORDER_KEY: &[Field] = &[
    string("mchid").max(32).required(),
    string("out_trade_no").max(32).required(),
    string("sub_mchid").max(32).required(),
    string("sub_appid").max(32),
];

/// SubOrderInfo of page 4012884121: attach 选填, amount, description string(127), settle_info,
/// sub_risk_info.
const SUB_ORDER: &[Field] = compose!(
    SUB_ORDER_KEY,
    &[
        string("attach").max(128),
        object("amount", SUB_ORDER_AMOUNT).required(),
        string("description").max(127).required(),
        object("settle_info", SETTLE_INFO),
        string("sub_risk_info"),
    ]
);

/// "sub_orders 必填 array … 最多支持子单条数:50".
const MAX_SUB_ORDERS: usize = 50;

/// Page 4012884121: combine_appid, combine_mchid and contract_id string(32), risk_info string(255).
const DEDUCTION: &[Field] = compose!(
    &[
        string("combine_appid").max(32).required(),
        string("combine_mchid").max(32).required(),
    ],
    COMBINE_OUT_TRADE_NO,
    &[
        string("contract_id").max(32).required(),
        object_array("sub_orders", SUB_ORDER)
            .max_items(MAX_SUB_ORDERS)
            .required(),
        string("risk_info").max(255),
    ]
);

/// Page 4012884126: combine_appid string(32) 必填 and the sub-orders to reverse, at most 50.
const REVERSE: &[Field] = &[
    string("combine_appid").max(32).required(),
    object_array("sub_orders", SUB_ORDER_KEY)
        .max_items(MAX_SUB_ORDERS)
        .required(),
];

/// The combined order as the deduction and its query answer it.
const ORDER: &[&str] = &[
    "combine_appid",
    "combine_mchid",
    "combine_out_trade_no",
    "sub_orders",
    "combine_payer_info",
];

pub(in super::super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/ecommerce/combine-papay/transactions",
        method: Method::Post,
        stage: Stage::Contract,
        title: "电商合单委托代扣支付 (e-commerce combined deduction)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4012884121"],
        host: Host::Domestic,
        family: Family::Ecommerce,
        path_params: &[],
        query: &[],
        request: DEDUCTION,
        rules: &[],
        reply: Reply::Json,
        answer: ORDER,
        example: r#"{"combine_appid":"wxd678efh567hg6787","combine_mchid":"1900000109","combine_out_trade_no":"P20150806125346","contract_id":"123124412412423431","sub_orders":[{"mchid":"1900000109","attach":"深圳分店","amount":{"total_amount":100,"currency":"CNY"},"out_trade_no":"20150806125346","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787","description":"腾讯充值中心-QQ会员充值","settle_info":{"profit_sharing":true,"subsidy_amount":10}}]}"#,
    },
    Endpoint {
        path: "v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "电商合单委托代扣查询订单 (e-commerce combined deduction)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4012884130"],
        host: Host::Domestic,
        family: Family::Ecommerce,
        path_params: COMBINE_OUT_TRADE_NO,
        query: &[],
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: ORDER,
        example: r#"{"combine_out_trade_no":"P20150806125346"}"#,
    },
    Endpoint {
        path: "v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse",
        method: Method::Post,
        stage: Stage::Contract,
        title: "电商合单委托代扣撤销订单 (e-commerce combined deduction)",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4012884126"],
        host: Host::Domestic,
        family: Family::Ecommerce,
        path_params: COMBINE_OUT_TRADE_NO,
        query: &[],
        request: REVERSE,
        rules: &[],
        reply: Reply::NoContent,
        answer: &[],
        example: r#"{"combine_out_trade_no":"P20150806125346","combine_appid":"wxd678efh567hg6787","sub_orders":[{"mchid":"1900000109","out_trade_no":"20150806125346","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787"}]}"#,
    },
];
