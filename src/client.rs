//! The client: one configuration, reused for many calls from many threads. A call validates
//! the request, encrypts its sensitive fields, signs the exact bytes it sends, and verifies
//! the answer before handing it back.

use crate::certificates::{self, Downloaded};
use crate::config::{Config, Retry};
use crate::encryption::{encrypt_fields, encrypt_value};
use crate::endpoints::{self, Built, Endpoint, fill_from_path};
use crate::error::ApiAnswer;
use crate::error::{Delivery, Error, Kind, Result};
use crate::log::{self, Level};
use crate::notification::{self, Notification};
use crate::request::{Method, Target};
use crate::signing::{Signer, nonce, unix_now};
use crate::transport::{Connection, Failure, HttpResponse, Transport};
use crate::url::{BaseUrl, Host};
use crate::validation::{self, parse_request};
use crate::verification::{self, MAX_CLOCK_SKEW_SECS, Recent, SignedHeaders, Verifier};
use serde_json::{Value, json};
use std::cell::RefCell;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// A verified 2xx answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The HTTP status (2xx).
    pub status: u16,
    /// WeChat Pay's `Request-ID`, which its support asks for.
    pub request_id: Option<String>,
    /// The answer body as JSON (`null` for an empty body).
    pub data: Value,
    /// The base URL that answered: `base_url`, `global_base_url` or `backup_base_url`.
    pub base_url: String,
    /// Set when the call moved to the backup host.
    pub failover: Option<Failover>,
    /// What the call did on the wire, as JSON: each attempt (host, connection, TLS handshake,
    /// outcome, time) and the time in all.
    pub trace: Value,
}

/// What a call did on the wire, in every envelope and error JSON as `trace`:
/// `{"attempts": [{"base_url", "connection": "new"|"reused", "tls": "full"|"resumed",
/// "elapsed_ms", "outcome"}, ...], "elapsed_ms"}`, one attempt per request sent or tried (a move
/// to the backup host and each retry are attempts of their own). `tls` is there for a new https
/// connection whose handshake finished: `resumed` when it resumed a TLS session of an earlier
/// connection to the host, `full` otherwise.
#[derive(Debug)]
pub(crate) struct Trace {
    started: Instant,
    attempts: Vec<Value>,
}

impl Trace {
    fn new() -> Trace {
        Trace {
            started: Instant::now(),
            attempts: Vec::new(),
        }
    }

