//! 教育续费通 (education renewal) and 校园轻松付 (campus easy pay) in the sandbox: their
//! contracts, education renewal's ENTRUST.SIGNING and ENTRUST.RELEASE, and campus easy pay's
//! PAYSCORE.USER_OPEN_SERVICE and PAYSCORE.USER_CLOSE_SERVICE.

use super::Member::{ContractId, Mchid, Object, Request, SignedTime, State};
use super::{
    APPID, Act, Answer, Behaviour, Bound, Call, ContractKind, Event, Member, OPENID, Params,
    Presign, Source, query,
};
use wxpresign::schema::{Field, integer, string};

pub(super) static BEHAVIOUR: Behaviour = Behaviour {
    presigns: &[
        Presign {
            path: "v3/edu-papay/contracts/presign",
            answer: &[("presign_token", Source::SessionId)],
            fault_field: "user_id",
            session_minutes: 10,
            contracts: Some(&EDU_PAPAY),
            signed: Some(&SIGNED),
        },
        Presign {
            path: "v3/eduschoolpay/contracts/presign",
            answer: &[("presign_token", Source::SessionId)],
            fault_field: "out_contract_code",
            session_minutes: 120,
            contracts: Some(&SCHOOL_PAY),
            signed: Some(&SCHOOL_PAY_OPENED),
        },
    ],
};

static EDU_PAPAY: ContractKind = ContractKind {
    calls: &[
        Call {
            method: "GET",
            path: "/v3/edu-papay/user/{openid}/contracts",
            query: &["appid", "plan_id"],
            body: &[],
            act: Act::List {
                links: false,
                aligned: false,
            },
            params: Params {
                path: &[string("openid").required().max(128)],
                query: EDU_PAPAY_LIST,
                body: &[],
                rules: &[],
                query_rules: &[],
                matched: &[],
                // "offset ... 从0开始计数"; the page states no bounds for limit, which cannot be
                // less than one resource.
                bounds: &[
                    Bound {
                        member: "/offset",
                        min: 0,
                        max: i64::MAX,
                    },
                    Bound {
                        member: "/limit",
                        min: 1,
                        max: i64::MAX,
                    },
                ],
            },
            page: "https://pay.weixin.qq.com/doc/v3/partner/4012489548",
        },
        Call {
            // "如果对应签约状态为“已解约”,返回明确错误码": a terminated contract is not found.
            act: Act::QueryInForce,
            ..query(
                "/v3/edu-papay/contracts/id/{contract_id}",
                &["appid"],
                "https://pay.weixin.qq.com/doc/v3/partner/4012465367",
            )
        }
        .path_params(CONTRACT_ID)
        .query_params(EDU_PAPAY_QUERY),
        Call {
            method: "DELETE",
            path: "/v3/edu-papay/contracts/{contract_id}",
            query: &[],
            body: &[],
            act: Act::Terminate {
                remark: None,
                answer: Answer::NoContent,
            },
            params: Params::NONE,
            page: "https://pay.weixin.qq.com/doc/v3/partner/4012465374",
        }
        .path_params(CONTRACT_ID),
        // The pre-deduction notice (发送扣款预通知) is a call of the library's table, answered
        // with the family's money (sandbox/src/money/education.rs).
    ],
    members: &[
        ("sp_mchid", Mchid),
        ("appid", Request(&["appid"])),
        ("sub_mchid", Request(&["sub_mchid"])),
        ("sub_appid", Request(&["sub_appid"])),
        ("openid", Request(&["openid"])),
        ("sub_openid", Request(&["sub_openid"])),
        ("plan_id", Request(&["plan_id"])),
        ("contract_information", CONTRACT_INFORMATION),
    ],
    // "404 NOT_FOUND 请求的资源不存在" (the delete page's error table).
    not_found: "NOT_FOUND",
    terminated: Some(&RELEASED),
    inquiry: None,
    retention: None,
};

