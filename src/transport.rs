//! HTTP(S) transport: one blocking request per attempt, bounded by the call's deadline, over
//! kept-alive connections, with a capped answer body and every failure classified by how far
//! the request got.
//!
//! ureq keeps connections alive per client (one pool per [`Transport`], shared by its threads)
//! and bounds every phase by setting socket timeouts from the attempt's deadline, so a call
//! costs no thread, no TCP connect and, over https, no TLS handshake when a connection is
//! reused. A pooled connection is probed (a non-blocking read) before it is used; one that the
//! server closed is dropped, never written to. ureq never resends a request by itself. A
//! pooled connection belongs to the process that opened it: after `fork()` the child leaves
//! its parent's connections alone (they are dropped when checked out, without a byte written
//! or read) and opens its own.
//!
//! Whether anything was sent is known exactly: the name lookup ([`Lookup`]) and the two
//! connection phases (TCP, then TLS) report their failures marked as such ([`Connecting`]), and
//! nothing is written before they succeed. Any other failure came after the request was
//! (possibly) written. A failed lookup or TCP connection is [`Failure::NotConnected`], the only
//! kind that lets a call move to a backup host; a failed TLS handshake is not, as another host
//! behind the same proxy or middlebox would likely be refused alike.
//!
//! Through a configured proxy ([`crate::proxy`]) the connection starts with a CONNECT tunnel, a
//! third phase before the other two: a proxy that cannot be reached, refuses (407, 403), closes
//! or stays silent fails the call as not sent; one that answers 5xx could not reach the host,
//! which is [`Failure::NotConnected`] as a failed direct connection is.

use crate::error::{Delivery, Error, Result};
use crate::proxy::Proxy;
use crate::request::Method;
use crate::tls::{self, Handshake, TlsConnector, is_certificate_error, is_unknown_issuer};
use crate::url::{Authority, BaseUrl};
use std::cell::Cell;
use std::fmt;
use std::io::{self, Read};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};
use ureq::config::Config as AgentConfig;
use ureq::http::{HeaderValue, Uri};
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, LazyBuffers, NextTimeout,
    TcpConnector, Transport as Socket,
};
use ureq::{Agent, AsSendBody, Timeout};

/// The most of an answer body the library reads; pre-sign answers are a few hundred bytes.
pub(crate) const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// The most of an answer head (status line and headers) the library reads.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// Idle connections kept per host: one per thread that calls at the same time, up to this.
const IDLE_PER_HOST: usize = 8;

/// How long an idle connection is kept at most. WeChat Pay's front ends close a connection
/// idle for 8 s; a request written just as they do is lost in flight, so connections are
/// retired a second earlier (the official Java SDK keeps its pool at 7 s for the same reason).
/// An answer's `Keep-Alive: timeout=N` shortens it further for its connection.
const IDLE_AGE: Duration = Duration::from_secs(7);

/// How long a looked-up host's addresses are used without a new lookup: the JVM's default
/// (networkaddress.cache.ttl). A lookup costs a thread (std's cannot be bounded otherwise), and
/// how many run at once is bounded (see [`RUNNING`]).
const ADDRESS_TTL: Duration = Duration::from_secs(30);

thread_local! {
    /// Set when the attempt on this thread began a new connection: ureq runs the connectors on
    /// the calling thread, and only when no pooled connection is taken.
    static OPENING: Cell<bool> = const { Cell::new(false) };
}

/// Whether an attempt used a connection kept from an earlier call or opened one, and for a new
/// https connection, how its TLS began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Connection {
    Reused,
    New { tls: Option<Handshake> },
}

impl Connection {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Connection::Reused => "reused",
            Connection::New { .. } => "new",
        }
    }

    /// The TLS handshake of a new https connection (none when the handshake did not finish).
    pub(crate) fn tls(self) -> Option<Handshake> {
        match self {
            Connection::Reused => None,
            Connection::New { tls } => tls,
        }
    }
}

/// An HTTP answer with its raw body (signatures cover the exact bytes).
#[derive(Debug)]
pub(crate) struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of a header, by case-insensitive name.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A failed attempt, by how far it got.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The host name did not resolve or no connection was made: nothing was sent, so the
    /// same request may go to another host.
    NotConnected(Error),
    /// Everything else: TLS, sending, receiving, or a malformed or oversized answer.
    Other(Error),
}

impl Failure {
    pub(crate) fn error(&self) -> &Error {
        match self {
            Failure::NotConnected(e) | Failure::Other(e) => e,
        }
    }

