//! Client configuration: the JSON document a caller passes to `wxpresign_client_new`,
//! checked strictly (unknown keys are errors, so typos surface) and turned into key objects once.

use crate::error::{Error, Result};
use crate::keys::{PlatformCertificate, PrivateKey, PublicKey};
use crate::url::BaseUrl;
use serde::Deserialize;
use std::fmt;
use std::io::Read;
use std::time::Duration;
use zeroize::Zeroizing;

pub const DEFAULT_BASE_URL: &str = "https://api.mch.weixin.qq.com";
pub const DEFAULT_GLOBAL_BASE_URL: &str = "https://apihk.mch.weixin.qq.com";
/// WeChat Pay's documented backup domain for api.mch.weixin.qq.com.
pub const DEFAULT_BACKUP_BASE_URL: &str = "https://api2.mch.weixin.qq.com";
const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 10_000;
const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// The most of a `*_file` the library reads: keys and certificates are a few kilobytes.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The configuration JSON exactly as written by the caller. Secret members are wiped on drop.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfigJson {
    pub mchid: Option<String>,
    pub merchant_serial_no: Option<String>,
    pub merchant_private_key: Option<Zeroizing<String>>,
    pub merchant_private_key_file: Option<String>,
    pub wechatpay_public_key_id: Option<String>,
    pub wechatpay_public_key: Option<String>,
    pub wechatpay_public_key_file: Option<String>,
    pub platform_certificates: Option<Vec<String>>,
    pub platform_certificate_files: Option<Vec<String>>,
    pub apiv3_key: Option<Zeroizing<String>>,
    pub base_url: Option<String>,
    pub global_base_url: Option<String>,
    pub backup_base_url: Option<String>,
    pub backup_failover: Option<bool>,
    pub extra_ca_file: Option<String>,
    pub extra_ca_pem: Option<String>,
    pub connect_timeout_ms: Option<u64>,
    pub timeout_ms: Option<u64>,
    pub user_agent: Option<String>,
    pub allow_unknown_fields: Option<bool>,
}

/// A validated configuration with its keys parsed. Debug output never shows key material.
pub struct Config {
    pub mchid: String,
    pub merchant_serial_no: String,
    pub merchant_key: PrivateKey,
    /// The WeChat Pay public key and its `PUB_KEY_ID_...`, in public-key mode.
    pub wechatpay_public_key: Option<(String, PublicKey)>,
    /// Platform certificates, in certificate mode (both modes may be set during migration).
    pub platform_certificates: Vec<PlatformCertificate>,
    pub apiv3_key: Option<Zeroizing<Vec<u8>>>,
    pub base_url: BaseUrl,
    pub global_base_url: BaseUrl,
    /// Where a `base_url` call goes when no connection to `base_url` could be made (nothing was
    /// sent); `None` when there is no backup or `backup_failover` is false.
    pub backup_base_url: Option<BaseUrl>,
    /// DER certificates trusted for https in addition to the system roots (`extra_ca_*`).
    pub extra_ca_certificates: Vec<Vec<u8>>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub user_agent: Option<String>,
    pub allow_unknown_fields: bool,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("mchid", &self.mchid)
            .field("merchant_serial_no", &self.merchant_serial_no)
            .field("merchant_private_key", &"<redacted>")
            .field(
                "wechatpay_public_key_id",
                &self.wechatpay_public_key.as_ref().map(|(id, _)| id),
            )
            .field(
                "platform_certificates",
                &self
                    .platform_certificates
                    .iter()
                    .map(|c| &c.serial)
                    .collect::<Vec<_>>(),
            )
            .field("apiv3_key", &self.apiv3_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url.as_str())
            .field("global_base_url", &self.global_base_url.as_str())
            .field(
                "backup_base_url",
                &self.backup_base_url.as_ref().map(BaseUrl::as_str),
            )
            .field("extra_ca_certificates", &self.extra_ca_certificates.len())
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("allow_unknown_fields", &self.allow_unknown_fields)
            .finish()
    }
}

