//! The PHP binding in a real PHP-FPM: Debian's php-fpm (php-fpm8.2) with a static pool of two workers
//! running as www-data, driven through its FastCGI socket by `cgi-fcgi` (libfcgi-bin), the
//! package preloaded as bindings/php/README.md documents (the scope header from
//! `wxpresign-ffi-header` in `ffi.preload`, `preload.php` in `opcache.preload`) or not preloaded
//! at all (`ffi.enable=1`, the library opened by `FFI::cdef` in every request); and PHP's
//! built-in server (`php -S`), not preloaded either. Each request does what an application's
//! does: `new Client($config)` and one call. The sandbox's own count shows that the workers kept
//! their clients and connections between requests, and /proc that a worker's descriptors and
//! memory stay flat: PHP unloads an `FFI::cdef` library at the end of each request, and the
//! library stays mapped only because it is linked with `-z nodelete` (build.rs). Each test
//! prints the mean time of a request, for docs/performance.md. Needs php-fpm and libfcgi-bin
//! (`make test` installs them); runs as root.
#![cfg(target_os = "linux")]

use crate::common;

use common::process::{Group, Scratch, run, shared_library};
use common::{EDU, Fixture, example, sandbox};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WORKERS: usize = 2;
const REQUESTS: usize = 300;
/// Requests after which a worker has made its client and connection and grown to its size.
const WARM_UP: usize = 40;

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

/// One GET of `/app.php` from PHP's built-in server on `port`: the body of the answer.
fn http_get(port: u16) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("php -S accepts");
    stream
        .write_all(b"GET /app.php HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    match text.split_once("\r\n\r\n") {
        Some((_, body)) => body.to_owned(),
        None => text,
    }
}

/// What a PHP application needs, in a scratch directory the www-data workers can read: the
/// package, the library, the configuration, and app.php, which makes a client, makes one call
/// and answers its status, its process and where the library came from.
struct App {
    scratch: Scratch,
    library: PathBuf,
    package: PathBuf,
}

impl App {
    fn new(name: &str, fx: &Fixture, preloaded: bool) -> App {
        let scratch = Scratch::new(name);
        let dir = &scratch.0;
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
        let load = if preloaded {
            "// No require: the classes were preloaded.\n".to_owned()
        } else {
            format!("require '{}';\n", package.join("autoload.php").display())
        };
        std::fs::write(
            dir.join("app.php"),
            format!(
                "<?php\n$started = hrtime(true);\n{load}\
                 $client = new \\Wxpresign\\Client('{config}', {library});\n\
                 $request = json_decode(file_get_contents('{request}'), true);\n\
                 $answer = $client->chain('{EDU}')->post(['json' => $request]);\n\
                 header('Content-Type: application/json');\n\
                 echo json_encode(['status' => $answer['status'], 'pid' => getmypid(),\n\
                     'library' => \\Wxpresign\\Library::load({library})->source,\n\
                     'micros' => intdiv(hrtime(true) - $started, 1000)]);\n",
                config = dir.join("client.json").display(),
                request = dir.join("request.json").display(),
                library = if preloaded {
                    "null".to_owned()
                } else {
                    format!("'{}'", library.display())
                },
            ),
        )
        .unwrap();
        App {
            scratch,
            library,
            package,
        }
    }

    fn dir(&self) -> &Path {
        &self.scratch.0
    }

    fn script(&self) -> PathBuf {
        self.dir().join("app.php")
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir().join(name)).unwrap_or_default()
    }

    /// php-fpm with a static pool of WORKERS, its `-d` settings `ini`, stopped as an
    /// administrator stops it (SIGQUIT: finish the requests, stop the workers, exit).
    fn fpm(&self, ini: &[String]) -> (Group, PathBuf) {
        let dir = self.dir();
        let socket = dir.join("fpm.sock");
        std::fs::write(
            dir.join("fpm.conf"),
            format!(
                "[global]\nerror_log = {dir}/fpm.log\ndaemonize = no\npid = {dir}/fpm.pid\n\
                 [app]\nuser = www-data\ngroup = www-data\nlisten = {socket}\n\
                 listen.mode = 0666\npm = static\npm.max_children = {WORKERS}\n\
                 catch_workers_output = yes\nphp_admin_flag[log_errors] = on\n",
                dir = dir.display(),
                socket = socket.display(),
            ),
        )
        .unwrap();
        let mut command = Command::new(php_fpm());
        command
            .arg("--nodaemonize")
            .arg("--fpm-config")
            .arg(dir.join("fpm.conf"));
        for setting in ini {
            command.arg("-d").arg(setting);
        }
        command.stdout(Stdio::null()).stderr(Stdio::null());
        let fpm = Group::spawn(command, libc::SIGQUIT)
            .expect("php-fpm runs: apt-get install php-fpm (`make test` installs it)");
        let started = Instant::now();
        while !socket.exists() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "php-fpm did not open its socket within 20 s:\n{}",
                self.log("fpm.log")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        (fpm, socket)
    }
}

