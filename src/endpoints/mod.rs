//! The pre-sign endpoint table. An endpoint is data: its path, host, request schema and the
//! shape of its answer. Validation, encryption, the sandbox, the CLI and the bindings read it;
//! adding an endpoint is one entry in its family's module plus its `extern "C"` function in
//! `ffi.rs`.

mod common;
mod credit_repayment;
mod ecommerce;
mod education;
mod global;
mod insurance;
mod offline_face;
mod password_exempt;
mod scheduled_deduct;

/// The families, in the order of the specification's index.
static FAMILIES: &[&[Endpoint]] = &[
    scheduled_deduct::ENDPOINTS,
    insurance::ENDPOINTS,
    password_exempt::ENDPOINTS,
    ecommerce::ENDPOINTS,
    credit_repayment::ENDPOINTS,
    education::ENDPOINTS,
    offline_face::ENDPOINTS,
    global::ENDPOINTS,
];

use crate::schema::{Field, Rule, has_encrypted};
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
pub enum AnswerMember {
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
    /// The official pages (pay.weixin.qq.com) that every rule of the schema comes from.
    pub docs: &'static [&'static str],
    pub host: Host,
    pub request: &'static [Field],
    /// Rules between members of the request (JSON Pointers from its root).
    pub rules: &'static [Rule],
    /// The members of a successful answer, in order.
    pub answer: &'static [(&'static str, AnswerMember)],
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
            "docs": self.docs,
            "c_function": self.c_function(),
            "host": match self.host { Host::Domestic => "domestic", Host::Global => "global" },
            "needs_wechatpay_serial": self.needs_serial(),
            "request": self.request.iter().map(Field::describe).collect::<Vec<_>>(),
            "rules": self.rules.iter().map(Rule::describe).collect::<Vec<_>>(),
            "answer": self.answer.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
            "example": serde_json::from_str::<Value>(self.example).unwrap_or(Value::Null),
        })
    }
}

/// Every endpoint the library knows, family by family.
pub fn all() -> impl Iterator<Item = &'static Endpoint> + Clone {
    FAMILIES.iter().flat_map(|family| family.iter())
}

/// Looks an endpoint up by path; a leading "/" is accepted.
pub fn find(path: &str) -> Option<&'static Endpoint> {
    let path = path.strip_prefix('/').unwrap_or(path);
    all().find(|e| e.path == path)
}

/// The table as JSON, for `wxpresign_endpoints` and `wxpresign endpoints`.
pub fn describe_all() -> Value {
    Value::Array(all().map(Endpoint::describe).collect())
}
