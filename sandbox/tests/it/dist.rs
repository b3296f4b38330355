//! The release archive as a user gets it: `make dist`, the archive checked against its checksum
//! and unpacked in a directory of its own, then each of its parts used from there against
//! `wxpresign sandbox serve`: a C program built with the archive's pkg-config file (and the rpath
//! the docs give), the Python wheel in a fresh venv, the PHP package with its bundled library,
//! and the `wxpresign` command. Needs make, tar, sha256sum, pkg-config, cc, php and python3 with
//! venv (`make test` installs them), and the package index for the wheel's build requirements.
#![cfg(target_os = "linux")]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common;
use crate::served;
use common::process::{Scratch, python_calls_the_sandbox, run, venv_with};
use served::Served;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const SONAME: &str = concat!("libwxpresign.so.", env!("CARGO_PKG_VERSION_MAJOR"));

fn manifest() -> &'static Path {
    common::process::repository()
}

fn host_triple() -> String {
    let output = Command::new("rustc").arg("-vV").output().unwrap();
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

/// Runs `command` in `dir` (a shell line, for the `$(pkg-config ...)` a user types); its output.
fn shell(dir: &Path, line: &str, env: &[(&str, &Path)]) -> String {
    let mut command = Command::new("sh");
    command
        .args(["-c", line])
        .current_dir(dir)
        .env_remove("LD_LIBRARY_PATH");
    for (name, value) in env {
        command.env(name, value);
    }
    let (status, output, _) = run(command, Duration::from_secs(120));
    assert!(status.success(), "`{line}` failed ({status}):\n{output}");
    output
}

fn files_under(dir: &Path, prefix: &Path, into: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let relative = path.strip_prefix(prefix).unwrap().display().to_string();
        if entry.file_type().unwrap().is_dir() {
            files_under(&path, prefix, into);
        } else {
            into.push(relative);
        }
    }
}

fn presign_token(envelope: &Value) -> &str {
    assert_eq!(envelope["status"], 200, "{envelope}");
    envelope["data"]["presign_token"]
        .as_str()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| panic!("no presign_token in {envelope}"))
}

