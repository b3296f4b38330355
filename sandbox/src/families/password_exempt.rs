//! 免密支付 (password-free payment contracts) in the sandbox: every mode's sessions and the calls
//! on its contracts. No signing or termination notification is published, so none is sent.

use super::Member::{ContractId, Mchid, Request, SignedTime, UserOpenid};
use super::{
    Answer, Behaviour, CONTRACT_STATE, ContractKind, Presign, SIGN_MP_APPID, Source,
    TERMINATE_INFO, TERMINATION_REMARK, entry, query, terminate,
};
use wxpresign::schema::{Charset, Field, integer, string};

pub(super) static BEHAVIOUR: Behaviour = Behaviour {
    presigns: &[
        password_exempt(
            "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign",
            &[
                ("mchid", Source::Mchid),
                ("sub_mchid", Source::Echo("sub_mchid")),
                ("service_id", Source::Echo("service_id")),
                ("out_contract_code", Source::Echo("out_contract_code")),
            ],
        ),
        password_exempt(
            "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/mini-program",
            &[
                ("pre_entrustweb_id", Source::SessionId),
                ("mchid", Source::Mchid),
                ("sub_mchid", Source::Echo("sub_mchid")),
                ("service_id", Source::Echo("service_id")),
                ("out_contract_code", Source::Echo("out_contract_code")),
                ("sign_mp_appid", SIGN_MP_APPID),
                ("sign_mp_path", SIGN_MP_PATH),
            ],
        ),
        password_exempt(
            "v3/password-exempt-contract/contracts/normal/pre-entrust-sign/mini-program",
            IN_MINI_PROGRAM,
        ),
        password_exempt(
            "v3/password-exempt-contract/contracts/normal/pre-entrust-sign/pay-redirect-sign",
            REDIRECTED,
        ),
        password_exempt(
            "v3/password-exempt-contract/contracts/qs/pre-entrust-sign/mini-program",
            IN_MINI_PROGRAM,
        ),
        password_exempt(
            "v3/password-exempt-contract/contracts/qs/pre-entrust-sign/pay-redirect-sign",
            REDIRECTED,
        ),
        password_exempt(
            "v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/mini-program",
            IN_MINI_PROGRAM,
        ),
        password_exempt(
            "v3/password-exempt-contract/contracts/ecommerce/pre-entrust-sign/pay-redirect-sign",
            REDIRECTED,
        ),
    ],
};

/// The password-free page of WeChat's signing mini program, as the answers name it.
const SIGN_MP_PATH: Source = Source::Fixed("pages/PwdExemptContract/index");

const IN_MINI_PROGRAM: &[(&str, Source)] = &[
    ("pre_entrustweb_id", Source::SessionId),
    ("mchid", Source::Mchid),
    ("service_id", Source::Echo("service_id")),
    ("out_contract_code", Source::Echo("out_contract_code")),
    ("sign_mp_appid", SIGN_MP_APPID),
    ("sign_mp_path", SIGN_MP_PATH),
];

const REDIRECTED: &[(&str, Source)] = &[
    ("mchid", Source::Mchid),
    ("service_id", Source::Echo("service_id")),
    ("out_contract_code", Source::Echo("out_contract_code")),
];

const fn password_exempt(path: &'static str, answer: &'static [(&'static str, Source)]) -> Presign {
    entry(path, answer, 120, Some(&CONTRACTS), None)
}

/// The path of both calls: "service_id 必填 integer"; "out_contract_code 必填 string(32) ...
/// 只能是数字、大小写字母的组合" (https://pay.weixin.qq.com/doc/v3/partner/4012715321).
const BY_CODE: &[Field] = &[
    integer("service_id").required(),
    string("out_contract_code")
        .required()
        .max(32)
        .charset(Charset::Alphanumeric),
];

/// The same calls for merchants (https://pay.weixin.qq.com/doc/v3/merchant/4012472855 and
/// https://pay.weixin.qq.com/docs/merchant/apis/password-free-contract/contracts/terminate-by-code.html)
/// and partners (cited below).
static CONTRACTS: ContractKind = ContractKind {
    calls: &[
        query(
            "/v3/password-exempt-contract/contracts/service-id/{service_id}/out-contract-code/{out_contract_code}",
            &[],
            "https://pay.weixin.qq.com/doc/v3/partner/4012715321",
        )
        .path_params(BY_CODE),
        terminate(
            "/v3/password-exempt-contract/contracts/service-id/{service_id}/out-contract-code/{out_contract_code}/terminate",
            &[],
            "contract_termination_remark",
            Answer::Members(&["mchid", "service_id", "out_contract_code"]),
            "https://pay.weixin.qq.com/doc/v3/partner/4012715383",
        )
        .path_params(BY_CODE)
        .body_params(&[TERMINATION_REMARK], &[]),
    ],
    members: &[
        ("mchid", Mchid),
        ("contract_id", ContractId),
        ("appid", Request(&["appid", "sp_appid"])),
        // "openid 必填 string(64)": a contract signed with sub_openid alone (clearing
        // institutions, service providers without sp_openid) still answers one.
        ("openid", UserOpenid(&["openid", "sp_openid"])),
        ("sub_appid", Request(&["sub_appid"])),
        ("sub_openid", Request(&["sub_openid"])),
        ("service_id", Request(&["service_id"])),
        ("out_contract_code", Request(&["out_contract_code"])),
        (
            "contract_display_account",
            Request(&["contract_display_account"]),
        ),
        ("contract_state", CONTRACT_STATE),
        ("contract_signed_time", SignedTime),
        ("contract_terminate_info", TERMINATE_INFO),
    ],
    not_found: "RESOURCE_NOT_EXISTS",
    terminated: None,
    inquiry: None,
    retention: None,
};