    pub(crate) fn into_error(self) -> Error {
        match self {
            Failure::NotConnected(e) | Failure::Other(e) => e,
        }
    }
}

/// A configured HTTP client with its connection pool, built once per library client and
/// shared by its threads.
#[derive(Debug)]
pub(crate) struct Transport {
    /// Never shut down (`Agent::shutdown`): in a forked child, that would cut the connections
    /// its parent still uses as well, which the pool still lists.
    agent: Agent,
    connect_timeout: Duration,
    timeout: Duration,
    /// The proxy, for the `no_proxy` entries with a port and for messages.
    proxy: Option<Proxy>,
}

/// ureq's configuration for a client's agent.
fn agent_config(proxy: Option<&Proxy>) -> AgentConfig {
    AgentConfig::builder()
        // WeChat Pay never redirects API calls, and a payment client must not pick up a
        // proxy from the environment behind its caller's back: only the configured one.
        .max_redirects(0)
        .proxy(proxy.map(Proxy::to_ureq))
        // Non-2xx answers carry WeChat's error body; they are answers, not failures.
        .http_status_as_error(false)
        .max_response_header_size(MAX_HEAD_BYTES)
        .input_buffer_size(2 * MAX_HEAD_BYTES)
        .output_buffer_size(MAX_HEAD_BYTES)
        .max_idle_connections(2 * IDLE_PER_HOST)
        .max_idle_connections_per_host(IDLE_PER_HOST)
        .max_idle_age(IDLE_AGE)
        .build()
}

impl Transport {
    /// `extra_roots` (DER) are trusted for https in addition to the system roots and Mozilla's
    /// (webpki-root-certs). Certificate verification is always on: nothing here or in the
    /// configuration turns it off. Connections go through `proxy` when one is given.
    pub(crate) fn new(
        connect_timeout: Duration,
        timeout: Duration,
        extra_roots: &[Vec<u8>],
        proxy: Option<&Proxy>,
    ) -> Self {
        let config = agent_config(proxy);
        // The connection phases, each marking its failures (the proxy's tunnel when there is
        // one, TCP, then TLS for https). On top, the head and body of a request leave in one
        // write.
        let connector =
            ().chain(Phased(Phase::Proxy, ConnectProxyConnector::default()))
                .chain(Phased(Phase::Tcp, TcpConnector::default()))
                .chain(Phased(Phase::Tls, TlsConnector::new(extra_roots)))
                .chain(Coalescing);
        Transport {
            agent: Agent::with_parts(config, connector, Lookup::default()),
            connect_timeout,
            timeout,
            proxy: proxy.cloned(),
        }
    }

    /// A transport whose connections are made in memory (see [`scripted`]), through `proxy`'s
    /// CONNECT when one is given: everything above the connection runs as in [`Transport::new`].
    #[cfg(feature = "fuzzing")]
    pub fn scripted(connect_timeout: Duration, timeout: Duration, proxy: Option<&Proxy>) -> Self {
        let connector =
            ().chain(Phased(Phase::Proxy, ConnectProxyConnector::default()))
                .chain(scripted::Connect);
        Transport {
            agent: Agent::with_parts(agent_config(proxy), connector, Lookup::default()),
            connect_timeout,
            timeout,
            proxy: proxy.cloned(),
        }
    }

