//! Which key signs what the sandbox sends, and which of it is a signature probe
//! (签名探测): "微信支付会在极少数应答或通知回调中生成错误签名,以探测商户系统是否正确地验证了签名
//! … 所有用于探测目的的签名值都会包含此前缀 [WECHATPAY/SIGNTEST/]"
//! (https://pay.weixin.qq.com/docs/partner/development/practices/notification-considerations.html).
//! A probe keeps the real serial, timestamp, nonce and body; only the signature is wrong.

use crate::http_server::{Reply, Request};
use crate::signer::{Key, probe_of, signature, signed_with};
use crate::{Fault, Identity};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use wxpresign::error::Result;
use wxpresign::signing::{response_message, unix_now};

/// The `Wechatpay-*` headers of a notification `body`: signed with the public key on the
/// change's ramp, else as every answer is; a probe when `probe`.
pub(crate) fn notification_headers(
    identity: &Identity,
    body: &[u8],
    probe: bool,
) -> Result<Vec<(&'static str, String)>> {
    let key = if identity.public_key_pair.is_some()
        && identity.behaviours.notification_uses_public_key()
    {
        Key::PublicKey
    } else {
        Key::Platform
    };
    signed_with(
        identity,
        key,
        body,
        unix_now(),
        probe.then_some(Fault::Probe),
    )
}

/// An API answer as the merchant's behaviours make it: signed with the public key when the
/// change says so (the request's `Wechatpay-Serial` names it, once started), and drawn as a
/// probe at the merchant's share. Only a signed 2xx answer honestly signed is changed: error
/// answers are unsigned, and a fault's bent signature stays as the fault made it.
pub(crate) fn bend_answer(identity: &Identity, request: &Request, reply: Reply) -> Reply {
    let Reply::Answer {
        status,
        mut headers,
        body,
    } = reply
    else {
        return reply;
    };
    if (200..300).contains(&status) && !request.path().starts_with("/sandbox/") {
        if let Some(changed) = changed_headers(identity, request, &headers, &body) {
            headers = changed;
        }
    }
    Reply::Answer {
        status,
        headers,
        body,
    }
}

fn changed_headers(
    identity: &Identity,
    request: &Request,
    headers: &[(&'static str, String)],
    body: &[u8],
) -> Option<Vec<(&'static str, String)>> {
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    };
    let (timestamp, nonce) = (get("Wechatpay-Timestamp")?, get("Wechatpay-Nonce")?);
    let (serial, signed) = (get("Wechatpay-Serial")?, get("Wechatpay-Signature")?);
    let requested = request.header("Wechatpay-Serial");
    let migration = identity.behaviours.migration();
    let public_key = identity
        .public_key_pair
        .as_ref()
        .filter(|pair| migration.answers_with_public_key(requested, &pair.id));
    let probe = identity.behaviours.answer_is_probe();
    if public_key.is_none() && !probe {
        return None;
    }
    let honest = identity.signing(|s, key| {
        let decoded = STANDARD.decode(signed).ok()?;
        let message = response_message(timestamp, nonce, body);
        let verifies = key.public_key().ok()?.verify_sha256(&message, &decoded);
        Some(s == serial && verifies)
    });
    if honest != Some(true) {
        return None;
    }
    let (serial, mut signed) = match public_key {
        Some(pair) => (
            pair.id.clone(),
            signature(&pair.key, timestamp, nonce, body).ok()?,
        ),
        None => (serial.to_owned(), signed.to_owned()),
    };
    if probe {
        signed = probe_of(&signed);
    }
    let changed = headers
        .iter()
        .map(|(name, value)| match *name {
            "Wechatpay-Serial" => (*name, serial.clone()),
            "Wechatpay-Signature" => (*name, signed.clone()),
            _ => (*name, value.clone()),
        })
        .collect();
    Some(changed)
}
