//! The product families, each a file holding everything it does in the sandbox: the pre-sign
//! endpoints that open its sessions, the calls on its contracts and the notifications it sends,
//! found by an exhaustive match on the endpoint table's [`Family`].
//!
//! Where a page's answer table was read from its transcription at wechatpay.im (the
//! wechatpay-im/website repository, which links each table to its official page), the official
//! page is cited.

mod credit_repayment;
mod ecommerce;
mod education;
mod global;
mod insurance;
mod offline_face;
mod password_exempt;
mod scheduled_deduct;

use crate::contracts::Contract;
use crate::refusal::Refusal;
pub(crate) use credit_repayment::CREDIT_REPAYMENT_RETRY_SECS;
pub use global::CROSS_BORDER_RETRY_SECS;
use serde_json::{Map, Value, json};
use wxpresign::endpoints::{self, Endpoint, Family};
use wxpresign::schema::{Field, Rule, integer, string};

/// What one family does in the sandbox.
pub(crate) struct Behaviour {
    /// Its pre-sign endpoints, one entry for each of the table's.
    pub presigns: &'static [Presign],
}

/// The family's behaviour. No wildcard: a new [`Family`] variant is a compile error here until
/// its file exists.
pub(crate) fn behaviour(family: Family) -> &'static Behaviour {
    match family {
        Family::ScheduledDeduct => &scheduled_deduct::BEHAVIOUR,
        Family::Insurance => &insurance::BEHAVIOUR,
        Family::PasswordExempt => &password_exempt::BEHAVIOUR,
        Family::Ecommerce => &ecommerce::BEHAVIOUR,
        Family::CreditRepayment => &credit_repayment::BEHAVIOUR,
        Family::Education => &education::BEHAVIOUR,
        Family::OfflineFace => &offline_face::BEHAVIOUR,
        Family::Global => &global::BEHAVIOUR,
    }
}

/// What the sandbox does with a pre-sign endpoint of the table: the entry of its family's file
/// for its path.
pub(crate) fn presign(endpoint: &Endpoint) -> Option<&'static Presign> {
    behaviour(endpoint.family)
        .presigns
        .iter()
        .find(|p| p.path == endpoint.path)
}

/// Whether the family's pages forbid signing a merchant contract code again, once the user has
/// signed it, even after its contract was terminated. No wildcard: a new family says.
pub(crate) fn codes_used_once(family: Family) -> bool {
    match family {
        // "商户签约协议号在进行签约后不能在重复使用,包括…签约成功后已经解约的协议及签约成功生效中的协议"
        // (https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/normal/normal-app-scheduled-deduct-pre-sign.html)
        Family::ScheduledDeduct => true,
        // "商户签约协议号和商户订单号在进行签约后不能在重复使用"
        // (https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/insurance/app-sign-and-create-transaction.html)
        Family::Insurance => true,
        // "服务商签约协议号不能再重复使用,包括签约失败的协议、签约成功后解约的协议及签约成功生效中的协议"
        // (https://pay.weixin.qq.com/doc/v3/partner/4016779565)
        Family::CreditRepayment => true,
        // "商户侧需保证唯一性,同一个协议号解约后无法重复使用"
        // (https://pay.weixin.qq.com/doc/v3/partner/4012715321 and every password-free pre-sign page)
        Family::PasswordExempt => true,
        Family::Ecommerce | Family::Education | Family::OfflineFace | Family::Global => false,
    }
}

/// The pre-sign behaviour of the endpoint at `path` (a table path, without the leading "/").
pub(crate) fn presign_at(path: &str) -> Option<&'static Presign> {
    endpoints::find(path).and_then(presign)
}

/// The request member whose magic values (`SANDBOX...`) select a fault of the sandbox for
/// `endpoint`'s requests.
pub fn fault_field(endpoint: &Endpoint) -> Option<&'static str> {
    presign(endpoint).map(|p| p.fault_field)
}

