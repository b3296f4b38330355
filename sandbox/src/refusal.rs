//! Errors become answers here, in one place: a refusal in WeChat Pay's error shape (code,
//! message, detail and the Request-ID suffix WeChat gives each kind), and the one way a
//! poisoned lock is handled.

use crate::http_server::Reply;
use crate::random_hex;
use serde_json::{Value, json};
use std::sync::{Mutex, MutexGuard};

/// What a handler returns: an answer, or a refusal [`Refusal::into_reply`] turns into one.
pub(crate) type Answered = Result<Reply, Refusal>;

/// How many characters of the body a signature-mismatch answer shows.
const SIGN_MESSAGE_BODY_SHOWN: usize = 8;

/// A refusal in WeChat's error shape.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub detail: Option<Value>,
}

impl Refusal {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            code,
            message: message.into(),
            detail: None,
        }
    }

    /// 500 SYSTEM_ERROR, WeChat's answer to its own failure, with its words.
    pub fn internal() -> Self {
        Refusal::new(500, "SYSTEM_ERROR", "系统错误")
    }

    /// 500 SYSTEM_ERROR saying what failed (no secret is in the library's messages).
    pub fn failed(error: &wxpresign::error::Error) -> Self {
        Refusal::new(500, "SYSTEM_ERROR", error.message().to_owned())
    }

    /// 405 for a route that answers POST alone.
    pub fn post_only(route: &str) -> Self {
        Refusal::new(405, "METHOD_NOT_ALLOWED", format!("{route} is POST only"))
    }

    pub fn sign_error(issue: impl Into<String>) -> Self {
        let issue = issue.into();
        Refusal {
            status: 401,
            code: "SIGN_ERROR",
            message: format!("签名错误，请检查后再试 ({issue})"),
            detail: Some(json!({ "location": "authorization", "issue": issue })),
        }
    }

    /// WeChat Pay's answer to a signature over other bytes, as merchants have seen it: the message
    /// it verified (its length, and its start) so the caller can compare it with what it signed.
    /// The message is cut inside the body, after its first characters.
    pub fn sign_not_match(url: &str, message: &[u8]) -> Self {
        let text = String::from_utf8_lossy(message);
        let head_end = text
            .match_indices('\n')
            .nth(3)
            .map_or(text.len(), |(i, _)| i + 1);
        let body_start: String = text[head_end..]
            .chars()
            .take(SIGN_MESSAGE_BODY_SHOWN)
            .collect();
        Refusal {
            status: 401,
            code: "SIGN_ERROR",
            message: "错误的签名,验签失败".to_owned(),
            detail: Some(json!({
                "detail": { "issue": "sign not match" },
                "field": "signature",
                "location": "authorization",
                "sign_information": {
                    "method": "POST",
                    "sign_message_length": message.len(),
                    "truncated_sign_message": format!("{}{body_start}\n", &text[..head_end]),
                    "url": url,
                },
            })),
        }
    }

    /// WeChat Pay's answer to members its page does not define: every such member and what it
    /// holds, as `/body/...` pointers, and no `field`.
    pub fn undefined_members(pointers: Vec<String>) -> Self {
        Refusal {
            status: 400,
            code: "PARAM_ERROR",
            message: "请求中含有未在API文档中定义的参数".to_owned(),
            detail: Some(json!({
                "location": null,
                "value": pointers.iter().map(|p| format!("/body{p}")).collect::<Vec<_>>(),
            })),
        }
    }

    pub fn param_error(
        field: &str,
        value: Value,
        issue: impl Into<String>,
        location: &str,
    ) -> Self {
        let issue = issue.into();
        Refusal {
            status: 400,
            code: "PARAM_ERROR",
            message: format!("参数错误: {field} {issue}"),
            detail: Some(
                json!({ "field": field, "value": value, "issue": issue, "location": location }),
            ),
        }
    }

    /// The numeric suffix WeChat puts after the Request-ID of a failed request.
    fn request_id_suffix(&self) -> &'static str {
        match self.code {
            "SIGN_ERROR" => "268443699",
            "PARAM_ERROR" | "INVALID_REQUEST" => "268435461",
            "FREQUENCY_LIMITED" | "RATELIMIT_EXCEEDED" => "268447840",
            _ => "268435456",
        }
    }

    /// The answer WeChat Pay gives for this refusal: its JSON, unsigned, with a Request-ID.
    pub fn into_reply(self) -> Reply {
        let suffix = self.request_id_suffix();
        let mut body = json!({ "code": self.code, "message": self.message });
        if let Some(detail) = self.detail {
            body["detail"] = detail;
        }
        Reply::new(
            self.status,
            vec![
                ("Content-Type", "application/json; charset=utf-8".to_owned()),
                ("Request-ID", request_id(suffix)),
            ],
            body.to_string().into_bytes(),
        )
    }
}

/// A Request-ID shaped like WeChat's, ending in `suffix` ("0" for a success).
pub(crate) fn request_id(suffix: &str) -> String {
    format!("08{}-{suffix}", random_hex(20))
}

/// The lock's data even when a thread panicked holding it: every value the sandbox keeps under
/// a lock is whole between statements, so the data stays good, and a request is not refused for
/// another request's panic.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