/// A process's open descriptors and resident memory (KiB), and whether it maps `library`.
fn usage(pid: u64, library: &str) -> (usize, u64, bool) {
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let fds = std::fs::read_dir(proc.join("fd")).map_or(0, |d| d.count());
    let status = std::fs::read_to_string(proc.join("status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0);
    let maps = std::fs::read_to_string(proc.join("maps")).unwrap_or_default();
    (fds, rss, maps.contains(library))
}

/// Sends REQUESTS requests through `request`; checks each answer, and that the serving processes
/// kept their clients and connections (the sandbox's count) and their descriptors and memory
/// (/proc, from after WARM_UP requests to the end). Prints the mean time of a request, as PHP
/// measured it from the script's first line to its answer (loading included), and as the client
/// saw it (the FastCGI or HTTP client's start included). Returns the processes that answered.
fn serve_many(
    fx: &Fixture,
    app: &App,
    what: &str,
    library: &str,
    request: impl Fn() -> String,
) -> Vec<u64> {
    let mut warm: BTreeMap<u64, (usize, u64, bool)> = BTreeMap::new();
    let mut timed = Duration::ZERO;
    let mut in_php = 0;
    for i in 0..REQUESTS {
        let started = Instant::now();
        let body = request();
        if i >= WARM_UP {
            timed += started.elapsed();
        }
        let answer: Value = serde_json::from_str(&body).unwrap_or_else(|_| {
            let logs = app.log("fpm.log") + &app.log("server.log");
            panic!("request {i} did not answer JSON: {body}\n--- log ---\n{logs}")
        });
        assert_eq!(answer["status"], 200, "request {i}: {answer}");
        assert_eq!(answer["library"], library, "request {i}: {answer}");
        let pid = answer["pid"].as_u64().unwrap();
        if i >= WARM_UP {
            in_php += answer["micros"].as_u64().unwrap();
            warm.entry(pid)
                .or_insert_with(|| usage(pid, "libwxpresign"));
        }
    }
    let stats = fx.sandbox.stats();
    let timed_requests = (REQUESTS - WARM_UP) as u64;
    println!(
        "{what}: {REQUESTS} requests; after warm-up, {:.2} ms per request in PHP, {:.2?} as the \
         client saw it; sandbox {stats}",
        in_php as f64 / timed_requests as f64 / 1000.0,
        timed / timed_requests as u32,
    );
    assert_eq!(stats["requests"], REQUESTS as u64, "{stats}");
    assert!(
        stats["connections_accepted"].as_u64().unwrap() <= WORKERS as u64 + 1,
        "{what}: {REQUESTS} requests, each with `new Client($config)`, opened more connections \
         than there are workers: {stats}"
    );
    assert!(warm.len() <= WORKERS, "{warm:?}");
    let pids = warm.keys().copied().collect();
    for (pid, before) in warm {
        let after = usage(pid, "libwxpresign");
        println!("{what}: worker {pid} fds, RSS KiB, library mapped: {before:?} -> {after:?}");
        assert!(
            after.2,
            "{what}: the library is no longer mapped in {pid} between requests"
        );
        assert!(
            after.0 <= before.0 + 2 && after.1 <= before.1 + 4096,
            "{what}: worker {pid} grew from {before:?} to {after:?} (fds, RSS KiB)"
        );
    }
    pids
}

/// Stops `server` as its guard does, and checks that none of the processes that answered
/// (PHP-FPM's workers, not only its master) is left running.
fn stop(server: Group, pids: &[u64]) {
    drop(server);
    let running: Vec<&u64> = pids
        .iter()
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                !stat
                    .rsplit_once(')')
                    .is_some_and(|(_, s)| s.trim_start().starts_with('Z'))
            })
        })
        .collect();
    assert!(
        running.is_empty(),
        "still running after the test stopped them: {running:?}"
    );
}

#[test]
fn fpm_workers_keep_their_clients_and_connections_between_requests() {
    let fx = sandbox();
    let app = App::new("php-fpm", &fx, true);
    let header = app.dir().join("wxpresign.h");
    let mut write_header = Command::new("php");
    write_header
        .arg(app.package.join("bin/wxpresign-ffi-header"))
        .arg(&header)
        .arg(&app.library);
    let (status, output, _) = run(write_header, Duration::from_secs(30));
    assert!(status.success(), "wxpresign-ffi-header failed:\n{output}");
    let (fpm, socket) = app.fpm(&[
        "ffi.enable=preload".to_owned(),
        format!("ffi.preload={}", header.display()),
        "opcache.enable=1".to_owned(),
        format!(
            "opcache.preload={}",
            app.package.join("preload.php").display()
        ),
        "opcache.preload_user=www-data".to_owned(),
    ]);
    let script = app.script();
    let pids = serve_many(
        &fx,
        &app,
        "PHP-FPM, preloaded",
        "FFI scope WXPRESIGN",
        || fastcgi(&socket, &script),
    );
    stop(fpm, &pids);
}

#[test]
fn fpm_workers_keep_their_connections_without_preloading() {
    let fx = sandbox();
    let app = App::new("php-fpm-cdef", &fx, false);
    let (fpm, socket) = app.fpm(&["ffi.enable=1".to_owned()]);
    let script = app.script();
    let library = app.library.display().to_string();
    let pids = serve_many(&fx, &app, "PHP-FPM, not preloaded", &library, || {
        fastcgi(&socket, &script)
    });
    stop(fpm, &pids);
}

#[test]
fn php_builtin_server_keeps_its_connection_without_preloading() {
    let fx = sandbox();
    let app = App::new("php-server", &fx, false);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port");
    let mut command = Command::new("php");
    command
        .args(["-d", "ffi.enable=1", "-S"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-t")
        .arg(app.dir())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(app.dir().join("server.log")).unwrap());
    let server = Group::spawn(command, libc::SIGTERM).expect("php runs");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "php -S did not listen within 20 s:\n{}",
            app.log("server.log")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let library = app.library.display().to_string();
    let pids = serve_many(&fx, &app, "php -S, not preloaded", &library, || {
        http_get(port)
    });
    stop(server, &pids);
}
