//! The C package as a C user gets it: `make install` into a staging directory (with the library
//! `cargo test` just built), then bindings/c/example.c and memory.c built through pkg-config by
//! bindings/c/Makefile, and run against `wxpresign sandbox serve`. Needs make and pkg-config
//! (.ci/run installs them).
#![cfg(target_os = "linux")]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common;
use crate::served;
use common::process::{Scratch, run, shared_library};
use served::Served;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const SONAME: &str = concat!("libwxpresign.so.", env!("CARGO_PKG_VERSION_MAJOR"));

fn manifest() -> &'static Path {
    common::process::repository()
}

/// A `make install DESTDIR=<scratch>/stage PREFIX=/usr` of the libraries this `cargo test` built.
struct Installed {
    scratch: Scratch,
    libdir: PathBuf,
}

impl Installed {
    fn new(name: &str) -> Installed {
        for tool in ["make", "pkg-config", "readelf"] {
            let found = Command::new(tool).arg("--version").output();
            assert!(
                found.is_ok_and(|o| o.status.success()),
                "{tool} is needed by sandbox/tests/it/c_package.rs: apt-get install make pkg-config \
                 binutils (.ci/run installs them)"
            );
        }
        let scratch = Scratch::new(name);
        let dir = scratch.0.clone();
        std::fs::create_dir_all(dir.join("build")).unwrap();

        let library = shared_library(&dir).join("libwxpresign.so");
        // The static library sits next to the shared one that cargo test built (see shared_library).
        let exe = std::env::current_exe().unwrap();
        let deps = exe.parent().unwrap();
        let staticlib = [deps, deps.parent().unwrap()]
            .iter()
            .map(|d| d.join("libwxpresign.a"))
            .find(|p| p.is_file())
            .expect("libwxpresign.a is built: the lib target must keep crate-type staticlib");

        let mut make = Command::new("make");
        make.arg("-C")
            .arg(manifest())
            .arg("install")
            .arg(format!("DESTDIR={}", dir.join("stage").display()))
            .arg("PREFIX=/usr")
            .arg(format!("LIBRARY={}", library.display()))
            .arg(format!("STATICLIB={}", staticlib.display()));
        let (status, output, elapsed) = run(make, Duration::from_secs(120));
        println!("--- make install ({elapsed:.1?}) ---\n{output}");
        assert!(status.success(), "make install failed: {status}");
        Installed {
            libdir: dir.join("stage/usr/lib"),
            scratch,
        }
    }

    fn build_dir(&self) -> PathBuf {
        self.scratch.0.join("build")
    }

    /// pkg-config reading the staged wxpresign.pc, relocated to the stage by --define-prefix.
    fn pkg_config(&self) -> Command {
        let mut command = Command::new("pkg-config");
        command
            .arg("--define-prefix")
            .env("PKG_CONFIG_PATH", self.libdir.join("pkgconfig"))
            .env_remove("PKG_CONFIG_SYSROOT_DIR")
            .env_remove("PKG_CONFIG_LIBDIR");
        command
    }

    /// Builds `targets` of bindings/c/Makefile in build_dir(), as its comment tells a C user to.
    fn make_programs(&self, targets: &[&str]) {
        let mut make = Command::new("make");
        make.arg("-C")
            .arg(self.build_dir())
            .arg("-f")
            .arg(manifest().join("bindings/c/Makefile"))
            .args(targets)
            .arg("PKG_CONFIG=pkg-config --define-prefix")
            .arg("CFLAGS=-O2 -g -Wall -Wextra -Werror -std=c11")
            .env("PKG_CONFIG_PATH", self.libdir.join("pkgconfig"))
            .env_remove("PKG_CONFIG_SYSROOT_DIR")
            .env_remove("PKG_CONFIG_LIBDIR");
        let (status, output, elapsed) = run(make, Duration::from_secs(180));
        println!("--- make {targets:?} ({elapsed:.1?}) ---\n{output}");
        assert!(status.success(), "building {targets:?} failed: {status}");
    }

    /// Runs build_dir()/`program` with `args`, finding libwxpresign.so.<major> in the stage as
    /// ldconfig would find it in /usr/lib.
    fn run_program(&self, program: &str, args: &[&Path], deadline: Duration) -> String {
        let mut command = Command::new(self.build_dir().join(program));
        command.args(args).env("LD_LIBRARY_PATH", &self.libdir);
        let (status, output, elapsed) = run(command, deadline);
        println!("--- {program} ({elapsed:.1?}) ---\n{output}");
        assert!(status.success(), "{program} failed: {status}");
        output
    }
}

