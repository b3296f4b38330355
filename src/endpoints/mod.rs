//! The endpoint table: the pre-signs that open a contract and the calls made on a signed one
//! (a deduction's schedule, its notices, the deduction itself). An endpoint is data: its method,
//! path template, host, the schema of the caller's request JSON (path parameters, query
//! parameters and body members alike) and the shape of its answer. Validation, encryption, the
//! sandbox, the CLI and the bindings read it; adding an endpoint is one entry in its family's
//! module, from which `src/ffi/endpoint_functions.rs` and the headers are generated.

mod calls;
mod common;
mod credit_repayment;
mod ecommerce;
mod education;
mod global;
mod insurance;
mod offline_face;
mod password_exempt;
mod scheduled_deduct;
mod template;

/// The families, in the order of the specification's index, each family's calls on a contract
/// after its pre-signs.
static FAMILIES: &[&[Endpoint]] = &[
    scheduled_deduct::ENDPOINTS,
    calls::scheduled_deduct::ENDPOINTS,
    calls::orders::ENDPOINTS,
    insurance::ENDPOINTS,
    calls::insurance::ENDPOINTS,
    password_exempt::ENDPOINTS,
    ecommerce::ENDPOINTS,
    calls::ecommerce::ENDPOINTS,
    credit_repayment::ENDPOINTS,
    calls::credit_repayment::ENDPOINTS,
    education::ENDPOINTS,
    calls::education::ENDPOINTS,
    offline_face::ENDPOINTS,
    global::ENDPOINTS,
    calls::global::ENDPOINTS,
];

use crate::schema::{Field, Rule, has_encrypted};
use serde_json::{Value, json};

pub use crate::request::Method;
pub use crate::url::Host;
pub(crate) use template::fill_from_path;
pub use template::{Built, matching};

/// Where an endpoint stands in a contract's life. Whatever concerns only pre-signs (the
/// resemblance check that refuses a mistyped pre-sign path, the sandbox's pre-sign sessions)
/// reads [`presigns`], so the calls on a contract never pass for one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// A pre-sign: it opens a signing session that may become a contract.
    Presign,
    /// A call on a signed contract: a deduction's schedule, a notice to the user, a deduction.
    Contract,
}

/// What a successful answer carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reply {
    /// 200 with a JSON body whose members [`Endpoint::answer`] names.
    Json,
    /// 204 No Content: success says everything (the pre-deduction notice, for one).
    NoContent,
}

/// The product family an endpoint belongs to: one variant per module of this table. Whatever
/// acts per family (the sandbox's contracts and notifications) matches on it exhaustively, so a
/// new family is a compile error wherever its behaviour is still missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// 委托代扣 · 预约扣费类型签约, and the generic `papay/sign` (scheduled_deduct.rs).
    ScheduledDeduct,
    /// 委托代扣 · 保险业, insurance (insurance.rs).
    Insurance,
    /// 免密支付, password-free payment contracts (password_exempt.rs).
    PasswordExempt,
    /// 收付通: combined entrusted payment and individual payee contracts (ecommerce.rs).
    Ecommerce,
    /// 自动还款, credit-card and loan auto-repayment (credit_repayment.rs).
    CreditRepayment,
    /// 教育续费通 and 校园轻松付 (education.rs).
    Education,
    /// 刷脸支付, offline face-pay card binding (offline_face.rs).
    OfflineFace,
    /// 跨境/全球 委托代扣, cross-border entrusted payment (global.rs).
    Global,
}

/// One endpoint of WeChat Pay's APIv3, as its page publishes it.
///
/// The caller's request is one JSON object holding every member the page lists: the path
/// parameters (each fills its `{name}` segment of [`Endpoint::path`], percent-encoded), the
/// query parameters (sent as the query string, in the schema's order) and the body members
/// (sent as the JSON body; a GET sends none). The whole object is validated against the three
/// schemas together before anything is signed, so an error names the member by its JSON Pointer.
#[derive(Debug)]
pub struct Endpoint {
    /// The API path template without the leading slash, e.g. `v3/edu-papay/contracts/presign`
    /// or `v3/papay/pay/schedules/contract-id/{contract_id}/schedule`.
    pub path: &'static str,
    /// The HTTP method the page gives.
    pub method: Method,
    /// A pre-sign, or a call on a contract.
    pub stage: Stage,
    /// The page's title, with the scene in English, e.g. `APP签约 (cross-border, App)`.
    pub title: &'static str,
    /// The official pages (pay.weixin.qq.com) that every rule of the schema comes from.
    pub docs: &'static [&'static str],
    /// Which WeChat Pay host serves it, and so which base URL of the configuration it goes to.
    pub host: Host,
    /// The product family, as the module it is listed in.
    pub family: Family,
    /// The request members that fill the path's `{name}` segments, one field per segment. Each
    /// is required, a string or (as insurance's policy_period_id) an integer; an empty one, `.`
    /// or `..`, or one holding `/` or `\\` is refused.
    pub path_params: &'static [Field],
    /// The request members sent in the query string (strings or integers).
    pub query: &'static [Field],
    /// The request body's members: types, lengths, required and encrypted members.
    pub request: &'static [Field],
    /// Rules between members of the request (JSON Pointers from its root).
    pub rules: &'static [Rule],
    /// What a successful answer carries.
    pub reply: Reply,
    /// The names of a successful answer's members, in the page's order (none for 204).
    pub answer: &'static [&'static str],
    /// A valid request, as the caller writes it (encrypted fields in plaintext; path and query
    /// parameters as members).
    pub example: &'static str,
}

