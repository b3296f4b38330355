//! 教育续费通 (education renewal) and 校园轻松付 (campus easy pay) in the sandbox: their
//! contracts, and education renewal's ENTRUST.SIGNING (campus easy pay publishes no payload).

use super::Member::{ContractId, Mchid, Object, Request, SignedTime, State};
use super::{
    APPID, Act, Answer, Behaviour, Call, ContractKind, Event, OPENID, Presign, Source, query,
};

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
            signed: None,
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
            act: Act::List { links: false },
            params: super::Params::NONE,
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
            params: super::Params::NONE,
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
};

static SCHOOL_PAY: ContractKind = ContractKind {
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
            params: super::Params::NONE,
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
            params: super::Params::NONE,
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
};

/// Education renewal: "1/60/60/60/60/60/60/60/60/60/60/300/.../300", the first delivery at once
/// and 20 retries (https://pay.weixin.qq.com/docs/partner/apis/education-fee-payment/contracts-result-notification.html).
const EDU_PAPAY_RETRY_SECS: [u64; 20] = [
    60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300,
];

static SIGNED: Event = Event {
    retry_secs: &EDU_PAPAY_RETRY_SECS,
    event_type: "ENTRUST.SIGNING",
    original_type: "entrust",
    summary: "签约成功",
    resource: &[
        ("sp_mchid", Mchid),
        ("appid", APPID),
        ("openid", OPENID),
        ("plan_id", Request(&["plan_id"])),
        ("sub_mchid", Request(&["sub_mchid"])),
        ("sub_appid", Request(&["sub_appid"])),
        ("sub_openid", Request(&["sub_openid"])),
    ],
};
