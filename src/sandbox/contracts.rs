//! The contract a signed session becomes, and the calls WeChat Pay's pages document on it: query
//! it (by the merchant's contract code, by contract id, or a user's contracts) and terminate it.
//! Each family's calls, answer members and states are data, from the page cited beside them;
//! a family whose pages the sandbox does not model answers these paths 404 as an unknown path.

use super::notify::{self, Event, NotificationDelivery};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Where a member of a query's answer comes from.
#[derive(Clone, Copy, Debug)]
pub enum Member {
    /// The first of these pre-sign request members that is present.
    Request(&'static [&'static str]),
    /// The merchant id the sandbox signs as.
    Mchid,
    /// The merchant id, for partner contracts only (a request naming a `sub_mchid`).
    PartnerMchid,
    ContractId,
    /// The state, as the family's page names it: signed, then terminated.
    State(&'static str, &'static str),
    /// The signing time, RFC 3339 in Beijing time.
    SignedTime,
}

/// What a documented call does.
#[derive(Clone, Copy, Debug)]
pub enum Act {
    /// Answers the contract's members.
    Query,
    /// Answers the user's contracts under the plan: `{"data": [...], "total_count", "offset",
    /// "limit"}`, those signed (`contract_status` ADD, the default) or terminated (DELETE).
    List,
    /// Terminates the contract. `remark` is the body member the page requires; `answer` the
    /// members of its 200 answer, or none for 204 No Content.
    Terminate {
        remark: Option<&'static str>,
        answer: &'static [&'static str],
    },
}

/// One call a page documents on a contract.
#[derive(Debug)]
pub struct Call {
    pub method: &'static str,
    /// The path, with `{name}` segments naming the contract's members that identify it.
    pub path: &'static str,
    /// Query members the page requires; each must equal the contract's member of that name.
    pub query: &'static [&'static str],
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

use Member::{ContractId, Mchid, PartnerMchid, Request, SignedTime, State};

