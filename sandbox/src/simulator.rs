//! The sandbox's HTTP side: request checks in WeChat Pay's order, signed answers, sessions.

use super::Authorization;
use super::contracts::{self, Contract};
use super::decryption::decrypt_fields;
use super::delivery::{Dispatch, NotificationDelivery, notify_url};
use super::families::{self, Act, Call, ContractKind, Source};
use super::http_server::{Counters, HttpServer, Reply, Request};
use super::signing_page;
use super::{Fault, Identity, random_hex};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use wxpresign::endpoints::{self, Endpoint};
use wxpresign::error::{Error, Result};
use wxpresign::keys::{PrivateKey, same_serial};
use wxpresign::signing::{nonce, request_message, response_message, unix_now};
use wxpresign::validation::{parse_request, validate};
use wxpresign::verification::MAX_CLOCK_SKEW_SECS;

/// The largest request body the sandbox accepts.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// A pre-sign session the sandbox handed out.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub endpoint: &'static str,
    pub request: Value,
    pub expires: Instant,
    /// The contract it became, once signed.
    pub contract_id: Option<String>,
    /// The signing-result notification, once signed where the family sends one.
    pub delivery: Option<Arc<NotificationDelivery>>,
    /// What the signing page's forms must post back, so that a stray request cannot sign.
    pub token: String,
    /// The user gave up on the signing page.
    pub cancelled: bool,
}

struct State {
    identity: Arc<Identity>,
    base_url: String,
    /// Nonces seen within the clock-skew window, with their timestamps: a repeat is a replay.
    nonces: Mutex<Expiring<String, u64>>,
    sessions: Mutex<Expiring<String, Session>>,
    /// A key nobody trusts, for the bad-signature fault; made on first use.
    wrong_key: OnceLock<Option<PrivateKey>>,
    /// Milliseconds one second of WeChat's notification retry schedule lasts.
    retry_unit_ms: AtomicU64,
    /// Sessions show the user's real name and identity numbers in clear (`serve
    /// --show-personal-data`) instead of masked.
    show_personal_data: AtomicBool,
    /// Set when the sandbox stops, so that pending deliveries end.
    stopping: Arc<AtomicBool>,
    /// The server's connection and request counts, for `GET /sandbox/stats`.
    counters: Arc<Counters>,
    /// What the sandbox received, for `GET /sandbox/requests`.
    record: super::record::Record,
    /// The contracts signed sessions became, oldest first.
    contracts: Mutex<Vec<Contract>>,
    /// Values of the SANDBOXFAILONCE and SANDBOXLIMITEDONCE faults already failed, with when.
    failed_once: Mutex<Expiring<String, Instant>>,
}

/// A running sandbox. Dropping it (or calling [`Sandbox::shutdown`]) stops it.
pub struct Sandbox {
    state: Arc<State>,
    server: HttpServer,
}

impl Sandbox {
    /// Listens on `listen` (port 0 picks a free port) and serves in background threads.
    pub fn start(identity: Identity, listen: &str) -> Result<Sandbox> {
        // The address is known only once bound; the handler reads it from the state.
        let state_slot: Arc<OnceLock<Arc<State>>> = Arc::new(OnceLock::new());
        let slot = Arc::clone(&state_slot);
        let server = HttpServer::bind(listen, move |request| match slot.get() {
            Some(state) => state.handle(request),
            None => Reply::new(503, Vec::new(), Vec::new()),
        })
        .map_err(|e| Error::config(format!("cannot listen on {listen}: {e}")))?;
        let state = Arc::new(State {
            identity: Arc::new(identity),
            base_url: format!("http://{}", server.addr()),
            nonces: Mutex::new(Expiring::default()),
            sessions: Mutex::new(Expiring::default()),
            wrong_key: OnceLock::new(),
            retry_unit_ms: AtomicU64::new(1000),
            show_personal_data: AtomicBool::new(false),
            stopping: Arc::new(AtomicBool::new(false)),
            counters: server.counters(),
            failed_once: Mutex::new(Expiring::default()),
            contracts: Mutex::new(Vec::new()),
            record: super::record::Record::default(),
        });
        let _ = state_slot.set(Arc::clone(&state));
        Ok(Sandbox { state, server })
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `http://HOST:PORT`, the `base_url` clients use.
    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    pub fn identity(&self) -> &Identity {
        &self.state.identity
    }

    /// Connections accepted and open, and requests served, as `GET /sandbox/stats` shows them.
    pub fn stats(&self) -> serde_json::Value {
        self.state.counters.to_json()
    }

    /// A session by id, while it is valid.
    pub fn session(&self, id: &str) -> Option<Session> {
        self.state.session(id)
    }

    /// The id of the valid session a pre-sign answer's `data` names: a session-id member
    /// (pre_entrustweb_id, presign_token, session_id), or a session URL ending in the id.
    pub fn session_named(&self, data: &Value) -> Option<String> {
        let prefix = format!("{}/sandbox/sessions/", self.base_url());
        data.as_object()?
            .values()
            .filter_map(Value::as_str)
            .map(|v| v.strip_prefix(&prefix).unwrap_or(v))
            .find(|id| self.session(id).is_some())
            .map(str::to_owned)
    }

    /// Completes a session as the user would by signing: delivers the product's signed, encrypted
    /// notification to the request's notify URL (or `notify_url` when given), retrying on WeChat
    /// Pay's schedule until a 2xx answer. Returns the delivery as `GET /sandbox/sessions/{id}`
    /// shows it.
    pub fn sign(&self, session_id: &str, notify_url: Option<&str>) -> Result<Value> {
        self.state
            .sign_session(session_id, notify_url)
            .map_err(|r| Error::config(r.message))
    }

    /// The API requests the record still keeps (the newest, within its byte budget), oldest
    /// first, with how they were answered.
    pub fn requests(&self) -> Vec<super::record::Received> {
        self.state.record.all()
    }

    /// Also appends each received request to `file`, one JSON line each.
    pub fn record_to(&self, file: std::fs::File) {
        self.state.record.write_to(file);
    }

    /// A contract a signed session became, by id: its state and its notifications.
    pub fn contract(&self, contract_id: &str) -> Option<Contract> {
        self.state.contract(contract_id)
    }

    /// Compresses WeChat's notification retry schedule (15 s, 15 s, 30 s, 3 min, ... over 24 h):
    /// one scheduled second lasts `ms` milliseconds. 1000 is the real schedule.
    pub fn set_retry_unit_ms(&self, ms: u64) {
        self.state.retry_unit_ms.store(ms, Ordering::Relaxed);
    }

    /// Whether sessions show the user's real name and identity numbers in clear rather than
    /// masked as WeChat Pay masks them (masked unless asked).
    pub fn set_show_personal_data(&self, show: bool) {
        self.state.show_personal_data.store(show, Ordering::Relaxed);
    }

    /// Stops accepting requests and waits for the ones in hand.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.state.stopping.store(true, Ordering::Relaxed);
        self.server.shutdown();
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A map whose stale entries are dropped in amortised constant time: a full sweep only when the
/// map has doubled since the last one, so a long run of requests stays linear.
struct Expiring<K, V> {
    map: HashMap<K, V>,
    sweep_at: usize,
}

impl<K, V> Default for Expiring<K, V> {
    fn default() -> Self {
        Expiring {
            map: HashMap::new(),
            sweep_at: 1024,
        }
    }
}

impl<K: std::hash::Hash + Eq, V> Expiring<K, V> {
    fn prune(&mut self, mut keep: impl FnMut(&V) -> bool) {
        if self.map.len() >= self.sweep_at {
            self.map.retain(|_, v| keep(v));
            self.sweep_at = (self.map.len() * 2).max(1024);
        }
    }
}

/// A refusal in WeChat's error shape.
/// How many characters of the body a signature-mismatch answer shows.
const SIGN_MESSAGE_BODY_SHOWN: usize = 8;

struct Refusal {
    status: u16,
    code: &'static str,
    message: String,
    detail: Option<Value>,
}

impl Refusal {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            code,
            message: message.into(),
            detail: None,
        }
    }

