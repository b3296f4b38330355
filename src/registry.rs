//! Clients shared within a process: asking for a client with a configuration the process already
//! holds returns that client, with its parsed keys, its kept-alive connections and its TLS
//! sessions. This is what a PHP-FPM worker needs, where every request builds its client anew
//! but the library stays loaded, and what any program gets that creates clients where it cannot
//! keep one (a request handler, a plugin).
//!
//! A configuration is the same when its JSON text is byte for byte the same, every file it names
//! (`*_file`) has the same contents, and, with `"proxy": "environment"`, the proxy variables
//! have the same values: a rotated key file gets a new client, never the old key. A held client
//! nobody uses is kept for [`KEEP_UNUSED`] after it was last asked for, so that the next request
//! finds it; at most [`MAX_HELD`] are held, and the least recently asked-for unused one makes
//! room. After `fork()`, the child forgets what the parent held without closing it (the
//! connections belong to the parent) and builds its own.

use crate::client::Client;
use crate::config::{Config, Sources};
use crate::error::Result;
use aws_lc_rs::digest::{SHA256, digest};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a held client nobody uses stays after it was last asked for: well past the
/// connections' idle time (7 s), so that keys stay parsed between a worker's requests.
pub const KEEP_UNUSED: Duration = Duration::from_secs(300);

/// The most clients held at once (one per merchant configuration a process serves).
pub const MAX_HELD: usize = 32;

type Digest32 = [u8; 32];

struct Held {
    /// SHA-256 of the configuration text.
    config: Digest32,
    /// What else made the client: the files it named and the proxy variables it read.
    sources: Sources,
    client: Arc<Client>,
    last_asked: Instant,
}

struct Registry {
    /// The process that made the held clients.
    pid: u32,
    held: Vec<Held>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    pid: 0,
    held: Vec::new(),
});

fn registry() -> MutexGuard<'static, Registry> {
    let mut registry = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
    let pid = std::process::id();
    if registry.pid != pid {
        // A forked child: the clients' connections are the parent's sockets, and dropping them
        // could write to those (a TLS close_notify). Leaked, never used again.
        std::mem::forget(std::mem::take(&mut registry.held));
        registry.pid = pid;
    }
    registry
}

/// The process's client for `config`, made from it when none is held (see the module
/// documentation for when a configuration is the same). The error is `Client::from_json`'s.
pub fn shared(config: &str) -> Result<Arc<Client>> {
    let digest = sha256(config.as_bytes());
    let now = Instant::now();
    {
        let mut registry = registry();
        registry
            .held
            .retain(|h| Arc::strong_count(&h.client) > 1 || now - h.last_asked < KEEP_UNUSED);
        if let Some(at) = registry.held.iter().position(|h| h.config == digest) {
            if registry.held[at].sources.unchanged() {
                let held = &mut registry.held[at];
                held.last_asked = now;
                return Ok(held.client.clone());
            }
            // A file or variable changed: this configuration means something else now.
            registry.held.remove(at);
        }
    }

    // Built outside the lock: other configurations are served meanwhile. The sources are what
    // the configuration read, so a file changing meanwhile makes the next call build anew.
    let parsed = Config::from_json(config)?;
    let sources = parsed.sources.clone();
    let client = Arc::new(Client::new(parsed));

    let mut registry = registry();
    if let Some(held) = registry
        .held
        .iter_mut()
        .find(|h| h.config == digest && h.sources == sources)
    {
        // Another thread made the same client meanwhile: one is kept.
        held.last_asked = now;
        return Ok(held.client.clone());
    }
    if registry.held.len() >= MAX_HELD {
        let unused = registry
            .held
            .iter()
            .enumerate()
            .filter(|(_, h)| Arc::strong_count(&h.client) == 1)
            .min_by_key(|(_, h)| h.last_asked)
            .map(|(at, _)| at);
        match unused {
            Some(at) => drop(registry.held.remove(at)),
            // Every held client is in use: this one is not held.
            None => return Ok(client),
        }
    }
    registry.held.push(Held {
        config: digest,
        sources,
        client: client.clone(),
        last_asked: now,
    });
    Ok(client)
}