/// Every kind of contract the families model, each once.
pub(crate) fn contract_kinds() -> impl Iterator<Item = &'static ContractKind> {
    let mut seen: Vec<&'static ContractKind> = Vec::new();
    for kind in endpoints::all().filter_map(|e| presign(e)?.contracts) {
        if !seen.iter().any(|k| std::ptr::eq(*k, kind)) {
            seen.push(kind);
        }
    }
    seen.into_iter()
}

/// How the sandbox answers one pre-sign endpoint and what its sessions become.
#[derive(Debug)]
pub(crate) struct Presign {
    /// The table's path of the endpoint.
    pub path: &'static str,
    /// The members of a successful answer, in the table's order, and where each comes from.
    pub answer: &'static [(&'static str, Source)],
    /// The request member whose magic values select a sandbox fault.
    pub fault_field: &'static str,
    /// How long WeChat keeps the pre-sign session, in minutes.
    pub session_minutes: u32,
    /// The contracts its signed sessions become, where the sandbox answers calls on them.
    pub contracts: Option<&'static ContractKind>,
    /// The notification sent once the user signs, where the product publishes one.
    pub signed: Option<&'static Event>,
}

impl Presign {
    /// Whether the answer opens the session by a URL (a browser's page) rather than by an id
    /// a mini program or an App opens.
    pub fn answers_url(&self) -> bool {
        self.answer
            .iter()
            .any(|(_, source)| matches!(source, Source::SessionUrl))
    }

    /// Session ids look like the product's: `presign_...` tokens, `wx...` entrust ids.
    pub fn session_prefix(&self) -> &'static str {
        if self.answer.iter().any(|(name, _)| name.contains("token")) {
            "presign_"
        } else {
            "wxpe"
        }
    }
}

/// Where a member of a pre-sign answer comes from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Source {
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

/// The AppID and path of WeChat's signing mini program, as the answers name them.
pub(crate) const SIGN_MP_APPID: Source = Source::Fixed("wxbd687630cd02ce1d");
pub(crate) const SIGN_MP_PATH: Source = Source::Fixed("pages/index/index");

/// A pre-sign whose fault field is `out_contract_code`, the most common.
pub(crate) const fn entry(
    path: &'static str,
    answer: &'static [(&'static str, Source)],
    session_minutes: u32,
    contracts: Option<&'static ContractKind>,
    signed: Option<&'static Event>,
) -> Presign {
    Presign {
        path,
        answer,
        fault_field: "out_contract_code",
        session_minutes,
        contracts,
        signed,
    }
}

