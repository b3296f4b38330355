//! WeChat Pay's behaviours over time, per merchant, in one settings object
//! (`GET`/`PATCH /sandbox/merchants/{mchid}/behaviours`): signature probes in answers and
//! notifications, the change from platform certificate to public key, the request rate, and
//! whether an http notify URL on loopback is accepted. The defaults change nothing.

use crate::Identity;
use crate::clock::Clock;
use crate::migration::{self, Migration};
use crate::rate_limit::{Bucket, LimitCode};
use crate::refusal::{Refusal, lock};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

mod probes;
mod routes;
mod settings;

pub(crate) use probes::{bend_answer, notification_headers};
pub(crate) use routes::{probe_notification, settings_route};

/// The settings and the running state behind them: the random draws, the rate's bucket, the
/// probes sent and accepted.
pub(crate) struct Behaviours {
    settings: Mutex<Settings>,
    bucket: Mutex<Bucket>,
    /// The state of the draws' generator (SplitMix64): seeded, the draws repeat.
    draws: Mutex<u64>,
    probes_sent: AtomicU64,
    probes_accepted: AtomicU64,
    /// The sandbox's clock, which the change to the public key counts its days on.
    clock: Arc<Clock>,
}

/// What a merchant set, apart from the rate (which lives in its bucket).
#[derive(Clone, Copy, Debug)]
struct Settings {
    /// Shares 0..=1 of signed 2xx answers and of notification deliveries that are probes.
    answer_probes: f64,
    notification_probes: f64,
    seed: Option<u64>,
    migration: Migration,
    allow_http_loopback: bool,
}

impl Behaviours {
    /// The defaults: no probes, the change not started (for a merchant holding both keys),
    /// no rate, http notify URLs on loopback accepted.
    pub fn new(holds_both_keys: bool, clock: Arc<Clock>) -> Behaviours {
        let mut seed = [0u8; 8];
        let _ = aws_lc_rs::rand::fill(&mut seed);
        Behaviours {
            settings: Mutex::new(Settings {
                answer_probes: 0.0,
                notification_probes: 0.0,
                seed: None,
                migration: Migration::new(holds_both_keys),
                allow_http_loopback: true,
            }),
            bucket: Mutex::new(Bucket::default()),
            draws: Mutex::new(u64::from_le_bytes(seed)),
            probes_sent: AtomicU64::new(0),
            probes_accepted: AtomicU64::new(0),
            clock,
        }
    }

    /// The sandbox's clock, in Unix seconds: what the change's days follow.
    fn now(&self) -> u64 {
        self.clock.now_secs()
    }

    /// Counts this merchant's days on `clock` from now on: the sandbox's, which all its
    /// merchants share.
    pub fn use_clock(&mut self, clock: Arc<Clock>) {
        self.clock = clock;
    }

    /// The sandbox's clock, which a sandbox serving this merchant keeps.
    pub fn clock(&self) -> &Arc<Clock> {
        &self.clock
    }

    fn settings(&self) -> Settings {
        *lock(&self.settings)
    }

    /// The change to the public key as it stands.
    pub fn migration(&self) -> Migration {
        self.settings().migration
    }

    /// Whether http notify URLs on loopback hosts are accepted.
    pub fn allow_http_loopback(&self) -> bool {
        self.settings().allow_http_loopback
    }

