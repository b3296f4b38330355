//! Notifications WeChat Pay posts to the merchant (signing results such as `ENTRUST.SIGN`):
//! signature verification over the raw body, AES-256-GCM decryption of the resource with the
//! APIv3 key, and the HTTP answer the merchant must send back.

use crate::aes_gcm::decrypt;
use crate::client::Client;
use crate::error::{Error, Kind, Result};
use crate::verification::{SignedHeaders, Verifier};
use serde_json::{Value, json};

/// The only resource algorithm WeChat Pay uses for APIv3 notifications.
pub const ALGORITHM: &str = "AEAD_AES_256_GCM";

/// The largest notification body accepted; WeChat's are a few kilobytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A verified, decrypted notification.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    pub id: String,
    pub create_time: String,
    pub event_type: String,
    pub resource_type: String,
    pub summary: String,
    /// The decrypted resource (for signing results: contract_id, contract_state, ...).
    pub resource: Value,
    /// Whether the client that parsed it parsed a notification with the same `id` within the
    /// last 5 minutes: WeChat Pay delivers again until answered, so this is no error, but the
    /// handler must not act twice.
    pub seen_before: bool,
}

impl Notification {
    /// `{"id","create_time","event_type","resource_type","summary","resource","seen_before"}`.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "create_time": self.create_time,
            "event_type": self.event_type,
            "resource_type": self.resource_type,
            "summary": self.summary,
            "resource": self.resource,
            "seen_before": self.seen_before,
        })
    }
}

/// The HTTP answer the merchant's endpoint must send back to WeChat Pay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// Empty on success; `{"code":"FAIL","message":...}` otherwise.
    pub body: String,
}

impl Answer {
    /// 200 with no body: WeChat Pay stops retrying.
    pub fn success() -> Answer {
        Answer {
            status: 200,
            body: String::new(),
        }
    }

    /// A 4xx or 5xx answer for `error`; WeChat Pay retries on its schedule. The message is
    /// deliberately generic: the details stay in the merchant's logs, not on the wire.
    pub fn failure(error: &Error) -> Answer {
        let (status, message) = match error.kind() {
            Kind::Argument | Kind::Validation => (400, "malformed notification"),
            Kind::Verify => (401, "signature verification failed"),
            _ => (500, "notification could not be processed"),
        };
        Answer {
            status,
            body: json!({ "code": "FAIL", "message": message }).to_string(),
        }
    }

    /// `{"status":..,"headers":{..},"body":".."}`, as the C ABI hands it out.
    pub fn to_json(&self) -> Value {
        let headers = if self.body.is_empty() {
            json!({})
        } else {
            json!({ "Content-Type": "application/json" })
        };
        json!({ "status": self.status, "headers": headers, "body": self.body })
    }
}

/// The JSON the C ABI hands out for a parse: the notification with `"answer"`, or the error with
/// its `"answer"` among its members, so the caller always has the HTTP answer to send back.
pub fn with_answer(parsed: Result<Notification>) -> Result<Value> {
    match parsed {
        Ok(n) => {
            let mut value = n.to_json();
            value["answer"] = Answer::success().to_json();
            Ok(value)
        }
        Err(e) => {
            let answer = Answer::failure(&e).to_json();
            Err(e.with_answer(answer))
        }
    }
}

/// For one notify URL serving several merchants: the client among `clients` whose WeChat Pay key
/// (public key or platform certificate) is the one `Wechatpay-Serial` names, with its index.
/// Every merchant's WeChat Pay key is its own, so the serial says whose notification it is.
/// When none holds it yet, the clients that download their certificates try to learn it first.
pub fn client_for<'a>(
    clients: &[&'a Client],
    headers: &SignedHeaders,
) -> Result<(usize, &'a Client)> {
    let serial = headers.serial.as_deref().filter(|s| !s.is_empty()).ok_or_else(|| {
        Error::verify(
            "the notification has no Wechatpay-Serial header: an unsigned notification must be treated as forged",
        )
    })?;
    let holder = || clients.iter().position(|c| c.knows_serial(serial));
    let mut failed = Vec::new();
    if holder().is_none() {
        failed = learn_serial(clients, serial);
    }
    let at = holder().ok_or_else(|| {
        let e = Error::verify(format!(
            "Wechatpay-Serial {serial} names the key of none of the {} merchants given{}: \
             the notification is for another merchant, or forged",
            clients.len(),
            match failed.first() {
                Some(e) => format!(
                    ", and downloading the platform certificates failed for {} of them ({})",
                    failed.len(),
                    e.message()
                ),
                None => String::new(),
            }
        ));
        match failed.first() {
            Some(cause) => e.with_cause(cause),
            None => e,
        }
    })?;
    Ok((at, clients[at]))
}

/// Lets every client that downloads its platform certificates learn `serial` (before its first
/// download, or after a rotation), each within its own bounds (at most one download per
/// [`crate::client::REFETCH_INTERVAL`], never two at once) and all at the same time, so that
/// the wait is at most the longest of their timeouts. The downloads that failed.
fn learn_serial(clients: &[&Client], serial: &str) -> Vec<Error> {
    let learning = clients.iter().filter(|c| c.could_learn(serial));
    std::thread::scope(|scope| {
        let started: Vec<_> = learning
            .map(|client| {
                let learn = move || client.learn_notification_serial(serial);
                // A thread that cannot be started: this one learns instead.
                std::thread::Builder::new()
                    .spawn_scoped(scope, learn)
                    .map_err(|_| learn())
            })
            .collect();
        started
            .into_iter()
            .filter_map(|thread| match thread {
                Ok(handle) => match handle.join() {
                    Ok(learned) => learned.err(),
                    Err(_) => Some(Error::internal("a platform certificate download panicked")),
                },
                Err(learned) => learned.err(),
            })
            .collect()
    })
}