/// Where a member of a contract's answer or a notification's resource comes from; a member
/// whose source has nothing for the contract is left out.
#[derive(Clone, Copy, Debug)]
pub enum Member {
    /// The first of these pre-sign request members that is present; `a/b` names member `b` of
    /// object `a`.
    Request(&'static [&'static str]),
    /// The first of these request members, as an integer (a page that takes an amount as text
    /// and answers it as a number).
    RequestInteger(&'static [&'static str]),
    /// The signing user's openid, which WeChat always knows once the user has signed: the first
    /// of these pre-sign request members that is present, else the sandbox's openid for the
    /// user of this contract (an App or H5 pre-sign names no user).
    UserOpenid(&'static [&'static str]),
    /// The merchant id the sandbox signs as.
    Mchid,
    /// The merchant id, for partner contracts only (a request naming a `sub_mchid`).
    PartnerMchid,
    /// A member of a direct merchant's contracts only (a request naming no `sub_mchid`).
    Direct(&'static Member),
    /// A member of a partner's contracts only (a request naming a `sub_mchid`).
    Partner(&'static Member),
    ContractId,
    /// The state, as the family's page names it: signed, then terminated.
    State(&'static str, &'static str),
    /// The signing time, RFC 3339 in Beijing time.
    SignedTime,
    /// Ten years after signing, the sandbox's expiry for every contract.
    ExpiredTime,
    /// This many seconds after signing, RFC 3339 in Beijing time.
    SignedAfter(u64),
    /// The time of the last change: the termination, else the signing.
    OperateTime,
    /// The termination time, once terminated.
    TerminatedTime,
    /// How the contract was terminated, once terminated, in the family's words: the first when
    /// the merchant's call ended it, the second when the user ended it in WeChat.
    TerminationMode(&'static str, &'static str),
    /// The remark the termination gave, once terminated.
    TerminationRemark,
    Fixed(&'static str),
    /// An object of these members.
    Object(&'static [(&'static str, Member)]),
    /// An object of these members, once terminated.
    Terminated(&'static [(&'static str, Member)]),
    /// An object of these members, when the request has the member named first.
    Given(&'static str, &'static [(&'static str, Member)]),
    /// The first member's value, else the second's.
    Or(&'static Member, &'static Member),
    /// The member, when the pre-sign request has the member named first.
    If(&'static str, &'static Member),
    /// A stable id the sandbox gives what WeChat Pay would name for the contract's user (an
    /// OpenID, a face-pay user id), where the pre-sign request has none: the prefix, then the
    /// member's value as text.
    Derived(&'static str, &'static Member),
}

use Member::{
    Fixed, Given, Request, State, Terminated, TerminatedTime, TerminationMode, TerminationRemark,
};

/// `contract_terminate_info` of the entrusted-deduction pages: how, when and why, once
/// terminated. A termination through these calls is `MCH_API_TERMINATE` ("商户API解约"); one
/// the user made in WeChat is `USER_TERMINATE` (the mode's enum, "USER_TERMINATE |
/// MCH_API_TERMINATE | API | WEPAY_WEB_TERMINATE | CUSTOMER_SERVICE_TERMINATE |
/// SYSTEM_TERMINATE", https://pay.weixin.qq.com/doc/v3/merchant/4016724543).
pub(crate) const TERMINATE_INFO: Member = Terminated(&[
    // A contract WeChat Pay's system ended (a scheduled deduction's, sandbox/src/money/) keeps
    // its mode among its changed members, which `Request` reads first.
    (
        "contract_termination_mode",
        Member::Or(
            &Request(&["contract_termination_mode"]),
            &BY_MERCHANT_OR_USER,
        ),
    ),
    ("contract_terminated_time", TerminatedTime),
    ("contract_termination_remark", TerminationRemark),
]);

/// The termination mode of the pages whose enum has `MCH_API_TERMINATE` and `USER_TERMINATE`.
pub(crate) const BY_MERCHANT_OR_USER: Member =
    TerminationMode("MCH_API_TERMINATE", "USER_TERMINATE");

/// `deduct_schedule` of the scheduled-deduction pages, for a contract signed with one: the date
/// and amount the pre-sign gave, and the schedule's state as the deduction calls left it
/// ("NO_SCHEDULED" before any).
pub(crate) const DEDUCT_SCHEDULE: Member = Given(
    "deduct_schedule",
    &[
        (
            "estimated_deduct_date",
            Request(&["deduct_schedule/estimated_deduct_date"]),
        ),
        (
            "estimated_deduct_amount",
            Request(&["deduct_schedule/estimated_deduct_amount"]),
        ),
        ("schedule_state", SCHEDULE_STATE),
    ],
);

/// The schedule's state: the deduction calls' (sandbox/src/money/scheduled_deduct.rs), else
/// none made yet.
pub(crate) const SCHEDULE_STATE: Member = Member::Or(
    &Request(&["deduct_schedule/schedule_state"]),
    &Fixed("NO_SCHEDULED"),
);

/// The signed-or-terminated state of the entrusted-deduction pages.
pub(crate) const CONTRACT_STATE: Member = State("SIGNED", "TERMINATED");

/// The AppID and OpenID of a notification's resource, direct or partner.
pub(crate) const APPID: Member = Request(&["appid", "sp_appid", "sub_appid"]);
pub(crate) const OPENID: Member = Request(&["openid", "sp_openid", "sub_openid"]);

/// One kind of contract a family's pages document calls on: what they answer and how a missing
/// contract is refused.
#[derive(Debug)]
pub struct ContractKind {
    pub calls: &'static [Call],
    /// A query's answer, in the page's order.
    pub members: &'static [(&'static str, Member)],
    /// The code of a 404 for a contract that is not there.
    pub not_found: &'static str,
    /// The notification sent when the contract is terminated, where the pages publish one.
    pub terminated: Option<&'static Event>,
    /// What WeChat Pay asks the merchant when the user ends the contract in WeChat, before it
    /// ends it, where the family's pages define it: whether it may (an answer `code` of `FAIL`
    /// keeps the contract).
    pub inquiry: Option<&'static Event>,
    /// What WeChat Pay asks the merchant when the user starts to end the contract, where the
    /// family's pages define it: a retention offer to show the user, answered within 1 s.
    pub retention: Option<&'static Event>,
}

