//! The sandbox's clock: business time, which tests move forward (`POST /sandbox/clock`), as
//! Stripe's test clocks do. Session expiry, contract times and notification schedules follow
//! it; wire time (the Authorization timestamp check, `Wechatpay-Timestamp`) stays on the real
//! clock, or the library's 300 s window would refuse what the sandbox signs.
//!
//! The clock is kept as an offset from real time, not as a fixed time: between moves it runs
//! on as real time does, so a session still expires and a retry still falls due while nobody
//! touches the clock, and a restart finds it as far ahead as it was.

use crate::admin;
use crate::delivery::beijing_rfc3339;
use crate::http_server::Request;
use crate::refusal::{Answered, Refusal};
use crate::server::State;
use crate::signer;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Business time: real time plus an offset that only grows.
#[derive(Default)]
pub(crate) struct Clock {
    offset_ms: AtomicI64,
}

/// Milliseconds since the Unix epoch on the machine's clock.
pub(crate) fn real_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Business time in `dir` now, in Unix seconds, as a sandbox serving `dir` has it (or would,
/// served again): what `notify-test` dates its made-up contracts on.
pub fn now_in(dir: &std::path::Path) -> wxpresign::error::Result<u64> {
    let clock = Clock::default();
    clock.set_offset(crate::store::clock_offset_in(dir)?);
    Ok(clock.now_secs())
}

impl Clock {
    /// Business time, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        real_ms().saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    /// Business time, in seconds since the Unix epoch (contract and notification times).
    pub fn now_secs(&self) -> u64 {
        u64::try_from(self.now_ms() / 1000).unwrap_or(0)
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }

    /// The offset that makes business time `to_ms` now, refused when that is in its past.
    pub fn offset_to(&self, to_ms: i64) -> Result<i64, Refusal> {
        let now = self.now_ms();
        if to_ms < now {
            return Err(Refusal::param_error(
                "/now",
                beijing_rfc3339(u64::try_from(to_ms / 1000).unwrap_or(0)).into(),
                format!(
                    "the sandbox's clock moves forward only: it is {} already",
                    beijing_rfc3339(u64::try_from(now / 1000).unwrap_or(0))
                ),
                "body",
            ));
        }
        Ok(self.offset_ms().saturating_add(to_ms - now))
    }

    pub fn set_offset(&self, offset_ms: i64) {
        self.offset_ms.fetch_max(offset_ms, Ordering::SeqCst);
    }

    fn to_json(&self) -> Value {
        let now = self.now_ms();
        json!({
            "now": beijing_rfc3339(u64::try_from(now / 1000).unwrap_or(0)),
            "unix_ms": now,
            "ahead_of_real_secs": self.offset_ms() / 1000,
        })
    }
}

/// `GET /sandbox/clock`: business time; `POST /sandbox/clock` with `{"now": "<RFC 3339>"}` or
/// `{"advance_secs": N}` moves it forward, then what fell due is delivered, in order.
pub(crate) fn clock(state: &State, request: &Request, _: &str) -> Answered {
    match request.method.as_str() {
        "GET" => signer::ok(&state.identity, &state.clock.to_json()),
        "POST" => {
            admin::asked(state, request, None)?;
            let to_ms = wanted(state, &request.body)?;
            let offset = state.clock.offset_to(to_ms)?;
            state
                .store
                .set_clock_offset(offset)
                .map_err(|e| Refusal::failed(&e))?;
            state.clock.set_offset(offset);
            // Orders' results and the deductions' time rules that fell due are applied first.
            crate::money::settle(state)?;
            state.outbox.wake();
            signer::ok(&state.identity, &state.clock.to_json())
        }
        _ => Err(Refusal::new(
            405,
            "METHOD_NOT_ALLOWED",
            "/sandbox/clock answers GET and POST",
        )),
    }
}

/// The business time a move asks for, in milliseconds.
fn wanted(state: &State, body: &[u8]) -> Result<i64, Refusal> {
    const SHAPE: &str = "send {\"now\": \"<RFC 3339>\"} or {\"advance_secs\": N}";
    let asked: Value = serde_json::from_slice(body)
        .map_err(|e| Refusal::new(400, "PARAM_ERROR", format!("the body is not JSON: {e}")))?;
    let (now, advance) = (asked.get("now"), asked.get("advance_secs"));
    match (now, advance) {
        (Some(now), None) => {
            let text = now.as_str().ok_or_else(|| {
                Refusal::param_error("/now", now.clone(), "must be an RFC 3339 string", "body")
            })?;
            rfc3339_ms(text).ok_or_else(|| {
                Refusal::param_error(
                    "/now",
                    now.clone(),
                    "must be an RFC 3339 time, such as 2027-01-01T00:00:00+08:00",
                    "body",
                )
            })
        }
        (None, Some(secs)) => match secs.as_i64() {
            Some(secs) if secs >= 0 => Ok(state
                .clock
                .now_ms()
                .saturating_add(secs.saturating_mul(1000))),
            Some(_) => Err(Refusal::param_error(
                "/advance_secs",
                secs.clone(),
                "the sandbox's clock moves forward only: advance_secs must be 0 or more",
                "body",
            )),
            None => Err(Refusal::param_error(
                "/advance_secs",
                secs.clone(),
                "must be a whole number of seconds",
                "body",
            )),
        },
        _ => Err(Refusal::new(400, "PARAM_ERROR", SHAPE)),
    }
}

/// An RFC 3339 time in milliseconds since the Unix epoch.
fn rfc3339_ms(text: &str) -> Option<i64> {
    let parsed =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(parsed.unix_timestamp_nanos() / 1_000_000).ok()
}
