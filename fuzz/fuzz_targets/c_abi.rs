//! The C ABI driven as a C program would: the first byte picks the operation, the second is an
//! argument (which endpoint function, which pointers are NULL), and the rest holds up to two
//! NUL-terminated strings followed by raw bytes. Every status must come with an out-string that
//! is valid JSON (an error envelope of the matching kind unless OK), and every string is freed,
//! so that LeakSanitizer sees what the library keeps.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::ffi::c_char;
use std::ffi::{CStr, CString};
use std::ptr;
use std::sync::OnceLock;
use wxpresign::ffi::{self, wxpresign_client, wxpresign_status};
use wxpresign_fuzz::{closed_base_url, config, config_files_are_small_regular_files};

/// Each endpoint function with the path it must behave exactly like through wxpresign_call.
static FUNCTIONS: &[(&str, ffi::wxpresign_endpoint_fn)] = ffi::ENDPOINT_FUNCTIONS;

/// One client for the whole run, made through the C ABI (freed by the process exit).
fn client() -> *const wxpresign_client {
    static CLIENT: OnceLock<usize> = OnceLock::new();
    *CLIENT.get_or_init(|| {
        assert_eq!(
            FUNCTIONS.len(),
            wxpresign::endpoints::all().count(),
            "the table of endpoint functions is out of date"
        );
        let text = CString::new(config(closed_base_url(), false).to_string()).expect("no NUL");
        let mut client = ptr::null_mut();
        let mut error = ptr::null_mut();
        // SAFETY: valid pointers.
        let status = unsafe { ffi::wxpresign_client_new(text.as_ptr(), &mut client, &mut error) };
        assert_eq!(status, wxpresign_status::WXPRESIGN_OK);
        assert!(error.is_null() && !client.is_null());
        client as usize
    }) as *const wxpresign_client
}

/// An answer or error with the times of its trace zeroed: two calls take their own time.
fn without_times(mut value: Value) -> Value {
    let trace = match value.get_mut("error") {
        Some(error) => error.get_mut("trace"),
        None => value.get_mut("trace"),
    };
    if let Some(trace) = trace {
        trace["elapsed_ms"] = 0.into();
        if let Some(attempts) = trace["attempts"].as_array_mut() {
            for attempt in attempts {
                attempt["elapsed_ms"] = 0.into();
            }
        }
    }
    value
}

fn kind_name(status: wxpresign_status) -> &'static str {
    use wxpresign_status::*;
    match status {
        WXPRESIGN_OK => "ok",
        WXPRESIGN_ERR_ARGUMENT => "argument",
        WXPRESIGN_ERR_CONFIG => "config",
        WXPRESIGN_ERR_VALIDATION => "validation",
        WXPRESIGN_ERR_TRANSPORT => "transport",
        WXPRESIGN_ERR_API => "api",
        WXPRESIGN_ERR_VERIFY => "verify",
        WXPRESIGN_ERR_CRYPTO => "crypto",
        WXPRESIGN_ERR_INTERNAL => "internal",
    }
}

/// Checks and frees an out-string; returns its JSON.
fn take(status: wxpresign_status, out: *mut c_char) -> Value {
    assert!(!out.is_null(), "status {status:?} without an out-string");
    // SAFETY: a string handed out by the library, not yet freed.
    let text = unsafe { CStr::from_ptr(out) }
        .to_str()
        .expect("out-strings are UTF-8")
        .to_owned();
    // SAFETY: as above; freed exactly once.
    unsafe { ffi::wxpresign_string_free(out) };
    let value: Value = serde_json::from_str(&text).expect("out-strings are JSON");
    assert_ne!(
        status,
        wxpresign_status::WXPRESIGN_ERR_INTERNAL,
        "a bug: {text}"
    );
    if status != wxpresign_status::WXPRESIGN_OK {
        assert_eq!(value["error"]["kind"], kind_name(status), "{text}");
        assert!(value["error"]["message"].is_string(), "{text}");
    }
    value
}

/// A C string of `bytes` (which hold no NUL: they come from a split at NUL).
fn c(bytes: &[u8]) -> CString {
    CString::new(bytes).expect("split at NUL")
}

