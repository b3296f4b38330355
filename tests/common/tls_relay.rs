//! A TLS-terminating relay in front of a plain-HTTP server (the sandbox), for tests/it/tls.rs and
//! benches/https.rs: each TLS connection gets one plain connection upstream, and its requests
//! are forwarded and their answers relayed one at a time while the client keeps it open.

use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// Reads one HTTP message (head and Content-Length body); `None` at a clean end of stream.
pub fn read_message(stream: &mut impl Read) -> std::io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return Ok(Some(data));
            }
        }
        let n = match stream.read(&mut buf) {
            Ok(n) => n,
            // A client that goes away without close_notify ends the connection too.
            Err(_) if data.is_empty() => 0,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return if data.is_empty() {
                Ok(None)
            } else {
                Err(std::io::ErrorKind::UnexpectedEof.into())
            };
        }
        data.extend_from_slice(&buf[..n]);
    }
}

/// Whether an HTTP message's head says `Connection: close`.
fn closes(message: &[u8]) -> bool {
    let end = message
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(message.len());
    String::from_utf8_lossy(&message[..end])
        .lines()
        .filter_map(|l| l.split_once(':'))
        .any(|(name, value)| {
            name.trim().eq_ignore_ascii_case("connection")
                && value.trim().eq_ignore_ascii_case("close")
        })
}

/// Serves one TLS connection: terminates TLS and relays each request to `upstream` over plain
/// HTTP and its answer back, until either side closes, a message says `Connection: close`, or
/// `at_most` answers were relayed.
pub fn relay(
    config: Arc<ServerConfig>,
    tcp: TcpStream,
    upstream: SocketAddr,
    at_most: Option<usize>,
) -> std::io::Result<()> {
    let mut relayed = 0;
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    let connection = ServerConnection::new(config).map_err(std::io::Error::other)?;
    let mut tls = StreamOwned::new(connection, tcp);
    let mut plain: Option<TcpStream> = None;
    while let Some(request) = read_message(&mut tls)? {
        let upstream_conn = match plain.as_mut() {
            Some(conn) => conn,
            None => {
                let conn = TcpStream::connect(upstream)?;
                conn.set_read_timeout(Some(Duration::from_secs(10)))?;
                plain.insert(conn)
            }
        };
        upstream_conn.write_all(&request)?;
        let Some(answer) = read_message(upstream_conn)? else {
            break;
        };
        tls.write_all(&answer)?;
        tls.flush()?;
        relayed += 1;
        if closes(&request) || closes(&answer) || Some(relayed) == at_most {
            break;
        }
    }
    tls.conn.send_close_notify();
    tls.flush()
}