/// For one notify URL serving several merchants: the notification verified and decrypted by
/// the client among `clients` that holds the key its Wechatpay-Serial names ([`client_for`]),
/// as JSON with `answer`, `mchid` (that client's merchant) and `client` (its index). An error
/// carries its `answer` too.
pub fn parse_any(clients: &[&Client], headers: &SignedHeaders, body: &[u8]) -> Result<Value> {
    let parsed = client_for(clients, headers)
        .and_then(|(at, client)| Ok((at, client, client.parse_notification(headers, body)?)));
    match parsed {
        Ok((at, client, notification)) => {
            let mut value = with_answer(Ok(notification))?;
            value["mchid"] = client.mchid().into();
            value["client"] = at.into();
            Ok(value)
        }
        Err(e) => with_answer(Err(e)),
    }
}

/// Reads notification headers from a JSON object of name → value (names case-insensitive).
/// A value may also be an array holding one string, as PSR-7 and some frameworks give them.
pub fn headers_from_json(headers_json: &str) -> Result<SignedHeaders> {
    let value: Value = serde_json::from_str(headers_json).map_err(|e| {
        Error::argument(format!(
            "headers_json is not valid JSON ({e}): pass an object such as {{\"Wechatpay-Serial\":\"...\"}}"
        ))
    })?;
    let Value::Object(members) = value else {
        return Err(Error::argument(
            "headers_json must be a JSON object of header name to value",
        ));
    };
    let mut pairs = Vec::with_capacity(members.len());
    for (name, value) in &members {
        let value = match value {
            Value::String(s) => s.as_str(),
            Value::Array(items) if items.len() == 1 && items[0].is_string() => {
                items[0].as_str().unwrap_or_default()
            }
            Value::Array(items) if items.len() > 1 => {
                return Err(Error::verify(format!(
                    "header {name} appears more than once"
                )));
            }
            _ => {
                return Err(Error::argument(format!(
                    "headers_json: the value of {name} must be a string"
                )));
            }
        };
        pairs.push((name.as_str(), value));
    }
    SignedHeaders::from_pairs(pairs)
}

/// Verifies and decrypts a notification: the signature over the raw `body` with the key its
/// `Wechatpay-Serial` names, the timestamp within the window around `now` (Unix seconds), then
/// AES-256-GCM with `apiv3_key`.
pub fn parse(
    verifier: &Verifier,
    apiv3_key: Option<&[u8]>,
    headers: &SignedHeaders,
    body: &[u8],
    now: u64,
) -> Result<Notification> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Error::argument(format!(
            "the notification body is {} bytes, more than the {MAX_BODY_BYTES} accepted",
            body.len()
        )));
    }
    // Verify before parsing anything: an unauthenticated body is not read further.
    verifier.verify_notification(headers, body, now)?;
    let key = apiv3_key.ok_or_else(|| {
        Error::config(
            "apiv3_key is not configured: notifications cannot be decrypted without it \
             (商户平台 → API安全 → APIv3密钥)",
        )
    })?;

    let envelope: Value = serde_json::from_slice(body)
        .map_err(|e| Error::argument(format!("the notification body is not JSON: {e}")))?;
    let text = |pointer: &str| text_at(&envelope, pointer);
    let optional = |pointer: &str| optional_text_at(&envelope, pointer);

    let algorithm = text("/resource/algorithm")?;
    if algorithm != ALGORITHM {
        return Err(Error::crypto(format!(
            "resource algorithm \"{algorithm}\" is not supported: APIv3 notifications use {ALGORITHM}"
        )));
    }
    let plaintext = decrypt(
        key,
        &text("/resource/nonce")?,
        &optional("/resource/associated_data")?,
        &text("/resource/ciphertext")?,
    )?;
    let resource: Value = serde_json::from_slice(&plaintext).map_err(|_| {
        Error::crypto("the decrypted resource is not JSON: the notification cannot be used")
    })?;

    Ok(Notification {
        id: text("/id")?,
        create_time: optional("/create_time")?,
        event_type: text("/event_type")?,
        resource_type: optional("/resource_type")?,
        summary: optional("/summary")?,
        resource,
        seen_before: false,
    })
}

/// The string at `pointer` of the notification envelope; its absence or another type is an
/// argument error naming the member.
fn text_at(envelope: &Value, pointer: &str) -> Result<String> {
    match envelope.pointer(pointer) {
        Some(Value::String(s)) => Ok(s.clone()),
        None | Some(Value::Null) => {
            Err(Error::argument(format!("the notification has no {pointer}")).at_field(pointer))
        }
        Some(_) => Err(
            Error::argument(format!("the notification's {pointer} is not a string"))
                .at_field(pointer),
        ),
    }
}

/// As [`text_at`], with an absent member read as empty.
fn optional_text_at(envelope: &Value, pointer: &str) -> Result<String> {
    match envelope.pointer(pointer) {
        None | Some(Value::Null) => Ok(String::new()),
        _ => text_at(envelope, pointer),
    }
}
