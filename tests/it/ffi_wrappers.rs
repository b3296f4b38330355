//! The per-endpoint C functions are generated from the endpoint table: src/ffi/endpoints.rs is
//! what `render` writes (tests/c/endpoints.h, the C test's list, what `render_c` writes), and
//! each exported function reaches its own table row's path.
//!
//! After changing the table: `WXPRESIGN_BLESS=1 cargo test --test it -- ffi_wrappers::` rewrites
//! the file (cbindgen then regenerates the header on the next build).

use crate::common;

use common::process::{Scratch, shared_library};
use std::ffi::{CStr, CString, c_char, c_void};
use std::sync::{Arc, Mutex};
use wxpresign::endpoints::{self, Endpoint};
use wxpresign::schema::{Field, Type};
use wxpresign_sandbox::Identity;
use wxpresign_sandbox::http_server::{HttpServer, Reply};

const GENERATED: &str = "src/ffi/endpoint_functions.rs";
const GENERATED_C: &str = "tests/c/endpoints.h";

/// The dotted names of the encrypted members of `fields`, at any depth.
fn encrypted(fields: &[Field], prefix: &str) -> Vec<String> {
    fields
        .iter()
        .flat_map(|f| {
            let name = format!("{prefix}{}", f.name);
            let mut found = if f.encrypted {
                vec![name.clone()]
            } else {
                Vec::new()
            };
            if let Type::Object(inner) | Type::ObjectArray(inner) = f.ty {
                found.extend(encrypted(inner, &format!("{name}.")));
            }
            found
        })
        .collect()
}

fn render_one(e: &Endpoint) -> String {
    let mut comment: String = e
        .docs
        .iter()
        .map(|page| format!("/// WeChat Pay: {page}\n"))
        .collect();
    let secret = encrypted(e.request, "");
    if !secret.is_empty() {
        comment.push_str(&format!(
            "/// Pass {} in plaintext: the library encrypts them.\n",
            secret.join(", ")
        ));
    }
    // rustfmt's layout: a path too long for one line goes on a line of its own.
    let path = if e.path.len() + 19 > 100 {
        format!("Ok(\n                \"{}\",\n            )", e.path)
    } else {
        format!("Ok(\"{}\")", e.path)
    };
    let names = |fields: &[Field]| fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
    for (fields, place) in [(e.path_params, "the path"), (e.query, "the query string")] {
        if !fields.is_empty() {
            comment.push_str(&format!(
                "/// request_json carries {} as members: the library puts them in {place}.\n",
                names(fields)
            ));
        }
    }
    format!(
        "
/// {method} /{full} (as wxpresign_call).
{comment}#[unsafe(no_mangle)]
pub unsafe extern \"C\" fn {name}(
    client: *const wxpresign_client,
    request_json: *const c_char,
    out: *mut *mut c_char,
) -> wxpresign_status {{
    unsafe {{
        call_path(
            client,
            {path},
            request_json,
            out,
        )
    }}
}}
",
        method = e.method.as_str(),
        full = e.path,
        name = e.c_function(),
    )
}

/// The generated module, from the table.
fn render() -> String {
    let mut out = String::from(
        "//! One `extern \"C\"` function per endpoint, each wxpresign_call with its path fixed.
//! Generated from the endpoint table by tests/ffi_wrappers.rs: do not edit; after a change to
//! the table, `WXPRESIGN_BLESS=1 cargo test --test ffi_wrappers` rewrites it.

use super::{call_path, wxpresign_client, wxpresign_status};
use libc::c_char;
",
    );
    for e in endpoints::all() {
        out.push_str(&render_one(e));
    }
    out.push_str(
        "
/// The type of every endpoint function.
pub type wxpresign_endpoint_fn =
    unsafe extern \"C\" fn(*const wxpresign_client, *const c_char, *mut *mut c_char) -> wxpresign_status;

/// Every endpoint function with its path, in the table's order (for Rust callers and tests).
pub static ENDPOINT_FUNCTIONS: &[(&str, wxpresign_endpoint_fn)] = &[
",
    );
    for e in endpoints::all() {
        out.push_str(&format!("    (\"{}\", {}),\n", e.path, e.c_function()));
    }
    out.push_str("];\n");
    out
}

/// The C test's list of pre-sign functions (the ones the sandbox answers), each with the answer
/// member that matters.
fn render_c() -> String {
    let mut out = String::from(
        "/* Generated from the endpoint table by tests/it/ffi_wrappers.rs: do not edit. */\n",
    );
    for e in endpoints::presigns() {
        let answer = e.answer.first().copied().unwrap_or("");
        out.push_str(&format!("ENDPOINT({}, \"{answer}\"),\n", e.c_function()));
    }
    out
}

/// Compares (or with WXPRESIGN_BLESS, writes) one generated file.
fn check_generated(relative: &str, fresh: &str) {
    let path = format!("{}/{relative}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("WXPRESIGN_BLESS").is_some() {
        std::fs::write(&path, fresh).expect("writes the generated file");
    }
    let committed = std::fs::read_to_string(&path).expect("the generated file is committed");
    assert!(
        committed == fresh,
        "{relative} differs from what the endpoint table generates; rewrite it with\n  \
         WXPRESIGN_BLESS=1 cargo test --test it -- ffi_wrappers::"
    );
}

#[test]
fn the_committed_endpoint_functions_are_the_ones_the_table_generates() {
    check_generated(GENERATED, &render());
}

#[test]
fn the_c_test_s_endpoint_list_is_the_one_the_table_generates() {
    check_generated(GENERATED_C, &render_c());
}

/// Where the example of `endpoint` is sent: each `{name}` of the path filled with the example's
/// member (the examples' values need no encoding; a number stands as its digits), the query
/// members it gives after a `?`.
fn example_target(endpoint: &Endpoint) -> String {
    let example: serde_json::Value = serde_json::from_str(endpoint.example).expect("JSON");
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::Number(n) => n.to_string(),
        other => other.as_str().expect("a string or a number").to_owned(),
    };
    let mut target = format!("/{}", endpoint.path);
    for field in endpoint.path_params {
        let value = text(&example[field.name]);
        target = target.replace(&format!("{{{}}}", field.name), &value);
    }
    let query: Vec<String> = endpoint
        .query
        .iter()
        .filter(|f| example.get(f.name).is_some())
        .map(|f| format!("{}={}", f.name, text(&example[f.name])))
        .collect();
    if !query.is_empty() {
        target = format!("{target}?{}", query.join("&"));
    }
    target
}

