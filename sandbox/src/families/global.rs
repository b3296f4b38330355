//! 跨境/全球 委托代扣 (cross-border entrusted payment) in the sandbox: its contracts, PAPAY.SIGN
//! and PAPAY.TERMINATE, on the cross-border retry schedule.

use super::Member::{ContractId, ExpiredTime, Mchid, OperateTime, PartnerMchid, Request};
use super::{
    APPID, Answer, Behaviour, ContractKind, Event, Member, OPENID, Presign, Source, entry, query,
    terminate,
};

pub(super) static BEHAVIOUR: Behaviour = Behaviour {
    presigns: &[
        global(
            "v3/global/papay/contracts/app-pre-entrust-sign",
            &[("session_id", Source::SessionId)],
        ),
        global(
            "v3/global/papay/contracts/h5-pre-entrust-sign",
            &[("sign_url", Source::SessionUrl)],
        ),
        global(
            "v3/global/papay/contracts/jsapi-pre-entrust-sign",
            &[("sign_url", Source::SessionUrl)],
        ),
        global(
            "v3/global/papay/contracts/miniprogram-pre-entrust-sign",
            &[("session_id", Source::SessionId)],
        ),
        global(
            "v3/global/papay/contracts/web-pre-entrust-sign",
            &[("show_code_url", Source::SessionUrl)],
        ),
    ],
};

const fn global(path: &'static str, answer: &'static [(&'static str, Source)]) -> Presign {
    entry(path, answer, 10, Some(&CONTRACTS), Some(&SIGNED))
}

static CONTRACTS: ContractKind = ContractKind {
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
    terminated: Some(&TERMINATED),
};

/// The cross-border schedule, "通知频率为15/15/30/180/1800/1800/1800/1800/3600,单位:秒":
/// <https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_5.shtml>
pub const CROSS_BORDER_RETRY_SECS: [u64; 9] = [15, 15, 30, 180, 1800, 1800, 1800, 1800, 3600];

static SIGNED: Event = Event {
    retry_secs: &CROSS_BORDER_RETRY_SECS,
    event_type: "PAPAY.SIGN",
    original_type: "papay",
    summary: "签约成功",
    resource: RESOURCE,
};

/// The cross-border termination notification (the same page).
static TERMINATED: Event = Event {
    retry_secs: &CROSS_BORDER_RETRY_SECS,
    event_type: "PAPAY.TERMINATE",
    original_type: "papay",
    summary: "解约成功",
    resource: RESOURCE,
};

/// The cross-border contract's members, signed or terminated: "the content of termination
/// notification is consistent with that of the notification after signing"
/// (https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_5.shtml).
const RESOURCE: &[(&str, Member)] = &[
    ("mchid", Mchid),
    ("out_contract_code", Request(&["out_contract_code"])),
    ("appid", APPID),
    ("openid", OPENID),
    ("contract_id", ContractId),
    ("plan_id", Request(&["plan_id"])),
    ("operate_time", OperateTime),
    ("contract_expired_time", ExpiredTime),
    ("sp_mchid", PartnerMchid),
    ("sp_appid", Request(&["sp_appid"])),
    ("sub_mchid", Request(&["sub_mchid"])),
    ("sub_appid", Request(&["sub_appid"])),
    ("sp_openid", Request(&["sp_openid"])),
    ("sub_openid", Request(&["sub_openid"])),
];
