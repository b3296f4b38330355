//! HTTP(S) transport: one blocking POST per attempt, bounded by the call's deadline, with a
//! capped answer body and every failure classified by how far the request got.
//!
//! attohttpc reports resolve, connect, TLS, send and receive failures alike (mostly as
//! `ErrorKind::Io`), so the phase is established from facts that cannot arise in a later one:
//!
//! - The host name is resolved here first, within connect_timeout_ms. A failure there is a
//!   DNS failure: nothing was sent. (attohttpc resolves it again, usually from the resolver's
//!   cache; should that second lookup fail, the error counts as "may have been delivered".)
//! - `ConnectionRefused`, `HostUnreachable`, `NetworkUnreachable` and `AddrNotAvailable` come only
//!   from connect(): on an established connection a peer's reset is `ConnectionReset` or
//!   `BrokenPipe`, and the kernel gives up on one (unreachable, timed out) only after its
//!   retransmissions, about 15 minutes with Linux's default tcp_retries2, which is longer than
//!   the longest allowed timeout_ms (600 s).
//! - `TimedOut` before the attempt's deadline is std's connect timeout: once connected,
//!   attohttpc raises `TimedOut` only when its deadline watchdog fires (per-read timeouts are
//!   `WouldBlock`). A connect timeout is therefore recognised when connect_timeout_ms is shorter
//!   than what remains of timeout_ms; otherwise the deadline ends the call as "may have been
//!   delivered".
//! - rustls certificate errors (inside attohttpc's io::Error) occur only in the handshake,
//!   before the request is written.
//!
//! Only the first three kinds ([`Failure::NotConnected`]) let a call move to a backup host.

use crate::error::{Delivery, Error, Result};
use attohttpc::{ErrorKind, ProxySettings, Session};
use rustls::pki_types::CertificateDer;
use std::io::{self, Read};
use std::net::{IpAddr, ToSocketAddrs};
use std::sync::{OnceLock, mpsc};
use std::time::{Duration, Instant};

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

/// A failed attempt, by how far it got.
#[derive(Debug)]
pub enum Failure {
    /// The host name did not resolve or no TCP connection was made: nothing was sent, so the
    /// same request may go to another host.
    NotConnected(Error),
    /// Everything else: TLS, sending, receiving, or a malformed or oversized answer.
    Other(Error),
}

impl Failure {
    pub fn into_error(self) -> Error {
        match self {
            Failure::NotConnected(e) | Failure::Other(e) => e,
        }
    }
}

/// A configured HTTP client, built once per library client and shared by its threads.
#[derive(Debug)]
pub struct Transport {
    session: Session,
    connect_timeout: Duration,
    timeout: Duration,
}

impl Transport {
    /// `extra_roots` (DER) are trusted for https in addition to the system roots (and the
    /// webpki roots attohttpc compiles in). Certificate verification is always on: nothing here
    /// or in the configuration turns it off.
    pub fn new(connect_timeout: Duration, timeout: Duration, extra_roots: &[Vec<u8>]) -> Self {
        let mut session = Session::new();
        // WeChat Pay never redirects API calls, and a payment client must not pick up a proxy
        // from the environment behind its caller's back.
        session.follow_redirects(false);
        session.proxy_settings(ProxySettings::builder().build());
        for der in system_roots() {
            session.add_root_certificate(der.clone());
        }
        for der in extra_roots {
            session.add_root_certificate(der.clone().into());
        }
        Transport {
            session,
            connect_timeout,
            timeout,
        }
    }

