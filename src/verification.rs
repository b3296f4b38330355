//! Verification of WeChat Pay's signatures on answers and notifications, with the WeChat Pay
//! public key or platform certificates chosen by `Wechatpay-Serial`.

use crate::error::{Error, Result};
use crate::keys::{PlatformCertificate, PublicKey, same_serial};
use crate::signing::{SCHEME, response_message};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// How far a WeChat Pay timestamp may be from the local clock, as every official SDK uses.
pub const MAX_CLOCK_SKEW_SECS: u64 = 300;

/// The signature prefix of WeChat Pay's probes, which must fail verification.
pub(crate) const PROBE_PREFIX: &str = "WECHATPAY/SIGNTEST/";

/// The `Wechatpay-*` headers of a signed answer or notification.
#[derive(Clone, Debug, Default)]
pub struct SignedHeaders {
    /// `Wechatpay-Timestamp`.
    pub timestamp: Option<String>,
    /// `Wechatpay-Nonce`.
    pub nonce: Option<String>,
    /// `Wechatpay-Serial`: the serial or `PUB_KEY_ID_...` of the key that signed.
    pub serial: Option<String>,
    /// `Wechatpay-Signature`.
    pub signature: Option<String>,
    /// `Wechatpay-Signature-Type`.
    pub signature_type: Option<String>,
    /// `Request-ID`.
    pub request_id: Option<String>,
}

impl SignedHeaders {
    /// Collects the headers that matter from `(name, value)` pairs, case-insensitively.
    /// A signed header that appears twice makes the answer ambiguous, so it is refused; a
    /// repeated `Request-ID` (not signed, added by proxies on the way) keeps its first value.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<SignedHeaders> {
        let mut h = SignedHeaders::default();
        for (name, value) in pairs {
            let slot = match name.to_ascii_lowercase().as_str() {
                "wechatpay-timestamp" => &mut h.timestamp,
                "wechatpay-nonce" => &mut h.nonce,
                "wechatpay-serial" => &mut h.serial,
                "wechatpay-signature" => &mut h.signature,
                "wechatpay-signature-type" => &mut h.signature_type,
                "request-id" => &mut h.request_id,
                _ => continue,
            };
            if slot.is_some() && name.eq_ignore_ascii_case("request-id") {
                continue;
            }
            if slot.is_some() {
                return Err(Error::verify(format!(
                    "header {name} appears more than once"
                )));
            }
            *slot = Some(value.trim().to_owned());
        }
        Ok(h)
    }
}

/// Which of WeChat Pay's keys requests name in `Wechatpay-Serial` (and encrypt fields with)
/// when both a public key and platform certificates are configured: during the change from
/// certificate to public key, WeChat Pay signs an answer with the key its request names
/// ("应答场景是跟商户请求时的wechatpay-serial保持一致"), and refuses a public key id before the merchant
/// starts the change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WechatpaySerial {
    /// The public key when configured, else the newest certificate (`"public_key"`).
    #[default]
    PublicKey,
    /// The newest platform certificate (`"certificate"`).
    Certificate,
}

/// The keys WeChat Pay signs with, by serial: `PUB_KEY_ID_...` or platform certificate serials.
#[derive(Debug)]
pub struct Verifier {
    public_key: Option<(String, PublicKey)>,
    certificates: Vec<PlatformCertificate>,
    names: WechatpaySerial,
}

impl Verifier {
    /// WeChat Pay's keys: its public key with its id, and platform certificates (the newest first in use).
    pub fn new(
        public_key: Option<(String, PublicKey)>,
        mut certificates: Vec<PlatformCertificate>,
    ) -> Self {
        // Newest first: during rotation WeChat signs with the newest certificate.
        certificates.sort_by_key(|c| std::cmp::Reverse(c.not_before));
        Verifier {
            public_key,
            certificates,
            names: WechatpaySerial::default(),
        }
    }

    /// This verifier, naming `names` in requests.
    pub fn naming(mut self, names: WechatpaySerial) -> Verifier {
        self.names = names;
        self
    }

    /// This verifier with `added` certificates too (a certificate it holds already is kept
    /// once).
    pub(crate) fn with_certificates(
        &self,
        added: impl IntoIterator<Item = PlatformCertificate>,
    ) -> Verifier {
        let mut certificates = self.certificates.clone();
        for certificate in added {
            if !certificates
                .iter()
                .any(|c| same_serial(&c.serial, &certificate.serial))
            {
                certificates.push(certificate);
            }
        }
        Verifier::new(self.public_key.clone(), certificates).naming(self.names)
    }

