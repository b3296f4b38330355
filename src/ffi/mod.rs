//! The C ABI. Each function checks its arguments, calls the Rust core and converts the result:
//! a status code plus a JSON string. Pointer checks, the panic boundary and string hand-over
//! live in the helpers at the top, once.
// Each function documents its pointer contract in its first lines, where C users read it.
#![allow(non_camel_case_types, clippy::missing_safety_doc)]

mod envelope;

use crate::client::Client;
use crate::endpoints;
use crate::error::{Error, Kind};
use crate::log::{self, Level};
use crate::notification;
use crate::registry;
use libc::c_char;
use serde_json::Value;
use std::ffi::{CStr, CString, c_int, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;
use std::sync::Arc;

/// Result of every libwxpresign call. Values are fixed and never reused.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wxpresign_status {
    /// Success; the output holds the answer.
    WXPRESIGN_OK = 0,
    /// NULL pointer, invalid UTF-8, unparsable JSON or unknown endpoint.
    WXPRESIGN_ERR_ARGUMENT = 1,
    /// The configuration is incomplete or inconsistent.
    WXPRESIGN_ERR_CONFIG = 2,
    /// The request broke the endpoint's schema; nothing was sent.
    WXPRESIGN_ERR_VALIDATION = 3,
    /// DNS, connect, TLS, timeout or broken HTTP; see "may_have_reached_server".
    WXPRESIGN_ERR_TRANSPORT = 4,
    /// WeChat Pay answered with a non-2xx status.
    WXPRESIGN_ERR_API = 5,
    /// A 2xx answer failed signature, timestamp, serial or header checks.
    WXPRESIGN_ERR_VERIFY = 6,
    /// A local cryptographic operation failed.
    WXPRESIGN_ERR_CRYPTO = 7,
    /// A bug in libwxpresign (a caught panic); please report it.
    WXPRESIGN_ERR_INTERNAL = 8,
}

impl From<Kind> for wxpresign_status {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Argument => wxpresign_status::WXPRESIGN_ERR_ARGUMENT,
            Kind::Config => wxpresign_status::WXPRESIGN_ERR_CONFIG,
            Kind::Validation => wxpresign_status::WXPRESIGN_ERR_VALIDATION,
            Kind::Transport => wxpresign_status::WXPRESIGN_ERR_TRANSPORT,
            Kind::Api => wxpresign_status::WXPRESIGN_ERR_API,
            Kind::Verify => wxpresign_status::WXPRESIGN_ERR_VERIFY,
            Kind::Crypto => wxpresign_status::WXPRESIGN_ERR_CRYPTO,
            Kind::Internal => wxpresign_status::WXPRESIGN_ERR_INTERNAL,
        }
    }
}

/// A configured client. Opaque; create with wxpresign_client_new (or wxpresign_client_shared),
/// release with wxpresign_client_free.
pub struct wxpresign_client {
    client: Arc<Client>,
}

// ---------------------------------------------------------------------------------------------
// Helpers: the argument borrows, the panic boundary and the hand-over of strings that every
// export uses. Beyond them, only the lifecycle functions touch a raw pointer (a client made,
// a client or string freed), each at one commented line.