impl Endpoint {
    /// The C function for this endpoint: "wxpresign_" + the path after "v3/", without its
    /// `{parameter}` segments and the segments "contracts" and "pre-entrust-sign"/"presign"
    /// (also as a suffix or prefix of a segment), with "/" and "-" turned into "_"; for a method
    /// other than POST, "_" and the method in lowercase follow (`..._get`). The pre-sign
    /// functions' names, all POST without parameters, are the ones they always had.
    pub fn c_function(&self) -> String {
        let rest = self.path.strip_prefix("v3/").unwrap_or(self.path);
        let mut parts = Vec::new();
        for segment in rest.split('/') {
            if segment.starts_with('{') {
                continue;
            }
            let mut s = segment;
            for marker in ["pre-entrust-sign", "presign"] {
                s = s.strip_suffix(&format!("-{marker}")).unwrap_or(s);
                s = s.strip_prefix(&format!("{marker}-")).unwrap_or(s);
            }
            if !matches!(s, "contracts" | "pre-entrust-sign" | "presign") {
                parts.push(s.replace('-', "_"));
            }
        }
        if self.method != Method::Post {
            parts.push(self.method.as_str().to_ascii_lowercase());
        }
        format!("wxpresign_{}", parts.join("_"))
    }

    /// Every member of the caller's request JSON: the path parameters, the query parameters
    /// and the body members, in that order; what the whole request is validated against.
    pub fn members(&self) -> Vec<Field> {
        [self.path_params, self.query, self.request].concat()
    }

    /// Requests to this endpoint carry encrypted fields, so `Wechatpay-Serial` is mandatory.
    pub fn needs_serial(&self) -> bool {
        has_encrypted(self.request)
    }

    /// A JSON description of the endpoint and its schema.
    pub fn describe(&self) -> Value {
        let fields = |fields: &[Field]| fields.iter().map(Field::describe).collect::<Vec<_>>();
        json!({
            "path": self.path,
            "method": self.method.as_str(),
            "stage": match self.stage { Stage::Presign => "presign", Stage::Contract => "contract" },
            "title": self.title,
            "docs": self.docs,
            "c_function": self.c_function(),
            "host": match self.host { Host::Domestic => "domestic", Host::Global => "global" },
            "needs_wechatpay_serial": self.needs_serial(),
            "path_params": fields(self.path_params),
            "query": fields(self.query),
            "request": fields(self.request),
            "rules": self.rules.iter().map(Rule::describe).collect::<Vec<_>>(),
            "reply": match self.reply { Reply::Json => 200, Reply::NoContent => 204 },
            "answer": self.answer,
            "example": serde_json::from_str::<Value>(self.example).unwrap_or(Value::Null),
        })
    }
}

/// Every endpoint the library knows, family by family: the pre-signs and the calls on a
/// contract.
pub fn all() -> impl Iterator<Item = &'static Endpoint> + Clone {
    FAMILIES.iter().flat_map(|family| family.iter())
}

/// The pre-sign endpoints alone, family by family.
pub fn presigns() -> impl Iterator<Item = &'static Endpoint> + Clone {
    all().filter(|e| e.stage == Stage::Presign)
}

/// Looks an endpoint up by its table path (a template such as
/// `v3/papay/contracts/{contract_id}/notify` as written); a leading "/" is accepted. For a
/// concrete path that fills a template, see [`matching`].
pub fn find(path: &str) -> Option<&'static Endpoint> {
    let path = path.strip_prefix('/').unwrap_or(path);
    all().find(|e| e.path == path)
}

/// The endpoint that `path` (percent-decoded, without its query; a leading "/" accepted) looks
/// like without being it, for the generic call to refuse a mistyped pre-sign instead of sending
/// it: a path that differs from a table path in case, hyphens or underscores alone (PHP's chain
/// spells miniProgram mini-program, and the cross-border paths miniprogram), that is within two
/// edits of one, or that names a pre-sign (a segment holding presign or pre-entrust-sign) under
/// the leading segments of a table path's own. The calls after the pre-sign share those leading
/// segments but name no pre-sign, so they are not taken for one; nor is any path of the table's
/// calls on a contract, which are compared with nothing here.
pub fn resembled(path: &str) -> Option<&'static Endpoint> {
    let path = path.strip_prefix('/').unwrap_or(path);
    if find(path).is_some() || matching(path).is_some() {
        return None;
    }
    let given: Vec<String> = path.split('/').map(loose).collect();
    let joined = given.join("/");
    presigns()
        .filter_map(|e| {
            let table: Vec<String> = e.path.split('/').map(loose).collect();
            let under_prefix = table
                .iter()
                .position(|s| names_presign(s))
                .is_some_and(|at| {
                    given.len() > at && given[..at] == table[..at] && names_presign(&given[at])
                });
            let table = table.join("/");
            let near = joined.len().abs_diff(table.len()) <= 2;
            if !near && !under_prefix {
                return None;
            }
            // Beyond the table path's length the distance only grows: cut there, so that a
            // long path costs no more than a short one.
            let compared = &joined.as_bytes()[..joined.len().min(table.len() + 3)];
            let distance = edit_distance(compared, table.as_bytes());
            (near && distance <= 2 || under_prefix).then_some((distance, e))
        })
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, e)| e)
}

/// A segment as compared for resemblance: lowercase, without `-` and `_`.
fn loose(segment: &str) -> String {
    segment
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn names_presign(loose_segment: &str) -> bool {
    loose_segment.contains("presign") || loose_segment.contains("preentrustsign")
}

/// The optimal string alignment distance (Damerau-Levenshtein with each substring edited once):
/// insertions, deletions, substitutions and swaps of neighbours.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    // Three rows of the table: two back (for swaps), one back, and the current one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The table as JSON, for `wxpresign_endpoints` and `wxpresign endpoints`.
pub fn describe_all() -> Value {
    Value::Array(all().map(Endpoint::describe).collect())
}
