//! 委托代扣 · 预约扣费类型签约 (scheduled deduction) and the generic `papay/sign` in the sandbox:
//! direct and partner contracts, ENTRUST.SIGN and ENTRUST.TERMINATE.

use super::Member::{
    ContractId, Direct, ExpiredTime, Fixed, Given, Mchid, Object, Partner, PartnerMchid, Request,
    SignedTime, UserOpenid,
};
use super::{
    Answer, BY_CONTRACT_CODE, Behaviour, CONTRACT_STATE, ContractKind, DEDUCT_SCHEDULE,
    ENTRUSTED_RETRY_SECS, Event, Member, Presign, SIGN_MP_APPID, SIGN_MP_PATH, Source,
    TERMINATE_INFO, TERMINATION_REMARK, entry, query, terminate,
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
        // The query of the Harmony pre-sign's contracts (papay/sign, 4012978414): the same
        // members, its path naming the plan `harmony-plan-id`; the sandbox answers any direct
        // contract there.
        query(
            "/v3/papay/sign/contracts/harmony-plan-id/{plan_id}/out-contract-code/{out_contract_code}",
            &[],
            "https://pay.weixin.qq.com/doc/v3/merchant/4013844122",
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
        ("openid", UserOpenid(&["openid"])),
        ("contract_terminate_info", TERMINATE_INFO),
        ("out_user_code", Request(&["out_user_code"])),
        ("deduct_schedule", DEDUCT_SCHEDULE),
    ],
    not_found: "RESOURCE_NOT_EXISTS",
    terminated: Some(&TERMINATED),
    inquiry: Some(&INQUIRY),
    retention: Some(&RETENTION),
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
        // 必填 on the page: the user's openid under sp_appid, known once the user signed, even
        // when the pre-sign named the user by sub_openid alone.
        ("sp_openid", UserOpenid(&["sp_openid"])),
        ("sub_openid", Request(&["sub_openid"])),
        ("contract_terminate_info", TERMINATE_INFO),
        ("out_user_code", Request(&["out_user_code"])),
        ("deduct_schedule", DEDUCT_SCHEDULE),
    ],
    not_found: "RESOURCE_NOT_EXISTS",
    terminated: Some(&TERMINATED),
    inquiry: None,
    retention: None,
};

/// "sub_mchid 必填 string(32)" in the partner calls' query or body
/// (https://pay.weixin.qq.com/docs/partner/apis/entrusted-payment/partner/partner-get-contract-by-code.html).
const SUB_MCHID: Field = string("sub_mchid").required().max(32);

/// The signing and termination notifications, direct or partner: both are retried on one
/// schedule, "签约、解约成功后…如果在所有通知频率(4小时)后没有收到微信侧回调"
/// (https://pay.weixin.qq.com/docs/merchant/apis/entrusted-payment/contract-alter-notify.html).
static SIGNED: Event = Event {
    retry_secs: ENTRUSTED_RETRY_SECS,
    event_type: "ENTRUST.SIGN",
    original_type: "entrust",
    summary: "签约成功",
    resource: RESOURCE,
};

static TERMINATED: Event = Event {
    retry_secs: ENTRUSTED_RETRY_SECS,
    event_type: "ENTRUST.TERMINATE",
    original_type: "entrust",
    summary: "解约成功",
    resource: RESOURCE,
};

/// 代扣解约问询: "当用户解约时,委托代扣会通过该接口访问…这个协议是否可以解约"
/// (https://pay.weixin.qq.com/doc/v3/merchant/4012978455). The merchant answers within the
/// notifications' 5 s ("商户接收到回调通知报文后,需在5秒内完成对报文的验签,并应答回调通知"), `code`
/// SUCCESS or FAIL. Its resource as wechatpay.im transcribes the page: `code` and `messsage`
/// (so spelled) 必填 with no values given, the sandbox's SUCCESS and OK.
static INQUIRY: Event = Event {
    retry_secs: &[],
    event_type: "ENTRUST.TERMINATE_INQUIRY",
    original_type: "entrust",
    summary: "解约问询",
    resource: &[
        ("code", Fixed("SUCCESS")),
        ("messsage", Fixed("OK")),
        ("mchid", Mchid),
        ("appid", Request(&["appid"])),
        ("openid", UserOpenid(&["openid"])),
        ("plan_id", Request(&["plan_id"])),
        ("out_contract_code", Request(&["out_contract_code"])),
        // 必填 on the page; a pre-sign that named no merchant user gives none to send.
        ("out_user_code", Request(&["out_user_code"])),
        ("contract_id", ContractId),
        (
            "contract_display_account",
            Request(&["contract_display_account"]),
        ),
        ("contract_state", super::CONTRACT_STATE),
        ("contract_signed_time", SignedTime),
    ],
};

/// 代扣解约挽留: "当用户关闭协议时,协议所关联的模板在获取范围内,则主动的获取挽留信息"; "如果微信收到应答不是成功或
/// 超时(当前是1秒的超时),微信认为获取失败,不会展示挽留信息"
/// (https://pay.weixin.qq.com/doc/v3/merchant/4012312222, transcribed at wechatpay.im).
static RETENTION: Event = Event {
    retry_secs: &[],
    event_type: "ENTRUST.TERMINATE_RETENTION",
    original_type: "entrust",
    summary: "解约挽留",
    resource: &[
        ("mchid", Mchid),
        ("contract_id", ContractId),
        ("appid", Request(&["appid"])),
        ("plan_id", Request(&["plan_id"])),
        ("out_contract_code", Request(&["out_contract_code"])),
        ("openid", UserOpenid(&["openid"])),
    ],
};

/// `deduct_schedule` as the notifications give it: the pages name the amount `amount` where the
/// request says `total`.
const NOTIFIED_SCHEDULE: Member = Given(
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
        ("schedule_state", super::SCHEDULE_STATE),
    ],
);

/// The contract in ENTRUST.SIGN and ENTRUST.TERMINATE: a direct merchant's members (openid
/// 必填, https://pay.weixin.qq.com/doc/v3/merchant/4016724543), or a partner's alone
/// (sp_openid 必填, https://pay.weixin.qq.com/doc/v3/partner/4012160323).
const RESOURCE: &[(&str, Member)] = &[
    ("mchid", Direct(&Mchid)),
    ("contract_id", ContractId),
    ("appid", Direct(&Request(&["appid"]))),
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
    ("openid", Direct(&UserOpenid(&["openid"]))),
    ("sp_openid", Partner(&UserOpenid(&["sp_openid"]))),
    ("sub_openid", Request(&["sub_openid"])),
    ("out_user_code", Direct(&Request(&["out_user_code"]))),
    ("deduct_schedule", NOTIFIED_SCHEDULE),
    ("contract_terminate_info", TERMINATE_INFO),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Signing and termination are retried on the one schedule the page gives, 4 hours.
    #[test]
    fn a_termination_is_retried_on_the_signing_schedule_of_four_hours() {
        assert_eq!(TERMINATED.retry_secs, SIGNED.retry_secs);
        assert!(TERMINATED.retry_secs.iter().sum::<u64>() <= 4 * 3600);
    }
}
