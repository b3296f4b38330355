//! The notifications notify-test sends: each a body and its headers, with the answer it expects.
//! A hostile notification differs from a good one in exactly one way, and is otherwise signed and
//! encrypted correctly, so that a handler refusing it shows the one check it was made for.

use crate::families::Event;
use crate::signer::signature_headers_at;
use crate::trigger::{as_told, made_up};
use crate::{Fault, Identity, delivery};
use base64::Engine;
use serde_json::Value;
use wxpresign::endpoints::Family;
use wxpresign::error::{Error, Result};
use wxpresign::signing::unix_now;

/// The answer a check expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// 2xx: received and handled (WeChat Pay stops retrying).
    Success,
    /// 4xx or 5xx with `{"code":"FAIL","message":...}`: refused, nothing done.
    Refusal,
}

/// One notification to send and what the handler must answer. Its Debug shows neither the
/// headers nor the body: they hold signatures and ciphertexts.
#[derive(Clone)]
pub struct Check {
    /// A stable name: `deliver ENTRUST.SIGN`, `stale timestamp`, ...
    pub name: String,
    /// What was sent, for a person (no key material, no ciphertext).
    pub sent: String,
    /// The `Wechatpay-*` headers.
    pub headers: Vec<(&'static str, String)>,
    /// The request's body, as sent.
    pub body: String,
    pub expect: Expect,
    /// What the handler must do when it answers otherwise.
    pub must: &'static str,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check")
            .field("name", &self.name)
            .field("sent", &self.sent)
            .field("expect", &self.expect)
            .finish_non_exhaustive()
    }
}

/// How a notification is signed: by the sandbox's one signer, `skew` seconds off the current
/// time, bent by `fault` where one is given (another key, an unknown serial, a probe, none).
#[derive(Clone, Copy, Default)]
struct Signing {
    skew: i64,
    fault: Option<Fault>,
}

impl Signing {
    fn skewed(skew: i64) -> Self {
        Signing { skew, fault: None }
    }

    fn bent(fault: Fault) -> Self {
        Signing {
            skew: 0,
            fault: Some(fault),
        }
    }
}

/// The `Wechatpay-*` headers of `body` as `how` says.
fn headers(identity: &Identity, body: &str, how: Signing) -> Result<Vec<(&'static str, String)>> {
    let timestamp = unix_now().saturating_add_signed(how.skew);
    signature_headers_at(identity, body.as_bytes(), timestamp, how.fault)
}

/// A notification of `event` for a contract of `family` made up for the merchant at `now`
/// (the sandbox's clock), sealed with `key`: the body the sandbox sends for that family, full
/// resource included.
fn sealed(
    identity: &Identity,
    family: Family,
    event: &Event,
    key: &[u8],
    now: u64,
) -> Result<String> {
    let contract = made_up(family, event, now).ok_or_else(|| {
        Error::internal(format!(
            "{}: no pre-sign endpoint of its family sends it",
            event.event_type
        ))
    })?;
    let contract = as_told(contract, family, event, now);
    let (_, body) = delivery::sealed_at(event, &contract, &identity.mchid, key, now)?;
    Ok(body)
}

/// The sealed body with the member at `pointer` replaced by `change(old)`.
fn changed(body: &str, pointer: &str, change: impl FnOnce(&str) -> String) -> Result<String> {
    let mut envelope: Value = serde_json::from_str(body)
        .map_err(|e| Error::internal(format!("a sealed notification is not JSON: {e}")))?;
    let member = envelope
        .pointer_mut(pointer)
        .ok_or_else(|| Error::internal(format!("a sealed notification has no {pointer}")))?;
    let old = member.as_str().unwrap_or_default().to_owned();
    *member = Value::from(change(&old));
    Ok(envelope.to_string())
}

/// `deliver TYPE` and `retry TYPE`: the same notification twice, each signed afresh, as WeChat
/// Pay signs each try.
pub fn good(identity: &Identity, family: Family, event: &Event, now: u64) -> Result<Vec<Check>> {
    let event_type = event.event_type;
    let body = sealed(identity, family, event, identity.apiv3_key.as_bytes(), now)?;
    let deliver = Check {
        name: format!("deliver {event_type}"),
        sent: "signed and encrypted as WeChat Pay does".to_owned(),
        headers: headers(identity, &body, Signing::default())?,
        body: body.clone(),
        expect: Expect::Success,
        must: "verify, decrypt and handle it, then answer 200 or 204 within 5 s",
    };
    let retry = Check {
        name: format!("retry {event_type}"),
        sent: "the same notification again, as a retry".to_owned(),
        headers: headers(identity, &body, Signing::default())?,
        body,
        expect: Expect::Success,
        must: "answer 2xx again without acting twice: a notification can arrive more than once",
    };
    Ok(vec![deliver, retry])
}

