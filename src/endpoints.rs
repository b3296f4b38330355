//! The pre-sign endpoint table. An endpoint is data: its path, host, request schema and the
//! shape of its answer. Validation, encryption, the sandbox, the CLI and the bindings read it;
//! adding an endpoint is one entry here plus its `extern "C"` function in `ffi.rs`.

use crate::schema::{Field, boolean, has_encrypted, integer, object, object_array, string};
use serde_json::{Value, json};

/// Which WeChat Pay host serves an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// api.mch.weixin.qq.com (config `base_url`).
    Domestic,
    /// apihk.mch.weixin.qq.com, cross-border (config `global_base_url`).
    Global,
}

/// Where a member of the sandbox's answer comes from.
#[derive(Clone, Copy, Debug)]
pub enum Reply {
    /// The request member of that name, when present.
    Echo(&'static str),
    /// The merchant id of the caller.
    Mchid,
    /// A fresh pre-sign session id (pre_entrustweb_id, presign_token, session_id).
    SessionId,
    /// A URL that opens the pre-sign session.
    SessionUrl,
    /// A fixed value, such as the AppID of WeChat's signing mini program.
    Fixed(&'static str),
}

/// One pre-sign endpoint.
#[derive(Debug)]
pub struct Endpoint {
    /// The API path without the leading slash, e.g. `v3/edu-papay/contracts/presign`.
    pub path: &'static str,
    pub title: &'static str,
    pub host: Host,
    pub request: &'static [Field],
    /// The members of a successful answer, in order.
    pub answer: &'static [(&'static str, Reply)],
    /// The request member whose magic values select a sandbox fault.
    pub fault_field: &'static str,
    /// How long WeChat keeps the pre-sign session, in minutes.
    pub session_minutes: u32,
    /// A valid request, as the caller writes it (encrypted fields in plaintext).
    pub example: &'static str,
}

impl Endpoint {
    /// The C function for this endpoint: "wxpresign_" + the path after "v3/", without the
    /// segments "contracts" and "pre-entrust-sign"/"presign" (also as a suffix or prefix of a
    /// segment), with "/" and "-" turned into "_".
    pub fn c_function(&self) -> String {
        let rest = self.path.strip_prefix("v3/").unwrap_or(self.path);
        let mut parts = Vec::new();
        for segment in rest.split('/') {
            let mut s = segment;
            for marker in ["pre-entrust-sign", "presign"] {
                s = s.strip_suffix(&format!("-{marker}")).unwrap_or(s);
                s = s.strip_prefix(&format!("{marker}-")).unwrap_or(s);
            }
            if !matches!(s, "contracts" | "pre-entrust-sign" | "presign") {
                parts.push(s.replace('-', "_"));
            }
        }
        format!("wxpresign_{}", parts.join("_"))
    }

    /// Requests to this endpoint carry encrypted fields, so `Wechatpay-Serial` is mandatory.
    pub fn needs_serial(&self) -> bool {
        has_encrypted(self.request)
    }

    /// A JSON description of the endpoint and its schema.
    pub fn describe(&self) -> Value {
        json!({
            "path": self.path,
            "title": self.title,
            "c_function": self.c_function(),
            "host": match self.host { Host::Domestic => "domestic", Host::Global => "global" },
            "needs_wechatpay_serial": self.needs_serial(),
            "request": self.request.iter().map(Field::describe).collect::<Vec<_>>(),
            "answer": self.answer.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
            "example": serde_json::from_str::<Value>(self.example).unwrap_or(Value::Null),
        })
    }
}

/// Looks an endpoint up by path; a leading "/" is accepted.
pub fn find(path: &str) -> Option<&'static Endpoint> {
    let path = path.strip_prefix('/').unwrap_or(path);
    ENDPOINTS.iter().find(|e| e.path == path)
}

// ---------------------------------------------------------------------------------------------
// Shared pieces of schema.

const AMOUNT: &[Field] = &[
    integer("total").positive().required(),
    string("currency").one_of(&["CNY"]),
];

const DEDUCT_SCHEDULE: &[Field] = &[
    string("estimated_deduct_date").date().required(),
    object("estimated_deduct_amount", AMOUNT).required(),
    string("description").required(),
];

const REAL_IDENTITY: &[Field] = &[
    string("real_name").encrypted().required(),
    string("id_card_number").encrypted().required(),
    string("identity_type").one_of(&["ID_CARD"]),
];

const POLICY_CLAUSE: &[Field] = &[string("clause_name"), string("clause_quota")];

const POLICY_COVERAGE_DETAIL: &[Field] = &[
    string("policy_amount"),
    object_array("policy_clauses", POLICY_CLAUSE),
];

const POLICY_PERIOD: &[Field] = &[
    integer("policy_period_id").positive().required(),
    string("estimated_deduct_date").date().required(),
    object("estimated_deduct_amount", AMOUNT).required(),
    object("policy_coverage_detail", POLICY_COVERAGE_DETAIL),
];

/// The AppID and path of WeChat's signing mini program, as the answers name them.
const SIGN_MP_APPID: Reply = Reply::Fixed("wxbd687630cd02ce1d");
const SIGN_MP_PATH: Reply = Reply::Fixed("pages/index/index");

// ---------------------------------------------------------------------------------------------
// Requests.

