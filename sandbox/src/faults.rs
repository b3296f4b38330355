//! Faults on demand: a magic prefix in a request's `out_contract_code` (or `user_id` where an
//! endpoint has no contract code) makes the sandbox misbehave in one precise way, so that error
//! paths can be exercised against a real server instead of mocks. The prefixes are made of
//! letters and digits only, so a fault value is one WeChat Pay itself would accept in any
//! contract code ("只能是数字、大小写字母的组合").

use crate::expiring::Expiring;
use crate::http_server::Reply;
use crate::refusal::{Answered, Refusal, lock};
use std::ops::ControlFlow;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One way the sandbox can misbehave. The table in [`Fault::ALL`] is the documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 500 SYSTEM_ERROR.
    SystemError,
    /// 429 FREQUENCY_LIMITED.
    FrequencyLimited,
    /// 503 SERVICE_UNAVAILABLE.
    ServiceUnavailable,
    /// 502 with an HTML body, as a gateway sends.
    BadGateway,
    /// A correct answer after the given delay.
    Slow(Duration),
    /// The answer is signed with a key the client does not know under the right serial.
    BadSignature,
    /// The signature is a WeChat Pay probe, `WECHATPAY/SIGNTEST/...`.
    Probe,
    /// Wechatpay-Timestamp ten minutes in the past.
    Stale,
    /// Wechatpay-Serial names a key the client does not have.
    UnknownSerial,
    /// No Wechatpay-Signature header.
    Unsigned,
    /// The body is changed after signing.
    Tampered,
    /// The connection is closed without an answer, after the request was read.
    Drop,
    /// 500 the first time the value is sent, then answers as without a fault: what a retry
    /// mends.
    FailOnce,
    /// 429 the first time the value is sent, then answers as without a fault.
    LimitedOnce,
}

impl Fault {
    /// Every fault: its magic prefix and what it does.
    pub const ALL: &'static [(&'static str, &'static str)] = &[
        ("SANDBOXSYSTEMERROR", "500 SYSTEM_ERROR"),
        ("SANDBOXFREQUENCYLIMITED", "429 FREQUENCY_LIMITED"),
        ("SANDBOXSERVICEUNAVAILABLE", "503 SERVICE_UNAVAILABLE"),
        (
            "SANDBOXBADGATEWAY",
            "502 with an HTML body, as a gateway answers",
        ),
        (
            "SANDBOXSLOW<ms>",
            "a correct answer after <ms> milliseconds (at most 60000), e.g. SANDBOXSLOW1500",
        ),
        ("SANDBOXBADSIGNATURE", "200, signed with the wrong key"),
        (
            "SANDBOXPROBE",
            "200 with a WECHATPAY/SIGNTEST/ probe signature",
        ),
        (
            "SANDBOXSTALE",
            "200 with a Wechatpay-Timestamp ten minutes old",
        ),
        (
            "SANDBOXUNKNOWNSERIAL",
            "200 signed under a Wechatpay-Serial the client does not know",
        ),
        (
            "SANDBOXUNSIGNED",
            "200 without a Wechatpay-Signature header",
        ),
        (
            "SANDBOXTAMPERED",
            "200 whose body was changed after signing",
        ),
        ("SANDBOXDROP", "the connection is closed without an answer"),
        (
            "SANDBOXFAILONCE",
            "500 SYSTEM_ERROR the first time this value is sent (within 10 minutes), then a correct answer: a retry succeeds",
        ),
        (
            "SANDBOXLIMITEDONCE",
            "429 FREQUENCY_LIMITED the first time this value is sent (within 10 minutes), then a correct answer: a retry succeeds",
        ),
    ];

    /// The faults without a parameter, by the name after `SANDBOX`.
    const NAMED: &'static [(&'static str, Fault)] = &[
        ("SYSTEMERROR", Fault::SystemError),
        ("FREQUENCYLIMITED", Fault::FrequencyLimited),
        ("SERVICEUNAVAILABLE", Fault::ServiceUnavailable),
        ("BADGATEWAY", Fault::BadGateway),
        ("BADSIGNATURE", Fault::BadSignature),
        ("PROBE", Fault::Probe),
        ("STALE", Fault::Stale),
        ("UNKNOWNSERIAL", Fault::UnknownSerial),
        ("UNSIGNED", Fault::Unsigned),
        ("TAMPERED", Fault::Tampered),
        ("DROP", Fault::Drop),
        ("FAILONCE", Fault::FailOnce),
        ("LIMITEDONCE", Fault::LimitedOnce),
    ];

    /// For a fault that strikes only the first time its value is sent, the fault it is then.
    pub fn first_time_only(self) -> Option<Fault> {
        match self {
            Fault::FailOnce => Some(Fault::SystemError),
            Fault::LimitedOnce => Some(Fault::FrequencyLimited),
            _ => None,
        }
    }

    /// The fault a request value selects, if it starts with a magic prefix.
    pub fn from_value(value: &str) -> Option<Fault> {
        let rest = value.strip_prefix("SANDBOX")?;
        if let Some(ms) = rest.strip_prefix("SLOW") {
            let digits: String = ms.chars().take_while(char::is_ascii_digit).collect();
            return Some(Fault::Slow(Duration::from_millis(
                digits.parse::<u64>().ok()?.min(60_000),
            )));
        }
        Self::NAMED
            .iter()
            .find(|(name, _)| rest.starts_with(name))
            .map(|(_, fault)| *fault)
    }
}

