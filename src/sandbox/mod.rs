//! A local WeChat Pay simulator for the pre-sign endpoints, strict the way WeChat Pay is:
//! it checks signatures, headers, encodings and the endpoint schema, answers with signed JSON
//! and injects faults on demand. It reuses the library's own protocol code throughout.

mod authorization;
pub mod contracts;
mod decryption;
mod faults;
pub mod http_server;
mod notify;
mod simulator;

pub use authorization::Authorization;
pub use faults::Fault;
pub use notify::{CROSS_BORDER_RETRY_SECS, Outgoing, RETRY_SCHEDULE_SECS, beijing_rfc3339};
pub use simulator::{Sandbox, Session};

use crate::error::{Error, Result};
use crate::keys::{PrivateKey, PublicKey};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::path::Path;
use zeroize::Zeroizing;

/// The default address of `wxpresign sandbox serve`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7878";

/// Everything the sandbox needs to know about the one merchant it serves, and its own key.
pub struct Identity {
    pub mchid: String,
    pub merchant_serial_no: String,
    /// The merchant key the sandbox verifies request signatures with.
    pub merchant_public_key: PublicKey,
    /// The key the sandbox signs answers with and decrypts sensitive fields with.
    pub platform_key: PrivateKey,
    /// `PUB_KEY_ID_...` (public-key mode) or a certificate serial.
    pub platform_serial: String,
    pub apiv3_key: Zeroizing<String>,
}

/// The server's half of a sandbox directory (`DIR/sandbox.json`).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityFile {
    mchid: String,
    merchant_serial_no: String,
    merchant_public_key: String,
    platform_private_key: Zeroizing<String>,
    platform_serial: String,
    apiv3_key: Zeroizing<String>,
    listen: String,
}

/// Random upper-case hex of `bytes` bytes.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    let _ = aws_lc_rs::rand::fill(&mut buf);
    buf.iter().map(|b| format!("{b:02X}")).collect()
}

fn random_digits(n: usize) -> String {
    let mut buf = vec![0u8; n];
    let _ = aws_lc_rs::rand::fill(&mut buf);
    buf.iter().map(|b| char::from(b'0' + b % 10)).collect()
}

impl Identity {
    /// The `Wechatpay-*` headers of `body`, signed now with the platform key, as WeChat Pay
    /// signs its answers and notifications.
    pub fn signature_headers(&self, body: &[u8]) -> Result<Vec<(&'static str, String)>> {
        use crate::signing::{SCHEME, nonce, response_message, unix_now};
        use base64::Engine;
        let timestamp = unix_now().to_string();
        let nonce = nonce()?;
        let signature = self
            .platform_key
            .sign_sha256(&response_message(&timestamp, &nonce, body))?;
        Ok(vec![
            ("Wechatpay-Timestamp", timestamp),
            ("Wechatpay-Nonce", nonce),
            ("Wechatpay-Serial", self.platform_serial.clone()),
            (
                "Wechatpay-Signature",
                base64::engine::general_purpose::STANDARD.encode(signature),
            ),
            ("Wechatpay-Signature-Type", SCHEME.to_owned()),
        ])
    }

    /// A fresh merchant and platform: new RSA-2048 keys, ids and an APIv3 key.
    pub fn generate() -> Result<(Identity, PrivateKey)> {
        let merchant_key = PrivateKey::generate()?;
        let platform_key = PrivateKey::generate()?;
        let mut apiv3 = [0u8; 16];
        let _ = aws_lc_rs::rand::fill(&mut apiv3);
        let identity = Identity {
            mchid: format!("19{}", random_digits(8)),
            merchant_serial_no: random_hex(20),
            merchant_public_key: merchant_key.public_key()?,
            platform_serial: format!("PUB_KEY_ID_01{}", random_digits(26)),
            platform_key,
            apiv3_key: Zeroizing::new(apiv3.iter().map(|b| format!("{b:02x}")).collect()),
        };
        Ok((identity, merchant_key))
    }

    /// The library configuration that works against this sandbox at `base_url` as is.
    pub fn client_config(&self, merchant_key: &PrivateKey, base_url: &str) -> Result<Value> {
        Ok(json!({
            "mchid": self.mchid,
            "merchant_serial_no": self.merchant_serial_no,
            "merchant_private_key": merchant_key.to_pkcs8_pem()?.as_str(),
            "wechatpay_public_key_id": self.platform_serial,
            "wechatpay_public_key": self.platform_key.public_key()?.to_pem()?,
            "apiv3_key": self.apiv3_key.as_str(),
            "base_url": base_url,
            "global_base_url": base_url,
        }))
    }

    /// `sandbox init`: writes DIR/client.json and DIR/sandbox.json with fresh keys.
    pub fn init_dir(dir: &Path, listen: &str) -> Result<()> {
        let (identity, merchant_key) = Identity::generate()?;
        let io =
            |e: std::io::Error| Error::config(format!("cannot write to {}: {e}", dir.display()));
        std::fs::create_dir_all(dir).map_err(io)?;
        let client = identity.client_config(&merchant_key, &format!("http://{listen}"))?;
        let server = IdentityFile {
            mchid: identity.mchid.clone(),
            merchant_serial_no: identity.merchant_serial_no.clone(),
            merchant_public_key: identity.merchant_public_key.to_pem()?,
            platform_private_key: identity.platform_key.to_pkcs8_pem()?,
            platform_serial: identity.platform_serial.clone(),
            apiv3_key: identity.apiv3_key.clone(),
            listen: listen.to_owned(),
        };
        write_private(&dir.join("client.json"), &pretty(&client)).map_err(io)?;
        write_private(&dir.join("sandbox.json"), &pretty(&server)).map_err(io)?;
        Ok(())
    }

    /// Loads DIR/sandbox.json; returns the identity and the listen address it was made for.
    pub fn load_dir(dir: &Path) -> Result<(Identity, String)> {
        let path = dir.join("sandbox.json");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::config(format!(
                "cannot read {}: {e} (create it with `wxpresign sandbox init DIR`)",
                path.display()
            ))
        })?;
        let file: IdentityFile = serde_json::from_str(&text)
            .map_err(|e| Error::config(format!("{}: {e}", path.display())))?;
        let identity = Identity {
            mchid: file.mchid,
            merchant_serial_no: file.merchant_serial_no,
            merchant_public_key: PublicKey::from_pem(
                &file.merchant_public_key,
                "merchant_public_key",
            )?,
            platform_key: PrivateKey::from_pem(&file.platform_private_key, "platform_private_key")?,
            platform_serial: file.platform_serial,
            apiv3_key: file.apiv3_key,
        };
        Ok((identity, file.listen))
    }
}

fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// Writes a file readable by its owner only: these files hold private keys.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}
