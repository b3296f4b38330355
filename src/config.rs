//! Client configuration: the JSON document a caller passes to `wxpresign_client_new`,
//! checked strictly (unknown keys are errors, so typos surface) and turned into key objects once.

use crate::error::{Error, Result};
use crate::keys::{PlatformCertificate, PrivateKey, PublicKey};
use crate::proxy::{FROM_ENVIRONMENT, Proxy};
use crate::url::BaseUrl;
use crate::verification::WechatpaySerial;
use serde::Deserialize;
use std::fmt;
use std::io::Read;
use std::time::Duration;
use zeroize::Zeroizing;

/// WeChat Pay's domestic API host, the default `base_url`.
pub const DEFAULT_BASE_URL: &str = "https://api.mch.weixin.qq.com";
/// WeChat Pay's cross-border API host, the default `global_base_url`.
pub const DEFAULT_GLOBAL_BASE_URL: &str = "https://apihk.mch.weixin.qq.com";
/// WeChat Pay's documented backup domain for api.mch.weixin.qq.com.
pub const DEFAULT_BACKUP_BASE_URL: &str = "https://api2.mch.weixin.qq.com";
const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 10_000;
const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// The most of a `*_file` the library reads: keys and certificates are a few kilobytes.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A SHA-256 digest.
type Digest = [u8; 32];

/// What a configuration read besides its own text, recorded as it was read: each file a
/// `*_file` member named, with a digest of the contents read, and, with `"proxy":
/// "environment"`, a digest of the proxy variables. A shared client is the same configuration's
/// only while [`Sources::unchanged`] holds: a rotated key file means another client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sources {
    /// Path and SHA-256 of each file read, in the order read.
    files: Vec<(String, Digest)>,
    /// SHA-256 of the proxy variables, when the configuration reads them.
    environment: Option<Digest>,
}

impl Sources {
    /// Whether every file read still holds what was read, and the proxy variables (when read)
    /// have the same values. A file that cannot be read now counts as changed.
    pub(crate) fn unchanged(&self) -> bool {
        let files = self
            .files
            .iter()
            .all(|(path, read)| file_digest(path).as_ref() == Some(read));
        let environment = self
            .environment
            .is_none_or(|read| read == crate::proxy::environment_digest());
        files && environment
    }
}

/// SHA-256 of a regular file's contents, when it can be read and is not over the size limit.
fn file_digest(path: &str) -> Option<Digest> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() || metadata.len() > MAX_FILE_BYTES {
        return None;
    }
    let contents = Zeroizing::new(std::fs::read(path).ok()?);
    Some(sha256(&contents))
}

