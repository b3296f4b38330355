//! Child processes of the tests: the shared library for foreign programs, scratch directories,
//! commands with a deadline, and `wxpresign sandbox serve` as a user starts it.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A scratch directory removed on drop (kept when the test fails, for a look).
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// An empty wxpresign-NAME-PID in the temporary directory (emptied if a run left it).
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("wxpresign-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The shared library built by the `cargo test` that built this test, copied to `dir` so that a
/// concurrent rebuild cannot swap it out under the running program. Returns the copy's directory.
///
/// The test binary is target/<profile>/deps/c_abi-<hash>. `cargo test` builds the lib target with
/// all of its crate types (cdylib included) into that same deps/ directory, but only `cargo build`
/// copies the library up to target/<profile>/, so deps/ is the place to look (and the fresh one).
pub fn shared_library(dir: &Path) -> PathBuf {
    let name = format!(
        "{}wxpresign{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let exe = std::env::current_exe().expect("the test binary has a path");
    let deps = exe.parent().expect("the test binary is in a directory");
    let candidates = [Some(deps), deps.parent()];
    let built = candidates
        .into_iter()
        .flatten()
        .map(|d| d.join(&name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "{name} is neither in {} nor in its parent: the lib target must keep \
                 crate-type cdylib",
                deps.display()
            )
        });
    println!("linking against {}", built.display());
    let lib_dir = dir.join("lib");
    std::fs::create_dir_all(&lib_dir).unwrap();
    std::fs::copy(&built, lib_dir.join(&name)).unwrap();
    // Programs linked with -lwxpresign record the soname (build.rs), and the loader looks for it.
    #[cfg(target_os = "linux")]
    {
        let soname = format!("{name}.{}", env!("CARGO_PKG_VERSION_MAJOR"));
        let _ = std::fs::remove_file(lib_dir.join(&soname));
        std::os::unix::fs::symlink(&name, lib_dir.join(soname)).unwrap();
    }
    lib_dir
}

/// Runs `command` to completion with a deadline; returns its status and combined output.
pub fn run(mut command: Command, deadline: Duration) -> (ExitStatus, String, Duration) {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{command:?} did not finish within {deadline:?}\nstdout:\n{}\nstderr:\n{}",
                out.join().unwrap_or_default(),
                err.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let output = format!(
        "{}{}",
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default()
    );
    (status, output, elapsed)
}

/// `wxpresign sandbox init` + `wxpresign sandbox serve` on a free loopback port, stopped on drop.
pub struct Served {
    pub dir: Scratch,
    child: Child,
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
        let mut child = Command::new(bin)
            .args(["sandbox", "serve"])
            .arg(&dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("wxpresign sandbox serve starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
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
            child,
            base_url: format!("http://{listen}"),
        }
    }

    /// DIR/client.json: the library configuration that works against this sandbox.
    pub fn config_path(&self) -> PathBuf {
        self.dir.0.join("client.json")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