/// How long a SANDBOXFAILONCE or SANDBOXLIMITEDONCE value is remembered as failed.
const REMEMBERED: Duration = Duration::from_secs(600);

/// The faults of a request's fault field, and the values that already failed once, with when.
#[derive(Default)]
pub(crate) struct Faults {
    failed_once: Mutex<Expiring<String, Instant>>,
}

impl Faults {
    /// What the fault `value` selects does before any answer is made: `Break` with the answer
    /// that ends the request there (an error, a gateway page, a dropped connection), else
    /// `Continue` with the fault that bends the answer, after any delay it asks for.
    pub fn before_answer(&self, value: Option<&str>) -> ControlFlow<Answered, Option<Fault>> {
        let fault = value.and_then(Fault::from_value);
        let first_time = fault.and_then(Fault::first_time_only);
        if let (Some(first_time), Some(value)) = (first_time, value) {
            if let Some(outcome) = ended_by(first_time).filter(|_| self.first_failure(value)) {
                return ControlFlow::Break(outcome);
            }
        }
        match fault.and_then(ended_by) {
            Some(outcome) => ControlFlow::Break(outcome),
            None => ControlFlow::Continue(fault),
        }
    }

    /// Whether this is the first time `value` is seen in 10 minutes.
    fn first_failure(&self, value: &str) -> bool {
        let mut seen = lock(&self.failed_once);
        seen.prune(|at| at.elapsed() < REMEMBERED);
        match seen.map.get(value) {
            Some(at) if at.elapsed() < REMEMBERED => false,
            _ => {
                seen.map.insert(value.to_owned(), Instant::now());
                true
            }
        }
    }
}

/// The answer a fault gives instead of the real one, if it does; a delay is served here, and
/// the answer goes on.
fn ended_by(fault: Fault) -> Option<Answered> {
    match fault {
        Fault::SystemError => Some(Err(Refusal::internal())),
        Fault::FrequencyLimited => Some(Err(Refusal::new(429, "FREQUENCY_LIMITED", "频率超限"))),
        Fault::ServiceUnavailable => {
            Some(Err(Refusal::new(503, "SERVICE_UNAVAILABLE", "服务不可用")))
        }
        Fault::BadGateway => Some(Ok(Reply::Answer {
            status: 502,
            body: b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
            headers: vec![("Content-Type", "text/html".to_owned())],
        })),
        Fault::Drop => Some(Ok(Reply::Drop)),
        Fault::Slow(delay) => {
            std::thread::sleep(delay);
            None
        }
        _ => None,
    }
}

/// How a deduction the sandbox accepted ends when its request asks for a failure: a magic
/// value at the start of the deduction's `attach` (or, without one, its `description`), the
/// members the pages let the merchant fill freely ("附加数据…可作为自定义参数使用"). The order
/// ends failed as its family says (a scheduled deduction's `PAY_FAIL` with this reason in
/// `trade_state_desc` and TRANSACTION.FAIL; a synchronous family's refusal,
/// `money::payment_refused`); the pages publish no list of reasons
/// (docs/where-sources-disagree.md, "Money").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// 余额不足: the user's balance does not cover the amount.
    NotEnough,
    /// The user ended the contract between the deduction's acceptance and its result.
    ContractTerminated,
    /// The amount or the number of deductions is over the user's or the bank's limit.
    LimitExceeded,
    /// The bank refused the payment for another reason.
    BankError,
}

impl Failure {
    /// Every deduction failure: its magic prefix, its `trade_state_desc` and its name.
    pub const ALL: &'static [(&'static str, Failure)] = &[
        ("SANDBOXNOTENOUGH", Failure::NotEnough),
        ("SANDBOXTERMINATED", Failure::ContractTerminated),
        ("SANDBOXLIMIT", Failure::LimitExceeded),
        ("SANDBOXBANKERROR", Failure::BankError),
    ];

    /// The failure a deduction's free-text value selects, if it starts with a magic prefix.
    pub fn from_value(value: &str) -> Option<Failure> {
        Self::ALL
            .iter()
            .find(|(prefix, _)| value.starts_with(prefix))
            .map(|(_, failure)| *failure)
    }

    /// What `trade_state_desc` says of it, as WeChat Pay words these reasons.
    pub fn description(self) -> &'static str {
        match self {
            Failure::NotEnough => "余额不足",
            Failure::ContractTerminated => "签约协议已解约",
            Failure::LimitExceeded => "交易金额或次数超出限制",
            Failure::BankError => "支付失败(其他原因,如银行返回失败)",
        }
    }

    /// The name the store keeps it under, and that `wxpresign sandbox faults` shows.
    pub fn name(self) -> &'static str {
        match self {
            Failure::NotEnough => "NOT_ENOUGH",
            Failure::ContractTerminated => "CONTRACT_TERMINATED",
            Failure::LimitExceeded => "LIMIT_EXCEEDED",
            Failure::BankError => "BANK_ERROR",
        }
    }

    /// The failure the store kept under `name`.
    pub fn named(name: &str) -> Option<Failure> {
        Self::ALL.iter().map(|(_, f)| *f).find(|f| f.name() == name)
    }
}
