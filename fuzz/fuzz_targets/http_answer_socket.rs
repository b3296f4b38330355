//! The raw HTTP answer a server sends to a call, over a real socket: a loopback server in this
//! process answers the client's request (the education example) with the answer the input
//! stands for ([`answer_of`]), so the bytes go through the production transport, socket and
//! connection pool included, then `Client`'s status handling, WeChat error parsing and
//! verification. A socket per input makes it slow; `http_answer` feeds the same inputs
//! in-process, and this target keeps the socket path covered. It reads http_answer's corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use wxpresign::Client;
use wxpresign_fuzz::{EDU, answer_of, check_answered, config};

/// The answer the server sends to the next request.
static ANSWER: Mutex<Vec<u8>> = Mutex::new(Vec::new());

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let base_url = format!("http://{}", listener.local_addr().expect("bound"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = serve(stream);
            }
        });
        Client::from_json(&config(&base_url, false).to_string()).expect("valid configuration")
    })
}

/// Reads one request (head and Content-Length body), writes the answer, closes.
fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let body_start = loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        request.extend_from_slice(&buf[..n]);
        if let Some(i) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&request[..body_start]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while request.len() < body_start + length {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    let answer = ANSWER.lock().unwrap_or_else(|e| e.into_inner()).clone();
    stream.write_all(&answer)?;
    stream.flush()
}

/// The threads of this process, from /proc/self/status.
fn threads() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Waits until any thread a call started has ended: a call must leave none behind (ureq starts
/// one only for a name lookup bounded by a timeout, and these inputs use IP addresses), and
/// LeakSanitizer, which checks after every input, would otherwise report the thread-local state
/// of a thread caught in its exit. A thread still alive after two seconds is a finding of its own.
fn wait_for_threads(baseline: usize) {
    let start = std::time::Instant::now();
    while threads() > baseline {
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{} threads outlive the call by 2 s",
            threads() - baseline
        );
        std::thread::sleep(Duration::from_micros(50));
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(answer) = answer_of(data) else {
        return;
    };
    let client = client();
    static BASELINE: OnceLock<usize> = OnceLock::new();
    let baseline = *BASELINE.get_or_init(threads);
    *ANSWER.lock().unwrap_or_else(|e| e.into_inner()) = answer;

    let request = wxpresign::endpoints::find(EDU)
        .expect("the edu endpoint")
        .example;
    let result = client.call(EDU, request);
    wait_for_threads(baseline);
    // The request was sent whole before any answer was read.
    check_answered(result, true);
});
