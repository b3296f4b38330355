//! The contract a signed session becomes, and the calls WeChat Pay's pages document on it: query
//! it (by the merchant's contract code, by contract id, or a user's contracts) and terminate it,
//! with the notification the family sends when it is terminated. Each family's calls, answer
//! members and states are data, from the page cited beside them; a family whose pages the
//! sandbox does not model answers these paths 404 as an unknown path.
//!
//! Where a page's answer table was read from its transcription at wechatpay.im (the
//! wechatpay-im/website repository, which links each table to its official page), the official
//! page is cited.

use super::notify::{self, Event, NotificationDelivery};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Where a member of an answer or a notification's resource comes from; a member whose source
/// has nothing for the contract is left out.
#[derive(Clone, Copy, Debug)]
pub enum Member {
    /// The first of these pre-sign request members that is present; `a/b` names member `b` of
    /// object `a`.
    Request(&'static [&'static str]),
    /// The first of these request members, as an integer (a page that takes an amount as text
    /// and answers it as a number).
    RequestInteger(&'static [&'static str]),
    /// The merchant id the sandbox signs as.
    Mchid,
    /// The merchant id, for partner contracts only (a request naming a `sub_mchid`).
    PartnerMchid,
    ContractId,
    /// The state, as the family's page names it: signed, then terminated.
    State(&'static str, &'static str),
    /// The signing time, RFC 3339 in Beijing time.
    SignedTime,
    /// Ten years after signing, the sandbox's expiry for every contract.
    ExpiredTime,
    /// The time of the last change: the termination, else the signing.
    OperateTime,
    /// The termination time, once terminated.
    TerminatedTime,
    /// The remark the termination gave, once terminated.
    TerminationRemark,
    Fixed(&'static str),
    /// An object of these members.
    Object(&'static [(&'static str, Member)]),
    /// An object of these members, once terminated.
    Terminated(&'static [(&'static str, Member)]),
    /// An object of these members, when the request has the member named first.
    Given(&'static str, &'static [(&'static str, Member)]),
}

/// What a documented call does.
#[derive(Clone, Copy, Debug)]
pub enum Act {
    /// Answers the contract's members.
    Query,
    /// Answers the user's contracts under the plan: `{"data": [...], "total_count", "offset",
    /// "limit"}`, those signed (`contract_status` ADD, the default), terminated (DELETE) or both
    /// (ALL, where the page has it); `contract_status` filters, it is not a member to match.
    /// `links`: the page's envelope also has `links.self`, the request's target.
    List { links: bool },
    /// Terminates the contract. `remark` is the body member the page requires; `answer` what the
    /// page answers.
    Terminate {
        remark: Option<&'static str>,
        answer: Answer,
    },
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
}

/// A product family's contracts.
#[derive(Debug)]
pub struct Family {
    /// The pre-sign endpoints whose contracts these are: paths starting with one of these.
    pub prefixes: &'static [&'static str],
    pub calls: &'static [Call],
    /// A query's answer, in the page's order.
    pub members: &'static [(&'static str, Member)],
    /// The code of a 404 for a contract that is not there.
    pub not_found: &'static str,
    /// The notification sent when the contract is terminated, where the pages publish one.
    pub terminated: Option<&'static Event>,
}

use Member::{
    ContractId, ExpiredTime, Fixed, Given, Mchid, Object, OperateTime, PartnerMchid, Request,
    RequestInteger, SignedTime, State, Terminated, TerminatedTime, TerminationRemark,
};

/// `contract_terminate_info` of the entrusted-deduction pages: how, when and why, once
/// terminated. A termination through these calls is `MCH_API_TERMINATE` ("商户API解约").
pub const TERMINATE_INFO: Member = Terminated(&[
    ("contract_termination_mode", Fixed("MCH_API_TERMINATE")),
    ("contract_terminated_time", TerminatedTime),
    ("contract_termination_remark", TerminationRemark),
]);

/// `deduct_schedule` of the scheduled-deduction pages, for a contract signed with one: the date
/// and amount the pre-sign gave, no deduction scheduled yet ("NO_SCHEDULED").
pub const DEDUCT_SCHEDULE: Member = Given(
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
        ("schedule_state", Fixed("NO_SCHEDULED")),
    ],
);

