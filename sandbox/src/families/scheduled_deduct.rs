//! 委托代扣 · 预约扣费类型签约 (scheduled deduction) and the generic `papay/sign` in the sandbox:
//! direct and partner contracts, ENTRUST.SIGN and ENTRUST.TERMINATE.

use super::Member::{
    ContractId, ExpiredTime, Fixed, Given, Mchid, Object, PartnerMchid, Request, SignedTime,
};
use super::{
    APPID, Answer, BY_CONTRACT_CODE, Behaviour, CONTRACT_STATE, ContractKind, DEDUCT_SCHEDULE,
    ENTRUSTED_RETRY_SECS, Event, Member, OPENID, Presign, RETRY_SCHEDULE_SECS, SIGN_MP_APPID,
    SIGN_MP_PATH, Source, TERMINATE_INFO, TERMINATION_REMARK, entry, query, terminate,
};
use wxpresign::schema::{Field, string};

pub(super) static BEHAVIOUR: Behaviour = Behaviour {
    presigns: &[
        partner(
            "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi",
            &[("redirect_url", Source::SessionUrl)],
        ),
        partner(
            "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program",
            IN_MINI_PROGRAM,
        ),
        partner(
            "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/app",
            &[("pre_entrustweb_id", Source::SessionId)],
        ),
        partner(
            "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/h5",
            &[("redirect_url", Source::SessionUrl)],
        ),
        direct(
            "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app",
            &[("pre_entrustweb_id", Source::SessionId)],
        ),
        direct(
            "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/h5",
            &[("redirect_url", Source::SessionUrl)],
        ),
        direct(
            "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/jsapi",
            &[("redirect_url", Source::SessionUrl)],
        ),
        direct(
            "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/mini-program",
            IN_MINI_PROGRAM,
        ),
        direct(
            "v3/papay/sign/contracts/pre-entrust-sign",
            &[("pre_entrustweb_id", Source::SessionId)],
        ),
    ],
};

const IN_MINI_PROGRAM: &[(&str, Source)] = &[
    ("pre_entrustweb_id", Source::SessionId),
    ("redirect_appid", SIGN_MP_APPID),
    ("redirect_path", SIGN_MP_PATH),
];

const fn direct(path: &'static str, answer: &'static [(&'static str, Source)]) -> Presign {
    entry(path, answer, 10, Some(&DIRECT), Some(&SIGNED))
}

const fn partner(path: &'static str, answer: &'static [(&'static str, Source)]) -> Presign {
    entry(path, answer, 10, Some(&PARTNER), Some(&SIGNED))
}

/// A direct merchant's scheduled deduction and papay/sign contracts.
static DIRECT: ContractKind = ContractKind {
    calls: &[
        query(
            "/v3/papay/sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
            &[],
            "https://pay.weixin.qq.com/doc/v3/merchant/4012489245",
        )
        .path_params(BY_CONTRACT_CODE),
        terminate(
            "/v3/papay/sign/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}/terminate",
            &[],
            "contract_termination_remark",
            Answer::Contract,
            "https://pay.weixin.qq.com/doc/v3/merchant/4012489295",
        )
        .path_params(BY_CONTRACT_CODE)
        .body_params(&[TERMINATION_REMARK], &[]),
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
    terminated: Some(&TERMINATED),
};

/// A partner's scheduled deduction contracts: the calls name the sub-merchant, which must be
/// the contract's.
static PARTNER: ContractKind = ContractKind {
    calls: &[
        query(
            "/v3/papay/sign/partner/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
            &["sub_mchid"],
            "https://pay.weixin.qq.com/doc/v3/partner/4012489483",
        )
        .path_params(BY_CONTRACT_CODE)
        .query_params(&[SUB_MCHID]),
        terminate(
            "/v3/papay/sign/partner/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}/terminate",
            &["sub_mchid"],
            "contract_termination_remark",
            Answer::Contract,
            "https://pay.weixin.qq.com/doc/v3/partner/4012489491",
        )
        .path_params(BY_CONTRACT_CODE)
        .body_params(&[SUB_MCHID, TERMINATION_REMARK], &[]),
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
    terminated: Some(&TERMINATED),
};

/// "sub_mchid 必填 string(32)" in the partner calls' query or body
/// (https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-get-contract-by-code.html).
const SUB_MCHID: Field = string("sub_mchid").required().max(32);

static SIGNED: Event = Event {
    retry_secs: ENTRUSTED_RETRY_SECS,
    event_type: "ENTRUST.SIGN",
    original_type: "entrust",
    summary: "签约成功",
    resource: RESOURCE,
};

/// The entrusted-deduction termination, direct or partner (the page below).
static TERMINATED: Event = Event {
    retry_secs: &RETRY_SCHEDULE_SECS,
    event_type: "ENTRUST.TERMINATE",
    original_type: "entrust",
    summary: "解约成功",
    resource: RESOURCE,
};

/// Entrusted deduction's contract, signed (ENTRUST.SIGN) or terminated (ENTRUST.TERMINATE,
/// https://pay.weixin.qq.com/doc/v3/partner/4012160323): a direct merchant's members, or a
/// partner's `sp_`/`sub_` ones.
const RESOURCE: &[(&str, Member)] = &[
    ("mchid", Mchid),
    ("contract_id", ContractId),
    ("appid", APPID),
    ("plan_id", Request(&["plan_id"])),
    ("out_contract_code", Request(&["out_contract_code"])),
    (
        "contract_display_account",
        Request(&["contract_display_account"]),
    ),
    ("contract_state", CONTRACT_STATE),
    ("contract_signed_time", SignedTime),
    ("contract_expired_time", ExpiredTime),
    ("openid", OPENID),
    ("out_user_code", Request(&["out_user_code"])),
    // The pages' notification names the amount `amount` where the request says `total`.
    (
        "deduct_schedule",
        Given(
            "deduct_schedule",
            &[
                (
                    "estimated_deduct_date",
                    Request(&["deduct_schedule/estimated_deduct_date"]),
                ),
                (
                    "estimated_deduct_amount",
                    Object(&[
                        (
                            "amount",
                            Request(&["deduct_schedule/estimated_deduct_amount/total"]),
                        ),
                        (
                            "currency",
                            Request(&["deduct_schedule/estimated_deduct_amount/currency"]),
                        ),
                    ]),
                ),
                ("schedule_state", Fixed("NO_SCHEDULED")),
            ],
        ),
    ),
    ("sp_mchid", PartnerMchid),
    ("sp_appid", Request(&["sp_appid"])),
    ("sub_mchid", Request(&["sub_mchid"])),
    ("sub_appid", Request(&["sub_appid"])),
    ("sp_openid", Request(&["sp_openid"])),
    ("sub_openid", Request(&["sub_openid"])),
    ("contract_terminate_info", TERMINATE_INFO),
];