    /// Sends `method` to `path` (with its query) under `base` with `headers` and `body` (none:
    /// no body, and no Content-Length unless the method has content); the attempt ends by
    /// `deadline` at the latest. Says too whether it opened a connection.
    pub(crate) fn send(
        &self,
        method: Method,
        base: &BaseUrl,
        path: &str,
        headers: &[(&'static str, &str)],
        body: Option<&[u8]>,
        deadline: Instant,
    ) -> (std::result::Result<HttpResponse, Failure>, Connection) {
        OPENING.with(|o| o.set(false));
        tls::forget_handshake();
        let result = self.send_once(method, base, path, headers, body, deadline);
        let connection = if OPENING.with(Cell::get) {
            Connection::New {
                tls: tls::last_handshake(),
            }
        } else {
            Connection::Reused
        };
        (result, connection)
    }

    fn send_once(
        &self,
        method: Method,
        base: &BaseUrl,
        path: &str,
        headers: &[(&'static str, &str)],
        body: Option<&[u8]>,
        deadline: Instant,
    ) -> std::result::Result<HttpResponse, Failure> {
        let host = base.host();
        let url = format!("{base}{path}");
        let budget = deadline.saturating_duration_since(Instant::now());
        if budget.is_zero() {
            return Err(Failure::Other(Error::transport(
                format!(
                    "no time left to call {host} within timeout_ms ({} ms)",
                    self.timeout.as_millis()
                ),
                Delivery::NotSent,
            )));
        }
        let mut request = ureq::http::Request::builder()
            .method(method.as_str())
            .uri(url);
        for (name, value) in headers {
            let value = HeaderValue::from_str(value).map_err(|_| {
                Failure::Other(Error::argument(format!(
                    "header {name} has a value HTTP cannot carry"
                )))
            })?;
            request = request.header(*name, value);
        }
        let sent = match body {
            Some(body) => self.run(request.body(body), base, budget),
            None if method.has_content() => self.run(request.body(&[][..]), base, budget),
            None => self.run(request.body(()), base, budget),
        };
        let response = sent.map_err(|e| self.classify(base, e))?;
        self.read_answer(response).map_err(Failure::Other)
    }

    /// Runs a request to `base` within `budget`.
    fn run(
        &self,
        request: ureq::http::Result<ureq::http::Request<impl AsSendBody>>,
        base: &BaseUrl,
        budget: Duration,
    ) -> std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let request = self
            .agent
            .configure_request(request?)
            // The deadline of the whole attempt, answer body included, so that a server
            // dribbling bytes cannot hold it; connect_timeout_ms covers the name lookup and
            // the TLS handshake too, leaving time for a backup host.
            .timeout_global(Some(budget))
            .timeout_resolve(Some(self.connect_timeout.min(budget)))
            .timeout_connect(Some(self.connect_timeout.min(budget)))
            .proxy(
                self.proxy
                    .as_ref()
                    .and_then(|p| p.to_ureq_for(base.host(), base.port())),
            )
            .build();
        self.agent.run(request)
    }

    /// The status, headers and at most [`MAX_BODY_BYTES`] of body; the cap is applied while
    /// reading, and a body shorter than its Content-Length is an error.
    fn read_answer(&self, response: ureq::http::Response<ureq::Body>) -> Result<HttpResponse> {
        let received = |what: String| Error::transport(what, Delivery::Received);
        let (parts, body) = response.into_parts();
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = value
                    .to_str()
                    .map_err(|_| received(format!("answer header {name} is not ASCII")))?;
                Ok((name.as_str().to_owned(), value.to_owned()))
            })
            .collect::<Result<Vec<_>>>()?;

        let announced = body.content_length();
        if let Some(length) = announced.filter(|&n| n > MAX_BODY_BYTES) {
            return Err(received(format!(
                "the answer announces a {length}-byte body, more than the {MAX_BODY_BYTES} bytes \
                 the library reads; refusing it"
            )));
        }
        let mut bytes = Vec::new();
        let read = body
            .into_with_config()
            .limit(MAX_BODY_BYTES + 1)
            .reader()
            .take(MAX_BODY_BYTES + 1)
            .read_to_end(&mut bytes);
        if let Err(e) = read {
            return Err(received(match (ureq::Error::from(e), announced) {
                (ureq::Error::Timeout(_), _) => format!(
                    "the answer body did not arrive within timeout_ms ({} ms)",
                    self.timeout.as_millis()
                ),
                (ureq::Error::BodyExceedsLimit(_), _) => body_too_large(),
                (_, Some(length)) => format!(
                    "the answer body broke off after {} of its {length} bytes",
                    bytes.len()
                ),
                (e, None) => format!("the answer body broke off: {e}"),
            }));
        }
        if bytes.len() as u64 > MAX_BODY_BYTES {
            return Err(received(body_too_large()));
        }
        Ok(HttpResponse {
            status: parts.status.as_u16(),
            headers,
            body: bytes,
        })
    }

    /// See the module documentation for why each error means what it does here.
    fn classify(&self, base: &BaseUrl, error: ureq::Error) -> Failure {
        let host = base.host();
        let other = |what: String, delivery| Failure::Other(Error::transport(what, delivery));
        let not_connected =
            |what: String| Failure::NotConnected(Error::transport(what, Delivery::NotSent));
        let connecting = match error {
            ureq::Error::Other(boxed) if boxed.is::<LookupsHang>() => {
                return not_connected(format!(
                    "cannot resolve {host}: {MAX_LOOKUPS} name lookups are already hanging in \
                     this process; check the resolver (/etc/resolv.conf and its DNS servers)"
                ));
            }
            ureq::Error::Other(boxed) => match boxed.downcast::<Connecting>() {
                Ok(connecting) => return self.not_sent(base, *connecting),
                Err(boxed) => ureq::Error::Other(boxed),
            },
            e => e,
        };
        match connecting {
            ureq::Error::HostNotFound => not_connected(format!("cannot resolve {host}")),
            ureq::Error::Timeout(Timeout::Resolve) => not_connected(format!(
                "cannot resolve {host} within connect_timeout_ms ({} ms)",
                self.connect_timeout.as_millis()
            )),
            ureq::Error::Timeout(_) => other(
                format!(
                    "no answer from {host} within timeout_ms ({} ms)",
                    self.timeout.as_millis()
                ),
                Delivery::Unknown,
            ),
            ureq::Error::Io(e) => match e.kind() {
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
            e @ (ureq::Error::BadUri(_) | ureq::Error::Http(_)) => {
                Failure::Other(Error::config(format!("cannot call {host}: {e}")))
            }
            // The request is written before the answer is parsed.
            e @ ureq::Error::Protocol(_) => other(
                format!("{host} sent a malformed HTTP answer: {e}"),
                Delivery::Received,
            ),
            ureq::Error::BodyExceedsLimit(_) => other(body_too_large(), Delivery::Received),
            e => other(format!("request to {host} failed: {e}"), Delivery::Unknown),
        }
    }

    /// A failure to connect: nothing was written.
    fn not_sent(&self, base: &BaseUrl, connecting: Connecting) -> Failure {
        let host = base.host();
        let Connecting { phase, error } = connecting;
        let phase = match phase {
            Phase::Proxy => return self.tunnel_failed(host, error),
            Phase::Tcp => Direct::Tcp,
            Phase::Tls => Direct::Tls,
        };
        let timed_out = matches!(error, ureq::Error::Timeout(_));
        let error = match error {
            ureq::Error::Io(e) => e,
            e => io::Error::other(e),
        };
        match phase {
            Direct::Tcp if timed_out => Failure::NotConnected(Error::transport(
                format!(
                    "cannot connect to {host} within connect_timeout_ms ({} ms)",
                    self.connect_timeout.as_millis()
                ),
                Delivery::NotSent,
            )),
            Direct::Tcp => Failure::NotConnected(Error::transport(
                refused_or_failed(base, &error),
                Delivery::NotSent,
            )),
            Direct::Tls => {
                let message = if timed_out {
                    format!(
                        "TLS with {host} did not complete within connect_timeout_ms ({} ms)",
                        self.connect_timeout.as_millis()
                    )
                } else if is_certificate_error(&error) {
                    let hint = if is_unknown_issuer(&error) {
                        "; behind a TLS-inspecting proxy, add its CA with extra_ca_file"
                    } else {
                        ""
                    };
                    format!(
                        "TLS with {host} failed: the server's certificate was refused ({error}){hint}"
                    )
                } else {
                    format!("TLS with {host} failed: {error}")
                };
                Failure::Other(Error::transport(message, Delivery::NotSent))
            }
        }
    }

    /// The CONNECT tunnel through the proxy failed: nothing reached the host. ureq's message
    /// for an answer other than 200 is "proxy server responded CODE/REASON".
    fn tunnel_failed(&self, host: &str, error: ureq::Error) -> Failure {
        let address = self.proxy.as_ref().map(Proxy::address);
        let proxy = format!("the proxy {}", address.as_deref().unwrap_or("(unknown)"));
        let not_sent = |what: String| Failure::Other(Error::transport(what, Delivery::NotSent));
        match error {
            // Connecting to the proxy itself (the inner phases of the tunnel's own connection).
            ureq::Error::Other(boxed) => match boxed.downcast::<Connecting>() {
                Ok(inner) => {
                    let timed_out = matches!(inner.error, ureq::Error::Timeout(_));
                    not_sent(if timed_out {
                        format!(
                            "cannot connect to {proxy} within connect_timeout_ms ({} ms)",
                            self.connect_timeout.as_millis()
                        )
                    } else {
                        format!("cannot connect to {proxy}: {}", inner.error)
                    })
                }
                Err(e) => not_sent(format!("{proxy} failed to open a tunnel to {host}: {e}")),
            },
            ureq::Error::ConnectProxyFailed(reason) => {
                let status = reason
                    .strip_prefix("proxy server responded ")
                    .and_then(|rest| rest.split('/').next())
                    .and_then(|code| code.parse::<u16>().ok());
                match status {
                    // 407 asks for credentials; some proxies (tinyproxy) answer wrong ones 401.
                    Some(code @ (401 | 407)) => not_sent(format!(
                        "{proxy} refused to open a tunnel to {host}: it answered CONNECT with \
                         {code}, authentication required (check the user and password in proxy)"
                    )),
                    Some(code @ 500..=599) => Failure::NotConnected(Error::transport(
                        format!("{proxy} could not reach {host} (it answered CONNECT with {code})"),
                        Delivery::NotSent,
                    )),
                    Some(code) => not_sent(format!(
                        "{proxy} refused to open a tunnel to {host}: it answered CONNECT with \
                         {code} (does it allow CONNECT to this host and port?)"
                    )),
                    None => not_sent(format!(
                        "{proxy} closed the connection before answering CONNECT to {host}"
                    )),
                }
            }
            ureq::Error::Timeout(_) => not_sent(format!(
                "{proxy} did not answer CONNECT to {host} within connect_timeout_ms ({} ms)",
                self.connect_timeout.as_millis()
            )),
            ureq::Error::Io(e) => not_sent(format!(
                "{proxy} closed the connection while opening a tunnel to {host}: {e}"
            )),
            e => not_sent(format!("{proxy} failed to open a tunnel to {host}: {e}")),
        }
    }
}

/// The connection phases, in order; nothing is written to the server before all succeed.
#[derive(Clone, Copy, Debug)]
enum Phase {
    Proxy,
    Tcp,
    Tls,
}

/// The phases of the connection to the host itself (to the proxy, inside [`Phase::Proxy`]).
enum Direct {
    Tcp,
    Tls,
}

/// A failure of a connection phase, carried through ureq as `Error::Other`.
#[derive(Debug)]
struct Connecting {
    phase: Phase,
    error: ureq::Error,
}

impl fmt::Display for Connecting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} connection failed: {}", self.phase, self.error)
    }
}