/// The signed-or-terminated state of the entrusted-deduction pages.
pub const CONTRACT_STATE: Member = State("SIGNED", "TERMINATED");

/// A GET on the contract at `path`.
const fn query(path: &'static str, query: &'static [&'static str], page: &'static str) -> Call {
    Call {
        method: "GET",
        path,
        query,
        body: &[],
        act: Act::Query,
        page,
    }
}

/// A POST terminating the contract at `path`.
const fn terminate(
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
    }
}

/// The families whose contract calls the sandbox answers.
pub static FAMILIES: &[Family] = &[
    Family {
        prefixes: &["v3/global/papay/"],
        calls: &[
            query(
                "/v3/global/papay/contracts/out-contract-code/{out_contract_code}",
                &["plan_id"],
                "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_3.shtml",
            ),
            query(
                "/v3/global/papay/contracts/{contract_id}",
                &[],
                "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_2.shtml",
            ),
            terminate(
                "/v3/global/papay/contracts/{contract_id}/terminate",
                &[],
                "termination_note",
                Answer::NoContent,
                "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_4.shtml",
            ),
        ],
        // The pages' members, as far as the signing notification carries them too.
        members: &[
            ("mchid", Mchid),
            ("appid", Request(&["appid"])),
            ("sp_mchid", PartnerMchid),
            ("sub_mchid", Request(&["sub_mchid"])),
            ("sp_appid", Request(&["sp_appid"])),
            ("sub_appid", Request(&["sub_appid"])),
            ("out_contract_code", Request(&["out_contract_code"])),
            ("plan_id", Request(&["plan_id"])),
            ("contract_id", ContractId),
            ("openid", Request(&["openid", "sp_openid", "sub_openid"])),
        ],
        not_found: "RESOURCE_NOT_EXISTS",
        terminated: Some(&notify::CROSS_BORDER_TERMINATED),
    },
    Family {
        prefixes: &["v3/ecommerce/combine-papay/"],
        calls: &[
            query(
                "/v3/ecommerce/combine-papay/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
                &[],
                "https://pay.weixin.qq.com/doc/v3/partner/4012884060",
            ),
            terminate(
                "/v3/ecommerce/combine-papay/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}/terminate",
                &[],
                "contract_termination_remark",
                Answer::Members(&["mchid", "plan_id", "out_contract_code"]),
                "https://pay.weixin.qq.com/doc/v3/partner/4012884072",
            ),
        ],
        members: &[
            ("mchid", Mchid),
            ("contract_id", ContractId),
            ("appid", Request(&["appid"])),
            ("plan_id", Request(&["plan_id"])),
            ("out_contract_code", Request(&["out_contract_code"])),
            (
                "contract_display_account",
                Request(&["contract_display_account"]),
            ),
            ("contract_state", CONTRACT_STATE),
            ("contract_signed_time", SignedTime),
            ("contract_expired_time", ExpiredTime),
            ("contract_terminate_info", TERMINATE_INFO),
            ("openid", Request(&["openid"])),
        ],
        not_found: "RESOURCE_NOT_EXISTS",
        terminated: Some(&notify::ECOMMERCE_TERMINATED),
    },
    Family {
        prefixes: &["v3/papay/insurance-sign/"],
        calls: &[
            query(
                "/v3/papay/insurance-sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
                &[],
                "https://pay.weixin.qq.com/doc/v3/merchant/4016724540",
            ),
            terminate(
                "/v3/papay/insurance-sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}/terminate",
                &[],
                "contract_termination_remark",
                Answer::Contract,
                "https://pay.weixin.qq.com/doc/v3/merchant/4016724542",
            ),
        ],
        members: &[
            ("mchid", Mchid),
            ("contract_id", ContractId),
            ("appid", Request(&["appid"])),
            ("plan_id", Request(&["plan_id"])),
            ("out_contract_code", Request(&["out_contract_code"])),
            ("insured_display_name", Request(&["insured_display_name"])),
            ("contract_state", CONTRACT_STATE),
            ("contract_signed_time", SignedTime),
            ("contract_expired_time", ExpiredTime),
            ("contract_terminate_info", TERMINATE_INFO),
            ("openid", Request(&["openid"])),
            ("out_user_code", Request(&["out_user_code"])),
        ],
        not_found: "RESOURCE_NOT_EXISTS",
        terminated: Some(&notify::INSURANCE_TERMINATED),
    },
    Family {
        // A direct merchant's scheduled deduction and papay/sign contracts.
        prefixes: &[
            "v3/papay/scheduled-deduct-sign/contracts/",
            "v3/papay/sign/contracts/",
        ],
        calls: &[
            query(
                "/v3/papay/sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
                &[],
                "https://pay.weixin.qq.com/doc/v3/merchant/4012489245",
            ),
            terminate(
                "/v3/papay/sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}/terminate",
                &[],
                "contract_termination_remark",
                Answer::Contract,
                "https://pay.weixin.qq.com/doc/v3/merchant/4012489295",
            ),
        ],
        members: &[
            ("mchid", Mchid),
            ("contract_id", ContractId),
            ("appid", Request(&["appid"])),
            ("plan_id", Request(&["plan_id"])),
            ("out_contract_code", Request(&["out_contract_code"])),
            (
                "contract_display_account",
                Request(&["contract_display_account"]),
            ),
            ("contract_state", CONTRACT_STATE),
            ("contract_signed_time", SignedTime),
            ("contract_expired_time", ExpiredTime),
            ("openid", Request(&["openid"])),
            ("contract_terminate_info", TERMINATE_INFO),
            ("out_user_code", Request(&["out_user_code"])),
            ("deduct_schedule", DEDUCT_SCHEDULE),
        ],
        not_found: "RESOURCE_NOT_EXISTS",
        terminated: Some(&notify::ENTRUST_TERMINATED),
    },
    Family {
        // A partner's scheduled deduction contracts: the calls name the sub-merchant, which must
        // be the contract's.
        prefixes: &["v3/papay/scheduled-deduct-sign/partner/"],
        calls: &[
            query(
                "/v3/papay/sign/partner/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
                &["sub_mchid"],
                "https://pay.weixin.qq.com/doc/v3/partner/4012489483",
            ),
            terminate(
                "/v3/papay/sign/partner/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}/terminate",
                &["sub_mchid"],
                "contract_termination_remark",
                Answer::Contract,
                "https://pay.weixin.qq.com/doc/v3/partner/4012489491",
            ),
        ],
        members: &[
            ("contract_id", ContractId),
            ("sp_mchid", PartnerMchid),
            ("sp_appid", Request(&["sp_appid"])),
            ("sub_mchid", Request(&["sub_mchid"])),
            ("sub_appid", Request(&["sub_appid"])),
            ("plan_id", Request(&["plan_id"])),
            ("out_contract_code", Request(&["out_contract_code"])),
            (
                "contract_display_account",
                Request(&["contract_display_account"]),
            ),
            ("contract_state", CONTRACT_STATE),
            ("contract_signed_time", SignedTime),
            ("contract_expired_time", ExpiredTime),
            ("sp_openid", Request(&["sp_openid"])),
            ("sub_openid", Request(&["sub_openid"])),
            ("contract_terminate_info", TERMINATE_INFO),
            ("deduct_schedule", DEDUCT_SCHEDULE),
        ],
        not_found: "RESOURCE_NOT_EXISTS",
        terminated: Some(&notify::ENTRUST_TERMINATED),
    },
    Family {
        prefixes: &["v3/credit-repayment/"],
        calls: &[
            query(
                "/v3/credit-repayment/partner/contracts/{out_contract_code}",
                &[],
                "https://pay.weixin.qq.com/doc/v3/partner/4016125810",
            ),
            terminate(
                "/v3/credit-repayment/partner/contracts/terminate",
                &["out_contract_code"],
                "contract_termination_remark",
                Answer::Wrapped("contract_info"),
                "https://pay.weixin.qq.com/doc/v3/partner/4016125830",
            ),
        ],
        members: &[
            ("contract_id", ContractId),
            ("plan_id", Request(&["plan_id"])),
            ("out_contract_code", Request(&["out_contract_code"])),
            ("display_name", Request(&["display_name"])),
            (
                "contract_state",
                State("CONTRACT_STATE_EFFECTIVE", "CONTRACT_STATE_TERMINATED"),
            ),
            ("contract_signed_time", SignedTime),
            ("contract_terminated_time", TerminatedTime),
            (
                "contract_terminated_mode",
                State("TERMINATION_MODE_INVALID", "TERMINATION_MODE_BY_MERCHANT"),
            ),
            ("contract_termination_remark", TerminationRemark),
            ("repayment_day", Request(&["repayment_day"])),
            ("openid", Request(&["openid"])),
            ("appid", Request(&["appid"])),
            (
                "repayment_amount_limit",
                RequestInteger(&["repayment_amount_limit"]),
            ),
        ],
        not_found: "RESOURCE_NOT_EXISTS",
        terminated: Some(&notify::CREDIT_REPAYMENT_TERMINATED),
    },
    Family {
        // E-commerce individual payees: the authorization the user signed, by the platform's
        // application number. Its real-name result (an access token) is not modelled.
        prefixes: &["v3/ecommerce/individual-contracts/"],
        calls: &[query(
            "/v3/ecommerce/individual-contracts/out-contract-code/{out_contract_code}",
            &["appid"],
            "https://pay.weixin.qq.com/doc/v3/partner/4015851492",
        )],
        members: &[
            ("individual_auth_id", ContractId),
            ("signed_time", SignedTime),
            ("auth_state", State("AUTHORIZED", "UNAUTHORIZED")),
            ("individual_openid", Request(&["openid"])),
        ],
        not_found: "RESOURCE_NOT_EXISTS",
        terminated: None,
    },
    Family {
        // Password-free payment: the same calls for merchants
        // (https://pay.weixin.qq.com/doc/v3/merchant/4012472855 and
        // https://pay.weixin.qq.com/docs/merchant/apis/password-free-contract/contracts/terminate-by-code.html)
        // and partners (cited below). No termination notification is published.
        prefixes: &["v3/password-exempt-contract/"],
        calls: &[
            query(
                "/v3/password-exempt-contract/contracts/service-id/{service_id}/out-contract-code/{out_contract_code}",
                &[],
                "https://pay.weixin.qq.com/doc/v3/partner/4012715321",
            ),
            terminate(
                "/v3/password-exempt-contract/contracts/service-id/{service_id}/out-contract-code/{out_contract_code}/terminate",
                &[],
                "contract_termination_remark",
                Answer::Members(&["mchid", "service_id", "out_contract_code"]),
                "https://pay.weixin.qq.com/doc/v3/partner/4012715383",
            ),
        ],
        members: &[
            ("mchid", Mchid),
            ("contract_id", ContractId),
            ("appid", Request(&["appid", "sp_appid"])),
            ("openid", Request(&["openid", "sp_openid"])),
            ("sub_appid", Request(&["sub_appid"])),
            ("sub_openid", Request(&["sub_openid"])),
            ("service_id", Request(&["service_id"])),
            ("out_contract_code", Request(&["out_contract_code"])),
            (
                "contract_display_account",
                Request(&["contract_display_account"]),
            ),
            ("contract_state", CONTRACT_STATE),
            ("contract_signed_time", SignedTime),
            ("contract_terminate_info", TERMINATE_INFO),
        ],
        not_found: "RESOURCE_NOT_EXISTS",
        terminated: None,
    },
    Family {
        prefixes: &["v3/edu-papay/"],
        calls: &[
            Call {
                method: "GET",
                path: "/v3/edu-papay/user/{openid}/contracts",
                query: &["appid", "plan_id"],
                body: &[],
                act: Act::List { links: false },
                page: "https://pay.weixin.qq.com/doc/v3/partner/4012489548",
            },
            query(
                "/v3/edu-papay/contracts/id/{contract_id}",
                &["appid"],
                "https://pay.weixin.qq.com/doc/v3/partner/4012465367",
            ),
            Call {
                method: "DELETE",
                path: "/v3/edu-papay/contracts/{contract_id}",
                query: &[],
                body: &[],
                act: Act::Terminate {
                    remark: None,
                    answer: Answer::NoContent,
                },
                page: "https://pay.weixin.qq.com/doc/v3/partner/4012465374",
            },
        ],
        members: &[
            ("sp_mchid", Mchid),
            ("appid", Request(&["appid"])),
            ("sub_mchid", Request(&["sub_mchid"])),
            ("sub_appid", Request(&["sub_appid"])),
            ("openid", Request(&["openid"])),
            ("sub_openid", Request(&["sub_openid"])),
            ("plan_id", Request(&["plan_id"])),
            (
                "contract_information",
                Object(&[
                    ("contract_id", ContractId),
                    ("contract_status", State("ADD", "DELETE")),
                    ("create_time", SignedTime),
                ]),
            ),
        ],
        // "404 NOT_FOUND 请求的资源不存在" (the delete page's error table).
        not_found: "NOT_FOUND",
        terminated: None,
    },
    Family {
        // Campus easy pay.
        prefixes: &["v3/eduschoolpay/"],
        calls: &[
            query(
                "/v3/eduschoolpay/contracts/{contract_id}",
                &[],
                "https://pay.weixin.qq.com/doc/v3/partner/4012468959",
            ),
            Call {
                method: "GET",
                path: "/v3/eduschoolpay/users/{openid}/contracts",
                query: &["plan_id", "contract_status"],
                body: &[],
                act: Act::List { links: true },
                page: "https://pay.weixin.qq.com/doc/v3/partner/4012468993",
            },
            Call {
                method: "POST",
                path: "/v3/eduschoolpay/contracts/{contract_id}/terminate",
                query: &[],
                body: &[],
                act: Act::Terminate {
                    remark: None,
                    answer: Answer::NoContent,
                },
                page: "https://pay.weixin.qq.com/doc/v3/partner/4012469025",
            },
        ],
        members: &[
            ("contract_id", ContractId),
            ("mchid", Mchid),
            ("appid", Request(&["appid"])),
            ("openid", Request(&["openid"])),
            ("plan_id", Request(&["plan_id"])),
            ("contract_status", State("ADD", "DELETE")),
            ("create_time", SignedTime),
            ("out_contract_code", Request(&["out_contract_code"])),
        ],
        // "404 NOT_FOUND 未找到对应合约" (the terminate page's error table).
        not_found: "NOT_FOUND",
        terminated: None,
    },
];

