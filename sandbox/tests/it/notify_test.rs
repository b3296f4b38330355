//! `wxpresign notify-test` against real handlers on loopback: the example handlers of the three
//! bindings (PHP's under `php -S`, Python's under wsgiref, C's as its own small server) pass every
//! check, and the deliberately broken handlers of tests/handlers/ are each caught by the check
//! named for their flaw. Needs php-cli (with FFI and OpenSSL), python3 and a C compiler.
#![cfg(target_os = "linux")]

use crate::common;

use common::process::{Group, Scratch, compile_c, repository, shared_library};
use serde_json::Value;
use std::fs::File;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_wxpresign");

/// A scratch directory with a sandbox initialised in DIR/sandbox (client.json configures the
/// handlers) and a copy of the freshly built library in DIR/lib.
struct Setup {
    scratch: Scratch,
    lib_dir: PathBuf,
}

impl Setup {
    fn new(name: &str) -> Setup {
        let scratch = Scratch::new(&format!("notify-test-{name}"));
        let init = Command::new(BIN)
            .args(["sandbox", "init"])
            .arg(scratch.0.join("sandbox"))
            .output()
            .expect("wxpresign runs");
        assert!(
            init.status.success(),
            "{}",
            String::from_utf8_lossy(&init.stderr)
        );
        let lib_dir = shared_library(&scratch.0);
        Setup { scratch, lib_dir }
    }

    fn sandbox(&self) -> PathBuf {
        self.scratch.0.join("sandbox")
    }

    fn config(&self) -> PathBuf {
        self.sandbox().join("client.json")
    }

    fn library(&self) -> PathBuf {
        self.lib_dir.join("libwxpresign.so")
    }

