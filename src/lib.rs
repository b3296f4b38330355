//! libwxpresign: a blocking client for the WeChat Pay APIv3 pre-sign (预签约) endpoints, with a
//! C ABI ([`ffi`]) over a plain Rust core usable directly from Rust.
//!
//! ```no_run
//! let client = wxpresign::Client::from_json(&std::fs::read_to_string("client.json")?)?;
//! let answer = client.call("v3/edu-papay/contracts/presign", r#"{"appid":"wx8888888888888888"}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A [`Client`] calls; an [`Error`] says what went wrong and whether the request may have reached
//! WeChat Pay; a [`Notification`] is what WeChat Pay posts back, and an [`Answer`] what to reply.
//! The public modules are the protocol's parts, for programs that take part in it themselves
//! (the sandbox, which plays WeChat Pay, uses them): [`config`], [`endpoints`] and [`schema`]
//! (the endpoint table), [`validation`], [`encryption`] and [`aes_gcm`], [`signing`] and
//! [`verification`], [`keys`], [`certificates`], [`request`], [`url`], [`registry`] (clients
//! shared within a process). Transport, TLS, proxies and the log hook are internal.

#![warn(missing_docs, unreachable_pub)]

pub mod aes_gcm;
pub mod certificates;
mod client;
pub mod config;
pub mod encryption;
pub mod endpoints;
pub mod error;
pub mod ffi;
mod json_pointer;
pub mod keys;
mod log;
mod merchants;
pub mod notification;
mod proxy;
pub mod registry;
pub mod request;
pub mod schema;
pub mod signing;
mod tls;
/// The fuzz targets' in-process transport (the `fuzzing` feature): [`Client::scripted`] makes a
/// client whose connections read what [`fuzzing::script`] gave them.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::transport::scripted::{script, written};
}
mod transport;
pub mod url;
pub mod validation;
pub mod verification;

pub use client::{Client, Failover, REFETCH_INTERVAL, Response};
pub use error::{Error, Kind};
pub use merchants::client_for;
pub use notification::{Answer, Notification};
pub use tls::trusted_roots;
pub use transport::MAX_LOOKUPS;
