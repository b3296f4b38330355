//! Clients shared within a process (`wxpresign_client_shared`, `wxpresign::registry::shared`):
//! the same configuration gets the same client and its kept-alive connection, counted by the
//! sandbox's own `GET /sandbox/stats`; a rewritten key file or another configuration gets
//! another client; the registry stays bounded; a forked child never gets the parent's client.
//!
//! A test binary of its own, not a module of tests/it: the registry is the process's (its bound
//! is counted over every client any test shares), and one test forks, which is only safe where
//! no other test's thread may hold a lock at that moment.

mod common;

use common::{EDU, example, sandbox};
use serde_json::Value;
use std::ffi::{CStr, CString};
use std::sync::Arc;
use wxpresign::ffi::{wxpresign_client, wxpresign_client_free, wxpresign_client_shared};
use wxpresign::registry::{self, MAX_HELD};

fn call(client: &wxpresign::Client) {
    let answer = client
        .call(EDU, &example(EDU).to_string())
        .expect("the call succeeds");
    assert_eq!(answer.status, 200);
}

/// The configuration with a `user_agent` of its own, so that each test's clients are its own.
fn own(config: &Value, tag: &str) -> String {
    let mut config = config.clone();
    config["user_agent"] = format!("shared-clients-test/{tag}").into();
    config.to_string()
}

#[test]
fn the_same_configuration_gets_the_same_client_and_its_connection() {
    let fx = sandbox();
    let config = own(&fx.config, "same");
    for _ in 0..20 {
        // What a PHP-FPM request does: a client, one call, the client released.
        let client = registry::shared(&config).unwrap();
        call(&client);
    }
    let stats = fx.sandbox.stats();
    assert_eq!(stats["requests"], 20, "{stats}");
    assert_eq!(
        stats["connections_accepted"], 1,
        "twenty short-lived shared clients should have used one connection: {stats}"
    );

    let a = registry::shared(&config).unwrap();
    let b = registry::shared(&config).unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    let other = registry::shared(&own(&fx.config, "other")).unwrap();
    assert!(
        !Arc::ptr_eq(&a, &other),
        "another configuration needs another client"
    );
    // A client of one's own is never a shared one.
    let private = wxpresign::Client::from_json(&config).unwrap();
    call(&private);
    assert_eq!(fx.sandbox.stats()["connections_accepted"], 2);
}

