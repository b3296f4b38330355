//! Notifications WeChat Pay posts to the merchant (signing results such as `ENTRUST.SIGN`):
//! signature verification over the raw body, AES-256-GCM decryption of the resource with the
//! APIv3 key, and the HTTP answer the merchant must send back.

use crate::aes_gcm::{ALGORITHM, decrypt};
use crate::error::{Error, Kind, Result};
use crate::verification::{SignedHeaders, Verifier};
use serde_json::{Value, json};

/// The largest notification body accepted; WeChat's are a few kilobytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A verified, decrypted notification.
///
/// A notify URL's handler verifies and decrypts the body with the merchant's client, acts on
/// the notification once, and sends back the [`Answer`] either way:
///
/// ```no_run
/// use wxpresign::verification::SignedHeaders;
/// use wxpresign::{Answer, Client};
///
/// fn handle(client: &Client, headers: &[(&str, &str)], body: &[u8]) -> Answer {
///     let parsed = SignedHeaders::from_pairs(headers.iter().copied())
///         .and_then(|headers| client.parse_notification(&headers, body));
///     match parsed {
///         // A redelivery of one already acted on.
///         Ok(notification) if notification.seen_before => Answer::success(),
///         Ok(notification) => {
///             println!("{}: {}", notification.event_type, notification.resource["contract_id"]);
///             Answer::success()
///         }
///         // The details stay in the merchant's log; WeChat Pay delivers again.
///         Err(e) => {
///             eprintln!("notification refused: {e}");
///             Answer::failure(&e)
///         }
///     }
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// WeChat Pay's id of the notification (the same on each redelivery).
    pub id: String,
    /// When WeChat Pay created it (RFC 3339).
    pub create_time: String,
    /// What happened, e.g. `ENTRUST.SIGN`.
    pub event_type: String,
    /// The resource's type, e.g. `encrypt-resource`.
    pub resource_type: String,
    /// WeChat Pay's short description.
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

/// The HTTP answer the merchant's endpoint must send back to WeChat Pay (see [`Notification`]).
///
/// ```
/// use wxpresign::{Answer, Error};
///
/// assert_eq!(Answer::success().status, 200);
/// let forged = Answer::failure(&Error::argument("headers_json is not valid JSON"));
/// assert_eq!(forged.status, 400);
/// assert!(forged.body.contains("FAIL"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status to answer with.
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

    /// `{"status":..,"headers":{..},"body":".."}`: the answer with the headers it needs.
    pub fn to_json(&self) -> Value {
        let headers = if self.body.is_empty() {
            json!({})
        } else {
            json!({ "Content-Type": "application/json" })
        };
        json!({ "status": self.status, "headers": headers, "body": self.body })
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