fn read_file(path: &str, key: &str) -> Result<Zeroizing<String>> {
    // A PEM pasted where a path belongs would otherwise be quoted back in the error.
    if path.contains('\n') || path.contains("-----BEGIN") {
        let inline = key.strip_suffix("_file").unwrap_or(key);
        return Err(Error::config(format!(
            "{key} holds PEM text, not a path: give the text in {inline}, or the file's path here"
        )));
    }
    let cannot = |e: std::io::Error| Error::config(format!("{key}: cannot read \"{path}\": {e}"));
    // Checked before opening: reading a device (/dev/zero) would not end until memory does, and
    // opening a FIFO or reading a terminal would block the caller.
    let metadata = std::fs::metadata(path).map_err(cannot)?;
    if !metadata.is_file() {
        return Err(Error::config(format!(
            "{key}: \"{path}\" is not a regular file: give the path of the PEM file"
        )));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large(key, path));
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Sized once, so that no reallocation leaves a copy of a key behind; capped again while
    // reading, in case the file grew since.
    let mut text = Zeroizing::new(String::with_capacity(metadata.len() as usize + 1));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(cannot)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(key, path));
    }
    Ok(text)
}

fn too_large(key: &str, path: &str) -> Error {
    Error::config(format!(
        "{key}: \"{path}\" is larger than {} KiB: a PEM key or certificate is a few kilobytes",
        MAX_FILE_BYTES / 1024
    ))
}

fn required(value: Option<String>, key: &str, hint: &str) -> Result<String> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
        _ => Err(Error::config(format!("{key} is required: {hint}"))),
    }
}

/// Errors about unreadable files quote the path; a path member holding the APIv3 key (pasted
/// into the wrong member) must not be quoted back.
fn no_apiv3_key_as_path(raw: &ConfigJson) -> Result<()> {
    let Some(key) = raw
        .apiv3_key
        .as_deref()
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
    else {
        return Ok(());
    };
    let single = [
        ("merchant_private_key_file", &raw.merchant_private_key_file),
        ("wechatpay_public_key_file", &raw.wechatpay_public_key_file),
        ("extra_ca_file", &raw.extra_ca_file),
    ];
    let listed = raw
        .platform_certificate_files
        .iter()
        .flatten()
        .map(|path| ("platform_certificate_files", path));
    let paths = single
        .into_iter()
        .filter_map(|(member, path)| path.as_ref().map(|p| (member, p)))
        .chain(listed);
    for (member, path) in paths {
        if path.trim() == key {
            return Err(Error::config(format!(
                "{member} holds the apiv3_key, not a file path"
            )));
        }
    }
    Ok(())
}

/// Exactly one of an inline value and a file path.
fn inline_or_file(
    inline: Option<Zeroizing<String>>,
    file: Option<String>,
    inline_key: &str,
    file_key: &str,
) -> Result<Option<Zeroizing<String>>> {
    match (inline, file) {
        (Some(_), Some(_)) => Err(Error::config(format!(
            "give {inline_key} or {file_key}, not both"
        ))),
        (Some(text), None) => Ok(Some(text)),
        (None, Some(path)) => read_file(&path, file_key).map(Some),
        (None, None) => Ok(None),
    }
}

impl Config {
    /// Parses and checks a configuration document.
    pub fn from_json(text: &str) -> Result<Config> {
        let raw: ConfigJson = serde_json::from_str(text).map_err(|e| {
            // serde names the unknown key, but quotes a mistyped string value, which may be a
            // key pasted into the wrong member: keep only its type.
            Error::config(format!(
                "configuration JSON: {}",
                without_string_values(&e.to_string())
            ))
        })?;
        Config::from_raw(raw)
    }

