//! 跨境/全球 委托代扣 (cross-border entrusted payment): the money of its contracts, as the pages
//! say it. The deduction (支付扣款, https://pay.weixin.qq.com/doc/global/v3/zh/4013015482)
//! answers its result at once ("扣款接口同步返回扣款结果": "如果扣款成功,则返回订单详情", "扣款失败,
//! 根据错误码和对应的建议处理方式处理") and notifies a success as TRANSACTION.SUCCESS ("扣款成功通知的
//! 类型为:TRANSACTION.SUCCESS", retried "15/15/30/180/1800/1800/1800/1800/3600",
//! https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_7.shtml); no failure
//! notification is published. The order is queried by transaction id or out_trade_no
//! (https://pay.weixin.qq.com/doc/global/v3/zh/4013026988) and reversed unless paid or closed
//! ("ORDER_PAID 订单已支付 不可关闭,如需退款,请调用退款接口", "ORDER_CLOSED 订单已关闭",
//! https://pay.weixin.qq.com/doc/global/v3/zh/4013015496). No schedule, window or notice is
//! published for this family: a contract in force takes a deduction at any time.

use super::orders::{Order, transaction};
use super::{Lookup, Money, Notices, Reversal, States, Timing, payment_refused};
use crate::contracts::Contract;
use crate::families::CROSS_BORDER_RETRY_SECS;
use crate::refusal::Refusal;
use serde_json::Value;

pub(super) static MONEY: Money = Money {
    name: "global",
    deductions: &["v3/global/papay/transactions"],
    key: "out_trade_no",
    // "sub_mchid 服务商模式必填 … 注意:仅适用于机构模式"
    sub_merchant: Some("sub_mchid"),
    merchant_member: None,
    amount: |value| value["amount"]["total"].as_i64().unwrap_or(0),
    failure_in: &["/attach", "/description"],
    timing: Timing::Synchronous {
        refused: payment_refused,
    },
    // The deduction's answer lists "SUCCESS 支付成功 | … | CLOSED 已关闭 | PAYERROR 支付失败".
    states: States {
        accept: "USERPAYING",
        success: "SUCCESS",
        failed: "PAYERROR",
        closed: "CLOSED",
    },
    notices: Notices {
        url: "notify_url",
        success: Some(("TRANSACTION.SUCCESS", "支付成功")),
        failure: None,
        original_type: "transaction",
    },
    resource: order,
    queries: &[
        (
            "v3/global/papay/transactions/{transaction_id}",
            Lookup::TransactionId,
        ),
        (
            "v3/global/papay/transactions/out-trade-no/{out_trade_no}",
            Lookup::Key,
        ),
    ],
    reversal: Some(&REVERSAL),
    // "NOT_FOUND 交易订单号不存在 建议确认订单号和商户号正确之后再查询"
    not_found: (404, "NOT_FOUND", "交易订单号不存在"),
    ended: (
        400,
        "INVALID_REQUEST",
        "协议已解约: the contract is terminated and takes no deduction",
    ),
    call: |_, _, _, _, _| Err(Refusal::new(404, "NOT_FOUND", "no such call")),
    admit: |_, _, _, _, _| Ok(()),
    succeeded: |_, _, _, _| false,
    tick: |_, _| None,
    retry_secs: &CROSS_BORDER_RETRY_SECS,
    ended_by_system: &[],
    advanced: |_, _| false,
    tells: |_, _| None,
    lookups: &[],
};

static REVERSAL: Reversal = Reversal {
    path: "v3/global/papay/transactions/out-trade-no/{out_trade_no}/reverse",
    paid: Some((
        400,
        "ORDER_PAID",
        "订单已支付,不可关闭,如需退款,请调用退款接口",
    )),
    closed: (400, "ORDER_CLOSED", "订单已关闭,无需再次请求"),
    // The number (and, in institutional mode, the sub-merchant) find the order.
    check: |_, _| Ok(()),
};

/// The order as the deduction, its queries and TRANSACTION.SUCCESS give it: the members the
/// answer lists ("trade_type 交易类型 AUTH"), without the entrusted family's description and
/// contract_information, which it does not.
fn order(money: &Money, order: &Order, contract: &Contract) -> Value {
    let mut shown = transaction(money, order, contract);
    if let Value::Object(members) = &mut shown {
        members.remove("description");
        members.remove("contract_information");
        members.insert("trade_type".into(), "AUTH".into());
    }
    shown
}