impl std::error::Error for Connecting {}

/// A connector of ureq's whose failures are marked with their phase.
#[derive(Debug)]
struct Phased<C>(Phase, C);

impl<In: Socket, C: Connector<In>> Connector<In> for Phased<C> {
    type Out = C::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        OPENING.with(|o| o.set(true));
        self.1.connect(details, chained).map_err(|error| {
            ureq::Error::Other(Box::new(Connecting {
                phase: self.0,
                error,
            }))
        })
    }
}

/// Puts a [`Coalesced`] on top of the connection the chain below made.
#[derive(Debug)]
struct Coalescing;

impl<In: Socket> Connector<In> for Coalescing {
    type Out = Coalesced<In>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| Coalesced {
            inner,
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            held: 0,
            awaiting_head: false,
            idle_limit: IDLE_AGE,
            last_input: Instant::now(),
            process: std::process::id(),
        }))
    }
}

/// A connection that sends a request's head together with its body. ureq transmits the head
/// and then the body, two writes: two TCP segments, two TLS records, and two wake-ups of the
/// server for each call. This holds one transmission back and sends it with the next one, or
/// before it waits for the answer, so nothing stays unsent while the answer is awaited and
/// nothing is ever sent twice. The cost is a copy of what passes through, well under a
/// microsecond for a pre-sign call.
#[derive(Debug)]
struct Coalesced<T> {
    inner: T,
    /// ureq writes into these; what it reads comes from here too, moved up from `inner`.
    buffers: LazyBuffers,
    /// Output bytes at the start of `buffers.output()` not yet handed to `inner`.
    held: usize,
    /// A request went out and the head of its answer has not been read whole yet.
    awaiting_head: bool,
    /// How long this connection may sit idle: [`IDLE_AGE`], or less when the server said so.
    idle_limit: Duration,
    /// When the server last sent anything on this connection.
    last_input: Instant,
    /// The process that opened the connection. After `fork()` the child holds copies of its
    /// parent's pooled connections; were both to speak over one, each could read the answer
    /// to the other's request, and answer signatures do not bind to a request.
    process: u32,
}

