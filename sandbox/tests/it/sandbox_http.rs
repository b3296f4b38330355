//! The sandbox's HTTP/1.1 server over raw sockets: persistent connections, their limits, and
//! the framing it accepts and refuses. The handler here echoes what the server handed it, so
//! each test sees exactly what a request turned into.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use wxpresign_sandbox::http_server::{HttpServer, Reply};

/// Answers 200 with `METHOD TARGET BODY`; drops /drop unanswered and answers /slow after 300 ms.
fn echo_server() -> HttpServer {
    HttpServer::bind("127.0.0.1:0", |request| {
        if request.target == "/drop" {
            return Reply::Drop;
        }
        if request.target == "/slow" {
            std::thread::sleep(Duration::from_millis(300));
        }
        let text = format!(
            "{} {} {}",
            request.method,
            request.target,
            String::from_utf8_lossy(&request.body)
        );
        Reply::new(
            200,
            vec![("Content-Type", "text/plain".to_owned())],
            text.into_bytes(),
        )
    })
    .expect("a loopback port")
}

fn connect(server: &HttpServer) -> BufReader<TcpStream> {
    let stream = TcpStream::connect(server.addr()).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    BufReader::new(stream)
}

fn send(conn: &mut BufReader<TcpStream>, bytes: &[u8]) {
    conn.get_mut().write_all(bytes).expect("writes");
}

