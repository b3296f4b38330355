//! 收付通 (e-commerce platforms) in the sandbox: combined entrusted payment, with its contracts
//! and ECOMMERCE_ENTRUST notifications, and individual payee authorizations, which send none.

use super::Member::{
    ContractId, Derived, ExpiredTime, Fixed, Given, Mchid, OperateTime, Request, SignedAfter,
    SignedTime, State, UserOpenid,
};
use super::{
    APPID, Act, Answer, BY_CONTRACT_CODE, BY_MERCHANT_OR_USER, Behaviour, CONTRACT_STATE, Call,
    ContractKind, Event, Member, Presign, Source, TERMINATE_INFO, TERMINATION_REMARK, entry, query,
    terminate,
};
use wxpresign::schema::{Charset, Field, string};

pub(super) static BEHAVIOUR: Behaviour = Behaviour {
    presigns: &[
        combine("v3/ecommerce/combine-papay/contracts/pre-entrust-sign"),
        combine("v3/ecommerce/combine-papay/contracts/pre-entrust-sign/mini-program"),
        individual("v3/ecommerce/individual-contracts/pre-entrust-sign/app"),
        individual("v3/ecommerce/individual-contracts/pre-entrust-sign/mini-program"),
        individual(
            "v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/app",
        ),
        individual(
            "v3/ecommerce/individual-contracts/pre-entrust-sign-with-real-name-identity/mini-program",
        ),
    ],
};

const fn combine(path: &'static str) -> Presign {
    entry(
        path,
        &[
            ("pre_entrustweb_id", Source::SessionId),
            ("mchid", Source::Mchid),
            ("plan_id", Source::Echo("plan_id")),
            ("out_contract_code", Source::Echo("out_contract_code")),
        ],
        120,
        Some(&COMBINE_PAPAY),
        Some(&SIGNED),
    )
}

const fn individual(path: &'static str) -> Presign {
    entry(
        path,
        &[("pre_entrustweb_id", Source::SessionId)],
        10,
        Some(&INDIVIDUAL),
        None,
    )
}

static COMBINE_PAPAY: ContractKind = ContractKind {
    calls: &[
        query(
            "/v3/ecommerce/combine-papay/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}",
            &[],
            "https://pay.weixin.qq.com/doc/v3/partner/4012884060",
        )
        .path_params(BY_CONTRACT_CODE),
        terminate(
            "/v3/ecommerce/combine-papay/contracts/plan-id/{plan_id}/out-contract-code/{out_contract_code}/terminate",
            &[],
            "contract_termination_remark",
            Answer::Members(&["mchid", "plan_id", "out_contract_code"]),
            "https://pay.weixin.qq.com/doc/v3/partner/4012884072",
        )
        .path_params(BY_CONTRACT_CODE)
        // "contract_termination_remark 必填 string(256)", the shared remark's length.
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
        ("contract_terminate_info", TERMINATE_INFO),
        ("openid", SIGNER),
    ],
    not_found: "RESOURCE_NOT_EXISTS",
    terminated: Some(&TERMINATED),
    inquiry: None,
    retention: None,
};

/// Individual payees: the authorization the user signed, by the platform's application number.
static INDIVIDUAL: ContractKind = ContractKind {
    calls: &[
        query(
            "/v3/ecommerce/individual-contracts/out-contract-code/{out_contract_code}",
            &["appid"],
            "https://pay.weixin.qq.com/doc/v3/partner/4015851492",
        )
        .path_params(&[string("out_contract_code")
            .required()
            .max(128)
            .charset(Charset::AlphanumericDashUnderscore)])
        .query_params(INDIVIDUAL_QUERY),
        Call {
            act: Act::QueryAs(&[
                ("individual_auth_id", ContractId),
                ("operation_time", OperateTime),
                ("auth_state", State("AUTHORIZED", "UNAUTHORIZED")),
            ]),
            ..query(
                "/v3/ecommerce/individual-contracts/{openid}",
                &["appid"],
                "https://pay.weixin.qq.com/doc/v3/partner/4012739528",
            )
        }
        .path_params(&[string("openid").required().max(128)])
        .query_params(BY_OPENID_QUERY),
    ],
    members: &[
        ("individual_auth_id", ContractId),
        ("signed_time", SignedTime),
        ("auth_state", State("AUTHORIZED", "UNAUTHORIZED")),
        ("individual_openid", Request(&["openid"])),
        ("real_name_auth_result", REAL_NAME_AUTH_RESULT),
    ],
    not_found: "RESOURCE_NOT_EXISTS",
    terminated: None,
    inquiry: None,
    retention: None,
};