    /// True with probability `share`.
    fn draw(&self, share: f64) -> bool {
        if share <= 0.0 {
            return false;
        }
        let mut state = lock(&self.draws);
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 / (1u64 << 53) as f64) < share
    }

    /// Whether the next signed 2xx answer is a probe.
    pub fn answer_is_probe(&self) -> bool {
        self.draw(self.settings().answer_probes)
    }

    /// Whether the first attempt of the next notification delivery is a probe.
    pub fn notification_is_probe(&self) -> bool {
        self.draw(self.settings().notification_probes)
    }

    /// Whether the next notification is signed with the public key, on today's ramp.
    pub fn notification_uses_public_key(&self) -> bool {
        self.draw(self.migration().notification_share(self.now()))
    }

    /// Counts a probe notification sent, and whether the merchant answered it 2xx.
    pub fn count_probe(&self, accepted: bool) {
        self.probes_sent.fetch_add(1, Ordering::Relaxed);
        if accepted {
            self.probes_accepted.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Whether one more API request is within the merchant's rate; the refusal if not.
    pub fn admit(&self) -> Result<(), Refusal> {
        let mut bucket = lock(&self.bucket);
        if bucket.take() {
            return Ok(());
        }
        let code = bucket.code;
        Err(Refusal::new(429, code.code(), code.message()))
    }

    /// The whole object, as `GET` shows it.
    pub fn to_json(&self, identity: &Identity) -> Value {
        let s = self.settings();
        let bucket = lock(&self.bucket);
        let m = s.migration;
        json!({
            "mchid": identity.mchid,
            "probes": {
                "answers": s.answer_probes,
                "notifications": s.notification_probes,
                "seed": s.seed,
                "notifications_sent": self.probes_sent.load(Ordering::Relaxed),
                "notifications_accepted": self.probes_accepted.load(Ordering::Relaxed),
            },
            "key_migration": {
                "state": m.state.name(),
                "platform_serial": identity.signing(|serial, _| serial.to_owned()),
                "public_key_id": identity.public_key_id(),
                "started_at": m.started_at,
                "day_secs": m.day_secs,
                "day": m.day(self.now()),
                "ramp": migration::RAMP,
                "notifications_public_key_share": m.notification_share(self.now()),
            },
            "rate_limit": {
                "requests_per_second": bucket.per_second,
                "burst": bucket.burst,
                "code": bucket.code.code(),
            },
            "notify_url": { "allow_http_loopback": s.allow_http_loopback },
        })
    }
}

/// The rate's code by name.
fn limit_code(name: &str) -> Option<LimitCode> {
    LimitCode::ALL.into_iter().find(|c| c.code() == name)
}

/// A request under the merchant's rate, or its 429: counted for API requests whose
/// Authorization names the merchant, before anything else is checked, so a refused request
/// leaves nothing behind (no session, no nonce remembered).
pub(crate) fn admit(
    identity: &Identity,
    request: &crate::http_server::Request,
) -> Result<(), Refusal> {
    if request.path().starts_with("/sandbox/") {
        return Ok(());
    }
    let names_merchant = request
        .header("Authorization")
        .and_then(|h| crate::Authorization::parse(h).ok())
        .is_some_and(|a| a.mchid == identity.mchid);
    if !names_merchant {
        return Ok(());
    }
    identity.behaviours.admit()
}

/// The https rule ("通知URL必须为HTTPS"): the library's schema refuses http except on loopback
/// hosts; with `allow_http_loopback` off, those are refused too, naming the field.
pub(crate) fn check_notify_urls(
    identity: &Identity,
    fields: &[wxpresign::schema::Field],
    value: &Value,
) -> Result<(), Refusal> {
    if identity.behaviours.allow_http_loopback() {
        return Ok(());
    }
    match http_notify_url(fields, value, "") {
        Some((field, url)) => Err(Refusal::param_error(
            &field,
            url.into(),
            "must be an https URL (通知URL必须为HTTPS); this merchant's \
             notify_url.allow_http_loopback is off",
            "body",
        )),
        None => Ok(()),
    }
}

/// The first notify-URL member (by JSON Pointer) whose value is an http URL, and the value.
fn http_notify_url(
    fields: &[wxpresign::schema::Field],
    value: &Value,
    at: &str,
) -> Option<(String, String)> {
    use wxpresign::schema::{Format, Type};
    fields.iter().find_map(|field| {
        let pointer = format!("{at}/{}", field.name);
        let member = value.get(field.name)?;
        match field.ty {
            Type::String {
                format: Format::NotifyUrl,
                ..
            } => member
                .as_str()
                .filter(|url| {
                    url.get(..7)
                        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
                })
                .map(|url| (pointer, url.to_owned())),
            Type::Object(inner) => http_notify_url(inner, member, &pointer),
            _ => None,
        }
    })
}
