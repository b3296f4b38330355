//! 收付通 电商合单委托代扣 (e-commerce combined deduction): the money of its contracts, as the
//! pages say it. The deduction is synchronous and notifies nothing ("该扣费接口为同步扣费模式,
//! 无回调通知"; "每笔订单只能扣款一次"; "解约后调用代扣支付接口会返回CONTRACT_NOT_EXIST",
//! https://pay.weixin.qq.com/doc/v3/partner/4018096707); one combined order of at most 50
//! sub-orders (https://pay.weixin.qq.com/doc/v3/partner/4012884121), all taken or none, queried
//! by its combine_out_trade_no (https://pay.weixin.qq.com/doc/v3/partner/4012884130) and
//! reversed ("商户可以通过该接口发起免密的合单撤销", https://pay.weixin.qq.com/doc/v3/partner/4012884126).
//! No schedule, window or notice is published for this family.

use super::orders::{Order, OrderState, payer};
use super::{Lookup, Money, Notices, Reversal, States, Timing, payment_refused};
use crate::contracts::Contract;
use crate::delivery::beijing_rfc3339;
use crate::refusal::Refusal;
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use wxpresign::endpoints::Endpoint;

pub(super) static MONEY: Money = Money {
    name: "ecommerce",
    deductions: &["v3/ecommerce/combine-papay/transactions"],
    key: "combine_out_trade_no",
    // A platform's own calls: the sub-merchants are its sub-orders' payees, not the caller.
    sub_merchant: None,
    // "combine_mchid 合单发起方商户号": the platform that calls.
    merchant_member: Some("combine_mchid"),
    amount: |value| sub_orders(value).map(total).sum(),
    failure_in: &["/sub_orders/0/attach", "/sub_orders/0/description"],
    // "解约后调用代扣支付接口会返回CONTRACT_NOT_EXIST", as payment_refused answers a contract ended.
    timing: Timing::Synchronous {
        refused: payment_refused,
    },
    // The pages give only "SUCCESS"; the failed and reversed words are the combined payments'
    // ("PAYERROR 支付失败", "REVOKED 已撤销").
    states: States {
        accept: "USERPAYING",
        success: "SUCCESS",
        failed: "PAYERROR",
        closed: "REVOKED",
    },
    notices: Notices {
        url: "",
        success: None,
        failure: None,
        original_type: "transaction",
    },
    resource: combined,
    queries: &[(
        "v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}",
        Lookup::Key,
    )],
    reversal: Some(&REVERSAL),
    not_found: (404, "NOT_FOUND", "订单不存在"),
    ended: (400, "CONTRACT_NOT_EXIST", "签约协议不存在或已解约"),
    call: |_, _, _, _, _| Err(Refusal::new(404, "NOT_FOUND", "no such call")),
    admit,
    succeeded: |_, _, _, _| false,
    tick: |_, _| None,
    retry_secs: &[],
    ended_by_system: &[],
    advanced: |_, _| false,
    tells: |_, _| None,
    lookups: &[],
};

/// The reversal serves a deduction whose answer did not come ("超过1分钟未能返回结果时,商户可主动
/// 发起撤销"): like a micropay reversal it closes the order whatever became of it, a paid one
/// with its money given back; the page lists no code for a paid order.
static REVERSAL: Reversal = Reversal {
    path: "v3/ecommerce/combine-papay/transactions/{combine_out_trade_no}/reverse",
    paid: None,
    closed: (400, "ORDER_CLOSED", "订单已撤销,无需再次请求"),
    check: reversal_names_the_order,
};

/// A reversal names the combined order's initiator appid and its sub-orders, each once and
/// all of them: the order was taken whole and is revoked whole.
fn reversal_names_the_order(order: &Order, value: &Value) -> Result<(), Refusal> {
    let appid = value["combine_appid"].as_str().unwrap_or("");
    if order.request["combine_appid"].as_str() != Some(appid) {
        return Err(Refusal::param_error(
            "/combine_appid",
            appid.into(),
            "合单发起方的APPID: must be the one the deduction named",
            "body",
        ));
    }
    let key = |sub: &Value| {
        ["mchid", "out_trade_no", "sub_mchid"].map(|n| sub[n].as_str().unwrap_or("").to_owned())
    };
    let taken: Vec<_> = sub_orders(&order.request).map(key).collect();
    let named: Vec<_> = sub_orders(value).map(key).collect();
    if let Some(i) = named.iter().position(|k| !taken.contains(k)) {
        return Err(Refusal::param_error(
            &format!("/sub_orders/{i}/out_trade_no"),
            named[i][1].clone().into(),
            "子单不存在: no sub-order of this combined order has this mchid, out_trade_no and sub_mchid",
            "body",
        ));
    }
    if named.len() != taken.len() {
        return Err(Refusal::param_error(
            "/sub_orders",
            Value::Null,
            format!(
                "the combined order is revoked whole: name each of its {} sub-orders once",
                taken.len()
            ),
            "body",
        ));
    }
    Ok(())
}

fn sub_orders(value: &Value) -> impl Iterator<Item = &Value> {
    value["sub_orders"].as_array().into_iter().flatten()
}

fn total(sub_order: &Value) -> i64 {
    sub_order["amount"]["total_amount"].as_i64().unwrap_or(0)
}

/// Each sub-order number names one sub-order.
fn admit(
    _: &'static Endpoint,
    _: &Contract,
    value: &Value,
    _: u64,
    _: &[Order],
) -> Result<(), Refusal> {
    let mut seen = HashSet::new();
    for (i, sub) in sub_orders(value).enumerate() {
        let number = sub["out_trade_no"].as_str().unwrap_or("");
        if !seen.insert(number) {
            return Err(Refusal::param_error(
                &format!("/sub_orders/{i}/out_trade_no"),
                number.into(),
                "子单商户订单号重复: each sub-order needs its own out_trade_no",
                "body",
            ));
        }
    }
    Ok(())
}

/// The combined order as the deduction and its query answer it: each sub-order in the
/// order's state, with its own transaction id.
fn combined(money: &Money, order: &Order, contract: &Contract) -> Value {
    let paid = order.state == OrderState::Success;
    let subs: Vec<Value> = sub_orders(&order.request)
        .enumerate()
        .map(|(i, sub)| {
            let mut shown = Map::new();
            for name in ["mchid", "attach", "out_trade_no", "sub_mchid", "sub_appid"] {
                if let Some(v) = sub.get(name) {
                    shown.insert(name.into(), v.clone());
                }
            }
            let id = format!("{}{:02}", &order.transaction_id[..26], i);
            let currency = sub["amount"]["currency"].as_str().unwrap_or("CNY");
            let payer_amount = if paid { total(sub) } else { 0 };
            shown.insert("trade_type".into(), "PAP".into());
            shown.insert("trade_state".into(), money.state_name(order.state).into());
            shown.insert("bank_type".into(), "OTHERS".into());
            shown.insert("transaction_id".into(), id.into());
            shown.insert(
                "amount".into(),
                json!({"total_amount": total(sub), "currency": currency,
                       "payer_amount": payer_amount, "payer_currency": currency}),
            );
            if let (true, Some(at)) = (paid, order.settled_at) {
                shown.insert("success_time".into(), beijing_rfc3339(at).into());
            }
            Value::Object(shown)
        })
        .collect();
    json!({
        "combine_appid": order.request["combine_appid"],
        "combine_mchid": order.request["combine_mchid"],
        "combine_out_trade_no": order.out_trade_no,
        "sub_orders": subs,
        "combine_payer_info": payer(order, contract),
    })
}