fn sha256(bytes: &[u8]) -> Digest {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    let mut out = [0; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// The configuration JSON exactly as written by the caller. Secret members are wiped on drop.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfigJson {
    /// `mchid`: the merchant id (for service providers, `sp_mchid`).
    pub mchid: Option<String>,
    /// `merchant_serial_no`: the serial of the merchant API certificate.
    pub merchant_serial_no: Option<String>,
    /// `merchant_private_key`: the merchant's private key as PEM.
    pub merchant_private_key: Option<Zeroizing<String>>,
    /// `merchant_private_key_file`: the path of that PEM file.
    pub merchant_private_key_file: Option<String>,
    /// `wechatpay_public_key_id`: `PUB_KEY_ID_` and digits (public-key mode).
    pub wechatpay_public_key_id: Option<String>,
    /// `wechatpay_public_key`: WeChat Pay's public key as PEM.
    pub wechatpay_public_key: Option<String>,
    /// `wechatpay_public_key_file`: the path of that PEM file.
    pub wechatpay_public_key_file: Option<String>,
    /// `platform_certificates`: platform certificates as PEM (certificate mode).
    pub platform_certificates: Option<Vec<String>>,
    /// `platform_certificate_files`: the paths of platform certificate PEM files.
    pub platform_certificate_files: Option<Vec<String>>,
    /// `download_platform_certificates`: fetch the platform certificates from WeChat Pay.
    pub download_platform_certificates: Option<bool>,
    /// `apiv3_key`: the 32-character APIv3 key (notifications, certificate downloads).
    pub apiv3_key: Option<Zeroizing<String>>,
    /// `base_url`: the domestic API host.
    pub base_url: Option<String>,
    /// `global_base_url`: the cross-border API host.
    pub global_base_url: Option<String>,
    /// `backup_base_url`: where a call goes when `base_url` cannot be reached.
    pub backup_base_url: Option<String>,
    /// `backup_failover`: whether calls move to the backup host (default true).
    pub backup_failover: Option<bool>,
    /// `extra_ca_file`: the path of extra trusted CA certificates (PEM).
    pub extra_ca_file: Option<String>,
    /// `extra_ca_pem`: extra trusted CA certificates as PEM.
    pub extra_ca_pem: Option<String>,
    /// `connect_timeout_ms`: the bound on making a connection.
    pub connect_timeout_ms: Option<u64>,
    /// `timeout_ms`: the bound on a whole call.
    pub timeout_ms: Option<u64>,
    /// `user_agent`: appended to the library's User-Agent.
    pub user_agent: Option<String>,
    /// `allow_unknown_fields`: pass request members the schema does not know.
    pub allow_unknown_fields: Option<bool>,
    /// `wechatpay_serial`: `"public_key"` or `"certificate"`, the key requests name.
    pub wechatpay_serial: Option<String>,
    /// `allow_http_notify_loopback`: accept notify URLs on loopback hosts (default: whether
    /// `base_url` is on loopback).
    pub allow_http_notify_loopback: Option<bool>,
    /// `http://[user:password@]host:port` or `"environment"`; may hold a password.
    pub proxy: Option<Zeroizing<String>>,
    /// `no_proxy`: the hosts reached without the proxy.
    pub no_proxy: Option<Vec<String>>,
    /// `retry`: when a call is tried again.
    pub retry: Option<RetryJson>,
}

/// The `retry` member as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RetryJson {
    /// `retry.max_attempts`: attempts in all, 1 to 10.
    pub max_attempts: Option<u32>,
    /// `retry.backoff_ms`: the wait before the second attempt.
    pub backoff_ms: Option<u64>,
}

/// When a call is tried again (`retry`): off unless configured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    /// Attempts in all, the first included; 1 means no retry.
    pub max_attempts: u32,
    /// The wait before the second attempt; each later one waits twice as long, with jitter.
    pub backoff: Duration,
}

/// No retry: one attempt.
fn no_retry() -> Retry {
    Retry {
        max_attempts: 1,
        backoff: Duration::ZERO,
    }
}

/// `retry`: `{"max_attempts": 1-10, "backoff_ms": 0-60000 (default 100)}`.
fn retry(raw: Option<RetryJson>) -> Result<Retry> {
    let Some(raw) = raw else {
        return Ok(no_retry());
    };
    let max_attempts = raw.max_attempts.unwrap_or(1);
    if !(1..=10).contains(&max_attempts) {
        return Err(Error::config(format!(
            "retry.max_attempts must be 1 to 10 (the first attempt included; 1: no retry), not {max_attempts}"
        ))
        .at_field("/retry/max_attempts"));
    }
    let backoff_ms = raw.backoff_ms.unwrap_or(100);
    if backoff_ms > 60_000 {
        return Err(Error::config(format!(
            "retry.backoff_ms must be 0 to 60000, not {backoff_ms}"
        ))
        .at_field("/retry/backoff_ms"));
    }
    Ok(Retry {
        max_attempts,
        backoff: Duration::from_millis(backoff_ms),
    })
}

