//! 教育续费通 and 校园轻松付: the calls on a signed contract. Education renewal sends the user the
//! notice a deduction needs 1 to 3 days ahead (发送扣款预通知), applies for the deduction
//! (受理扣款, 204: its result comes by notification or query) and queries the order by either
//! number. Campus easy pay deducts (扣款, answering the order), queries the order and the user's
//! debt state. Each call has one path for direct merchants and partners: the partner pages add
//! sub_mchid and sub_appid as 选填 ("如果是直连商户模式接入,不用填写"), so one entry carries them
//! optional. No member is encrypted.

use super::super::common::AMOUNT;
use super::super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::compose;
use crate::schema::{Charset, Field, boolean, integer, object, string};

/// "contract_id 必填 string(32) ... 标识用户与某签约模版的一次签约,具有唯一性".
const CONTRACT_ID: &[Field] = &[string("contract_id").max(32).required()];

/// appid string(32) 必填 on both pages; the partner page's sub_mchid and sub_appid string(32) 选填.
const APP: &[Field] = &[
    string("appid").max(32).required(),
    string("sub_mchid").max(32),
    string("sub_appid").max(32),
];

/// The partner query pages: "query 查询参数 sub_mchid 选填 string(32)".
const SUB_MCHID: &[Field] = &[string("sub_mchid").max(32)];

/// 设备信息: device_id 选填, device_ip 必填 "商户端设备ip" (their lengths are not published).
const DEVICE: &[Field] = &[string("device_id"), string("device_ip").required()];

/// 教育续费通 受理扣款 (merchant 4012524731): body string(128) (the member is `body`, not
/// `description`), attach string(127), out_trade_no string(32) "只能是数字、大小写字母_-",
/// notify_url "不能携带参数", trade_scene "教育续费通 EDUCATION_PERIOD", amount and
/// device_information required.
const EDU_DEDUCTION: &[Field] = compose!(
    APP,
    &[
        string("body").max(128).required(),
        string("attach").max(127),
        string("out_trade_no")
            .max(32)
            .charset(Charset::AlphanumericDashUnderscore)
            .required(),
        string("goods_tag").max(32),
        string("notify_url").notify_url().required(),
        string("contract_id").max(32).required(),
        string("trade_scene")
            .max(32)
            .one_of(&["EDUCATION_PERIOD"])
            .required(),
        object("amount", AMOUNT).required(),
        object("device_information", DEVICE).required(),
    ]
);

/// The education order, as both queries answer it.
const EDU_ORDER: &[&str] = &[
    "sp_mchid",
    "appid",
    "sub_mchid",
    "sub_appid",
    "out_trade_no",
    "transaction_id",
    "attach",
    "bank_type",
    "success_time",
    "trade_state",
    "trade_state_description",
    "payer",
    "amount",
    "device_information",
    "promotion_detail",
];

/// 校园轻松付 场景信息: start_time (rfc3339), school_id and scene_type, all 必填.
const SCENE: &[Field] = &[
    string("start_time").date_time().required(),
    string("school_id").required(),
    string("scene_type").required(),
];

/// 分账结算信息: profit_sharing 选填 boolean "是否指定分账".
const SETTLE: &[Field] = &[boolean("profit_sharing")];

/// 校园轻松付 扣款 (4012469030): description "最长127个字符", out_trade_no "要求64个字符内,只能是
/// 数字、大小写字母和_-", contract_id and user_id string(32) 必填, amount with currency 必填,
/// scene_info 必填, device_info and settle_info 选填, notify_url and payment_mode ("扣款模式").
const CAMPUS_DEDUCTION: &[Field] = compose!(
    APP,
    &[
        string("description").max(127).required(),
        string("attach").max(127),
        string("out_trade_no")
            .max(64)
            .charset(Charset::AlphanumericDashUnderscore)
            .required(),
        string("goods_tag").max(32),
        string("notify_url").notify_url().required(),
        string("contract_id").max(32).required(),
        string("user_id").max(32).required(),
        object("amount", CAMPUS_AMOUNT).required(),
        object("scene_info", SCENE).required(),
        object("device_info", DEVICE),
        object("settle_info", SETTLE),
        string("payment_mode"),
    ]
);

/// ReqAmountInfo: total and currency, both 必填 on the campus page.
const CAMPUS_AMOUNT: &[Field] = &[
    integer("total").positive().required(),
    string("currency").one_of(&["CNY"]).required(),
];

/// The campus order, as the deduction and both queries answer it.
const CAMPUS_ORDER: &[&str] = &[
    "mchid",
    "appid",
    "sub_mchid",
    "sub_appid",
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
    "device_info",
    "promotion_detail",
];

