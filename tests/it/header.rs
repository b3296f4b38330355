//! The committed C and PHP headers are the ones cbindgen generates from src/ffi/, and they
//! declare the whole C ABI.

use wxpresign::endpoints;
use wxpresign::ffi::wxpresign_status;

const HEADER: &str = include_str!("../../include/wxpresign.h");

/// True when `name` is declared as a function: the name directly followed by `(`.
fn declares_function(name: &str) -> bool {
    HEADER.match_indices(name).any(|(i, _)| {
        let before = HEADER[..i].chars().next_back();
        let after = &HEADER[i + name.len()..];
        matches!(before, Some(' ' | '*' | '\n')) && after.starts_with('(')
    })
}

/// The header cbindgen generates from src/ffi/ with the configuration `config`.
fn generate(config: &str) -> String {
    let dir = env!("CARGO_MANIFEST_DIR");
    let config = cbindgen::Config::from_file(format!("{dir}/{config}")).expect("a valid config");
    let bindings = cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen reads the crate");
    let mut out = Vec::new();
    bindings.write(&mut out);
    without_last_enumerator_commas(&String::from_utf8(out).expect("UTF-8"))
}

/// C89 allows no comma after an enum's last enumerator, and cbindgen always writes one.
fn without_last_enumerator_commas(header: &str) -> String {
    let lines: Vec<&str> = header.split_inclusive('\n').collect();
    let mut out = String::with_capacity(header.len());
    let mut in_enum = false;
    for (i, line) in lines.iter().enumerate() {
        in_enum |= line.starts_with("typedef enum ") || line.starts_with("enum ");
        let closes = lines.get(i + 1).is_some_and(|next| next.starts_with('}'));
        match line.trim_end().strip_suffix(',') {
            Some(enumerator) if in_enum && closes => {
                out.push_str(enumerator);
                out.push('\n');
            }
            _ => out.push_str(line),
        }
        in_enum &= !line.starts_with('}');
    }
    out
}

/// Compares a committed header with a fresh generation; `WXPRESIGN_BLESS=1` rewrites it.
fn assert_committed(header: &str, config: &str) {
    let path = format!("{}/{header}", env!("CARGO_MANIFEST_DIR"));
    let fresh = generate(config);
    if std::env::var_os("WXPRESIGN_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("writes the header");
    }
    let committed = std::fs::read_to_string(&path).expect("the header is committed");
    assert!(
        committed == fresh,
        "{header} differs from what cbindgen generates from src/ffi/; rewrite it with\n  \
         WXPRESIGN_BLESS=1 cargo test --test it -- header::"
    );
}

#[test]
fn committed_header_matches_the_generated_one() {
    assert_committed("include/wxpresign.h", "cbindgen.toml");
}