    fn sign_error(issue: impl Into<String>) -> Self {
        let issue = issue.into();
        Refusal {
            status: 401,
            code: "SIGN_ERROR",
            message: format!("签名错误，请检查后再试 ({issue})"),
            detail: Some(json!({ "location": "authorization", "issue": issue })),
        }
    }

    /// WeChat Pay's answer to a signature over other bytes, as merchants have seen it: the message
    /// it verified (its length, and its start) so the caller can compare it with what it signed.
    /// The message is cut inside the body, after its first characters.
    fn sign_not_match(url: &str, message: &[u8]) -> Self {
        let text = String::from_utf8_lossy(message);
        let head_end = text
            .match_indices('\n')
            .nth(3)
            .map_or(text.len(), |(i, _)| i + 1);
        let body_start: String = text[head_end..]
            .chars()
            .take(SIGN_MESSAGE_BODY_SHOWN)
            .collect();
        Refusal {
            status: 401,
            code: "SIGN_ERROR",
            message: "错误的签名,验签失败".to_owned(),
            detail: Some(json!({
                "detail": { "issue": "sign not match" },
                "field": "signature",
                "location": "authorization",
                "sign_information": {
                    "method": "POST",
                    "sign_message_length": message.len(),
                    "truncated_sign_message": format!("{}{body_start}\n", &text[..head_end]),
                    "url": url,
                },
            })),
        }
    }

    /// WeChat Pay's answer to members its page does not define: every such member and what it
    /// holds, as `/body/...` pointers, and no `field`.
    fn undefined_members(pointers: Vec<String>) -> Self {
        Refusal {
            status: 400,
            code: "PARAM_ERROR",
            message: "请求中含有未在API文档中定义的参数".to_owned(),
            detail: Some(json!({
                "location": null,
                "value": pointers.iter().map(|p| format!("/body{p}")).collect::<Vec<_>>(),
            })),
        }
    }

    fn param_error(field: &str, value: Value, issue: impl Into<String>, location: &str) -> Self {
        let issue = issue.into();
        Refusal {
            status: 400,
            code: "PARAM_ERROR",
            message: format!("参数错误: {field} {issue}"),
            detail: Some(
                json!({ "field": field, "value": value, "issue": issue, "location": location }),
            ),
        }
    }

    /// The numeric suffix WeChat puts after the Request-ID of a failed request.
    fn request_id_suffix(&self) -> &'static str {
        match self.code {
            "SIGN_ERROR" => "268443699",
            "PARAM_ERROR" | "INVALID_REQUEST" => "268435461",
            "FREQUENCY_LIMITED" => "268447840",
            _ => "268435456",
        }
    }
}

fn request_id(suffix: &str) -> String {
    format!("08{}-{suffix}", random_hex(20))
}

impl State {
    fn session(&self, id: &str) -> Option<Session> {
        let sessions = self.sessions.lock().ok()?;
        sessions
            .map
            .get(id)
            .filter(|s| s.expires > Instant::now())
            .cloned()
    }

    fn handle(&self, request: Request) -> Reply {
        let reply = self.answer(&request);
        self.record.note(&request, &reply);
        reply
    }

    fn answer(&self, request: &Request) -> Reply {
        match self.process(request) {
            Ok(reply) => reply,
            Err(refusal) => {
                let mut body = json!({ "code": refusal.code, "message": refusal.message });
                if let Some(detail) = refusal.detail.clone() {
                    body["detail"] = detail;
                }
                Reply::new(
                    refusal.status,
                    vec![
                        ("Content-Type", "application/json; charset=utf-8".to_owned()),
                        ("Request-ID", request_id(refusal.request_id_suffix())),
                    ],
                    body.to_string().into_bytes(),
                )
            }
        }
    }

