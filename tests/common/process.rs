//! Child processes of the tests: the shared library for foreign programs, scratch directories
//! and commands with a deadline.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The repository: the library's directory, which holds the sandbox crate's (sandbox/), whose
/// tests share these helpers.
pub fn repository() -> &'static Path {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    if env!("CARGO_PKG_NAME") == "wxpresign" {
        manifest
    } else {
        manifest
            .parent()
            .expect("the sandbox crate is a directory of the repository")
    }
}

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

/// A fresh virtual environment in `dir` with `wheel` installed from the file alone (no index);
/// returns its interpreter. Uses $PYTHON, else python3, to create it.
pub fn venv_with(dir: &Path, wheel: &Path) -> PathBuf {
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    let mut create = Command::new(python);
    create.args(["-m", "venv"]).arg(dir);
    let (status, output, _) = run(create, Duration::from_secs(120));
    assert!(status.success(), "python3 -m venv failed:\n{output}");
    let interpreter = dir.join("bin/python");
    let mut install = Command::new(&interpreter);
    install
        .args(["-m", "pip", "install", "--no-deps", "--no-index"])
        .arg(wheel)
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env_remove("PYTHONPATH");
    let (status, output, _) = run(install, Duration::from_secs(120));
    assert!(
        status.success(),
        "pip install {} into a fresh venv failed:\n{output}",
        wheel.display()
    );
    interpreter
}

/// What a Python user of the installed package runs: the library it loaded, then the envelope
/// of the edu-papay example against the sandbox configured in `config`. Needs no
/// WXPRESIGN_LIBRARY and no PYTHONPATH; returns (wxpresign.__file__, library path, envelope).
pub fn python_calls_the_sandbox(interpreter: &Path, config: &Path, cwd: &Path) -> [String; 3] {
    let script = "import json, sys, wxpresign, wxpresign._library as library\n\
                  print(wxpresign.__file__)\n\
                  print(library.load().path)\n\
                  table = {e['path']: e for e in wxpresign.endpoints()}\n\
                  example = table['v3/edu-papay/contracts/presign']['example']\n\
                  with wxpresign.Client(sys.argv[1]) as client:\n\
                  \x20   print(json.dumps(client.edu_papay(example)))\n";
    let mut call = Command::new(interpreter);
    call.args(["-c", script])
        .arg(config)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("PYTHONPATH")
        .env_remove("WXPRESIGN_LIBRARY")
        .env_remove("LD_LIBRARY_PATH")
        .current_dir(cwd);
    let (status, output, _) = run(call, Duration::from_secs(60));
    println!(
        "--- {} calling the sandbox ---\n{output}",
        interpreter.display()
    );
    assert!(status.success(), "the installed package failed:\n{output}");
    let lines: Vec<String> = output.lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 3, "expected three lines:\n{output}");
    [lines[0].clone(), lines[1].clone(), lines[2].clone()]
}

/// Compiles the C program `source` (relative to the repository) against the public header and
/// the shared library in `lib_dir` into `program`, with `flags` added; fails the test with the
/// compiler's output if it does not compile.
pub fn compile_c(source: &str, program: &Path, lib_dir: &Path, flags: &[&str]) {
    let manifest = repository();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let mut compile = Command::new(&cc);
    compile
        .args(["-Wall", "-Wextra", "-Werror", "-std=c11", "-pthread", "-g"])
        .args(flags)
        .arg("-I")
        .arg(manifest.join("include"))
        .arg(manifest.join(source))
        .arg("-o")
        .arg(program)
        .arg("-L")
        .arg(lib_dir)
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-lwxpresign");
    let (status, output, elapsed) = run(compile, Duration::from_secs(120));
    println!("compiled {source} with {cc} {flags:?} in {elapsed:.1?}\n{output}");
    assert!(
        status.success(),
        "compiling {source} with {cc} {flags:?} failed: {output}"
    );
}

/// This process's open file descriptors, threads and resident memory (KiB), from /proc.
pub fn process_usage() -> (usize, usize, u64) {
    let count = |dir: &str| std::fs::read_dir(dir).map_or(0, |d| d.count());
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        })
        .unwrap_or(0);
    (count("/proc/self/fd"), count("/proc/self/task"), rss)
}

/// A child started in a process group of its own, with everything it starts in turn (PHP-FPM's
/// workers, chromedriver's Chromium). On drop the whole group gets `stop` (SIGKILL 10 s later if
/// anything is left), the child is reaped, and the test fails if a member of the group is still
/// running: nothing a test starts outlives it.
pub struct Group {
    child: Child,
    stop: libc::c_int,
}

impl Group {
    /// Spawns `command` as the leader of a new process group, stopped on drop with `stop`
    /// (SIGTERM for most programs, SIGQUIT for PHP-FPM's graceful stop).
    pub fn spawn(mut command: Command, stop: libc::c_int) -> std::io::Result<Group> {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        let child = command.spawn()?;
        Ok(Group { child, stop })
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The child itself, e.g. to take its piped stdout or see whether it exited.
    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }
}

/// The running (not zombie) processes of process group `group`, as "PID NAME", from /proc.
pub fn group_members(group: u32) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // The name, in parentheses, may hold spaces: the fields that follow come after its ')'.
            let (head, rest) = stat.rsplit_once(')')?;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let running = fields.first().is_some_and(|state| *state != "Z");
            let in_group = fields.get(2).and_then(|g| g.parse::<u32>().ok()) == Some(group);
            let name = head.split_once('(').map_or("", |(_, n)| n);
            (running && in_group).then(|| format!("{pid} {name}"))
        })
        .collect()
}

impl Drop for Group {
    fn drop(&mut self) {
        let group = self.child.id();
        let pgid = group as libc::pid_t;
        // SAFETY: kill(2) on the process group this guard created.
        unsafe { libc::kill(-pgid, self.stop) };
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut killed = false;
        loop {
            let reaped = !matches!(self.child.try_wait(), Ok(None));
            if reaped && group_members(group).is_empty() {
                break;
            }
            if Instant::now() > deadline && !killed {
                // SAFETY: as above.
                unsafe { libc::kill(-pgid, libc::SIGKILL) };
                killed = true;
            } else if Instant::now() > deadline + Duration::from_secs(5) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let left = group_members(group);
        if (killed || !left.is_empty()) && !std::thread::panicking() {
            panic!(
                "process group {group} did not stop within 10 s of signal {} and was killed; \
                 still running: {left:?}",
                self.stop
            );
        }
    }
}
