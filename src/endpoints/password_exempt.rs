//! 免密支付 (password-free payment contracts): service provider, normal, clearing institution (qs) and e-commerce modes.

use super::{Endpoint, Host, Reply};

use crate::schema::{Field, integer, string};

const SERVICE_PROVIDER_PAY_REDIRECT_SIGN: &[Field] = &[
    string("sp_appid").max(32).required(),
    string("sp_openid").max(128),
    string("sub_mchid").max(32).required(),
    string("sub_appid").max(32).required(),
    string("sub_openid").max(128),
    integer("service_id").positive().required(),
    string("out_contract_code").max(32).required(),
    string("notify_url").notify_url().required(),
    string("contract_display_account").max(32).required(),
    string("prepay_id").max(64).required(),
];

pub(super) static ENDPOINTS: &[Endpoint] = &[Endpoint {
    path: "v3/password-exempt-contract/contracts/service-provider/pre-entrust-sign/pay-redirect-sign",
    title: "服务商模式支付后场景预签约 (password-free, service provider, sign after payment)",
    host: Host::Domestic,
    request: SERVICE_PROVIDER_PAY_REDIRECT_SIGN,
    answer: &[
        ("mchid", Reply::Mchid),
        ("sub_mchid", Reply::Echo("sub_mchid")),
        ("service_id", Reply::Echo("service_id")),
        ("out_contract_code", Reply::Echo("out_contract_code")),
    ],
    fault_field: "out_contract_code",
    session_minutes: 120,
    example: r#"{"sp_appid":"wxd678efh567hg6787","sub_mchid":"1900000109","sub_appid":"wxd678efh567hg6787","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","service_id":12535,"out_contract_code":"wxwtdk20200910100002","notify_url":"https://yourapp.com/notify","contract_display_account":"微信代扣用户A","prepay_id":"wx201410272009395522657a690389285100"}"#,
}];