    /// The serial to send as `Wechatpay-Serial` and the key to encrypt sensitive fields with:
    /// the public key when configured (WeChat's recommendation), else the newest certificate;
    /// the newest certificate only, when it names [`WechatpaySerial::Certificate`] (none until
    /// one is held or downloaded).
    pub fn preferred(&self) -> Option<(&str, &PublicKey)> {
        if let (Some((id, key)), WechatpaySerial::PublicKey) = (&self.public_key, self.names) {
            return Some((id, key));
        }
        self.certificates
            .first()
            .map(|c| (c.serial.as_str(), &c.key))
    }

    /// The key a serial names, if it is configured.
    pub fn key_for(&self, serial: &str) -> Option<&PublicKey> {
        if let Some((id, key)) = &self.public_key {
            if id.eq_ignore_ascii_case(serial) {
                return Some(key);
            }
        }
        self.certificates
            .iter()
            .find(|c| same_serial(&c.serial, serial))
            .map(|c| &c.key)
    }

    /// Checks a signed 2xx answer: all headers present, the timestamp within
    /// [`MAX_CLOCK_SKEW_SECS`] of `now`, a known serial, and a valid signature over the raw body.
    pub fn verify(&self, h: &SignedHeaders, body: &[u8], now: u64) -> Result<()> {
        self.check(h, body, now, "answer")
    }

    /// Checks a notification WeChat Pay posted, by the same rules as answers.
    pub fn verify_notification(&self, h: &SignedHeaders, body: &[u8], now: u64) -> Result<()> {
        self.check(h, body, now, "notification")
    }

    fn check(&self, h: &SignedHeaders, body: &[u8], now: u64, what: &str) -> Result<()> {
        not_a_probe(h, what)?;
        let need = |value: &Option<String>, name: &str| -> Result<String> {
            match value {
                Some(v) if !v.is_empty() => Ok(v.clone()),
                _ => Err(Error::verify(format!(
                    "the {what} has no {name} header: an unsigned {what} must be treated as forged"
                ))),
            }
        };
        let timestamp = need(&h.timestamp, "Wechatpay-Timestamp")?;
        let nonce = need(&h.nonce, "Wechatpay-Nonce")?;
        let serial = need(&h.serial, "Wechatpay-Serial")?;
        let signature = need(&h.signature, "Wechatpay-Signature")?;
        if let Some(kind) = &h.signature_type {
            if kind != SCHEME {
                return Err(Error::verify(format!(
                    "Wechatpay-Signature-Type \"{kind}\" is not supported; expected {SCHEME}"
                )));
            }
        }

        let ts: u64 = timestamp.parse().map_err(|_| {
            Error::verify(format!(
                "Wechatpay-Timestamp \"{timestamp}\" is not a Unix time in seconds"
            ))
        })?;
        let skew = now.abs_diff(ts);
        if skew >= MAX_CLOCK_SKEW_SECS {
            return Err(Error::verify(format!(
                "Wechatpay-Timestamp is {skew} s off the local clock (limit {MAX_CLOCK_SKEW_SECS} s): \
                 a replayed {what}, or a wrong local clock (check NTP)"
            )));
        }

        let key = self.key_for(&serial).ok_or_else(|| {
            Error::verify(format!(
                "Wechatpay-Serial {serial} names no configured key: add that WeChat Pay public key (PUB_KEY_ID_...) \
                 or platform certificate to the configuration"
            ))
        })?;

        let signature_bytes = STANDARD.decode(signature.as_bytes()).map_err(|_| {
            Error::verify(
                "Wechatpay-Signature is not valid Base64, so the answer cannot be verified: \
                 it was altered on the way (a proxy rewriting headers?) or did not come from WeChat Pay",
            )
        })?;
        if !key.verify_sha256(
            &response_message(&timestamp, &nonce, body),
            &signature_bytes,
        ) {
            // A handler most often breaks a notification's signature by handing over the body
            // its framework parsed and re-encoded.
            let advice = match what {
                "notification" => {
                    "; pass the raw request body bytes as received, unparsed (a framework that \
                     parses and re-encodes the JSON changes its spacing or key order, and the \
                     signature covers the exact bytes)"
                }
                _ => "",
            };
            return Err(Error::verify(format!(
                "the signature does not match the body for key {serial}: the {what} was altered, or signed with another key{advice}"
            )));
        }
        Ok(())
    }
}