    /// A request through WeChat Pay's stages in their order: route, headers, body, signature,
    /// schema, and then the fault its value asks for, or a new session.
    fn process(&self, request: &Request) -> std::result::Result<Reply, Refusal> {
        let path = request.path();
        if path == "/sandbox/stats" {
            return self.signed_answer(self.counters.to_json().to_string().into_bytes(), None);
        }
        if path == "/sandbox/requests" {
            return self.requests_page(request);
        }
        if let Some(rest) = path.strip_prefix("/sandbox/sessions/") {
            if let Some(id) = rest.strip_suffix("/sign") {
                return paged(request, self.admin_sign(request, id));
            }
            if let Some(id) = rest.strip_suffix("/cancel") {
                return paged(request, self.cancel_session(request, id));
            }
            return self.show_session(rest, request);
        }
        if let Some(path) = path.strip_prefix("/sandbox/contracts/") {
            return self.show_contract(path);
        }
        if path == "/sandbox/certificates/rotate" {
            post_only(request, "rotate")?;
            self.admin_asked(request, None)?;
            let serial = self
                .identity
                .rotate()
                .map_err(|e| Refusal::new(409, "NOT_SUPPORTED", e.message().to_owned()))?;
            return self.signed_answer(
                json!({ "serial_no": serial }).to_string().into_bytes(),
                None,
            );
        }
        if path == "/v3/certificates" && request.method == "GET" {
            self.check_call(request)?;
            return self.certificate_list();
        }
        if let Some((family, call, identified)) = contracts::call_at(&request.method, path) {
            self.check_call(request)?;
            return self.contract_call(family, call, &identified, request);
        }
        let endpoint = route(request)?;
        check_headers(request, true)?;
        let text = body_text(&request.body)?;
        self.check_signature(
            "POST",
            request.header("Authorization"),
            &request.target,
            &request.body,
        )?;
        let value = self.checked_request(endpoint, request, text)?;
        let presign = families::presign(endpoint)
            .ok_or_else(|| Refusal::new(500, "SYSTEM_ERROR", "系统错误"))?;
        let fault_value = value.get(presign.fault_field).and_then(Value::as_str);
        let fault = fault_value.and_then(Fault::from_value);
        let first_time = fault.and_then(Fault::first_time_only);
        if let (Some(first_time), Some(key)) = (first_time, fault_value) {
            if let Some(outcome) =
                fault_before_answer(first_time).filter(|_| self.first_failure(key))
            {
                return outcome;
            }
        }
        if let Some(outcome) = fault.and_then(fault_before_answer) {
            return outcome;
        }
        let answer = self.open_session(endpoint, presign, value);
        self.signed_answer(answer.to_string().into_bytes(), fault)
    }

    /// `GET /sandbox/requests?after=SEQ&limit=N`: a page of the record, oldest first.
    fn requests_page(&self, request: &Request) -> std::result::Result<Reply, Refusal> {
        use super::record::{PAGE_DEFAULT, PAGE_MAX};
        let query = request.target.split_once('?').map_or("", |(_, q)| q);
        let members = contracts::query_members(query);
        let number = |name: &str, default: u64| -> std::result::Result<u64, Refusal> {
            match members.iter().find(|(n, _)| n == name) {
                None => Ok(default),
                Some((_, v)) => v.parse().map_err(|_| {
                    Refusal::param_error(
                        name,
                        v.as_str().into(),
                        format!("{name} must be a whole number (limit: 1 to {PAGE_MAX})"),
                        "query",
                    )
                }),
            }
        };
        let after = number("after", 0)?;
        let limit = number("limit", PAGE_DEFAULT as u64)?.clamp(1, PAGE_MAX as u64);
        let page = self.record.page(after, limit as usize);
        let body =
            serde_json::to_vec(&page).map_err(|_| Refusal::new(500, "SYSTEM_ERROR", "系统错误"))?;
        self.signed_answer(body, None)
    }

    /// Whether this is the first time `value` (a SANDBOXFAILONCE or SANDBOXLIMITEDONCE value) is seen in 10 minutes.
    fn first_failure(&self, value: &str) -> bool {
        const REMEMBERED: Duration = Duration::from_secs(600);
        let mut seen = self.failed_once.lock().unwrap_or_else(|p| p.into_inner());
        seen.prune(|at| at.elapsed() < REMEMBERED);
        match seen.map.get(value) {
            Some(at) if at.elapsed() < REMEMBERED => false,
            _ => {
                seen.map.insert(value.to_owned(), Instant::now());
                true
            }
        }
    }

    /// The request body as JSON, decrypted where the endpoint has encrypted members, and checked
    /// against the endpoint's schema: members the page does not define first, then the rules.
    fn checked_request(
        &self,
        endpoint: &'static Endpoint,
        request: &Request,
        text: &str,
    ) -> std::result::Result<Value, Refusal> {
        let mut value = parse_request(text)
            .map_err(|e| Refusal::param_error("", Value::Null, e.message().to_owned(), "body"))?;
        if endpoint.needs_serial() {
            self.decrypt(endpoint, request.header("Wechatpay-Serial"), &mut value)?;
        }
        let undefined = wxpresign::schema::undefined_members(endpoint.request, &value);
        if !undefined.is_empty() {
            return Err(Refusal::undefined_members(undefined));
        }
        validate(endpoint.request, endpoint.rules, &value, false).map_err(|e| {
            let field = e.field().unwrap_or("").to_owned();
            let issue = e.issue().unwrap_or(e.message()).to_owned();
            // Encrypted values are personal data: never echoed.
            let shown = if wxpresign::schema::field_at(endpoint.request, &field)
                .is_some_and(|f| f.encrypted)
            {
                Value::Null
            } else {
                value.pointer(&field).cloned().unwrap_or(Value::Null)
            };
            Refusal::param_error(&field, shown, issue, "body")
        })?;
        Ok(value)
    }

    /// The headers and signature of a call other than a pre-sign (a GET, or a call on a
    /// contract): Content-Type only where there is a body to type.
    fn check_call(&self, request: &Request) -> std::result::Result<(), Refusal> {
        check_headers(request, !request.body.is_empty())?;
        self.check_signature(
            &request.method,
            request.header("Authorization"),
            &request.target,
            &request.body,
        )
    }