/// A validated configuration with its keys parsed. Debug output never shows key material.
pub struct Config {
    /// The merchant id the client signs as.
    pub mchid: String,
    /// The serial of the merchant API certificate, sent in every Authorization header.
    pub merchant_serial_no: String,
    /// The merchant's private key, which signs requests.
    pub merchant_key: PrivateKey,
    /// The WeChat Pay public key and its `PUB_KEY_ID_...`, in public-key mode.
    pub wechatpay_public_key: Option<(String, PublicKey)>,
    /// Platform certificates, in certificate mode (both modes may be set during migration).
    pub platform_certificates: Vec<PlatformCertificate>,
    /// Certificate mode: the client downloads the platform certificates (`GET /v3/certificates`)
    /// when it first needs one, and again when WeChat Pay names a serial it does not hold.
    pub download_platform_certificates: bool,
    /// The APIv3 key, when configured: notifications and certificate downloads need it.
    pub apiv3_key: Option<Zeroizing<Vec<u8>>>,
    /// Where domestic endpoints are called.
    pub base_url: BaseUrl,
    /// Where cross-border endpoints are called.
    pub global_base_url: BaseUrl,
    /// Where a `base_url` call goes when no connection to `base_url` could be made (nothing was
    /// sent); `None` when there is no backup or `backup_failover` is false.
    pub backup_base_url: Option<BaseUrl>,
    /// DER certificates trusted for https in addition to the system roots (`extra_ca_*`).
    pub extra_ca_certificates: Vec<Vec<u8>>,
    /// The bound on making a connection.
    pub connect_timeout: Duration,
    /// The bound on a whole call, retries included.
    pub timeout: Duration,
    /// The caller's addition to the library's User-Agent.
    pub user_agent: Option<String>,
    /// Whether request members the schema does not know are passed on rather than refused.
    pub allow_unknown_fields: bool,
    /// The key requests name in `Wechatpay-Serial` and encrypt fields with, when both kinds
    /// are configured.
    pub wechatpay_serial: WechatpaySerial,
    /// Whether notify URLs on loopback hosts (localhost, 127.0.0.0/8, ::1) are accepted, in http
    /// too: for local tests against a sandbox, never for WeChat Pay, which cannot reach them.
    pub allow_http_notify_loopback: bool,
    /// The outbound proxy of every host not in its `no_proxy`; `None` for direct connections.
    pub(crate) proxy: Option<Proxy>,
    /// When a call is tried again.
    pub retry: Retry,
    /// The files and variables this configuration was read from, for telling whether it still
    /// means the same.
    pub(crate) sources: Sources,
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
            .field(
                "allow_http_notify_loopback",
                &self.allow_http_notify_loopback,
            )
            .field("proxy", &self.proxy)
            .field("retry", &self.retry)
            .finish()
    }
}

/// Reads the file a `*_file` member names; `member` is its JSON Pointer. Messages never quote
/// the path: a key pasted where a path belongs (PEM on one line, a base64 body, the APIv3 key)
/// would be shown back.
/// What was read is recorded in `sources`.
fn read_file(path: &str, member: &str, sources: &mut Sources) -> Result<Zeroizing<String>> {
    let refuse = |problem: String| invalid(member, &problem);
    if path.contains('\n') || path.contains("-----BEGIN") {
        let inline = match member.split('/').nth(1).unwrap_or_default() {
            "platform_certificate_files" => "/platform_certificates",
            "extra_ca_file" => "/extra_ca_pem",
            "wechatpay_public_key_file" => "/wechatpay_public_key",
            _ => "/merchant_private_key",
        };
        return Err(refuse(format!(
            "holds PEM text, not a path: give the text in {inline}, or the file's path here"
        )));
    }
    let cannot = |e: std::io::Error| {
        refuse(format!(
            "names a file that cannot be read ({e}): give the path of the PEM file; the path \
             is not repeated here, as a key pasted in its place would be"
        ))
    };
    // Checked before opening: reading a device (/dev/zero) would not end until memory does, and
    // opening a FIFO or reading a terminal would block the caller.
    let metadata = std::fs::metadata(path).map_err(cannot)?;
    if !metadata.is_file() {
        return Err(refuse(
            "names a file that is not a regular file (a directory, device or FIFO): give the \
             path of the PEM file"
                .into(),
        ));
    }
    let too_large = || {
        refuse(format!(
            "names a file larger than {} KiB: a PEM key or certificate is a few kilobytes",
            MAX_FILE_BYTES / 1024
        ))
    };
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Sized once, so that no reallocation leaves a copy of a key behind; capped again while
    // reading, in case the file grew since.
    let mut text = Zeroizing::new(String::with_capacity(metadata.len() as usize + 1));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(cannot)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    sources
        .files
        .push((path.to_owned(), sha256(text.as_bytes())));
    Ok(text)
}