    pub fn from_raw(raw: ConfigJson) -> Result<Config> {
        no_apiv3_key_as_path(&raw)?;
        let mchid = required(
            raw.mchid,
            "mchid",
            "the merchant id (for service providers, sp_mchid)",
        )?;
        if !mchid.bytes().all(|b| b.is_ascii_digit()) {
            // Not quoted: a key pasted into the wrong member would be shown.
            return Err(Error::config(
                "mchid must contain digits only: the merchant id (for service providers, sp_mchid)",
            ));
        }
        let merchant_serial_no = required(
            raw.merchant_serial_no,
            "merchant_serial_no",
            "the serial number of the merchant API certificate (apiclient_cert.pem)",
        )?;
        if !merchant_serial_no.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::config(
                "merchant_serial_no must be the hexadecimal serial of the merchant API certificate, not a PUB_KEY_ID",
            ));
        }

        let key_pem = inline_or_file(
            raw.merchant_private_key,
            raw.merchant_private_key_file,
            "merchant_private_key",
            "merchant_private_key_file",
        )?
        .ok_or_else(|| {
            Error::config(
                "merchant_private_key or merchant_private_key_file is required (apiclient_key.pem)",
            )
        })?;
        let merchant_key = PrivateKey::from_pem(&key_pem, "merchant_private_key")?;

        let public_pem = inline_or_file(
            raw.wechatpay_public_key.map(Zeroizing::new),
            raw.wechatpay_public_key_file,
            "wechatpay_public_key",
            "wechatpay_public_key_file",
        )?;
        let wechatpay_public_key = match (raw.wechatpay_public_key_id, public_pem) {
            (Some(id), Some(pem)) => {
                let id = id.trim().to_owned();
                if !id.starts_with("PUB_KEY_ID_") {
                    return Err(Error::config(
                        "wechatpay_public_key_id must start with PUB_KEY_ID_ (merchant platform, API security)",
                    ));
                }
                Some((id, PublicKey::from_pem(&pem, "wechatpay_public_key")?))
            }
            (None, Some(_)) => {
                return Err(Error::config(
                    "wechatpay_public_key needs wechatpay_public_key_id (PUB_KEY_ID_...)",
                ));
            }
            (Some(_), None) => {
                return Err(Error::config(
                    "wechatpay_public_key_id needs wechatpay_public_key or wechatpay_public_key_file",
                ));
            }
            (None, None) => None,
        };

        let mut platform_certificates = Vec::new();
        for (i, pem) in raw
            .platform_certificates
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            platform_certificates.push(PlatformCertificate::from_pem(
                pem,
                &format!("platform_certificates[{i}]"),
            )?);
        }
        for path in raw.platform_certificate_files.unwrap_or_default() {
            let pem = read_file(&path, "platform_certificate_files")?;
            platform_certificates.push(PlatformCertificate::from_pem(
                &pem,
                &format!("platform certificate \"{path}\""),
            )?);
        }
        if wechatpay_public_key.is_none() && platform_certificates.is_empty() {
            return Err(Error::config(
                "no key to verify WeChat Pay answers: set wechatpay_public_key_id with wechatpay_public_key(_file), \
                 or platform_certificates (or platform_certificate_files)",
            ));
        }

        let apiv3_key = match raw.apiv3_key {
            None => None,
            Some(key) if key.len() == 32 => Some(Zeroizing::new(key.as_bytes().to_vec())),
            Some(key) => {
                return Err(Error::config(format!(
                    "apiv3_key must be the 32-character APIv3 key as set in the merchant platform (got {} bytes)",
                    key.len()
                )));
            }
        };

        let base_url = BaseUrl::parse(
            raw.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
            "base_url",
        )?;
        let global_base_url = BaseUrl::parse(
            raw.global_base_url
                .as_deref()
                .unwrap_or(DEFAULT_GLOBAL_BASE_URL),
            "global_base_url",
        )?;
        let backup_base_url = match raw.backup_base_url.as_deref() {
            Some(url) => {
                let url = BaseUrl::parse(url, "backup_base_url")?;
                if url.same_as(&base_url) {
                    return Err(Error::config(format!(
                        "backup_base_url is the same as base_url ({url}): give another host \
                         (WeChat Pay's is {DEFAULT_BACKUP_BASE_URL}) or leave it out"
                    )));
                }
                Some(url)
            }
            None if base_url.as_str() == DEFAULT_BASE_URL => {
                Some(BaseUrl::parse(DEFAULT_BACKUP_BASE_URL, "backup_base_url")?)
            }
            None => None,
        }
        .filter(|_| raw.backup_failover.unwrap_or(true));

        let mut extra_ca_certificates = Vec::new();
        if let Some(pem) = &raw.extra_ca_pem {
            extra_ca_certificates.extend(ca_certificates(pem, "extra_ca_pem")?);
        }
        if let Some(path) = &raw.extra_ca_file {
            let pem = read_file(path, "extra_ca_file")?;
            extra_ca_certificates
                .extend(ca_certificates(&pem, &format!("extra_ca_file \"{path}\""))?);
        }

        let connect_timeout_ms = raw.connect_timeout_ms.unwrap_or(DEFAULT_CONNECT_TIMEOUT_MS);
        let timeout_ms = raw.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
        for (key, ms) in [
            ("connect_timeout_ms", connect_timeout_ms),
            ("timeout_ms", timeout_ms),
        ] {
            if !(1..=600_000).contains(&ms) {
                return Err(Error::config(format!(
                    "{key} must be between 1 and 600000 milliseconds (got {ms})"
                )));
            }
        }

        let user_agent = match raw.user_agent {
            Some(ua) if ua.chars().any(|c| c.is_control() || !c.is_ascii()) => {
                return Err(Error::config("user_agent must be printable ASCII"));
            }
            other => other.filter(|ua| !ua.trim().is_empty()),
        };

        Ok(Config {
            mchid,
            merchant_serial_no,
            merchant_key,
            wechatpay_public_key,
            platform_certificates,
            apiv3_key,
            base_url,
            global_base_url,
            backup_base_url,
            extra_ca_certificates,
            connect_timeout: Duration::from_millis(connect_timeout_ms),
            timeout: Duration::from_millis(timeout_ms),
            user_agent,
            allow_unknown_fields: raw.allow_unknown_fields.unwrap_or(false),
        })
    }
}

