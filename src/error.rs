//! One error type for the whole library. Each [`Kind`] maps to one C status code,
//! and every error renders as the JSON envelope the C ABI hands out.

use serde_json::{Map, Value, json};
use std::fmt;

/// What went wrong, at the granularity a caller branches on. The discriminants are the
/// C status codes and are never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// NULL pointer, invalid UTF-8, unparsable JSON, unknown endpoint.
    Argument = 1,
    /// The client configuration is incomplete or inconsistent.
    Config = 2,
    /// The request broke the endpoint's schema; nothing was sent.
    Validation = 3,
    /// DNS, connect, TLS, timeout or broken HTTP.
    Transport = 4,
    /// WeChat Pay answered with a non-2xx status.
    Api = 5,
    /// A 2xx answer failed signature, timestamp, serial or header checks.
    Verify = 6,
    /// A local cryptographic operation failed (encryption, signing, decryption).
    Crypto = 7,
    /// A bug: a caught panic or a broken invariant.
    Internal = 8,
}

impl Kind {
    /// The name used in the `"kind"` field of the error JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Argument => "argument",
            Kind::Config => "config",
            Kind::Validation => "validation",
            Kind::Transport => "transport",
            Kind::Api => "api",
            Kind::Verify => "verify",
            Kind::Crypto => "crypto",
            Kind::Internal => "internal",
        }
    }
}

/// Whether the request may have reached WeChat Pay: the answer to "is a retry with the same
/// out_contract_code safe, or must I query first?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Nothing left this process, or the connection was never established.
    NotSent,
    /// The request may have been received and processed.
    Unknown,
    /// The server answered, so it received the request.
    Received,
}

impl Delivery {
    fn may_have_reached_server(self) -> bool {
        self != Delivery::NotSent
    }
}

/// WeChat Pay's non-2xx answer, as an api error carries it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiAnswer {
    /// The HTTP status WeChat Pay answered.
    pub http_status: u16,
    /// WeChat's `code`, when the body had one.
    pub code: Option<String>,
    /// WeChat's `detail`, or null.
    pub detail: Value,
    /// A readable excerpt of a body that is not JSON (a gateway's HTML page).
    pub body: Option<String>,
}

/// An error with everything the caller needs to act on it. Messages never contain key material.
/// The members beyond kind and message are typed, each present where its kind has it, and
/// [`Error::to_json`] is the one place that renders them.
///
/// ```
/// use wxpresign::{Client, Kind};
///
/// let e = Client::from_json(r#"{"mchid": "1900000001x"}"#).unwrap_err();
/// assert_eq!(e.kind(), Kind::Config);
/// assert_eq!(e.field(), Some("/mchid"));
/// assert!(e.message().contains("digits only"));
/// assert!(!e.retryable());
/// ```
#[derive(Clone, Debug)]
pub struct Error {
    kind: Kind,
    message: String,
    delivery: Delivery,
    retryable: bool,
    /// Validation (a JSON Pointer) and notification header errors: where.
    field: Option<String>,
    /// Validation: what the field breaks.
    issue: Option<String>,
    api: Option<ApiAnswer>,
    request_id: Option<String>,
    /// The base URL the call went to last.
    base_url: Option<String>,
    /// `{from, reason}` when the call moved to the backup host.
    failover: Option<Value>,
    /// For a call: its attempts and elapsed time (see `client::Trace`).
    trace: Option<Value>,
    /// The HTTP status of the 2xx answer a verify error is about.
    http_status: Option<u16>,
    /// The error JSON of another request the call needed (a platform certificate download)
    /// that failed, when that failure decided this error.
    cause: Option<Value>,
    /// A verify error whose signature is WeChat Pay's probe (`WECHATPAY/SIGNTEST/`).
    probe: bool,
}

impl Error {
    fn new(kind: Kind, message: impl Into<String>, delivery: Delivery) -> Self {
        Error {
            kind,
            message: message.into(),
            delivery,
            retryable: false,
            field: None,
            issue: None,
            api: None,
            request_id: None,
            base_url: None,
            failover: None,
            trace: None,
            http_status: None,
            cause: None,
            probe: false,
        }
    }