/// The families whose contract calls the sandbox answers.
pub static FAMILIES: &[Family] = &[
    Family {
        prefixes: &["v3/global/papay/"],
        calls: &[
            Call {
                method: "GET",
                path: "/v3/global/papay/contracts/out-contract-code/{out_contract_code}",
                query: &["plan_id"],
                act: Act::Query,
                page: "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_3.shtml",
            },
            Call {
                method: "GET",
                path: "/v3/global/papay/contracts/{contract_id}",
                query: &[],
                act: Act::Query,
                page: "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_2.shtml",
            },
            Call {
                method: "POST",
                path: "/v3/global/papay/contracts/{contract_id}/terminate",
                query: &[],
                act: Act::Terminate {
                    remark: Some("termination_note"),
                    answer: &[],
                },
                page: "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_4.shtml",
            },
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
            Call {
                method: "GET",
                path: "/v3/ecommerce/combine-papay/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
                query: &[],
                act: Act::Query,
                page: "https://pay.weixin.qq.com/doc/v3/partner/4012884060",
            },
            Call {
                method: "POST",
                path: "/v3/ecommerce/combine-papay/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}/terminate",
                query: &[],
                act: Act::Terminate {
                    remark: Some("contract_termination_remark"),
                    answer: &["mchid", "plan_id", "out_contract_code"],
                },
                page: "https://pay.weixin.qq.com/doc/v3/partner/4012884072",
            },
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
            ("contract_state", State("SIGNED", "TERMINATED")),
            ("contract_signed_time", SignedTime),
        ],
        not_found: "RESOURCE_NOT_EXISTS",
        terminated: None,
    },
    Family {
        prefixes: &["v3/papay/insurance-sign/"],
        calls: &[Call {
            method: "GET",
            path: "/v3/papay/insurance-sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
            query: &[],
            act: Act::Query,
            page: "https://pay.weixin.qq.com/doc/v3/merchant/4016724540",
        }],
        members: &[
            ("mchid", Mchid),
            ("contract_id", ContractId),
            ("appid", Request(&["appid"])),
            ("plan_id", Request(&["plan_id"])),
            ("out_contract_code", Request(&["out_contract_code"])),
            ("insured_display_name", Request(&["insured_display_name"])),
            ("contract_state", State("SIGNED", "TERMINATED")),
        ],
        not_found: "RESOURCE_NOT_EXISTS",
        terminated: None,
    },
    Family {
        // Partner contracts of scheduled deduction and papay/sign: the query names
        // the sub-merchant, so a direct merchant's contract is not found here.
        prefixes: &["v3/papay/"],
        calls: &[Call {
            method: "GET",
            path: "/v3/papay/sign/partner/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
            query: &["sub_mchid"],
            act: Act::Query,
            page: "https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-get-contract-by-code.html",
        }],
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
            // The states of the same product's direct query page,
            // https://pay.weixin.qq.com/doc/v3/merchant/4013844122.
            ("contract_state", State("SIGNED", "TERMINATED")),
            ("contract_signed_time", SignedTime),
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
                act: Act::List,
                page: "https://pay.weixin.qq.com/docs/partner/apis/education-fee-payment/contracts/list-user-contracts.html",
            },
            Call {
                method: "DELETE",
                path: "/v3/edu-papay/contracts/{contract_id}",
                query: &[],
                act: Act::Terminate {
                    remark: None,
                    answer: &[],
                },
                page: "https://pay.weixin.qq.com/docs/partner/apis/education-fee-payment/contracts/delete-contract.html",
            },
        ],
        // The signing notification's members, and the contract's id and time.
        members: &[
            ("contract_id", ContractId),
            ("mchid", Mchid),
            ("appid", Request(&["appid"])),
            ("openid", Request(&["openid"])),
            ("plan_id", Request(&["plan_id"])),
            ("sub_mchid", Request(&["sub_mchid"])),
            ("sub_appid", Request(&["sub_appid"])),
            ("sub_openid", Request(&["sub_openid"])),
            ("contract_signed_time", SignedTime),
        ],
        // "404 NOT_FOUND 请求的资源不存在" (the delete page's error table).
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
    /// termination to the address configured with the plan; the sandbox has only this one).
    pub notify_url: String,
    /// The termination notification, once terminated where the family sends one.
    pub termination: Option<Arc<NotificationDelivery>>,
}

impl Contract {
    pub fn family(&self) -> Option<&'static Family> {
        family_of(self.endpoint)
    }

    /// The member `name` as `family` answers it, when the contract has it.
    fn member(&self, family: &Family, name: &str, mchid: &str) -> Option<Value> {
        let (_, source) = family.members.iter().find(|(n, _)| *n == name)?;
        match source {
            Request(names) => names.iter().find_map(|n| self.request.get(*n)).cloned(),
            Mchid => Some(mchid.into()),
            PartnerMchid => self.request.get("sub_mchid").map(|_| mchid.into()),
            ContractId => Some(self.id.clone().into()),
            State(signed, terminated) => Some(
                if self.terminated.is_some() {
                    terminated
                } else {
                    signed
                }
                .to_owned()
                .into(),
            ),
            SignedTime => Some(notify::beijing_rfc3339(self.signed_at).into()),
        }
    }

    /// The answer to a query: the family's members the contract has.
    pub fn view(&self, family: &Family, mchid: &str) -> Value {
        let members: Map<String, Value> = family
            .members
            .iter()
            .filter_map(|(name, _)| Some(((*name).to_owned(), self.member(family, name, mchid)?)))
            .collect();
        Value::Object(members)
    }

    /// Whether the contract has `value` as its member `name` (numbers and strings compare by
    /// their text: a plan id is a number in some requests and always text in a path).
    pub fn has(&self, family: &Family, name: &str, value: &str, mchid: &str) -> bool {
        match self.member(family, name, mchid) {
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

/// The answer to a list call: `contracts` in the page's envelope.
pub fn list_answer(contracts: Vec<Value>) -> Value {
    let total = contracts.len();
    json!({ "data": contracts, "total_count": total, "offset": 0, "limit": 20 })
}