    fn record(
        &mut self,
        base: &BaseUrl,
        connection: Connection,
        began: Instant,
        request_head: &[(&'static str, &str)],
        result: &std::result::Result<HttpResponse, Failure>,
    ) {
        let outcome = match result {
            Ok(answer) => format!("answered {}", answer.status),
            Err(failure) => match failure.error().delivery() {
                Delivery::NotSent => "not sent".to_owned(),
                _ => "no answer; may have reached the server".to_owned(),
            },
        };
        let mut attempt = json!({
            "base_url": base.as_str(),
            "connection": connection.as_str(),
            "elapsed_ms": millis(began.elapsed()),
            "outcome": outcome,
        });
        if let Some(handshake) = connection.tls() {
            attempt["tls"] = handshake.as_str().into();
        }
        log::emit(Level::Debug, || {
            let mut event = attempt.clone();
            event["event"] = "attempt".into();
            event["request_head"] = log::redacted_head(request_head.iter().copied());
            if let Ok(answer) = result {
                event["answer_head"] = log::redacted_head(
                    answer.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
                );
            }
            event
        });
        self.attempts.push(attempt);
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({ "attempts": self.attempts, "elapsed_ms": millis(self.started.elapsed()) })
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// What a call sends, and where.
struct Outgoing<'a> {
    /// The endpoint's path, or for [`Client::request`] the path without its query: for logs.
    endpoint: &'a str,
    method: Method,
    /// The path and query from the leading `/`, as signed and sent.
    target: &'a str,
    body: Option<&'a [u8]>,
    host: Host,
    /// The WeChat Pay key's serial, sent in Wechatpay-Serial.
    serial: Option<&'a str>,
    check: Check<'a>,
}

/// How a call's answer is verified.
#[derive(Clone, Copy, Debug)]
enum Check<'a> {
    /// With the keys the client holds.
    Configured,
    /// The platform certificate list: with the certificates it carries, decrypted and checked
    /// into this (so that the download reads them from here rather than decrypting again).
    CertificateList(&'a RefCell<Vec<Downloaded>>),
}

/// The least time between two downloads of the platform certificates for serials the client
/// did not know: an answer signed under a serial WeChat Pay never issued must not make every
/// call fetch the list.
pub const REFETCH_INTERVAL: Duration = Duration::from_secs(300);

/// A call that moved to `backup_base_url` because nothing could be sent to `from`.
#[derive(Clone, Debug, PartialEq)]
pub struct Failover {
    /// The base URL that could not be reached.
    pub from: String,
    /// Why: the DNS or connect failure on `from`.
    pub reason: String,
}

impl Failover {
    fn to_json(&self) -> Value {
        json!({ "from": self.from, "reason": self.reason })
    }
}

impl Response {
    /// `{"status":200,"request_id":"...","data":{...},"base_url":"https://...","failover":{...}}`
    /// (`failover` only when the backup host answered).
    pub fn to_json(&self) -> Value {
        let mut json = json!({
            "status": self.status,
            "request_id": self.request_id,
            "data": self.data,
            "base_url": self.base_url,
        });
        if let Some(failover) = &self.failover {
            json["failover"] = failover.to_json();
        }
        json["trace"] = self.trace.clone();
        json
    }
}

/// A WeChat Pay APIv3 client for one merchant. Immutable after creation, so `&Client` may be
/// shared across threads; make one per merchant configuration and keep it, since it holds the
/// parsed keys, the kept-alive connections and the TLS sessions ([`crate::registry::shared`]
/// keeps one per configuration for programs that cannot).
///
/// ```no_run
/// use wxpresign::{Client, Kind};
///
/// let client = Client::from_json(&std::fs::read_to_string("client.json")?)?;
/// let request = r#"{"appid":"wx8888888888888888","openid":"o-user","plan_id":"p1",
///     "user_id":"u1","period_start_date":"2026-01-01","trade_scene":"EDUCATION_PERIOD"}"#;
/// match client.call("v3/edu-papay/contracts/presign", request) {
///     Ok(answer) => println!("presign_token {}", answer.data["presign_token"]),
///     // Nothing was sent: the field and what WeChat Pay requires of it.
///     Err(e) if e.kind() == Kind::Validation => eprintln!("{:?}: {}", e.field(), e.message()),
///     Err(e) if e.retryable() => eprintln!("try again later: {e}"),
///     Err(e) => eprintln!("{e}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Client {
    signer: Signer,
    /// WeChat Pay's keys; replaced, never changed, when platform certificates are downloaded.
    verifier: RwLock<Arc<Verifier>>,
    /// With `download_platform_certificates`: held while the list is fetched, so that no two
    /// fetch at once, and when a fetch for a serial the client did not know last happened.
    downloads: Option<Mutex<Option<Instant>>>,
    transport: Transport,
    base_url: BaseUrl,
    global_base_url: BaseUrl,
    backup_base_url: Option<BaseUrl>,
    timeout: Duration,
    user_agent: String,
    allow_unknown_fields: bool,
    allow_http_notify_loopback: bool,
    apiv3_key: Option<zeroize::Zeroizing<Vec<u8>>>,
    retry: Retry,
    /// The answers accepted lately, by Wechatpay-Timestamp and -Nonce: an answer is for one
    /// request, so the same one again is a replay.
    answers: Recent,
    /// The ids of the notifications parsed lately, to tell a handler it saw one before.
    notifications: Recent,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Written out so that no secret can reach a log through a wrapper's Debug.
        f.debug_struct("Client")
            .field("signer", &self.signer)
            .field("verifier", &self.verifier())
            .field("base_url", &self.base_url.as_str())
            .field("global_base_url", &self.global_base_url.as_str())
            .field(
                "backup_base_url",
                &self.backup_base_url.as_ref().map(BaseUrl::as_str),
            )
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("allow_unknown_fields", &self.allow_unknown_fields)
            .field(
                "allow_http_notify_loopback",
                &self.allow_http_notify_loopback,
            )
            .field("retry", &self.retry)
            .field("apiv3_key", &self.apiv3_key.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// The library's own User-Agent; WeChat Pay may refuse requests without one.
pub(crate) fn library_user_agent() -> String {
    format!(
        "wxpresign/{} ({} {}) Rust",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

impl Client {
    /// Builds a client from a configuration JSON document.
    pub fn from_json(config: &str) -> Result<Client> {
        Ok(Client::new(Config::from_json(config)?))
    }

    /// A client from a checked configuration; it sets up TLS trust and opens no connection.
    pub fn new(config: Config) -> Client {
        let transport = Transport::new(
            config.connect_timeout,
            config.timeout,
            &config.extra_ca_certificates,
            config.proxy.as_ref(),
        );
        Client::with_transport(config, transport)
    }

    /// A client whose connections are made in memory, reading the answer last given to
    /// [`crate::fuzzing::script`]: the fuzz targets' way to feed answers in-process.
    #[cfg(feature = "fuzzing")]
    #[doc(hidden)]
    pub fn scripted(config: Config) -> Client {
        let transport = Transport::scripted(
            config.connect_timeout,
            config.timeout,
            config.proxy.as_ref(),
        );
        Client::with_transport(config, transport)
    }

    /// The answer path alone, for the fuzz targets: `answer` is what the far end sends to a
    /// request (a proxy's CONNECT answer first when the client has a proxy), read by the
    /// transport and turned into a response or an error as a call's answer is: status, WeChat
    /// errors, verification. The request is the education pre-sign's, sent unsigned: signing is
    /// what the other targets reach, and it would cost each input an RSA signature.
    #[cfg(feature = "fuzzing")]
    #[doc(hidden)]
    pub fn answer_scripted(&self, answer: Vec<u8>) -> Result<Response> {
        crate::transport::scripted::script(answer);
        let deadline = Instant::now() + self.timeout;
        let headers = [
            ("Accept", "application/json"),
            ("User-Agent", self.user_agent.as_str()),
            ("Content-Type", "application/json"),
        ];
        let target = "/v3/edu-papay/contracts/presign";
        let base = &self.base_url;
        let (sent, _) =
            self.transport
                .send(Method::Post, base, target, &headers, Some(b"{}"), deadline);
        match sent {
            Ok(answer) => self.accept(answer, base, None, Check::Configured, deadline),
            Err(f) => Err(tried(f.into_error(), base, None)),
        }
    }

    fn with_transport(config: Config, transport: Transport) -> Client {
        let user_agent = match &config.user_agent {
            Some(extra) => format!("{} {extra}", library_user_agent()),
            None => library_user_agent(),
        };
        Client {
            transport,
            signer: Signer::new(config.mchid, config.merchant_serial_no, config.merchant_key),
            verifier: RwLock::new(Arc::new(
                Verifier::new(config.wechatpay_public_key, config.platform_certificates)
                    .naming(config.wechatpay_serial),
            )),
            downloads: config
                .download_platform_certificates
                .then(|| Mutex::new(None)),
            base_url: config.base_url,
            global_base_url: config.global_base_url,
            backup_base_url: config.backup_base_url,
            timeout: config.timeout,
            user_agent,
            allow_unknown_fields: config.allow_unknown_fields,
            allow_http_notify_loopback: config.allow_http_notify_loopback,
            apiv3_key: config.apiv3_key,
            retry: config.retry,
            answers: Recent::default(),
            notifications: Recent::default(),
        }
    }

    /// The verifier holding WeChat Pay's keys (also used for notifications).
    pub fn verifier(&self) -> Arc<Verifier> {
        Arc::clone(&self.verifier.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// The APIv3 key, when configured.
    pub fn apiv3_key(&self) -> Option<&[u8]> {
        self.apiv3_key.as_deref().map(Vec::as_slice)
    }

    /// Verifies and decrypts a notification WeChat Pay posted: `headers` as received, `body` the
    /// raw bytes (never a re-serialised copy: the signature covers the exact bytes).
    pub fn parse_notification(&self, headers: &SignedHeaders, body: &[u8]) -> Result<Notification> {
        verification::not_a_probe(headers, "notification")?;
        if let Some(serial) = &headers.serial {
            self.learn_notification_serial(serial)?;
        }
        let now = unix_now();
        let mut parsed =
            notification::parse(&self.verifier(), self.apiv3_key(), headers, body, now)?;
        let window = MAX_CLOCK_SKEW_SECS;
        parsed.seen_before = !self.notifications.first_time(&parsed.id, now + window, now);
        Ok(parsed)
    }

    /// The merchant id this client signs as.
    pub fn mchid(&self) -> &str {
        self.signer.mchid()
    }

    /// Whether this client holds the WeChat Pay key that `serial` names.
    pub fn knows_serial(&self, serial: &str) -> bool {
        self.verifier().key_for(serial).is_some()
    }

    /// Calls the endpoint at `path` with a JSON request. `path` is a table path, a template
    /// such as `v3/papay/contracts/{contract_id}/notify` included, whose path and query
    /// parameters the request carries as members; or a concrete path that fills a template
    /// (`v3/papay/contracts/123/notify`), called as that endpoint with the parameters the path
    /// gives, which the request may repeat but not contradict.
    pub fn call(&self, path: &str, request: &str) -> Result<Response> {
        let (endpoint, captured) = match endpoints::find(path) {
            Some(endpoint) => (endpoint, Vec::new()),
            None => endpoints::matching(path).ok_or_else(|| unknown_endpoint(path))?,
        };
        let mut request = parse_request(request)?;
        fill_from_path(&mut request, endpoint.path_params, captured)?;
        self.call_endpoint(endpoint, request)
    }

    /// Calls `endpoint` with an already parsed request: validated whole, split into the path,
    /// query and body, its sensitive body members encrypted, then signed and sent.
    pub(crate) fn call_endpoint(&self, endpoint: &Endpoint, request: Value) -> Result<Response> {
        // timeout_ms bounds the whole call, a move to the backup host included.
        let deadline = Instant::now() + self.timeout;
        let options = validation::Options {
            allow_unknown: self.allow_unknown_fields,
            allow_http_notify_loopback: self.allow_http_notify_loopback,
        };
        validation::validate_with(&endpoint.members(), endpoint.rules, &request, options)?;
        // Built before any key is fetched: a parameter that cannot stand in a path sends nothing.
        let Built { target, mut body } = endpoint.build(&request)?;
        let verifier = self.keyed_verifier(deadline)?;
        let (serial, key) = verifier.preferred().ok_or_else(no_key)?;
        if let Some(body) = body.as_mut().filter(|_| endpoint.needs_serial()) {
            encrypt_fields(endpoint.request, body, key)?;
        }
        // Serialized once: these bytes are signed and sent.
        let body = body
            .map(|body| serde_json::to_vec(&body))
            .transpose()
            .map_err(|e| Error::internal(format!("cannot serialize the request: {e}")))?;
        self.send(
            &Outgoing {
                endpoint: endpoint.path,
                method: endpoint.method,
                target: &target,
                body: body.as_deref(),
                host: endpoint.host,
                serial: Some(serial),
                check: Check::Configured,
            },
            deadline,
        )
    }

    /// Any APIv3 call, beyond the endpoints the table models: `method` to `path_and_query`
    /// ("/v3/...", percent-encoded, signed and sent as given) with `body` (JSON, sent as given;
    /// none for a GET), on `global_base_url` for "/v3/global/..." and `base_url` otherwise. The
    /// answer is verified, and failover, retries and the trace are as for an endpoint's call;
    /// the body is not checked against any schema, so WeChat Pay's answer says what is wrong.
    /// Fields to encrypt are for the caller to encrypt, with [`Client::encrypt`].
    pub fn request(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&str>,
    ) -> Result<Response> {
        let deadline = Instant::now() + self.timeout;
        let method = Method::parse(method)?;
        let target = Target::parse(path_and_query)?;
        if let Some(body) = body {
            if method == Method::Get {
                return Err(Error::argument(
                    "a GET has no body: put its parameters in the query and pass no body",
                ));
            }
            serde_json::from_str::<serde::de::IgnoredAny>(body).map_err(|e| {
                Error::argument(format!(
                    "body is not JSON ({e}); WeChat Pay's APIv3 takes JSON"
                ))
            })?;
        }
        let verifier = self.keyed_verifier(deadline)?;
        let (serial, _) = verifier.preferred().ok_or_else(no_key)?;
        let endpoint = target.path_and_query.split('?').next().unwrap_or_default();
        self.send(
            &Outgoing {
                endpoint: endpoint.trim_start_matches('/'),
                method,
                target: &target.path_and_query,
                body: body.map(str::as_bytes),
                host: target.host,
                serial: Some(serial),
                check: Check::Configured,
            },
            deadline,
        )
    }

    /// Encrypts `plaintext` (RSA-OAEP, as WeChat Pay requires of sensitive fields) with the key
    /// whose serial every request names in Wechatpay-Serial, so that WeChat Pay can decrypt it;
    /// returns the ciphertext (base64) and that serial.
    pub fn encrypt(&self, plaintext: &str) -> Result<(String, String)> {
        let verifier = self.keyed_verifier(Instant::now() + self.timeout)?;
        let (serial, key) = verifier.preferred().ok_or_else(no_key)?;
        Ok((encrypt_value(plaintext, key)?, serial.to_owned()))
    }

    /// The verifier, holding the WeChat Pay key requests name and encrypt fields with; with
    /// `download_platform_certificates`, the platform certificates are downloaded first when
    /// the client holds none yet.
    fn keyed_verifier(&self, deadline: Instant) -> Result<Arc<Verifier>> {
        let keyed = |v: Arc<Verifier>| v.preferred().is_some().then_some(v);
        if let Some(verifier) = keyed(self.verifier()) {
            return Ok(verifier);
        }
        if let Some(downloads) = &self.downloads {
            let _only_one = downloads.lock().unwrap_or_else(|p| p.into_inner());
            if keyed(self.verifier()).is_none() {
                self.fetch_platform_certificates(deadline)
                    .map_err(|cause| {
                        Error::not_sent_because(
                            format!(
                                "nothing was sent: WeChat Pay's platform certificates are needed \
                             first, and downloading them failed ({})",
                                cause.message()
                            ),
                            &cause,
                        )
                    })?;
            }
        }
        keyed(self.verifier()).ok_or_else(no_key)
    }

    /// Downloads WeChat Pay's platform certificates (`GET /v3/certificates`), verifies the
    /// answer with them, decrypts each with the APIv3 key and checks it (see
    /// [`crate::certificates`]); the client verifies with them from now on. For a merchant in
    /// public-key mode WeChat Pay has none to give: an API error, and nothing changes.
    pub fn download_platform_certificates(&self) -> Result<Vec<Downloaded>> {
        self.fetch_platform_certificates(Instant::now() + self.timeout)
    }

    fn fetch_platform_certificates(&self, deadline: Instant) -> Result<Vec<Downloaded>> {
        if self.apiv3_key().is_none() {
            return Err(Error::config(
                "downloading platform certificates needs apiv3_key: WeChat Pay sends them \
                 encrypted with the APIv3 key",
            ));
        }
        let listed = RefCell::new(Vec::new());
        self.send(
            &Outgoing {
                endpoint: certificates::PATH.trim_start_matches('/'),
                method: Method::Get,
                target: certificates::PATH,
                body: None,
                host: Host::Domestic,
                serial: None,
                check: Check::CertificateList(&listed),
            },
            deadline,
        )?;
        let downloaded = listed.into_inner();
        // Read and replaced under one lock, so that two downloads at once add both.
        let mut verifier = self.verifier.write().unwrap_or_else(|p| p.into_inner());
        *verifier =
            Arc::new(verifier.with_certificates(downloaded.iter().map(|d| d.certificate.clone())));
        drop(verifier);
        Ok(downloaded)
    }

    /// With `download_platform_certificates`, when WeChat Pay names a serial the client does
    /// not hold (a certificate rotated in): the list is fetched again, at most once every
    /// [`REFETCH_INTERVAL`] and never by two threads at once. Otherwise nothing.
    fn learn_serial(&self, serial: &str, deadline: Instant) -> Result<()> {
        let Some(downloads) = &self.downloads else {
            return Ok(());
        };
        if self.knows_serial(serial) {
            return Ok(());
        }
        let mut last = downloads.lock().unwrap_or_else(|p| p.into_inner());
        // Another thread may have fetched it meanwhile.
        if self.knows_serial(serial) || last.is_some_and(|at| at.elapsed() < REFETCH_INTERVAL) {
            return Ok(());
        }
        *last = Some(Instant::now());
        self.fetch_platform_certificates(deadline).map(|_| ())
    }

    /// Whether a certificate download could teach this client `serial`: it downloads its
    /// platform certificates, and the serial is not a public key's (those are never listed).
    pub(crate) fn could_learn(&self, serial: &str) -> bool {
        self.downloads.is_some() && !serial.starts_with("PUB_KEY_ID_") && !self.knows_serial(serial)
    }

    /// A notification's `serial` learned as an answer's is, within this client's timeout.
    pub(crate) fn learn_notification_serial(&self, serial: &str) -> Result<()> {
        self.learn_serial(serial, Instant::now() + self.timeout)
    }

    /// Sends a request, with retries as `retry` allows, by `deadline`.
    fn send(&self, out: &Outgoing, deadline: Instant) -> Result<Response> {
        // WeChat Pay documents a backup domain for api.mch.weixin.qq.com only.
        let (base, backup) = match out.host {
            Host::Domestic => (&self.base_url, self.backup_base_url.as_ref()),
            Host::Global => (&self.global_base_url, None),
        };
        let mut trace = Trace::new();
        // Whether an earlier attempt may have reached WeChat Pay: the last error never says less.
        let mut reached = Delivery::NotSent;
        let mut attempt = 1;
        loop {
            match self.attempt(out, base, backup, deadline, &mut trace) {
                Ok(mut response) => {
                    response.trace = trace.to_json();
                    log_call(out, &response.trace, Ok(&response));
                    return Ok(response);
                }
                Err(e) => {
                    let wait = self.backoff(attempt, rate_limited(&e));
                    let again = attempt < self.retry.max_attempts
                        && worth_retrying(&e)
                        && Instant::now() + wait < deadline;
                    if !again {
                        let e = e.reached_earlier(reached).with_trace(trace.to_json());
                        log_call(out, &trace.to_json(), Err(&e));
                        return Err(e);
                    }
                    if e.delivery() != Delivery::NotSent {
                        reached = e.delivery();
                    }
                    std::thread::sleep(wait);
                    attempt += 1;
                }
            }
        }
    }

    /// One attempt: the request signed anew (a fresh nonce and time: WeChat Pay refuses a nonce
    /// it has seen), sent to `base`, and once to `backup` when nothing reached `base`.
    fn attempt(
        &self,
        out: &Outgoing,
        base: &BaseUrl,
        backup: Option<&BaseUrl>,
        deadline: Instant,
        trace: &mut Trace,
    ) -> Result<Response> {
        let authorization = self.signer.authorization(
            out.method.as_str(),
            out.target,
            unix_now(),
            &nonce()?,
            out.body.unwrap_or_default(),
        )?;
        let mut headers = vec![
            ("Authorization", authorization.as_str()),
            ("Accept", "application/json"),
            ("User-Agent", self.user_agent.as_str()),
        ];
        // Sent whenever there is a key: during WeChat's key migration it chooses the answer's.
        if let Some(serial) = out.serial {
            headers.push(("Wechatpay-Serial", serial));
        }
        if out.body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        let mut send = |base: &BaseUrl| {
            let began = Instant::now();
            let (result, connection) = self
                .transport
                .send(out.method, base, out.target, &headers, out.body, deadline);
            trace.record(base, connection, began, &headers, &result);
            result
        };
        let (answer, base, failover) = match (send(base), backup) {
            (Ok(answer), _) => (answer, base, None),
            // Nothing reached `base`, so the same signed request (the signature does not cover
            // the host, and the nonce was never seen) goes to the backup once.
            (Err(Failure::NotConnected(e)), Some(backup)) if Instant::now() < deadline => {
                let failover = Failover {
                    from: base.to_string(),
                    reason: e.message().to_owned(),
                };
                match send(backup) {
                    Ok(answer) => (answer, backup, Some(failover)),
                    Err(f) => return Err(tried(f.into_error(), backup, Some(&failover))),
                }
            }
            (Err(f), _) => return Err(tried(f.into_error(), base, None)),
        };
        self.accept(answer, base, failover, out.check, deadline)
    }

    /// The wait before attempt `attempt + 1`: `backoff`, doubled for each attempt since the
    /// first, then scaled by a random factor of 0.5 to 1 so that clients do not retry in step.
    /// After a 429 it is at least a second (1 to 2 s): WeChat Pay's quotas are per second, so a
    /// retry within the same second would only be refused again.
    fn backoff(&self, attempt: u32, rate_limited: bool) -> Duration {
        let doubled = self
            .retry
            .backoff
            .saturating_mul(1 << (attempt - 1).min(16));
        let floor = if rate_limited {
            2 * RATE_WINDOW
        } else {
            Duration::ZERO
        };
        let mut byte = [0u8; 1];
        let jitter = match aws_lc_rs::rand::fill(&mut byte) {
            Ok(()) => 0.5 + f64::from(byte[0]) / 510.0,
            Err(_) => 0.75,
        };
        doubled.max(floor).mul_f64(jitter)
    }

    /// Turns an HTTP answer from `base` into a verified response or an API error.
    fn accept(
        &self,
        answer: HttpResponse,
        base: &BaseUrl,
        failover: Option<Failover>,
        check: Check<'_>,
        deadline: Instant,
    ) -> Result<Response> {
        let status = answer.status;
        match self.verified(answer, check, deadline) {
            Ok((status, request_id, data)) => Ok(Response {
                status,
                request_id,
                data,
                base_url: base.to_string(),
                failover,
                trace: Value::Null,
            }),
            Err(e) if e.kind() == Kind::Verify => {
                Err(tried(e.with_http_status(status), base, failover.as_ref()))
            }
            Err(e) => Err(tried(e, base, failover.as_ref())),
        }
    }

    /// The status, Request-ID and JSON body of a verified 2xx answer.
    fn verified(
        &self,
        answer: HttpResponse,
        check: Check<'_>,
        deadline: Instant,
    ) -> Result<(u16, Option<String>, Value)> {
        let request_id = answer.header("Request-ID").map(str::to_owned);
        if !(200..300).contains(&answer.status) {
            return Err(api_error(&answer, request_id));
        }
        let headers = SignedHeaders::from_pairs(
            answer.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        )?;
        let parse = || {
            if answer.body.is_empty() {
                return Ok(Value::Null);
            }
            serde_json::from_slice(&answer.body).map_err(|e| {
                with_request_id(
                    Error::verify(format!("the signed answer is not JSON: {e}")),
                    &request_id,
                )
            })
        };
        let verify = |verifier: &Verifier| {
            verifier
                .verify(&headers, &answer.body, unix_now())
                .map_err(|e| with_request_id(e, &request_id))
        };
        let data = match check {
            // The signature first: a body is read only once it is known to be WeChat Pay's.
            Check::Configured => {
                verification::not_a_probe(&headers, "answer")
                    .map_err(|e| with_request_id(e, &request_id))?;
                if let Some(serial) = &headers.serial {
                    // The call's outcome is its own answer's: a download that fails here
                    // leaves an answer that cannot be trusted, not a request never sent.
                    self.learn_serial(serial, deadline).map_err(|cause| {
                        with_request_id(unverifiable(serial, &cause), &request_id)
                    })?;
                }
                verify(&self.verifier())?;
                parse()?
            }
            // The list carries the certificates that verify it.
            Check::CertificateList(listed) => {
                let data = parse()?;
                let key = self.apiv3_key().unwrap_or_default();
                let decrypted = certificates::decrypt_list(&data, key, unix_now())
                    .map_err(|e| with_request_id(e, &request_id))?;
                verify(&Verifier::new(
                    None,
                    decrypted.iter().map(|d| d.certificate.clone()).collect(),
                ))?;
                *listed.borrow_mut() = decrypted;
                data
            }
        };
        self.first_answer(&headers)
            .map_err(|e| with_request_id(e, &request_id))?;
        Ok((answer.status, request_id, data))
    }
}

impl Client {
    /// Refuses a verified answer this client accepted already: WeChat Pay signs each answer
    /// with a fresh nonce, so the same timestamp and nonce again is a captured answer replayed
    /// to another request, within the window its timestamp is accepted in.
    fn first_answer(&self, headers: &SignedHeaders) -> Result<()> {
        let (Some(timestamp), Some(nonce)) = (&headers.timestamp, &headers.nonce) else {
            return Ok(());
        };
        let until = timestamp
            .parse::<u64>()
            .unwrap_or(0)
            .saturating_add(MAX_CLOCK_SKEW_SECS);
        if self
            .answers
            .first_time(&format!("{timestamp} {nonce}"), until, unix_now())
        {
            return Ok(());
        }
        Err(Error::verify(
            "the answer repeats one this client accepted already (the same Wechatpay-Timestamp \
             and Wechatpay-Nonce): a replayed answer, not WeChat Pay's answer to this request; \
             query the request to learn its outcome",
        ))
    }
}

/// WeChat Pay answered, under a serial the client could not learn because the certificate
/// download, `cause`, failed.
/// The error of a call to a path the table has not, naming the pre-sign it resembles if any.
fn unknown_endpoint(path: &str) -> Error {
    match endpoints::resembled(path) {
        Some(meant) => Error::argument(format!(
            "unknown endpoint \"{path}\": did you mean {}?",
            meant.path
        )),
        None => Error::argument(format!(
            "unknown endpoint \"{path}\": `wxpresign endpoints` lists the {} known paths",
            endpoints::all().count()
        )),
    }
}

fn unverifiable(serial: &str, cause: &Error) -> Error {
    Error::verify(format!(
        "WeChat Pay answered, signed under Wechatpay-Serial {serial}, which this client does not \
         hold yet, and downloading the platform certificates to learn it failed ({}): the \
         request may have taken effect, so query it before sending it again",
        cause.message()
    ))
    .with_cause(cause)
}

fn no_key() -> Error {
    Error::config("no WeChat Pay public key or platform certificate is configured")
}

/// The level of a call's event: info when it succeeded or met a signature probe (WeChat Pay's
/// routine check, nothing to alarm anyone), warn when it failed otherwise.
fn call_level(outcome: std::result::Result<&Response, &Error>) -> Level {
    match outcome {
        Ok(_) => Level::Info,
        Err(e) if e.is_probe() => Level::Info,
        Err(_) => Level::Warn,
    }
}

/// The call's event for the log hook, at [`call_level`].
fn log_call(out: &Outgoing, trace: &Value, outcome: std::result::Result<&Response, &Error>) {
    log::emit(call_level(outcome), || {
        let attempts = trace["attempts"].as_array().map_or(0, Vec::len);
        let mut event = json!({
            "event": "call",
            "endpoint": out.endpoint,
            "method": out.method.as_str(),
            "path": out.target,
            "elapsed_ms": trace["elapsed_ms"],
            "attempts": attempts,
            "connection": trace["attempts"][attempts.saturating_sub(1)]["connection"],
        });
        if let Some(tls) = trace["attempts"][attempts.saturating_sub(1)].get("tls") {
            event["tls"] = tls.clone();
        }
        match outcome {
            Ok(response) => {
                event["status"] = response.status.into();
                event["request_id"] = response.request_id.clone().into();
                event["base_url"] = response.base_url.clone().into();
                event["failover"] = response.failover.is_some().into();
            }
            Err(e) => {
                event["status"] = e.api_answer().map(|a| a.http_status).into();
                event["code"] = e.api_answer().and_then(|a| a.code.clone()).into();
                event["request_id"] = e.request_id().into();
                event["base_url"] = e.base_url().into();
                event["failover"] = e.failover().is_some().into();
                event["error"] = json!({
                    "kind": e.kind().as_str(),
                    "message": e.message(),
                    "may_have_reached_server": e.delivery() != Delivery::NotSent,
                });
                if e.is_probe() {
                    event["error"]["probe"] = true.into();
                }
            }
        }
        event
    });
}

/// The window WeChat Pay's rate limits count requests in ("商户维度600QPS": per second).
const RATE_WINDOW: Duration = Duration::from_secs(1);

/// Whether `e` is WeChat Pay's 429: the request was refused for the rate, not processed.
fn rate_limited(e: &Error) -> bool {
    e.api_answer().is_some_and(|a| a.http_status == 429)
}

/// The failures a retry may mend, as `retry` allows: nothing was sent (the request never reached
/// WeChat Pay, so sending it is safe), or WeChat Pay answered 429 or 5xx (it treats a request
/// with the same out_contract_code as the same request). Never a 4xx, a verification failure,
/// or a transport failure after the request may have been sent.
fn worth_retrying(e: &Error) -> bool {
    match e.kind() {
        Kind::Transport => e.delivery() == Delivery::NotSent,
        Kind::Api => e
            .api_answer()
            .is_some_and(|a| a.http_status == 429 || a.http_status >= 500),
        _ => false,
    }
}

/// Names in the error JSON the base URL the call went to last, and the failover if any.
fn tried(e: Error, base: &BaseUrl, failover: Option<&Failover>) -> Error {
    e.tried(base.as_str(), failover.map(Failover::to_json))
}

fn with_request_id(e: Error, request_id: &Option<String>) -> Error {
    match request_id {
        Some(id) => e.with_request_id(id),
        None => e,
    }
}

/// WeChat's `{code, message, detail}` when the body has it; empty and HTML bodies too.
fn api_error(answer: &HttpResponse, request_id: Option<String>) -> Error {
    let parsed: Option<Value> = serde_json::from_slice(&answer.body).ok();
    let member = |name: &str| parsed.as_ref().and_then(|v| v.get(name)).cloned();
    let code = member("code").and_then(|c| c.as_str().map(str::to_owned));
    let wechat = member("message").and_then(|m| m.as_str().map(str::to_owned));
    let message = match (answer.status, wechat) {
        // WeChat Pay's staff: "超频率一般是429,超频率正常是不会处理成功的,先查询确认出资情况再根据状态进行业务流转"
        // (https://developers.weixin.qq.com/community/pay/doc/00082c33108b60f232c2013986bc00).
        (429, wechat) => format!(
            "{}rate limited by WeChat Pay (HTTP 429): the request was not processed; slow down \
             and send it again later with the same parameters (query it first if in doubt)",
            wechat.map(|m| format!("{m}: ")).unwrap_or_default()
        ),
        (_, Some(wechat)) => wechat,
        (status, None) => match status {
            s if s >= 500 => {
                format!("WeChat Pay answered HTTP {s}: retry with the same parameters")
            }
            s => format!("WeChat Pay answered HTTP {s}"),
        },
    };
    // A gateway's HTML page: keep a readable excerpt for the logs.
    let body = (parsed.is_none() && !answer.body.is_empty()).then(|| {
        String::from_utf8_lossy(&answer.body)
            .chars()
            .take(512)
            .collect()
    });
    let answer = ApiAnswer {
        http_status: answer.status,
        code,
        detail: member("detail").unwrap_or(Value::Null),
        body,
    };
    let error = Error::api(answer, message);
    match request_id {
        Some(id) => error.with_request_id(&id),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::call_level;
    use crate::error::Error;
    use crate::log::Level;

    #[test]
    fn a_signature_probe_is_logged_at_info_and_other_verify_errors_at_warn() {
        assert_eq!(call_level(Err(&Error::probe("probe"))), Level::Info);
        assert_eq!(call_level(Err(&Error::verify("forged"))), Level::Warn);
    }
}