/// How many clients the process holds (in use or kept for reuse).
pub fn held() -> usize {
    registry().held.len()
}

fn sha256(bytes: &[u8]) -> Digest32 {
    digest(&SHA256, bytes)
        .as_ref()
        .try_into()
        .expect("SHA-256 is 32 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const KEY_A: &str = include_str!("../tests/data/official_doc_test_private_key.pem");
    const KEY_B: &str = include_str!("../tests/data/go_test_private_key.pem");
    const PUBLIC_KEY: &str = include_str!(
        "../tests/data/official_doc_wechatpay_public_key_PUB_KEY_ID_0000000000000024101100397200000006.pem"
    );
    const CERT_A: &str = include_str!("../tests/data/go_test_cert_D7CE59D1F522D701.pem");
    const CERT_B: &str = include_str!("../tests/data/go_test_cert_F5765756002FDD77.pem");

    /// A configuration in public-key mode, inline, that the test gives one `*_file` member.
    fn configuration(tag: &str) -> Value {
        json!({
            "mchid": "1900000001",
            "merchant_serial_no": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            "merchant_private_key": KEY_A,
            "wechatpay_public_key_id": "PUB_KEY_ID_0000000000000024101100397200000006",
            "wechatpay_public_key": PUBLIC_KEY,
            "base_url": "http://127.0.0.1:9",
            "user_agent": format!("registry-test/{tag}"),
        })
    }

    #[test]
    fn every_file_member_that_is_rewritten_gets_a_new_client() {
        let dir = std::env::temp_dir().join(format!("wxpresign-registry-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Each member that names a file: the configuration without its inline twin, and two
        // contents the member accepts.
        let members: [(&str, Option<&str>, &str, &str); 4] = [
            (
                "merchant_private_key_file",
                Some("merchant_private_key"),
                KEY_A,
                KEY_B,
            ),
            (
                "wechatpay_public_key_file",
                Some("wechatpay_public_key"),
                PUBLIC_KEY,
                CERT_A,
            ),
            ("platform_certificate_files", None, CERT_A, CERT_B),
            ("extra_ca_file", None, CERT_A, CERT_B),
        ];
        for (member, inline, first, rotated) in members {
            let file = dir.join(member);
            std::fs::write(&file, first).unwrap();
            let mut config = configuration(member);
            if let Some(inline) = inline {
                config.as_object_mut().unwrap().remove(inline);
            }
            let path = file.to_str().unwrap();
            config[member] = match member {
                "platform_certificate_files" => json!([path]),
                _ => json!(path),
            };
            let config = config.to_string();
            let held = shared(&config).unwrap_or_else(|e| panic!("{member}: {e}"));
            std::fs::write(&file, first).unwrap();
            assert!(
                Arc::ptr_eq(&held, &shared(&config).unwrap()),
                "{member}: the same contents got another client"
            );
            std::fs::write(&file, rotated).unwrap();
            let after = shared(&config);
            assert!(
                !after.is_ok_and(|c| Arc::ptr_eq(&held, &c)),
                "{member}: the rotated file kept the old client"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_changed_proxy_variable_gets_a_new_client_when_the_configuration_reads_them() {
        let mut config = configuration("environment");
        config["proxy"] = "environment".into();
        let config = config.to_string();
        let held = shared(&config).unwrap();
        assert!(Arc::ptr_eq(&held, &shared(&config).unwrap()));
        // No other test of this binary reads the proxy variables.
        let before = std::env::var_os("no_proxy");
        let mut changed = before.clone().unwrap_or_default();
        changed.push(",registry-test.example");
        unsafe { std::env::set_var("no_proxy", &changed) };
        let after = shared(&config);
        match before {
            Some(value) => unsafe { std::env::set_var("no_proxy", value) },
            None => unsafe { std::env::remove_var("no_proxy") },
        }
        assert!(
            !Arc::ptr_eq(&held, &after.unwrap()),
            "a changed no_proxy kept the old client"
        );
    }
}