/// A contract the sandbox holds: what the user signed, and whether it still holds.
#[derive(Clone, Debug)]
pub struct Contract {
    pub id: String,
    /// The pre-sign endpoint it was signed through.
    pub endpoint: &'static str,
    pub request: Value,
    pub signed_at: u64,
    /// When it was terminated, and the remark given.
    pub terminated: Option<(u64, Option<String>)>,
    /// Where its notifications go: the signing notification's URL (WeChat Pay sends the
    /// termination to the address configured with the plan; the sandbox has only this one),
    /// when the request has one.
    pub notify_url: Option<String>,
    /// The termination notification, once terminated where the family sends one.
    pub termination: Option<Arc<NotificationDelivery>>,
}

impl Contract {
    pub fn family(&self) -> Option<&'static Family> {
        family_of(self.endpoint)
    }

    /// The value `source` gives this contract, when it has one.
    fn value(&self, source: &Member, mchid: &str) -> Option<Value> {
        let first = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| self.request.pointer(&format!("/{n}")))
                .cloned()
        };
        let terminated = self.terminated.as_ref();
        match source {
            Request(names) => first(names),
            RequestInteger(names) => match first(names)? {
                Value::String(s) => s.parse::<i64>().ok().map(Value::from),
                other => Some(other),
            },
            Mchid => Some(mchid.into()),
            PartnerMchid => self.request.get("sub_mchid").map(|_| mchid.into()),
            ContractId => Some(self.id.clone().into()),
            State(signed, ended) => Some(
                if terminated.is_some() {
                    *ended
                } else {
                    *signed
                }
                .into(),
            ),
            SignedTime => Some(notify::beijing_rfc3339(self.signed_at).into()),
            ExpiredTime => Some(notify::beijing_rfc3339(self.signed_at + 10 * 365 * 86_400).into()),
            OperateTime => Some(
                notify::beijing_rfc3339(terminated.map_or(self.signed_at, |(at, _)| *at)).into(),
            ),
            TerminatedTime => terminated.map(|(at, _)| notify::beijing_rfc3339(*at).into()),
            TerminationRemark => terminated.and_then(|(_, r)| r.clone()).map(Value::from),
            Fixed(v) => Some((*v).into()),
            Object(members) => Some(Value::Object(self.members(members, mchid))),
            Terminated(members) => terminated.map(|_| Value::Object(self.members(members, mchid))),
            Given(name, members) => self
                .request
                .get(*name)
                .map(|_| Value::Object(self.members(members, mchid))),
        }
    }

    /// `members` as this contract has them, in their order.
    pub fn members(&self, members: &[(&'static str, Member)], mchid: &str) -> Map<String, Value> {
        members
            .iter()
            .filter_map(|(name, source)| Some(((*name).to_owned(), self.value(source, mchid)?)))
            .collect()
    }

    /// The answer to a query: the family's members the contract has.
    pub fn view(&self, family: &Family, mchid: &str) -> Value {
        Value::Object(self.members(family.members, mchid))
    }

    /// Whether the contract has `value` as its member `name`: at the top of the family's answer
    /// or in one of its objects, else in the pre-sign request (a page's answer need not repeat
    /// what its path names). Numbers and strings compare by their text: a plan id is a number in
    /// some requests and always text in a path.
    pub fn has(&self, family: &Family, name: &str, value: &str, mchid: &str) -> bool {
        fn find<'a>(members: &'a [(&'static str, Member)], name: &str) -> Option<&'a Member> {
            members.iter().find_map(|(n, source)| match source {
                _ if *n == name => Some(source),
                Object(inner) => find(inner, name),
                _ => None,
            })
        }
        let found = match find(family.members, name) {
            Some(source) => self.value(source, mchid),
            None => self.request.get(name).cloned(),
        };
        match found {
            Some(Value::String(s)) => s == value,
            Some(Value::Number(n)) => n.to_string() == value,
            _ => false,
        }
    }
}

/// The family whose contracts `endpoint` (a pre-sign path) signs.
pub fn family_of(endpoint: &str) -> Option<&'static Family> {
    FAMILIES
        .iter()
        .find(|f| f.prefixes.iter().any(|p| endpoint.starts_with(p)))
}

/// The values a path gives its `{name}` segments, by name.
pub type Identified = Vec<(&'static str, String)>;

/// The documented call `method path` is, with the values of its `{name}` segments.
pub fn call_at(method: &str, path: &str) -> Option<(&'static Family, &'static Call, Identified)> {
    FAMILIES.iter().find_map(|family| {
        family.calls.iter().find_map(|call| {
            (call.method == method)
                .then(|| captures(call.path, path))
                .flatten()
                .map(|found| (family, call, found))
        })
    })
}

/// The `{name}` segments of `template` as `path` fills them, when it matches.
fn captures(template: &'static str, path: &str) -> Option<Identified> {
    let (mut wanted, mut given) = (template.split('/'), path.split('/'));
    let mut found = Vec::new();
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(found),
            (Some(w), Some(g)) => match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(name) if !g.is_empty() => found.push((name, percent_decoded(g)?)),
                Some(_) => return None,
                None if w == g => {}
                None => return None,
            },
            _ => return None,
        }
    }
}

/// A path segment with its %XX escapes decoded; `None` when they do not make UTF-8.
fn percent_decoded(segment: &str) -> Option<String> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// A query string's members, decoded.
pub fn query_members(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((
                percent_decoded(name)?,
                percent_decoded(&value.replace('+', " "))?,
            ))
        })
        .collect()
}

/// The member a list call filters by, `ADD`, `DELETE` or `ALL`.
pub const LIST_STATUS: &str = "contract_status";

/// Whether a list call filtering by `status` (ADD when absent) lists a contract that is
/// `terminated` or not.
pub fn listed(status: Option<&str>, terminated: bool) -> bool {
    match status.unwrap_or("ADD") {
        "ALL" => true,
        "DELETE" => terminated,
        _ => !terminated,
    }
}

/// The answer to a list call: `contracts` in the page's envelope, with `links.self` where the
/// page has it.
pub fn list_answer(contracts: Vec<Value>, links_self: Option<&str>) -> Value {
    let total = contracts.len();
    let mut answer = json!({ "data": contracts, "total_count": total, "offset": 0, "limit": 20 });
    if let Some(target) = links_self {
        answer["links"] = json!({ "self": target });
    }
    answer
}