impl<T: Socket> Coalesced<T> {
    /// Hands `buffers.output()[..amount]` to the connection below, in pieces of its buffer size.
    fn send(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        let mut sent = 0;
        while sent < amount {
            let room = self.inner.buffers().output();
            let n = room.len().min(amount - sent);
            room[..n].copy_from_slice(&self.buffers.output()[sent..sent + n]);
            self.inner.transmit_output(n, timeout)?;
            sent += n;
        }
        self.awaiting_head = true;
        Ok(())
    }

    /// Once the answer's head is in, takes its `Keep-Alive: timeout=N` as this connection's
    /// idle limit when it is below [`IDLE_AGE`].
    fn note_keep_alive(&mut self) {
        let mut slots = [httparse::EMPTY_HEADER; 64];
        let mut head = httparse::Response::new(&mut slots);
        match head.parse(self.buffers.input()) {
            Ok(httparse::Status::Partial) => return,
            Ok(httparse::Status::Complete(_)) => {
                let timeout = head
                    .headers
                    .iter()
                    .filter(|h| h.name.eq_ignore_ascii_case("Keep-Alive"))
                    .find_map(|h| keep_alive_timeout(h.value));
                if let Some(limit) = timeout {
                    self.idle_limit = self.idle_limit.min(limit);
                }
            }
            // ureq reports a malformed head itself.
            Err(_) => {}
        }
        self.awaiting_head = false;
    }