/// A config error about the member at `pointer` (a JSON Pointer), which the message names and
/// the error carries as its field. `problem` never quotes a value that could be a secret.
fn invalid(pointer: &str, problem: &str) -> Error {
    Error::config(format!("{pointer} {problem}")).at_field(pointer)
}

fn required(value: Option<String>, key: &str, hint: &str) -> Result<String> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
        _ => Err(invalid(&format!("/{key}"), &format!("is required: {hint}"))),
    }
}

/// The APIv3 key in a member that takes a path, named as such: a clearer message than the
/// file's, which cannot be read.
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
            return Err(invalid(
                &format!("/{member}"),
                "holds the apiv3_key, not a file path",
            ));
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
    sources: &mut Sources,
) -> Result<Option<Zeroizing<String>>> {
    match (inline, file) {
        (Some(_), Some(_)) => Err(invalid(
            &format!("/{file_key}"),
            &format!("is given with /{inline_key}: give one of them, not both"),
        )),
        (Some(text), None) => Ok(Some(text)),
        (None, Some(path)) => read_file(&path, &format!("/{file_key}"), sources).map(Some),
        (None, None) => Ok(None),
    }
}

impl Config {
    /// Parses and checks a configuration document.
    pub fn from_json(text: &str) -> Result<Config> {
        let raw: ConfigJson = serde_json::from_str(text).map_err(|e| {
            let mut error = Error::config(format!(
                "configuration JSON: {}",
                without_string_values(&e.to_string())
            ));
            if let Some(member) = mistyped_member(text) {
                error = Error::config(format!(
                    "configuration member {member}: {}",
                    without_string_values(&without_position(&e.to_string()))
                ))
                .at_field(&format!("/{member}"));
            }
            error
        })?;
        Config::from_raw(raw)
    }

    /// Checks each section of `raw` in turn; the first problem is the error.
    pub(crate) fn from_raw(raw: ConfigJson) -> Result<Config> {
        no_apiv3_key_as_path(&raw)?;
        let mut sources = Sources::default();
        let (mchid, merchant_serial_no) = identity(raw.mchid, raw.merchant_serial_no)?;
        let merchant_key = merchant_key(
            raw.merchant_private_key,
            raw.merchant_private_key_file,
            &mut sources,
        )?;
        let wechatpay_public_key = wechatpay_public_key(
            raw.wechatpay_public_key_id,
            raw.wechatpay_public_key,
            raw.wechatpay_public_key_file,
            &mut sources,
        )?;
        let platform_certificates = platform_certificates(
            raw.platform_certificates,
            raw.platform_certificate_files,
            &mut sources,
        )?;
        let download_platform_certificates = raw.download_platform_certificates.unwrap_or(false);
        let wechatpay_serial = wechatpay_serial(
            raw.wechatpay_serial.as_deref(),
            wechatpay_public_key.is_some(),
            !platform_certificates.is_empty() || download_platform_certificates,
        )?;
        let apiv3_key = apiv3_key(raw.apiv3_key)?;
        if download_platform_certificates && apiv3_key.is_none() {
            return Err(invalid(
                "/download_platform_certificates",
                "needs /apiv3_key: WeChat Pay sends the platform certificates encrypted with the \
                 APIv3 key",
            ));
        }
        let (base_url, global_base_url, backup_base_url) = base_urls(
            raw.base_url.as_deref(),
            raw.global_base_url.as_deref(),
            raw.backup_base_url.as_deref(),
            raw.backup_failover.unwrap_or(true),
        )?;
        let extra_ca_certificates = extra_ca_certificates(
            raw.extra_ca_pem.as_deref(),
            raw.extra_ca_file.as_deref(),
            &mut sources,
        )?;
        let (connect_timeout, timeout) = timeouts(raw.connect_timeout_ms, raw.timeout_ms)?;
        let user_agent = user_agent(raw.user_agent)?;
        let proxy = proxy(
            raw.proxy.as_deref().map(String::as_str),
            raw.no_proxy.as_deref(),
            base_url.is_https(),
            &mut sources,
        )?;
        let retry = retry(raw.retry)?;
        // A sandbox on loopback posts notifications to the test's own loopback server.
        let allow_http_notify_loopback =
            (raw.allow_http_notify_loopback).unwrap_or_else(|| base_url.is_loopback());
        Ok(Config {
            mchid,
            merchant_serial_no,
            merchant_key,
            wechatpay_public_key,
            platform_certificates,
            download_platform_certificates,
            wechatpay_serial,
            apiv3_key,
            base_url,
            global_base_url,
            backup_base_url,
            extra_ca_certificates,
            connect_timeout,
            timeout,
            user_agent,
            allow_unknown_fields: raw.allow_unknown_fields.unwrap_or(false),
            allow_http_notify_loopback,
            proxy,
            retry,
            sources,
        })
    }
}

