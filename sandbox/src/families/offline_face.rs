//! 刷脸支付 (offline face-pay card binding) in the sandbox: its session, the three calls on its
//! contracts (the contract by id, the user's termination, the user's record) and
//! FACEPAY.USER_STATE_CHANGE, sent when a user signs and again when the contract ends.
//!
//! The official pages (k12-development-guidelines.html, access-specifications.html) are not
//! legible in full; the members come from their transcriptions at wechatpay.im and
//! TheNorthMemory/wechatpay-openapi, which link them (docs/where-sources-disagree.md).

use super::Member::{
    ContractId, Derived, Fixed, If, Mchid, OperateTime, Or, Request, SignedTime, State,
    TerminatedTime,
};
use super::{
    Act, Answer, Behaviour, Call, ContractKind, Event, Member, Params, Presign,
    RETRY_SCHEDULE_SECS, Source, query,
};
use wxpresign::schema::{Field, string};

pub(super) static BEHAVIOUR: Behaviour = Behaviour {
    presigns: &[Presign {
        path: "v3/offlineface/contracts/presign",
        answer: &[("presign_token", Source::SessionId)],
        // The merchant's own id, `facepay_user.out_user_id`, is nested; faults read top-level
        // members.
        fault_field: "business_name",
        session_minutes: 10,
        contracts: Some(&CONTRACTS),
        signed: Some(&STATE_CHANGE),
    }],
};

const GUIDE: &str =
    "https://pay.weixin.qq.com/wiki/doc/wxfacepay/develop/k12-development-guidelines.html";

/// The merchant's id for the user in its organization.
const OUT_USER_ID: Member = Request(&["facepay_user/out_user_id"]);
/// "刷脸用户ID": WeChat's id for the user, distinct from the contract's "签约ID" and stable
/// for the user across contracts (the sandbox's: `FU` and the merchant's id for the user).
const USER_ID: Member = Derived("FU", &OUT_USER_ID);
/// The user's OpenID under the merchant's mini program: the pre-sign names none.
const OPENID: Member = Derived("oFace", &OUT_USER_ID);
/// "商户签约小程序APPID": the pre-sign names none, the notification requires one; the sandbox's
/// merchant's mini program.
const APPID: Member = Fixed("wxd678efh567hg6787");
/// "NOT_CONTRACTED | TERMINATED | CONTRACTED"; a held contract was signed.
const CONTRACT_STATE: Member = State("CONTRACTED", "TERMINATED");

static CONTRACTS: ContractKind = ContractKind {
    calls: &[
        // 签约查询接口
        query("/v3/offlineface/contracts/{contract_id}", &[], GUIDE)
            .path_params(&[string("contract_id").required()])
            .query_params(&[string("appid")]),
        // 解除刷脸用户签约关系: by the organization and the user, no body, 204.
        Call {
            method: "POST",
            path: "/v3/offlinefacemch/organizations/{organization_id}/users/user-id/{user_id}/terminate-contract",
            query: &[],
            body: &[],
            act: Act::Terminate {
                remark: None,
                answer: Answer::NoContent,
            },
            page: "https://pay.weixin.qq.com/wiki/doc/wxfacepay/develop/access-specifications.html",
            params: Params::NONE,
        }
        .path_params(BY_USER),
        // 刷脸用户信息查询接口: the user's record, naming the contract.
        Call {
            method: "GET",
            path: "/v3/offlinefacemch/organizations/{organization_id}/users/out-user-id/{out_user_id}",
            query: &[],
            body: &[],
            act: Act::QueryAs(USER),
            page: GUIDE,
            params: Params::NONE,
        }
        .path_params(&[
            string("organization_id").required(),
            string("out_user_id").required(),
        ]),
    ],
    // 签约查询接口's answer: contract_state, contract_mode and contract_bank_card_from 必填.
    members: &[
        ("contract_id", ContractId),
        ("mchid", Mchid),
        (
            "organization_id",
            Request(&["facepay_user/organization_id"]),
        ),
        ("user_id", USER_ID),
        ("openid", OPENID),
        ("contract_state", CONTRACT_STATE),
        ("contract_signed_time", SignedTime),
        ("contract_terminated_time", TerminatedTime),
        // The pre-sign's mode; without one, a bank card given limits the user to it (GUESS).
        (
            "contract_mode",
            Or(
                &Request(&["contract_mode"]),
                &Or(
                    &If("limit_bank_card", &Fixed("LIMIT_BANK_CARD")),
                    &Fixed("LIMIT_NONE"),
                ),
            ),
        ),
        // "MERCHANT_LIMITED_BANK_CARD | USER_SELECT_FREE": the merchant's card when it gave one.
        (
            "contract_bank_card_from",
            Or(
                &If("limit_bank_card", &Fixed("MERCHANT_LIMITED_BANK_CARD")),
                &Fixed("USER_SELECT_FREE"),
            ),
        ),
    ],
    not_found: "RESOURCE_NOT_EXISTS",
    terminated: Some(&STATE_CHANGE),
    inquiry: None,
    retention: None,
};

const BY_USER: &[Field] = &[
    string("organization_id").required(),
    string("user_id").required(),
];

/// 刷脸用户信息查询接口's answer, as far as the sandbox knows the user: its status `NORMAL`
/// ("NORMAL | DISABLED") and its contract.
const USER: &[(&str, Member)] = &[
    ("user_id", USER_ID),
    ("out_user_id", OUT_USER_ID),
    (
        "organization_id",
        Request(&["facepay_user/organization_id"]),
    ),
    ("user_name", Request(&["facepay_user/identification_name"])),
    ("status", Fixed("NORMAL")),
    ("contract_state", CONTRACT_STATE),
    ("contract_id", ContractId),
];

/// "刷脸用户在完成签约或解约后,微信会通知商户用户签约状态变更"
/// (https://pay.weixin.qq.com/wiki/doc/wxfacepay/develop/offline-brushing.html): one event for
/// both, every member 必填. The page gives no retry schedule; WeChat Pay's usual one.
static STATE_CHANGE: Event = Event {
    retry_secs: &RETRY_SCHEDULE_SECS,
    event_type: "FACEPAY.USER_STATE_CHANGE",
    original_type: "facepay",
    summary: "刷脸用户签约状态变更",
    resource: &[
        ("user_id", USER_ID),
        ("out_user_id", OUT_USER_ID),
        (
            "organization_id",
            Request(&["facepay_user/organization_id"]),
        ),
        ("mch_id", Mchid),
        ("notify_create_time", OperateTime),
        ("appid", APPID),
        ("openid", OPENID),
        ("contract_id", ContractId),
    ],
};