pub(in super::super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/edu-papay/user-notifications/{contract_id}/send",
        method: Method::Post,
        stage: Stage::Contract,
        title: "教育续费通 发送扣款预通知",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012524814",
            "https://pay.weixin.qq.com/doc/v3/partner/4012855408",
        ],
        host: Host::Domestic,
        family: Family::Education,
        path_params: CONTRACT_ID,
        query: &[],
        request: APP,
        rules: &[],
        reply: Reply::NoContent,
        answer: &[],
        example: r#"{"contract_id":"wx8888888888888888","appid":"wx8888888888888888"}"#,
    },
    Endpoint {
        path: "v3/edu-papay/transactions",
        method: Method::Post,
        stage: Stage::Contract,
        title: "教育续费通 受理扣款",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012524731",
            "https://pay.weixin.qq.com/doc/v3/partner/4012465548",
        ],
        host: Host::Domestic,
        family: Family::Education,
        path_params: &[],
        query: &[],
        request: EDU_DEDUCTION,
        rules: &[],
        reply: Reply::NoContent,
        answer: &[],
        example: r#"{"appid":"wx8888888888888888","body":"新东方-语文课程","attach":"自定义数据","out_trade_no":"121775250124070332","goods_tag":"test","notify_url":"https://www.weixin.qq.com/wxpay/pay","contract_id":"wx998877665544wx","trade_scene":"EDUCATION_PERIOD","amount":{"total":888,"currency":"CNY"},"device_information":{"device_id":"12343232","device_ip":"123.12.12.123"}}"#,
    },
    Endpoint {
        path: "v3/edu-papay/transactions/id/{transaction_id}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "教育续费通 通过微信订单号查询订单",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012523468",
            "https://pay.weixin.qq.com/doc/v3/partner/4012465567",
        ],
        host: Host::Domestic,
        family: Family::Education,
        // "transaction_id 必填 string(32)"
        path_params: &[string("transaction_id").max(32).required()],
        query: SUB_MCHID,
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: EDU_ORDER,
        example: r#"{"transaction_id":"1217752501201407033233368018"}"#,
    },
    Endpoint {
        path: "v3/edu-papay/transactions/out-trade-no/{out_trade_no}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "教育续费通 通过商户订单号查询订单",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012523591",
            "https://pay.weixin.qq.com/doc/v3/partner/4012465574",
        ],
        host: Host::Domestic,
        family: Family::Education,
        // "out_trade_no 必填 string(32)"
        path_params: &[string("out_trade_no").max(32).required()],
        query: SUB_MCHID,
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: EDU_ORDER,
        example: r#"{"out_trade_no":"121775250124070332"}"#,
    },
    Endpoint {
        path: "v3/eduschoolpay/transactions",
        method: Method::Post,
        stage: Stage::Contract,
        title: "校园轻松付 扣款",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4012469030",
            "https://pay.weixin.qq.com/docs/partner/apis/campus-easy-pay/transactions/create-transaction.html",
        ],
        host: Host::Domestic,
        family: Family::Education,
        path_params: &[],
        query: &[],
        request: CAMPUS_DEDUCTION,
        rules: &[],
        reply: Reply::Json,
        answer: CAMPUS_ORDER,
        example: r#"{"appid":"wx8888888888888888","sub_mchid":"1900000109","sub_appid":"wx8888888888888888","description":"中山大学-第二食堂-海鲜炒饭","attach":"自定义数据","out_trade_no":"121775250124070332","goods_tag":"test","notify_url":"https://www.weixin.qq.com/wxpay/pay","contract_id":"2045011120563805041758214605","user_id":"20200330tony","amount":{"total":888,"currency":"CNY"},"scene_info":{"start_time":"2017-08-26T09:43:39+08:00","school_id":"18260256813396","scene_type":"CANTEEN"},"device_info":{"device_id":"12343232","device_ip":"123.12.12.123"},"settle_info":{"profit_sharing":true},"payment_mode":"SYNC"}"#,
    },
    Endpoint {
        path: "v3/eduschoolpay/transactions/id/{transaction_id}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "校园轻松付 微信支付订单号查单",
        docs: &["https://pay.weixin.qq.com/doc/v3/partner/4012469063"],
        host: Host::Domestic,
        family: Family::Education,
        // "transaction_id 必填 string(32)"
        path_params: &[string("transaction_id").max(32).required()],
        query: SUB_MCHID,
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: CAMPUS_ORDER,
        example: r#"{"transaction_id":"1217752501201407033233368018","sub_mchid":"1900000109"}"#,
    },
    Endpoint {
        path: "v3/eduschoolpay/transactions/out-trade-no/{out_trade_no}",
        method: Method::Get,
        stage: Stage::Contract,
        title: "校园轻松付 商户订单号查单",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4012469097",
            "https://pay.weixin.qq.com/docs/partner/apis/campus-easy-pay/transactions/query-transaction-by-out-trade-no.html",
        ],
        host: Host::Domestic,
        family: Family::Education,
        // "out_trade_no 必填 string(64) ... 只能是数字、大小写字母和_-"
        path_params: &[string("out_trade_no")
            .max(64)
            .charset(Charset::AlphanumericDashUnderscore)
            .required()],
        query: SUB_MCHID,
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: CAMPUS_ORDER,
        example: r#"{"out_trade_no":"121775250124070332","sub_mchid":"1900000109"}"#,
    },
    Endpoint {
        path: "v3/eduschoolpay/users/{openid}/debt-state",
        method: Method::Get,
        stage: Stage::Contract,
        title: "校园轻松付 商户查询用户欠款状态",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/partner/4012469161",
            "https://pay.weixin.qq.com/docs/partner/apis/campus-easy-pay/user-debt-state/query-user-debt-state.html",
        ],
        host: Host::Domestic,
        family: Family::Education,
        // "openid 必填 string(128)"
        path_params: &[string("openid").max(128).required()],
        query: &[],
        request: &[],
        rules: &[],
        reply: Reply::Json,
        answer: &["appid", "openid", "state", "debt_count", "update_time"],
        example: r#"{"openid":"onqOjjmo8wmTOOtSKwXtGjg9Gb58"}"#,
    },
];
