//! Request signing: the WECHATPAY2-SHA256-RSA2048 `Authorization` header.

use crate::error::{Error, Result};
use crate::keys::PrivateKey;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The authentication scheme of every APIv3 request.
pub const SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";

/// The five-line message a request signature covers. Every line ends with `\n`, the last too;
/// an empty body still contributes its `\n`.
pub fn request_message(
    method: &str,
    canonical_url: &str,
    timestamp: u64,
    nonce: &str,
    body: &[u8],
) -> Vec<u8> {
    let mut message = Vec::with_capacity(body.len() + canonical_url.len() + 64);
    for part in [
        method.as_bytes(),
        canonical_url.as_bytes(),
        timestamp.to_string().as_bytes(),
        nonce.as_bytes(),
        body,
    ] {
        message.extend_from_slice(part);
        message.push(b'\n');
    }
    message
}

/// The three-line message a response or notification signature covers.
pub fn response_message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(body.len() + timestamp.len() + nonce.len() + 3);
    for part in [timestamp.as_bytes(), nonce.as_bytes(), body] {
        message.extend_from_slice(part);
        message.push(b'\n');
    }
    message
}

/// 32 random characters from `[0-9A-Za-z]`, the convention of every official SDK. A failed
/// system random number generator is a crypto error: a guessable nonce is never sent.
pub fn nonce() -> Result<String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(32);
    while out.len() < 32 {
        let mut bytes = [0u8; 48];
        aws_lc_rs::rand::fill(&mut bytes).map_err(|_| {
            Error::crypto(
                "the system random number generator failed, so no request nonce can be made: \
                 check that /dev/urandom (getrandom) is available to this process",
            )
        })?;
        // 248 = 4 * 62: rejecting larger bytes keeps every character equally likely.
        for b in bytes.into_iter().filter(|&b| b < 248) {
            if out.len() == 32 {
                break;
            }
            out.push(ALPHABET[(b % 62) as usize] as char);
        }
    }
    Ok(out)
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Signs requests as one merchant: holds the merchant key and the identifiers the header names.
#[derive(Debug)]
pub struct Signer {
    mchid: String,
    serial_no: String,
    key: PrivateKey,
}

impl Signer {
    /// The merchant id this signer signs as.
    pub fn mchid(&self) -> &str {
        &self.mchid
    }

    /// A signer for merchant `mchid` whose API certificate has serial `serial_no`.
    pub fn new(mchid: String, serial_no: String, key: PrivateKey) -> Self {
        Signer {
            mchid,
            serial_no,
            key,
        }
    }

    /// Base64 SHA256withRSA signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Result<String> {
        Ok(STANDARD.encode(self.key.sign_sha256(message)?))
    }

    /// The `Authorization` header value for one request.
    pub fn authorization(
        &self,
        method: &str,
        canonical_url: &str,
        timestamp: u64,
        nonce: &str,
        body: &[u8],
    ) -> Result<String> {
        let signature = self.sign(&request_message(
            method,
            canonical_url,
            timestamp,
            nonce,
            body,
        ))?;
        Ok(format!(
            "{SCHEME} mchid=\"{}\",nonce_str=\"{nonce}\",timestamp=\"{timestamp}\",serial_no=\"{}\",signature=\"{signature}\"",
            self.mchid, self.serial_no
        ))
    }
}