    /// Authorization: scheme, attributes, known merchant and serial, fresh timestamp,
    /// unused nonce, and a signature over exactly what was sent.
    fn check_signature(
        &self,
        method: &str,
        authorization: Option<&str>,
        url: &str,
        body: &[u8],
    ) -> std::result::Result<(), Refusal> {
        let header = authorization
            .ok_or_else(|| Refusal::sign_error("the Authorization header is missing"))?;
        let auth = Authorization::parse(header).map_err(Refusal::sign_error)?;
        let id = &self.identity;
        if auth.mchid != id.mchid {
            return Err(Refusal::sign_error(format!(
                "mchid {} is not known here",
                auth.mchid
            )));
        }
        if !same_serial(&auth.serial_no, &id.merchant_serial_no) {
            return Err(Refusal::sign_error(format!(
                "serial_no {} is not a certificate of this merchant",
                auth.serial_no
            )));
        }
        let ts: u64 = auth
            .timestamp
            .parse()
            .map_err(|_| Refusal::sign_error("timestamp is not a Unix time in seconds"))?;
        let now = unix_now();
        if now.abs_diff(ts) >= MAX_CLOCK_SKEW_SECS {
            return Err(Refusal::sign_error(
                "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟",
            ));
        }
        let signature = STANDARD
            .decode(auth.signature.as_bytes())
            .map_err(|_| Refusal::sign_error("signature is not Base64"))?;
        let message = request_message(method, url, ts, &auth.nonce_str, body);
        if !id.merchant_public_key.verify_sha256(&message, &signature) {
            return Err(Refusal::sign_not_match(url, &message));
        }
        // Only a verified nonce is remembered, so that forged requests cannot burn real ones.
        let mut nonces = self
            .nonces
            .lock()
            .map_err(|_| Refusal::new(500, "SYSTEM_ERROR", "系统错误"))?;
        nonces.prune(|seen| now.abs_diff(*seen) < MAX_CLOCK_SKEW_SECS);
        if nonces.map.insert(auth.nonce_str.clone(), ts).is_some() {
            return Err(Refusal::sign_error(format!(
                "nonce_str {} was already used: replayed request",
                auth.nonce_str
            )));
        }
        Ok(())
    }

    fn decrypt(
        &self,
        endpoint: &Endpoint,
        serial: Option<&str>,
        value: &mut Value,
    ) -> std::result::Result<(), Refusal> {
        let id = &self.identity;
        let Some(serial) = serial.filter(|s| id.decrypting(s, |_| ()).is_some()) else {
            return Err(Refusal::param_error(
                "Wechatpay-Serial",
                serial.map_or(Value::Null, |s| s.into()),
                format!(
                    "this endpoint carries encrypted fields: Wechatpay-Serial must be {}",
                    id.signing(|serial, _| serial.to_owned())
                ),
                "header",
            ));
        };
        let decrypt = |cipher: &[u8]| -> Option<String> {
            let plain = id.decrypting(serial, |key| key.decrypt_oaep(cipher).ok())??;
            String::from_utf8(plain.to_vec()).ok()
        };
        decrypt_fields(endpoint.request, value, "", &decrypt).map_err(|field| {
            Refusal::param_error(
                &field,
                Value::Null,
                "cannot be decrypted with the key named by Wechatpay-Serial",
                "body",
            )
        })
    }

    /// Remembers a session and builds the endpoint's answer from its table entry.
    fn open_session(
        &self,
        endpoint: &'static Endpoint,
        presign: &'static families::Presign,
        request: Value,
    ) -> Value {
        let id = format!(
            "{}{}",
            presign.session_prefix(),
            random_hex(12).to_lowercase()
        );
        let mut answer = Map::new();
        for (name, source) in presign.answer {
            let value = match source {
                Source::Echo(field) => match request.get(*field) {
                    Some(v) => v.clone(),
                    None => continue,
                },
                Source::Mchid => self.identity.mchid.clone().into(),
                Source::SessionId => id.clone().into(),
                Source::SessionUrl => format!("{}/sandbox/sessions/{id}", self.base_url).into(),
                Source::Fixed(v) => (*v).into(),
            };
            answer.insert((*name).to_owned(), value);
        }
        let session = Session {
            id: id.clone(),
            endpoint: endpoint.path,
            request,
            expires: Instant::now() + Duration::from_secs(u64::from(presign.session_minutes) * 60),
            contract_id: None,
            delivery: None,
            token: random_hex(16).to_lowercase(),
            cancelled: false,
        };
        if let Ok(mut sessions) = self.sessions.lock() {
            let now = Instant::now();
            sessions.prune(|s| s.expires > now);
            sessions.map.insert(id, session);
        }
        Value::Object(answer)
    }

    /// `POST /sandbox/sessions/{id}/sign`, optionally with `{"notify_url": "..."}`.
    fn admin_sign(&self, request: &Request, id: &str) -> std::result::Result<Reply, Refusal> {
        post_only(request, "sign")?;
        if self.admin_asked(request, Some(id))? == Asked::Form {
            return self.page_sign(id);
        }
        let body = &request.body;
        let options: Value = if body.iter().all(u8::is_ascii_whitespace) {
            json!({})
        } else {
            serde_json::from_slice(body).map_err(|e| {
                Refusal::new(400, "PARAM_ERROR", format!("the body is not JSON: {e}"))
            })?
        };
        let url = match options.get("notify_url") {
            None | Some(Value::Null) => None,
            Some(Value::String(url)) => Some(url.as_str()),
            Some(_) => {
                return Err(Refusal::new(
                    400,
                    "PARAM_ERROR",
                    "notify_url must be a string",
                ));
            }
        };
        let delivery = self.sign_session(id, url)?;
        Ok(Reply::Answer {
            status: 202,
            body: delivery.to_string().into_bytes(),
            headers: vec![("Content-Type", "application/json".to_owned())],
        })
    }

    fn sign_session(
        &self,
        id: &str,
        notify_url_override: Option<&str>,
    ) -> std::result::Result<Value, Refusal> {
        // The lock is held from the check to the insert, so a session is signed once.
        let mut sessions = self
            .sessions
            .lock()
            .map_err(|_| Refusal::new(500, "SYSTEM_ERROR", "系统错误"))?;
        let session = unsigned(&mut sessions, id)?;
        if session.cancelled {
            return Err(Refusal::new(
                409,
                "USER_CANCELLED",
                "the user cancelled this session on the signing page",
            ));
        }
        let endpoint = endpoints::find(session.endpoint)
            .ok_or_else(|| Refusal::new(500, "SYSTEM_ERROR", "系统错误"))?;
        let url = notify_url_override
            .map(str::to_owned)
            .or_else(|| notify_url(endpoint.request, &session.request));
        let contract = Contract {
            id: format!("2026{}", random_hex(12)),
            endpoint: session.endpoint,
            request: session.request.clone(),
            signed_at: unix_now(),
            terminated: None,
            notify_url: url,
            termination: None,
        };
        let view = match families::presign(endpoint).and_then(|p| p.signed) {
            Some(event) => {
                let url = contract.notify_url.clone().ok_or_else(|| {
                    Refusal::new(
                        400,
                        "PARAM_ERROR",
                        "the request has no notify URL (WeChat uses the template's): pass {\"notify_url\": \"...\"}",
                    )
                })?;
                let delivery = self.notify(event, &contract, url)?;
                let view = delivery.to_json();
                session.delivery = Some(delivery);
                view
            }
            // Signed, with nothing sent: the merchant learns of it by querying the contract.
            None => json!({
                "id": null,
                "event_type": null,
                "notify_url": null,
                "contract_id": contract.id,
                "retry_secs": [],
                "state": "none",
                "attempts": [],
                "note": format!(
                    "WeChat Pay documents no signing notification for {}; query the contract",
                    endpoint.path
                ),
            }),
        };
        session.contract_id = Some(contract.id.clone());
        drop(sessions);
        self.contracts
            .lock()
            .map_err(|_| Refusal::new(500, "SYSTEM_ERROR", "系统错误"))?
            .push(contract);
        Ok(view)
    }

