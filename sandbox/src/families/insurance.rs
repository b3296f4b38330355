//! 委托代扣 · 保险业 (insurance) in the sandbox: its contracts, INSURANCE_ENTRUST.SIGN and
//! INSURANCE_ENTRUST.TERMINATE.

use super::Member::{ContractId, ExpiredTime, Mchid, Request, SignedTime, UserOpenid};
use super::{
    Act, Answer, BY_CONTRACT_CODE, Behaviour, Bound, CONTRACT_STATE, Call, Changed, ContractKind,
    ENTRUSTED_RETRY_SECS, Event, Member, Params, Presign, SIGN_MP_APPID, SIGN_MP_PATH, Source,
    TERMINATE_INFO, TERMINATION_REMARK, entry, query, terminate,
};
use crate::contracts::Contract;
use crate::refusal::Refusal;
use serde_json::Value;
use wxpresign::schema::{Field, boolean, integer, object, object_array, string};

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
        change(
            "/v3/papay/insurance-sign/policy-periods/plan-id/{plan_id}/contract-id/{contract_id}/modify",
            modify,
            None,
            MODIFY_PAGE,
        )
        .body_params(MODIFY, &[]),
        change(
            "/v3/papay/insurance-sign/contracts/plan-id/{plan_id}/contract-id/{contract_id}/renew",
            renew,
            Some(&RENEWED),
            RENEW_PAGE,
        )
        .body_params(RENEW, &[]),
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

/// A POST changing the contract in force that `plan_id` and `contract_id` name, whose body
/// names its `appid` (必填 on both pages).
const fn change(
    path: &'static str,
    apply: fn(&Contract, &Value, u64) -> Result<Changed, Refusal>,
    event: Option<&'static Event>,
    page: &'static str,
) -> Call {
    Call {
        method: "POST",
        path,
        query: &[],
        body: &["appid"],
        act: Act::Change { apply, event },
        page,
        params: Params::NONE,
    }
    .path_params(BY_CONTRACT_ID)
}

/// "plan_id 必填 integer", "contract_id 必填 string(32)" (both pages).
const BY_CONTRACT_ID: &[Field] = &[
    integer("plan_id").required(),
    string("contract_id").required().max(32),
];

/// 保险商户修改保险扣费周期列表.
const MODIFY_PAGE: &str = "https://pay.weixin.qq.com/doc/v3/merchant/4012987596";

/// 保险商户受理续期自动续费协议.
const RENEW_PAGE: &str = "https://pay.weixin.qq.com/docs/merchant/apis/insurance-entrusted-payment/insurance/apply-renew-contract.html";

/// "estimated_deduct_amount 必填 object": `total` 必填 in fen, `currency` CNY.
const AMOUNT: &[Field] = &[
    integer("total").positive().required(),
    string("currency").one_of(&["CNY"]),
];

/// PolicyPeriodBasicInfo: "policy_period_id 必填 integer", "estimated_deduct_date 必填 string"
/// (a date), "estimated_deduct_amount 必填 object".
const PERIOD: &[Field] = &[
    integer("policy_period_id").positive().required(),
    string("estimated_deduct_date").date().required(),
    object("estimated_deduct_amount", AMOUNT).required(),
];

/// The modify page's body: "appid 必填 string(32)", "policy_periods 选填
/// array[PolicyPeriodBasicInfo]", `allow_cancel_scheduled` (a boolean, as wechatpay.im
/// transcribes it).
const MODIFY: &[Field] = &[
    string("appid").required().max(32),
    object_array("policy_periods", PERIOD),
    boolean("allow_cancel_scheduled"),
];

/// The renewal page's body: "appid 必填 string", "policy_periods 必填
/// array[PolicyPeriodBasicInfo]"; the appid's length is not given, the modify page's is used.
const RENEW: &[Field] = &[
    string("appid").required().max(32),
    object_array("policy_periods", PERIOD).required(),
];

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