    /// Moves what the connection below has read into `buffers`, as much as fits.
    fn take_input(&mut self) -> usize {
        let below = self.inner.buffers().input();
        let room = self.buffers.input_append_buf();
        let n = below.len().min(room.len());
        room[..n].copy_from_slice(&below[..n]);
        self.buffers.input_appended(n);
        self.inner.buffers().input_consume(n);
        n
    }
}

/// The `timeout=N` parameter of a Keep-Alive header value (RFC 2068 section 19.7.1.1).
fn keep_alive_timeout(value: &[u8]) -> Option<Duration> {
    std::str::from_utf8(value)
        .ok()?
        .split(',')
        .find_map(|part| {
            let (name, n) = part.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("timeout")
                .then(|| n.trim().parse::<u64>().ok())
                .flatten()
                .map(Duration::from_secs)
        })
}

impl<T: Socket> Buffers for Coalesced<T> {
    fn output(&mut self) -> &mut [u8] {
        &mut self.buffers.output()[self.held..]
    }

    fn input(&self) -> &[u8] {
        self.buffers.input()
    }

    fn input_append_buf(&mut self) -> &mut [u8] {
        self.buffers.input_append_buf()
    }

    fn input_appended(&mut self, amount: usize) {
        self.buffers.input_appended(amount)
    }

    fn input_consume(&mut self, amount: usize) {
        self.buffers.input_consume(amount)
    }

    fn tmp_and_output(&mut self) -> (&mut [u8], &mut [u8]) {
        let (tmp, output) = self.buffers.tmp_and_output();
        (tmp, &mut output[self.held..])
    }

    fn can_use_input(&self) -> bool {
        self.buffers.can_use_input()
    }
}

impl<T: Socket> Socket for Coalesced<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        if self.held == 0 {
            self.held = amount;
            return Ok(());
        }
        let total = std::mem::take(&mut self.held) + amount;
        self.send(total, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        if self.held > 0 {
            let held = std::mem::take(&mut self.held);
            self.send(held, timeout)?;
        }
        // Bytes already read below and not yet moved up come first.
        if self.inner.buffers().input().is_empty() && !self.inner.await_input(timeout)? {
            return Ok(false);
        }
        let moved = self.take_input();
        if moved > 0 {
            self.last_input = Instant::now();
            if self.awaiting_head {
                self.note_keep_alive();
            }
        }
        Ok(moved > 0)
    }

    /// Asked before a pooled connection is reused. ureq itself refuses one with unread bytes in
    /// `buffers`; this adds what only this layer sees: bytes held back, or read below and not
    /// yet moved up (a server that answered more than was asked is not spoken to again), and
    /// an idle time past what the server's `Keep-Alive: timeout` allows, and a connection that
    /// another process opened. That one is checked first and dropped untouched: not probed (a
    /// read could take bytes of the parent's answer), no TLS close_notify, no `shutdown()`;
    /// dropping closes only this process's copy of the socket.
    fn is_open(&mut self) -> bool {
        self.process == std::process::id()
            && self.held == 0
            && self.last_input.elapsed() < self.idle_limit
            && self.inner.buffers().input().is_empty()
            && self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// Host name lookup for ureq, which looks a name up for every request, pooled connection or
/// not, and spawns a thread each time to bound it. IP addresses need no lookup; a host's
/// addresses are kept for [`ADDRESS_TTL`]; a lookup runs on a helper thread, shared by the calls
/// that need the same name and waited for within each attempt's lookup timeout. Every failure
/// is `HostNotFound`, `Timeout::Resolve` or [`LookupsHang`], so that [`Transport::classify`]
/// knows nothing was sent.
#[derive(Debug, Default)]
struct Lookup {
    cache: Mutex<Vec<(String, u16, Instant, ResolvedSocketAddrs)>>,
}

impl Resolver for Lookup {
    fn resolve(
        &self,
        uri: &Uri,
        _config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().ok_or(ureq::Error::HostNotFound)?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("http") {
                80
            } else {
                443
            });
        let mut addrs = self.empty();
        if let Ok(ip) = host.parse::<IpAddr>() {
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let now = Instant::now();
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|(_, _, at, _)| now.duration_since(*at) < ADDRESS_TTL);
        if let Some((.., cached)) = cache.iter().find(|(h, p, ..)| h == host && *p == port) {
            return Ok(cached.clone());
        }
        drop(cache);

        let found = look_up(host, port, *timeout.after)?;
        for addr in found {
            // Past ureq's 16 addresses the rest are left out.
            let _ = addrs.try_push(addr);
        }
        if addrs.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.push((host.to_owned(), port, now, addrs.clone()));
        Ok(addrs)
    }
}

