//! What an outbound proxy sends back, in-process: the client is configured with an HTTP proxy,
//! its connections are made in memory (the library's `fuzzing` feature), and the input is
//! everything the proxy sends: its answer to CONNECT (read by ureq, classified by the
//! transport) and then, through the tunnel, WeChat Pay's answer (`Client::answer_scripted`). Seeds hold a `200 Connection established` (or a refusal) before an answer that
//! `answer_of`'s rules build.
//!
//! The input is split at its first `\n\n\n`: what the proxy answers to CONNECT, then an
//! `http_answer` input for what comes through the tunnel. What the client wrote decides what the
//! error must say: nothing but CONNECT written means the request never left, and the error must
//! say it cannot have reached WeChat Pay; the request written through the tunnel means it may
//! have.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wxpresign::Client;
use wxpresign::config::Config;
use wxpresign::fuzzing::written;
use wxpresign_fuzz::{EDU, answer_of, check_answered, config, split_once};

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        // Plain http through the tunnel: TLS is not what this target reads.
        let mut config = config("http://127.0.0.1:9", false);
        config["proxy"] = "http://user:secret-password@127.0.0.1:3128".into();
        Client::scripted(Config::from_json(&config.to_string()).expect("valid configuration"))
    })
}

fuzz_target!(|data: &[u8]| {
    let (proxy, rest) = split_once(data, b"\n\n\n");
    let mut stream = proxy.to_vec();
    stream.extend(answer_of(rest).unwrap_or_default());
    let result = client().answer_scripted(stream);
    let written = written();
    assert!(
        written.starts_with(b"CONNECT 127.0.0.1:9 HTTP/1.1\r\n"),
        "CONNECT first: {}",
        String::from_utf8_lossy(&written)
    );
    let sent = written.windows(EDU.len()).any(|w| w == EDU.as_bytes());
    if let Err(e) = &result {
        let text = e.to_json().to_string();
        assert!(!text.contains("secret-password"), "the proxy password leaked: {text}");
    }
    check_answered(result, sent);
});
