//! A WeChat Pay that only listens: a loopback server recording every request as it arrived on
//! the wire (method, target, body) and answering each with a signed 200 `{}` or a signed empty
//! 204, as set. For the calls on a contract, which the sandbox does not run yet.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use wxpresign_sandbox::Identity;
use wxpresign_sandbox::http_server::{HttpServer, Reply};

/// One request as the server read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Received {
    pub method: String,
    pub target: String,
    /// Header names in lower case, in the order sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    /// The first value of the header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub struct Recorder {
    /// Held for its lifetime: the server stops when dropped.
    _server: HttpServer,
    seen: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
    /// A client configuration for a merchant of this server.
    pub config: String,
    /// The merchant's public key, which verifies the requests' signatures.
    pub merchant_public_key: wxpresign::keys::PublicKey,
}

impl Recorder {
    pub fn start() -> Recorder {
        let (identity, merchant_key) = Identity::generate().expect("keys");
        let identity = Arc::new(identity);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(200));
        let (record, answer, signer) = (Arc::clone(&seen), Arc::clone(&status), identity.clone());
        let server = HttpServer::bind("127.0.0.1:0", move |request| {
            record.lock().expect("not poisoned").push(Received {
                method: request.method.clone(),
                target: request.target.clone(),
                headers: request.headers.clone(),
                body: request.body.clone(),
            });
            let status = answer.load(Ordering::SeqCst);
            let body = if status == 204 {
                Vec::new()
            } else {
                b"{}".to_vec()
            };
            let mut headers = vec![("Request-ID", "recorder".to_owned())];
            if !body.is_empty() {
                headers.push(("Content-Type", "application/json".to_owned()));
            }
            headers.extend(signer.signature_headers(&body).expect("signs"));
            Reply::new(status, headers, body)
        })
        .expect("a loopback port");
        let config = identity
            .client_config(&merchant_key, &format!("http://{}", server.addr()))
            .expect("config")
            .to_string();
        Recorder {
            _server: server,
            seen,
            status,
            config,
            merchant_public_key: merchant_key.public_key().expect("a public key"),
        }
    }

    /// The status the following requests are answered with: 200 or 204.
    pub fn answer_with(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    /// Every request received since the last call, oldest first.
    pub fn take(&self) -> Vec<Received> {
        std::mem::take(&mut *self.seen.lock().expect("not poisoned"))
    }

    pub fn client(&self) -> wxpresign::Client {
        wxpresign::Client::from_json(&self.config).expect("a valid configuration")
    }
}