/// Which configured key requests name (`wechatpay_serial`), once some key is configured at all.
fn wechatpay_serial(
    named: Option<&str>,
    public_key: bool,
    certificates: bool,
) -> Result<WechatpaySerial> {
    if !public_key && !certificates {
        return Err(Error::config(
            "no key to verify WeChat Pay answers: set wechatpay_public_key_id with wechatpay_public_key(_file), \
             or platform_certificates (or platform_certificate_files), or download_platform_certificates: true",
        ));
    }
    match named {
        None => Ok(WechatpaySerial::PublicKey),
        Some("public_key") if public_key => Ok(WechatpaySerial::PublicKey),
        Some("certificate") if certificates => Ok(WechatpaySerial::Certificate),
        Some("public_key") => Err(invalid(
            "/wechatpay_serial",
            "is \"public_key\" but no WeChat Pay public key is configured: set \
             wechatpay_public_key_id with wechatpay_public_key(_file)",
        )),
        Some("certificate") => Err(invalid(
            "/wechatpay_serial",
            "is \"certificate\" but no platform certificate is configured: set \
             platform_certificates (or platform_certificate_files) or download_platform_certificates",
        )),
        Some(_) => Err(invalid(
            "/wechatpay_serial",
            "must be \"public_key\" or \"certificate\"",
        )),
    }
}

/// `mchid` (digits) and `merchant_serial_no` (hexadecimal).
fn identity(mchid: Option<String>, serial: Option<String>) -> Result<(String, String)> {
    let mchid = required(
        mchid,
        "mchid",
        "the merchant id (for service providers, sp_mchid)",
    )?;
    if !mchid.bytes().all(|b| b.is_ascii_digit()) {
        // Not quoted: a key pasted into the wrong member would be shown.
        return Err(invalid(
            "/mchid",
            "must contain digits only: the merchant id (for service providers, sp_mchid)",
        ));
    }
    let serial = required(
        serial,
        "merchant_serial_no",
        "the serial number of the merchant API certificate (apiclient_cert.pem)",
    )?;
    if !serial.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(
            "/merchant_serial_no",
            "must be the hexadecimal serial of the merchant API certificate, not a PUB_KEY_ID",
        ));
    }
    Ok((mchid, serial))
}

/// The merchant's private key, inline or from its file.
fn merchant_key(
    inline: Option<Zeroizing<String>>,
    file: Option<String>,
    sources: &mut Sources,
) -> Result<PrivateKey> {
    let pem = inline_or_file(
        inline,
        file,
        "merchant_private_key",
        "merchant_private_key_file",
        sources,
    )?
    .ok_or_else(|| {
        invalid(
            "/merchant_private_key",
            "or /merchant_private_key_file is required (apiclient_key.pem)",
        )
    })?;
    PrivateKey::from_pem(&pem, "/merchant_private_key")
        .map_err(|e| e.at_field("/merchant_private_key"))
}

