//! Faults on demand: a magic prefix in a request's `out_contract_code` (or `user_id` where an
//! endpoint has no contract code) makes the sandbox misbehave in one precise way, so that error
//! paths can be exercised against a real server instead of mocks. The prefixes are made of
//! letters and digits only, so a fault value is one WeChat Pay itself would accept in any
//! contract code ("只能是数字、大小写字母的组合").

use std::time::Duration;

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
