//! Debian's tinyproxy, a real forward proxy, started with its own configuration on a free
//! loopback port for one test and stopped on drop. CONNECT is allowed to every port (no
//! ConnectPort line), so the plain-http sandbox can be reached through it as a WeChat Pay host.

use crate::common::process::Group;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Tinyproxy {
    child: Option<Group>,
    pub port: u16,
    dir: PathBuf,
}

impl Tinyproxy {
    /// Starts tinyproxy; with `basic_auth`, it asks for that user and password.
    pub fn start(name: &str, basic_auth: Option<(&str, &str)>) -> Tinyproxy {
        let dir =
            std::env::temp_dir().join(format!("wxpresign-tinyproxy-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let mut config = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 64\n\
             LogFile \"{}\"\nLogLevel Connect\n",
            dir.join("log").display()
        );
        if let Some((user, password)) = basic_auth {
            config.push_str(&format!("BasicAuth {user} {password}\n"));
        }
        std::fs::write(dir.join("tinyproxy.conf"), config).unwrap();
        let mut command = Command::new("tinyproxy");
        command
            .arg("-d")
            .arg("-c")
            .arg(dir.join("tinyproxy.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = Group::spawn(command, libc::SIGTERM)
            .expect("tinyproxy runs: apt-get install tinyproxy (`make test` installs it)");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "tinyproxy did not listen on port {port} within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Tinyproxy {
            child: Some(child),
            port,
            dir,
        }
    }

    /// `http://[user:password@]127.0.0.1:PORT`.
    pub fn url(&self, credentials: Option<(&str, &str)>) -> String {
        match credentials {
            Some((user, password)) => format!("http://{user}:{password}@127.0.0.1:{}", self.port),
            None => format!("http://127.0.0.1:{}", self.port),
        }
    }

    /// The CONNECT request lines tinyproxy logged, e.g. "CONNECT 127.0.0.1:4321 HTTP/1.1".
    pub fn connects(&self) -> Vec<String> {
        let mut log = String::new();
        if let Ok(mut file) = std::fs::File::open(self.dir.join("log")) {
            let _ = file.read_to_string(&mut log);
        }
        log.lines()
            .filter_map(|l| {
                l.split_once("): CONNECT ")
                    .map(|(_, r)| format!("CONNECT {r}"))
            })
            .collect()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        // Stopped (and checked to be gone) before its directory is removed.
        drop(self.child.take());
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