/// One call a page documents on a contract.
#[derive(Debug)]
pub struct Call {
    pub method: &'static str,
    /// The path, with `{name}` segments naming the contract's members that identify it.
    pub path: &'static str,
    /// Query members the page requires; each must equal the contract's member of that name.
    pub query: &'static [&'static str],
    /// Body members the page requires that identify the contract; each must equal its member.
    pub body: &'static [&'static str],
    pub act: Act,
    pub page: &'static str,
    /// What its request may hold, as its page's tables describe it.
    pub params: Params,
}

/// A call's request as its page describes it, in the library's schema language: the path's
/// `{name}` segments, the query and the JSON body. The sandbox checks it before anything else
/// and refuses a request that breaks it with `400 PARAM_ERROR` naming the member, as WeChat Pay
/// does. A call whose page has not been transcribed checks nothing ([`Params::NONE`]).
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// The path's `{name}` segments, each a string.
    pub path: &'static [Field],
    /// The query's members; an integer field takes the query's decimal text.
    pub query: &'static [Field],
    /// The body's members; a body member the page does not define is refused.
    pub body: &'static [Field],
    /// Rules between the body's members.
    pub rules: &'static [Rule],
    /// Rules between the query's members.
    pub query_rules: &'static [Rule],
    /// Integer bounds, which the schema language has no words for.
    pub bounds: &'static [Bound],
    /// Query or body members a page does not require that, when sent, must be the contract's
    /// (the mode members of a call open to direct and institutional merchants alike).
    pub matched: &'static [&'static str],
}

impl Params {
    /// No description: every request is taken as it is.
    pub const NONE: Params = Params {
        path: &[],
        query: &[],
        body: &[],
        rules: &[],
        query_rules: &[],
        bounds: &[],
        matched: &[],
    };

    /// Whether the body is described, so that members outside it are refused.
    pub fn describes_body(&self) -> bool {
        !self.body.is_empty()
    }
}

/// An integer member of the query or the body and the values its page allows, inclusive.
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    /// The member, by JSON Pointer from the query's or the body's root.
    pub member: &'static str,
    pub min: i64,
    pub max: i64,
}

impl Call {
    /// The call with its path's `{name}` segments described.
    pub const fn path_params(mut self, fields: &'static [Field]) -> Call {
        self.params.path = fields;
        self
    }

    /// The call with its query described.
    pub const fn query_params(mut self, fields: &'static [Field]) -> Call {
        self.params.query = fields;
        self
    }

    /// The call with its body and the rules between its members described.
    pub const fn body_params(mut self, fields: &'static [Field], rules: &'static [Rule]) -> Call {
        self.params.body = fields;
        self.params.rules = rules;
        self
    }

    /// The call with rules between its query's members.
    pub const fn query_rules(mut self, rules: &'static [Rule]) -> Call {
        self.params.query_rules = rules;
        self
    }