fn readelf_dynamic(file: &Path) -> String {
    let output = Command::new("readelf")
        .arg("-d")
        .arg(file)
        .output()
        .unwrap();
    assert!(output.status.success(), "readelf -d {}", file.display());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The answer line of example.c: the envelope of a successful call.
fn assert_presign_token(output: &str) {
    let envelope: Value = output
        .lines()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("no JSON line in the output:\n{output}"));
    assert_eq!(envelope["status"], 200, "{envelope}");
    assert!(
        envelope["data"]["presign_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "no presign_token in {envelope}"
    );
}

#[test]
fn make_install_lays_out_the_library_under_its_soname() {
    let installed = Installed::new("c-package-layout");
    let lib = &installed.libdir;
    let real = format!("libwxpresign.so.{VERSION}");
    assert_eq!(
        std::fs::read_link(lib.join("libwxpresign.so")).unwrap(),
        Path::new(SONAME)
    );
    assert_eq!(
        std::fs::read_link(lib.join(SONAME)).unwrap(),
        Path::new(&real)
    );
    assert!(lib.join("libwxpresign.a").is_file());
    assert!(
        readelf_dynamic(&lib.join(&real)).contains(&format!("Library soname: [{SONAME}]")),
        "{real} has no SONAME {SONAME}: build.rs passes -Wl,-soname to the cdylib link"
    );
    assert_eq!(
        std::fs::read(lib.join("../include/wxpresign.h")).unwrap(),
        std::fs::read(manifest().join("include/wxpresign.h")).unwrap(),
    );

    let modversion = installed
        .pkg_config()
        .args(["--modversion", "wxpresign"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&modversion.stdout).trim(), VERSION);
    let flags = installed
        .pkg_config()
        .args(["--cflags", "--libs", "wxpresign"])
        .output()
        .unwrap();
    let stage = installed.scratch.0.join("stage/usr");
    assert_eq!(
        String::from_utf8_lossy(&flags.stdout).trim(),
        format!(
            "-I{} -L{} -lwxpresign",
            stage.join("include").display(),
            stage.join("lib").display()
        )
    );

    let mut uninstall = Command::new("make");
    uninstall
        .arg("-C")
        .arg(manifest())
        .arg("uninstall")
        .arg(format!(
            "DESTDIR={}",
            installed.scratch.0.join("stage").display()
        ))
        .arg("PREFIX=/usr");
    let (status, output, _) = run(uninstall, Duration::from_secs(60));
    assert!(status.success(), "make uninstall failed: {output}");
    let left: Vec<_> = walk(&installed.scratch.0.join("stage"))
        .into_iter()
        .filter(|p| !p.is_dir())
        .collect();
    assert!(left.is_empty(), "make uninstall left {left:?}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && !path.is_symlink() {
            found.extend(walk(&path));
        }
        found.push(path);
    }
    found
}

#[test]
fn example_c_built_with_pkg_config_gets_a_presign_token_shared_and_static() {
    let installed = Installed::new("c-package-example");
    installed.make_programs(&["example", "example-static"]);
    let build = installed.build_dir();
    assert!(
        readelf_dynamic(&build.join("example")).contains(&format!("Shared library: [{SONAME}]")),
        "example does not record the soname"
    );
    assert!(
        !readelf_dynamic(&build.join("example-static")).contains("libwxpresign"),
        "example-static still needs the shared library"
    );

    let served = Served::start("c-package-example-sandbox");
    let config = served.config_path();
    let shared = installed.run_program("example", &[&config], Duration::from_secs(60));
    assert_presign_token(&shared);

    // Without LD_LIBRARY_PATH: nothing of libwxpresign is loaded at run time.
    let mut command = Command::new(build.join("example-static"));
    command.arg(&config).env_remove("LD_LIBRARY_PATH");
    let (status, output, elapsed) = run(command, Duration::from_secs(60));
    println!("--- example-static ({elapsed:.1?}) ---\n{output}");
    assert!(status.success(), "example-static failed: {status}");
    assert_presign_token(&output);
}

#[test]
fn memory_c_rss_grows_less_than_5_mib_over_10000_calls() {
    let installed = Installed::new("c-package-memory");
    installed.make_programs(&["memory"]);
    let served = Served::start("c-package-memory-sandbox");
    let config = served.config_path();
    let output = installed.run_program("memory", &[&config], Duration::from_secs(900));
    let growth: i64 = output
        .lines()
        .find_map(|l| l.strip_prefix("growth after warm-up: "))
        .and_then(|l| l.strip_suffix(" kB"))
        .and_then(|kb| kb.parse().ok())
        .unwrap_or_else(|| panic!("memory printed no growth line:\n{output}"));
    assert!(
        growth < 5 * 1024,
        "VmRSS grew by {growth} kB over 9,500 calls after warm-up: a leak"
    );
}

#[test]
fn the_c_api_docs_show_example_c_verbatim() {
    let example = std::fs::read_to_string(manifest().join("bindings/c/example.c")).unwrap();
    let docs = std::fs::read_to_string(manifest().join("docs/c-api.md")).unwrap();
    assert!(
        docs.contains(&format!("```c\n{example}```\n")),
        "docs/c-api.md must show bindings/c/example.c verbatim in a ```c block"
    );
}