/// PHP's FFI::cdef takes the same declarations without preprocessor lines.
/// The header as C89, C99 and C11 programs and C++98 and C++17 ones include it, with every
/// warning an error.
#[test]
fn the_header_compiles_in_every_c_and_cpp_standard() {
    let dir = std::env::temp_dir().join(format!("wxpresign-header-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let program = "#include \"wxpresign.h\"\n\
                   int main(void) { char *out = 0; wxpresign_string_free(out); return WXPRESIGN_OK; }\n";
    let include = format!("-I{}/include", env!("CARGO_MANIFEST_DIR"));
    for (compiler, source, standard) in [
        ("cc", "c89.c", "-std=c89"),
        ("cc", "c99.c", "-std=c99"),
        ("cc", "c11.c", "-std=c11"),
        ("c++", "cpp98.cc", "-std=c++98"),
        ("c++", "cpp17.cc", "-std=c++17"),
    ] {
        std::fs::write(dir.join(source), program).unwrap();
        let output = std::process::Command::new(compiler)
            .args([
                standard,
                "-pedantic",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-fsyntax-only",
            ])
            .arg(&include)
            .arg(dir.join(source))
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run {compiler} ({e}): `make test` installs gcc and g++")
            });
        assert!(
            output.status.success(),
            "include/wxpresign.h does not compile with {compiler} {standard} -pedantic:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn committed_php_header_matches_the_generated_one() {
    assert_committed(
        "bindings/php/include/wxpresign.h",
        "bindings/php/cbindgen.toml",
    );
}

#[test]
fn each_endpoint_function_names_its_official_pages_in_its_comment() {
    for e in endpoints::all() {
        let name = e.c_function();
        let at = HEADER
            .find(&format!(" {name}("))
            .unwrap_or_else(|| panic!("{name} is declared"));
        // The comment block right above the declaration: /** ... */, a " * " line each.
        let comment: Vec<&str> = HEADER[..at]
            .lines()
            .rev()
            .skip(1)
            .skip_while(|l| *l == " */")
            .take_while(|l| l.starts_with(" *"))
            .collect();
        assert!(!e.docs.is_empty(), "{} names no page", e.path);
        for page in e.docs {
            assert!(
                comment.iter().any(|l| l.ends_with(page)),
                "{name}: the header comment names {page}"
            );
        }
    }
}

#[test]
fn header_declares_every_endpoint_function() {
    for e in endpoints::all() {
        let name = e.c_function();
        assert!(
            declares_function(&name),
            "{name} is declared for {}",
            e.path
        );
    }
}

#[test]
fn header_declares_the_lifecycle_and_utility_functions() {
    for name in [
        "wxpresign_client_new",
        "wxpresign_client_free",
        "wxpresign_call",
        "wxpresign_string_free",
        "wxpresign_version",
    ] {
        assert!(declares_function(name), "{name} is declared");
    }
}

#[test]
fn header_status_enum_has_fixed_values_in_order() {
    let expected = [
        ("WXPRESIGN_OK", 0),
        ("WXPRESIGN_ERR_ARGUMENT", 1),
        ("WXPRESIGN_ERR_CONFIG", 2),
        ("WXPRESIGN_ERR_VALIDATION", 3),
        ("WXPRESIGN_ERR_TRANSPORT", 4),
        ("WXPRESIGN_ERR_API", 5),
        ("WXPRESIGN_ERR_VERIFY", 6),
        ("WXPRESIGN_ERR_CRYPTO", 7),
        ("WXPRESIGN_ERR_INTERNAL", 8),
    ];
    let body = HEADER
        .split_once("typedef enum wxpresign_status {")
        .and_then(|(_, rest)| rest.split_once("} wxpresign_status;"))
        .map(|(body, _)| body)
        .expect("the header defines typedef enum wxpresign_status");
    let declared: Vec<(String, i64)> = body
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("WXPRESIGN_"))
        .map(|l| {
            let (name, value) = l
                .trim_end_matches(',')
                .split_once(" = ")
                .unwrap_or_else(|| panic!("enumerator with an explicit value: {l}"));
            let value = value
                .parse()
                .unwrap_or_else(|e| panic!("numeric value in {l}: {e}"));
            (name.to_owned(), value)
        })
        .collect();
    let expected: Vec<(String, i64)> = expected
        .iter()
        .map(|(n, v)| ((*n).to_owned(), *v))
        .collect();
    assert_eq!(declared, expected);
}

#[test]
fn rust_status_enum_has_the_header_values() {
    use wxpresign_status::*;
    let values = [
        WXPRESIGN_OK as i32,
        WXPRESIGN_ERR_ARGUMENT as i32,
        WXPRESIGN_ERR_CONFIG as i32,
        WXPRESIGN_ERR_VALIDATION as i32,
        WXPRESIGN_ERR_TRANSPORT as i32,
        WXPRESIGN_ERR_API as i32,
        WXPRESIGN_ERR_VERIFY as i32,
        WXPRESIGN_ERR_CRYPTO as i32,
        WXPRESIGN_ERR_INTERNAL as i32,
    ];
    assert_eq!(values, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
}

#[test]
fn every_error_kind_maps_to_its_status_code() {
    use wxpresign::Kind;
    for kind in [
        Kind::Argument,
        Kind::Config,
        Kind::Validation,
        Kind::Transport,
        Kind::Api,
        Kind::Verify,
        Kind::Crypto,
        Kind::Internal,
    ] {
        assert_eq!(wxpresign_status::from(kind) as i32, kind as i32, "{kind:?}");
    }
}

#[test]
fn the_c_api_docs_list_every_endpoint_with_its_c_function() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/c-api.md"))
        .expect("docs/c-api.md");
    for e in endpoints::all() {
        let row = format!("| `{}` | `/{}` |", e.c_function(), e.path);
        assert!(
            docs.contains(&row),
            "docs/c-api.md has no row for {}",
            e.path
        );
    }
}

#[test]
fn readme_shows_the_tested_binding_examples_verbatim() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("README.md");
    for (file, fence) in [
        ("bindings/php/examples/presign.php", "php"),
        ("bindings/python/examples/quickstart.py", "python"),
    ] {
        let code = std::fs::read_to_string(format!("{root}/{file}")).expect("the example exists");
        assert!(
            readme.contains(&format!("```{fence}\n{code}```\n")),
            "README.md must show {file} as it is (the binding tests run that file)"
        );
    }
}