/// The renewal (保险商户委托代扣续期完成通知, the same page and resource), on the signing's schedule.
static RENEWED: Event = Event {
    retry_secs: ENTRUSTED_RETRY_SECS,
    event_type: "INSURANCE_ENTRUST.RENEW",
    original_type: "insurance_entrust",
    summary: "续期成功",
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

/// The contract's policy periods as they stand (the pre-sign's, then as modified and renewed).
fn periods_of(contract: &Contract) -> Vec<Value> {
    contract
        .current(PERIODS)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

const PERIODS: &str = "policy_periods";

/// A member of period `index` of the body, with its JSON Pointer.
fn member<'a>(periods: &'a [Value], index: usize, name: &str) -> (String, Option<&'a Value>) {
    let at = format!("/{PERIODS}/{index}/{name}");
    let value = periods
        .get(index)
        .and_then(|p| p.pointer(&format!("/{name}")));
    (at, value)
}

/// A period's `estimated_deduct_amount.total`, in fen.
fn total(period: &Value) -> Option<i64> {
    period.pointer("/estimated_deduct_amount/total")?.as_i64()
}

/// `400 PARAM_ERROR` naming `at`, with the page's words.
fn refused(at: &str, value: Option<&Value>, says: String) -> Refusal {
    Refusal::param_error(at, value.cloned().unwrap_or(Value::Null), says, "body")
}

/// `403 RULE_LIMIT`: a business rule of the page the request breaks.
fn rule_limit(says: &str) -> Refusal {
    Refusal::new(403, "RULE_LIMIT", says)
}

/// The modify page's limits: "单份协议每天至多修改一次", "单份协议永久至多修改三次" (days in Beijing time).
fn within_modify_limits(contract: &Contract, now: u64) -> Result<(), Refusal> {
    let day = |secs: u64| (secs + 8 * 3600) / 86_400;
    let made = &contract.changed_at;
    if made.len() >= 3 {
        return Err(rule_limit(
            "单份协议永久至多修改三次: this contract's policy periods were modified three times",
        ));
    }
    if made.iter().any(|at| day(*at) == day(now)) {
        return Err(rule_limit(
            "单份协议每天至多修改一次: this contract's policy periods were modified today",
        ));
    }
    Ok(())
}

/// 保险商户修改保险扣费周期列表: "当前仅支持减小…扣费周期的预计扣费金额,暂不支持增加预计扣费金额 或 修改扣费周内的
/// 其他信息(包括总期数、每一期的扣费周期编号、预计扣费日期等)…(注意一次请求内不允许有多个新的扣费金额),其余传入的扣费周期
/// 信息均需和签约时传入的保持一致" (https://pay.weixin.qq.com/doc/v3/merchant/4012987596). A
/// period's state decides whether it may be lowered ([`lower`]). Answers the periods as they now
/// are, and the period whose schedule was cancelled.
fn modify(contract: &Contract, body: &Value, now: u64) -> Result<Changed, Refusal> {
    let current = periods_of(contract);
    let Some(sent) = body.get(PERIODS).and_then(Value::as_array) else {
        return Ok(unchanged(&current));
    };
    within_modify_limits(contract, now)?;
    if sent.len() != current.len() {
        return Err(refused(
            &format!("/{PERIODS}"),
            body.get(PERIODS),
            format!(
                "must list the contract's {} policy periods (暂不支持修改…总期数)",
                current.len()
            ),
        ));
    }
    let mut new_total = None;
    let mut cancelled = None;
    let mut next = current.clone();
    for (index, was) in current.iter().enumerate() {
        for name in ["policy_period_id", "estimated_deduct_date"] {
            let (at, value) = member(sent, index, name);
            if value != was.get(name) {
                let says = format!(
                    "must be {} as signed (暂不支持修改…扣费周期编号、预计扣费日期)",
                    was[name]
                );
                return Err(refused(&at, value, says));
            }
        }
        let (at, value) = member(sent, index, "estimated_deduct_amount/total");
        let (old, asked) = (total(was), sent.get(index).and_then(total));
        if asked > old {
            let says = "may only be lowered (暂不支持增加预计扣费金额)".to_owned();
            return Err(refused(&at, value, says));
        }
        if asked < old {
            if new_total.is_some_and(|t| Some(t) != asked) {
                let says =
                    "must be the request's one new amount (一次请求内不允许有多个新的扣费金额)";
                return Err(refused(&at, value, says.to_owned()));
            }
            new_total = asked;
            cancelled = cancelled.or(lower(&mut next[index], body, &at, value)?);
            next[index]["estimated_deduct_amount"]["total"] = value.cloned().unwrap_or_default();
        }
    }
    let mut changed = unchanged(&next);
    changed.counted = new_total.is_some();
    changed.members.insert(PERIODS.into(), Value::Array(next));
    if let (Some(id), Some(answer)) = (cancelled, changed.answer.as_mut()) {
        answer["cancel_scheduled_policy_period_id"] = id.into();
    }
    Ok(changed)
}

/// Whether a period's amount may be lowered, by its state: "当前仅支持减小状态为“NO_SCHEDULED”和
/// “SCHEDULED”的扣费周期的预计扣费金额"; a SCHEDULED one only with `allow_cancel_scheduled`, and then
/// "该扣费周期的状态将变更为“NO_SCHEDULED”": its id when its schedule was cancelled.
fn lower(
    period: &mut Value,
    body: &Value,
    at: &str,
    value: Option<&Value>,
) -> Result<Option<i64>, Refusal> {
    let state = period["policy_period_state"]
        .as_str()
        .unwrap_or("NO_SCHEDULED");
    match state {
        "NO_SCHEDULED" => Ok(None),
        "SCHEDULED" if body["allow_cancel_scheduled"] == Value::Bool(true) => {
            if let Some(members) = period.as_object_mut() {
                for name in ["deduct_start_date", "deduct_end_date", "scheduled_amount"] {
                    members.remove(name);
                }
            }
            period["policy_period_state"] = "NO_SCHEDULED".into();
            Ok(period["policy_period_id"].as_i64())
        }
        "SCHEDULED" => Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            format!(
                "{at}: the period is SCHEDULED; lowering it cancels its schedule, which needs allow_cancel_scheduled true"
            ),
        )),
        other => {
            let says = format!(
                "may not change: the period is {other} (当前仅支持减小状态为“NO_SCHEDULED”和“SCHEDULED”的扣费周期的预计扣费金额)"
            );
            Err(refused(at, value, says))
        }
    }
}

