//! 跨境/全球 委托代扣 (cross-border entrusted payment) in the sandbox: its contracts, PAPAY.SIGN
//! and PAPAY.TERMINATE, on the cross-border retry schedule.

use super::Member::{
    ContractId, ExpiredTime, If, Mchid, OperateTime, PartnerMchid, Request, SignedTime, State,
    TerminatedTime, TerminationMode, TerminationRemark,
};
use super::{
    APPID as NOTIFIED_APPID, Answer, Behaviour, ContractKind, Event, Member, OPENID, Presign,
    Source, entry, query, terminate,
};
use wxpresign::schema::{
    Field, Rule, When, any_of, forbidden_when, integer, required_when, string,
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
        )
        .path_params(&[string("out_contract_code").required().max(32)])
        .query_params(&[
            APPID,
            SUB_MCHID,
            SP_APPID,
            SUB_APPID,
            integer("plan_id").required(),
        ])
        .query_rules(MODES)
        .matched(MODE_MEMBERS),
        query(
            "/v3/global/papay/contracts/{contract_id}",
            &[],
            "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_2.shtml",
        )
        .path_params(BY_ID)
        .query_params(&[APPID, SUB_MCHID, SP_APPID, SUB_APPID])
        .query_rules(MODES)
        .matched(MODE_MEMBERS),
        terminate(
            "/v3/global/papay/contracts/{contract_id}/terminate",
            &[],
            "termination_note",
            Answer::NoContent,
            "https://pay.weixin.qq.com/wiki/doc/api_external/ch/apis/chapter5_1_4.shtml",
        )
        .path_params(BY_ID)
        .body_params(
            &[
                APPID,
                SUB_MCHID,
                SP_APPID,
                SUB_APPID,
                // "解约原因的备注说明" string[1,256]; the 必填 column is not legible: required,
                // as the sandbox's termination keeps the remark.
                string("termination_note").required().max(256),
            ],
            MODES,
        )
        .matched(MODE_MEMBERS),
    ],
    // The answer tables of chapter5_1_2 and chapter5_1_3 (official pages cut after sp_mchid;
    // the rest as wechatpay.im transcribes them): mchid and appid "仅适用于直连模式", sp_mchid
    // and the sub-merchant's "仅适用于机构模式".
    members: &[
        ("mchid", If("appid", &Mchid)),
        ("appid", Request(&["appid"])),
        ("sp_mchid", PartnerMchid),
        ("sub_mchid", Request(&["sub_mchid"])),
        ("sp_appid", Request(&["sp_appid"])),
        ("sub_appid", Request(&["sub_appid"])),
        ("out_contract_code", Request(&["out_contract_code"])),
        ("plan_id", Request(&["plan_id"])),
        ("contract_id", ContractId),
        ("openid", Request(&["openid", "sp_openid", "sub_openid"])),
        ("user_display_name", Request(&["user_display_name"])),
        // No page read gives the enum; the example is `SIGNED`.
        ("state", State("SIGNED", "TERMINATED")),
        ("signed_time", SignedTime),
        ("terminated_time", TerminatedTime),
        ("termination_mode", ENDED_BY),
        ("termination_note", TerminationRemark),
    ],
    not_found: "RESOURCE_NOT_EXISTS",
    terminated: Some(&TERMINATED),
    inquiry: None,
    retention: None,
};

/// "委托代扣协议id" string[1,64] (chapter5_1_2, chapter5_1_4).
const BY_ID: &[Field] = &[string("contract_id").required().max(64)];

/// The calls' modes, as the pre-sign's: "注意:仅适用于直连模式" for `appid`, "注意:仅适用于机构模式" for
/// `sub_mchid`, `sp_appid` and `sub_appid`, the first three "Required: Yes" on the English pages
/// (https://pay.weixin.qq.com/wiki/doc/api_external/en/apis/chapter5_1_3.shtml, chapter5_1_2,
/// chapter5_1_4): a call names the merchant's appid, or the provider's sp_appid with the
/// sub-merchant, and never both.
const MODES: &[Rule] = &[
    forbidden_when(
        &["/sp_appid", "/sub_mchid", "/sub_appid"],
        When::Present("/appid"),
        "appid is for direct mode only (注意:仅适用于直连模式); institutional members cannot be sent with it",
    ),
    any_of(
        &["/appid", "/sp_appid"],
        "appid (direct mode) or sp_appid with sub_mchid (institutional mode) is required",
    ),
    required_when(
        &["/sub_mchid"],
        When::Present("/sp_appid"),
        "sub_mchid is required in institutional mode (注意:仅适用于机构模式), with sp_appid",
    ),
    required_when(
        &["/sp_appid"],
        When::Present("/sub_mchid"),
        "sp_appid is required in institutional mode (注意:仅适用于机构模式), with sub_mchid",
    ),
];

/// The mode members a call names: each must be the contract's, or the contract is not found.
const MODE_MEMBERS: &[&str] = &["appid", "sub_mchid", "sp_appid", "sub_appid"];

