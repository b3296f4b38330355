//! The C ABI from C: compiles tests/c/abi_test.c against the libwxpresign shared library that
//! `cargo test` builds, runs it against an in-process sandbox, and runs it again under valgrind
//! when valgrind is installed (definite and indirect leaks and memory errors fail the test) and
//! built with AddressSanitizer and UndefinedBehaviorSanitizer.
#![cfg(unix)]

use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::Duration;
use wxpresign::endpoints;
use wxpresign_sandbox::{Identity, Sandbox};

use crate::common;
use crate::recorder::Recorder;
use common::process::{Scratch, compile_c, run, shared_library};

const C_SOURCE: &str = "tests/c/abi_test.c";

fn valgrind_available() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn c_program_exercises_the_c_abi() {
    // The C program's ENDPOINTS come from tests/c/endpoints.h, which tests/it/ffi_wrappers.rs
    // keeps equal to the table.
    let dir = std::env::temp_dir().join(format!("wxpresign-c-abi-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let scratch = Scratch(dir.clone());

    // The sandbox and the two configurations: one for it, one for a port nobody listens on.
    let (identity, merchant_key) = Identity::generate().unwrap();
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").unwrap();
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .unwrap();
    let mut unreachable = config.clone();
    unreachable["base_url"] = "http://127.0.0.1:1".into();
    unreachable["global_base_url"] = "http://127.0.0.1:1".into();
    unreachable["connect_timeout_ms"] = Value::from(2000);
    unreachable["timeout_ms"] = Value::from(2000);
    let config_path = dir.join("config.json");
    let unreachable_path = dir.join("unreachable.json");
    std::fs::write(&config_path, config.to_string()).unwrap();
    std::fs::write(&unreachable_path, unreachable.to_string()).unwrap();

    // One example request per endpoint, named after its C function.
    let requests = dir.join("requests");
    std::fs::create_dir_all(&requests).unwrap();
    for endpoint in endpoints::all() {
        std::fs::write(
            requests.join(format!("{}.json", endpoint.c_function())),
            endpoint.example,
        )
        .unwrap();
    }

    // Compile the C program against the public header and the shared library.
    let lib_dir = shared_library(&dir);
    let program = dir.join("abi_test");
    compile_c(C_SOURCE, &program, &lib_dir, &[]);

    let args = [&config_path, &unreachable_path, &requests];

    // Natively.
    let mut native = Command::new(&program);
    native.args(args);
    let (status, output, elapsed) = run(native, Duration::from_secs(120));
    println!("--- abi_test ({elapsed:.1?}) ---\n{output}");
    assert!(status.success(), "abi_test failed: {status}");
    assert!(
        output.contains(" 0 failed"),
        "abi_test did not report 0 failures"
    );

    // Under valgrind.
    if !valgrind_available() {
        println!("valgrind is not installed: the memory check is skipped (CI installs valgrind)");
    } else {
        let mut valgrind = Command::new("valgrind");
        valgrind
            .args([
                "--error-exitcode=99",
                "--leak-check=full",
                "--errors-for-leak-kinds=definite,indirect",
                "--show-leak-kinds=definite,indirect",
                "--num-callers=40",
            ])
            .arg(&program)
            .args(args);
        let (status, output, elapsed) = run(valgrind, Duration::from_secs(600));
        println!("--- valgrind abi_test ({elapsed:.1?}) ---\n{output}");
        assert!(
            status.success(),
            "abi_test under valgrind failed: {status} (99 means memory errors or leaks)"
        );
        assert!(
            output.contains(" 0 failed"),
            "abi_test under valgrind did not report 0 failures"
        );
        assert!(
            output.contains("ERROR SUMMARY: 0 errors"),
            "valgrind reported errors"
        );
    }

    // Under AddressSanitizer and UndefinedBehaviorSanitizer: the C side instrumented, so a
    // string used after wxpresign_string_free, freed twice or read past its end, and undefined
    // behaviour in the C calls, stop the program. Leaks are valgrind's above.
    let sanitized = dir.join("abi_test_sanitized");
    compile_c(
        C_SOURCE,
        &sanitized,
        &lib_dir,
        &[
            "-fsanitize=address,undefined",
            "-fno-omit-frame-pointer",
            "-fno-sanitize-recover=all",
        ],
    );
    let mut asan = Command::new(&sanitized);
    asan.args(args)
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=0:abort_on_error=0:halt_on_error=1",
        )
        .env("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1");
    let (status, output, elapsed) = run(asan, Duration::from_secs(300));
    println!("--- abi_test under ASan and UBSan ({elapsed:.1?}) ---\n{output}");
    assert!(
        status.success(),
        "abi_test under ASan/UBSan failed: {status}"
    );
    assert!(
        output.contains(" 0 failed"),
        "abi_test under ASan/UBSan did not report 0 failures"
    );
    assert!(
        !output.contains("ERROR: AddressSanitizer") && !output.contains("runtime error:"),
        "the sanitizers reported a problem"
    );

    sandbox.shutdown();
    drop(scratch);
}

/// tests/c/deduction.c calls the deduction schedule's typed function with the contract id a
/// member of its JSON; the listener sees it percent-encoded in the path and absent from the body.
#[test]
fn a_c_program_schedules_a_deduction_through_its_typed_function() {
    let listener = Recorder::start();
    let scratch = Scratch::new("c-deduction");
    let config = scratch.0.join("config.json");
    std::fs::write(&config, &listener.config).unwrap();
    let lib_dir = shared_library(&scratch.0);
    let program = scratch.0.join("deduction");
    compile_c("tests/c/deduction.c", &program, &lib_dir, &[]);

    let mut command = Command::new(&program);
    command.arg(&config);
    let (status, output, _) = run(command, Duration::from_secs(60));
    println!("{output}");
    assert!(status.success() && output.contains("0 failed"), "{output}");

    let arrived = listener.take();
    let [received] = arrived.as_slice() else {
        panic!("one request arrives, the refused one never: {arrived:?}");
    };
    assert_eq!(
        (received.method.as_str(), received.target.as_str()),
        (
            "POST",
            "/v3/papay/pay/schedules/contract-id/Wx%2015/schedule"
        )
    );
    let body: Value = serde_json::from_slice(&received.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"appid":"wxd678efh567hg6787","schedule_amount":{"total":100,"currency":"CNY"}})
    );
}