    /// Sends `event` about `contract` to `url`, in the background, on the event's retry
    /// schedule.
    fn notify(
        &self,
        event: &'static families::Event,
        contract: &Contract,
        url: String,
    ) -> std::result::Result<Arc<NotificationDelivery>, Refusal> {
        Dispatch {
            identity: Arc::clone(&self.identity),
            contract,
            event,
            notify_url: url,
            retry_unit_ms: self.retry_unit_ms.load(Ordering::Relaxed),
            stopping: Arc::clone(&self.stopping),
        }
        .start()
        .map_err(|e| Refusal::new(500, "SYSTEM_ERROR", e.message().to_owned()))
    }

    /// A call a family's page documents on a contract: what it names checked, the contract
    /// found by those members, then queried, listed or terminated.
    fn contract_call(
        &self,
        kind: &'static ContractKind,
        call: &'static Call,
        identified: &[(&'static str, String)],
        request: &Request,
    ) -> std::result::Result<Reply, Refusal> {
        let named = Naming::read(kind, call, identified, request)?;
        let mchid = self.identity.mchid.as_str();
        let not_found = || {
            Refusal::new(
                404,
                kind.not_found,
                "签约协议不存在: no contract here matches the path and query",
            )
        };
        let mut held = self
            .contracts
            .lock()
            .map_err(|_| Refusal::new(500, "SYSTEM_ERROR", "系统错误"))?;
        let answer = match call.act {
            Act::Query => Some(
                held.iter()
                    .find(|c| named.identifies(c, mchid))
                    .ok_or_else(not_found)?
                    .view(kind, mchid),
            ),
            Act::List { links } => {
                let status = named.queried(contracts::LIST_STATUS);
                let listed: Vec<Value> = held
                    .iter()
                    .filter(|c| {
                        named.identifies(c, mchid)
                            && contracts::listed(status, c.terminated.is_some())
                    })
                    .map(|c| c.view(kind, mchid))
                    .collect();
                if listed.is_empty() {
                    return Err(not_found());
                }
                Some(contracts::list_answer(
                    listed,
                    links.then_some(request.target.as_str()),
                ))
            }
            Act::Terminate { remark, answer } => {
                let contract = held
                    .iter_mut()
                    .find(|c| named.identifies(c, mchid))
                    .ok_or_else(not_found)?;
                let remark = remark.map(|name| named.remark(name)).transpose()?;
                if contract.terminated.is_some() {
                    return Err(Refusal::new(
                        400,
                        "INVALID_REQUEST",
                        "the contract is already terminated",
                    ));
                }
                contract.terminated = Some((unix_now(), remark));
                if let (Some(event), Some(url)) = (kind.terminated, contract.notify_url.clone()) {
                    contract.termination = Some(self.notify(event, contract, url)?);
                }
                answer.render(contract.view(kind, mchid))
            }
        };
        drop(held);
        match answer {
            Some(answer) => self.signed_answer(answer.to_string().into_bytes(), None),
            None => self.signed(204, Vec::new(), None),
        }
    }

    /// `GET /v3/certificates`: the platform certificates, each encrypted with the APIv3 key. A
    /// merchant in public-key mode has none: 404, and nothing else about it changes.
    fn certificate_list(&self) -> std::result::Result<Reply, Refusal> {
        let listing = self
            .identity
            .certificate_list()
            .ok_or_else(|| {
                Refusal::new(
                    404,
                    "RESOURCE_NOT_EXISTS",
                    "this merchant verifies with a WeChat Pay public key and has no platform certificates",
                )
            })?
            .map_err(|e| Refusal::new(500, "SYSTEM_ERROR", e.message().to_owned()))?;
        self.signed_answer(listing.to_string().into_bytes(), None)
    }

    /// `GET /sandbox/contracts/{contract_id}`: a contract as the sandbox holds it, with its
    /// notifications.
    fn show_contract(&self, id: &str) -> std::result::Result<Reply, Refusal> {
        let contract = self
            .contract(id)
            .ok_or_else(|| Refusal::new(404, "RESOURCE_NOT_EXISTS", format!("no contract {id}")))?;
        let body = json!({
            "contract_id": contract.id,
            "endpoint": contract.endpoint,
            "state": if contract.terminated.is_some() { "TERMINATED" } else { "SIGNED" },
            "termination_remark": contract.terminated.as_ref().and_then(|(_, r)| r.clone()),
            "termination_notification": contract.termination.as_deref().map(NotificationDelivery::to_json),
        });
        self.signed_answer(body.to_string().into_bytes(), None)
    }

    fn contract(&self, id: &str) -> Option<Contract> {
        let held = self.contracts.lock().ok()?;
        held.iter().find(|c| c.id == id).cloned()
    }

    /// `GET /sandbox/sessions/{id}`: the session as JSON, or for a browser (Accept: text/html)
    /// the signing page.
    fn show_session(&self, id: &str, request: &Request) -> std::result::Result<Reply, Refusal> {
        if wants_html(request) {
            return Ok(self.signing_page(id, request));
        }
        let session = self.session(id).ok_or_else(|| no_session(id))?;
        let body = json!({
            "session_id": session.id,
            "endpoint": session.endpoint,
            "request": self.shown_request(&session),
            "expires_in_seconds": session.expires.saturating_duration_since(Instant::now()).as_secs(),
            "contract_id": session.contract_id,
            "notification": session.delivery.as_deref().map(NotificationDelivery::to_json),
            "cancelled": session.cancelled,
        });
        self.signed_answer(body.to_string().into_bytes(), None)
    }

    /// The signing page in the session's state: open, signed or cancelled.
    fn signing_page(&self, id: &str, request: &Request) -> Reply {
        let Some(session) = self.session(id) else {
            return html(
                404,
                signing_page::error("该签约链接不存在或已过期，请回到商户重新发起签约。"),
            );
        };
        // The table's titles add the product in English after " (": the page shows WeChat's.
        let title = endpoints::find(session.endpoint)
            .and_then(|e| e.title.split(" (").next())
            .unwrap_or("签约");
        let state = if session.cancelled {
            signing_page::State::Cancelled
        } else if session.contract_id.is_some() {
            signing_page::State::Signed {
                returns: return_of(
                    session.endpoint,
                    &session.request,
                    request.header("Referer"),
                ),
            }
        } else {
            signing_page::State::Open {
                token: &session.token,
                minutes_left: session
                    .expires
                    .saturating_duration_since(Instant::now())
                    .as_secs()
                    .div_ceil(60),
            }
        };
        let request = self.shown_request(&session);
        html(
            200,
            signing_page::page(title, &self.identity.mchid, &request, id, state),
        )
    }

    /// A session's request as the sandbox shows it: personal data masked unless asked.
    fn shown_request(&self, session: &Session) -> Value {
        match endpoints::find(session.endpoint) {
            Some(endpoint) if !self.show_personal_data.load(Ordering::Relaxed) => {
                super::personal_data::masked(endpoint.request, &session.request)
            }
            _ => session.request.clone(),
        }
    }

    /// The signing page's 同意并签约: the same as signing through the API, notification and
    /// all, then the browser goes where the request says the user returns (or back to the page,
    /// which now shows the result).
    fn page_sign(&self, id: &str) -> std::result::Result<Reply, Refusal> {
        self.sign_session(id, None)?;
        let page = format!("/sandbox/sessions/{id}");
        let target = self.session(id).map_or(page.clone(), |s| {
            match return_of(s.endpoint, &s.request, None) {
                signing_page::Return::Url(url) => url.to_owned(),
                _ => page,
            }
        });
        Ok(see_other(&target))
    }

    /// `POST /sandbox/sessions/{id}/cancel`: the user gives up; WeChat Pay sends nothing. From
    /// the page (with its token) or as JSON.
    fn cancel_session(&self, request: &Request, id: &str) -> std::result::Result<Reply, Refusal> {
        post_only(request, "cancel")?;
        let form = self.admin_asked(request, Some(id))? == Asked::Form;
        let mut sessions = self
            .sessions
            .lock()
            .map_err(|_| Refusal::new(500, "SYSTEM_ERROR", "系统错误"))?;
        let session = unsigned(&mut sessions, id)?;
        session.cancelled = true;
        drop(sessions);
        if form {
            return Ok(see_other(&format!("/sandbox/sessions/{id}")));
        }
        self.signed_answer(json!({ "cancelled": true }).to_string().into_bytes(), None)
    }

    /// Whether a state-changing `/sandbox/` route may act on `request`, and how it was asked.
    /// A browser sends a cross-site page's form or `fetch` (text/plain, form-encoded, multipart
    /// or no body) without a CORS preflight, which the sandbox never grants, so such requests
    /// are refused: anything a browser says came from another site, and any body that is not
    /// JSON unless it is the signing page's form with the session's token. A program's body-less
    /// POST passes only where no session is named (rotate).
    fn admin_asked(
        &self,
        request: &Request,
        session: Option<&str>,
    ) -> std::result::Result<Asked, Refusal> {
        if let Some(site) = cross_site(request) {
            return Err(Refusal::new(
                403,
                "CROSS_SITE_REFUSED",
                format!(
                    "the sandbox's routes that change state refuse requests from another site \
                     ({site}): post from a program, or from the sandbox's own page"
                ),
            ));
        }
        let media = request
            .header("Content-Type")
            .and_then(|t| t.split(';').next())
            .map(|t| t.trim().to_ascii_lowercase());
        match (media.as_deref(), session) {
            (Some("application/json"), _) => Ok(Asked::Json),
            (Some("application/x-www-form-urlencoded"), Some(id)) => {
                self.check_token(request, id).map(|()| Asked::Form)
            }
            (None, None) if request.body.is_empty() => Ok(Asked::Json),
            _ => Err(Refusal::new(
                415,
                "INVALID_REQUEST",
                "send Content-Type: application/json (the signing page's forms post the \
                 session's token instead)",
            )),
        }
    }

    /// The page's forms post the session's token, so that a stray request cannot sign.
    fn check_token(&self, request: &Request, id: &str) -> std::result::Result<(), Refusal> {
        let session = self.session(id).ok_or_else(|| no_session(id))?;
        let body = std::str::from_utf8(&request.body).unwrap_or_default();
        let given = contracts::query_members(body)
            .into_iter()
            .find(|(name, _)| name == "token")
            .map(|(_, value)| value);
        if given.as_deref() != Some(session.token.as_str()) {
            return Err(Refusal::new(
                403,
                TOKEN_REQUIRED,
                "a form post needs the session's token, which the signing page's forms carry; \
                 a program posts Content-Type: application/json instead",
            ));
        }
        Ok(())
    }

    /// A 200 answer signed like WeChat Pay's, bent by `fault` where one applies.
    fn signed_answer(
        &self,
        body: Vec<u8>,
        fault: Option<Fault>,
    ) -> std::result::Result<Reply, Refusal> {
        self.signed(200, body, fault)
    }

    /// A `status` answer signed like WeChat Pay's (a 204 signs its empty body), bent by `fault`.
    fn signed(
        &self,
        status: u16,
        body: Vec<u8>,
        fault: Option<Fault>,
    ) -> std::result::Result<Reply, Refusal> {
        let id = &self.identity;
        let timestamp = match fault {
            Some(Fault::Stale) => unix_now() - 600,
            _ => unix_now(),
        }
        .to_string();
        let nonce = nonce().map_err(|_| Refusal::new(500, "SYSTEM_ERROR", "系统错误"))?;
        let message = response_message(&timestamp, &nonce, &body);
        let internal = || Refusal::new(500, "SYSTEM_ERROR", "系统错误");
        // The serial and the key of one platform, read together: a rotation may come between.
        let (serial, signed) = id.signing(|serial, key| {
            let key = match fault {
                Some(Fault::BadSignature) => self
                    .wrong_key
                    .get_or_init(|| PrivateKey::generate().ok())
                    .as_ref(),
                _ => Some(key),
            };
            (serial.to_owned(), key.map(|k| k.sign_sha256(&message)))
        });
        let signature = match fault {
            Some(Fault::Probe) => format!(
                "WECHATPAY/SIGNTEST/{}",
                &STANDARD.encode(random_hex(128))[1..]
            ),
            _ => STANDARD.encode(signed.ok_or_else(internal)?.map_err(|_| internal())?),
        };
        let serial = match fault {
            Some(Fault::UnknownSerial) => "PUB_KEY_ID_0000000000000000000000000000".to_owned(),
            _ => serial,
        };
        let body = match fault {
            Some(Fault::Tampered) => String::from_utf8_lossy(&body)
                .replacen("\"", "\"x", 2)
                .into_bytes(),
            _ => body,
        };
        let mut headers = vec![
            ("Content-Type", "application/json; charset=utf-8".to_owned()),
            ("Request-ID", request_id("0")),
            ("Wechatpay-Timestamp", timestamp),
            ("Wechatpay-Nonce", nonce),
            ("Wechatpay-Serial", serial),
            (
                "Wechatpay-Signature-Type",
                wxpresign::signing::SCHEME.to_owned(),
            ),
        ];
        if fault != Some(Fault::Unsigned) {
            headers.push(("Wechatpay-Signature", signature));
        }
        Ok(Reply::Answer {
            status,
            body,
            headers,
        })
    }
}

/// What a call on a contract names: its path's `{name}` segments, its query and its JSON body,
/// with the members its page requires present.
struct Naming<'a> {
    kind: &'static ContractKind,
    call: &'static Call,
    identified: &'a [(&'static str, String)],
    query: Vec<(String, String)>,
    body: Value,
}

