//! Certificate mode: WeChat Pay's platform keys as the sandbox holds them, each with an X.509
//! platform certificate, listed by `GET /v3/certificates` (each certificate encrypted with the
//! APIv3 key) and rotated on demand, as WeChat Pay rotates its own. The list's format is the
//! platform certificate API's: serial_no, effective_time, expire_time and encrypt_certificate
//! (AEAD_AES_256_GCM, associated_data "certificate")
//! (https://wechatpay-api.gitbook.io/wechatpay-api-v3/jie-kou-wen-dang/ping-tai-zheng-shu,
//! https://pay.weixin.qq.com/wiki/doc/api_external/en/apis/chapter3_2_8.shtml).

use super::delivery::beijing_rfc3339;
use super::random_hex;
use serde_json::{Value, json};
use wxpresign::error::{Error, Result};
use wxpresign::keys::PrivateKey;
use wxpresign::signing::unix_now;

/// How long an issued certificate is valid: five years, as WeChat Pay's are.
const VALIDITY_SECS: u64 = 5 * 365 * 86_400;

/// A platform key rotation issued, with its certificate.
pub struct Platform {
    pub serial: String,
    pub key: PrivateKey,
    pub certificate: Certificate,
}

/// An issued platform certificate.
pub struct Certificate {
    pub pem: String,
    pub not_before: u64,
    pub not_after: u64,
}

impl Certificate {
    /// A certificate read back from `sandbox.json`.
    pub fn from_pem(pem: String, what: &str) -> Result<Certificate> {
        let parsed = wxpresign::keys::PlatformCertificate::from_pem(&pem, what)?;
        Ok(Certificate {
            pem,
            not_before: parsed.not_before,
            not_after: parsed.not_after,
        })
    }
}

impl Platform {
    /// A fresh key with a platform certificate for it.
    pub fn issue() -> Result<Platform> {
        let key = PrivateKey::generate()?;
        let (serial, certificate) = certify(&key)?;
        Ok(Platform {
            serial,
            key,
            certificate,
        })
    }
}

/// A platform certificate for `key` and its serial: self-signed (the sandbox has no Tenpay CA),
/// with the subject WeChat Pay's certificates carry and a random 20-byte serial.
pub fn certify(key: &PrivateKey) -> Result<(String, Certificate)> {
    let failed = |e: rcgen::Error| Error::crypto(format!("cannot issue a certificate: {e}"));
    let pem = key.to_pkcs8_pem()?;
    let pair =
        rcgen::KeyPair::from_pem_and_sign_algo(&pem, &rcgen::PKCS_RSA_SHA256).map_err(failed)?;
    // A first nibble below 8 keeps the DER integer positive without a leading zero byte.
    let serial = format!("5{}", &random_hex(20)[1..]);
    let bytes: Vec<u8> = (0..serial.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&serial[i..i + 2], 16).ok())
        .collect();
    let now = unix_now();
    let (not_before, not_after) = (now - 60, now + VALIDITY_SECS);
    let mut params = rcgen::CertificateParams::default();
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&bytes));
    params.not_before = time_of(not_before);
    params.not_after = time_of(not_after);
    let name = &mut params.distinguished_name;
    name.push(rcgen::DnType::CountryName, "CN");
    name.push(rcgen::DnType::OrganizationName, "Tenpay.com");
    name.push(
        rcgen::DnType::OrganizationalUnitName,
        "Tenpay.com CA Center",
    );
    name.push(rcgen::DnType::CommonName, "Tenpay.com sign");
    let certificate = params.self_signed(&pair).map_err(failed)?;
    Ok((
        serial,
        Certificate {
            pem: certificate.pem(),
            not_before,
            not_after,
        },
    ))
}

fn time_of(unix: u64) -> time::OffsetDateTime {
    i64::try_from(unix)
        .ok()
        .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// The `GET /v3/certificates` answer for `listed` (serial and certificate), each certificate
/// encrypted with the APIv3 key.
pub fn listing<'a>(
    listed: impl Iterator<Item = (&'a str, &'a Certificate)>,
    apiv3_key: &[u8],
) -> Result<Value> {
    let mut data = Vec::new();
    for (serial, certificate) in listed {
        let nonce = random_hex(6).to_lowercase();
        let ciphertext = wxpresign::aes_gcm::encrypt(
            apiv3_key,
            &nonce,
            "certificate",
            certificate.pem.as_bytes(),
        )?;
        data.push(json!({
            "serial_no": serial,
            "effective_time": beijing_rfc3339(certificate.not_before),
            "expire_time": beijing_rfc3339(certificate.not_after),
            "encrypt_certificate": {
                "algorithm": wxpresign::aes_gcm::ALGORITHM,
                "nonce": nonce,
                "associated_data": "certificate",
                "ciphertext": ciphertext,
            },
        }));
    }
    Ok(json!({ "data": data }))
}
