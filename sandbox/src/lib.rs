//! A local WeChat Pay simulator for the pre-sign endpoints, strict the way WeChat Pay is:
//! it checks signatures, headers, encodings and the endpoint schema, answers with signed JSON
//! and injects faults on demand. It reuses the library's own protocol code throughout.

mod admin;
mod authorization;
mod behaviours;
pub mod certificates;
mod clock;
mod contracts;
mod dashboard;
mod decryption;
mod delivery;
mod expiring;
mod families;
mod faults;
mod gateway;
mod html;
pub mod http_server;
pub mod merchants;
mod migration;
mod money;
pub mod notify_test;
mod outbox;
mod personal_data;
mod rate_limit;
pub mod record;
mod refusal;
mod routes;
mod server;
mod sessions;
mod signer;
mod signing_page;
mod store;
mod trigger;
mod user_actions;

pub use authorization::Authorization;
pub use clock::now_in;
pub use contracts::Contract;
pub use delivery::{Attempt, NotificationDelivery, Outgoing, beijing_rfc3339};
pub use families::{CROSS_BORDER_RETRY_SECS, RETRY_SCHEDULE_SECS, fault_field};
pub use faults::{Failure, Fault};
pub use merchants::{Kind, Standing, SubMerchants};
pub use server::Sandbox;
pub use sessions::Session;
pub use store::{DATABASE, LOCK_FILE, SCHEMA_VERSION, reset};

use behaviours::Behaviours;
use certificates::{Certificate, Platform};
use migration::PublicKeyPair;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::{Arc, RwLock};
use wxpresign::error::{Error, Result};
use wxpresign::keys::{PrivateKey, PublicKey};

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
    /// The platform certificate of `platform_key`, in certificate mode.
    pub platform_certificate: Option<Certificate>,
    /// The platform keys rotation issued since (certificate mode). The newest key of all
    /// signs; any still held decrypts what names its serial.
    rotated: RwLock<Rotated>,
    /// The WeChat Pay public key of a merchant changing to it from its certificate
    /// (migration mode).
    pub(crate) public_key_pair: Option<PublicKeyPair>,
    /// What the merchant set of WeChat Pay's behaviours over time.
    pub(crate) behaviours: Behaviours,
    /// Direct merchant, service provider or sub-merchant, and whose.
    pub standing: Standing,
}

/// The platform certificates held at once, the first included: a rotation past it retires
/// the oldest, so the list a client downloads stays small, as WeChat Pay's does.
pub const CERTIFICATES_KEPT: usize = 3;

/// What rotation issued, oldest first, and whether the first platform key was retired.
#[derive(Default)]
struct Rotated {
    first_retired: bool,
    issued: std::collections::VecDeque<Arc<Platform>>,
}

/// How the sandbox's merchant verifies WeChat Pay: with a WeChat Pay public key (what WeChat
/// gives new merchants) or with platform certificates downloaded from `GET /v3/certificates`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    PublicKey,
    Certificate,
    /// Both a platform certificate and a WeChat Pay public key: the merchant changing from the
    /// one to the other (`key_migration` in the merchant's behaviours).
    Migration,
}

