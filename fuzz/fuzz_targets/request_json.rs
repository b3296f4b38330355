//! A request as a caller writes it. The first byte picks the endpoint (and whether unknown fields
//! are allowed); the rest is the request JSON. It goes through parsing, schema validation, field
//! encryption and serialization, then through `Client::call` against a closed port, which must
//! agree with those steps and fail only at connect for a valid request.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::sync::OnceLock;
use wxpresign::encryption::encrypt_fields;
use wxpresign::endpoints::{self, Endpoint};
use wxpresign::validation::{parse_request, validate};
use wxpresign::{Kind, Response};
use wxpresign_fuzz::{check_error, closed_client, official_public_key};

fn table() -> &'static [&'static Endpoint] {
    static TABLE: OnceLock<Vec<&'static Endpoint>> = OnceLock::new();
    TABLE.get_or_init(|| endpoints::all().collect())
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let table = table();
    let endpoint = table[selector as usize % table.len()];
    let allow_unknown = (selector as usize / table.len()) % 2 == 1;
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };

    // The lookup by path, with and without the leading slash, finds this very entry.
    assert!(std::ptr::eq(
        endpoints::find(endpoint.path).unwrap(),
        endpoint
    ));
    let slashed = format!("/{}", endpoint.path);
    assert!(std::ptr::eq(endpoints::find(&slashed).unwrap(), endpoint));

    let outcome = core(endpoint, text, allow_unknown);
    let call = closed_client(allow_unknown).call(endpoint.path, text);
    match (outcome, call) {
        (_, Ok(Response { status, .. })) => {
            panic!("a call to a closed port answered {status}")
        }
        (Err(expected), Err(e)) => {
            check_error(&e);
            assert_eq!(e.kind(), expected, "{}", e.to_json());
        }
        (Ok(()), Err(e)) => {
            // Validated, encrypted and signed: only the connection can have failed.
            check_error(&e);
            assert_eq!(e.kind(), Kind::Transport, "{}", e.to_json());
            assert_eq!(
                e.to_json()["error"]["may_have_reached_server"],
                false,
                "{}",
                e.to_json()
            );
        }
    }
});

/// The steps of a call before it is sent; `Err(kind)` is the kind the call must fail with.
fn core(endpoint: &Endpoint, text: &str, allow_unknown: bool) -> Result<(), Kind> {
    let request = match parse_request(text) {
        Ok(request) => request,
        Err(e) => {
            check_error(&e);
            assert_eq!(e.kind(), Kind::Argument, "{}", e.to_json());
            return Err(Kind::Argument);
        }
    };
    // The whole request (path, query and body members), then its split into path and body.
    let checked = validate(&endpoint.members(), endpoint.rules, &request, allow_unknown)
        .and_then(|()| endpoint.build(&request));
    let built = match checked {
        Ok(built) => built,
        Err(e) => {
            check_error(&e);
            assert_eq!(e.kind(), Kind::Validation, "{}", e.to_json());
            let field = e.field().expect("a field pointer");
            assert!(
                field.is_empty() || field.starts_with('/'),
                "pointer {field:?}"
            );
            return Err(Kind::Validation);
        }
    };
    assert!(built.target.starts_with("/v3/"), "{}", built.target);

    // What is signed re-parses to what the caller wrote (floats aside: serde_json's default
    // parser may round them differently on a second pass).
    let plain = serde_json::to_vec(&request).expect("a parsed request serializes");
    let back = parse_request(std::str::from_utf8(&plain).expect("serde_json writes UTF-8"))
        .expect("a serialized request re-parses");
    if !has_float(&request) {
        assert_eq!(back, request, "serialization changed the request");
    }

    // Every valid request encrypts (validation bounds encrypted fields to what OAEP takes).
    let mut encrypted = built.body.unwrap_or_default();
    encrypt_fields(endpoint.request, &mut encrypted, official_public_key())
        .expect("a valid request encrypts");
    let sent = serde_json::to_vec(&encrypted).expect("an encrypted request serializes");
    parse_request(std::str::from_utf8(&sent).expect("UTF-8")).expect("the sent body re-parses");
    Ok(())
}

fn has_float(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(members) => members.values().any(has_float),
        _ => false,
    }
}