static SCHOOL_PAY: ContractKind = ContractKind {
    calls: &[
        query(
            "/v3/eduschoolpay/contracts/{contract_id}",
            &[],
            "https://pay.weixin.qq.com/doc/v3/partner/4012468959",
        )
        .path_params(CONTRACT_ID),
        Call {
            method: "GET",
            path: "/v3/eduschoolpay/users/{openid}/contracts",
            query: &["plan_id", "contract_status"],
            body: &[],
            act: Act::List {
                links: true,
                aligned: true,
            },
            params: Params {
                path: &[string("openid").required().max(128)],
                query: SCHOOL_PAY_LIST,
                body: &[],
                rules: &[],
                query_rules: &[],
                matched: &[],
                // "offset ... 从0开始计数"; "limit ... 默认值为20,最小为1,最大为40".
                bounds: &[
                    Bound {
                        member: "/offset",
                        min: 0,
                        max: i64::MAX,
                    },
                    Bound {
                        member: "/limit",
                        min: 1,
                        max: 40,
                    },
                ],
            },
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
            params: Params::NONE,
            page: "https://pay.weixin.qq.com/doc/v3/partner/4012469025",
        }
        .path_params(CONTRACT_ID),
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
    terminated: Some(&SCHOOL_PAY_CLOSED),
    inquiry: None,
    retention: None,
};

/// "contract_id 必填 string(32)", on every call by contract id of both products
/// (https://pay.weixin.qq.com/doc/v3/partner/4012465367, https://pay.weixin.qq.com/doc/v3/partner/4012468959).
const CONTRACT_ID: &[Field] = &[string("contract_id").required().max(32)];

/// Education renewal's query by id (https://pay.weixin.qq.com/doc/v3/partner/4012465367).
const EDU_PAPAY_QUERY: &[Field] = &[
    string("appid").required().max(32),
    string("sub_mchid").max(32),
    string("sub_appid").max(32),
];

/// Education renewal's list: "contract_status ... ADD-签约(默认); DELETE-解约", no ALL
/// (https://pay.weixin.qq.com/doc/v3/partner/4012489548).
const EDU_PAPAY_LIST: &[Field] = &[
    string("appid").required().max(32),
    string("sub_mchid").max(32),
    string("sub_appid").max(32),
    string("sub_openid").max(128),
    string("plan_id").required().max(32),
    string("contract_status").max(32).one_of(&["ADD", "DELETE"]),
    integer("offset"),
    integer("limit"),
];

/// Campus easy pay's list: "contract_status 必填 ... ADD-已签约; DELETE-已解约; ALL-同时查询已签约和已解约"
/// (https://pay.weixin.qq.com/doc/v3/partner/4012468993).
const SCHOOL_PAY_LIST: &[Field] = &[
    string("plan_id").required().max(32),
    string("contract_status")
        .required()
        .max(32)
        .one_of(&["ADD", "DELETE", "ALL"]),
    integer("offset"),
    integer("limit"),
];

/// Education renewal's `contract_information`: the pages' answers and notifications hold the
/// contract id and status only (https://pay.weixin.qq.com/doc/v3/partner/4012465367).
const CONTRACT_INFORMATION: Member = Object(&[
    ("contract_id", ContractId),
    ("contract_status", State("ADD", "DELETE")),
]);

/// Education renewal and campus easy pay: "1/60/60/60/60/60/60/60/60/60/60/300/.../300", the
/// first delivery at once and 20 retries
/// (https://pay.weixin.qq.com/docs/partner/apis/education-fee-payment/contracts-result-notification.html,
/// https://pay.weixin.qq.com/docs/partner/apis/campus-easy-pay/contracts/sign-result-notice.html).
const EDU_PAPAY_RETRY_SECS: [u64; 20] = [
    60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300,
];

/// "教育续费通用户签约成功" (https://pay.weixin.qq.com/doc/v3/partner/4012160192): the contract id
/// arrives here, and every later call names it.
static SIGNED: Event = Event {
    retry_secs: &EDU_PAPAY_RETRY_SECS,
    event_type: "ENTRUST.SIGNING",
    original_type: "entrust",
    summary: "签约成功",
    resource: EDU_PAPAY_RESOURCE,
};

/// "教育续费通用户解约成功" (https://pay.weixin.qq.com/doc/v3/partner/4012160192): the same
/// members, contract_status DELETE.
static RELEASED: Event = Event {
    retry_secs: &EDU_PAPAY_RETRY_SECS,
    event_type: "ENTRUST.RELEASE",
    original_type: "entrust",
    summary: "解约成功",
    resource: EDU_PAPAY_RESOURCE,
};

const EDU_PAPAY_RESOURCE: &[(&str, Member)] = &[
    ("sp_mchid", Mchid),
    ("appid", APPID),
    ("openid", OPENID),
    ("plan_id", Request(&["plan_id"])),
    ("sub_mchid", Request(&["sub_mchid"])),
    ("sub_appid", Request(&["sub_appid"])),
    ("sub_openid", Request(&["sub_openid"])),
    ("contract_information", CONTRACT_INFORMATION),
];

/// "签约成功-通知类型:PAYSCORE.USER_OPEN_SERVICE"
/// (https://pay.weixin.qq.com/docs/partner/apis/campus-easy-pay/contracts/sign-result-notice.html).
static SCHOOL_PAY_OPENED: Event = Event {
    retry_secs: &EDU_PAPAY_RETRY_SECS,
    event_type: "PAYSCORE.USER_OPEN_SERVICE",
    original_type: "payscore",
    summary: "签约成功",
    resource: SCHOOL_PAY_RESOURCE,
};

/// "解约成功-通知类型:PAYSCORE.USER_CLOSE_SERVICE", the same page.
static SCHOOL_PAY_CLOSED: Event = Event {
    retry_secs: &EDU_PAPAY_RETRY_SECS,
    event_type: "PAYSCORE.USER_CLOSE_SERVICE",
    original_type: "payscore",
    summary: "解约成功",
    resource: SCHOOL_PAY_RESOURCE,
};

/// The campus notifications' resource, every member 必填: the contract as a query answers it.
const SCHOOL_PAY_RESOURCE: &[(&str, Member)] = &[
    ("contract_id", ContractId),
    ("mchid", Mchid),
    ("appid", Request(&["appid"])),
    ("openid", Request(&["openid"])),
    ("plan_id", Request(&["plan_id"])),
    ("contract_status", State("ADD", "DELETE")),
    ("create_time", SignedTime),
    ("out_contract_code", Request(&["out_contract_code"])),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::Contract;
    use serde_json::{Value, json};

    /// A contract of `endpoint` signed from `request`, terminated when `terminated`.
    fn contract(endpoint: &'static str, request: Value, terminated: bool) -> Contract {
        Contract {
            id: "2026000000000001".into(),
            endpoint,
            request,
            signed_at: 1_700_000_000,
            terminated: terminated.then_some((1_700_000_600, None)),
            notify_url: None,
            termination_id: None,
            terminated_by_user: false,
            changed: serde_json::Map::new(),
            changed_at: Vec::new(),
        }
    }

    fn resource(event: &Event, contract: &Contract) -> Value {
        Value::Object(contract.members(event.resource, "1900000109"))
    }

    /// "完成签约后,商户系统接收并保存了微信后台系统回调的签约协议号(contract_id)": ENTRUST.SIGNING
    /// carries contract_information {contract_id, contract_status ADD}
    /// (https://pay.weixin.qq.com/doc/v3/partner/4012160192).
    #[test]
    fn education_signing_names_the_contract_id_and_status() {
        let signed = contract(
            "v3/edu-papay/contracts/presign",
            json!({"appid": "wx1"}),
            false,
        );
        let sent = resource(&SIGNED, &signed);
        assert_eq!(
            sent["contract_information"],
            json!({"contract_id": "2026000000000001", "contract_status": "ADD"})
        );
    }

    /// ENTRUST.RELEASE, "教育续费通用户解约成功", is sent on termination with contract_status DELETE
    /// (https://pay.weixin.qq.com/doc/v3/partner/4012160192).
    #[test]
    fn education_termination_sends_entrust_release() {
        let event = EDU_PAPAY.terminated.expect("a termination notification");
        assert_eq!(event.event_type, "ENTRUST.RELEASE");
        let ended = contract(
            "v3/edu-papay/contracts/presign",
            json!({"appid": "wx1"}),
            true,
        );
        let sent = resource(event, &ended);
        assert_eq!(sent["contract_information"]["contract_status"], "DELETE");
        assert_eq!(sent["appid"], "wx1");
    }

    /// The edu pages' answers hold contract_information {contract_id, contract_status} only
    /// (https://pay.weixin.qq.com/doc/v3/partner/4012465367).
    #[test]
    fn education_answers_no_create_time_in_contract_information() {
        let signed = contract("v3/edu-papay/contracts/presign", json!({}), false);
        let view = signed.view(&EDU_PAPAY, "1900000109");
        assert!(
            view["contract_information"].get("create_time").is_none(),
            "{view}"
        );
    }

    /// Campus easy pay: "签约成功-通知类型:PAYSCORE.USER_OPEN_SERVICE", "解约成功-通知类型:
    /// PAYSCORE.USER_CLOSE_SERVICE", every member the page marks 必填, on
    /// "1/60/60/60/60/60/60/60/60/60/60/300/.../300"
    /// (https://pay.weixin.qq.com/docs/partner/apis/campus-easy-pay/contracts/sign-result-notice.html).
    #[test]
    fn campus_signing_and_termination_are_notified() {
        let opened = BEHAVIOUR.presigns[1]
            .signed
            .expect("a signing notification");
        let closed = SCHOOL_PAY.terminated.expect("a termination notification");
        assert_eq!(opened.event_type, "PAYSCORE.USER_OPEN_SERVICE");
        assert_eq!(closed.event_type, "PAYSCORE.USER_CLOSE_SERVICE");
        let schedule = [&[60; 10][..], &[300; 10][..]].concat();
        assert_eq!(
            (opened.retry_secs, closed.retry_secs),
            (&schedule[..], &schedule[..])
        );
        let request =
            json!({"appid": "wx1", "openid": "o1", "plan_id": "101", "out_contract_code": "C1"});
        let required = [
            "contract_id",
            "mchid",
            "appid",
            "openid",
            "plan_id",
            "contract_status",
            "create_time",
            "out_contract_code",
        ];
        for (event, terminated, status) in [(opened, false, "ADD"), (closed, true, "DELETE")] {
            let sent = resource(
                event,
                &contract(
                    "v3/eduschoolpay/contracts/presign",
                    request.clone(),
                    terminated,
                ),
            );
            for name in required {
                assert!(
                    sent.get(name).is_some(),
                    "{}: {name} missing",
                    event.event_type
                );
            }
            assert_eq!(sent["contract_status"], status);
        }
    }
}
