//! The sandbox's HTTP/1.1 server: one thread per connection, persistent connections (as WeChat
//! Pay's front ends keep them), request heads parsed by httparse.
//!
//! A connection thread reads a request, hands it to the handler, writes the answer, and waits
//! for the next request for up to [`IDLE`]; clients that keep connections alive are therefore
//! never queued behind idle ones. Bodies are framed by Content-Length (a chunked request body is
//! refused with 411 Length Required); `Expect: 100-continue` is answered; oversized heads and
//! bodies are refused and the connection closed. [`HttpServer::shutdown`] stops accepting,
//! closes idle connections and waits for the requests in hand.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a connection may wait for its next request, and a request (head and body, from its
/// first byte) may take to arrive: WeChat Pay's front ends close a connection idle for 8 s, and
/// so does the sandbox, so that clients tested against it meet what production does; a client
/// that dribbles a request (slowloris) is answered 408 and closed at the same mark. Kept-alive
/// answers say so in `Keep-Alive: timeout=8`.
pub const IDLE: Duration = Duration::from_secs(8);
/// The largest request head (request line and headers).
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// The most headers a request may have.
const MAX_HEADERS: usize = 64;
/// The largest request body read; the handler applies its own, smaller limits.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Connections served at once; beyond this a connection is answered 503 and closed.
const MAX_CONNECTIONS: usize = 512;

/// One request, read whole.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    /// Header names and values in the order sent; values that are not UTF-8 are lossily decoded.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path of the target, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

/// What the handler does with a request.
#[derive(Debug)]
pub enum Reply {
    Answer {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Close the connection without answering.
    Drop,
}

impl Reply {
    pub fn new(status: u16, headers: Vec<(&'static str, String)>, body: Vec<u8>) -> Reply {
        Reply::Answer {
            status,
            headers,
            body,
        }
    }
}

type Handler = dyn Fn(Request) -> Reply + Send + Sync;

/// The open connections, so that shutdown can close them and wait for them.
#[derive(Default)]
struct Connections {
    open: Mutex<HashMap<u64, TcpStream>>,
    closed: Condvar,
}

/// What a server has done since it started, for `GET /sandbox/stats`: clients debugging their
/// keep-alive see how many connections their calls needed.
#[derive(Debug, Default)]
pub struct Counters {
    /// Connections accepted and served (not those refused for being too many).
    pub connections_accepted: AtomicU64,
    /// Connections open now.
    pub connections_open: AtomicU64,
    /// Requests read whole and handed to the handler.
    pub requests: AtomicU64,
}

impl Counters {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "connections_accepted": self.connections_accepted.load(Ordering::Relaxed),
            "connections_open": self.connections_open.load(Ordering::Relaxed),
            "requests": self.requests.load(Ordering::Relaxed),
        })
    }
}

/// A listening server; dropping it shuts it down.
pub struct HttpServer {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    connections: Arc<Connections>,
    counters: Arc<Counters>,
    acceptor: Option<JoinHandle<()>>,
}