    /// The call with query or body members that, when sent, must be the contract's.
    pub const fn matched(mut self, members: &'static [&'static str]) -> Call {
        self.params.matched = members;
        self
    }

    /// The call with integer bounds on members of its query or body.
    pub const fn bounded(mut self, bounds: &'static [Bound]) -> Call {
        self.params.bounds = bounds;
        self
    }
}

/// What a documented call does.
#[derive(Clone, Copy, Debug)]
pub enum Act {
    /// Answers the contract's members.
    Query,
    /// Answers these members of the contract instead of the kind's: a query whose page answers
    /// otherwise than the kind's other query (individual payees by OpenID).
    QueryAs(&'static [(&'static str, Member)]),
    /// Answers the contract's members while it is in force: a terminated contract is not found,
    /// where its page says so (education renewal: "如果对应签约状态为“已解约”,返回明确错误码").
    QueryInForce,
    /// Answers the user's contracts under the plan: `{"data": [...], "total_count", "offset",
    /// "limit"}`, those signed (`contract_status` ADD, the default), terminated (DELETE) or both
    /// (ALL, where the page has it); `contract_status` filters, it is not a member to match.
    /// Signed contracts come first; the query's `offset` and `limit` (0 and 20 when absent) page
    /// them and are echoed ("请求参数原样返回").
    /// `links`: the page's envelope also has `links.self`, the request's target.
    /// `aligned`: `offset` must be a multiple of `limit` ("请保持为分页大小limit的整数倍").
    List { links: bool, aligned: bool },
    /// Answers a page of the items the contract's pre-sign gave in its array member `items`,
    /// each with the members `keep` and `state` fixed: `{"data", "limit", "offset",
    /// "total_count"}`, from the query's `offset` (default 0), at most its `limit` (default
    /// `default_limit`); an offset past the last item answers an empty `data`.
    Page {
        items: &'static str,
        keep: &'static [&'static str],
        state: (&'static str, &'static str),
        default_limit: u64,
    },
    /// Changes the contract in force as `apply` says of the call's body, then tells the merchant
    /// with `event` where the family sends one (insurance's policy periods, modified or renewed).
    Change {
        apply: fn(&Contract, &Value, u64) -> Result<Changed, Refusal>,
        event: Option<&'static Event>,
    },
    /// Terminates the contract. `remark` is the body member the page requires; `answer` what the
    /// page answers.
    Terminate {
        remark: Option<&'static str>,
        answer: Answer,
    },
}

/// What a change of a contract makes of it: the pre-sign request's members it replaces, and
/// what the call answers (`None`: 204 No Content).
#[derive(Debug)]
pub(crate) struct Changed {
    pub members: Map<String, Value>,
    pub answer: Option<Value>,
    /// The change counts against the contract's limit of changes (insurance's modifications).
    pub counted: bool,
}

/// What a termination answers.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    /// 204 No Content.
    NoContent,
    /// These members of the contract (the page's 200 echoes them).
    Members(&'static [&'static str]),
    /// The whole contract, as a query answers it.
    Contract,
    /// The whole contract, as the member of that name.
    Wrapped(&'static str),
}

impl Answer {
    /// What a termination answers, given the contract as a query answers it: `None` for 204.
    pub fn render(self, view: Value) -> Option<Value> {
        match self {
            Answer::NoContent => None,
            Answer::Members(names) => Some(Value::Object(
                names
                    .iter()
                    .filter_map(|n| Some(((*n).to_owned(), view.get(*n)?.clone())))
                    .collect(),
            )),
            Answer::Contract => Some(view),
            Answer::Wrapped(name) => Some(json!({ name: view })),
        }
    }
}