/// Borrows a NUL-terminated UTF-8 argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives the call.
unsafe fn borrow_str<'a>(p: *const c_char, name: &str) -> Result<&'a str, Error> {
    if p.is_null() {
        return Err(Error::argument(format!("{name} is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    unsafe { CStr::from_ptr(p) }.to_str().map_err(|e| {
        Error::argument(format!(
            "{name} is not valid UTF-8 (byte {})",
            e.valid_up_to()
        ))
    })
}

/// Borrows `len` bytes that need not be NUL-terminated.
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes that outlive the call.
unsafe fn borrow_bytes<'a>(p: *const c_char, len: usize, name: &str) -> Result<&'a [u8], Error> {
    if p.is_null() {
        return Err(Error::argument(format!("{name} is NULL")));
    }
    if len > isize::MAX as usize {
        return Err(Error::argument(format!(
            "{name}_len is larger than any buffer"
        )));
    }
    // SAFETY: non-NULL, `len` readable bytes by the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) })
}

/// Moves a text out to C as a string the caller frees with wxpresign_string_free.
fn hand_out(text: String) -> *mut c_char {
    CString::new(text).map_or(ptr::null_mut(), CString::into_raw)
}

/// Runs `body` inside the panic boundary and writes its JSON result (or error JSON) to `out`.
///
/// # Safety
/// `out` is NULL or valid for one pointer write.
unsafe fn respond(
    out: *mut *mut c_char,
    body: impl FnOnce() -> Result<Value, Error>,
) -> wxpresign_status {
    // serde_json escapes U+0000, so JSON text has no interior NUL.
    unsafe { respond_text(out, || body().map(|value| value.to_string())) }
}

/// The panic boundary: runs `body`, turning a panic into an internal error, since an unwind
/// reaching `extern "C"` would abort the host process. Every export that runs library code runs
/// inside it; wxpresign_string_free and wxpresign_version run none.
fn panic_boundary<T>(body: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        Err(Error::internal(
            "libwxpresign panicked; this is a bug, please report it with the request that caused it",
        ))
    })
}

/// As [`respond`], for a result that is plain text; one with a NUL character is an argument
/// error, since a C string cannot carry it.
///
/// # Safety
/// `out` is NULL or valid for one pointer write.
unsafe fn respond_text(
    out: *mut *mut c_char,
    body: impl FnOnce() -> Result<String, Error>,
) -> wxpresign_status {
    unsafe { respond_rendered(out, body, Error::to_json) }
}

/// As [`respond_text`], with errors rendered by `error_json` (a notification's carries the HTTP
/// answer to send back).
///
/// # Safety
/// `out` is NULL or valid for one pointer write.
unsafe fn respond_rendered(
    out: *mut *mut c_char,
    body: impl FnOnce() -> Result<String, Error>,
    error_json: impl FnOnce(&Error) -> Value,
) -> wxpresign_status {
    if out.is_null() {
        return wxpresign_status::WXPRESIGN_ERR_ARGUMENT;
    }
    let result = match panic_boundary(body) {
        Ok(text) if text.contains('\0') => Err(Error::argument(
            "the value contains a NUL character, which a C string cannot carry: read it from \
             the JSON text instead",
        )),
        result => result,
    };
    let (status, text) = match result {
        Ok(text) => (wxpresign_status::WXPRESIGN_OK, text),
        Err(e) => (e.kind().into(), error_json(&e).to_string()),
    };
    // SAFETY: checked non-NULL above; valid for writes by the caller's contract.
    unsafe { *out = hand_out(text) };
    status
}

/// Borrows the client behind a handle.
///
/// # Safety
/// `client` is NULL or a live pointer from wxpresign_client_new.
unsafe fn borrow_client<'a>(client: *const wxpresign_client) -> Result<&'a Client, Error> {
    // SAFETY: by the caller's contract.
    unsafe { client.as_ref() }
        .map(|c| &*c.client)
        .ok_or_else(|| Error::argument("client is NULL"))
}

