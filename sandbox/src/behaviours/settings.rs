//! A `PATCH` of the settings object: a JSON merge, every member checked (a wrong one is refused
//! by its JSON Pointer) before anything changes.

use super::{Behaviours, Settings, limit_code};
use crate::migration::State as MigrationState;
use crate::refusal::{Refusal, lock};
use serde_json::{Map, Value};

/// The rate's members a patch sets: requests per second, burst (each `None` for unlimited).
type Rate = (Option<f64>, Option<f64>);

/// What a patch changes besides [`Settings`].
#[derive(Default)]
struct Others {
    rate: Option<Rate>,
    code: Option<crate::rate_limit::LimitCode>,
    /// A seed given, even the one in force: the draws start again from it.
    reseed: Option<u64>,
}

impl Behaviours {
    /// Applies `patch` whole, or nothing of it.
    pub fn patch(&self, patch: &Value) -> Result<(), Refusal> {
        let mut settings = lock(&self.settings);
        let mut bucket = lock(&self.bucket);
        let mut next = *settings;
        let mut others = Others::default();
        for (name, member) in object(patch, "")? {
            let at = format!("/{name}");
            match name.as_str() {
                "probes" => probes(&mut next, &mut others, member, &at)?,
                "key_migration" => key_migration(&mut next, member, &at, self.now())?,
                "rate_limit" => {
                    rate_limit(&mut others, (bucket.per_second, bucket.burst), member, &at)?
                }
                "notify_url" => notify_url(&mut next, member, &at)?,
                _ => return Err(not_settable(&at)),
            }
        }
        if let Some(seed) = others.reseed {
            *lock(&self.draws) = seed;
        }
        *settings = next;
        if let Some((per_second, burst)) = others.rate {
            bucket.set(per_second, burst);
        }
        if let Some(code) = others.code {
            bucket.code = code;
        }
        Ok(())
    }
}

fn probes(
    next: &mut Settings,
    others: &mut Others,
    member: &Value,
    at: &str,
) -> Result<(), Refusal> {
    for (name, value) in object(member, at)? {
        let at = format!("{at}/{name}");
        match name.as_str() {
            "answers" => next.answer_probes = share(value, &at)?,
            "notifications" => next.notification_probes = share(value, &at)?,
            "seed" => {
                next.seed =
                    match value {
                        Value::Null => None,
                        v => Some(v.as_u64().ok_or_else(|| {
                            bad(&at, v, "must be a whole number from 0 up, or null")
                        })?),
                    };
                others.reseed = next.seed;
            }
            _ => return Err(not_settable(&at)),
        }
    }
    Ok(())
}

/// The change's members. A merchant that does not hold both keys has nothing to change.
/// The change's members, `now` being the sandbox's clock in Unix seconds.
fn key_migration(next: &mut Settings, member: &Value, at: &str, now: u64) -> Result<(), Refusal> {
    let members = object(member, at)?;
    let mut started_at = None;
    for (name, value) in members {
        let at = format!("{at}/{name}");
        match name.as_str() {
            "state" => {
                let state = value
                    .as_str()
                    .and_then(MigrationState::settable)
                    .ok_or_else(|| {
                        bad(
                            &at,
                            value,
                            "must be not_started, started, stopped or completed",
                        )
                    })?;
                if next.migration.state == MigrationState::None {
                    return Err(Refusal::new(
                        409,
                        "NOT_SUPPORTED",
                        "this merchant holds one kind of WeChat Pay key: create one with both \
                         (`wxpresign sandbox init DIR --mode migration`) to change keys",
                    ));
                }
                if state == MigrationState::Started && next.migration.state != state {
                    next.migration.started_at = Some(now);
                }
                next.migration.state = state;
            }
            "started_at" => started_at = Some(whole(value, &at, 0)?),
            "day_secs" => next.migration.day_secs = whole(value, &at, 1)?,
            _ => return Err(not_settable(&at)),
        }
    }
    if let Some(when) = started_at {
        if next.migration.state != MigrationState::Started || when > now {
            return Err(bad(
                &format!("{at}/started_at"),
                &when.into(),
                "may be set only with the change started, to a Unix time not in the future",
            ));
        }
        next.migration.started_at = Some(when);
    }
    Ok(())
}

fn rate_limit(others: &mut Others, now: Rate, member: &Value, at: &str) -> Result<(), Refusal> {
    let (mut per_second, mut burst) = now;
    let mut changed = false;
    for (name, value) in object(member, at)? {
        let at = format!("{at}/{name}");
        match name.as_str() {
            "requests_per_second" => {
                per_second = positive_or_null(value, &at)?;
                changed = true;
            }
            "burst" => {
                burst = positive_or_null(value, &at)?;
                changed = true;
            }
            "code" => {
                others.code = Some(value.as_str().and_then(limit_code).ok_or_else(|| {
                    bad(
                        &at,
                        value,
                        "must be RATELIMIT_EXCEEDED or FREQUENCY_LIMITED",
                    )
                })?)
            }
            _ => return Err(not_settable(&at)),
        }
    }
    if changed {
        others.rate = Some((per_second, burst));
    }
    Ok(())
}

fn notify_url(next: &mut Settings, member: &Value, at: &str) -> Result<(), Refusal> {
    for (name, value) in object(member, at)? {
        let at = format!("{at}/{name}");
        match (name.as_str(), value) {
            ("allow_http_loopback", Value::Bool(allow)) => next.allow_http_loopback = *allow,
            ("allow_http_loopback", v) => return Err(bad(&at, v, "must be true or false")),
            _ => return Err(not_settable(&at)),
        }
    }
    Ok(())
}

fn object<'a>(value: &'a Value, at: &str) -> Result<&'a Map<String, Value>, Refusal> {
    value.as_object().ok_or_else(|| {
        bad(
            if at.is_empty() { "/" } else { at },
            value,
            "must be a JSON object",
        )
    })
}

fn share(value: &Value, at: &str) -> Result<f64, Refusal> {
    value
        .as_f64()
        .filter(|s| (0.0..=1.0).contains(s))
        .ok_or_else(|| bad(at, value, "must be a number from 0 to 1"))
}

fn whole(value: &Value, at: &str, min: u64) -> Result<u64, Refusal> {
    value
        .as_u64()
        .filter(|n| *n >= min)
        .ok_or_else(|| bad(at, value, format!("must be a whole number from {min} up")))
}

fn positive_or_null(value: &Value, at: &str) -> Result<Option<f64>, Refusal> {
    match value {
        Value::Null => Ok(None),
        v => v
            .as_f64()
            .filter(|n| *n > 0.0 && n.is_finite())
            .map(Some)
            .ok_or_else(|| bad(at, v, "must be a number above 0, or null for no limit")),
    }
}

fn bad(at: &str, value: &Value, issue: impl Into<String>) -> Refusal {
    Refusal::param_error(at, value.clone(), issue, "body")
}

/// A member the object does not have, or one only `GET` shows.
fn not_settable(at: &str) -> Refusal {
    bad(
        at,
        &Value::Null,
        "is not a setting (read-only members such as day or notifications_sent are shown by GET only)",
    )
}
