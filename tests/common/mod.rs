//! A sandbox on an ephemeral loopback port, and the client configuration that works against it.
#![allow(dead_code)]

pub mod hand_signing;
pub mod process;

use serde_json::Value;
use wxpresign::keys::PrivateKey;
use wxpresign_sandbox::{Identity, Sandbox};

pub struct Fixture {
    pub sandbox: Sandbox,
    pub merchant_key: PrivateKey,
    pub config: Value,
}

pub fn sandbox() -> Fixture {
    let (identity, merchant_key) = Identity::generate().expect("key generation works");
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").expect("a loopback port is free");
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .expect("config renders");
    Fixture {
        sandbox,
        merchant_key,
        config,
    }
}

impl Fixture {
    pub fn client(&self) -> wxpresign::Client {
        wxpresign::Client::from_json(&self.config.to_string()).expect("the sandbox config is valid")
    }

    pub fn client_with(&self, changes: Value) -> wxpresign::Client {
        let mut config = self.config.clone();
        for (k, v) in changes.as_object().expect("changes is an object") {
            config[k] = v.clone();
        }
        wxpresign::Client::from_json(&config.to_string()).expect("the changed config is valid")
    }
}

/// The table's example request for `path`, as a JSON value.
pub fn example(path: &str) -> Value {
    let endpoint = wxpresign::endpoints::find(path).expect("known endpoint");
    serde_json::from_str(endpoint.example).expect("examples are JSON")
}

/// The pre-sign of `path`'s example with `changes` made to it, through the library.
pub fn presign(fx: &Fixture, path: &str, changes: Value) -> wxpresign::Response {
    let mut request = example(path);
    for (k, v) in changes.as_object().expect("changes is an object") {
        request[k] = v.clone();
    }
    fx.client()
        .call(path, &request.to_string())
        .expect("the pre-sign succeeds")
}

pub const EDU: &str = "v3/edu-papay/contracts/presign";
pub const INSURANCE: &str = "v3/papay/insurance-sign/contracts/pre-entrust-sign/jsapi";

/// The edu example with `user_id` (its fault field) set to `value`.
pub fn edu_with_user(value: &str) -> String {
    let mut request = example(EDU);
    request["user_id"] = value.into();
    request.to_string()
}

/// A notification as the merchant received it: headers and body.
pub type Delivered = (Vec<(String, String)>, Vec<u8>);

/// A merchant's notify endpoint on loopback: answers 200 and hands each delivery over.
pub struct NotifyEndpoint {
    pub url: String,
    received: std::sync::mpsc::Receiver<Delivered>,
    _server: wxpresign_sandbox::http_server::HttpServer,
}

pub fn notify_endpoint() -> NotifyEndpoint {
    use wxpresign_sandbox::http_server::{HttpServer, Reply};
    let (tx, rx) = std::sync::mpsc::channel();
    let server = HttpServer::bind("127.0.0.1:0", move |request| {
        let _ = tx.send((request.headers, request.body));
        Reply::new(200, Vec::new(), Vec::new())
    })
    .expect("a loopback port");
    NotifyEndpoint {
        url: format!("http://{}/notify", server.addr()),
        received: rx,
        _server: server,
    }
}

impl NotifyEndpoint {
    /// The next delivery within `wait`, if one comes.
    pub fn within(&self, wait: std::time::Duration) -> Option<Delivered> {
        self.received.recv_timeout(wait).ok()
    }

    /// The next notification, verified and decrypted by `client`.
    pub fn next(&self, client: &wxpresign::Client) -> wxpresign::Notification {
        let (headers, body) = self
            .within(std::time::Duration::from_secs(10))
            .expect("a notification arrives");
        let headers = wxpresign::verification::SignedHeaders::from_pairs(
            headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        )
        .expect("WeChat-style headers");
        client
            .parse_notification(&headers, &body)
            .expect("the notification verifies and decrypts")
    }
}