/// A server that records the path of every request and answers each with a signed `{}`.
fn recording_server(identity: &Arc<Identity>) -> (HttpServer, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (record, identity) = (Arc::clone(&seen), Arc::clone(identity));
    let server = HttpServer::bind("127.0.0.1:0", move |request| {
        record
            .lock()
            .expect("not poisoned")
            .push(request.target.clone());
        let body = b"{}".to_vec();
        let mut headers = vec![
            ("Content-Type", "application/json".to_owned()),
            ("Request-ID", "wrapper-test".to_owned()),
        ];
        headers.extend(identity.signature_headers(&body).expect("signs"));
        Reply::new(200, headers, body)
    })
    .expect("a loopback port");
    (server, seen)
}

type NewClient = unsafe extern "C" fn(*const c_char, *mut *mut c_void, *mut *mut c_char) -> i32;
type Call = unsafe extern "C" fn(*const c_void, *const c_char, *mut *mut c_char) -> i32;
type FreeString = unsafe extern "C" fn(*mut c_char);

/// A symbol of the shared library, as a function of type `F`.
unsafe fn symbol<F: Copy>(library: *mut c_void, name: &str) -> F {
    let c_name = CString::new(name).expect("no NUL");
    // SAFETY: `library` came from dlopen; the name is NUL-terminated.
    let address = unsafe { libc::dlsym(library, c_name.as_ptr()) };
    assert!(!address.is_null(), "libwxpresign exports {name}");
    // SAFETY: the caller names the function's true type.
    unsafe { std::mem::transmute_copy(&address) }
}

#[test]
fn each_exported_endpoint_function_sends_to_its_own_table_path() {
    let (identity, merchant_key) = Identity::generate().expect("keys");
    let identity = Arc::new(identity);
    let (server, seen) = recording_server(&identity);
    let base_url = format!("http://{}", server.addr());
    let config = identity
        .client_config(&merchant_key, &base_url)
        .expect("config")
        .to_string();

    let scratch = Scratch::new("ffi-wrappers");
    let lib = shared_library(&scratch.0).join(format!(
        "{}wxpresign{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    let lib = CString::new(lib.to_string_lossy().as_bytes()).expect("a path");
    // SAFETY: a library built by this cargo run; RTLD_NOW resolves everything up front.
    let library = unsafe { libc::dlopen(lib.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    assert!(!library.is_null(), "dlopen libwxpresign");
    unsafe {
        let new_client: NewClient = symbol(library, "wxpresign_client_new");
        let free_string: FreeString = symbol(library, "wxpresign_string_free");
        let config = CString::new(config).expect("no NUL");
        let mut client = std::ptr::null_mut();
        let mut error = std::ptr::null_mut();
        assert_eq!(new_client(config.as_ptr(), &mut client, &mut error), 0);

        for endpoint in endpoints::all() {
            let call: Call = symbol(library, &endpoint.c_function());
            let request = CString::new(endpoint.example).expect("no NUL");
            let mut out = std::ptr::null_mut();
            let status = call(client, request.as_ptr(), &mut out);
            let answer = CStr::from_ptr(out).to_string_lossy().into_owned();
            free_string(out);
            assert_eq!(status, 0, "{}: {answer}", endpoint.c_function());
            let reached = seen.lock().expect("not poisoned").pop();
            assert_eq!(
                reached.as_deref(),
                Some(example_target(endpoint).as_str()),
                "{} sent to the wrong path",
                endpoint.c_function()
            );
        }
        let free_client: unsafe extern "C" fn(*mut c_void) =
            symbol(library, "wxpresign_client_free");
        free_client(client);
    }
}
