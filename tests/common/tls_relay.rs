//! A TLS-terminating relay in front of a plain-HTTP server (the sandbox), for tests/tls.rs and
//! benches/https.rs: each connection's one request is forwarded and its answer relayed.

use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// Reads one HTTP request (head and Content-Length body).
fn read_request(stream: &mut impl Read) -> std::io::Result<Vec<u8>> {
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
                return Ok(data);
            }
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
    }
}

/// Serves one TLS connection: terminates TLS, hands the request to `upstream` over plain HTTP
/// and relays its answer (the client sends Connection: close, so the answer ends with EOF).
pub fn relay(
    config: Arc<ServerConfig>,
    tcp: TcpStream,
    upstream: SocketAddr,
) -> std::io::Result<()> {
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    let connection = ServerConnection::new(config).map_err(std::io::Error::other)?;
    let mut tls = StreamOwned::new(connection, tcp);
    let request = read_request(&mut tls)?;
    let mut plain = TcpStream::connect(upstream)?;
    plain.set_read_timeout(Some(Duration::from_secs(10)))?;
    plain.write_all(&request)?;
    let mut answer = Vec::new();
    plain.read_to_end(&mut answer)?;
    tls.write_all(&answer)?;
    tls.conn.send_close_notify();
    tls.flush()
}
