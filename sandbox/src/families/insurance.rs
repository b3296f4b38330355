//! 委托代扣 · 保险业 (insurance) in the sandbox: its contracts, INSURANCE_ENTRUST.SIGN and
//! INSURANCE_ENTRUST.TERMINATE.

use super::Member::{ContractId, ExpiredTime, Mchid, Request, SignedTime, UserOpenid};
use super::{
    Act, Answer, BY_CONTRACT_CODE, Behaviour, Bound, CONTRACT_STATE, Call, ContractKind,
    ENTRUSTED_RETRY_SECS, Event, Member, Params, Presign, SIGN_MP_APPID, SIGN_MP_PATH, Source,
    TERMINATE_INFO, TERMINATION_REMARK, entry, query, terminate,
};
use wxpresign::schema::integer;

pub(super) static BEHAVIOUR: Behaviour = Behaviour {
    presigns: &[
        insurance(
            "v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi",
            &[("redirect_url", Source::SessionUrl)],
        ),
        insurance(
            "v3/papay/insurance-sign/contracts/pre-entrust-sign/app",
            &[("pre_entrustweb_id", Source::SessionId)],
        ),
        insurance(
            "v3/papay/insurance-sign/contracts/pre-entrust-sign/h5",
            &[("redirect_url", Source::SessionUrl)],
        ),
        insurance(
            "v3/papay/insurance-sign/contracts/pre-entrust-sign/mini-program",
            &[
                ("pre_entrustweb_id", Source::SessionId),
                ("redirect_appid", SIGN_MP_APPID),
                ("redirect_path", SIGN_MP_PATH),
            ],
        ),
    ],
};

const fn insurance(path: &'static str, answer: &'static [(&'static str, Source)]) -> Presign {
    entry(path, answer, 10, Some(&CONTRACTS), Some(&SIGNED))
}

static CONTRACTS: ContractKind = ContractKind {
    calls: &[
        query(
            "/v3/papay/insurance-sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
            &[],
            "https://pay.weixin.qq.com/doc/v3/merchant/4016724540",
        )
        .path_params(BY_CONTRACT_CODE),
        terminate(
            "/v3/papay/insurance-sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}/terminate",
            &[],
            "contract_termination_remark",
            Answer::Contract,
            "https://pay.weixin.qq.com/doc/v3/merchant/4016724542",
        )
        .path_params(BY_CONTRACT_CODE)
        .body_params(&[TERMINATION_REMARK], &[]),
        Call {
            method: "GET",
            path: "/v3/papay/insurance-sign/policy_periods/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
            query: &[],
            body: &[],
            act: Act::Page {
                items: "policy_periods",
                keep: &["policy_period_id", "estimated_deduct_date", "estimated_deduct_amount"],
                // The modify page names the state of a period not yet scheduled, NO_SCHEDULED
                // ("未进行预约", https://pay.weixin.qq.com/doc/v3/merchant/4012987596).
                state: ("policy_period_state", "NO_SCHEDULED"),
                default_limit: 20,
            },
            page: POLICY_PERIODS_PAGE,
            params: Params::NONE,
        }
        .path_params(BY_CONTRACT_CODE)
        .query_params(&[integer("limit"), integer("offset")])
        .bounded(&[
            // "limit 选填 integer 范围[1,120],默认值为20"
            Bound { member: "/limit", min: 1, max: 120 },
            // "offset 选填 integer 从0开始计数…默认值为0"
            Bound { member: "/offset", min: 0, max: i64::MAX },
        ]),
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
        // 必填: known once the user signed, even after an App or H5 pre-sign that names no user.
        ("openid", UserOpenid(&["openid"])),
        ("out_user_code", Request(&["out_user_code"])),
    ],
    not_found: "RESOURCE_NOT_EXISTS",
    terminated: Some(&TERMINATED),
    inquiry: None,
    retention: None,
};

/// 保险商户查询保险扣费周期列表.
const POLICY_PERIODS_PAGE: &str = "https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/insurance/query-policy-periods-by-code.html";

static SIGNED: Event = Event {
    retry_secs: ENTRUSTED_RETRY_SECS,
    event_type: "INSURANCE_ENTRUST.SIGN",
    original_type: "insurance_entrust",
    summary: "签约成功",
    resource: RESOURCE,
};

/// The insurance termination (the page below). Its schedule is not on the page; the signing's,
/// as for entrusted deduction, so that one family retries on one schedule.
static TERMINATED: Event = Event {
    retry_secs: ENTRUSTED_RETRY_SECS,
    event_type: "INSURANCE_ENTRUST.TERMINATE",
    original_type: "insurance_entrust",
    summary: "解约成功",
    resource: RESOURCE,
};

/// Insurance's contract, signed (INSURANCE_ENTRUST.SIGN) or terminated
/// (INSURANCE_ENTRUST.TERMINATE, https://pay.weixin.qq.com/doc/v3/merchant/4012289466).
const RESOURCE: &[(&str, Member)] = &[
    ("mchid", Mchid),
    ("contract_id", ContractId),
    ("appid", Request(&["appid"])),
    ("plan_id", Request(&["plan_id"])),
    ("out_contract_code", Request(&["out_contract_code"])),
    ("insured_display_name", Request(&["insured_display_name"])),
    ("contract_state", CONTRACT_STATE),
    ("contract_signed_time", SignedTime),
    ("contract_expired_time", ExpiredTime),
    ("openid", UserOpenid(&["openid"])),
    ("contract_terminate_info", TERMINATE_INFO),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The termination is retried on the signing's schedule, within 4 hours.
    #[test]
    fn a_termination_is_retried_on_the_signing_schedule_of_four_hours() {
        assert_eq!(TERMINATED.retry_secs, SIGNED.retry_secs);
        assert!(TERMINATED.retry_secs.iter().sum::<u64>() <= 4 * 3600);
    }
}