/// The body of every call function; `path` is the endpoint path or the error reading it.
unsafe fn call_path(
    client: *const wxpresign_client,
    path: Result<&str, Error>,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        respond(out, || {
            let client = borrow_client(client)?;
            let path = path?;
            let request = borrow_str(request_json, "request_json")?;
            client.call(path, request).map(|r| r.to_json())
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Lifecycle and utilities.

/// Creates a client from a configuration JSON document (see docs/configuration.md).
/// On success writes a new client to *client_out; free it with wxpresign_client_free.
/// On failure writes an error JSON string to *error_out when error_out is not NULL; free it with
/// wxpresign_string_free. The client is immutable and may be used from many threads at once.
/// Pointers are NULL or valid; config_json is NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_client_new(
    config_json: *const c_char,
    client_out: *mut *mut wxpresign_client,
    error_out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        make_client(config_json, client_out, error_out, |c| {
            Client::from_json(c).map(Arc::new)
        })
    }
}

/// Like wxpresign_client_new, but returns the process's client for this configuration when it
/// holds one: the same keys, already parsed, and the same kept-alive connections and TLS
/// sessions. For programs that cannot keep a client between units of work, such as a PHP-FPM
/// worker whose requests each create one. A configuration is the same when its text is
/// identical and every file it names has the same contents (a rotated key file gets a new
/// client). Each handle is freed with wxpresign_client_free; the process keeps the client for
/// 5 minutes after it was last asked for, at most 32 clients. Thread-safe. After fork(), the
/// child gets clients of its own, never the parent's connections. The shared library stays
/// loaded once a process has opened it (linked with -z nodelete), so that a dlclose, such as
/// PHP's FFI makes at the end of every request without preloading, does not take the shared
/// clients, their connections and their memory with it. A separate function, so that
/// wxpresign_client_new always gives a client of the caller's own.
/// Pointers are NULL or valid; config_json is NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_client_shared(
    config_json: *const c_char,
    client_out: *mut *mut wxpresign_client,
    error_out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe { make_client(config_json, client_out, error_out, registry::shared) }
}

/// The body of wxpresign_client_new and wxpresign_client_shared, which differ in `make`.
///
/// # Safety
/// As for wxpresign_client_new.
unsafe fn make_client(
    config_json: *const c_char,
    client_out: *mut *mut wxpresign_client,
    error_out: *mut *mut c_char,
    make: impl FnOnce(&str) -> Result<Arc<Client>, Error>,
) -> wxpresign_status {
    let made = panic_boundary(|| {
        if client_out.is_null() {
            return Err(Error::argument("client_out is NULL"));
        }
        // SAFETY: NULL or NUL-terminated by the caller's contract.
        let config = unsafe { borrow_str(config_json, "config_json")? };
        Ok(Box::new(wxpresign_client {
            client: make(config)?,
        }))
    });
    match made {
        Ok(client) => {
            // SAFETY: checked non-NULL inside the boundary; valid for writes by contract.
            unsafe { *client_out = Box::into_raw(client) };
            if !error_out.is_null() {
                // SAFETY: non-NULL and valid for writes by the caller's contract.
                unsafe { *error_out = ptr::null_mut() };
            }
            wxpresign_status::WXPRESIGN_OK
        }
        Err(e) => {
            if !error_out.is_null() {
                // SAFETY: non-NULL and valid for writes by the caller's contract.
                unsafe { *error_out = hand_out(e.to_json().to_string()) };
            }
            e.kind().into()
        }
    }
}

/// Frees a client handle. NULL is a no-op. No call may be running on it. A shared client lives
/// on in the process (and in its other handles); this handle may not be used again.
/// `client` is NULL or a pointer from wxpresign_client_new or wxpresign_client_shared not yet
/// freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_client_free(client: *mut wxpresign_client) {
    if !client.is_null() {
        // SAFETY: allocated by Box::into_raw in make_client. Key material is wiped on drop.
        let _ = panic_boundary(|| {
            drop(unsafe { Box::from_raw(client) });
            Ok(())
        });
    }
}

/// How much is logged, from least to most: the values wxpresign_config_log takes. Values are
/// fixed; any other is refused.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

impl From<Level> for wxpresign_log_level {
    fn from(level: Level) -> Self {
        match level {
            Level::Warn => wxpresign_log_level::WXPRESIGN_LOG_WARN,
            Level::Info => wxpresign_log_level::WXPRESIGN_LOG_INFO,
            Level::Debug => wxpresign_log_level::WXPRESIGN_LOG_DEBUG,
        }
    }
}

