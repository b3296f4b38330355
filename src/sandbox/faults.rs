//! Faults on demand: a magic prefix in a request's `out_contract_code` (or `user_id` where an
//! endpoint has no contract code) makes the sandbox misbehave in one precise way, so that error
//! paths can be exercised against a real server instead of mocks.

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
}

impl Fault {
    /// Every fault: its magic prefix and what it does.
    pub const ALL: &'static [(&'static str, &'static str)] = &[
        ("SANDBOX_SYSTEM_ERROR", "500 SYSTEM_ERROR"),
        ("SANDBOX_FREQUENCY_LIMITED", "429 FREQUENCY_LIMITED"),
        ("SANDBOX_SERVICE_UNAVAILABLE", "503 SERVICE_UNAVAILABLE"),
        (
            "SANDBOX_BAD_GATEWAY",
            "502 with an HTML body, as a gateway answers",
        ),
        (
            "SANDBOX_SLOW_<ms>",
            "a correct answer after <ms> milliseconds (at most 60000)",
        ),
        ("SANDBOX_BAD_SIGNATURE", "200, signed with the wrong key"),
        (
            "SANDBOX_PROBE",
            "200 with a WECHATPAY/SIGNTEST/ probe signature",
        ),
        (
            "SANDBOX_STALE",
            "200 with a Wechatpay-Timestamp ten minutes old",
        ),
        (
            "SANDBOX_UNKNOWN_SERIAL",
            "200 signed under a Wechatpay-Serial the client does not know",
        ),
        (
            "SANDBOX_UNSIGNED",
            "200 without a Wechatpay-Signature header",
        ),
        (
            "SANDBOX_TAMPERED",
            "200 whose body was changed after signing",
        ),
        ("SANDBOX_DROP", "the connection is closed without an answer"),
    ];

    /// The fault a request value selects, if it starts with a magic prefix.
    pub fn from_value(value: &str) -> Option<Fault> {
        let rest = value.strip_prefix("SANDBOX_")?;
        let fault = match rest {
            r if r.starts_with("SYSTEM_ERROR") => Fault::SystemError,
            r if r.starts_with("FREQUENCY_LIMITED") => Fault::FrequencyLimited,
            r if r.starts_with("SERVICE_UNAVAILABLE") => Fault::ServiceUnavailable,
            r if r.starts_with("BAD_GATEWAY") => Fault::BadGateway,
            r if r.starts_with("SLOW_") => {
                let digits: String = r["SLOW_".len()..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                Fault::Slow(Duration::from_millis(
                    digits.parse::<u64>().ok()?.min(60_000),
                ))
            }
            r if r.starts_with("BAD_SIGNATURE") => Fault::BadSignature,
            r if r.starts_with("PROBE") => Fault::Probe,
            r if r.starts_with("STALE") => Fault::Stale,
            r if r.starts_with("UNKNOWN_SERIAL") => Fault::UnknownSerial,
            r if r.starts_with("UNSIGNED") => Fault::Unsigned,
            r if r.starts_with("TAMPERED") => Fault::Tampered,
            r if r.starts_with("DROP") => Fault::Drop,
            _ => return None,
        };
        Some(fault)
    }
}