fuzz_target!(|data: &[u8]| {
    let [op, arg, rest @ ..] = data else {
        return;
    };
    let mut parts = rest.splitn(3, |&b| b == 0);
    let first = parts.next().unwrap_or_default();
    let second = parts.next().unwrap_or_default();
    let tail = parts.next().unwrap_or_default();
    let client = client();

    match op % 6 {
        0 => client_new(first, arg & 1 == 1),
        1 => {
            // Any endpoint path, any request.
            let (endpoint, request) = (c(first), c(second));
            let mut out = ptr::null_mut();
            // SAFETY: valid pointers and NUL-terminated strings.
            let status = unsafe {
                ffi::wxpresign_call(client, endpoint.as_ptr(), request.as_ptr(), &mut out)
            };
            assert_ne!(
                status,
                wxpresign_status::WXPRESIGN_OK,
                "a closed port answered"
            );
            take(status, out);
        }
        2 => {
            // An endpoint function and wxpresign_call with its path give the same answer.
            let (path, function) = FUNCTIONS[*arg as usize % FUNCTIONS.len()];
            let request = c(first);
            let path_c = CString::new(path).expect("no NUL");
            let (mut a, mut b) = (ptr::null_mut(), ptr::null_mut());
            // SAFETY: valid pointers and NUL-terminated strings.
            let (sa, sb) = unsafe {
                (
                    function(client, request.as_ptr(), &mut a),
                    ffi::wxpresign_call(client, path_c.as_ptr(), request.as_ptr(), &mut b),
                )
            };
            assert_eq!(sa, sb, "{path}");
            let (va, vb) = (take(sa, a), take(sb, b));
            assert_eq!(without_times(va), without_times(vb), "{path}");
        }
        3 => {
            // A notification: headers JSON and the raw body (which may hold NUL bytes).
            let headers = c(first);
            let body: Vec<u8> = if tail.is_empty() {
                second.to_vec()
            } else {
                [second, &b"\0"[..], tail].concat()
            };
            let mut out = ptr::null_mut();
            // SAFETY: valid pointers; body holds body.len() bytes.
            let status = unsafe {
                ffi::wxpresign_notification_parse(
                    client,
                    headers.as_ptr(),
                    body.as_ptr().cast(),
                    body.len(),
                    &mut out,
                )
            };
            let value = take(status, out);
            let answer = if status == wxpresign_status::WXPRESIGN_OK {
                &value["answer"]
            } else {
                &value["error"]["answer"]
            };
            assert!(answer["status"].is_u64(), "{value}");
        }
        4 => null_arguments(*arg, first, second),
        _ => {
            let mut out = ptr::null_mut();
            // SAFETY: valid pointer.
            let status = unsafe { ffi::wxpresign_endpoints(&mut out) };
            assert_eq!(status, wxpresign_status::WXPRESIGN_OK);
            let table = take(status, out);
            assert_eq!(table.as_array().map(Vec::len), Some(FUNCTIONS.len()));
            // SAFETY: a static NUL-terminated string.
            let version = unsafe { CStr::from_ptr(ffi::wxpresign_version()) };
            assert!(!version.to_bytes().is_empty());
            // SAFETY: NULL is a no-op for both.
            unsafe {
                ffi::wxpresign_string_free(ptr::null_mut());
                ffi::wxpresign_client_free(ptr::null_mut());
            }
        }
    }
});

/// wxpresign_client_new with any text; on success the client is freed again.
fn client_new(text: &[u8], error_out_null: bool) {
    if std::str::from_utf8(text).is_ok_and(|t| !config_files_are_small_regular_files(t)) {
        return;
    }
    let text = c(text);
    let mut client = ptr::null_mut();
    let mut error: *mut c_char = ptr::null_mut();
    let error_out = if error_out_null {
        ptr::null_mut()
    } else {
        &mut error as *mut _
    };
    // SAFETY: valid pointers or NULL, a NUL-terminated string.
    let status = unsafe { ffi::wxpresign_client_new(text.as_ptr(), &mut client, error_out) };
    if status == wxpresign_status::WXPRESIGN_OK {
        assert!(
            !client.is_null() && error.is_null(),
            "nothing is written to error_out on success"
        );
        // SAFETY: a client from wxpresign_client_new, freed once.
        unsafe { ffi::wxpresign_client_free(client) };
    } else {
        assert!(
            client.is_null(),
            "a failed wxpresign_client_new wrote a client"
        );
        if error_out_null {
            assert!(error.is_null());
        } else {
            take(status, error);
        }
    }
}

/// The functions with NULL in the pointers `mask` selects: an argument error, never a crash.
fn null_arguments(mask: u8, first: &[u8], second: &[u8]) {
    let (a, b) = (c(first), c(second));
    let pick = |bit: u8, p: *const c_char| if mask & bit != 0 { ptr::null() } else { p };
    let client = if mask & 1 != 0 { ptr::null() } else { client() };
    let mut out = ptr::null_mut();
    let out_ptr: *mut *mut c_char = if mask & 8 != 0 {
        ptr::null_mut()
    } else {
        &mut out
    };
    // SAFETY: each pointer is NULL or valid.
    let status = unsafe {
        if mask & 16 == 0 {
            ffi::wxpresign_call(client, pick(2, a.as_ptr()), pick(4, b.as_ptr()), out_ptr)
        } else {
            ffi::wxpresign_notification_parse(
                client,
                pick(2, a.as_ptr()),
                pick(4, b.as_ptr()),
                second.len(),
                out_ptr,
            )
        }
    };
    if mask & 8 != 0 {
        assert_eq!(status, wxpresign_status::WXPRESIGN_ERR_ARGUMENT);
        assert!(out.is_null());
    } else {
        if mask & 7 != 0 {
            assert_eq!(status, wxpresign_status::WXPRESIGN_ERR_ARGUMENT);
        }
        take(status, out);
    }
    if mask & 32 != 0 {
        let mut client_out = ptr::null_mut();
        let mut error = ptr::null_mut();
        let config = if mask & 64 != 0 {
            ptr::null()
        } else {
            a.as_ptr()
        };
        let client_out_ptr: *mut *mut wxpresign_client = if mask & 128 != 0 {
            ptr::null_mut()
        } else {
            &mut client_out
        };
        if config.is_null() || client_out_ptr.is_null() {
            // SAFETY: each pointer is NULL or valid.
            let status = unsafe { ffi::wxpresign_client_new(config, client_out_ptr, &mut error) };
            assert_eq!(status, wxpresign_status::WXPRESIGN_ERR_ARGUMENT);
            assert!(client_out.is_null());
            take(status, error);
        }
    }
}