#[test]
fn a_rewritten_key_file_gets_a_new_client() {
    let fx = sandbox();
    let dir = std::env::temp_dir().join(format!("wxpresign-shared-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("pub_key.pem");
    let key = fx.config["wechatpay_public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(&key_file, &key).unwrap();
    let mut config: Value = serde_json::from_str(&own(&fx.config, "files")).unwrap();
    config
        .as_object_mut()
        .unwrap()
        .remove("wechatpay_public_key");
    config["wechatpay_public_key_file"] = key_file.to_str().unwrap().into();
    let config = config.to_string();

    let first = registry::shared(&config).unwrap();
    // Written again with the same contents: the same client.
    std::fs::write(&key_file, &key).unwrap();
    assert!(Arc::ptr_eq(&first, &registry::shared(&config).unwrap()));
    // Other contents (another key, as after a rotation): a new client, which reads the new
    // file; this one is not WeChat Pay's key, so its answers fail verification.
    let (other, other_merchant) = wxpresign_sandbox::Identity::generate().unwrap();
    let other_config = other
        .client_config(&other_merchant, fx.sandbox.base_url())
        .unwrap();
    let other_key = other_config["wechatpay_public_key"].as_str().unwrap();
    assert_ne!(other_key, key);
    std::fs::write(&key_file, other_key).unwrap();
    let rotated = registry::shared(&config).unwrap();
    assert!(
        !Arc::ptr_eq(&first, &rotated),
        "the rotated file kept the old client"
    );
    let e = rotated
        .call(EDU, &example(EDU).to_string())
        .expect_err("the new key does not verify the sandbox's answers");
    assert_eq!(e.kind(), wxpresign::Kind::Verify, "{e}");
    // A file that is gone: the error of a new client, not the old client.
    std::fs::remove_file(&key_file).unwrap();
    let e = registry::shared(&config).expect_err("the file is gone");
    assert_eq!(e.kind(), wxpresign::Kind::Config, "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_registry_is_bounded_and_keeps_clients_in_use() {
    let fx = sandbox();
    let in_use = registry::shared(&own(&fx.config, "bounded-in-use")).unwrap();
    for i in 0..MAX_HELD + 8 {
        drop(registry::shared(&own(&fx.config, &format!("bounded-{i}"))).unwrap());
        assert!(registry::held() <= MAX_HELD, "{} held", registry::held());
    }
    // The client in use was not the one dropped to make room.
    let again = registry::shared(&own(&fx.config, "bounded-in-use")).unwrap();
    assert!(Arc::ptr_eq(&in_use, &again));
}

#[test]
fn the_c_function_shares_and_each_handle_is_freed_on_its_own() {
    let fx = sandbox();
    let config = CString::new(own(&fx.config, "c")).unwrap();
    let mut handles: Vec<*mut wxpresign_client> = Vec::new();
    for _ in 0..3 {
        let mut client = std::ptr::null_mut();
        let mut error = std::ptr::null_mut();
        // SAFETY: valid pointers and a NUL-terminated configuration.
        let status = unsafe { wxpresign_client_shared(config.as_ptr(), &mut client, &mut error) };
        assert_eq!(status as i32, 0);
        assert!(error.is_null());
        handles.push(client);
    }
    let path = CString::new(EDU).unwrap();
    let request = CString::new(example(EDU).to_string()).unwrap();
    for handle in handles {
        let mut out = std::ptr::null_mut();
        // SAFETY: a live handle; NUL-terminated strings; out is valid.
        let status = unsafe {
            wxpresign::ffi::wxpresign_call(handle, path.as_ptr(), request.as_ptr(), &mut out)
        };
        // SAFETY: the library's string, freed once.
        let answer = unsafe { CStr::from_ptr(out) }
            .to_string_lossy()
            .into_owned();
        unsafe { wxpresign::ffi::wxpresign_string_free(out) };
        assert_eq!(status as i32, 0, "{answer}");
        // SAFETY: freed once; the other handles stay valid.
        unsafe { wxpresign_client_free(handle) };
    }
    assert_eq!(fx.sandbox.stats()["connections_accepted"], 1);

    // A bad configuration is the same error as wxpresign_client_new's.
    let bad = CString::new("{\"mchid\": 1}").unwrap();
    let mut client = std::ptr::null_mut();
    let mut error = std::ptr::null_mut();
    // SAFETY: as above.
    let status = unsafe { wxpresign_client_shared(bad.as_ptr(), &mut client, &mut error) };
    assert_eq!(status as i32, 2, "a config error");
    assert!(client.is_null() || !error.is_null());
    // SAFETY: the library's string.
    unsafe { wxpresign::ffi::wxpresign_string_free(error) };
}

#[test]
fn a_forked_child_gets_a_client_of_its_own() {
    let fx = sandbox();
    let config = own(&fx.config, "fork");
    let parent = registry::shared(&config).unwrap();
    call(&parent);
    let parent_address = Arc::as_ptr(&parent) as usize;
    // SAFETY: the child only asks the registry for a client and exits without unwinding.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let code = match registry::shared(&config) {
            Ok(child) if Arc::as_ptr(&child) as usize != parent_address => {
                match child.call(EDU, &example(EDU).to_string()) {
                    Ok(_) => 0,
                    Err(_) => 3,
                }
            }
            Ok(_) => 1,
            Err(_) => 2,
        };
        // SAFETY: ends the child at once, running nothing of the parent's.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: waits for the child just forked.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(libc::WIFEXITED(status), "the child did not exit");
    assert_eq!(
        libc::WEXITSTATUS(status),
        0,
        "1: the child got the parent's client; 2: no client; 3: its call failed"
    );
    // The child opened a connection of its own; the parent's is still its own.
    call(&parent);
    assert_eq!(fx.sandbox.stats()["connections_accepted"], 2);
}
