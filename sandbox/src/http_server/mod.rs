//! The sandbox's HTTP/1.1 server: hyper on a tokio runtime the server owns, persistent
//! connections (as WeChat Pay's front ends keep them), the handler synchronous.
//!
//! A connection is a task, so thousands of idle kept-alive clients cost little; the handler
//! (which signs its answers with RSA) runs on the runtime's blocking pool, so a signature never
//! holds up accepting or another connection. Bodies are framed by Content-Length (a chunked
//! request body is refused with 411 Length Required); `Expect: 100-continue` is answered;
//! oversized heads and bodies are refused and the connection closed. Past [`MAX_CONNECTIONS`]
//! (or what the process's descriptor limit holds) a connection is answered 503 and closed.
//! [`HttpServer::shutdown`] stops accepting, closes idle connections and waits for the requests
//! in hand.

mod connection;
mod limits;

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::watch;

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
/// Connections served at once when the descriptor limit allows it: a merchant's load test or a
/// few hundred kept-alive clients stay far below it.
pub const MAX_CONNECTIONS: usize = 20_000;
/// Threads that accept, read and write (the handlers run on the blocking pool).
const WORKERS: usize = 2;
/// Handlers running at once; a request beyond them waits for one to finish. A handler may sleep
/// (the slow fault), so this is well above the number of cores.
const HANDLERS: usize = 256;
/// How long a handler thread left idle after a burst stays for the next one (tokio's default is
/// 10 s): the process soon has as few threads as before the burst.
const HANDLER_IDLE: Duration = Duration::from_secs(1);
/// Connections that may wait to be accepted.
const BACKLOG: u32 = 1024;

/// One request, read whole.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    /// Header names (lower-case) and values in the order sent; values that are not UTF-8 are
    /// lossily decoded.
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

/// What every connection of a server shares.
struct Shared {
    handler: Arc<Handler>,
    counters: Arc<Counters>,
    /// Connections served at once; more are refused.
    bound: usize,
}

/// A listening server; dropping it shuts it down.
pub struct HttpServer {
    addr: SocketAddr,
    counters: Arc<Counters>,
    stop: watch::Sender<bool>,
    /// Disconnected once every task that serves a connection (and the acceptor) has ended. In a
    /// Mutex only so that the server is Sync; shutdown has it alone.
    done: Mutex<std::sync::mpsc::Receiver<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl HttpServer {
    /// Listens on `listen` (port 0 picks a free port) and serves every request with `handler`.
    /// Raises the process's descriptor limit to its hard limit (as servers do), so that it can
    /// hold up to [`MAX_CONNECTIONS`].
    pub fn bind(
        listen: &str,
        handler: impl Fn(Request) -> Reply + Send + Sync + 'static,
    ) -> io::Result<HttpServer> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .max_blocking_threads(HANDLERS)
            .thread_keep_alive(HANDLER_IDLE)
            .thread_name("sandbox-http")
            .enable_all()
            .build()?;
        let listener = {
            let _context = runtime.enter();
            listen_on(listen)?
        };
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters::default());
        let shared = Arc::new(Shared {
            handler: Arc::new(handler),
            counters: Arc::clone(&counters),
            bound: limits::connection_bound(),
        });
        let (stop, stopped) = watch::channel(false);
        let (finished, done) = std::sync::mpsc::channel();
        runtime.spawn(accept(listener, shared, stopped, finished));
        Ok(HttpServer {
            addr,
            counters,
            stop,
            done: Mutex::new(done),
            runtime: Some(runtime),
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
        let Some(runtime) = self.runtime.take() else {
            return;
        };
        let _ = self.stop.send(true);
        // Nothing is ever sent: this returns when the last task's sender is dropped.
        let _ = self
            .done
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .recv();
        // Never blocks, so a server may be dropped anywhere, a handler of another included.
        runtime.shutdown_background();
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A listening socket on the first address of `listen` that binds, with a backlog deep enough
/// for a burst of new clients (std's is 128).
fn listen_on(listen: &str) -> io::Result<TcpListener> {
    let mut last = io::Error::new(io::ErrorKind::InvalidInput, "no address to listen on");
    for addr in listen.to_socket_addrs()? {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        #[cfg(unix)]
        socket.set_reuseaddr(true)?;
        match socket.bind(addr).and_then(|()| socket.listen(BACKLOG)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Accepts until told to stop; each connection becomes a task, or is refused past the bound.
async fn accept(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
    finished: std::sync::mpsc::Sender<()>,
) {
    loop {
        let accepted = tokio::select! {
            _ = stopped.changed() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else {
            // Out of descriptors, say: let the connections in hand finish first.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let counters = &shared.counters;
        if counters.connections_open.load(Ordering::Relaxed) >= shared.bound as u64 {
            tokio::spawn(limits::refuse(stream, shared.bound, finished.clone()));
            continue;
        }
        counters
            .connections_accepted
            .fetch_add(1, Ordering::Relaxed);
        counters.connections_open.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(connection::serve(
            stream,
            Arc::clone(&shared),
            stopped.clone(),
            finished.clone(),
        ));
    }
}