    /// The caller passed something unusable (NULL, not UTF-8, not JSON).
    pub fn argument(message: impl Into<String>) -> Self {
        Error::new(Kind::Argument, message, Delivery::NotSent)
    }

    /// The configuration is wrong; `message` names the member and what it needs.
    pub fn config(message: impl Into<String>) -> Self {
        Error::new(Kind::Config, message, Delivery::NotSent)
    }

    /// A schema violation at `field`, a JSON Pointer into the request.
    pub fn validation(field: &str, issue: impl Into<String>) -> Self {
        let issue = issue.into();
        let message = if field.is_empty() {
            issue.clone()
        } else {
            format!("{field}: {issue}")
        };
        let mut e = Error::new(Kind::Validation, message, Delivery::NotSent).at_field(field);
        e.issue = Some(issue);
        e
    }

    /// A transport failure; `delivery` says how far the request got.
    pub(crate) fn transport(message: impl Into<String>, delivery: Delivery) -> Self {
        let mut e = Error::new(Kind::Transport, message, delivery);
        // Nothing was processed, or the outcome is unknown: in both cases the documented
        // remedy is to resend with identical parameters (same out_contract_code).
        e.retryable = true;
        e
    }

    /// A non-2xx answer from WeChat Pay.
    pub(crate) fn api(answer: ApiAnswer, message: impl Into<String>) -> Self {
        let mut e = Error::new(Kind::Api, message, Delivery::Received);
        e.retryable = answer.http_status == 429 || answer.http_status >= 500;
        e.api = Some(answer);
        e
    }

    /// A 2xx answer that cannot be trusted.
    pub fn verify(message: impl Into<String>) -> Self {
        Error::new(Kind::Verify, message, Delivery::Received)
    }

    /// A signature probe (`WECHATPAY/SIGNTEST/`): WeChat Pay checking that the merchant
    /// verifies. A verify error like any other (nothing is accepted, a notification is answered
    /// 401 and sent again correctly signed), flagged so that logs and callers can stay calm.
    /// Anyone can write the prefix, so the flag never makes anything trusted.
    pub fn probe(message: impl Into<String>) -> Self {
        let mut e = Error::new(Kind::Verify, message, Delivery::Received);
        e.probe = true;
        e
    }

    /// The call was not sent because a request it needed first, `cause` (the platform
    /// certificate download), failed. It keeps the cause's kind and retryability, but never
    /// says `api`: WeChat Pay did not answer this call, so the cause's status and Request-ID stay
    /// in the cause.
    pub(crate) fn not_sent_because(message: impl Into<String>, cause: &Error) -> Self {
        let kind = match cause.kind {
            Kind::Api => Kind::Transport,
            kind => kind,
        };
        let mut e = Error::new(kind, message, Delivery::NotSent).with_cause(cause);
        e.retryable = cause.retryable;
        e
    }

    /// Encryption or decryption failed.
    pub fn crypto(message: impl Into<String>) -> Self {
        Error::new(Kind::Crypto, message, Delivery::NotSent)
    }