impl<'a> Naming<'a> {
    fn read(
        kind: &'static ContractKind,
        call: &'static Call,
        identified: &'a [(&'static str, String)],
        request: &Request,
    ) -> std::result::Result<Self, Refusal> {
        let query = contracts::query_members(request.target.split_once('?').map_or("", |(_, q)| q));
        let body: Value = if request.body.is_empty() {
            json!({})
        } else {
            serde_json::from_slice(&request.body).map_err(|e| {
                Refusal::new(400, "PARAM_ERROR", format!("the body is not JSON: {e}"))
            })?
        };
        let named = Naming {
            kind,
            call,
            identified,
            query,
            body,
        };
        for name in call.query {
            if named.queried(name).is_none() {
                return Err(Refusal::param_error(
                    name,
                    Value::Null,
                    format!("{name} is required in the query ({})", call.page),
                    "query",
                ));
            }
        }
        for name in call.body {
            if named.in_body(name).is_none() {
                return Err(Refusal::param_error(
                    name,
                    named.body.get(name).cloned().unwrap_or(Value::Null),
                    format!("{name} is required in the body ({})", call.page),
                    "body",
                ));
            }
        }
        Ok(named)
    }

    fn queried(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A body member that names a contract, as text (a plan id may be a number).
    fn in_body(&self, name: &str) -> Option<String> {
        match self.body.get(name) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }
    }

    /// Whether `contract` is the kind's and has every member the call names (a list's
    /// status filters, it is not matched).
    fn identifies(&self, contract: &Contract, mchid: &str) -> bool {
        let kind = self.kind;
        let listing = matches!(self.call.act, Act::List { .. });
        contract.kind().is_some_and(|k| std::ptr::eq(k, kind))
            && self
                .identified
                .iter()
                .all(|(n, v)| contract.has(kind, n, v, mchid))
            && self
                .call
                .query
                .iter()
                .filter(|n| !(listing && **n == contracts::LIST_STATUS))
                .all(|n| {
                    self.queried(n)
                        .is_some_and(|v| contract.has(kind, n, v, mchid))
                })
            && self.call.body.iter().all(|n| {
                self.in_body(n)
                    .is_some_and(|v| contract.has(kind, n, &v, mchid))
            })
    }

    /// The termination remark the page requires in body member `name`.
    fn remark(&self, name: &str) -> std::result::Result<String, Refusal> {
        match self.body.get(name).and_then(Value::as_str) {
            Some(text) if !text.is_empty() => Ok(text.to_owned()),
            _ => Err(Refusal::param_error(
                name,
                self.body.get(name).cloned().unwrap_or(Value::Null),
                format!("{name} is required ({})", self.call.page),
                "body",
            )),
        }
    }
}