/// No change: the periods as they are, answered as the modify page answers them.
fn unchanged(periods: &[Value]) -> Changed {
    let listed: Vec<Value> = periods
        .iter()
        .map(|p| {
            let keep = [
                "policy_period_id",
                "estimated_deduct_date",
                "estimated_deduct_amount",
            ];
            Value::Object(
                keep.iter()
                    .filter_map(|n| Some(((*n).to_owned(), p.get(*n)?.clone())))
                    .collect(),
            )
        })
        .collect();
    Changed {
        members: serde_json::Map::new(),
        answer: Some(serde_json::json!({ PERIODS: listed })),
        counted: false,
    }
}

/// 保险商户受理续期自动续费协议 (RENEW_PAGE): "前置条件:…预签约中参数是否自动续保(can_auto_insure)或是否自动
/// 重新投保(can_auto_reinsure)为true"; "每次续期的扣费期总量需大于等于1且小于等于12。续期的第一期扣费期数必须大于
/// 当前扣费周期列表的最后一期…编号较大的预计扣款时间不能早于编号较小的预计扣款时间"; "续期后的扣费金额波动不能超过原
/// 最后一期金额的50%". The renewed periods follow the contract's; 204.
fn renew(contract: &Contract, body: &Value, _now: u64) -> Result<Changed, Refusal> {
    let renewable = ["can_auto_insure", "can_auto_reinsure"]
        .iter()
        .any(|n| contract.request.get(*n) == Some(&Value::Bool(true)));
    if !renewable {
        return Err(rule_limit(
            "续期的前置条件: the pre-sign set neither can_auto_insure nor can_auto_reinsure to true",
        ));
    }
    let current = periods_of(contract);
    let sent = body
        .get(PERIODS)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !(1..=12).contains(&sent.len()) {
        let says = format!(
            "must hold 1 to 12 periods (每次续期的扣费期总量需大于等于1且小于等于12), not {}",
            sent.len()
        );
        return Err(refused(&format!("/{PERIODS}"), body.get(PERIODS), says));
    }
    let last = current.last();
    let mut id_before = last
        .and_then(|p| p["policy_period_id"].as_i64())
        .unwrap_or(0);
    let mut date_before = last
        .and_then(|p| p["estimated_deduct_date"].as_str())
        .unwrap_or("");
    let last_total = last.and_then(total);
    for (index, period) in sent.iter().enumerate() {
        let (at, value) = member(&sent, index, "policy_period_id");
        let id = value.and_then(Value::as_i64).unwrap_or(0);
        if id <= id_before || id > 840 {
            let says = format!(
                "must follow {id_before}, at most 840 (续期的第一期扣费期数必须大于当前扣费周期列表的最后一期)"
            );
            return Err(refused(&at, value, says));
        }
        let (at, value) = member(&sent, index, "estimated_deduct_date");
        let date = value.and_then(Value::as_str).unwrap_or("");
        let first_not_later = index == 0 && date <= date_before;
        if date < date_before || first_not_later {
            let says =
                format!("must not be before {date_before} (预计扣款时间需要随着编号的递增而递增)");
            return Err(refused(&at, value, says));
        }
        let (at, value) = member(&sent, index, "estimated_deduct_amount/total");
        if let (Some(was), Some(now)) = (last_total, total(period)) {
            if (now - was).abs() * 2 > was {
                let says = format!(
                    "must be within 50% of the last period's {was} (续期后的扣费金额波动不能超过原最后一期金额的50%)"
                );
                return Err(refused(&at, value, says));
            }
        }
        (id_before, date_before) = (id, date);
    }
    let mut next = current.clone();
    next.extend(sent.iter().cloned());
    let mut members = serde_json::Map::new();
    members.insert(PERIODS.into(), Value::Array(next));
    Ok(Changed {
        members,
        answer: None,
        counted: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The termination is retried on the signing's schedule, within 4 hours.
    #[test]
    fn a_termination_is_retried_on_the_signing_schedule_of_four_hours() {
        assert_eq!(TERMINATED.retry_secs, SIGNED.retry_secs);
        assert!(TERMINATED.retry_secs.iter().sum::<u64>() <= 4 * 3600);
    }

    const DAY: u64 = 86_400;
    /// 2026-12-07 12:00 in Beijing.
    const NOON: u64 = 1_796_616_000;

    /// A contract of one 29.90 CNY period, its periods modified at `modified`.
    fn contract(modified: &[u64]) -> Contract {
        let mut contract = Contract {
            id: "2026000000000000000000000001".into(),
            endpoint: "v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi",
            request: serde_json::json!({
                "appid": "wxd678efh567hg6787", "plan_id": 12535,
                "policy_periods": [{ "policy_period_id": 1, "estimated_deduct_date": "2026-12-01",
                    "estimated_deduct_amount": { "total": 2990, "currency": "CNY" } }]
            }),
            signed_at: NOON - 30 * DAY,
            terminated: None,
            notify_url: None,
            termination_id: None,
            terminated_by_user: false,
            changed: serde_json::Map::new(),
            changed_at: Vec::new(),
        };
        contract.changed_at = modified.to_vec();
        contract
    }

    fn lowered_to(total: i64) -> Value {
        serde_json::json!({ "appid": "wxd678efh567hg6787", "policy_periods": [{
            "policy_period_id": 1, "estimated_deduct_date": "2026-12-01",
            "estimated_deduct_amount": { "total": total, "currency": "CNY" } }] })
    }

    /// "单份协议永久至多修改三次": a fourth modification is refused, whatever the day.
    #[test]
    fn a_fourth_modification_is_refused_and_a_third_on_another_day_is_not() {
        let twice = contract(&[NOON - 3 * DAY, NOON - 2 * DAY]);
        assert!(modify(&twice, &lowered_to(2000), NOON).is_ok());
        let thrice = contract(&[NOON - 3 * DAY, NOON - 2 * DAY, NOON - DAY]);
        let refused = modify(&thrice, &lowered_to(2000), NOON).unwrap_err();
        assert_eq!((refused.status, refused.code), (403, "RULE_LIMIT"));
    }

    /// "单份协议每天至多修改一次", the day being Beijing's: 23:59 and 00:01 are two days.
    #[test]
    fn the_day_of_the_modify_limit_is_beijing_s() {
        let midnight = NOON + 12 * 3600;
        let before = contract(&[midnight - 60]);
        assert!(modify(&before, &lowered_to(2000), midnight + 60).is_ok());
        assert!(modify(&before, &lowered_to(2000), midnight - 30).is_err());
    }

    /// A contract whose one period is in `state`, scheduled when SCHEDULED.
    fn with_period(state: &str) -> Contract {
        let mut held = contract(&[]);
        let mut period = held.request[PERIODS][0].clone();
        period["policy_period_state"] = state.into();
        if state == "SCHEDULED" {
            period["deduct_start_date"] = "2026-12-08".into();
            period["scheduled_amount"] = serde_json::json!({"total": 2990, "currency": "CNY"});
        }
        held.changed
            .insert(PERIODS.into(), Value::Array(vec![period]));
        held
    }

    /// "当前仅支持减小状态为“NO_SCHEDULED”和“SCHEDULED”的扣费周期的预计扣费金额".
    #[test]
    fn a_paid_or_expired_period_is_not_lowered() {
        for state in ["PAID", "EXPIRED"] {
            let refused = modify(&with_period(state), &lowered_to(2000), NOON).unwrap_err();
            let detail = refused.detail.unwrap_or_default();
            assert_eq!(
                detail["field"], "/policy_periods/0/estimated_deduct_amount/total",
                "{state}"
            );
        }
    }

    /// "修改成功后,该扣费周期的状态将变更为“NO_SCHEDULED”,商户需按修改后的扣费金额…重新发起预约";
    /// without `allow_cancel_scheduled` a scheduled period is left as it is.
    #[test]
    fn lowering_a_scheduled_period_cancels_its_schedule_when_allowed() {
        let scheduled = with_period("SCHEDULED");
        assert!(modify(&scheduled, &lowered_to(2000), NOON).is_err());
        let mut allowed = lowered_to(2000);
        allowed["allow_cancel_scheduled"] = true.into();
        let changed = modify(&scheduled, &allowed, NOON).expect("lowered");
        let period = &changed.members[PERIODS][0];
        assert_eq!(period["policy_period_state"], "NO_SCHEDULED");
        assert!(period.get("scheduled_amount").is_none());
        let answer = changed.answer.expect("an answer");
        assert_eq!(answer["cancel_scheduled_policy_period_id"], 1);
    }
}
