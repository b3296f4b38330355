//! Platform certificates, for merchants in certificate mode: the `GET /v3/certificates` list,
//! each certificate decrypted with the APIv3 key (AEAD_AES_256_GCM, associated data
//! "certificate") and checked: an X.509 certificate whose serial is the one it is listed under,
//! with an RSA key, valid now. The list's answer is verified with the certificates it carries
//! (there is no other key to verify the first download with), as the official SDKs' downloaders
//! do. Format: <https://wechatpay-api.gitbook.io/wechatpay-api-v3/jie-kou-wen-dang/ping-tai-zheng-shu>

use crate::error::{Error, Result};
use crate::keys::{PlatformCertificate, same_serial};
use serde_json::Value;

/// The path of the platform certificate list.
pub(crate) const PATH: &str = "/v3/certificates";

/// One certificate of the list, decrypted and checked.
#[derive(Clone, Debug)]
pub struct Downloaded {
    /// The certificate's serial number, as the list gives it.
    pub serial_no: String,
    /// When it takes effect, as the list gives it (RFC 3339).
    pub effective_time: String,
    /// When it expires, as the list gives it (RFC 3339).
    pub expire_time: String,
    /// The certificate as PEM, as WeChat Pay encrypted it.
    pub pem: String,
    /// The certificate parsed: serial, validity and public key.
    pub certificate: PlatformCertificate,
}

impl Downloaded {
    /// `{"serial_no","effective_time","expire_time","certificate"}` (certificate as PEM; a
    /// certificate is public).
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "serial_no": self.serial_no,
            "effective_time": self.effective_time,
            "expire_time": self.expire_time,
            "certificate": self.pem,
        })
    }
}

/// The certificates of a `GET /v3/certificates` answer body, decrypted with `apiv3_key` and
/// checked against `now` (Unix seconds).
pub fn decrypt_list(body: &Value, apiv3_key: &[u8], now: u64) -> Result<Vec<Downloaded>> {
    let invalid = |what: String| Error::verify(format!("the platform certificate list {what}"));
    let items = body["data"]
        .as_array()
        .ok_or_else(|| invalid("has no data array".to_owned()))?;
    if items.is_empty() {
        return Err(invalid("is empty".to_owned()));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let text = |pointer: &str| {
                item.pointer(pointer)
                    .and_then(Value::as_str)
                    .ok_or_else(|| invalid(format!("has no string at /data/{i}{pointer}")))
            };
            let serial_no = text("/serial_no")?;
            let algorithm = text("/encrypt_certificate/algorithm")?;
            if algorithm != crate::aes_gcm::ALGORITHM {
                return Err(invalid(format!(
                    "encrypts /data/{i} with {algorithm}; only {} is known",
                    crate::aes_gcm::ALGORITHM
                )));
            }
            let plain = crate::aes_gcm::decrypt(
                apiv3_key,
                text("/encrypt_certificate/nonce")?,
                text("/encrypt_certificate/associated_data")?,
                text("/encrypt_certificate/ciphertext")?,
            )
            .map_err(|e| {
                Error::crypto(format!(
                    "platform certificate {serial_no} does not decrypt: {}",
                    e.message()
                ))
            })?;
            let pem = String::from_utf8(plain)
                .map_err(|_| invalid(format!("certificate {serial_no} is not PEM text")))?;
            let what = format!("platform certificate {serial_no}");
            // A bad certificate in WeChat Pay's answer is the answer's fault, not the
            // configuration's.
            let certificate = PlatformCertificate::from_pem(&pem, &what)
                .map_err(|e| Error::verify(e.message().to_owned()))?;
            if !same_serial(&certificate.serial, serial_no) {
                return Err(invalid(format!(
                    "lists a certificate under {serial_no} whose serial is {}",
                    certificate.serial
                )));
            }
            if now < certificate.not_before || now > certificate.not_after {
                return Err(invalid(format!(
                    "lists {serial_no}, which is not valid now (check the clock)"
                )));
            }
            Ok(Downloaded {
                serial_no: serial_no.to_owned(),
                effective_time: text("/effective_time")?.to_owned(),
                expire_time: text("/expire_time")?.to_owned(),
                pem,
                certificate,
            })
        })
        .collect()
}

/// The file name a downloaded certificate is written under, as wechatpay-php's
/// CertificateDownloader names them.
pub fn file_name(serial_no: &str) -> String {
    format!("wechatpay_{serial_no}.pem")
}
