//! 委托代扣 · 保险业 (insurance): every scene; the insured's real identity is sent encrypted.

use super::common::{AMOUNT, JUMP_CONTROL, OUT_CONTRACT_CODE, POLICY_PERIOD, REAL_IDENTITY};
use super::{Endpoint, Family, Host, Method, Reply, Stage};
use crate::compose;
use crate::schema::{
    Field, Rule, any_of, boolean, integer, not_both_true, object, object_array, string,
};

/// The members before the policy periods, as all four pages give them (4012528600,
/// 4013005766, 4012529050, 4012528950): insured_display_name string(32).
const HEAD: &[Field] = &[
    string("appid").max(32).required(),
    string("openid").max(128),
    integer("plan_id").positive().required(),
    OUT_CONTRACT_CODE,
    string("insured_display_name").max(32).required(),
    string("contract_notify_url").notify_url().required(),
    string("policy_start_date").date().required(),
    string("policy_end_date").date().required(),
];

/// The optional trade of 签约中支付 and the renewal switches.
const TAIL: &[Field] = &[
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

/// JSAPI and mini program.
const INSURANCE_IN_WECHAT: &[Field] = compose!(
    HEAD,
    &[object_array("policy_periods", POLICY_PERIOD).required()],
    TAIL
);

/// The App schema was last revised before `policy_coverage_detail` was added to the other
/// scenes (2025-02-20), and still has none.
const POLICY_PERIOD_WITHOUT_COVERAGE: &[Field] = &[
    integer("policy_period_id").positive().required(),
    string("estimated_deduct_date").date().required(),
    object("estimated_deduct_amount", AMOUNT).required(),
];

const INSURANCE_APP: &[Field] = compose!(
    HEAD,
    &[object_array("policy_periods", POLICY_PERIOD_WITHOUT_COVERAGE).required()],
    TAIL
);

const INSURANCE_H5: &[Field] = compose!(
    HEAD,
    &[object_array("policy_periods", POLICY_PERIOD).required()],
    TAIL,
    &[object("jump_control", JUMP_CONTROL)]
);

const NOT_BOTH_RENEWALS: Rule = not_both_true(
    "/can_auto_insure",
    "/can_auto_reinsure",
    "can_auto_insure and can_auto_reinsure cannot both be true (WeChat Pay: 是否自动续保与是否自动重新投保不能同时设置)",
);

/// "JSAPI和小程序签约必填" (JSAPI and mini-program pages).
const IN_WECHAT_RULES: &[Rule] = &[
    any_of(
        &["/openid"],
        "openid is required for JSAPI and mini-program signing (WeChat Pay: JSAPI和小程序签约必填)",
    ),
    NOT_BOTH_RENEWALS,
];

const OUTSIDE_WECHAT_RULES: &[Rule] = &[NOT_BOTH_RENEWALS];

pub(super) static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi",
        title: "保险商户JSAPI预签约 (insurance, JSAPI)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012528600",
            "https://pay.weixin.qq.com/doc/v3/merchant/4014960223",
            "https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/insurance/jsapi-sign-and-create-transaction.html",
        ],
        host: Host::Domestic,
        family: Family::Insurance,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: INSURANCE_IN_WECHAT,
        rules: IN_WECHAT_RULES,
        answer: &["redirect_url"],
        example: r#"{"appid":"wxd678efh567hg6787","openid":"oYobu0MVnQfWpSMOYJz2AHPG_gQw","plan_id":12535,"out_contract_code":"wxwtdk20200910100003","insured_display_name":"*明","contract_notify_url":"https://yourapp.com/notify","policy_start_date":"2026-12-01","policy_end_date":"2027-11-30","policy_periods":[{"policy_period_id":1,"estimated_deduct_date":"2026-12-01","estimated_deduct_amount":{"total":2990,"currency":"CNY"}}],"real_identity":{"real_name":"张三","id_card_number":"110101199003074477","identity_type":"ID_CARD"}}"#,
    },
    Endpoint {
        path: "v3/papay/insurance-sign/contracts/pre-entrust-sign/app",
        title: "保险商户App预签约 (insurance, App)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4013005766",
            "https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/insurance/app-sign-and-create-transaction.html",
        ],
        host: Host::Domestic,
        family: Family::Insurance,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: INSURANCE_APP,
        rules: OUTSIDE_WECHAT_RULES,
        answer: &["pre_entrustweb_id"],
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":12535,"out_contract_code":"wxwtdk20200910100013","insured_display_name":"*明","contract_notify_url":"https://yourapp.com/notify","policy_start_date":"2026-12-01","policy_end_date":"2027-11-30","policy_periods":[{"policy_period_id":1,"estimated_deduct_date":"2026-12-01","estimated_deduct_amount":{"total":2990,"currency":"CNY"}}],"can_auto_insure":true,"can_auto_reinsure":false,"real_identity":{"real_name":"张三","id_card_number":"110101199003074477","identity_type":"ID_CARD"}}"#,
    },
    Endpoint {
        path: "v3/papay/insurance-sign/contracts/pre-entrust-sign/h5",
        title: "保险商户H5预签约 (insurance, H5)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012529050",
            "https://pay.weixin.qq.com/doc/v3/merchant/4014962456",
            "https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/insurance/h5-sign-and-create-transaction.html",
        ],
        host: Host::Domestic,
        family: Family::Insurance,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: INSURANCE_H5,
        rules: OUTSIDE_WECHAT_RULES,
        answer: &["redirect_url"],
        example: r#"{"appid":"wxd678efh567hg6787","plan_id":12535,"out_contract_code":"wxwtdk20200910100014","insured_display_name":"*明","contract_notify_url":"https://yourapp.com/notify","policy_start_date":"2026-12-01","policy_end_date":"2027-11-30","policy_periods":[{"policy_period_id":1,"estimated_deduct_date":"2026-12-01","estimated_deduct_amount":{"total":2990,"currency":"CNY"},"policy_coverage_detail":{"policy_amount":"50000","policy_clauses":[{"clause_name":"意外身故及伤残","clause_quota":"50000"}]}}],"can_auto_insure":true,"can_auto_reinsure":false,"real_identity":{"real_name":"张三","id_card_number":"110101199003074477","identity_type":"ID_CARD"},"jump_control":{"jump_appid":"wxd678efh567hg6787"}}"#,
    },
    Endpoint {
        path: "v3/papay/insurance-sign/contracts/pre-entrust-sign/mini-program",
        title: "保险商户小程序预签约 (insurance, mini program)",
        docs: &[
            "https://pay.weixin.qq.com/doc/v3/merchant/4012528950",
            "https://pay.weixin.qq.com/doc/v3/merchant/4014960244",
            "https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/insurance/mimi-program-sign-and-create-transaction.html",
        ],
        host: Host::Domestic,
        family: Family::Insurance,
        method: Method::Post,
        stage: Stage::Presign,
        path_params: &[],
        query: &[],
        reply: Reply::Json,
        request: INSURANCE_IN_WECHAT,
        rules: IN_WECHAT_RULES,
        answer: &["pre_entrustweb_id", "redirect_appid", "redirect_path"],
        example: r#"{"appid":"wxd678efh567hg6787","openid":"oYobu0MVnQfWpSMOYJz2AHPG_gQw","plan_id":12535,"out_contract_code":"wxwtdk20200910100015","insured_display_name":"*明","contract_notify_url":"https://yourapp.com/notify","policy_start_date":"2026-12-01","policy_end_date":"2027-11-30","policy_periods":[{"policy_period_id":1,"estimated_deduct_date":"2026-12-01","estimated_deduct_amount":{"total":2990,"currency":"CNY"},"policy_coverage_detail":{"policy_amount":"50000","policy_clauses":[{"clause_name":"意外身故及伤残","clause_quota":"50000"}]}}],"can_auto_insure":true,"can_auto_reinsure":false,"real_identity":{"real_name":"张三","id_card_number":"110101199003074477","identity_type":"ID_CARD"}}"#,
    },
];