const PARTNER_SCHEDULED_DEDUCT: &[Field] = &[
    string("sp_appid").max(32).required(),
    string("sp_openid").max(128),
    string("sub_mchid").max(32).required(),
    string("sub_appid").max(32),
    string("sub_openid").max(128),
    integer("plan_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("contract_display_account").max(64).required(),
    string("contract_notify_url").notify_url().required(),
    string("out_user_code").max(32),
    object("deduct_schedule", DEDUCT_SCHEDULE),
];

const SERVICE_PROVIDER_PAY_REDIRECT_SIGN: &[Field] = &[
    string("sp_appid").max(32).required(),
    string("sp_openid").max(128),
    string("sub_mchid").max(32).required(),
    string("sub_appid").max(32).required(),
    string("sub_openid").max(128),
    integer("service_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("notify_url").notify_url().required(),
    string("contract_display_account").max(32).required(),
    string("prepay_id").max(64).required(),
];

const INSURANCE_JSAPI: &[Field] = &[
    string("appid").max(32).required(),
    string("openid").max(128),
    integer("plan_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("insured_display_name").required(),
    string("contract_notify_url").notify_url().required(),
    string("policy_start_date").date().required(),
    string("policy_end_date").date().required(),
    object_array("policy_periods", POLICY_PERIOD).required(),
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

const EDU_PAPAY: &[Field] = &[
    string("appid").max(32).required(),
    string("sub_mchid").max(32),
    string("sub_appid").max(32),
    string("openid").max(128).required(),
    string("sub_openid").max(128),
    string("plan_id").max(32).required(),
    string("user_id").max(64).required(),
    string("period_start_date").date().required(),
    string("trade_scene").max(32).required(),
];

// ---------------------------------------------------------------------------------------------
// The table.

/// Every endpoint the library knows, in the order of the specification.
pub static ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi",
        title: "JSAPI场景预约扣费类型签约的预签约 (partner, JSAPI)",
        host: Host::Domestic,
        request: PARTNER_SCHEDULED_DEDUCT,
        answer: &[("redirect_url", Reply::SessionUrl)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","plan_id":12535,"out_contract_code":"wxwtdk20200910100000","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","deduct_schedule":{"estimated_deduct_date":"2026-12-22","estimated_deduct_amount":{"total":1500,"currency":"CNY"},"description":"会员月费"}}"#,
    },
    Endpoint {
        path: "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program",
        title: "小程序场景预约扣费类型签约的预签约 (partner, mini program)",
        host: Host::Domestic,
        request: PARTNER_SCHEDULED_DEDUCT,
        answer: &[
            ("pre_entrustweb_id", Reply::SessionId),
            ("redirect_appid", SIGN_MP_APPID),
            ("redirect_path", SIGN_MP_PATH),
        ],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"sp_appid":"wxd678efh567hg6787","sp_openid":"oYobu0MVnQfWpSMOYJz2AHPG_gQw","sub_mchid":"1900000109","plan_id":12535,"out_contract_code":"wxwtdk20200910100001","contract_display_account":"微信代扣用户A","contract_notify_url":"https://yourapp.com/notify","deduct_schedule":{"estimated_deduct_date":"2026-12-22","estimated_deduct_amount":{"total":1500,"currency":"CNY"},"description":"会员月费"}}"#,
    },
    Endpoint {
        path: "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign",
        title: "服务商模式支付后场景预签约 (password-free, service provider, sign after payment)",
        host: Host::Domestic,
        request: SERVICE_PROVIDER_PAY_REDIRECT_SIGN,
        answer: &[
            ("mchid", Reply::Mchid),
            ("sub_mchid", Reply::Echo("sub_mchid")),
            ("service_id", Reply::Echo("service_id")),
            ("out_contract_code", Reply::Echo("out_contract_code")),
        ],
        fault_field: "out_contract_code",
        session_minutes: 120,
        example: r#"{"sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","service_id":12535,"out_contract_code":"wxwtdk20200910100002","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","prepay_id":"wx201410272009395522657a690389285100"}"#,
    },
    Endpoint {
        path: "v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi",
        title: "保险商户JSAPI预签约 (insurance, JSAPI)",
        host: Host::Domestic,
        request: INSURANCE_JSAPI,
        answer: &[("redirect_url", Reply::SessionUrl)],
        fault_field: "out_contract_code",
        session_minutes: 10,
        example: r#"{"appid":"wxd678efh567hg6787","openid":"oYobu0MVnQfWpSMOYJz2AHPG_gQw","plan_id":12535,"out_contract_code":"wxwtdk20200910100003","insured_display_name":"*明","contract_notify_url":"https://yourapp.com/notify","policy_start_date":"2026-12-01","policy_end_date":"2027-11-30","policy_periods":[{"policy_period_id":1,"estimated_deduct_date":"2026-12-01","estimated_deduct_amount":{"total":2990,"currency":"CNY"}}],"real_identity":{"real_name":"张三","id_card_number":"110101199003074477","identity_type":"ID_CARD"}}"#,
    },
    Endpoint {
        path: "v3/edu-papay/contracts/presign",
        title: "教育续费通预签约 (education renewal)",
        host: Host::Domestic,
        request: EDU_PAPAY,
        answer: &[("presign_token", Reply::SessionId)],
        fault_field: "user_id",
        session_minutes: 10,
        example: r#"{"appid":"wx8888888888888888","openid":"oUpF8uMuAJOM2pxb1Q","plan_id":"101164396123311331","user_id":"20200330tony","period_start_date":"2026-12-19","trade_scene":"EDUCATION_PERIOD"}"#,
    },
];

/// The table as JSON, for `wxpresign_endpoints` and `wxpresign endpoints`.
pub fn describe_all() -> Value {
    Value::Array(ENDPOINTS.iter().map(Endpoint::describe).collect())
}