/// The ABI as built: the soname line and the exported `wxpresign_` functions, sorted.
fn abi_of(library: &Path) -> String {
    let soname = readelf_dynamic(library)
        .lines()
        .find_map(|l| {
            l.split_once("Library soname: [")
                .and_then(|(_, rest)| rest.split_once(']'))
                .map(|(name, _)| name.to_owned())
        })
        .unwrap_or_default();
    let output = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(library)
        .output()
        .expect("nm (binutils) runs");
    assert!(output.status.success(), "nm -D {}", library.display());
    let mut symbols: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .filter(|name| name.starts_with("wxpresign_"))
        .map(str::to_owned)
        .collect();
    symbols.sort();
    format!("soname {soname}\n{}\n", symbols.join("\n"))
}

/// The ABI only grows: include/wxpresign.abi records the soname and every exported function. A
/// symbol that disappears, or a changed soname, fails; a new symbol must be added to the file in
/// the same commit (`WXPRESIGN_BLESS=1 cargo test -p wxpresign-sandbox --test it -- recorded_abi`
/// rewrites it).
#[test]
fn the_built_library_exports_the_recorded_abi() {
    let scratch = Scratch::new("c-package-abi");
    let library = shared_library(&scratch.0).join("libwxpresign.so");
    let built = abi_of(&library);
    let record = manifest().join("include/wxpresign.abi");
    if std::env::var_os("WXPRESIGN_BLESS").is_some() {
        std::fs::write(&record, &built).unwrap();
    }
    let recorded = std::fs::read_to_string(&record).expect("include/wxpresign.abi is committed");
    let lines = |text: &str| {
        text.lines()
            .map(str::to_owned)
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (built_set, recorded_set) = (lines(&built), lines(&recorded));
    let gone: Vec<_> = recorded_set.difference(&built_set).collect();
    let new: Vec<_> = built_set.difference(&recorded_set).collect();
    assert!(
        gone.is_empty(),
        "the ABI lost {gone:?}: symbols and the soname of a released ABI never go away"
    );
    assert!(
        new.is_empty(),
        "the library exports {new:?}, which include/wxpresign.abi does not record: add them \
         (WXPRESIGN_BLESS=1 cargo test -p wxpresign-sandbox --test it -- recorded_abi)"
    );
}

/// A notification the sandbox signed and posted, captured as a web handler receives it: the
/// configuration, the headers as a JSON object and the raw body, each written to a file in `dir`.
fn captured_notification(dir: &Path) -> [PathBuf; 3] {
    use std::sync::mpsc;
    use wxpresign_sandbox::http_server::{HttpServer, Reply};
    use wxpresign_sandbox::{Identity, Sandbox};

    let (identity, merchant_key) = Identity::generate().unwrap();
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").unwrap();
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let receiver = HttpServer::bind("127.0.0.1:0", move |request| {
        let _ = tx.send((request.headers, request.body));
        Reply::new(200, Vec::new(), Vec::new())
    })
    .unwrap();
    let path = "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/mini-program";
    let mut request: Value =
        serde_json::from_str(wxpresign::endpoints::find(path).unwrap().example).unwrap();
    request["contract_notify_url"] = format!("http://{}/notify", receiver.addr()).into();
    let client = wxpresign::Client::from_json(&config.to_string()).unwrap();
    let answer = client.call(path, &request.to_string()).unwrap();
    let session = answer.data["pre_entrustweb_id"]
        .as_str()
        .unwrap()
        .to_owned();
    sandbox.sign(&session, None).unwrap();
    let (headers, body) = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the sandbox posts the notification");
    let headers: serde_json::Map<String, Value> = headers
        .into_iter()
        .map(|(name, value)| (name, Value::from(value)))
        .collect();
    let files = [
        dir.join("client.json"),
        dir.join("headers.json"),
        dir.join("body"),
    ];
    std::fs::write(&files[0], config.to_string()).unwrap();
    std::fs::write(&files[1], Value::Object(headers).to_string()).unwrap();
    std::fs::write(&files[2], body).unwrap();
    files
}

#[test]
fn notify_c_built_with_pkg_config_verifies_and_decrypts_a_notification_the_sandbox_sent() {
    let installed = Installed::new("c-package-notify");
    installed.make_programs(&["notify"]);
    let [config, headers, body] = captured_notification(&installed.build_dir());
    let output = installed.run_program(
        "notify",
        &[&config, &headers, &body],
        Duration::from_secs(30),
    );
    assert!(output.contains("event: ENTRUST.SIGN"), "{output}");
    assert!(
        output.contains("contract: wxwtdk20200910100001"),
        "{output}"
    );
    assert!(output.contains("answer status: 200"), "{output}");
}
