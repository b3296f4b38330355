//! The `wxpresign` command as a user runs it: init a sandbox, serve it, call it, stop it;
//! download certificates; call through the proxy of the environment.

use crate::common;
use crate::tinyproxy;

use common::process::{Group, Scratch};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use tinyproxy::Tinyproxy;
use wxpresign_sandbox::{Identity, Mode, Sandbox};

const BIN: &str = env!("CARGO_BIN_EXE_wxpresign");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wxpresign-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// `wxpresign call` of the education endpoint with the request on stdin.
fn call_from_stdin(config: &std::path::Path, request: &[u8]) -> std::process::Output {
    let mut call = Command::new(BIN)
        .args(["call", "/v3/edu-papay/contracts/presign", "--config"])
        .arg(config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawns");
    call.stdin
        .take()
        .expect("stdin")
        .write_all(request)
        .expect("writes");
    call.wait_with_output().expect("exits")
}

#[test]
fn init_serve_call_and_stop_a_sandbox() {
    let dir = temp_dir("serve");
    let listen = format!("127.0.0.1:{}", free_port());
    let init = Command::new(BIN)
        .args(["sandbox", "init"])
        .arg(&dir)
        .args(["--listen", &listen])
        .output()
        .expect("runs");
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );

    let client: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("client.json")).expect("client.json"),
    )
    .expect("client.json is JSON");
    assert!(
        client["wechatpay_public_key_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("PUB_KEY_ID_"))
    );
    assert!(
        client["merchant_private_key"]
            .as_str()
            .is_some_and(|k| k.starts_with("-----BEGIN PRIVATE KEY-----"))
    );
    assert_eq!(client["base_url"], format!("http://{listen}"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("sandbox.json"))
            .expect("sandbox.json")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "key files are private to their owner");
    }

    let mut serve = Command::new(BIN);
    serve
        .args(["sandbox", "serve"])
        .arg(&dir)
        .stdout(Stdio::piped());
    let mut server = Group::spawn(serve, libc::SIGTERM).expect("spawns");
    let stdout = server.child().stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    assert_eq!(first, format!("listening on http://{listen}"));

    let config = dir.join("client.json");
    let request = r#"{"appid":"wx8888888888888888","openid":"o1","plan_id":"1","user_id":"u1","period_start_date":"2026-12-19","trade_scene":"EDUCATION_PERIOD"}"#;
    let ok = Command::new(BIN)
        .args(["call", "v3/edu-papay/contracts/presign", "--config"])
        .arg(&config)
        .args(["--data", request])
        .output()
        .expect("runs");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let envelope: Value = serde_json::from_slice(&ok.stdout).expect("stdout is the envelope");
    assert_eq!(envelope["status"], 200);

    // The request can come from stdin too; a WeChat error exits with the status code (5 = api).
    let failed = call_from_stdin(
        &config,
        request
            .replace("\"u1\"", "\"SANDBOXSYSTEMERROR\"")
            .as_bytes(),
    );
    assert_eq!(failed.status.code(), Some(5));
    let error: Value = serde_json::from_slice(&failed.stdout).expect("error JSON");
    assert_eq!(error["error"]["code"], "SYSTEM_ERROR");

    // A request the C ABI cannot carry is refused in the library's own error shape: nothing sent.
    let refused = call_from_stdin(&config, b"{\"user_id\":\"u\x001\"}");
    assert_eq!(refused.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&refused.stdout).expect("error JSON");
    assert_eq!(error["error"]["kind"], "argument");
    assert_eq!(error["error"]["may_have_reached_server"], false);
    assert_eq!(error["error"]["retryable"], false);

    // SIGTERM stops the server cleanly.
    // SAFETY: plain kill(2) on our own child.
    unsafe { libc::kill(server.id() as libc::pid_t, libc::SIGTERM) };
    let status = server.child().wait().expect("server exits");
    assert!(status.success(), "exit status {status}");
    assert_eq!(
        lines.next().and_then(Result::ok).as_deref(),
        Some("stopped")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn endpoints_lists_c_functions_serial_needs_and_official_pages() {
    let out = Command::new(BIN).arg("endpoints").output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for endpoint in wxpresign::endpoints::all() {
        let line = text
            .lines()
            .find(|l| l.contains(&format!(" {} ", endpoint.c_function())))
            .expect("listed");
        let columns: Vec<&str> = line.split_whitespace().collect();
        let serial = if endpoint.needs_serial() { "yes" } else { "no" };
        assert_eq!(columns[2], serial, "{line}");
        assert!(
            columns[3].starts_with("https://pay.weixin.qq.com/"),
            "{line}"
        );
    }
}

#[test]
fn demo_runs_every_endpoint_and_shows_failures() {
    let out = Command::new(BIN).arg("demo").output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains(&format!(
        "all {} pre-sign endpoints answered and verified",
        wxpresign::endpoints::presigns().count()
    )));
    assert!(
        text.contains("\"kind\":\"validation\"")
            && text.contains("\"kind\":\"api\"")
            && text.contains("\"kind\":\"verify\"")
    );
    // The demo ends with one contract's life: signed and notified, found by its code,
    // terminated and notified again.
    let life = text
        .split("One contract's life")
        .nth(1)
        .unwrap_or_else(|| panic!("no contract's life in the demo:\n{text}"));
    let (life, deduction) = life
        .split_once("One scheduled deduction")
        .unwrap_or_else(|| panic!("no scheduled deduction in the demo:\n{text}"));
    // Then one scheduled deduction after its signing: scheduled on D-1, applied for on D, its
    // result notified and queried through the order query's C function.
    let steps = [
        "verified and decrypted it: ENTRUST.SIGN",
        "schedule_state=SCHEDULED",
        "out_trade_no=",
        "verified and decrypted it: TRANSACTION.SUCCESS",
        "wxpresign_pay_transactions_out_trade_no_get",
        "200 trade_state=SUCCESS",
    ];
    let found: Vec<Option<usize>> = steps.iter().map(|s| deduction.find(s)).collect();
    assert!(
        found.iter().all(Option::is_some) && found.windows(2).all(|w| w[0] < w[1]),
        "{deduction}"
    );
    assert!(
        life.contains("the user's signing page: http://"),
        "the demo names a signing page: {life}"
    );
    let signed = life
        .find("verified and decrypted it: PAPAY.SIGN")
        .expect("the signing notification is parsed");
    let found = life
        .find("wxpresign_request GET /v3/global/papay/contracts/out-contract-code/")
        .expect("the contract is queried");
    let terminated = life
        .find("(terminated)")
        .expect("the contract is terminated");
    let notified = life
        .find("verified and decrypted it: PAPAY.TERMINATE")
        .expect("the termination notification is parsed");
    assert!(
        signed < found && found < terminated && terminated < notified,
        "{life}"
    );
    assert_eq!(life.matches("answered: HTTP 200").count(), 2, "{life}");
    // It ends with what to do next: a sandbox of one's own, and where it is described.
    let next = text
        .split("endpoints answered and verified")
        .nth(1)
        .unwrap_or_default();
    assert!(
        next.contains("wxpresign sandbox init DIR")
            && next.contains("wxpresign sandbox serve DIR")
            && next.contains("docs/sandbox.md"),
        "the demo ends without its next step:\n{next}"
    );
}