/// Public-key mode: the `PUB_KEY_ID_...` and its key, both or neither.
fn wechatpay_public_key(
    id: Option<String>,
    inline: Option<String>,
    file: Option<String>,
    sources: &mut Sources,
) -> Result<Option<(String, PublicKey)>> {
    let pem = inline_or_file(
        inline.map(Zeroizing::new),
        file,
        "wechatpay_public_key",
        "wechatpay_public_key_file",
        sources,
    )?;
    match (id, pem) {
        (Some(id), Some(pem)) => {
            let id = id.trim().to_owned();
            // It is sent as the Wechatpay-Serial header: anything else fails only at call time.
            let digits = id.strip_prefix("PUB_KEY_ID_").unwrap_or_default();
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(
                    "/wechatpay_public_key_id",
                    "must be PUB_KEY_ID_ followed by digits, as the merchant platform shows it \
                     (API security, WeChat Pay public key)",
                ));
            }
            Ok(Some((
                id,
                PublicKey::from_pem(&pem, "/wechatpay_public_key")
                    .map_err(|e| e.at_field("/wechatpay_public_key"))?,
            )))
        }
        (None, Some(_)) => Err(invalid(
            "/wechatpay_public_key_id",
            "is required with /wechatpay_public_key (PUB_KEY_ID_ followed by digits)",
        )),
        (Some(_), None) => Err(invalid(
            "/wechatpay_public_key_id",
            "needs /wechatpay_public_key or /wechatpay_public_key_file",
        )),
        (None, None) => Ok(None),
    }
}

/// Certificate mode: platform certificates given inline and as files.
fn platform_certificates(
    inline: Option<Vec<String>>,
    files: Option<Vec<String>>,
    sources: &mut Sources,
) -> Result<Vec<PlatformCertificate>> {
    let mut certificates = Vec::new();
    for (i, pem) in inline.unwrap_or_default().iter().enumerate() {
        let member = format!("/platform_certificates/{i}");
        certificates
            .push(PlatformCertificate::from_pem(pem, &member).map_err(|e| e.at_field(&member))?);
    }
    for (i, path) in files.unwrap_or_default().iter().enumerate() {
        let member = format!("/platform_certificate_files/{i}");
        let pem = read_file(path, &member, sources)?;
        certificates.push(
            PlatformCertificate::from_pem(&pem, &format!("the file of {member}"))
                .map_err(|e| e.at_field(&member))?,
        );
    }
    Ok(certificates)
}

/// The APIv3 key (notifications only): 32 characters when given. Never quoted, not even in
/// part: a key copied with a space or line end is still the key.
fn apiv3_key(key: Option<Zeroizing<String>>) -> Result<Option<Zeroizing<Vec<u8>>>> {
    let Some(key) = key else {
        return Ok(None);
    };
    if key.len() == 32 {
        return Ok(Some(Zeroizing::new(key.as_bytes().to_vec())));
    }
    let advice = if key.trim().len() == 32 {
        "it has white space before or after it: remove it"
    } else {
        "copy it again from the merchant platform (Account Center, API security)"
    };
    Err(Error::config(format!(
        "/apiv3_key must be the 32-character APIv3 key as set in the merchant platform, not {} \
         characters: {advice}",
        key.chars().count()
    ))
    .at_field("/apiv3_key"))
}

/// `base_url`, `global_base_url` and the backup (WeChat Pay's own for the default base URL),
/// which `backup_failover: false` turns off.
fn base_urls(
    base: Option<&str>,
    global: Option<&str>,
    backup: Option<&str>,
    failover: bool,
) -> Result<(BaseUrl, BaseUrl, Option<BaseUrl>)> {
    let base = BaseUrl::parse(base.unwrap_or(DEFAULT_BASE_URL), "base_url")?;
    let global = BaseUrl::parse(global.unwrap_or(DEFAULT_GLOBAL_BASE_URL), "global_base_url")?;
    let backup = match backup {
        Some(url) => {
            let url = BaseUrl::parse(url, "backup_base_url")?;
            if url.same_as(&base) {
                return Err(invalid(
                    "/backup_base_url",
                    &format!(
                        "is the same as /base_url ({url}): give another host (WeChat Pay's is \
                         {DEFAULT_BACKUP_BASE_URL}) or leave it out"
                    ),
                ));
            }
            Some(url)
        }
        None if base.as_str() == DEFAULT_BASE_URL => {
            Some(BaseUrl::parse(DEFAULT_BACKUP_BASE_URL, "backup_base_url")?)
        }
        None => None,
    };
    Ok((base, global, backup.filter(|_| failover)))
}