#[test]
fn make_dist_builds_an_archive_whose_parts_work_where_it_is_unpacked() {
    let scratch = Scratch::new("dist");
    let distdir = scratch.0.join("dist");
    let mut make = Command::new("make");
    make.arg("-C")
        .arg(manifest())
        .arg("--no-print-directory")
        .arg("dist")
        .arg(format!("DISTDIR={}", distdir.display()))
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("PIP_ROOT_USER_ACTION", "ignore");
    let wheel_build = crate::one_wheel_build_at_a_time();
    let (status, output, elapsed) = run(make, Duration::from_secs(1200));
    drop(wheel_build);
    println!("--- make dist ({elapsed:.1?}) ---\n{output}");
    assert!(status.success(), "make dist failed ({status})");

    let name = format!("wxpresign-{VERSION}-{}", host_triple());
    let archive = format!("{name}.tar.gz");
    shell(&distdir, &format!("sha256sum -c {archive}.sha256"), &[]);

    // Unpacked away from the build, so nothing can reach back into the checkout or target/.
    let unpacked = scratch.0.join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    shell(
        &unpacked,
        &format!("tar xzf {}", distdir.join(&archive).display()),
        &[],
    );
    let root = unpacked.join(&name);
    let sums = shell(&root, "sha256sum -c SHA256SUMS", &[]);

    let mut files = Vec::new();
    files_under(&root, &root, &mut files);
    let wheel = format!(
        "python/wxpresign-{VERSION}-cp38-abi3-linux_{}.whl",
        std::env::consts::ARCH
    );
    for expected in [
        format!("lib/libwxpresign.so.{VERSION}"),
        format!("lib/{SONAME}"),
        "lib/libwxpresign.so".to_owned(),
        "lib/libwxpresign.a".to_owned(),
        "lib/pkgconfig/wxpresign.pc".to_owned(),
        "include/wxpresign.h".to_owned(),
        "bin/wxpresign".to_owned(),
        wheel.clone(),
        "php/composer.json".to_owned(),
        "php/lib/libwxpresign.so".to_owned(),
        "php/include/wxpresign.h".to_owned(),
        "php/LICENSE".to_owned(),
        "LICENSE".to_owned(),
        "docs/c-api.md".to_owned(),
    ] {
        assert!(
            files.contains(&expected),
            "{expected} is not in {archive}: {files:?}"
        );
    }
    // The links as the loader and the linker follow them.
    let link = |from: &str| std::fs::read_link(root.join("lib").join(from)).unwrap();
    assert_eq!(
        link(SONAME),
        PathBuf::from(format!("libwxpresign.so.{VERSION}"))
    );
    assert_eq!(link("libwxpresign.so"), PathBuf::from(SONAME));
    // Every regular file is in SHA256SUMS, and checked.
    for file in files.iter().filter(|f| *f != "SHA256SUMS") {
        let path = root.join(file);
        if path.is_symlink() {
            continue;
        }
        assert!(
            sums.contains(&format!("{file}: OK")),
            "{file} is not in SHA256SUMS:\n{sums}"
        );
    }

    let served = Served::start("dist-sandbox");
    let work = scratch.0.join("work");
    std::fs::create_dir_all(&work).unwrap();

    // The command.
    let endpoints = shell(
        &work,
        &format!("{} endpoints --json", root.join("bin/wxpresign").display()),
        &[],
    );
    let table: Value = serde_json::from_str(&endpoints).unwrap();
    assert_eq!(
        table.as_array().map(Vec::len),
        Some(wxpresign::endpoints::all().count()),
        "{endpoints}"
    );

    // C: the archive's .pc from where it was unpacked, and the rpath the docs give, so the
    // program runs with no LD_LIBRARY_PATH and nothing installed on the system.
    let pkgconfig = root.join("lib/pkgconfig");
    std::fs::copy(
        manifest().join("bindings/c/example.c"),
        work.join("example.c"),
    )
    .unwrap();
    shell(
        &work,
        "cc -std=c11 -Wall -Werror example.c -o example $(pkg-config --cflags --libs wxpresign) \
         -Wl,-rpath,$(pkg-config --variable=libdir wxpresign)",
        &[("PKG_CONFIG_PATH", &pkgconfig)],
    );
    let output = shell(
        &work,
        &format!("./example {}", served.config_path().display()),
        &[],
    );
    let envelope: Value = output
        .lines()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("example printed no envelope:\n{output}"));
    presign_token(&envelope);
    let linked = shell(&work, "ldd ./example", &[]);
    let loaded = linked
        .lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{SONAME} => ")))
        .and_then(|l| l.split(" (").next())
        .unwrap_or_else(|| panic!("example does not link {SONAME}:\n{linked}"));
    assert_eq!(
        std::fs::canonicalize(loaded).unwrap(),
        std::fs::canonicalize(root.join("lib").join(SONAME)).unwrap(),
        "example does not load the archive's library:\n{linked}"
    );

    // Python: the wheel, in a fresh venv.
    let interpreter = venv_with(&scratch.0.join("venv"), &root.join(&wheel));
    let [_, library, envelope] =
        python_calls_the_sandbox(&interpreter, &served.config_path(), &work);
    assert!(
        library.ends_with("/site-packages/wxpresign/libwxpresign.abi3.so"),
        "{library}"
    );
    presign_token(&serde_json::from_str(&envelope).unwrap());

    // PHP: the package as a user copies it, finding the library bundled in its lib/.
    let php = root.join("php");
    let script = "require getenv('PACKAGE') . '/autoload.php';\n\
                  echo \\Wxpresign\\Library::load()->source, PHP_EOL;\n\
                  $client = new \\Wxpresign\\Client(getenv('WXPRESIGN_CONFIG'));\n\
                  $request = json_decode(getenv('REQUEST'), true);\n\
                  $answer = $client->v3->eduPapay->contracts->presign->post(['json' => $request]);\n\
                  echo json_encode($answer), PHP_EOL;\n";
    let request = wxpresign::endpoints::find("v3/edu-papay/contracts/presign")
        .unwrap()
        .example;
    let mut command = Command::new("php");
    command
        .args(["-d", "ffi.enable=1", "-r", script])
        .current_dir(&work)
        .env("PACKAGE", &php)
        .env("WXPRESIGN_CONFIG", served.config_path())
        .env("REQUEST", request)
        .env_remove("WXPRESIGN_LIBRARY")
        .env_remove("LD_LIBRARY_PATH");
    let (status, output, _) = run(command, Duration::from_secs(60));
    println!("--- the PHP package ---\n{output}");
    assert!(status.success(), "the PHP package failed:\n{output}");
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(
        Path::new(lines[0]),
        php.join("lib/libwxpresign.so"),
        "the PHP package did not load its bundled library"
    );
    presign_token(&serde_json::from_str(lines[1]).unwrap());
}