/// The log callback (NULL for none): `user` as given, the event's level, and the event as
/// NUL-terminated JSON valid only during the call.
pub type wxpresign_log_callback =
    Option<extern "C" fn(user: *mut c_void, level: wxpresign_log_level, event_json: *const c_char)>;

/// The level a C caller gave, checked here: a value outside the enum must not reach Rust as one.
/// `None` is WXPRESIGN_LOG_OFF.
fn log_level(level: c_int) -> Result<Option<Level>, Error> {
    match level {
        0 => Ok(None),
        2 => Ok(Some(Level::Warn)),
        3 => Ok(Some(Level::Info)),
        4 => Ok(Some(Level::Debug)),
        other => Err(Error::argument(format!(
            "level {other} is not a log level: give WXPRESIGN_LOG_OFF (0), WXPRESIGN_LOG_WARN (2), \
             WXPRESIGN_LOG_INFO (3) or WXPRESIGN_LOG_DEBUG (4)"
        ))),
    }
}

/// Installs the process-wide log hook (SQLite's SQLITE_CONFIG_LOG, for libwxpresign): from
/// now on `callback(user, level, event_json)` receives one JSON event per call (INFO, or WARN
/// when the call failed: endpoint, method, path, status, WeChat code, Request-ID, elapsed_ms,
/// attempts, connection, failover, error kind and message) and, at DEBUG, one per attempt (its
/// host, connection, time and outcome, with the request's and answer's heads). NULL or
/// WXPRESIGN_LOG_OFF removes the hook. No secret is ever in an event: no key, no signature (both
/// redacted from the heads), no body, no encrypted value, no notification.
/// The callback is called on the thread that made the call, possibly many at once; it must
/// return quickly, must not call into libwxpresign, and event_json is valid only during the call.
/// `user` is passed back as given and never dereferenced. `level` is one of the
/// wxpresign_log_level constants (0, 2, 3, 4); any other value returns WXPRESIGN_ERR_ARGUMENT
/// and leaves the hook as it was. Thread-safe; returns WXPRESIGN_OK otherwise.
#[unsafe(no_mangle)]
pub extern "C" fn wxpresign_config_log(
    callback: wxpresign_log_callback,
    user: *mut c_void,
    level: c_int,
) -> wxpresign_status {
    let user = user as usize;
    match panic_boundary(|| {
        let hook = log_level(level)?.zip(callback).map(|(level, callback)| {
            let sink: log::Sink = Box::new(move |level, event| {
                // serde_json escapes U+0000, so an event has no interior NUL.
                if let Ok(text) = CString::new(event) {
                    // The caller's callback and pointer, whose contract is that it may be
                    // called so from any thread.
                    callback(user as *mut c_void, level.into(), text.as_ptr());
                }
            });
            (sink, level)
        });
        log::configure(hook);
        Ok(())
    }) {
        Ok(()) => wxpresign_status::WXPRESIGN_OK,
        Err(e) => e.kind().into(),
    }
}

/// Frees a string returned by libwxpresign. NULL is a no-op.
/// `s` is NULL or a string from libwxpresign not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: created by CString::into_raw in hand_out.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// The library version, e.g. "0.1.0". A static string: do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn wxpresign_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Writes to *out a JSON array describing every endpoint, pre-signs and calls on a contract
/// (method, path, stage, C function, path, query and body schemas).
/// Free it with wxpresign_string_free.
/// `out` is NULL or valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_endpoints(out: *mut *mut c_char) -> wxpresign_status {
    unsafe { respond(out, || Ok(endpoints::describe_all())) }
}

