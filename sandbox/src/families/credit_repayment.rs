//! 自动还款 (credit-card and loan auto-repayment) in the sandbox: its contracts,
//! CREDIT_REPAYMENT.SIGN_CONTRACT and CREDIT_REPAYMENT.TERMINATE_CONTRACT.

use super::Member::{
    ContractId, Fixed, Mchid, Or, Request, RequestInteger, SignedTime, State, TerminatedTime,
    TerminationMode, TerminationRemark,
};
use super::{
    APPID, Answer, Behaviour, ContractKind, Event, Member, OPENID, Source, entry, query, terminate,
};
use wxpresign::schema::{Charset, Field, string};

pub(super) static BEHAVIOUR: Behaviour = Behaviour {
    presigns: &[
        entry(
            "v3/credit-repayment/partner/contracts/app-presign",
            &[("presign_token", Source::SessionId)],
            10,
            Some(&CONTRACTS),
            Some(&SIGNED),
        ),
        entry(
            "v3/credit-repayment/partner/contracts/h5-presign",
            &[("redirect_url", Source::SessionUrl)],
            10,
            Some(&CONTRACTS),
            Some(&SIGNED),
        ),
    ],
};

static CONTRACTS: ContractKind = ContractKind {
    calls: &[
        query(
            "/v3/credit-repayment/partner/contracts/{out_contract_code}",
            &[],
            "https://pay.weixin.qq.com/doc/v3/partner/4016125810",
        )
        .path_params(&[CONTRACT_CODE]),
        terminate(
            "/v3/credit-repayment/partner/contracts/terminate",
            &["out_contract_code"],
            "contract_termination_remark",
            Answer::Wrapped("contract_info"),
            "https://pay.weixin.qq.com/doc/v3/partner/4016125830",
        )
        .body_params(TERMINATION, &[]),
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
        ("contract_terminated_mode", ENDED_BY),
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
    terminated: Some(&TERMINATED),
    inquiry: None,
    retention: None,
};

/// "使用预签约时传入的out_contract_code。服务商需保证唯一性;只能是数字、大小写字母的组合"; string(64)
/// as the pre-sign gives it (https://pay.weixin.qq.com/doc/v3/partner/4016125830,
/// https://pay.weixin.qq.com/doc/v3/partner/4016779565).
const CONTRACT_CODE: Field = string("out_contract_code")
    .required()
    .max(64)
    .charset(Charset::Alphanumeric);

/// The termination's body: the code and "contract_termination_remark 必填 string(128)"
/// (https://pay.weixin.qq.com/doc/v3/partner/4016125830), half the entrusted pages' 256.
/// "TERMINATION_MODE_INVALID / _BY_USER / _BY_MERCHANT / _BY_CUSTOMER_SERVICE": INVALID while in
/// force, then who ended it, the merchant's call or the user in WeChat.
const ENDED_BY: Member = Or(
    &TerminationMode("TERMINATION_MODE_BY_MERCHANT", "TERMINATION_MODE_BY_USER"),
    &Fixed("TERMINATION_MODE_INVALID"),
);

const TERMINATION: &[Field] = &[
    CONTRACT_CODE,
    string("contract_termination_remark").required().max(128),
];

/// Both of credit repayment's notifications: "10秒/10秒/10秒/30秒/30秒/30秒/300秒/300秒/300秒/…/300秒
/// ... 最大发送次数(15次)", 14 retries (https://pay.weixin.qq.com/doc/v3/partner/4016790583).
const RETRY_SECS: [u64; 14] = [
    10, 10, 10, 30, 30, 30, 300, 300, 300, 300, 300, 300, 300, 300,
];

/// The schedule of the repayment's success notification too (the same words on page 4016790592).
pub(crate) const CREDIT_REPAYMENT_RETRY_SECS: &[u64] = &RETRY_SECS;

static SIGNED: Event = Event {
    retry_secs: &RETRY_SECS,
    event_type: "CREDIT_REPAYMENT.SIGN_CONTRACT",
    original_type: "credit_repayment",
    summary: "签约成功",
    resource: RESOURCE,
};

/// Credit repayment's termination (the page below).
static TERMINATED: Event = Event {
    retry_secs: &RETRY_SECS,
    event_type: "CREDIT_REPAYMENT.TERMINATE_CONTRACT",
    original_type: "credit_repayment",
    summary: "解约成功",
    resource: RESOURCE,
};

/// Credit repayment's contract, signed (CREDIT_REPAYMENT.SIGN_CONTRACT) or terminated
/// (CREDIT_REPAYMENT.TERMINATE_CONTRACT, https://pay.weixin.qq.com/doc/v3/partner/4016790583).
const RESOURCE: &[(&str, Member)] = &[
    ("sp_mchid", Mchid),
    ("contract_id", ContractId),
    ("plan_id", Request(&["plan_id"])),
    ("out_contract_code", Request(&["out_contract_code"])),
    (
        "display_name",
        Request(&["display_name", "contract_display_account"]),
    ),
    (
        "contract_state",
        State("CONTRACT_STATE_EFFECTIVE", "CONTRACT_STATE_TERMINATED"),
    ),
    ("contract_signed_time", SignedTime),
    ("contract_terminated_time", TerminatedTime),
    ("contract_terminated_mode", ENDED_BY),
    ("contract_termination_remark", TerminationRemark),
    ("repayment_day", Request(&["repayment_day"])),
    (
        "repayment_amount_limit",
        Request(&["repayment_amount_limit"]),
    ),
    ("appid", APPID),
    ("openid", OPENID),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Both events: "10秒/10秒/10秒/30秒/30秒/30秒/300秒/300秒/300秒/…/300秒 … 最大发送次数(15次)"
    /// (https://pay.weixin.qq.com/doc/v3/partner/4016790583): 14 retries after the first.
    #[test]
    fn signing_and_termination_retry_on_the_page_s_schedule() {
        let schedule = [&[10, 10, 10, 30, 30, 30][..], &[300; 8][..]].concat();
        assert_eq!(SIGNED.retry_secs, &schedule[..]);
        assert_eq!(TERMINATED.retry_secs, &schedule[..]);
    }
}