/// A GET on the contract at `path`.
pub(crate) const fn query(
    path: &'static str,
    query: &'static [&'static str],
    page: &'static str,
) -> Call {
    Call {
        method: "GET",
        path,
        query,
        body: &[],
        act: Act::Query,
        page,
        params: Params::NONE,
    }
}

/// A POST terminating the contract at `path`.
pub(crate) const fn terminate(
    path: &'static str,
    body: &'static [&'static str],
    remark: &'static str,
    answer: Answer,
    page: &'static str,
) -> Call {
    Call {
        method: "POST",
        path,
        query: &[],
        body,
        act: Act::Terminate {
            remark: Some(remark),
            answer,
        },
        page,
        params: Params::NONE,
    }
}

/// The notification a family sends when a contract is signed or terminated.
#[derive(Debug)]
pub struct Event {
    pub event_type: &'static str,
    pub original_type: &'static str,
    pub summary: &'static str,
    /// The decrypted resource's members, as the contract has them when the event is sent.
    pub resource: &'static [(&'static str, Member)],
    /// The waits between deliveries after a failed one, in seconds, as the product's page gives.
    pub retry_secs: &'static [u64],
}

/// The path of a call on an entrusted-deduction contract by its code: "plan_id 必填 integer",
/// "out_contract_code 必填 string(32)"
/// (https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-get-contract-by-code.html).
pub(crate) const BY_CONTRACT_CODE: &[Field] = &[
    integer("plan_id").required(),
    string("out_contract_code").required().max(32),
];

/// The termination remark of the entrusted-deduction pages, 必填. Their length is not on what
/// could be read of them; string(256) is their siblings' (combined deduction 4012884072,
/// password-free 4012715383), see docs/where-sources-disagree.md.
pub(crate) const TERMINATION_REMARK: Field =
    string("contract_termination_remark").required().max(256);

/// WeChat Pay's retry schedule after a failed delivery, in seconds: 15 tries over about 24 hours.
pub const RETRY_SCHEDULE_SECS: [u64; 15] = [
    15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
];

/// Entrusted payment and insurance: "如果在所有通知频率(4小时)后没有收到微信侧回调"
/// (https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/contract-alter-notify.html).
/// The page gives the span, not the waits: the payment schedule's first ten, which fit in 4 hours.
pub(crate) const ENTRUSTED_RETRY_SECS: &[u64] = RETRY_SCHEDULE_SECS.split_at(10).0;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pre-sign of the table has its sandbox behaviour in its family's file, answering
    /// the members the table names, in its order, and opening sessions that last.
    #[test]
    fn every_table_presign_has_its_sandbox_behaviour() {
        for endpoint in endpoints::presigns() {
            let presign = presign(endpoint)
                .unwrap_or_else(|| panic!("{}: no entry in its family's file", endpoint.path));
            let names: Vec<&str> = presign.answer.iter().map(|(name, _)| *name).collect();
            assert_eq!(names, endpoint.answer, "{}", endpoint.path);
            assert!(presign.session_minutes > 0, "{}", endpoint.path);
            assert!(
                endpoint
                    .request
                    .iter()
                    .any(|f| f.name == presign.fault_field),
                "{}: fault field {} is not a member of the request",
                endpoint.path,
                presign.fault_field
            );
        }
    }

    /// A family file lists only its own family's pre-signs, each once.
    #[test]
    fn every_family_entry_names_a_presign_of_that_family() {
        for endpoint in endpoints::presigns() {
            for entry in behaviour(endpoint.family).presigns {
                let listed = endpoints::find(entry.path)
                    .unwrap_or_else(|| panic!("{}: not in the table", entry.path));
                assert_eq!(listed.family, endpoint.family, "{}", entry.path);
                assert_eq!(listed.stage, endpoints::Stage::Presign, "{}", entry.path);
            }
            let entries = behaviour(endpoint.family)
                .presigns
                .iter()
                .filter(|p| p.path == endpoint.path)
                .count();
            assert_eq!(entries, 1, "{}", endpoint.path);
        }
    }
}