impl HttpServer {
    /// Listens on `listen` (port 0 picks a free port) and serves every request with `handler`.
    pub fn bind(
        listen: &str,
        handler: impl Fn(Request) -> Reply + Send + Sync + 'static,
    ) -> io::Result<HttpServer> {
        let listener = TcpListener::bind(listen)?;
        let addr = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Connections::default());
        let counters = Arc::new(Counters::default());
        let handler: Arc<Handler> = Arc::new(handler);
        let acceptor = {
            let (stopping, connections, counters) = (
                Arc::clone(&stopping),
                Arc::clone(&connections),
                Arc::clone(&counters),
            );
            std::thread::Builder::new()
                .name("sandbox-accept".into())
                .spawn(move || accept(listener, &stopping, &connections, &counters, &handler))?
        };
        Ok(HttpServer {
            addr,
            stopping,
            connections,
            counters,
            acceptor: Some(acceptor),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn counters(&self) -> Arc<Counters> {
        Arc::clone(&self.counters)
    }

    /// Stops accepting, closes idle connections, and waits for the requests in hand.
    pub fn shutdown(&mut self) {
        let Some(acceptor) = self.acceptor.take() else {
            return;
        };
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept(); whatever it accepts is closed at once.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let _ = acceptor.join();
        let mut open = lock(&self.connections.open);
        for stream in open.values() {
            // A connection waiting for its next request ends now; one whose request is in hand
            // finishes answering it (only the reading side is shut).
            let _ = stream.shutdown(Shutdown::Read);
        }
        while !open.is_empty() {
            open = self
                .connections
                .closed
                .wait(open)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn accept(
    listener: TcpListener,
    stopping: &AtomicBool,
    connections: &Arc<Connections>,
    counters: &Arc<Counters>,
    handler: &Arc<Handler>,
) {
    static NEXT_ID: AtomicU64 = AtomicU64::new(0);
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(mut stream) = stream else {
            // Out of descriptors, say: let the connections in hand finish first.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        {
            let mut open = lock(&connections.open);
            if open.len() >= MAX_CONNECTIONS {
                drop(open);
                let _ = write_simple(&mut stream, 503, "too many connections", true);
                continue;
            }
            match stream.try_clone() {
                Ok(clone) => open.insert(id, clone),
                Err(_) => continue,
            };
        }
        let (connections_ref, handler) = (Arc::clone(connections), Arc::clone(handler));
        let counters_ref = Arc::clone(counters);
        let spawned = std::thread::Builder::new()
            .name("sandbox-conn".into())
            .spawn(move || {
                counters_ref
                    .connections_accepted
                    .fetch_add(1, Ordering::Relaxed);
                counters_ref
                    .connections_open
                    .fetch_add(1, Ordering::Relaxed);
                serve(stream, &counters_ref, &*handler);
                counters_ref
                    .connections_open
                    .fetch_sub(1, Ordering::Relaxed);
                lock(&connections_ref.open).remove(&id);
                connections_ref.closed.notify_all();
            });
        if spawned.is_err() {
            lock(&connections.open).remove(&id);
        }
    }
}

/// Serves the requests of one connection until it closes, breaks or idles out.
fn serve(mut stream: TcpStream, counters: &Counters, handler: &Handler) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_write_timeout(Some(IDLE));
    // Bytes read past the end of the previous request (a pipelined next one).
    let mut buffer = Vec::new();
    loop {
        let request = match read_request(&mut stream, &mut buffer) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(Refused(status, why)) => {
                let _ = write_simple(&mut stream, status, why, true);
                return;
            }
        };
        let close = request.close;
        counters.requests.fetch_add(1, Ordering::Relaxed);
        match handler(request.request) {
            Reply::Answer {
                status,
                headers,
                body,
            } => {
                if write_answer(&mut stream, status, &headers, &body, close).is_err() || close {
                    return;
                }
            }
            Reply::Drop => {
                let _ = stream.shutdown(Shutdown::Both);
                return;
            }
        }
    }
}

/// A request and whether the connection ends after its answer.
struct Incoming {
    request: Request,
    close: bool,
}

/// A request the server refuses before the handler sees it: status and reason.
struct Refused(u16, &'static str);

/// Reads the next request; `None` when the peer closed (or went idle) between requests.
fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> std::result::Result<Option<Incoming>, Refused> {
    let Some((request, version, started)) = read_head(stream, buffer)? else {
        return Ok(None);
    };
    let connection = request
        .header("Connection")
        .unwrap_or("")
        .to_ascii_lowercase();
    let close = if version == 0 {
        !connection.contains("keep-alive")
    } else {
        connection.contains("close")
    };
    let length = content_length(&request)?;
    if length > buffer.len()
        && request
            .header("Expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    let mut chunk = [0u8; 8192];
    while buffer.len() < length {
        match read_within(stream, &mut chunk, started) {
            Err(e) if is_timeout(&e) => return Err(Refused(408, TOO_SLOW)),
            Ok(0) | Err(_) => return Err(Refused(400, "the request body broke off")),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    let body = buffer.drain(..length).collect();
    Ok(Some(Incoming {
        request: Request { body, ..request },
        close,
    }))
}

/// Reads and parses the next request head (the body not yet read) and its HTTP minor version;
/// `None` when the peer closed between requests.
fn read_head(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> std::result::Result<Option<(Request, u8, Instant)>, Refused> {
    let mut chunk = [0u8; 8192];
    // When the request's first byte arrived: the head and body must follow within IDLE.
    let mut started: Option<Instant> = (!buffer.is_empty()).then(Instant::now);
    loop {
        let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut slots);
        match parsed.parse(buffer) {
            Ok(httparse::Status::Complete(n)) => {
                let request = Request {
                    method: parsed.method.unwrap_or("").to_owned(),
                    target: parsed.path.unwrap_or("").to_owned(),
                    headers: parsed
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_owned(),
                                String::from_utf8_lossy(h.value).into_owned(),
                            )
                        })
                        .collect(),
                    body: Vec::new(),
                };
                let version = parsed.version.unwrap_or(1);
                buffer.drain(..n);
                return Ok(Some((
                    request,
                    version,
                    started.unwrap_or_else(Instant::now),
                )));
            }
            Ok(httparse::Status::Partial) if buffer.len() >= MAX_HEAD_BYTES => {
                return Err(Refused(431, "request head too large"));
            }
            Ok(httparse::Status::Partial) => {}
            Err(httparse::Error::TooManyHeaders) => {
                return Err(Refused(431, "too many request headers"));
            }
            Err(_) => return Err(Refused(400, "malformed request head")),
        }
        let read = match started {
            // Between requests: an idle connection waits up to IDLE.
            None => stream
                .set_read_timeout(Some(IDLE))
                .and_then(|()| stream.read(&mut chunk)),
            Some(first_byte) => read_within(stream, &mut chunk, first_byte),
        };
        match read {
            Ok(0) | Err(_) if buffer.is_empty() => return Ok(None),
            Err(e) if is_timeout(&e) => return Err(Refused(408, TOO_SLOW)),
            Ok(0) | Err(_) => return Err(Refused(400, "the request head broke off")),
            Ok(n) => {
                started.get_or_insert_with(Instant::now);
                buffer.extend_from_slice(&chunk[..n]);
            }
        }
    }
}

/// Why a request that dribbles in is refused.
const TOO_SLOW: &str = "the request did not arrive within 8 s of its first byte";

/// A read that ends by `IDLE` after `started`, however slowly the bytes come.
fn read_within(stream: &mut TcpStream, chunk: &mut [u8], started: Instant) -> io::Result<usize> {
    let left = IDLE.saturating_sub(started.elapsed());
    if left.is_zero() {
        return Err(io::ErrorKind::TimedOut.into());
    }
    stream.set_read_timeout(Some(left))?;
    stream.read(chunk)
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// The body length a head announces: one Content-Length of at most MAX_BODY_BYTES, or none
/// (0); a chunked body is refused with 411.
fn content_length(request: &Request) -> std::result::Result<usize, Refused> {
    if request.header("Transfer-Encoding").is_some() {
        return Err(Refused(411, "send the body with a Content-Length"));
    }
    let lengths: Vec<&str> = request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
        .map(|(_, v)| v.trim())
        .collect();
    let length = match lengths.as_slice() {
        [] => 0,
        [one] if one.bytes().all(|b| b.is_ascii_digit()) => one
            .parse::<usize>()
            .map_err(|_| Refused(413, "request body too large"))?,
        _ => return Err(Refused(400, "invalid Content-Length")),
    };
    if length > MAX_BODY_BYTES {
        return Err(Refused(413, "request body too large"));
    }
    Ok(length)
}

fn write_answer(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(&'static str, String)],
    body: &[u8],
    close: bool,
) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        // A value that would break the framing is left out rather than sent.
        if !value.contains(['\r', '\n']) {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    // A 204 has no body, and so no Content-Length (RFC 9110 section 8.6).
    if status != 204 {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    if close {
        out.push_str("Connection: close\r\n");
    } else {
        out.push_str(&format!("Keep-Alive: timeout={}\r\n", IDLE.as_secs()));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes)?;
    stream.flush()
}

fn write_simple(stream: &mut TcpStream, status: u16, why: &str, close: bool) -> io::Result<()> {
    let headers = [("Content-Type", "text/plain; charset=utf-8".to_owned())];
    write_answer(stream, status, &headers, why.as_bytes(), close)
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        303 => "See Other",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}