/// Reads one answer: status, header lines (lower-cased names), body (by Content-Length).
fn answer(conn: &mut BufReader<TcpStream>) -> (u16, Vec<(String, String)>, String) {
    let mut line = String::new();
    conn.read_line(&mut line).expect("status line");
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line, got {line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        conn.read_line(&mut line).expect("header line");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').expect("name: value");
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    conn.read_exact(&mut body).expect("body");
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn closed(conn: &mut BufReader<TcpStream>) -> bool {
    let mut rest = Vec::new();
    matches!(conn.read_to_end(&mut rest), Ok(0))
}

fn post(target: &str, body: &str, extra: &str) -> Vec<u8> {
    format!(
        "POST {target} HTTP/1.1\r\nHost: x\r\n{extra}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[test]
fn one_connection_carries_many_requests_including_pipelined_ones() {
    let server = echo_server();
    let mut conn = connect(&server);
    for i in 0..3 {
        send(&mut conn, &post("/a", &format!("body{i}"), ""));
        let (status, headers, body) = answer(&mut conn);
        assert_eq!(
            (status, body.as_str()),
            (200, format!("POST /a body{i}").as_str())
        );
        assert!(
            !headers.iter().any(|(n, _)| n == "connection"),
            "{headers:?}"
        );
    }
    // Two requests in one write: both are answered, in order.
    let mut both = post("/b", "first", "");
    both.extend(post("/c?x=1", "second", ""));
    send(&mut conn, &both);
    assert_eq!(answer(&mut conn).2, "POST /b first");
    assert_eq!(answer(&mut conn).2, "POST /c?x=1 second");
}

#[test]
fn connection_close_and_http_1_0_end_the_connection_after_the_answer() {
    let server = echo_server();
    let mut conn = connect(&server);
    send(&mut conn, &post("/a", "x", "Connection: close\r\n"));
    let (status, headers, _) = answer(&mut conn);
    assert_eq!(status, 200);
    assert!(
        headers.contains(&("connection".into(), "close".into())),
        "{headers:?}"
    );
    assert!(closed(&mut conn));

    let mut conn = connect(&server);
    send(&mut conn, b"GET /old HTTP/1.0\r\n\r\n");
    assert_eq!(answer(&mut conn).2, "GET /old ");
    assert!(closed(&mut conn));
}

#[test]
fn expect_100_continue_is_answered_before_the_body_is_sent() {
    let server = echo_server();
    let mut conn = connect(&server);
    send(
        &mut conn,
        b"POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
    );
    let mut interim = String::new();
    conn.read_line(&mut interim).expect("interim line");
    assert!(interim.starts_with("HTTP/1.1 100"), "{interim:?}");
    let mut blank = String::new();
    conn.read_line(&mut blank).expect("blank line");
    send(&mut conn, b"body");
    assert_eq!(answer(&mut conn).2, "POST /e body");
}

#[test]
fn unframed_or_oversized_requests_are_refused_and_the_connection_closed() {
    let server = echo_server();
    let cases: [(&[u8], u16); 5] = [
        (
            b"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n",
            411,
        ),
        (
            b"POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nbody",
            400,
        ),
        (b"POST /a HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        (b"POST /a HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413),
        (b"NOT HTTP AT ALL\r\n\r\n", 400),
    ];
    for (request, expected) in cases {
        let mut conn = connect(&server);
        send(&mut conn, request);
        let (status, _, _) = answer(&mut conn);
        assert_eq!(status, expected, "{}", String::from_utf8_lossy(request));
        assert!(closed(&mut conn), "{}", String::from_utf8_lossy(request));
    }

    let mut conn = connect(&server);
    let huge = format!("GET / HTTP/1.1\r\nX-Long: {}\r\n\r\n", "a".repeat(20_000));
    send(&mut conn, huge.as_bytes());
    assert_eq!(answer(&mut conn).0, 431);
}

#[test]
fn a_dropped_request_closes_its_connection_unanswered() {
    let server = echo_server();
    let mut conn = connect(&server);
    send(&mut conn, &post("/drop", "", ""));
    assert!(closed(&mut conn));
}

#[test]
fn idle_kept_alive_connections_do_not_hold_up_new_ones() {
    // Many clients each keep a connection open and idle; a burst of new connections must still
    // be served at once (a server that parks idle connections on a fixed set of threads would
    // queue them).
    let server = echo_server();
    let mut idle: Vec<_> = (0..32).map(|_| connect(&server)).collect();
    for conn in &mut idle {
        send(conn, &post("/idle", "", ""));
        assert_eq!(answer(conn).0, 200);
    }
    let started = Instant::now();
    let burst: Vec<_> = (0..32)
        .map(|i| {
            let addr = server.addr();
            std::thread::spawn(move || {
                let stream = TcpStream::connect(addr).expect("connects");
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .expect("timeout");
                let mut conn = BufReader::new(stream);
                send(&mut conn, &post("/burst", &i.to_string(), ""));
                answer(&mut conn).2
            })
        })
        .collect();
    for (i, thread) in burst.into_iter().enumerate() {
        assert_eq!(thread.join().expect("answered"), format!("POST /burst {i}"));
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the burst took {:?}",
        started.elapsed()
    );
}

#[test]
fn shutdown_closes_idle_connections_and_finishes_requests_in_hand() {
    let mut server = echo_server();
    let mut idle = connect(&server);
    send(&mut idle, &post("/a", "", ""));
    assert_eq!(answer(&mut idle).0, 200);
    let mut busy = connect(&server);
    send(&mut busy, &post("/slow", "late", ""));
    std::thread::sleep(Duration::from_millis(100));
    server.shutdown();
    assert_eq!(
        answer(&mut busy).2,
        "POST /slow late",
        "the request in hand is answered"
    );
    assert!(closed(&mut idle));
    assert!(
        TcpStream::connect(server.addr()).is_err(),
        "no longer listening"
    );
}

#[test]
fn kept_alive_answers_say_keep_alive_timeout_8_and_an_idle_connection_closes_after_8_s() {
    let server = echo_server();
    let mut conn = connect(&server);
    send(&mut conn, &post("/a", "", ""));
    let (status, headers, _) = answer(&mut conn);
    assert_eq!(status, 200);
    assert!(
        headers.contains(&("keep-alive".to_owned(), "timeout=8".to_owned())),
        "{headers:?}"
    );
    let idle = Instant::now();
    assert!(closed(&mut conn), "the server closes the idle connection");
    let waited = idle.elapsed();
    assert!(
        waited >= Duration::from_millis(7900) && waited < Duration::from_secs(10),
        "closed after {waited:?}"
    );
}