/// Why a TCP connection to `base` failed, naming the address. A refusal on loopback is nearly
/// always a server (often the sandbox) not started or listening on another port.
fn refused_or_failed(base: &BaseUrl, error: &io::Error) -> String {
    let host = base.host();
    let address = match host.contains(':') {
        true => format!("[{host}]:{}", base.port()),
        false => format!("{host}:{}", base.port()),
    };
    let loopback = Authority { host, port: None }.is_loopback();
    if loopback && error.kind() == io::ErrorKind::ConnectionRefused {
        format!(
            "connection refused by {address}: is the server running there (for the sandbox: \
             `wxpresign sandbox serve DIR`)?"
        )
    } else {
        format!("cannot connect to {address}: {error}")
    }
}

/// The lookups running on helper threads in this process, each with everyone waiting for it.
/// A lookup that hangs holds its thread until the resolver gives up (glibc: up to 30 s per try),
/// which a caller's deadline cannot shorten; so one runs per host name and port, and at most
/// [`MAX_LOOKUPS`] at once.
static RUNNING: Mutex<Running> = Mutex::new(Running {
    process: 0,
    lookups: Vec::new(),
});

/// The most lookups running at once in a process. A process calls a few hosts (WeChat Pay's,
/// its backup, a proxy); more lookups than this running at once means the resolver hangs.
pub const MAX_LOOKUPS: usize = 8;

struct Running {
    /// The process the lookups run in. A forked child inherits the list but not the threads:
    /// it starts afresh rather than wait for lookups nothing will finish.
    process: u32,
    lookups: Vec<(String, u16, Arc<Found>)>,
}

/// A lookup's addresses (`Some(None)`: the name did not resolve), once it ends.
#[derive(Default)]
struct Found {
    addrs: Mutex<Option<Option<Vec<SocketAddr>>>>,
    ended: Condvar,
}

/// `host`'s addresses for `port`: from the lookup of the same name already running, or from one
/// started on a helper thread, waiting `wait` at most.
fn look_up(
    host: &str,
    port: u16,
    wait: Duration,
) -> std::result::Result<Vec<SocketAddr>, ureq::Error> {
    let found = {
        let mut running = RUNNING.lock().unwrap_or_else(PoisonError::into_inner);
        if running.process != std::process::id() {
            *running = Running {
                process: std::process::id(),
                lookups: Vec::new(),
            };
        }
        match running
            .lookups
            .iter()
            .find(|(h, p, _)| h == host && *p == port)
        {
            Some((.., found)) => Arc::clone(found),
            None if running.lookups.len() >= MAX_LOOKUPS => {
                return Err(ureq::Error::Other(Box::new(LookupsHang)));
            }
            None => {
                let found = Arc::new(Found::default());
                if !start_lookup(host, port, &found) {
                    // No thread to be had: look up here, unbounded, rather than not at all.
                    drop(running);
                    return resolved((host, port).to_socket_addrs().ok().map(Vec::from_iter));
                }
                running
                    .lookups
                    .push((host.to_owned(), port, Arc::clone(&found)));
                found
            }
        }
    };
    let addrs = found.addrs.lock().unwrap_or_else(PoisonError::into_inner);
    let (addrs, _) = found
        .ended
        .wait_timeout_while(addrs, wait, |addrs| addrs.is_none())
        .unwrap_or_else(PoisonError::into_inner);
    match addrs.clone() {
        Some(addrs) => resolved(addrs),
        None => Err(ureq::Error::Timeout(Timeout::Resolve)),
    }
}