/// Reads the member at `pointer` (a JSON Pointer, RFC 6901, such as "/data/redirect_url" or
/// "/error/kind") of the JSON text `json`, typically an answer this library handed out. Writes
/// to *out the member's text: a string without its quotes, any other value as JSON ("200",
/// "{...}"); free it with wxpresign_string_free. When `json` is not JSON or has no such member,
/// returns WXPRESIGN_ERR_ARGUMENT and *out holds the error JSON. Thread-safe.
/// Pointers are NULL or valid; strings are NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_json_get(
    json: *const c_char,
    pointer: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        respond_text(out, || {
            let json = borrow_str(json, "json")?;
            let pointer = borrow_str(pointer, "pointer")?;
            crate::json_pointer::member_text(json, pointer)
        })
    }
}

/// Calls the table's endpoint at `endpoint` (an API path such as "v3/edu-papay/contracts/presign",
/// or a template such as "v3/papay/contracts/{contract_id}/notify" whose path and query parameters
/// are members of `request_json`, or a concrete path filling a template; a leading "/" is
/// accepted) with `request_json`. Blocks until the answer is verified or the call fails. Writes to *out the answer {"status","request_id","data","base_url"} or an error
/// {"error":{...}}; free it with wxpresign_string_free. Safe to call concurrently on one client.
/// Pointers are NULL or valid; strings are NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_call(
    client: *const wxpresign_client,
    endpoint: *const c_char,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe { call_path(client, borrow_str(endpoint, "endpoint"), request_json, out) }
}

/// Any APIv3 call, for the calls after the pre-sign that have no function of their own (query
/// or terminate a contract, deduct, ...): `method` ("GET", "POST", "PUT", "PATCH" or "DELETE")
/// to `path_and_query` ("/v3/...", with its query, percent-encoded: signed and sent exactly as
/// given; "/v3/global/..." goes to global_base_url) with `body_json` (JSON sent as given, or NULL
/// for none; a GET takes none). The body is not checked against any schema: WeChat Pay's answer
/// says what is wrong. The answer is verified, and the envelope, errors, trace, failover and
/// retries are those of wxpresign_call. Fields WeChat Pay wants encrypted are the caller's to
/// encrypt, with wxpresign_encrypt. Free *out with wxpresign_string_free. Thread-safe.
/// Pointers are NULL (body_json may be) or valid; strings are NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_request(
    client: *const wxpresign_client,
    method: *const c_char,
    path_and_query: *const c_char,
    body_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        respond(out, || {
            let client = borrow_client(client)?;
            let method = borrow_str(method, "method")?;
            let target = borrow_str(path_and_query, "path_and_query")?;
            let body = if body_json.is_null() {
                None
            } else {
                Some(borrow_str(body_json, "body_json")?)
            };
            client.request(method, target, body).map(|r| r.to_json())
        })
    }
}

/// Encrypts `plaintext` as WeChat Pay takes a sensitive field (RSA-OAEP, Base64) with the WeChat
/// Pay key that every request of this client names in Wechatpay-Serial, for a field of a
/// wxpresign_request call (the typed functions encrypt their fields themselves). Writes to *out
/// {"ciphertext","serial"}; free it with wxpresign_string_free. Thread-safe.
/// Pointers are NULL or valid; plaintext is NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_encrypt(
    client: *const wxpresign_client,
    plaintext: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        respond(out, || {
            let client = borrow_client(client)?;
            let (ciphertext, serial) = client.encrypt(borrow_str(plaintext, "plaintext")?)?;
            Ok(serde_json::json!({ "ciphertext": ciphertext, "serial": serial }))
        })
    }
}

/// Certificate mode: downloads WeChat Pay's platform certificates (GET /v3/certificates),
/// verifies the answer with them, decrypts each with the APIv3 key and checks it is an X.509
/// certificate for the serial it is listed under, valid now; the client verifies with them from
/// then on. Writes to *out {"certificates":[{"serial_no","effective_time","expire_time",
/// "certificate"}]} (each certificate as PEM: certificates are public), or the error JSON; a
/// merchant in public-key mode gets WeChat Pay's 404 and nothing changes. Free *out with
/// wxpresign_string_free. Thread-safe.
/// Pointers are NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_platform_certificates_download(
    client: *const wxpresign_client,
    out: *mut *mut c_char,
) -> wxpresign_status {
    unsafe {
        respond(out, || {
            let downloaded = borrow_client(client)?.download_platform_certificates()?;
            let listed: Vec<Value> = downloaded.iter().map(|d| d.to_json()).collect();
            Ok(serde_json::json!({ "certificates": listed }))
        })
    }
}