    /// `command` (a handler listening on `port`) started, its output in DIR/handler.log.
    fn serve(&self, mut command: Command, port: u16) -> Handler {
        let log = self.scratch.0.join("handler.log");
        command
            .env("WXPRESIGN_CONFIG", self.config())
            .env("WXPRESIGN_LIBRARY", self.library())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .current_dir(repository())
            .stdout(File::create(&log).expect("a log file"))
            .stderr(File::create(self.scratch.0.join("handler.err")).expect("a log file"));
        let mut group = Group::spawn(command, libc::SIGTERM).expect("the handler starts");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            let exited = group.child().try_wait().ok().flatten();
            assert!(
                exited.is_none() && started.elapsed() < Duration::from_secs(20),
                "the handler did not listen on {port} ({}):\n{}",
                exited.map_or("not within 20 s".to_owned(), |s| format!("it exited, {s}")),
                std::fs::read_to_string(self.scratch.0.join("handler.err")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Handler {
            _group: group,
            url: format!("http://127.0.0.1:{port}/wxpay/notify"),
        }
    }

    /// `php -S` serving `router` (relative to the repository) with FFI enabled.
    fn php(&self, router: &str) -> Handler {
        require("php", "apt-get install php-cli");
        let port = free_port();
        let mut php = Command::new("php");
        php.args(["-d", "ffi.enable=1", "-S"])
            .arg(format!("127.0.0.1:{port}"))
            .arg(repository().join(router));
        self.serve(php, port)
    }

    /// `wxpresign notify-test URL --sandbox DIR --json ARGS`: its exit status and report.
    fn notify_test(&self, url: &str, args: &[&str]) -> (i32, Value) {
        let output = self.run(url, &["--json"], args);
        let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "notify-test printed no JSON ({e}):\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        (output.status.code().unwrap_or(-1), report)
    }

    fn run(&self, url: &str, format: &[&str], args: &[&str]) -> Output {
        Command::new(BIN)
            .args(["notify-test", url, "--sandbox"])
            .arg(self.sandbox())
            .args(format)
            .args(args)
            .output()
            .expect("wxpresign runs")
    }
}

/// A handler's server, stopped (with everything it started) on drop.
struct Handler {
    _group: Group,
    url: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Fails with what to install when `tool` does not run.
fn require(tool: &str, install: &str) {
    let found = Command::new(tool).arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "`{tool}` is needed by sandbox/tests/notify_test.rs: {install}"
    );
}

/// The names of the checks that failed.
fn failed(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["passed"] == false)
        .map(|c| c["check"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn assert_passes_every_check(setup: &Setup, handler: &Handler) {
    let (status, report) = setup.notify_test(&handler.url, &[]);
    assert_eq!(failed(&report), Vec::<String>::new(), "{report:#}");
    assert_eq!(status, 0, "{report:#}");
    assert!(report["passed"].as_u64() > Some(30), "{report:#}");
}

#[test]
fn the_php_example_handler_under_php_s_passes_every_check() {
    let setup = Setup::new("php-example");
    let handler = setup.php("bindings/php/examples/notification.php");
    assert_passes_every_check(&setup, &handler);
}

#[test]
fn the_python_example_handler_under_wsgiref_passes_every_check() {
    require("python3", "install Python 3.8 or newer");
    let setup = Setup::new("python-example");
    let port = free_port();
    let mut python = Command::new("python3");
    python
        .arg(repository().join("bindings/python/examples/notify_wsgi.py"))
        .arg(port.to_string())
        .env("PYTHONPATH", repository().join("bindings/python/src"));
    let handler = setup.serve(python, port);
    assert_passes_every_check(&setup, &handler);
}

#[test]
fn the_c_example_handler_as_a_small_server_passes_every_check() {
    let setup = Setup::new("c-example");
    let program = setup.scratch.0.join("notify");
    compile_c("bindings/c/notify.c", &program, &setup.lib_dir, &[]);
    let port = free_port();
    let mut server = Command::new(&program);
    server
        .arg(setup.config())
        .args(["--listen", &port.to_string()]);
    let handler = setup.serve(server, port);
    assert_passes_every_check(&setup, &handler);
}

#[test]
fn the_hand_written_handler_done_right_passes_every_check() {
    let setup = Setup::new("correct");
    let handler = setup.php("sandbox/tests/handlers/correct.php");
    assert_passes_every_check(&setup, &handler);
}

/// The checks `router` fails, having passed the first delivery (so it does work).
fn broken(name: &str, router: &str) -> Vec<String> {
    let setup = Setup::new(name);
    let handler = setup.php(router);
    let (status, report) = setup.notify_test(&handler.url, &[]);
    assert_eq!(status, 1, "{report:#}");
    let failed = failed(&report);
    assert!(
        !failed.contains(&"deliver ENTRUST.SIGN".to_owned()),
        "{report:#}"
    );
    failed
}

#[test]
fn a_handler_that_never_verifies_fails_signature_by_another_key() {
    let failed = broken(
        "never-verifies",
        "sandbox/tests/handlers/never_verifies.php",
    );
    for check in [
        "signature by another key",
        "body changed after signing",
        "signature probe",
    ] {
        assert!(
            failed.contains(&check.to_owned()),
            "{check} passed: {failed:?}"
        );
    }
}

#[test]
fn a_handler_without_the_timestamp_window_fails_stale_timestamp() {
    let failed = broken(
        "no-window",
        "sandbox/tests/handlers/no_timestamp_window.php",
    );
    assert_eq!(failed, ["stale timestamp", "future timestamp"]);
}

#[test]
fn a_handler_that_answers_success_to_everything_fails_every_hostile_check() {
    let failed = broken(
        "always-success",
        "sandbox/tests/handlers/always_success.php",
    );
    assert_eq!(failed.len(), 11, "{failed:?}");
    assert!(
        failed
            .iter()
            .all(|c| !c.starts_with("deliver") && !c.starts_with("retry"))
    );
}

#[test]
fn a_handler_that_fails_on_a_retry_fails_each_retry_check() {
    let failed = broken(
        "fails-on-retry",
        "sandbox/tests/handlers/fails_on_retry.php",
    );
    assert!(!failed.is_empty());
    assert!(failed.iter().all(|c| c.starts_with("retry ")), "{failed:?}");
}

#[test]
fn the_table_says_what_failed_and_what_the_handler_must_do() {
    let setup = Setup::new("table");
    let handler = setup.php("sandbox/tests/handlers/no_timestamp_window.php");
    let output = setup.run(&handler.url, &[], &["--family", "global"]);
    let table = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{table}");
    assert!(table.starts_with("CHECK "), "{table}");
    assert!(
        table.contains("the handler must: refuse a Wechatpay-Timestamp 5 minutes"),
        "{table}"
    );
    assert!(table.contains("13 of 15 checks passed"), "{table}");
}

#[test]
fn a_family_sends_its_own_event_types_only() {
    let setup = Setup::new("family");
    let handler = setup.php("sandbox/tests/handlers/correct.php");
    let (status, report) = setup.notify_test(&handler.url, &["--family", "education"]);
    assert_eq!(status, 0, "{report:#}");
    let delivered: Vec<&str> = report["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["check"].as_str()?.strip_prefix("deliver "))
        .collect();
    assert_eq!(
        delivered,
        [
            "ENTRUST.SIGNING",
            "PAYSCORE.USER_OPEN_SERVICE",
            "ENTRUST.RELEASE",
            "PAYSCORE.USER_CLOSE_SERVICE"
        ]
    );
}

#[test]
fn a_url_nothing_listens_on_fails_every_check_with_no_answer() {
    let setup = Setup::new("closed");
    let url = format!("http://127.0.0.1:{}/notify", free_port());
    let (status, report) = setup.notify_test(&url, &["--family", "global"]);
    assert_eq!(status, 1, "{report:#}");
    assert_eq!(report["passed"], 0, "{report:#}");
    assert!(
        report["checks"][0]["problem"]
            .as_str()
            .unwrap_or_default()
            .starts_with("no answer")
    );
}

/// The exit status and stderr of a notify-test that must not send anything.
fn refused(setup: &Setup, url: &str, args: &[&str]) -> (Option<i32>, String) {
    let output = setup.run(url, &[], args);
    assert!(
        output.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn an_unknown_merchant_is_a_usage_error_that_names_it() {
    let setup = Setup::new("merchant");
    let (status, stderr) = refused(
        &setup,
        "http://127.0.0.1:9/notify",
        &["--merchant", "1900000001"],
    );
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("no merchant 1900000001") && stderr.contains("merchant list"),
        "{stderr}"
    );
}

/// `--merchant` plays WeChat Pay for a merchant `sandbox merchant add` made: its notifications
/// verify and decrypt with its own client.json, and not with init's.
#[test]
fn an_added_merchant_s_notifications_verify_with_its_own_client_json_only() {
    let setup = Setup::new("added-merchant");
    let added = Command::new(BIN)
        .args(["sandbox", "merchant", "add"])
        .arg(setup.sandbox())
        .output()
        .expect("wxpresign runs");
    assert!(added.status.success(), "{added:?}");
    let stdout = String::from_utf8_lossy(&added.stdout);
    let config = PathBuf::from(stdout.lines().last().expect("the client.json's path"));
    let text = std::fs::read_to_string(&config).expect("its client.json");
    let mchid = serde_json::from_str::<Value>(&text).unwrap()["mchid"]
        .as_str()
        .expect("an mchid")
        .to_owned();
    let client = wxpresign::Client::from_json(&text).expect("its client");
    let inits = std::fs::read_to_string(setup.config()).expect("init's client.json");
    let inits = wxpresign::Client::from_json(&inits).expect("init's client");

    let merchant = common::notify_endpoint();
    let args = ["--merchant", mchid.as_str(), "--family", "scheduled_deduct"];
    let (_, report) = setup.notify_test(&merchant.url, &args);
    let (headers, body) = merchant
        .within(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("a notification: {report:#}"));
    let headers = wxpresign::verification::SignedHeaders::from_pairs(
        headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    )
    .expect("WeChat-style headers");
    let notification = client
        .parse_notification(&headers, &body)
        .expect("the added merchant's client verifies and decrypts it");
    assert_eq!(notification.event_type, "ENTRUST.SIGN");
    assert!(inits.parse_notification(&headers, &body).is_err());
}

#[test]
fn an_unknown_family_and_a_family_without_notifications_are_usage_errors() {
    let setup = Setup::new("usage");
    let url = "http://127.0.0.1:9/notify";
    let (status, stderr) = refused(&setup, url, &["--family", "payroll"]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("scheduled_deduct, insurance"), "{stderr}");
    let (status, stderr) = refused(&setup, url, &["--family", "password_exempt"]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("publishes no notification payload"),
        "{stderr}"
    );
    let (status, stderr) = refused(&setup, "ftp://127.0.0.1/notify", &[]);
    assert_eq!(status, Some(2), "{stderr}");
}

/// What notify-test sends is the sandbox's own notification for the family: verified and
/// decrypted by the library, its resource the full one the family's page defines, as signed.
#[test]
fn a_notification_carries_the_family_s_full_resource_as_the_sandbox_sends_it() {
    let setup = Setup::new("resource");
    let merchant = common::notify_endpoint();
    let (_, report) = setup.notify_test(&merchant.url, &["--family", "scheduled_deduct"]);
    let config = std::fs::read_to_string(setup.config()).expect("client.json");
    let client = wxpresign::Client::from_json(&config).expect("the sandbox's client config");
    let notification = merchant.next(&client);
    assert_eq!(notification.event_type, "ENTRUST.SIGN", "{report:#}");
    let resource = &notification.resource;
    assert_eq!(resource["contract_state"], "SIGNED", "{resource:#}");
    // The family's first pre-sign is a partner's: its resource names the partner, sp_mchid, and
    // the user, sp_openid (https://pay.weixin.qq.com/doc/v3/partner/4012160323).
    for member in [
        "sp_mchid",
        "sp_openid",
        "contract_id",
        "plan_id",
        "out_contract_code",
        "contract_display_account",
        "contract_signed_time",
        "contract_expired_time",
    ] {
        assert!(resource.get(member).is_some(), "{member}: {resource:#}");
    }
}
