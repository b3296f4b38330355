//! What the user does in WeChat that no call of the merchant's does, acted out on an admin
//! route: ending a contract from WeChat's 支付设置 → 自动续费 / 扣费服务. WeChat Pay first asks
//! the merchant for a retention offer and then whether the contract may end, where the
//! family's pages define those questions, and then ends it and tells the merchant as its
//! termination notification does, the mode saying the user did it.

use crate::Identity;
use crate::admin::{json_only, post_only};
use crate::behaviours::notification_headers;
use crate::contracts::{self, Contract, no_contract};
use crate::delivery::{self, NotificationDelivery};
use crate::families::Event;
use crate::http_server::Request;
use crate::refusal::{Answered, Refusal};
use crate::server::State;
use crate::signer;
use serde_json::{Map, Value, json};
use std::time::{Duration, Instant};

/// How long WeChat Pay waits for a retention offer: "如果微信收到应答不是成功或超时(当前是1秒的超时),
/// 微信认为获取失败,不会展示挽留信息" (https://pay.weixin.qq.com/doc/v3/merchant/4012312222).
const RETENTION_TIMEOUT: Duration = Duration::from_secs(1);

/// `POST /sandbox/contracts/{contract_id}/user-terminate`, with an optional JSON body
/// `{"retention": bool, "inquiry": bool, "accepts_retention": bool}`: the user ends the
/// contract in WeChat. Answers what WeChat Pay asked the merchant, what it answered, and
/// whether the contract ended.
pub(crate) fn user_terminate(state: &State, request: &Request, id: &str) -> Answered {
    post_only(request, "user-terminate")?;
    json_only(state, request)?;
    let options = Options::read(&request.body)?;
    let (mchid, contract) = state
        .merchants
        .contract(id)
        .ok_or_else(|| no_contract(id))?;
    let merchant = state.merchants.named(&mchid)?;
    let kind = contract.kind().ok_or_else(|| no_contract(id))?;
    if contract.terminated.is_some() {
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "the contract is already terminated: the user has nothing to end",
        ));
    }
    let mut report = Map::new();
    report.insert("contract_id".into(), id.into());
    let url = contract.notify_url.clone();
    if let (Some(event), Some(url), true) = (kind.retention, url.as_deref(), options.retention) {
        let asked = ask(state, &merchant, event, &contract, url, RETENTION_TIMEOUT)?;
        let offered = asked.offer().is_some();
        report.insert("retention".into(), asked.to_json(offered));
        if offered && options.accepts_retention {
            return kept(state, report, "the user took the retention offer");
        }
    }
    if let (Some(event), Some(url), true) = (kind.inquiry, url.as_deref(), options.inquiry) {
        let asked = ask(
            state,
            &merchant,
            event,
            &contract,
            url,
            delivery::ANSWER_TIMEOUT,
        )?;
        let refused = asked.code() == Some("FAIL");
        report.insert("inquiry".into(), asked.to_json(!refused));
        if refused {
            return kept(state, report, "the merchant answered the inquiry FAIL");
        }
    }
    let ended = contracts::end_by_user(state, id)?;
    report.insert("state".into(), "TERMINATED".into());
    let notification = ended
        .termination_id
        .as_deref()
        .and_then(|d| state.store.delivery(d).ok().flatten())
        .as_ref()
        .map(NotificationDelivery::to_json);
    report.insert("termination_notification".into(), json!(notification));
    signer::ok(&state.identity, &Value::Object(report))
}

/// The answer when the contract stays in force, and why.
fn kept(state: &State, mut report: Map<String, Value>, why: &str) -> Answered {
    report.insert("state".into(), "SIGNED".into());
    report.insert("kept_because".into(), why.into());
    signer::ok(&state.identity, &Value::Object(report))
}