/// The session `id` while it is valid and not yet signed: what signing and cancelling need.
fn unsigned<'a>(
    sessions: &'a mut Expiring<String, Session>,
    id: &str,
) -> std::result::Result<&'a mut Session, Refusal> {
    let session = sessions
        .map
        .get_mut(id)
        .filter(|s| s.expires > Instant::now())
        .ok_or_else(|| no_session(id))?;
    if session.contract_id.is_some() {
        return Err(Refusal::new(
            409,
            "CONTRACT_EXISTS",
            "this session was already signed",
        ));
    }
    Ok(session)
}

/// Whether a request comes from a browser that wants a page.
fn wants_html(request: &Request) -> bool {
    request
        .header("Accept")
        .is_some_and(|accept| accept.contains("text/html"))
}

/// How a state-changing `/sandbox/` route was asked: by the signing page's form (with the
/// session's token) or with JSON (or, for rotate, nothing).
#[derive(PartialEq)]
enum Asked {
    Form,
    Json,
}

/// The code of a form refused for its token: a browser is shown the page that says so.
const TOKEN_REQUIRED: &str = "TOKEN_REQUIRED";

fn post_only(request: &Request, route: &str) -> std::result::Result<(), Refusal> {
    if request.method == "POST" {
        return Ok(());
    }
    Err(Refusal::new(
        405,
        "METHOD_NOT_ALLOWED",
        format!("{route} is POST only"),
    ))
}

