//! The process-wide log hook (`wxpresign_config_log`), in the style of SQLite's
//! `sqlite3_config(SQLITE_CONFIG_LOG, ...)`: one callback with a user pointer and a level, given
//! one JSON event per call (info; warn when it failed) and per attempt (debug, with the request's
//! and answer's heads). Events are built only when their level is on, carry no secret (the
//! Authorization signature and the answer's signature are redacted; bodies, keys and
//! notifications never appear), and reach the callback on the thread that made the call, after
//! the library's own locks are released.

use serde_json::Value;
use std::sync::{Arc, RwLock};

/// How much is logged, from least to most; the C constants are in `ffi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// Calls that failed.
    Warn,
    /// Every call.
    Info,
    /// Every call and every attempt, with the request's and answer's heads.
    Debug,
}

impl Level {
    /// The event's `level` member.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }
}

/// Where events go: each event's level and its JSON text, on the thread that made the call.
pub(crate) type Sink = Box<dyn Fn(Level, &str) + Send + Sync>;

#[derive(Clone)]
struct Hook {
    sink: Arc<dyn Fn(Level, &str) + Send + Sync>,
    level: Level,
}

static HOOK: RwLock<Option<Hook>> = RwLock::new(None);

/// Sends events up to `level` to `sink`, or removes the hook (`None`).
pub(crate) fn configure(hook: Option<(Sink, Level)>) {
    let hook = hook.map(|(sink, level)| Hook {
        sink: Arc::from(sink),
        level,
    });
    *HOOK.write().unwrap_or_else(|p| p.into_inner()) = hook;
}

fn current() -> Option<Hook> {
    HOOK.read().unwrap_or_else(|p| p.into_inner()).clone()
}

/// Hands the event `make` builds to the hook, when `level` is on; the hook is cloned out of
/// its lock first, so a sink that takes long holds no other thread.
pub(crate) fn emit(level: Level, make: impl FnOnce() -> Value) {
    let Some(hook) = current().filter(|h| level <= h.level) else {
        return;
    };
    let mut event = make();
    event["level"] = level.name().into();
    (hook.sink)(level, &event.to_string());
}

/// An HTTP head for a debug event, with the signatures redacted: the `signature="..."` of an
/// Authorization header and Wechatpay-Signature's value.
pub(crate) fn redacted_head<'a>(headers: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    let redacted = headers
        .map(|(name, value)| {
            let shown = if name.eq_ignore_ascii_case("Wechatpay-Signature") {
                "<redacted>".to_owned()
            } else if name.eq_ignore_ascii_case("Authorization") {
                match value.find("signature=\"") {
                    Some(at) => format!("{}signature=\"<redacted>\"", &value[..at]),
                    None => "<redacted>".to_owned(),
                }
            } else {
                value.to_owned()
            };
            (name.to_owned(), Value::String(shown))
        })
        .collect::<serde_json::Map<_, _>>();
    Value::Object(redacted)
}
