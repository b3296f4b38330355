//! Answer signing: the one signer of everything the sandbox sends (answers and notifications),
//! with the platform's newest key, bent by a fault where one asks for it.

use crate::http_server::Reply;
use crate::refusal::{Answered, Refusal, request_id};
use crate::{Fault, Identity};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::sync::OnceLock;
use wxpresign::error::{Error, Result};
use wxpresign::keys::PrivateKey;
use wxpresign::signing::{SCHEME, nonce, response_message, unix_now};

/// The `Wechatpay-*` headers of `body`, signed now as WeChat Pay signs, or as `fault` bends
/// them: a stale timestamp, a key nobody trusts, a probe signature, an unknown serial, or no
/// signature at all.
pub(crate) fn signature_headers(
    identity: &Identity,
    body: &[u8],
    fault: Option<Fault>,
) -> Result<Vec<(&'static str, String)>> {
    let now = match fault {
        Some(Fault::Stale) => unix_now() - 600,
        _ => unix_now(),
    };
    signature_headers_at(identity, body, now, fault)
}

/// Which of a merchant's WeChat Pay keys signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    /// The platform's newest key, with its serial or `PUB_KEY_ID_...`: what signs by default.
    Platform,
    /// The WeChat Pay public key a merchant in migration mode changes to (the platform key
    /// for a merchant without one).
    PublicKey,
}

/// What every probe signature starts with: "所有用于探测目的的签名值都会包含此前缀"
/// (https://pay.weixin.qq.com/docs/partner/development/practices/notification-considerations.html).
pub(crate) const PROBE_PREFIX: &str = "WECHATPAY/SIGNTEST/";

/// WeChat Pay's one probe form, as merchants have posted it (wechatpay-java #319): the prefix
/// and the first 336 characters of a real signature's Base64, 355 characters in all.
pub(crate) fn probe_of(signature: &str) -> String {
    let text = signature.get(..336).unwrap_or(signature);
    format!("{PROBE_PREFIX}{text}")
}

/// The Base64 signature of an answer or notification `body` with `key`.
pub(crate) fn signature(
    key: &PrivateKey,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> Result<String> {
    let message = response_message(timestamp, nonce, body);
    Ok(STANDARD.encode(key.sign_sha256(&message)?))
}

/// [`signature_headers`] with `timestamp` as Wechatpay-Timestamp: a handler's test sends
/// notifications from the future as well as the past.
pub(crate) fn signature_headers_at(
    identity: &Identity,
    body: &[u8],
    timestamp: u64,
    fault: Option<Fault>,
) -> Result<Vec<(&'static str, String)>> {
    signed_with(identity, Key::Platform, body, timestamp, fault)
}

/// The `Wechatpay-*` headers of `body` signed with `key` at `timestamp`, or as `fault` bends
/// them.
pub(crate) fn signed_with(
    identity: &Identity,
    key: Key,
    body: &[u8],
    timestamp: u64,
    fault: Option<Fault>,
) -> Result<Vec<(&'static str, String)>> {
    let timestamp = timestamp.to_string();
    let nonce = nonce()?;
    let sign = |serial: &str, key: &PrivateKey| {
        let key = match fault {
            Some(Fault::BadSignature) => wrong_key()?,
            _ => key,
        };
        Ok::<_, Error>((serial.to_owned(), signature(key, &timestamp, &nonce, body)?))
    };
    let (serial, signature) = match (key, identity.public_key_pair.as_ref()) {
        (Key::PublicKey, Some(pair)) => sign(&pair.id, &pair.key)?,
        // The serial and the key of one platform, read together: a rotation may come between.
        _ => identity.signing(sign)?,
    };
    let signature = match fault {
        Some(Fault::Probe) => probe_of(&signature),
        _ => signature,
    };
    let serial = match fault {
        Some(Fault::UnknownSerial) => "PUB_KEY_ID_0000000000000000000000000000".to_owned(),
        _ => serial,
    };
    let mut headers = vec![
        ("Wechatpay-Timestamp", timestamp),
        ("Wechatpay-Nonce", nonce),
        ("Wechatpay-Serial", serial),
        ("Wechatpay-Signature-Type", SCHEME.to_owned()),
    ];
    if fault != Some(Fault::Unsigned) {
        headers.push(("Wechatpay-Signature", signature));
    }
    Ok(headers)
}

/// A key nobody trusts, for the bad-signature fault; made on first use.
fn wrong_key() -> Result<&'static PrivateKey> {
    static KEY: OnceLock<Option<PrivateKey>> = OnceLock::new();
    KEY.get_or_init(|| PrivateKey::generate().ok())
        .as_ref()
        .ok_or_else(|| Error::internal("cannot generate the key of the bad-signature fault"))
}

/// A `status` answer signed like WeChat Pay's (a 204 signs its empty body), bent by `fault`:
/// the tampered fault changes the body after signing.
pub(crate) fn answer(
    identity: &Identity,
    status: u16,
    body: Vec<u8>,
    fault: Option<Fault>,
) -> Answered {
    let signed = signature_headers(identity, &body, fault).map_err(|_| Refusal::internal())?;
    let body = match fault {
        Some(Fault::Tampered) => String::from_utf8_lossy(&body)
            .replacen("\"", "\"x", 2)
            .into_bytes(),
        _ => body,
    };
    let mut headers = vec![
        ("Content-Type", "application/json; charset=utf-8".to_owned()),
        ("Request-ID", request_id("0")),
    ];
    headers.extend(signed);
    Ok(Reply::Answer {
        status,
        body,
        headers,
    })
}

/// A 200 answer of `body`, signed.
pub(crate) fn ok(identity: &Identity, body: &serde_json::Value) -> Answered {
    answer(identity, 200, body.to_string().into_bytes(), None)
}
