//! The JSON the notification functions hand to C: the notification or the error, each with the
//! HTTP answer to send back to WeChat Pay as `"answer"`, so that a C caller always has it in one
//! place. Rust callers get [`Notification`] and [`Answer`] as they are.

use crate::client::Client;
use crate::error::Error;
use crate::merchants::client_for;
use crate::notification::{Answer, Notification};
use crate::verification::SignedHeaders;
use serde_json::{Map, Value};

/// A parsed notification as C receives it: its members and `"answer"`.
pub(super) fn notification(parsed: Notification) -> Value {
    let mut value = parsed.to_json();
    value["answer"] = Answer::success().to_json();
    value
}

/// The error JSON of a notification that could not be parsed, with its `"answer"` among the
/// error's members, where it always stood: before the trace, the cause and the flags.
pub(super) fn error(e: &Error) -> Value {
    let mut json = e.to_json();
    let mut answer = Some(Answer::failure(e).to_json());
    if let Some(Value::Object(members)) = json.get_mut("error") {
        let written = std::mem::take(members);
        let mut ordered = Map::new();
        for (name, value) in written {
            if matches!(name.as_str(), "trace" | "cause" | "retryable") {
                if let Some(answer) = answer.take() {
                    ordered.insert("answer".to_owned(), answer);
                }
            }
            ordered.insert(name, value);
        }
        *members = ordered;
    }
    json
}

/// For one notify URL serving several merchants: the notification parsed by the client among
/// `clients` whose key `Wechatpay-Serial` names, with `"answer"`, `"mchid"` (that client's
/// merchant) and `"client"` (its index).
pub(super) fn parse_any(
    clients: &[&Client],
    headers: &SignedHeaders,
    body: &[u8],
) -> Result<Value, Error> {
    let (at, client) = client_for(clients, headers)?;
    let mut value = notification(client.parse_notification(headers, body)?);
    value["mchid"] = client.mchid().into();
    value["client"] = at.into();
    Ok(value)
}
