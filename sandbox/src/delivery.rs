//! Notification delivery: a family's event about a contract, sealed and signed as WeChat Pay
//! sends it, posted to the merchant on the event's retry schedule.

use super::{Identity, random_hex};
use crate::clock::Clock;
use crate::outbox::Outbox;
use crate::refusal::Refusal;
use crate::store::Queued;
use serde_json::{Map, Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use wxpresign::aes_gcm::ALGORITHM;
use wxpresign::schema::{Format, Type};

use crate::contracts::Contract;
use crate::families::Event;

/// How long a merchant has to answer one delivery.
pub(crate) const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// The notify URL of a pre-sign request: its first top-level notify-URL member. Schemas list the
/// contract's URL first (and require it where a payment URL such as insurance's
/// `transaction_notify_url` may follow).
pub(crate) fn notify_url(fields: &[wxpresign::schema::Field], request: &Value) -> Option<String> {
    fields
        .iter()
        .filter(|f| {
            matches!(
                f.ty,
                Type::String {
                    format: Format::NotifyUrl,
                    ..
                }
            )
        })
        .find_map(|f| request.get(f.name).and_then(Value::as_str))
        .map(str::to_owned)
}

/// One try at delivering a notification.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// Milliseconds of the sandbox's clock after the notification was queued.
    pub after_ms: u64,
    /// The merchant's HTTP status, when it answered.
    pub status: Option<u16>,
    pub error: Option<String>,
    /// The attempt was a signature probe (`WECHATPAY/SIGNTEST/`).
    pub probe: bool,
}

/// A notification's progress, as the outbox has it: what the session and contract views show.
#[derive(Clone, Debug)]
pub struct NotificationDelivery {
    pub id: String,
    pub event_type: String,
    pub notify_url: String,
    pub contract_id: String,
    /// The waits before each retry, in schedule seconds, as the product's page gives them.
    pub retry_secs: Vec<u64>,
    pub attempts: Vec<Attempt>,
    /// "pending", "delivered" or "gave_up".
    pub state: String,
    /// The merchant answered a probe attempt 2xx: it accepted a notification it should refuse.
    pub probe_accepted: bool,
}

impl NotificationDelivery {
    pub fn to_json(&self) -> Value {
        let attempts: Vec<Value> = self
            .attempts
            .iter()
            .map(|t| {
                json!({
                    "after_ms": t.after_ms,
                    "status": t.status,
                    "error": t.error,
                    "probe": t.probe,
                })
            })
            .collect();
        json!({
            "id": self.id,
            "event_type": self.event_type,
            "notify_url": self.notify_url,
            "contract_id": self.contract_id,
            "retry_secs": self.retry_secs,
            "state": self.state,
            "attempts": attempts,
            "probe_accepted": self.probe_accepted,
        })
    }
}
/// Beijing time (UTC+8) as RFC 3339, the format of WeChat Pay's timestamps.
pub fn beijing_rfc3339(unix: u64) -> String {
    let local = unix + 8 * 3600;
    let (days, secs) = (local / 86_400, local % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+08:00",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// What queues notifications, each sealed for the merchant it belongs to: the sandbox's clock
/// their times and schedules follow, and the pace of the retry schedule. The outbox posts them.
pub(crate) struct Notifier {
    clock: Arc<Clock>,
    outbox: Arc<Outbox>,
    /// Milliseconds one second of the retry schedule lasts (1000 = WeChat's real schedule).
    pub retry_unit_ms: AtomicU64,
}

impl Notifier {
    pub fn new(clock: Arc<Clock>, outbox: Arc<Outbox>) -> Notifier {
        Notifier {
            clock,
            outbox,
            retry_unit_ms: AtomicU64::new(1000),
        }
    }

    /// `event` about `merchant`'s `contract` (as it is now) sealed with its APIv3 key for
    /// `url`, due at once, its first attempt a probe at the merchant's share: for the store to
    /// queue in the transaction that makes the change it tells of.
    pub fn prepare(
        &self,
        merchant: &Identity,
        event: &'static Event,
        contract: &Contract,
        url: String,
    ) -> Result<Queued, Refusal> {
        let probe = merchant.behaviours.notification_is_probe();
        self.prepare_with(merchant, event, contract, url, probe)
    }

    /// As [`Notifier::prepare`], its first attempt a probe.
    pub fn prepare_probe(
        &self,
        merchant: &Identity,
        event: &'static Event,
        contract: &Contract,
        url: String,
    ) -> Result<Queued, Refusal> {
        self.prepare_with(merchant, event, contract, url, true)
    }

    fn prepare_with(
        &self,
        merchant: &Identity,
        event: &'static Event,
        contract: &Contract,
        url: String,
        probe: bool,
    ) -> Result<Queued, Refusal> {
        let now = self.clock.now_ms();
        let (id, body) = sealed_at(
            event,
            contract,
            &merchant.mchid,
            merchant.apiv3_key.as_bytes(),
            self.clock.now_secs(),
        )
        .map_err(|e| Refusal::failed(&e))?;
        Ok(Queued {
            id,
            mchid: merchant.mchid.clone(),
            contract_id: contract.id.clone(),
            event_type: event.event_type.to_owned(),
            notify_url: url,
            body,
            retry_secs: event.retry_secs.to_vec(),
            retry_unit_ms: self.retry_unit_ms.load(Ordering::Relaxed),
            created_ms: now,
            next_due_ms: now,
            probe,
        })
    }

    /// The outbox looks for what is due: call once a prepared notification is stored.
    pub fn queued(&self) {
        self.outbox.wake();
    }
}

/// The view of a notification just queued.
pub(crate) fn pending(queued: &Queued) -> NotificationDelivery {
    NotificationDelivery {
        id: queued.id.clone(),
        event_type: queued.event_type.clone(),
        notify_url: queued.notify_url.clone(),
        contract_id: queued.contract_id.clone(),
        retry_secs: queued.retry_secs.clone(),
        attempts: Vec::new(),
        state: "pending".to_owned(),
        probe_accepted: false,
    }
}

/// [`sealed_at`] now on the machine's clock, for the families' own tests.
#[cfg(test)]
pub(crate) fn sealed(
    event: &Event,
    contract: &Contract,
    mchid: &str,
    apiv3_key: &[u8],
) -> wxpresign::error::Result<(String, String)> {
    sealed_at(
        event,
        contract,
        mchid,
        apiv3_key,
        wxpresign::signing::unix_now(),
    )
}

/// `event` about `contract` (as it is now) for merchant `mchid`, sealed under `apiv3_key` as
/// WeChat Pay sends it, created at `now_secs` (Unix seconds of the sandbox's clock): the
/// notification's id and its body.
pub(crate) fn sealed_at(
    event: &Event,
    contract: &Contract,
    mchid: &str,
    apiv3_key: &[u8],
    now_secs: u64,
) -> wxpresign::error::Result<(String, String)> {
    let resource = Value::Object(contract.members(event.resource, mchid));
    let id = notification_id();
    let body = Outgoing {
        id: &id,
        create_time: &beijing_rfc3339(now_secs),
        event_type: event.event_type,
        summary: event.summary,
        original_type: event.original_type,
        resource: &resource,
    }
    .seal(apiv3_key, &random_alnum(12))?;
    Ok((id, body))
}

/// The most of a merchant's answer body kept: enough for any `{"code","message"}`.
const ANSWER_BODY_MAX: u64 = 64 * 1024;

/// One try at delivering `body` to `url` with `signed` (the `Wechatpay-*` headers): the
/// merchant's status and answer body (cut at 64 KiB, empty when unreadable), or why there was
/// no answer.
pub(crate) fn post(
    url: &str,
    body: &str,
    signed: &[(&'static str, String)],
) -> Result<(u16, String), String> {
    let mut request = delivery_agent()
        .post(url)
        // Each try on a connection of its own, as a delivery from outside would arrive.
        .header("Connection", "close")
        .header("Content-Type", "application/json")
        .header("User-Agent", "Mozilla/4.0")
        .header("Request-ID", format!("08{}-0", random_hex(20)));
    for (name, value) in signed {
        request = request.header(*name, value.as_str());
    }
    let mut response = request.send(body.as_bytes()).map_err(|e| e.to_string())?;
    let answer = response
        .body_mut()
        .with_config()
        .limit(ANSWER_BODY_MAX)
        .read_to_string()
        .unwrap_or_default();
    Ok((response.status().as_u16(), answer))
}

/// The HTTP client deliveries go out on: WeChat posts straight to the merchant, so no proxy
/// from the environment and no redirects; any status is an answer to record.
fn delivery_agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::config::Config::builder()
            .proxy(None)
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(ANSWER_TIMEOUT))
            .tls_config(tls_config())
            .build()
            .new_agent()
    })
}