/// Starts the thread that looks `host` up, hands its addresses to `found` and leaves [`RUNNING`].
fn start_lookup(host: &str, port: u16, found: &Arc<Found>) -> bool {
    let (name, found) = (host.to_owned(), Arc::clone(found));
    std::thread::Builder::new()
        .name("wxpresign-lookup".into())
        .spawn(move || {
            let addrs = (name.as_str(), port)
                .to_socket_addrs()
                .ok()
                .map(Vec::from_iter);
            *found.addrs.lock().unwrap_or_else(PoisonError::into_inner) = Some(addrs);
            found.ended.notify_all();
            let mut running = RUNNING.lock().unwrap_or_else(PoisonError::into_inner);
            running.lookups.retain(|(.., f)| !Arc::ptr_eq(f, &found));
        })
        .is_ok()
}

fn resolved(addrs: Option<Vec<SocketAddr>>) -> std::result::Result<Vec<SocketAddr>, ureq::Error> {
    addrs.ok_or(ureq::Error::HostNotFound)
}

/// A lookup refused because [`MAX_LOOKUPS`] are running, carried through ureq as `Error::Other`.
#[derive(Debug)]
struct LookupsHang;

impl fmt::Display for LookupsHang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{MAX_LOOKUPS} name lookups are running")
    }
}

impl std::error::Error for LookupsHang {}

fn body_too_large() -> String {
    format!("the answer body is larger than {MAX_BODY_BYTES} bytes; refusing to read it")
}

/// Connections made in memory, for the fuzz targets (the `fuzzing` feature, never in a build
/// users get): each reads the bytes last given to [`script`] as everything the far end sends
/// (a proxy's CONNECT answer and then WeChat Pay's, or WeChat Pay's alone), then the end of the
/// stream, and keeps what the client wrote for [`written`]. ureq parses those bytes as it parses
/// a socket's, and everything above it runs as in production, without a socket per input.
#[cfg(feature = "fuzzing")]
pub mod scripted {
    use super::{Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, Socket};
    use std::cell::RefCell;

    thread_local! {
        static ANSWER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        static WRITTEN: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }

    /// What the next connection's far end sends; forgets what earlier connections wrote.
    pub fn script(answer: Vec<u8>) {
        ANSWER.with(|a| *a.borrow_mut() = answer);
        WRITTEN.with(|w| w.borrow_mut().clear());
    }

    /// Everything the client wrote since the last [`script`].
    pub fn written() -> Vec<u8> {
        WRITTEN.with(|w| w.borrow().clone())
    }

    /// Makes a [`Memory`] connection, or passes on the one the chain made (a proxy's tunnel).
    #[derive(Debug)]
    pub struct Connect;

    impl<In: Socket> Connector<In> for Connect {
        type Out = Box<dyn Socket>;

        fn connect(
            &self,
            details: &ConnectionDetails,
            chained: Option<In>,
        ) -> Result<Option<Self::Out>, ureq::Error> {
            Ok(Some(match chained {
                Some(tunnel) => Box::new(tunnel),
                None => Box::new(Memory {
                    buffers: LazyBuffers::new(
                        details.config.input_buffer_size(),
                        details.config.output_buffer_size(),
                    ),
                    answer: ANSWER.with(|a| std::mem::take(&mut *a.borrow_mut())),
                    at: 0,
                }),
            }))
        }
    }

    #[derive(Debug)]
    struct Memory {
        buffers: LazyBuffers,
        answer: Vec<u8>,
        /// How much of `answer` was read.
        at: usize,
    }

    impl Socket for Memory {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }

        fn transmit_output(
            &mut self,
            amount: usize,
            _timeout: NextTimeout,
        ) -> Result<(), ureq::Error> {
            let output = &self.buffers.output()[..amount];
            WRITTEN.with(|w| w.borrow_mut().extend_from_slice(output));
            Ok(())
        }

        fn await_input(&mut self, _timeout: NextTimeout) -> Result<bool, ureq::Error> {
            let rest = &self.answer[self.at..];
            let room = self.buffers.input_append_buf();
            let n = rest.len().min(room.len());
            room[..n].copy_from_slice(&rest[..n]);
            self.buffers.input_appended(n);
            self.at += n;
            Ok(n > 0)
        }

        /// Never pooled: each call reads its own script.
        fn is_open(&mut self) -> bool {
            false
        }
    }
}
