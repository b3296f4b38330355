//! `wxpresign sandbox serve` as a user starts it, for the tests that call a served sandbox from
//! another program (the bindings, the packages, the benchmarks of the clients).
#![allow(dead_code)]

use crate::common::process::{Group, Scratch};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `wxpresign sandbox init` + `wxpresign sandbox serve` on a free loopback port, stopped on drop.
pub struct Served {
    // Declared, so dropped, before `dir`: the server stops before its directory is removed.
    _child: Group,
    pub dir: Scratch,
    pub base_url: String,
}

impl Served {
    /// Initialises a sandbox in a fresh scratch directory named after `name` and serves it.
    pub fn start(name: &str) -> Served {
        let bin = env!("CARGO_BIN_EXE_wxpresign");
        let dir = std::env::temp_dir().join(format!("wxpresign-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let listen = format!("127.0.0.1:{port}");
        let init = Command::new(bin)
            .args(["sandbox", "init"])
            .arg(&dir)
            .args(["--listen", &listen])
            .output()
            .expect("wxpresign runs");
        assert!(
            init.status.success(),
            "{}",
            String::from_utf8_lossy(&init.stderr)
        );
        let mut serve = Command::new(bin);
        serve
            .args(["sandbox", "serve"])
            .arg(&dir)
            .stdout(Stdio::piped());
        let mut child = Group::spawn(serve, libc::SIGTERM).expect("wxpresign sandbox serve starts");
        let stdout = child.child().stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        assert_eq!(
            first,
            format!("listening on http://{listen}"),
            "the sandbox did not start"
        );
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Served {
            dir: Scratch(dir),
            _child: child,
            base_url: format!("http://{listen}"),
        }
    }

    /// DIR/client.json: the library configuration that works against this sandbox.
    pub fn config_path(&self) -> PathBuf {
        self.dir.0.join("client.json")
    }
}
