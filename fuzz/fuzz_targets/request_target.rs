//! The path check of any APIv3 call (`Client::request`): the first byte picks the method from a
//! few names and arbitrary bytes, the rest is the path and query. A path is accepted only when it
//! is one the server receives exactly as given: starting /v3/, printable ASCII without space, `#`
//! or backslash, no dot or empty segment (with %2e decoded); anything else is an argument error
//! naming the path (a validation error for one that looks like a pre-sign path), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxpresign::Kind;
use wxpresign::request::{Method, Target};
use wxpresign_fuzz::check_error;

const METHODS: &[&str] = &["GET", "post", "Put", "PATCH", "delete", "HEAD", "", "G\u{0}T"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let method = METHODS[usize::from(pick) % METHODS.len()];
    match Method::parse(method) {
        Ok(m) => assert!(m.as_str().eq_ignore_ascii_case(method), "{method}"),
        Err(e) => {
            check_error(&e);
            assert_eq!(e.kind(), Kind::Argument);
        }
    }
    let Ok(path) = std::str::from_utf8(rest) else {
        return;
    };
    match Target::parse(path) {
        Ok(target) => {
            let sent = &target.path_and_query;
            assert!(sent.starts_with("/v3/"), "{sent}");
            assert!(sent.bytes().all(|b| b.is_ascii_graphic() && b != b'#' && b != b'\\'), "{sent}");
            let only_path = sent.split('?').next().unwrap_or_default();
            for segment in only_path.split('/').skip(1) {
                let dots = segment.to_ascii_lowercase().replace("%2e", ".");
                assert!(!segment.is_empty() && dots != "." && dots != "..", "{sent}");
            }
            // What is sent is what was given, with a leading slash.
            assert_eq!(sent.trim_start_matches('/'), path.trim_start_matches('/'));
        }
        Err(e) => {
            check_error(&e);
            // A path that looks like a pre-sign endpoint's is refused as a validation error.
            let lookalike =
                e.kind() == Kind::Validation && e.message().contains("did you mean /v3/");
            assert!(e.kind() == Kind::Argument || lookalike, "{}", e.to_json());
            assert!(e.message().starts_with("path \""), "{}", e.message());
        }
    }
});