    /// POSTs `body` to `url` with `headers`; the attempt ends by `deadline` at the latest.
    pub fn post(
        &self,
        url: &str,
        headers: &[(&'static str, &str)],
        body: &[u8],
        deadline: Instant,
    ) -> std::result::Result<HttpResponse, Failure> {
        let (host, port) = host_and_port(url).ok_or_else(|| {
            Failure::Other(Error::config(format!("cannot call {url}: it has no host")))
        })?;
        // connect_timeout_ms covers the name lookup too, leaving time for a backup host.
        let lookup_deadline = deadline.min(Instant::now() + self.connect_timeout);
        self.resolve(host, port, lookup_deadline)
            .map_err(Failure::NotConnected)?;

        let started = Instant::now();
        let budget = deadline.saturating_duration_since(started);
        if budget.is_zero() {
            return Err(Failure::Other(Error::transport(
                format!(
                    "no time left to call {host} within timeout_ms ({} ms)",
                    self.timeout.as_millis()
                ),
                Delivery::NotSent,
            )));
        }
        let mut request = self
            .session
            .post(url)
            .connect_timeout(self.connect_timeout.min(budget))
            .read_timeout(budget)
            // The deadline of the whole attempt, so that a server dribbling bytes cannot hold it.
            .timeout(budget);
        for (name, value) in headers {
            request = request.try_header(*name, *value).map_err(|_| {
                Failure::Other(Error::argument(format!(
                    "header {name} has a value HTTP cannot carry"
                )))
            })?;
        }
        let response = request
            .bytes(body)
            .send()
            .map_err(|e| self.classify(host, e, started.elapsed(), budget))?;
        self.read_answer(response).map_err(Failure::Other)
    }

    /// The status, headers and at most [`MAX_BODY_BYTES`] of body; the cap is applied while
    /// reading, and a body shorter than its Content-Length is an error.
    fn read_answer(&self, response: attohttpc::Response) -> Result<HttpResponse> {
        let received = |what: String| Error::transport(what, Delivery::Received);
        let (status, header_map, reader) = response.split();
        let headers = header_map
            .iter()
            .map(|(name, value)| {
                let value = value
                    .to_str()
                    .map_err(|_| received(format!("answer header {name} is not ASCII")))?;
                Ok((name.as_str().to_owned(), value.to_owned()))
            })
            .collect::<Result<Vec<_>>>()?;

        // attohttpc refuses conflicting Content-Length values and prefers chunked framing.
        let chunked = header_map.contains_key(attohttpc::header::TRANSFER_ENCODING);
        let announced = match header_map.get(attohttpc::header::CONTENT_LENGTH) {
            Some(value) if !chunked => value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok()),
            _ => None,
        };
        if let Some(length) = announced.filter(|&n| n > MAX_BODY_BYTES) {
            return Err(received(format!(
                "the answer announces a {length}-byte body, more than the {MAX_BODY_BYTES} bytes \
                 the library reads; refusing it"
            )));
        }

        let mut body = Vec::new();
        reader
            .take(MAX_BODY_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| {
                received(if is_timeout(&e) {
                    format!(
                        "the answer body did not arrive within timeout_ms ({} ms)",
                        self.timeout.as_millis()
                    )
                } else {
                    format!("the answer body broke off: {e}")
                })
            })?;
        if body.len() as u64 > MAX_BODY_BYTES {
            return Err(received(format!(
                "the answer body is larger than {MAX_BODY_BYTES} bytes; refusing to read it"
            )));
        }
        if let Some(length) = announced.filter(|&n| n != body.len() as u64) {
            // attohttpc (and rustls, for a close without close_notify) end such a body quietly.
            return Err(received(format!(
                "the answer body broke off after {} of its {length} bytes",
                body.len()
            )));
        }
        Ok(HttpResponse {
            status: status.as_u16(),
            headers,
            body,
        })
    }

    /// Resolves `host` by `deadline` (a hung resolver must not hold the caller), on a helper
    /// thread because std's lookup cannot be bounded. IP literals need no lookup.
    fn resolve(&self, host: &str, port: u16, deadline: Instant) -> Result<()> {
        if host.parse::<IpAddr>().is_ok() {
            return Ok(());
        }
        let lookup = move |name: &str| (name, port).to_socket_addrs().map(Iterator::count);
        let (tx, rx) = mpsc::channel();
        let name = host.to_owned();
        let spawned = std::thread::Builder::new()
            .name("wxpresign-resolve".into())
            .spawn(move || {
                let _ = tx.send(lookup(&name));
            });
        let outcome = match spawned {
            Ok(_) => rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .ok(),
            // No thread to be had: resolve here, unbounded, rather than not at all.
            Err(_) => Some(lookup(host)),
        };
        let not_sent = |what: String| Error::transport(what, Delivery::NotSent);
        match outcome {
            Some(Ok(n)) if n > 0 => Ok(()),
            Some(Ok(_)) => Err(not_sent(format!("cannot resolve {host}: no address"))),
            Some(Err(e)) => Err(not_sent(format!("cannot resolve {host}: {e}"))),
            None => Err(not_sent(format!(
                "cannot resolve {host} within connect_timeout_ms ({} ms)",
                self.connect_timeout.as_millis()
            ))),
        }
    }

    /// See the module documentation for why each kind means what it does here.
    fn classify(
        &self,
        host: &str,
        error: attohttpc::Error,
        elapsed: Duration,
        budget: Duration,
    ) -> Failure {
        let other = |what: String, delivery| Failure::Other(Error::transport(what, delivery));
        let timed_out = || {
            other(
                format!(
                    "no answer from {host} within timeout_ms ({} ms)",
                    self.timeout.as_millis()
                ),
                Delivery::Unknown,
            )
        };
        match error.kind() {
            ErrorKind::Io(e) => match e.kind() {
                io::ErrorKind::ConnectionRefused
                | io::ErrorKind::HostUnreachable
                | io::ErrorKind::NetworkUnreachable
                | io::ErrorKind::AddrNotAvailable => Failure::NotConnected(Error::transport(
                    format!("cannot connect to {host}: {e}"),
                    Delivery::NotSent,
                )),
                io::ErrorKind::TimedOut if elapsed < budget => {
                    Failure::NotConnected(Error::transport(
                        format!(
                            "cannot connect to {host} within connect_timeout_ms ({} ms)",
                            self.connect_timeout.min(budget).as_millis()
                        ),
                        Delivery::NotSent,
                    ))
                }
                _ if is_certificate_error(e) => {
                    let hint = if is_unknown_issuer(e) {
                        "; behind a TLS-inspecting proxy, add its CA with extra_ca_file"
                    } else {
                        ""
                    };
                    other(
                        format!(
                            "TLS with {host} failed: the server's certificate was refused ({e}){hint}"
                        ),
                        Delivery::NotSent,
                    )
                }
                _ if is_timeout(e) || elapsed >= budget => timed_out(),
                io::ErrorKind::UnexpectedEof
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe => other(
                    format!("{host} closed the connection without an answer: {e}"),
                    Delivery::Unknown,
                ),
                _ => other(
                    format!("connection to {host} failed: {e}"),
                    Delivery::Unknown,
                ),
            },
            ErrorKind::InvalidBaseUrl | ErrorKind::InvalidUrlHost | ErrorKind::InvalidUrlPort => {
                Failure::Other(Error::config(format!("cannot call {host}: {error}")))
            }
            // Raised while setting up TLS, before anything is written.
            ErrorKind::InvalidDNSName(_)
            | ErrorKind::ServerCertVerifier(_)
            | ErrorKind::Tls(_)
            | ErrorKind::TlsDisabled => other(
                format!("TLS with {host} failed: {error}"),
                Delivery::NotSent,
            ),
            ErrorKind::InvalidResponse(_) => other(
                format!("{host} sent a malformed HTTP answer: {error}"),
                Delivery::Received,
            ),
            _ => other(
                format!("request to {host} failed: {error}"),
                Delivery::Unknown,
            ),
        }
    }
}

/// The system's trusted roots, read once per process. attohttpc builds a rustls configuration
/// for every request, and its native-roots feature would re-read the store each time (about
/// 6 ms of CPU per call); it gets them as additional roots instead. It fails a request on an
/// additional root that rustls cannot use, so those are left out, as its own loading does.
fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        rustls_native_certs::load_native_certs()
            .certs
            .into_iter()
            .filter(|der| rustls::RootCertStore::empty().add(der.clone()).is_ok())
            .collect()
    })
}