/// The server's half of a sandbox directory (`DIR/sandbox.json`).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IdentityFile {
    mchid: String,
    merchant_serial_no: String,
    merchant_public_key: String,
    platform_private_key: Zeroizing<String>,
    platform_serial: String,
    /// The platform certificate (PEM), in certificate mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    platform_certificate: Option<String>,
    apiv3_key: Zeroizing<String>,
    listen: String,
    /// The public key's id and private key, in migration mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wechatpay_public_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wechatpay_public_key_private: Option<Zeroizing<String>>,
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
    /// The `Wechatpay-*` headers of `body`, signed now with the newest platform key, as WeChat
    /// Pay signs its answers and notifications.
    pub fn signature_headers(&self, body: &[u8]) -> Result<Vec<(&'static str, String)>> {
        signer::signature_headers(self, body, None)
    }

    /// A fresh merchant and platform in public-key mode: new RSA-2048 keys, ids and an APIv3 key.
    pub fn generate() -> Result<(Identity, PrivateKey)> {
        Identity::generate_in(Mode::PublicKey)
    }

    /// A fresh merchant and platform verified the way `mode` says.
    pub fn generate_in(mode: Mode) -> Result<(Identity, PrivateKey)> {
        let merchant_key = PrivateKey::generate()?;
        let platform_key = PrivateKey::generate()?;
        let mut apiv3 = [0u8; 16];
        let _ = aws_lc_rs::rand::fill(&mut apiv3);
        let (serial, certificate) = match mode {
            Mode::PublicKey => (public_key_id(), None),
            Mode::Certificate | Mode::Migration => {
                let (serial, certificate) = certificates::certify(&platform_key)?;
                (serial, Some(certificate.pem))
            }
        };
        let public_key_pair = match mode {
            Mode::Migration => Some(PublicKeyPair {
                id: public_key_id(),
                key: PrivateKey::generate()?,
            }),
            _ => None,
        };
        let identity = Identity::new(
            format!("19{}", random_digits(8)),
            random_hex(20),
            merchant_key.public_key()?,
            platform_key,
            serial,
            certificate,
            Zeroizing::new(apiv3.iter().map(|b| format!("{b:02x}")).collect()),
            public_key_pair,
        )?;
        Ok((identity, merchant_key))
    }

    #[allow(clippy::too_many_arguments)]
    fn new(
        mchid: String,
        merchant_serial_no: String,
        merchant_public_key: PublicKey,
        platform_key: PrivateKey,
        platform_serial: String,
        certificate: Option<String>,
        apiv3_key: Zeroizing<String>,
        public_key_pair: Option<PublicKeyPair>,
    ) -> Result<Identity> {
        let platform_certificate = certificate
            .map(|pem| Certificate::from_pem(pem, "platform_certificate"))
            .transpose()?;
        Ok(Identity {
            mchid,
            merchant_serial_no,
            merchant_public_key,
            platform_key,
            platform_serial,
            apiv3_key,
            behaviours: Behaviours::new(
                platform_certificate.is_some() && public_key_pair.is_some(),
                Arc::new(clock::Clock::default()),
            ),
            platform_certificate,
            rotated: RwLock::new(Rotated::default()),
            public_key_pair,
            standing: Standing::default(),
        })
    }

    /// This merchant with `standing` instead of `sandbox init`'s (a service provider acting
    /// for any sub-merchant).
    pub fn with_standing(mut self, standing: Standing) -> Identity {
        self.standing = standing;
        self
    }

    /// This merchant's times on `clock`: the sandbox's, shared by all its merchants.
    pub(crate) fn on_clock(mut self, clock: Arc<clock::Clock>) -> Identity {
        self.behaviours.use_clock(clock);
        self
    }

    /// Certificate mode, public-key mode, or both (migration).
    pub fn mode(&self) -> Mode {
        match (&self.platform_certificate, &self.public_key_pair) {
            (Some(_), Some(_)) => Mode::Migration,
            (Some(_), None) => Mode::Certificate,
            (None, _) => Mode::PublicKey,
        }
    }

    /// The `PUB_KEY_ID_...` of the public key a merchant in migration mode changes to.
    pub fn public_key_id(&self) -> Option<&str> {
        self.public_key_pair.as_ref().map(|p| p.id.as_str())
    }

    fn rotated(&self) -> std::sync::RwLockReadGuard<'_, Rotated> {
        self.rotated.read().unwrap_or_else(|p| p.into_inner())
    }

    /// `f` with the serial and key that sign answers and notifications: the newest.
    pub fn signing<T>(&self, f: impl FnOnce(&str, &PrivateKey) -> T) -> T {
        match self.rotated().issued.back() {
            Some(newest) => f(&newest.serial, &newest.key),
            None => f(&self.platform_serial, &self.platform_key),
        }
    }

    /// `f` with the platform key a `Wechatpay-Serial` names, if the sandbox holds it.
    pub fn decrypting<T>(&self, serial: &str, f: impl FnOnce(&PrivateKey) -> T) -> Option<T> {
        // Before the merchant starts the change the public key is not in force: "一定要开启公钥
        // 切换后,公钥才会生效".
        if let Some(pair) = self
            .public_key_pair
            .as_ref()
            .filter(|p| p.id == serial.trim() && self.behaviours.migration().public_key_decrypts())
        {
            return Some(f(&pair.key));
        }
        let rotated = self.rotated();
        if !rotated.first_retired && self.platform_serial.eq_ignore_ascii_case(serial) {
            return Some(f(&self.platform_key));
        }
        let platform = rotated
            .issued
            .iter()
            .find(|p| p.serial.eq_ignore_ascii_case(serial))?;
        Some(f(&platform.key))
    }

    /// The `GET /v3/certificates` answer: every platform certificate held, oldest first, each
    /// encrypted with the APIv3 key. `None` in public-key mode, and once a change to the public
    /// key is completed.
    pub fn certificate_list(&self) -> Option<Result<Value>> {
        // 作废平台证书: once the change is completed the merchant has no certificate left.
        let completed = self.behaviours.migration().state == migration::State::Completed;
        let first = self.platform_certificate.as_ref().filter(|_| !completed)?;
        let rotated = self.rotated();
        let listed = std::iter::once((self.platform_serial.as_str(), first))
            .filter(|_| !rotated.first_retired)
            .chain(
                rotated
                    .issued
                    .iter()
                    .map(|p| (p.serial.as_str(), &p.certificate)),
            );
        Some(certificates::listing(listed, self.apiv3_key.as_bytes()))
    }

    /// Certificate mode: issues a new platform key and certificate, which signs from now on;
    /// the older ones stay listed and keep decrypting what names them, as during WeChat Pay's
    /// own rotations, up to [`CERTIFICATES_KEPT`] in all: past it the oldest is retired.
    /// Returns the new certificate's serial.
    pub fn rotate(&self) -> Result<String> {
        self.rotate_then(|_| Ok(()))
    }

    /// [`Identity::rotate`], with `keep` given the new platform before it signs anything (the
    /// store writes it there); a failure of `keep` leaves the platforms as they were.
    pub(crate) fn rotate_then(&self, keep: impl FnOnce(&Platform) -> Result<()>) -> Result<String> {
        if self.mode() == Mode::Migration {
            // "【平台证书切换微信支付公钥】的流程不能和【灰度更换新平台证书】的流程同时进行".
            return Err(Error::config(
                "this merchant is changing to a WeChat Pay public key: certificates are not \
                 rotated during the change",
            ));
        }
        if self.mode() != Mode::Certificate {
            return Err(Error::config(
                "this sandbox is in public-key mode: only certificate mode (`sandbox init \
                 --mode certificate`) has certificates to rotate",
            ));
        }
        let issued = Platform::issue()?;
        keep(&issued)?;
        Ok(self.adopt(issued))
    }

    /// Makes `issued` the platform that signs, retiring the oldest past [`CERTIFICATES_KEPT`];
    /// returns its serial. Also how the rotations the store kept are replayed at a start.
    pub(crate) fn adopt(&self, issued: Platform) -> String {
        let issued = Arc::new(issued);
        let serial = issued.serial.clone();
        let mut rotated = self.rotated.write().unwrap_or_else(|p| p.into_inner());
        rotated.issued.push_back(issued);
        let held = rotated.issued.len() + usize::from(!rotated.first_retired);
        if held > CERTIFICATES_KEPT {
            if rotated.first_retired {
                rotated.issued.pop_front();
            } else {
                rotated.first_retired = true;
            }
        }
        serial
    }

    /// The library configuration that works against this sandbox at `base_url` as is.
    /// In certificate mode the configuration names no WeChat Pay key: the client downloads the
    /// platform certificates itself (`download_platform_certificates`).
    pub fn client_config(&self, merchant_key: &PrivateKey, base_url: &str) -> Result<Value> {
        let mut config = json!({
            "mchid": self.mchid,
            "merchant_serial_no": self.merchant_serial_no,
            "merchant_private_key": merchant_key.to_pkcs8_pem()?.as_str(),
            "apiv3_key": self.apiv3_key.as_str(),
            "base_url": base_url,
            "global_base_url": base_url,
        });
        match self.mode() {
            Mode::PublicKey => {
                config["wechatpay_public_key_id"] = self.platform_serial.as_str().into();
                config["wechatpay_public_key"] = self.platform_key.public_key()?.to_pem()?.into();
            }
            Mode::Certificate => config["download_platform_certificates"] = true.into(),
            Mode::Migration => {
                let pair = self.public_key_pair.as_ref().ok_or_else(|| {
                    Error::internal("a merchant in migration mode holds a public key")
                })?;
                config["wechatpay_public_key_id"] = pair.id.as_str().into();
                config["wechatpay_public_key"] = pair.key.public_key()?.to_pem()?.into();
                config["platform_certificates"] = self
                    .platform_certificate
                    .iter()
                    .map(|c| Value::from(c.pem.as_str()))
                    .collect();
            }
        }
        Ok(config)
    }

    /// `sandbox init`: writes DIR/client.json and DIR/sandbox.json with fresh keys.
    pub fn init_dir(dir: &Path, listen: &str, mode: Mode) -> Result<()> {
        let (identity, merchant_key) = Identity::generate_in(mode)?;
        let io =
            |e: std::io::Error| Error::config(format!("cannot write to {}: {e}", dir.display()));
        std::fs::create_dir_all(dir).map_err(io)?;
        let client = identity.client_config(&merchant_key, &format!("http://{listen}"))?;
        let server = identity.to_file(listen)?;
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
        let listen = file.listen.clone();
        Ok((Identity::from_file(file)?, listen))
    }

    /// What DIR/sandbox.json (and the store's merchants) keep of this merchant.
    fn to_file(&self, listen: &str) -> Result<IdentityFile> {
        Ok(IdentityFile {
            mchid: self.mchid.clone(),
            merchant_serial_no: self.merchant_serial_no.clone(),
            merchant_public_key: self.merchant_public_key.to_pem()?,
            platform_private_key: self.platform_key.to_pkcs8_pem()?,
            platform_serial: self.platform_serial.clone(),
            platform_certificate: self.platform_certificate.as_ref().map(|c| c.pem.clone()),
            apiv3_key: self.apiv3_key.clone(),
            listen: listen.to_owned(),
            wechatpay_public_key_id: self.public_key_id().map(str::to_owned),
            wechatpay_public_key_private: self
                .public_key_pair
                .as_ref()
                .map(|p| p.key.to_pkcs8_pem())
                .transpose()?,
        })
    }

    fn from_file(file: IdentityFile) -> Result<Identity> {
        Identity::new(
            file.mchid,
            file.merchant_serial_no,
            PublicKey::from_pem(&file.merchant_public_key, "merchant_public_key")?,
            PrivateKey::from_pem(&file.platform_private_key, "platform_private_key")?,
            file.platform_serial,
            file.platform_certificate,
            file.apiv3_key,
            public_key_pair(
                file.wechatpay_public_key_id,
                file.wechatpay_public_key_private,
            )?,
        )
    }
}

fn public_key_id() -> String {
    format!("PUB_KEY_ID_01{}", random_digits(26))
}

/// The public key of DIR/sandbox.json in migration mode: its id and key together, or neither.
fn public_key_pair(
    id: Option<String>,
    pem: Option<Zeroizing<String>>,
) -> Result<Option<PublicKeyPair>> {
    match (id, pem) {
        (None, None) => Ok(None),
        (Some(id), Some(pem)) => Ok(Some(PublicKeyPair {
            id,
            key: PrivateKey::from_pem(&pem, "wechatpay_public_key_private")?,
        })),
        _ => Err(Error::config(
            "sandbox.json: wechatpay_public_key_id and wechatpay_public_key_private go together",
        )),
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
    let mut file = options.open(path)?;
    // The mode above applies only to a file it creates: one that existed keeps its own until
    // set here, before the keys are written into it.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    file.write_all(text.as_bytes())
}