/// TLS as the library's own connections have it: rustls on aws-lc-rs, trusting the roots the
/// library trusts.
fn tls_config() -> ureq::tls::TlsConfig {
    use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};
    let roots = wxpresign::trusted_roots()
        .map(|der| Certificate::from_der(der).to_owned())
        .collect();
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .unversioned_rustls_crypto_provider(std::sync::Arc::new(provider))
        .root_certs(RootCerts::Specific(std::sync::Arc::new(roots)))
        .build()
}

fn random_alnum(n: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut buf = vec![0u8; n];
    let _ = aws_lc_rs::rand::fill(&mut buf);
    buf.iter()
        .map(|b| char::from(CHARS[usize::from(*b) % CHARS.len()]))
        .collect()
}

/// A random notification id: 32 lower-case hex characters, within every family's limit (the
/// cross-border and face-pay pages give the id 32 characters, the others 36).
fn notification_id() -> String {
    random_hex(16).to_lowercase()
}

/// A notification to send, as the sandbox does (and tests of merchant endpoints can).
#[derive(Clone, Copy, Debug)]
pub struct Outgoing<'a> {
    pub id: &'a str,
    pub create_time: &'a str,
    pub event_type: &'a str,
    pub summary: &'a str,
    /// `resource.original_type`, also used as the associated data.
    pub original_type: &'a str,
    pub resource: &'a Value,
}

impl Outgoing<'_> {
    /// The body as WeChat Pay sends it: the resource JSON encrypted under `apiv3_key`.
    pub fn seal(&self, apiv3_key: &[u8], nonce: &str) -> wxpresign::error::Result<String> {
        let plaintext = self.resource.to_string();
        let ciphertext = wxpresign::aes_gcm::encrypt(
            apiv3_key,
            nonce,
            self.original_type,
            plaintext.as_bytes(),
        )?;
        let mut envelope = Map::new();
        envelope.insert("id".into(), self.id.into());
        envelope.insert("create_time".into(), self.create_time.into());
        envelope.insert("resource_type".into(), "encrypt-resource".into());
        envelope.insert("event_type".into(), self.event_type.into());
        envelope.insert("summary".into(), self.summary.into());
        envelope.insert(
            "resource".into(),
            json!({
                "original_type": self.original_type,
                "algorithm": ALGORITHM,
                "ciphertext": ciphertext,
                "associated_data": self.original_type,
                "nonce": nonce,
            }),
        );
        Ok(Value::Object(envelope).to_string())
    }
}