/// The query's and the termination's mode members, string[1,32]: appid "仅适用于直连模式", the
/// others "仅适用于机构模式".
const APPID: Field = string("appid").max(32);
const SUB_MCHID: Field = string("sub_mchid").max(32);
const SP_APPID: Field = string("sp_appid").max(32);
const SUB_APPID: Field = string("sub_appid").max(32);

/// How the contract ended, of the notification's "协议解约方式 USER | MERCHANT | PLATFORM": the
/// merchant's call, or the user in WeChat ("用户可以通过微信客户端发起解约", chapter5_1_4).
const ENDED_BY: Member = TerminationMode("MERCHANT", "USER");

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

/// The cross-border termination notification (the same page). WeChat Pay sends it to the
/// "解约回调地址" given with the plan ("解约结果通知路径为商户申请代扣权限与代扣模板ID时提供的解约回调地址");
/// a sandbox has no plans, so it goes where the signing notification went.
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
    ("appid", NOTIFIED_APPID),
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
    ("contract_termination_mode", ENDED_BY),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::Contract;
    use serde_json::{Value, json};

    const MCHID: &str = "1900000001";

    fn contract(request: Value) -> Contract {
        Contract {
            id: "2026000000000000000000000001".into(),
            endpoint: "v3/global/papay/contracts/app-pre-entrust-sign",
            request,
            signed_at: 1_700_000_000,
            terminated: None,
            notify_url: None,
            termination_id: None,
            terminated_by_user: false,
            changed: serde_json::Map::new(),
            changed_at: Vec::new(),
        }
    }

    fn direct() -> Contract {
        contract(json!({
            "appid": "wxcbda96de0b165486", "plan_id": 123, "out_contract_code": "100001256",
            "user_display_name": "张三", "success_notify_url": "https://yoursite.com",
            "openid": "ouFhd5X9s9WteC3eWRjXV3lea123"
        }))
    }

    fn terminated(mut contract: Contract) -> Contract {
        contract.terminated = Some((1_700_086_400, Some("签约信息有误".into())));
        contract
    }

    /// Both queries answer the state and the user's display name (chapter5_1_2 / chapter5_1_3
    /// answer tables: user_display_name, state, signed_time, ...).
    #[test]
    fn a_signed_cross_border_contract_is_answered_with_its_state() {
        let view = direct().view(&CONTRACTS, MCHID);
        assert_eq!(view["state"], "SIGNED", "{view}");
        assert_eq!(view["signed_time"], "2023-11-15T06:13:20+08:00", "{view}");
        assert_eq!(view["user_display_name"], "张三", "{view}");
        assert!(view.get("terminated_time").is_none(), "{view}");
        assert!(view.get("termination_mode").is_none(), "{view}");
    }

    /// A terminated contract says when, how and why it ended (terminated_time,
    /// termination_mode, termination_note).
    #[test]
    fn a_terminated_cross_border_contract_says_when_how_and_why() {
        let view = terminated(direct()).view(&CONTRACTS, MCHID);
        assert_eq!(view["state"], "TERMINATED", "{view}");
        assert_eq!(
            view["terminated_time"], "2023-11-16T06:13:20+08:00",
            "{view}"
        );
        assert_eq!(view["termination_mode"], "MERCHANT", "{view}");
        assert_eq!(view["termination_note"], "签约信息有误", "{view}");
    }

    /// mchid and appid are "仅适用于直连模式"; an institution's contract answers sp_mchid.
    #[test]
    fn an_institutional_contract_is_answered_without_the_direct_mchid() {
        let view = contract(json!({
            "sp_appid": "wxcbda96de0b165486", "sub_mchid": "10000097", "plan_id": 123,
            "out_contract_code": "100001256", "user_display_name": "张三"
        }))
        .view(&CONTRACTS, MCHID);
        assert!(view.get("mchid").is_none(), "{view}");
        assert_eq!(view["sp_mchid"], MCHID, "{view}");
        assert_eq!(direct().view(&CONTRACTS, MCHID)["mchid"], MCHID);
    }

    /// PAPAY.TERMINATE says how the contract ended ("协议解约方式 USER | MERCHANT | PLATFORM");
    /// PAPAY.SIGN, about a contract in force, does not.
    #[test]
    fn the_termination_notification_says_how_the_contract_ended() {
        let ended = terminated(direct()).members(TERMINATED.resource, MCHID);
        assert_eq!(ended["contract_termination_mode"], "MERCHANT");
        let signed = direct().members(SIGNED.resource, MCHID);
        assert!(!signed.contains_key("contract_termination_mode"));
    }

    /// "通知ID id string[1,32]" (chapter5_1_5).
    #[test]
    fn a_cross_border_notification_id_is_at_most_32_characters() {
        let key = b"0123456789abcdef0123456789abcdef";
        for event in [&SIGNED, &TERMINATED] {
            let (id, body) = crate::delivery::sealed(event, &direct(), MCHID, key).unwrap();
            let sent: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(sent["id"], id.as_str());
            assert!((1..=32).contains(&id.chars().count()), "{id}");
        }
    }
}