/// Host (without IPv6 brackets) and port of `scheme://host[:port][/path]`.
fn host_and_port(url: &str) -> Option<(&str, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let default_port = if scheme.eq_ignore_ascii_case("http") {
        80
    } else {
        443
    };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => default_port,
    };
    (!host.is_empty()).then_some((host, port))
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

fn rustls_error(e: &io::Error) -> Option<&rustls::Error> {
    e.get_ref()?.downcast_ref::<rustls::Error>()
}

/// A rustls error that only the handshake can raise: the server's certificate was refused.
fn is_certificate_error(e: &io::Error) -> bool {
    rustls_error(e).is_some_and(|tls| {
        matches!(
            tls,
            rustls::Error::InvalidCertificate(_)
                | rustls::Error::NoCertificatesPresented
                | rustls::Error::UnsupportedNameType
        )
    })
}

/// The certificate chains to no trusted root: what a TLS-inspecting proxy's certificate does.
fn is_unknown_issuer(e: &io::Error) -> bool {
    matches!(
        rustls_error(e),
        Some(rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer
        ))
    )
}

#[cfg(test)]
mod tests {
    use super::host_and_port;

    #[test]
    fn host_and_port_of_base_urls() {
        assert_eq!(
            host_and_port("https://api.mch.weixin.qq.com/v3/x"),
            Some(("api.mch.weixin.qq.com", 443))
        );
        assert_eq!(
            host_and_port("http://127.0.0.1:8080/v3"),
            Some(("127.0.0.1", 8080))
        );
        assert_eq!(host_and_port("http://[::1]:81/v3"), Some(("::1", 81)));
        assert_eq!(host_and_port("https://[::1]/v3"), Some(("::1", 443)));
        assert_eq!(host_and_port("http://localhost"), Some(("localhost", 80)));
        assert_eq!(host_and_port("nothing"), None);
    }
}
