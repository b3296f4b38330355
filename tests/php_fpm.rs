//! The PHP binding in a real PHP-FPM: Debian's php-fpm (php-fpm8.2) with a static pool of two workers
//! running as www-data, the package preloaded as bindings/php/README.md documents (the scope
//! header from `wxpresign-ffi-header` in `ffi.preload`, `preload.php` in `opcache.preload`),
//! driven through its FastCGI socket by `cgi-fcgi` (libfcgi-bin). Each request does what an
//! application's does: `new Client($config)` and one call. The sandbox's own count shows that the
//! workers kept their clients and connections between requests: no more connections than
//! workers. Needs php-fpm and libfcgi-bin (`make test` installs them); runs as root.
#![cfg(all(target_os = "linux", feature = "cli"))]

mod common;

use common::process::{Scratch, run, shared_library};
use common::{EDU, example, sandbox};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WORKERS: usize = 2;
const REQUESTS: usize = 300;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// PHP-FPM's command, named after the `php` version as Debian names it: php-fpm8.2.
fn php_fpm() -> String {
    let output = Command::new("php")
        .args(["-r", "echo PHP_MAJOR_VERSION, '.', PHP_MINOR_VERSION;"])
        .output()
        .expect("php runs: apt-get install php-cli (`make test` installs it)");
    format!("php-fpm{}", String::from_utf8_lossy(&output.stdout).trim())
}

struct Fpm(Child);

impl Drop for Fpm {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One FastCGI request for `script` through `socket`: the body of the answer, after its headers.
fn fastcgi(socket: &Path, script: &Path) -> String {
    let mut command = Command::new("cgi-fcgi");
    command
        .args(["-bind", "-connect"])
        .arg(socket)
        .env_clear()
        .env("REQUEST_METHOD", "GET")
        .env("SCRIPT_FILENAME", script)
        .env("SCRIPT_NAME", "/app.php")
        .env("REQUEST_URI", "/app.php")
        .env("QUERY_STRING", "")
        .env("SERVER_PROTOCOL", "HTTP/1.1")
        .env("GATEWAY_INTERFACE", "CGI/1.1");
    let output = command
        .output()
        .expect("cgi-fcgi runs: apt-get install libfcgi-bin (`make test` installs it)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "cgi-fcgi failed: {text}");
    match text.split_once("\r\n\r\n") {
        Some((_, body)) => body.to_owned(),
        None => text,
    }
}

#[test]
fn fpm_workers_keep_their_clients_and_connections_between_requests() {
    let fx = sandbox();
    let scratch = Scratch::new("php-fpm");
    let dir = &scratch.0;
    // Everything the www-data workers read lives here, readable by them.
    let library = shared_library(dir).join("libwxpresign.so");
    let package = dir.join("php");
    std::fs::create_dir_all(&package).unwrap();
    let copy = Command::new("cp")
        .arg("-R")
        .args(["src", "include", "bin", "autoload.php", "preload.php"])
        .arg(&package)
        .current_dir(manifest().join("bindings/php"))
        .status()
        .unwrap();
    assert!(copy.success());
    std::fs::write(dir.join("client.json"), fx.config.to_string()).unwrap();
    std::fs::write(dir.join("request.json"), example(EDU).to_string()).unwrap();
    let app = dir.join("app.php");
    std::fs::write(
        &app,
        format!(
            "<?php\n\
             // No require: the classes were preloaded.\n\
             $client = new \\Wxpresign\\Client('{config}');\n\
             $request = json_decode(file_get_contents('{request}'), true);\n\
             $answer = $client->chain('{EDU}')->post(['json' => $request]);\n\
             header('Content-Type: application/json');\n\
             echo json_encode(['status' => $answer['status'], 'pid' => getmypid(),\n\
                 'library' => \\Wxpresign\\Library::load()->source]);\n",
            config = dir.join("client.json").display(),
            request = dir.join("request.json").display(),
        ),
    )
    .unwrap();
    let mut header = Command::new("php");
    header
        .arg(package.join("bin/wxpresign-ffi-header"))
        .arg(dir.join("wxpresign.h"))
        .arg(&library);
    let (status, output, _) = run(header, Duration::from_secs(30));
    assert!(status.success(), "wxpresign-ffi-header failed:\n{output}");

    let socket = dir.join("fpm.sock");
    std::fs::write(
        dir.join("fpm.conf"),
        format!(
            "[global]\nerror_log = {dir}/fpm.log\ndaemonize = no\npid = {dir}/fpm.pid\n\
             [app]\nuser = www-data\ngroup = www-data\nlisten = {socket}\nlisten.mode = 0666\n\
             pm = static\npm.max_children = {WORKERS}\ncatch_workers_output = yes\n\
             php_admin_flag[log_errors] = on\n",
            dir = dir.display(),
            socket = socket.display(),
        ),
    )
    .unwrap();
    let fpm = Command::new(php_fpm())
        .arg("--nodaemonize")
        .arg("--fpm-config")
        .arg(dir.join("fpm.conf"))
        .args(["-d", "ffi.enable=preload"])
        .arg("-d")
        .arg(format!("ffi.preload={}", dir.join("wxpresign.h").display()))
        .args(["-d", "opcache.enable=1"])
        .arg("-d")
        .arg(format!(
            "opcache.preload={}",
            package.join("preload.php").display()
        ))
        .args(["-d", "opcache.preload_user=www-data"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("php-fpm runs: apt-get install php-fpm (`make test` installs it)");
    let _fpm = Fpm(fpm);
    let started = Instant::now();
    while !socket.exists() {
        let log = std::fs::read_to_string(dir.join("fpm.log")).unwrap_or_default();
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "php-fpm did not open its socket within 20 s:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let mut pids = BTreeSet::new();
    for i in 0..REQUESTS {
        let body = fastcgi(&socket, &app);
        let answer: Value = serde_json::from_str(&body).unwrap_or_else(|_| {
            let log = std::fs::read_to_string(dir.join("fpm.log")).unwrap_or_default();
            panic!("request {i} did not answer JSON: {body}\n--- fpm.log ---\n{log}")
        });
        assert_eq!(answer["status"], 200, "request {i}: {answer}");
        assert_eq!(
            answer["library"], "FFI scope WXPRESIGN",
            "the request did not use the preloaded library: {answer}"
        );
        pids.insert(answer["pid"].as_u64().unwrap());
    }
    let stats = fx.sandbox.stats();
    println!(
        "{REQUESTS} FPM requests, {} workers answering: sandbox {stats}",
        pids.len()
    );
    assert!(pids.len() <= WORKERS, "{pids:?}");
    assert_eq!(stats["requests"], REQUESTS as u64, "{stats}");
    assert!(
        stats["connections_accepted"].as_u64().unwrap() <= WORKERS as u64,
        "{REQUESTS} requests, each with `new Client($config)`, opened more connections than \
         there are workers: {stats}"
    );
}