    /// A bug of the library's own.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(Kind::Internal, message, Delivery::Unknown)
    }

    /// Names the member (a JSON Pointer, or a header) the error is about.
    pub(crate) fn at_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    pub(crate) fn with_request_id(mut self, id: &str) -> Self {
        self.request_id = Some(id.to_owned());
        self
    }

    /// The base URL the call went to last, and the failover (`{from, reason}`) if it moved.
    pub(crate) fn tried(mut self, base_url: &str, failover: Option<Value>) -> Self {
        self.base_url = Some(base_url.to_owned());
        self.failover = failover;
        self
    }

    /// Names `cause`, the failed request that decided this error, as `cause` in the error JSON:
    /// its own members (kind, message, status, Request-ID, trace), which hold no secret.
    pub(crate) fn with_cause(mut self, cause: &Error) -> Self {
        self.cause = Some(cause.to_json()["error"].take());
        self
    }

    /// The HTTP status of the answer a verify error is about.
    pub(crate) fn with_http_status(mut self, status: u16) -> Self {
        if self.api.is_none() {
            self.http_status = Some(status);
        }
        self
    }

    /// The call's trace, shown as `trace` in the error JSON.
    pub(crate) fn with_trace(mut self, trace: Value) -> Self {
        self.trace = Some(trace);
        self
    }

    /// Marks that an earlier attempt of the same call may have reached WeChat Pay, so that
    /// this error (of the last attempt) never says less.
    pub(crate) fn reached_earlier(mut self, earlier: Delivery) -> Self {
        if earlier != Delivery::NotSent && self.delivery == Delivery::NotSent {
            self.delivery = earlier;
        }
        self
    }

    /// The call's attempts and elapsed time, for errors of a call.
    pub fn trace(&self) -> Option<&Value> {
        self.trace.as_ref()
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// What went wrong and what to do; never key material.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the request may have reached WeChat Pay.
    pub fn delivery(&self) -> Delivery {
        self.delivery
    }

    /// Whether trying the same request again may succeed.
    pub fn retryable(&self) -> bool {
        self.retryable
    }

    /// The member a validation or notification error is about.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What a validation error's field breaks.
    pub fn issue(&self) -> Option<&str> {
        self.issue.as_deref()
    }

    /// WeChat Pay's answer, for api errors.
    pub fn api_answer(&self) -> Option<&ApiAnswer> {
        self.api.as_ref()
    }

    /// WeChat Pay's `Request-ID`, when an answer gave one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The base URL the call went to last.
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    /// `{from, reason}` when the call moved to the backup host.
    pub fn failover(&self) -> Option<&Value> {
        self.failover.as_ref()
    }

    /// The error JSON of the failed request that decided this error, if any.
    pub fn cause(&self) -> Option<&Value> {
        self.cause.as_ref()
    }

    /// Whether this verify error is about a WeChat Pay signature probe (`WECHATPAY/SIGNTEST/`):
    /// `"probe": true` in the error JSON.
    pub fn is_probe(&self) -> bool {
        self.probe
    }

    /// The HTTP status of the answer, for api errors and for verify errors of an answer.
    pub fn http_status(&self) -> Option<u16> {
        self.api
            .as_ref()
            .map(|a| a.http_status)
            .or(self.http_status)
    }

    /// `{"error":{"kind":..,"message":..,"retryable":..,"may_have_reached_server":..,...}}`
    pub fn to_json(&self) -> Value {
        let mut body = Map::new();
        let mut put = |k: &str, v: Value| {
            body.insert(k.to_owned(), v);
        };
        put("kind", self.kind.as_str().into());
        put("message", self.message.clone().into());
        if let Some(field) = &self.field {
            put("field", field.clone().into());
        }
        if let Some(issue) = &self.issue {
            put("issue", issue.clone().into());
        }
        if let Some(api) = &self.api {
            put("http_status", api.http_status.into());
            put("code", api.code.clone().into());
            put("detail", api.detail.clone());
            // An api error always says whether WeChat Pay gave a Request-ID.
            put("request_id", self.request_id.clone().into());
            if let Some(excerpt) = &api.body {
                put("body", excerpt.clone().into());
            }
        } else {
            if let Some(status) = self.http_status {
                put("http_status", status.into());
            }
            if let Some(id) = &self.request_id {
                put("request_id", id.clone().into());
            }
        }
        if let Some(base) = &self.base_url {
            put("base_url", base.clone().into());
        }
        if let Some(failover) = &self.failover {
            put("failover", failover.clone());
        }
        if let Some(trace) = &self.trace {
            put("trace", trace.clone());
        }
        if let Some(cause) = &self.cause {
            put("cause", cause.clone());
        }
        if self.probe {
            put("probe", true.into());
        }
        put("retryable", self.retryable.into());
        put(
            "may_have_reached_server",
            self.delivery.may_have_reached_server().into(),
        );
        json!({ "error": body })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error: {}", self.kind.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// The library's result: a value or an [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
