//! The raw HTTP answer a server sends to a call, in-process: the client's connections are made
//! in memory (the library's `fuzzing` feature) and read the answer the input stands for
//! ([`answer_of`]), so the bytes go through ureq's HTTP/1.1 parsing, the transport's reading and
//! limits, then the client's status handling, WeChat error parsing and verification
//! (`Client::answer_scripted`), with no socket and no request signature per input.
//! `http_answer_socket` runs the same inputs through a whole call over a loopback socket.
//!
//! Besides the checks every answer gets, what the client wrote is compared with what the error
//! says: the request is written whole before any answer is read, so every error must say it may
//! have reached the server.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wxpresign::Client;
use wxpresign::config::Config;
use wxpresign::fuzzing::written;
use wxpresign_fuzz::{EDU, answer_of, check_answered, config};

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let config = config("http://127.0.0.1:9", false).to_string();
        Client::scripted(Config::from_json(&config).expect("valid configuration"))
    })
}

fuzz_target!(|data: &[u8]| {
    let Some(answer) = answer_of(data) else {
        return;
    };
    let result = client().answer_scripted(answer);
    let request_line = format!("POST /{EDU} HTTP/1.1\r\n");
    let sent = written().starts_with(request_line.as_bytes());
    assert!(sent, "the request was written first");
    check_answered(result, sent);
});