/// Refuses a signature probe before anything else is checked. A probe keeps every other header
/// as WeChat Pay sends it, but is reported as a probe whatever else is wrong with it (an old
/// timestamp, a serial not yet known, text that is not Base64), so that it is never mistaken for
/// an attack and never makes a client download certificates.
pub(crate) fn not_a_probe(h: &SignedHeaders, what: &str) -> Result<()> {
    match &h.signature {
        Some(s) if s.starts_with(PROBE_PREFIX) => Err(probe(what)),
        _ => Ok(()),
    }
}

/// The error for a probe signature on an answer or a notification (`what`). WeChat Pay: "在验签
/// 失败的情况下,商户系统应返回失败(即应答 4xx 或 5xx 的状态码),等待微信支付携带正确签名重新发送通知回调"
/// (https://pay.weixin.qq.com/docs/partner/development/practices/notification-considerations.html).
fn probe(what: &str) -> Error {
    let advice = match what {
        "notification" => "answer it 401 (not 2xx) and WeChat Pay sends it again correctly signed",
        _ => {
            "WeChat Pay received and processed the request, so query it (or send it again with \
             the same parameters) to learn its outcome"
        }
    };
    Error::probe(format!(
        "WeChat Pay signature probe (Wechatpay-Signature starts with {PROBE_PREFIX}): the {what} \
         fails verification by design, not an attack; {advice}"
    ))
}

/// What a client saw within the last [`MAX_CLOCK_SKEW_SECS`] or so (the nonces of the answers it
/// accepted, the ids of the notifications it parsed), so that it knows the same one again.
/// Bounded: past 16,384 entries the oldest is forgotten.
#[derive(Debug, Default)]
pub struct Recent {
    /// Each key with the Unix second it may be forgotten at, in the order they were seen; and
    /// the keys, to look them up.
    seen: Mutex<(VecDeque<(u64, String)>, HashSet<String>)>,
}

impl Recent {
    /// The most keys held: a client accepting 50 answers a second for the whole window.
    pub(crate) const CAPACITY: usize = 16 * 1024;

    /// Notes `key`, to be remembered until the Unix second `until`; whether it is the first
    /// time it was seen (not already held at `now`).
    pub fn first_time(&self, key: &str, until: u64, now: u64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let (order, keys) = &mut *seen;
        while order.front().is_some_and(|(expires, _)| *expires <= now) {
            if let Some((_, old)) = order.pop_front() {
                keys.remove(&old);
            }
        }
        if keys.contains(key) {
            return false;
        }
        // Room for the new key is made only once it is known to be new, so that all of the last
        // CAPACITY keys are still looked up.
        if order.len() >= Self::CAPACITY {
            if let Some((_, old)) = order.pop_front() {
                keys.remove(&old);
            }
        }
        order.push_back((until, key.to_owned()));
        keys.insert(key.to_owned());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn a_key_is_known_again_until_it_expires() {
        let recent = Recent::default();
        assert!(recent.first_time("1700000000 nonce", 1700000300, 1700000000));
        assert!(!recent.first_time("1700000000 nonce", 1700000300, 1700000299));
        assert!(recent.first_time("1700000000 nonce", 1700000600, 1700000300));
    }

    #[test]
    fn it_holds_as_many_keys_as_its_capacity() {
        let recent = Recent::default();
        for i in 0..Recent::CAPACITY {
            assert!(recent.first_time(&i.to_string(), u64::MAX, 0));
        }
        assert!(
            !recent.first_time("0", u64::MAX, 0),
            "the oldest of CAPACITY keys is still known"
        );
    }

    #[test]
    fn past_its_capacity_the_oldest_key_is_forgotten() {
        let recent = Recent::default();
        for i in 0..=Recent::CAPACITY {
            assert!(recent.first_time(&i.to_string(), u64::MAX, 0));
        }
        assert!(!recent.first_time(&Recent::CAPACITY.to_string(), u64::MAX, 0));
        assert!(
            recent.first_time("0", u64::MAX, 0),
            "the oldest was forgotten"
        );
    }
}