/// Verifies and decrypts a notification WeChat Pay posted to the merchant (e.g. ENTRUST.SIGN).
/// `headers_json` is a JSON object of the request's HTTP headers (name → value, names
/// case-insensitive); `body`/`body_len` are the raw body bytes exactly as received. Writes to *out
/// {"id","create_time","event_type","resource_type","summary","resource":{...},"seen_before",
/// "answer":{...}} or an error {"error":{...,"answer":{...}}}; in both, "answer" is the HTTP
/// answer to send back ({"status","headers","body"}). "seen_before" is true when this client
/// parsed a notification with the same id in the last 5 minutes (a redelivery: act on it once).
/// Free *out with wxpresign_string_free. Thread-safe.
/// Pointers are NULL or valid; headers_json is NUL-terminated; body holds body_len bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_notification_parse(
    client: *const wxpresign_client,
    headers_json: *const c_char,
    body: *const c_char,
    body_len: usize,
    out: *mut *mut c_char,
) -> wxpresign_status {
    let parsed = || {
        let client = unsafe { borrow_client(client)? };
        let headers =
            notification::headers_from_json(unsafe { borrow_str(headers_json, "headers_json")? })?;
        let body = unsafe { borrow_bytes(body, body_len, "body")? };
        let parsed = client.parse_notification(&headers, body)?;
        Ok(envelope::notification(parsed).to_string())
    };
    unsafe { respond_rendered(out, parsed, envelope::error) }
}

/// Like wxpresign_notification_parse, for one notify URL that serves several merchants:
/// `clients` holds `client_count` clients, one per merchant; the one whose WeChat Pay public key
/// or platform certificate is the one the notification's Wechatpay-Serial names verifies and
/// decrypts it. *out also holds "mchid" (that client's merchant) and "client" (its index in
/// `clients`). A serial that none of them holds is a verify error whose "answer" is 401.
/// Free *out with wxpresign_string_free. Thread-safe.
/// `clients` is NULL or holds client_count valid client pointers; otherwise as
/// wxpresign_notification_parse.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wxpresign_notification_parse_any(
    clients: *const *const wxpresign_client,
    client_count: usize,
    headers_json: *const c_char,
    body: *const c_char,
    body_len: usize,
    out: *mut *mut c_char,
) -> wxpresign_status {
    let parsed = || unsafe {
        if clients.is_null() || client_count == 0 {
            return Err(Error::argument("clients is NULL or client_count is 0"));
        }
        // SAFETY: client_count pointers by the caller's contract.
        let handles = std::slice::from_raw_parts(clients, client_count);
        let clients = handles
            .iter()
            .map(|&c| borrow_client(c))
            .collect::<Result<Vec<&Client>, Error>>()?;
        let headers = notification::headers_from_json(borrow_str(headers_json, "headers_json")?)?;
        let body = borrow_bytes(body, body_len, "body")?;
        Ok(envelope::parse_any(&clients, &headers, body)?.to_string())
    };
    // Bad arguments carry the answer to send back too, as every other error does.
    unsafe { respond_rendered(out, parsed, envelope::error) }
}

// ---------------------------------------------------------------------------------------------
// One function per endpoint, generated from the table (tests/ffi_wrappers.rs writes the file, so
// rustfmt leaves it as generated).

// The pages' addresses are written bare, as the C header shows them.
#[allow(rustdoc::bare_urls)]
#[rustfmt::skip]
mod endpoint_functions;
pub use endpoint_functions::*;