/// Extra trusted CA certificates (for TLS-inspecting proxies), inline and from a file.
fn extra_ca_certificates(
    pem: Option<&str>,
    file: Option<&str>,
    sources: &mut Sources,
) -> Result<Vec<Vec<u8>>> {
    let mut certificates = Vec::new();
    if let Some(pem) = pem {
        let found = ca_certificates(pem, "/extra_ca_pem");
        certificates.extend(found.map_err(|e| e.at_field("/extra_ca_pem"))?);
    }
    if let Some(path) = file {
        let pem = read_file(path, "/extra_ca_file", sources)?;
        let found = ca_certificates(&pem, "the file of /extra_ca_file");
        certificates.extend(found.map_err(|e| e.at_field("/extra_ca_file"))?);
    }
    Ok(certificates)
}

/// `connect_timeout_ms` and `timeout_ms`, each 1 to 600000.
fn timeouts(connect_ms: Option<u64>, total_ms: Option<u64>) -> Result<(Duration, Duration)> {
    let connect_ms = connect_ms.unwrap_or(DEFAULT_CONNECT_TIMEOUT_MS);
    let total_ms = total_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    for (key, ms) in [("connect_timeout_ms", connect_ms), ("timeout_ms", total_ms)] {
        if !(1..=600_000).contains(&ms) {
            return Err(invalid(
                &format!("/{key}"),
                &format!("must be between 1 and 600000 milliseconds (got {ms})"),
            ));
        }
    }
    Ok((
        Duration::from_millis(connect_ms),
        Duration::from_millis(total_ms),
    ))
}

/// `proxy` and `no_proxy`; with `"proxy": "environment"`, the variables are recorded in
/// `sources` before they are read, so that one changed in between means a new client later.
fn proxy(
    proxy: Option<&str>,
    no_proxy: Option<&[String]>,
    https: bool,
    sources: &mut Sources,
) -> Result<Option<Proxy>> {
    if proxy.map(str::trim) == Some(FROM_ENVIRONMENT) {
        sources.environment = Some(crate::proxy::environment_digest());
    }
    Proxy::from_config(proxy, no_proxy, https)
}

/// A caller's own User-Agent: printable ASCII; blank means the library's.
fn user_agent(ua: Option<String>) -> Result<Option<String>> {
    match ua {
        Some(ua) if ua.chars().any(|c| c.is_control() || !c.is_ascii()) => {
            Err(invalid("/user_agent", "must be printable ASCII"))
        }
        other => Ok(other.filter(|ua| !ua.trim().is_empty())),
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
/// The top-level member of `text` whose value is not of its type, when the document is a JSON
/// object: serde's error gives a line and column, not the member, so each member is read alone.
fn mistyped_member(text: &str) -> Option<String> {
    let Ok(serde_json::Value::Object(members)) = serde_json::from_str(text) else {
        return None;
    };
    members.into_iter().find_map(|(name, value)| {
        let alone = serde_json::Value::Object([(name.clone(), value)].into_iter().collect());
        let known = ConfigJson::deserialize(&alone);
        // An unknown member is named by serde itself.
        known
            .err()
            .filter(|e| !e.to_string().starts_with("unknown field"))
            .map(|_| name)
    })
}

/// serde's message without its " at line L column C", which means nothing once the member is
/// named.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// serde's message with each quoted string value replaced by "a string": a mistyped string may
/// be a key pasted into the wrong member.
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