/// The certificates of a PEM text that holds one or more, as DER, each checked the way rustls
/// will use it (as a trust anchor), so that a bad file fails here and not on every call.
fn ca_certificates(pem: &str, what: &str) -> Result<Vec<Vec<u8>>> {
    use rustls::RootCertStore;
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    use x509_cert::der::Decode;
    let hint = "give the CA certificate(s) of the TLS-inspecting proxy as PEM, each from \
                -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----";
    // Blocks of other types (a key pasted by mistake) are skipped, never quoted. (x509-cert's
    // load_pem_chain is not used: 0.2.5 underflows on an empty text.)
    let mut ders = Vec::new();
    for (i, block) in CertificateDer::pem_slice_iter(pem.as_bytes()).enumerate() {
        let n = i + 1;
        let der = block.map_err(|e| {
            Error::config(format!(
                "{what}: certificate {n} is not valid PEM ({e}): {hint}"
            ))
        })?;
        x509_cert::Certificate::from_der(&der).map_err(|e| {
            Error::config(format!(
                "{what}: certificate {n} is not an X.509 certificate: {e}"
            ))
        })?;
        RootCertStore::empty().add(der.clone()).map_err(|e| {
            Error::config(format!(
                "{what}: certificate {n} cannot be a TLS trust anchor: {e}"
            ))
        })?;
        ders.push(der.to_vec());
    }
    if ders.is_empty() {
        return Err(Error::config(format!(
            "{what} holds no certificate: {hint}"
        )));
    }
    Ok(ders)
}

/// Replaces each `string "..."` (serde's description of an unexpected string value, Debug-escaped)
/// by `a string`.
fn without_string_values(message: &str) -> String {
    const OPEN: &str = "string \"";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        out.push_str("a string");
        let value = &rest[start + OPEN.len()..];
        let mut escaped = false;
        let end = value
            .char_indices()
            .find(|&(_, c)| {
                let closing = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                closing
            })
            .map_or(value.len(), |(i, _)| i + 1);
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}