/// `real_name_auth_result` of the query by code (https://pay.weixin.qq.com/doc/v3/partner/4015851492,
/// as wechatpay.im transcribes it: the object 选填, its `scope` `pay_realname`, `access_token`
/// and `access_token_expire_time` 必填), for an authorization signed through a pre-sign with the
/// payee's real-name identity (`pre-entrust-sign-with-real-name-identity`, whose requests alone
/// carry `real_name`). The token is the sandbox's, stable for the contract, and never the
/// identity; it lasts two hours from signing, an OAuth access token's life (no page read says).
const REAL_NAME_AUTH_RESULT: Member = Given(
    "real_name",
    &[
        ("scope", Fixed("pay_realname")),
        ("access_token", Derived("sbxrealname_", &ContractId)),
        ("access_token_expire_time", SignedAfter(7200)),
    ],
);

/// "appid 必填 string(32)" (https://pay.weixin.qq.com/doc/v3/partner/4015851492).
const INDIVIDUAL_QUERY: &[Field] = &[string("appid").required().max(32)];

/// "查询个人收款方授权结果": appid 必填, permission_type 必填 INDIVIDUAL_PAYEE
/// (https://pay.weixin.qq.com/doc/v3/partner/4012739528; lengths not read, the other query's).
const BY_OPENID_QUERY: &[Field] = &[
    string("appid").required().max(32),
    string("permission_type")
        .required()
        .one_of(&["INDIVIDUAL_PAYEE"]),
];

/// The OpenID of the user who signed a combined-deduction contract, 必填 in its answers and
/// notifications (4012884060, 4012881605) though neither pre-sign names one: the request's,
/// else the sandbox's signing user's.
const SIGNER: Member = UserOpenid(&["openid"]);

/// Combined deduction: "0/10/10/10/30/30/30/300/.../300(单位:秒)", the first delivery at once
/// and 29 retries (https://pay.weixin.qq.com/doc/v3/partner/4012881605).
const COMBINE_PAPAY_RETRY_SECS: [u64; 29] = [
    10, 10, 10, 30, 30, 30, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300, 300,
    300, 300, 300, 300, 300, 300, 300, 300, 300,
];

static SIGNED: Event = Event {
    retry_secs: &COMBINE_PAPAY_RETRY_SECS,
    event_type: "ECOMMERCE_ENTRUST.SIGN",
    original_type: "ecommerce_entrust",
    summary: "签约成功",
    resource: &[
        ("mchid", Mchid),
        ("out_contract_code", Request(&["out_contract_code"])),
        ("plan_id", Request(&["plan_id"])),
        ("appid", APPID),
        ("openid", SIGNER),
        ("contract_expired_time", ExpiredTime),
        ("operate_time", OperateTime),
        ("attach", Request(&["attach"])),
    ],
};

/// The combined deduction's termination: ECOMMERCE_ENTRUST.TERMINATE,
/// https://pay.weixin.qq.com/doc/v3/partner/4012881605 (the signing page's schedule).
static TERMINATED: Event = Event {
    retry_secs: &COMBINE_PAPAY_RETRY_SECS,
    event_type: "ECOMMERCE_ENTRUST.TERMINATE",
    original_type: "ecommerce_entrust",
    summary: "解约成功",
    resource: &[
        ("mchid", Mchid),
        ("out_contract_code", Request(&["out_contract_code"])),
        ("plan_id", Request(&["plan_id"])),
        ("appid", APPID),
        ("openid", SIGNER),
        ("contract_termination_mode", BY_MERCHANT_OR_USER),
        ("operate_time", OperateTime),
        ("attach", Request(&["attach"])),
    ],
};