fn no_session(id: &str) -> Refusal {
    Refusal::new(
        404,
        "RESOURCE_NOT_EXISTS",
        format!("no valid pre-sign session {id}"),
    )
}

/// What says `request` came from a page of another site: its `Sec-Fetch-Site`, or an
/// `Origin` that is not this sandbox's own (browsers send one with every POST).
fn cross_site(request: &Request) -> Option<String> {
    if let Some(site) = request.header("Sec-Fetch-Site") {
        if !matches!(site.trim(), "same-origin" | "none") {
            return Some(format!("Sec-Fetch-Site: {}", site.trim()));
        }
    }
    let origin = request.header("Origin")?.trim();
    let own = request
        .header("Host")
        .map(|host| format!("http://{}", host.trim()));
    // Host names are case-insensitive; a browser lower-cases the Origin's, not always the Host.
    let same = own.is_some_and(|own| own.eq_ignore_ascii_case(origin));
    (!same).then(|| "its Origin is another site's".to_owned())
}

/// A refusal of a signing-page route, as a page for a browser (`Accept: text/html`) and as
/// JSON for a program.
fn paged(
    request: &Request,
    result: std::result::Result<Reply, Refusal>,
) -> std::result::Result<Reply, Refusal> {
    match result {
        Err(refusal) if wants_html(request) => {
            let message = match refusal.code {
                "RESOURCE_NOT_EXISTS" => {
                    "该签约链接不存在或已过期，请回到商户重新发起签约。".to_owned()
                }
                TOKEN_REQUIRED => "签约请求无效：请从签约页面操作。".to_owned(),
                _ => format!("签约未完成: {}", refusal.message),
            };
            Ok(html(refusal.status, signing_page::error(&message)))
        }
        other => other,
    }
}

/// Where the user goes after signing, as the request says: its `return_url`, the page that
/// opened the signing page (`return_web`), the app (`return_app`, and the sessions of endpoints
/// whose answer is no URL: a mini-program or App opens them), or nowhere.
fn return_of<'a>(
    endpoint: &str,
    request: &'a Value,
    referrer: Option<&'a str>,
) -> signing_page::Return<'a> {
    use signing_page::Return;
    let opened_in_app = families::presign_at(endpoint).is_some_and(|p| !p.answers_url());
    if let Some(url) = request.get("return_url").and_then(Value::as_str) {
        return Return::Url(url);
    }
    if request.get("return_web").and_then(Value::as_bool) == Some(true) {
        return Return::Referrer(referrer);
    }
    if opened_in_app
        || request.get("return_app").and_then(Value::as_bool) == Some(true)
        || request.get("return_appid").is_some()
    {
        return Return::App;
    }
    Return::Stay
}

fn html(status: u16, page: String) -> Reply {
    Reply::Answer {
        status,
        body: page.into_bytes(),
        headers: vec![
            ("Content-Type", "text/html; charset=utf-8".to_owned()),
            ("Cache-Control", "no-store".to_owned()),
        ],
    }
}

/// Post/Redirect/Get: the browser asks for `location` next.
fn see_other(location: &str) -> Reply {
    Reply::Answer {
        status: 303,
        body: Vec::new(),
        headers: vec![("Location", location.to_owned())],
    }
}

/// The endpoint a request's path names: 404 for none, 405 for a method other than POST.
fn route(request: &Request) -> std::result::Result<&'static Endpoint, Refusal> {
    let path = request.path();
    let endpoint = endpoints::find(path)
        .filter(|_| path.starts_with('/'))
        .ok_or_else(|| Refusal::new(404, "NOT_FOUND", format!("no pre-sign endpoint at {path}")))?;
    if request.method != "POST" {
        return Err(Refusal::new(
            405,
            "METHOD_NOT_ALLOWED",
            format!("{} is POST only", endpoint.path),
        ));
    }
    Ok(endpoint)
}

/// APIv3's header rules: Accept and User-Agent present, and Content-Type application/json when
/// `typed` (a pre-sign always; a call on a contract when it has a body).
fn check_headers(request: &Request, typed: bool) -> std::result::Result<(), Refusal> {
    let get = |name: &str| request.header(name);
    if get("Accept").is_none_or(str::is_empty) || get("User-Agent").is_none_or(str::is_empty) {
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "Http头缺少Accept或User-Agent",
        ));
    }
    if !typed {
        return Ok(());
    }
    let content_type = get("Content-Type").unwrap_or("");
    if content_type.split(';').next().map(str::trim) != Some("application/json") {
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "Content-Type must be application/json",
        ));
    }
    Ok(())
}

/// The body as text: at most MAX_REQUEST_BYTES of UTF-8 whose characters are 1 to 3 bytes.
fn body_text(body: &[u8]) -> std::result::Result<&str, Refusal> {
    if body.len() > MAX_REQUEST_BYTES {
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "the request body is too large",
        ));
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| Refusal::new(400, "INVALID_REQUEST", "the request body is not UTF-8"))?;
    if text.chars().any(|c| c.len_utf8() == 4) {
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "only UTF-8 characters of 1 to 3 bytes are accepted",
        ));
    }
    Ok(text)
}

/// What a fault does before any answer is made: an error answer, a gateway page, a dropped
/// connection, or a delay (after which the answer goes on, and `signed_answer` applies the
/// faults that alter it).
fn fault_before_answer(fault: Fault) -> Option<std::result::Result<Reply, Refusal>> {
    match fault {
        Fault::SystemError => Some(Err(Refusal::new(500, "SYSTEM_ERROR", "系统错误"))),
        Fault::FrequencyLimited => Some(Err(Refusal::new(429, "FREQUENCY_LIMITED", "频率超限"))),
        Fault::ServiceUnavailable => {
            Some(Err(Refusal::new(503, "SERVICE_UNAVAILABLE", "服务不可用")))
        }
        Fault::BadGateway => Some(Ok(Reply::Answer {
            status: 502,
            body: b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
            headers: vec![("Content-Type", "text/html".to_owned())],
        })),
        Fault::Drop => Some(Ok(Reply::Drop)),
        Fault::Slow(delay) => {
            std::thread::sleep(delay);
            None
        }
        _ => None,
    }
}