/// What the user does: which of WeChat Pay's questions the merchant's template is in the
/// range of (both, unless said), and whether a retention offer keeps the user.
struct Options {
    retention: bool,
    inquiry: bool,
    accepts_retention: bool,
}

impl Options {
    fn read(body: &[u8]) -> Result<Options, Refusal> {
        let given: Value = if body.iter().all(u8::is_ascii_whitespace) {
            json!({})
        } else {
            serde_json::from_slice(body).map_err(|e| {
                Refusal::new(400, "PARAM_ERROR", format!("the body is not JSON: {e}"))
            })?
        };
        let Value::Object(members) = given else {
            return Err(Refusal::new(
                400,
                "PARAM_ERROR",
                "the body must be a JSON object",
            ));
        };
        let flag = |name: &str, default: bool| match members.get(name) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(Refusal::param_error(
                &format!("/{name}"),
                other.clone(),
                "must be true or false",
                "body",
            )),
        };
        if let Some(name) = members.keys().find(|n| !KNOWN.contains(&n.as_str())) {
            return Err(Refusal::param_error(
                &format!("/{name}"),
                members[name].clone(),
                format!(
                    "is not an option of user-terminate (it takes {})",
                    KNOWN.join(", ")
                ),
                "body",
            ));
        }
        Ok(Options {
            retention: flag("retention", true)?,
            inquiry: flag("inquiry", true)?,
            accepts_retention: flag("accepts_retention", false)?,
        })
    }
}

const KNOWN: [&str; 3] = ["retention", "inquiry", "accepts_retention"];

/// One question put to the merchant, and what came back.
struct Asked {
    event_type: &'static str,
    status: Option<u16>,
    /// The merchant's answer, when it was JSON.
    answer: Option<Value>,
    error: Option<String>,
    elapsed_ms: u64,
}

impl Asked {
    /// The answer's `code`, when the merchant answered in time with one.
    fn code(&self) -> Option<&str> {
        self.answer.as_ref()?.get("code")?.as_str()
    }

    /// The retention offer WeChat Pay shows the user: a 2xx answer within the second whose
    /// `code` is SUCCESS and that names a `retention_type`.
    fn offer(&self) -> Option<&Value> {
        let answer = self.answer.as_ref()?;
        let success = self.status.is_some_and(|s| (200..300).contains(&s));
        (success && self.code() == Some("SUCCESS"))
            .then(|| answer.get("retention_type"))
            .flatten()
            .map(|_| answer)
    }

    fn to_json(&self, heeded: bool) -> Value {
        json!({
            "event_type": self.event_type,
            "status": self.status,
            "answer": self.answer,
            "error": self.error,
            "elapsed_ms": self.elapsed_ms,
            "heeded": heeded,
        })
    }
}

/// Puts `event` about `merchant`'s `contract` to it at `url` at once, signed and sealed as its
/// notifications are, and waits at most `wait` for the answer (the user is waiting too).
fn ask(
    state: &State,
    merchant: &Identity,
    event: &'static Event,
    contract: &Contract,
    url: &str,
    wait: Duration,
) -> Result<Asked, Refusal> {
    let sealed = state
        .notifier
        .prepare(merchant, event, contract, url.to_owned())?;
    // A question the user waits on is never a probe: WeChat Pay probes with notifications.
    let headers = notification_headers(merchant, sealed.body.as_bytes(), false)
        .map_err(|e| Refusal::failed(&e))?;
    let started = Instant::now();
    let posted = delivery::post(url, &sealed.body, &headers);
    let elapsed = started.elapsed();
    let elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
    let (status, answer, error) = match posted {
        Ok(_) if elapsed > wait => (None, None, Some(format!("no answer within {wait:?}"))),
        Ok((status, body)) => (Some(status), serde_json::from_str(&body).ok(), None),
        Err(e) => (None, None, Some(e)),
    };
    Ok(Asked {
        event_type: event.event_type,
        status,
        answer,
        error,
        elapsed_ms,
    })
}