#[test]
fn call_with_a_broken_config_exits_with_the_config_status() {
    let dir = temp_dir("badconfig");
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("client.json");
    std::fs::write(
        &config,
        r#"{"mchid":"1900000109","merchant_serial_no":"ABC","timeout":5}"#,
    )
    .expect("write");
    let out = Command::new(BIN)
        .args(["call", "v3/edu-papay/contracts/presign", "--config"])
        .arg(&config)
        .args(["--data", "{}"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let error: Value = serde_json::from_slice(&out.stdout).expect("the error JSON on stdout");
    assert_eq!(error["error"]["kind"], "config");
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("timeout"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The error JSON the command printed on `stream`, with the config status.
fn config_error_json(out: &std::process::Output, stream: &[u8]) -> Value {
    let text = String::from_utf8_lossy(stream);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let error: Value = serde_json::from_str(text.trim()).expect("the error JSON");
    assert_eq!(error["error"]["kind"], "config", "{error}");
    assert_eq!(error["error"]["retryable"], false, "{error}");
    assert_eq!(error["error"]["may_have_reached_server"], false, "{error}");
    error
}

#[test]
fn a_config_file_that_cannot_be_read_is_the_error_json_with_the_config_status() {
    let dir = temp_dir("unreadable-config");
    std::fs::create_dir_all(&dir).expect("dir");
    let not_utf8 = dir.join("latin1.json");
    std::fs::write(&not_utf8, b"{\"mchid\":\"\xe9\"}").expect("write");
    for config in [dir.join("missing.json"), not_utf8, dir.clone()] {
        let out = Command::new(BIN)
            .args(["call", "v3/edu-papay/contracts/presign", "--config"])
            .arg(&config)
            .args(["--data", "{}"])
            .output()
            .expect("runs");
        let error = config_error_json(&out, &out.stdout);
        assert!(
            error["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(&config.display().to_string())),
            "{error}"
        );
        let out = Command::new(BIN)
            .args(["certificates", "download", "--config"])
            .arg(&config)
            .arg("--out")
            .arg(dir.join("certs"))
            .output()
            .expect("runs");
        config_error_json(&out, &out.stderr);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_cli_writes_each_certificate_as_pem_named_by_its_serial() {
    let (identity, merchant_key) = Identity::generate_in(Mode::Certificate).expect("keys");
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").expect("a loopback port");
    let client_config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .expect("config");
    let scratch = Scratch::new("certificates-cli");
    let config = scratch.0.join("client.json");
    std::fs::write(&config, client_config.to_string()).unwrap();
    let out_dir = scratch.0.join("certs");
    let out = Command::new(BIN)
        .args(["certificates", "download", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let serial = &sandbox.identity().platform_serial;
    let file = out_dir.join(format!("wechatpay_{serial}.pem"));
    assert!(file.is_file(), "{}", String::from_utf8_lossy(&out.stdout));
    // openssl reads it, and finds the serial it is named by.
    let x509 = Command::new("openssl")
        .args(["x509", "-noout", "-serial", "-in"])
        .arg(&file)
        .output()
        .expect("openssl is installed (tests/setup.sh installs it)");
    let text = String::from_utf8_lossy(&x509.stdout);
    assert_eq!(text.trim(), format!("serial={serial}"), "{text}");
}

#[test]
fn the_environment_is_read_only_when_the_configuration_says_so() {
    let fx = common::sandbox();
    let proxy = Tinyproxy::start("environment", None);
    let dir = std::env::temp_dir().join(format!("wxpresign-proxy-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |config: &Value, http_proxy: &str| {
        let path = dir.join("client.json");
        std::fs::write(&path, config.to_string()).unwrap();
        let output = Command::new(BIN)
            .args(["call", "--config"])
            .arg(&path)
            .arg(common::EDU)
            .args(["--data", &common::example(common::EDU).to_string()])
            .env("http_proxy", http_proxy)
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .env("NO_PROXY", "api.mch.weixin.qq.com")
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    // Not asked: a proxy in the environment that would fail is ignored.
    let dead = format!("127.0.0.1:{}", free_port());
    let (ok, out) = run(&fx.config, &dead);
    assert!(ok, "{out}");
    // Asked: http_proxy (a bare host:port, as curl accepts) is used.
    let mut config = fx.config.clone();
    config["proxy"] = "environment".into();
    let (ok, out) = run(&config, &format!("127.0.0.1:{}", proxy.port));
    assert!(ok, "{out}");
    assert_eq!(
        proxy.connects().len(),
        1,
        "the call did not go through the proxy"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