/// A hostile check: `name`, what was `sent`, and what the handler `must` do.
fn refusal(
    name: &str,
    sent: &str,
    must: &'static str,
    body: String,
    headers: Vec<(&'static str, String)>,
) -> Check {
    Check {
        name: name.to_owned(),
        sent: sent.to_owned(),
        headers,
        body,
        expect: Expect::Refusal,
        must,
    }
}

/// The notifications a handler must refuse, each a notification of `event_type` wrong in one way.
pub fn hostile(identity: &Identity, family: Family, event: &Event, now: u64) -> Result<Vec<Check>> {
    let body = sealed(identity, family, event, identity.apiv3_key.as_bytes(), now)?;
    let mut list = forged(identity, &body)?;
    list.extend(undecryptable(identity, family, event, &body, now)?);
    list.push(refusal(
        "signature probe",
        "Wechatpay-Signature WECHATPAY/SIGNTEST/...",
        "fail verification of a WECHATPAY/SIGNTEST/ probe, answer 4xx/5xx and do not act on it",
        body.clone(),
        headers(identity, &body, Signing::bent(Fault::Probe))?,
    ));
    Ok(list)
}

/// `body` with signature headers that are wrong in one way each, or `body` changed after signing.
fn forged(identity: &Identity, body: &str) -> Result<Vec<Check>> {
    let signed = |name, sent, must, how| -> Result<Check> {
        Ok(refusal(
            name,
            sent,
            must,
            body.to_owned(),
            headers(identity, body, how)?,
        ))
    };
    Ok(vec![
        signed(
            "signature by another key",
            "signed with another key",
            "verify Wechatpay-Signature with the WeChat Pay key Wechatpay-Serial names",
            Signing::bent(Fault::BadSignature),
        )?,
        refusal(
            "body changed after signing",
            "summary changed after signing",
            "verify the signature over the raw body bytes as received",
            changed(body, "/summary", |s| format!("{s}!"))?,
            headers(identity, body, Signing::default())?,
        ),
        signed(
            "stale timestamp",
            "Wechatpay-Timestamp 6 min old",
            "refuse a Wechatpay-Timestamp 5 minutes or more from your clock (a replay)",
            Signing::skewed(-360),
        )?,
        signed(
            "future timestamp",
            "Wechatpay-Timestamp 6 min ahead",
            "refuse a Wechatpay-Timestamp 5 minutes or more from your clock, ahead as well",
            Signing::skewed(360),
        )?,
        signed(
            "unknown serial",
            "Wechatpay-Serial of no key held",
            "verify with the key Wechatpay-Serial names, and refuse a serial you do not hold",
            Signing::bent(Fault::UnknownSerial),
        )?,
        signed(
            "missing signature header",
            "no Wechatpay-Signature",
            "treat a notification without Wechatpay-Signature as forged",
            Signing::bent(Fault::Unsigned),
        )?,
    ])
}

/// Correctly signed notifications whose resource the APIv3 key must not decrypt.
fn undecryptable(
    identity: &Identity,
    family: Family,
    event: &Event,
    body: &str,
    now: u64,
) -> Result<Vec<Check>> {
    let signed = |body: String, name, sent, must| -> Result<Check> {
        let headers = headers(identity, &body, Signing::default())?;
        Ok(refusal(name, sent, must, body, headers))
    };
    let mut other_apiv3 = [0u8; 16];
    let _ = aws_lc_rs::rand::fill(&mut other_apiv3);
    let other_apiv3: String = other_apiv3.iter().map(|b| format!("{b:02x}")).collect();
    Ok(vec![
        signed(
            changed(body, "/resource/ciphertext", flip)?,
            "tampered ciphertext",
            "a ciphertext byte changed, signed",
            "check the AES-256-GCM tag: decryption must fail",
        )?,
        signed(
            changed(body, "/resource/associated_data", |a| {
                format!("{a}_changed")
            })?,
            "changed associated_data",
            "associated_data changed, signed",
            "decrypt with resource.associated_data as sent: the tag covers it",
        )?,
        signed(
            sealed(identity, family, event, other_apiv3.as_bytes(), now)?,
            "another APIv3 key",
            "another APIv3 key's resource, signed",
            "decrypt with your APIv3 key and refuse what it does not decrypt",
        )?,
        signed(
            changed(body, "/resource/algorithm", |_| {
                "AEAD_AES_128_GCM".to_owned()
            })?,
            "unsupported algorithm",
            "algorithm AEAD_AES_128_GCM, signed",
            "refuse any resource.algorithm other than AEAD_AES_256_GCM",
        )?,
    ])
}

/// Base64 `text` with one decoded byte changed, so that the tag no longer matches.
fn flip(text: &str) -> String {
    let engine = base64::engine::general_purpose::STANDARD;
    let mut bytes = engine.decode(text).unwrap_or_default();
    if let Some(first) = bytes.first_mut() {
        *first ^= 0x01;
    }
    engine.encode(bytes)
}
