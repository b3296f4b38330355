//! One connection: hyper reads and writes it, the handler answers each request on the blocking
//! pool, and a clock closes it when idle for [`IDLE`] or answers 408 when a request takes
//! longer than that to arrive (hyper's own header timeout would close without an answer and
//! would not cover the body).

use super::limits::answer_and_close;
use super::{Handler, IDLE, MAX_BODY_BYTES, MAX_HEAD_BYTES, MAX_HEADERS, Reply, Request, Shared};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Incoming};
use hyper::header::{CONNECTION, HeaderName, HeaderValue, TRANSFER_ENCODING};
use hyper::{Response, StatusCode, Version};
use std::io;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;

/// Why a request that dribbles in is refused.
const TOO_SLOW: &str = "the request did not arrive within 8 s of its first byte";

/// Where a connection is in its request cycle, and since when.
#[derive(Clone, Copy)]
enum Phase {
    /// Waiting for the next request since the instant given.
    Waiting(Instant),
    /// A request's first byte arrived at the instant given; the rest has not.
    Arriving(Instant),
    /// The handler has the request.
    Handling,
}

/// The phase of one connection, moved on by its reads and by the service.
struct Clock(Mutex<Phase>);

impl Clock {
    fn phase(&self) -> Phase {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set(&self, phase: Phase) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = phase;
    }

    /// A request's first byte has arrived (or was already read, pipelined).
    fn arriving(&self) {
        let mut phase = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Phase::Waiting(_) = *phase {
            *phase = Phase::Arriving(Instant::now());
        }
    }
}

/// Serves one connection until it closes, breaks, idles out or the server stops.
/// `_finished` keeps shutdown waiting until the connection has ended.
pub(super) async fn serve(
    stream: TcpStream,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
    _finished: std::sync::mpsc::Sender<()>,
) {
    let _ = stream.set_nodelay(true);
    let stream = Arc::new(stream);
    let clock = Arc::new(Clock(Mutex::new(Phase::Waiting(Instant::now()))));
    let io = Watched {
        stream: Arc::clone(&stream),
        clock: Arc::clone(&clock),
    };
    let service = {
        let (shared, clock) = (Arc::clone(&shared), Arc::clone(&clock));
        hyper::service::service_fn(move |request| {
            respond(request, Arc::clone(&shared), Arc::clone(&clock))
        })
    };
    let connection = hyper::server::conn::http1::Builder::new()
        .max_buf_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS)
        .header_read_timeout(None)
        .half_close(true)
        .title_case_headers(true)
        .serve_connection(hyper_util::rt::TokioIo::new(io), service);
    let mut connection = std::pin::pin!(connection);
    let mut stopping = false;
    loop {
        let due = match clock.phase() {
            Phase::Waiting(since) | Phase::Arriving(since) => since + IDLE,
            // No limit while the handler works; look again later.
            Phase::Handling => Instant::now() + IDLE,
        };
        tokio::select! {
            _ = connection.as_mut() => break,
            _ = stopped.changed(), if !stopping => {
                stopping = true;
                connection.as_mut().graceful_shutdown();
            }
            () = tokio::time::sleep_until(due.into()) => match clock.phase() {
                Phase::Waiting(since) if since.elapsed() >= IDLE => break,
                Phase::Arriving(since) if since.elapsed() >= IDLE => {
                    let _ = answer_and_close(&stream, 408, "text/plain; charset=utf-8", TOO_SLOW)
                        .await;
                    break;
                }
                _ => {}
            },
        }
    }
    shared
        .counters
        .connections_open
        .fetch_sub(1, Ordering::Relaxed);
}

/// The connection closes without an answer ([`Reply::Drop`], or a body that broke off).
#[derive(Debug)]
struct Unanswered;

impl std::fmt::Display for Unanswered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("closed without an answer")
    }
}

impl std::error::Error for Unanswered {}

type Answer = Response<Full<Bytes>>;

/// Reads a request's body, hands the request to the handler on the blocking pool, and turns its
/// reply into an answer; refuses what the handler must not see.
async fn respond(
    request: hyper::Request<Incoming>,
    shared: Arc<Shared>,
    clock: Arc<Clock>,
) -> Result<Answer, Unanswered> {
    clock.arriving();
    let (head, body) = request.into_parts();
    let close = wants_close(&head);
    let refused = if head.headers.contains_key(TRANSFER_ENCODING) {
        Some((411, "send the body with a Content-Length"))
    } else if body.size_hint().lower() > MAX_BODY_BYTES as u64 {
        Some((413, "request body too large"))
    } else {
        None
    };
    if let Some((status, why)) = refused {
        clock.set(Phase::Waiting(Instant::now()));
        return Ok(plain(status, why, true));
    }
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => return Err(Unanswered),
    };
    clock.set(Phase::Handling);
    shared.counters.requests.fetch_add(1, Ordering::Relaxed);
    let request = Request {
        method: head.method.as_str().to_owned(),
        target: head.uri.to_string(),
        headers: head
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect(),
        body,
    };
    let handler: Arc<Handler> = Arc::clone(&shared.handler);
    let reply = tokio::task::spawn_blocking(move || handler(request)).await;
    clock.set(Phase::Waiting(Instant::now()));
    match reply {
        Ok(Reply::Answer {
            status,
            headers,
            body,
        }) => Ok(answer(status, &headers, body, close)),
        Ok(Reply::Drop) => Err(Unanswered),
        // The handler panicked; the connection's other requests are not its fault.
        Err(_) => Ok(plain(500, "the sandbox failed to answer", close)),
    }
}

/// Whether the connection ends after this request's answer: HTTP/1.0 unless it asks for
/// keep-alive, HTTP/1.1 when it asks to close.
fn wants_close(head: &hyper::http::request::Parts) -> bool {
    let connection = head
        .headers
        .get(CONNECTION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if head.version == Version::HTTP_10 {
        !connection.contains("keep-alive")
    } else {
        connection.contains("close")
    }
}

fn answer(status: u16, headers: &[(&'static str, String)], body: Vec<u8>, close: bool) -> Answer {
    let mut answer = Response::new(Full::new(Bytes::from(body)));
    *answer.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let map = answer.headers_mut();
    for (name, value) in headers {
        // A name or value that would break the framing is left out rather than sent.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            map.append(name, value);
        }
    }
    if close {
        map.insert(CONNECTION, HeaderValue::from_static("close"));
    } else {
        let keep_alive = format!("timeout={}", IDLE.as_secs());
        if let Ok(value) = HeaderValue::from_str(&keep_alive) {
            map.insert(HeaderName::from_static("keep-alive"), value);
        }
    }
    answer
}

fn plain(status: u16, why: &str, close: bool) -> Answer {
    let headers = [("Content-Type", "text/plain; charset=utf-8".to_owned())];
    answer(status, &headers, why.as_bytes().to_vec(), close)
}

/// The connection's socket as hyper reads and writes it, shared with the clock's 408, and
/// marking when a request's first byte arrives.
struct Watched {
    stream: Arc<TcpStream>,
    clock: Arc<Clock>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            ready!(self.stream.poll_read_ready(cx))?;
            match self.stream.try_read(buf.initialize_unfilled()) {
                Ok(n) => {
                    if n > 0 {
                        self.clock.arriving();
                    }
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            ready!(self.stream.poll_write_ready(cx))?;
            match self.stream.try_write(bytes) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                written => return Poll::Ready(written),
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(socket2::SockRef::from(&*self.stream).shutdown(std::net::Shutdown::Write))
    }
}
