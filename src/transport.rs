//! HTTP(S) transport: one blocking POST with the client's timeouts, a capped answer body,
//! and every failure classified by whether the request may have reached the server.

use crate::error::{Delivery, Error, Result};
use attohttpc::{ErrorKind, ProxySettings, Session};
use std::io::{self, Read};
use std::time::Duration;

/// The most of an answer body the library reads; pre-sign answers are a few hundred bytes.
pub const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// An HTTP answer with its raw body (signatures cover the exact bytes).
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A configured HTTP client, built once per library client and shared by its threads.
#[derive(Debug)]
pub struct Transport {
    session: Session,
    timeout: Duration,
}

impl Transport {
    pub fn new(connect_timeout: Duration, timeout: Duration) -> Self {
        let mut session = Session::new();
        session.connect_timeout(connect_timeout);
        session.read_timeout(timeout);
        // An overall deadline too, so that a server dribbling bytes cannot hold a call.
        session.timeout(timeout);
        // WeChat Pay never redirects API calls, and a payment client must not pick up a proxy
        // from the environment behind its caller's back.
        session.follow_redirects(false);
        session.proxy_settings(ProxySettings::builder().build());
        Transport { session, timeout }
    }

    /// POSTs `body` to `url` with `headers`.
    pub fn post(
        &self,
        url: &str,
        headers: &[(&'static str, &str)],
        body: &[u8],
    ) -> Result<HttpResponse> {
        let mut request = self.session.post(url);
        for (name, value) in headers {
            request = request.try_header(*name, *value).map_err(|_| {
                Error::argument(format!("header {name} has a value HTTP cannot carry"))
            })?;
        }
        let response = request
            .bytes(body)
            .send()
            .map_err(|e| self.classify(url, e))?;
        let (status, header_map, reader) = response.split();
        let headers = header_map
            .iter()
            .map(|(name, value)| {
                let value = value.to_str().map_err(|_| {
                    Error::transport(
                        format!("answer header {name} is not ASCII"),
                        Delivery::Received,
                    )
                })?;
                Ok((name.as_str().to_owned(), value.to_owned()))
            })
            .collect::<Result<Vec<_>>>()?;

        let mut body = Vec::new();
        reader
            .take(MAX_BODY_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| {
                let what = if is_timeout(&e) {
                    format!(
                        "the answer body did not arrive within {} ms",
                        self.timeout.as_millis()
                    )
                } else {
                    format!("the answer body broke off: {e}")
                };
                Error::transport(what, Delivery::Received)
            })?;
        if body.len() as u64 > MAX_BODY_BYTES {
            return Err(Error::transport(
                format!(
                    "the answer body is larger than {MAX_BODY_BYTES} bytes; refusing to read it"
                ),
                Delivery::Received,
            ));
        }
        Ok(HttpResponse {
            status: status.as_u16(),
            headers,
            body,
        })
    }

    fn classify(&self, url: &str, error: attohttpc::Error) -> Error {
        let host = url.split("://").nth(1).unwrap_or(url);
        match error.kind() {
            ErrorKind::Io(e) => match e.kind() {
                io::ErrorKind::ConnectionRefused
                | io::ErrorKind::AddrNotAvailable
                | io::ErrorKind::NetworkUnreachable
                | io::ErrorKind::HostUnreachable => {
                    Error::transport(format!("cannot connect to {host}: {e}"), Delivery::NotSent)
                }
                _ if e.to_string().contains("failed to lookup address") => {
                    Error::transport(format!("cannot resolve {host}: {e}"), Delivery::NotSent)
                }
                _ if is_timeout(e) => Error::transport(
                    format!(
                        "no answer from {host} within {} ms",
                        self.timeout.as_millis()
                    ),
                    Delivery::Unknown,
                ),
                _ => Error::transport(
                    format!("connection to {host} failed: {e}"),
                    Delivery::Unknown,
                ),
            },
            ErrorKind::InvalidBaseUrl | ErrorKind::InvalidUrlHost | ErrorKind::InvalidUrlPort => {
                Error::config(format!("cannot call {url}: {error}"))
            }
            ErrorKind::InvalidDNSName(_)
            | ErrorKind::ServerCertVerifier(_)
            | ErrorKind::Tls(_)
            | ErrorKind::TlsDisabled => Error::transport(
                format!("TLS with {host} failed: {error}"),
                Delivery::NotSent,
            ),
            ErrorKind::InvalidResponse(_) => Error::transport(
                format!("{host} sent a malformed HTTP answer: {error}"),
                Delivery::Received,
            ),
            _ => Error::transport(
                format!("request to {host} failed: {error}"),
                Delivery::Unknown,
            ),
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}
