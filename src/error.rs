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

/// An error with everything the caller needs to act on it. Messages never contain key material.
#[derive(Clone, Debug)]
pub struct Error {
    kind: Kind,
    message: String,
    delivery: Delivery,
    retryable: bool,
    /// Kind-specific members of the error JSON (field, http_status, code, detail, ...).
    extra: Map<String, Value>,
}

impl Error {
    fn new(kind: Kind, message: impl Into<String>, delivery: Delivery) -> Self {
        Error {
            kind,
            message: message.into(),
            delivery,
            retryable: false,
            extra: Map::new(),
        }
    }

    pub fn argument(message: impl Into<String>) -> Self {
        Error::new(Kind::Argument, message, Delivery::NotSent)
    }

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
        Error::new(Kind::Validation, message, Delivery::NotSent)
            .with("field", field)
            .with("issue", issue)
    }

    /// A transport failure; `delivery` says how far the request got.
    pub fn transport(message: impl Into<String>, delivery: Delivery) -> Self {
        let mut e = Error::new(Kind::Transport, message, delivery);
        // Nothing was processed, or the outcome is unknown: in both cases the documented
        // remedy is to resend with identical parameters (same out_contract_code).
        e.retryable = true;
        e
    }

    /// A non-2xx answer from WeChat Pay.
    pub fn api(http_status: u16, message: impl Into<String>) -> Self {
        let mut e =
            Error::new(Kind::Api, message, Delivery::Received).with("http_status", http_status);
        e.retryable = http_status == 429 || http_status >= 500;
        e
    }

    /// A 2xx answer that cannot be trusted.
    pub fn verify(message: impl Into<String>) -> Self {
        Error::new(Kind::Verify, message, Delivery::Received)
    }

    pub fn crypto(message: impl Into<String>) -> Self {
        Error::new(Kind::Crypto, message, Delivery::NotSent)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(Kind::Internal, message, Delivery::Unknown)
    }

    /// Adds a kind-specific member to the error JSON.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_owned(), value.into());
        self
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn delivery(&self) -> Delivery {
        self.delivery
    }

    pub fn retryable(&self) -> bool {
        self.retryable
    }

    /// A kind-specific member, e.g. `"field"` for validation or `"code"` for api errors.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.extra.get(key)
    }

    /// `{"error":{"kind":..,"message":..,"retryable":..,"may_have_reached_server":..,...}}`
    pub fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert("kind".into(), self.kind.as_str().into());
        body.insert("message".into(), self.message.clone().into());
        for (k, v) in &self.extra {
            body.insert(k.clone(), v.clone());
        }
        body.insert("retryable".into(), self.retryable.into());
        body.insert(
            "may_have_reached_server".into(),
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

pub type Result<T> = std::result::Result<T, Error>;
