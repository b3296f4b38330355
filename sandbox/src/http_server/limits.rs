//! How many connections the server holds, and the answers it writes itself on a raw socket:
//! 503 past that bound and 408 for a request too slow to arrive, both closing the connection.

use super::MAX_CONNECTIONS;
use std::io;
use std::net::Shutdown;
use std::time::Duration;
use tokio::net::TcpStream;

/// Descriptors kept for everything else the process opens (its store, records, notification
/// deliveries, the refusals themselves) when the connections take the rest.
const FD_RESERVE: usize = 256;
/// The fewest connections served, however low the descriptor limit.
const MIN_CONNECTIONS: usize = 16;
/// How long a raw answer may take to write, and the client to close after it.
const LINGER: Duration = Duration::from_millis(500);

/// Connections served at once: [`MAX_CONNECTIONS`], or fewer when the process's descriptor limit,
/// first raised to its hard limit, cannot hold that many and the reserve.
pub(super) fn connection_bound() -> usize {
    let descriptors = raise_descriptor_limit();
    descriptors
        .saturating_sub(FD_RESERVE)
        .clamp(MIN_CONNECTIONS, MAX_CONNECTIONS)
}

/// Raises the soft RLIMIT_NOFILE to the hard one and returns the soft limit in force.
#[cfg(unix)]
fn raise_descriptor_limit() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit fills the struct it is given; setrlimit reads one. Neither keeps it.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return MAX_CONNECTIONS;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            // Refused where the hard limit is "unlimited" but the kernel's is not (macOS):
            // the soft limit stays as it was.
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX)
}

#[cfg(not(unix))]
fn raise_descriptor_limit() -> usize {
    MAX_CONNECTIONS
}

/// Answers a connection past the bound 503 with a JSON body that says why, and closes it.
/// `_finished` keeps shutdown waiting until the answer is written.
pub(super) async fn refuse(
    stream: TcpStream,
    bound: usize,
    _finished: std::sync::mpsc::Sender<()>,
) {
    let body = serde_json::json!({
        "code": "SYSTEM_ERROR",
        "message": format!(
            "the sandbox is at its connection limit ({bound} open connections): close idle \
             connections or retry later"
        ),
    });
    let _ = answer_and_close(&stream, 503, "application/json", &body.to_string()).await;
}

/// Writes a whole answer with `Connection: close` on a socket nothing else is writing to, shuts
/// its writing side and reads what the client still sends until it closes (or [`LINGER`]), so
/// that closing with unread bytes does not reset the connection before the client reads the
/// answer.
pub(super) async fn answer_and_close(
    stream: &TcpStream,
    status: u16,
    content_type: &str,
    body: &str,
) -> io::Result<()> {
    let reason = match status {
        408 => "Request Timeout",
        503 => "Service Unavailable",
        _ => "",
    };
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    tokio::time::timeout(LINGER, write_all(stream, answer.as_bytes()))
        .await
        .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
    socket2::SockRef::from(stream).shutdown(Shutdown::Write)?;
    let _ = tokio::time::timeout(LINGER, drain(stream)).await;
    Ok(())
}

async fn write_all(stream: &TcpStream, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        stream.writable().await?;
        match stream.try_write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads and discards until the client closes or the socket fails.
async fn drain(stream: &TcpStream) {
    let mut sink = [0u8; 4096];
    loop {
        if stream.readable().await.is_err() {
            return;
        }
        match stream.try_read(&mut sink) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => return,
        }
    }
}
