//! The process-wide log hook (`wxpresign_config_log`), in the style of SQLite's
//! `sqlite3_config(SQLITE_CONFIG_LOG, ...)`: one callback with a user pointer and a level, given
//! one JSON event per call (info; warn when it failed) and per attempt (debug, with the request's
//! and answer's heads). Events are built only when their level is on, carry no secret (the
//! Authorization signature and the answer's signature are redacted; bodies, keys and
//! notifications never appear), and reach the callback on the thread that made the call, after
//! the library's own locks are released.

use serde_json::Value;
use std::ffi::{CString, c_char, c_void};
use std::sync::RwLock;

/// How much is logged, from least to most. Values are fixed.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[allow(non_camel_case_types)]
pub enum wxpresign_log_level {
    /// Nothing: the hook is off.
    WXPRESIGN_LOG_OFF = 0,
    /// Calls that failed.
    WXPRESIGN_LOG_WARN = 2,
    /// Every call.
    WXPRESIGN_LOG_INFO = 3,
    /// Every call and every attempt, with the request's and answer's heads.
    WXPRESIGN_LOG_DEBUG = 4,
}

/// The log callback (NULL for none): `user` as given, the event's level, and the event as
/// NUL-terminated JSON valid only during the call.
#[allow(non_camel_case_types)]
pub type wxpresign_log_callback =
    Option<extern "C" fn(user: *mut c_void, level: wxpresign_log_level, event_json: *const c_char)>;

type Callback = extern "C" fn(*mut c_void, wxpresign_log_level, *const c_char);

#[derive(Clone, Copy)]
struct Hook {
    callback: Callback,
    /// The user pointer, kept as an address: the library never dereferences it.
    user: usize,
    level: wxpresign_log_level,
}

static HOOK: RwLock<Option<Hook>> = RwLock::new(None);

/// Installs `callback` at `level`, or removes the hook (`callback` None or level OFF).
pub fn configure(callback: wxpresign_log_callback, user: usize, level: wxpresign_log_level) {
    let hook = callback
        .filter(|_| level != wxpresign_log_level::WXPRESIGN_LOG_OFF)
        .map(|callback| Hook {
            callback,
            user,
            level,
        });
    *HOOK.write().unwrap_or_else(|p| p.into_inner()) = hook;
}

/// Whether events of `level` are wanted.
pub fn enabled(level: wxpresign_log_level) -> bool {
    current().is_some_and(|h| level <= h.level)
}

fn current() -> Option<Hook> {
    *HOOK.read().unwrap_or_else(|p| p.into_inner())
}

/// Hands the event `make` builds to the hook, when `level` is on.
pub fn emit(level: wxpresign_log_level, make: impl FnOnce() -> Value) {
    let Some(hook) = current().filter(|h| level <= h.level) else {
        return;
    };
    let mut event = make();
    event["level"] = level_name(level).into();
    let Ok(text) = CString::new(event.to_string()) else {
        return;
    };
    // The callback and user pointer are the caller's, given to wxpresign_config_log, whose
    // contract is that the callback may be called so from any thread.
    (hook.callback)(hook.user as *mut c_void, level, text.as_ptr());
}

fn level_name(level: wxpresign_log_level) -> &'static str {
    match level {
        wxpresign_log_level::WXPRESIGN_LOG_OFF => "off",
        wxpresign_log_level::WXPRESIGN_LOG_WARN => "warn",
        wxpresign_log_level::WXPRESIGN_LOG_INFO => "info",
        wxpresign_log_level::WXPRESIGN_LOG_DEBUG => "debug",
    }
}

/// An HTTP head for a debug event, with the signatures redacted: the `signature="..."` of an
/// Authorization header and Wechatpay-Signature's value.
pub fn redacted_head<'a>(headers: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
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
