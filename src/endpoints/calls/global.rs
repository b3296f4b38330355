//! 跨境/全球 委托代扣 (cross-border entrusted payment), direct and institutional: the calls on a
//! signed contract, served by apihk.mch.weixin.qq.com as the family's pre-signs are. The
//! deduction (支付扣款) answers its result at once ("扣款接口同步返回扣款结果"), the order is queried
//! by WeChat Pay's transaction id or the merchant's order number, and an unpaid order is
//! reversed (撤销订单). One path serves both modes: direct merchants send `appid`
//! ("仅适用于直连模式"), institutions `sp_appid` and `sub_mchid` ("仅适用于机构模式").

use super::super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::schema::{
    Field, Rule, When, any_of, forbidden_when, integer, object, required_when, string,
};

/// "订单总金额 total int 是 … 币种的最小单位,只能为整数"; "currency string[1,16] 是 符合ISO 4217标准的
/// 三位字母代码" (the overseas currencies, so no CNY-only list here).
const AMOUNT: &[Field] = &[
    integer("total").positive().required(),
    string("currency").max(16).required(),
];

/// 场景信息: the page names the members without lengths.
const SCENE_INFO: &[Field] = &[string("device_id"), string("device_ip")];

/// Page chapter5_1_6 (支付扣款): every identifier string[1,32], description string[1,128],
/// attach string[1,127], notify_url string[1,256], merchant_category_code string[1,16],
/// contract_id string[1,64].
const DEDUCTION: &[Field] = &[
    string("appid").max(32),
    string("sub_mchid").max(32),
    string("sp_appid").max(32),
    string("sub_appid").max(32),
    string("description").max(128).required(),
    string("attach").max(127),
    string("notify_url").notify_url().required(),
    string("out_trade_no").max(32).required(),
    string("goods_tag").max(32),
    string("merchant_category_code").max(16).required(),
    string("contract_id").max(64).required(),
    object("amount", AMOUNT).required(),
    object("scene_info", SCENE_INFO),
];

/// "appid 直连模式必填 … 注意:仅适用于直连模式"; "sub_mchid 服务商模式必填"; "sp_appid 服务商模式必填";
/// a request is in one mode or the other.
const DEDUCTION_MODES: &[Rule] = &[
    forbidden_when(
        &["/sp_appid", "/sub_mchid", "/sub_appid"],
        When::Present("/appid"),
        "appid is for direct mode only (WeChat Pay: 仅适用于直连模式); institutional members cannot be sent with it",
    ),
    any_of(
        &["/appid", "/sp_appid"],
        "appid (direct mode) or sp_appid with sub_mchid (institutional mode) is required (WeChat Pay: 直连模式必填 / 服务商模式必填)",
    ),
    required_when(
        &["/sub_mchid"],
        When::Present("/sp_appid"),
        "sub_mchid is required in institutional mode, with sp_appid (WeChat Pay: 服务商模式必填)",
    ),
    required_when(
        &["/sp_appid"],
        When::Present("/sub_mchid"),
        "sp_appid is required in institutional mode, with sub_mchid (WeChat Pay: 服务商模式必填)",
    ),
];

/// The order as the deduction and both queries answer it.
const ORDER: &[&str] = &[
    "mchid",
    "appid",
    "sp_mchid",
    "sub_mchid",
    "sp_appid",
    "sub_appid",
    "out_trade_no",
    "transaction_id",
    "attach",
    "trade_type",
    "bank_type",
    "success_time",
    "trade_state",
    "trade_state_desc",
    "payer",
    "amount",
    "promotion_detail",
];

/// "sub_mchid string[1,32] 服务商模式必填 … 注意:仅适用于机构模式": a direct merchant sends none
/// (the page's 场景一 has no query string, 场景二 `?sub_mchid=`).
const SUB_MCHID: &[Field] = &[string("sub_mchid").max(32)];

const QUERY_DOCS: &[&str] = &[
    "https://pay.weixin.qq.com/doc/global/v3/zh/4013026988",
    "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_8.shtml",
];

/// "out_trade_no string[1,32] 是 商户系统内部的订单号".
const OUT_TRADE_NO: &[Field] = &[string("out_trade_no").max(32).required()];

pub(in super::super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/global/papay/transactions",
        method: Method::Post,
        stage: Stage::Contract,
        title: "支付扣款 (cross-border)",
        docs: &[
            "https://pay.weixin.qq.com/doc/global/v3/zh/4013015482",
            "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_6.shtml",
        ],
        host: Host::Global,
        family: Family::Global,
        path_params: &[],
        query: &[],
        request: DEDUCTION,
        rules: DEDUCTION_MODES,
        reply: Reply::Json,
        answer: ORDER,
        example: r#"{"sp_appid":"wxcbda96de0b165486","sub_mchid":"10000097","sub_appid":"wxcbda96de0b165484","description":"image形象店-深圳腾大- QQ公仔","attach":"自定义数据","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","out_trade_no":"1217752501201407033233368018","merchant_category_code":"1011","contract_id":"Wx15463511252015071056489715","amount":{"total":888,"currency":"HKD"},"scene_info":{"device_id":"013467007045764","device_ip":"128.0.0.1"}}"#,
    },
    Endpoint {
        path: "v3/global/papay/transactions/{transaction_id}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "查询订单 (cross-border, by transaction id)",
        docs: QUERY_DOCS,
        host: Host::Global,
        family: Family::Global,
        // "transaction_id string[1,32] 支付完成后,微信返回的微信支付订单号"
        path_params: &[string("transaction_id").max(32).required()],
        query: SUB_MCHID,
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: ORDER,
        example: r#"{"transaction_id":"4015463511252015071056489715","sub_mchid":"10000097"}"#,
    },
    Endpoint {
        path: "v3/global/papay/transactions/out-trade-no/{out_trade_no}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "查询订单 (cross-border, by out_trade_no)",
        docs: QUERY_DOCS,
        host: Host::Global,
        family: Family::Global,
        path_params: OUT_TRADE_NO,
        query: SUB_MCHID,
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: ORDER,
        example: r#"{"out_trade_no":"1217752501201407033233368018","sub_mchid":"10000097"}"#,
    },
    Endpoint {
        path: "v3/global/papay/transactions/out-trade-no/{out_trade_no}/reverse",
        method: Method::Post,
        stage: Stage::Contract,
        title: "撤销订单 (cross-border)",
        docs: &[
            "https://pay.weixin.qq.com/doc/global/v3/zh/4013015496",
            "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_10.shtml",
        ],
        host: Host::Global,
        family: Family::Global,
        path_params: OUT_TRADE_NO,
        query: &[],
        // "sub_mchid Body 服务商模式必填": in the body on every official copy, not the query.
        request: SUB_MCHID,
        rules: &[],
        reply: Reply::NoContent,
        answer: &[],
        example: r#"{"out_trade_no":"1217752501201407033233368018","sub_mchid":"20000100"}"#,
    },
];
