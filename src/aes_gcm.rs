//! AES-GCM as WeChat Pay uses it for notification resources (and platform certificates): the
//! APIv3 key, a 12-byte nonce, the associated data, and Base64 of ciphertext and tag.

use crate::error::{Error, Result};
use aws_lc_rs::aead::{AES_128_GCM, AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The name WeChat Pay gives this encryption (`algorithm`) in notification resources and in
/// the platform certificate list: the only one APIv3 uses.
pub const ALGORITHM: &str = "AEAD_AES_256_GCM";

fn gcm_key(key: &[u8]) -> Result<LessSafeKey> {
    // 32-byte keys are the APIv3 key (AES-256). 16-byte keys run AES-128-GCM, which is what
    // wechatpay-go does with its 16-byte test keys; configurations only accept 32 bytes.
    let algorithm = match key.len() {
        32 => &AES_256_GCM,
        16 => &AES_128_GCM,
        n => {
            return Err(Error::crypto(format!(
                "the APIv3 key must be 32 bytes, not {n}"
            )));
        }
    };
    let unbound = UnboundKey::new(algorithm, key)
        .map_err(|_| Error::crypto("the APIv3 key cannot be used for AES-GCM"))?;
    Ok(LessSafeKey::new(unbound))
}

fn gcm_nonce(nonce: &str) -> Result<Nonce> {
    Nonce::try_assume_unique_for_key(nonce.as_bytes()).map_err(|_| {
        Error::crypto(format!(
            "the resource nonce must be {NONCE_LEN} bytes, not {}",
            nonce.len()
        ))
    })
}

/// AES-GCM decryption of a notification resource: `ciphertext` is Base64 of the ciphertext
/// followed by the 16-byte tag; `key` is the APIv3 key as its raw bytes.
pub fn decrypt(
    key: &[u8],
    nonce: &str,
    associated_data: &str,
    ciphertext: &str,
) -> Result<Vec<u8>> {
    let key = gcm_key(key)?;
    let nonce = gcm_nonce(nonce)?;
    let mut in_out = STANDARD
        .decode(ciphertext.as_bytes())
        .map_err(|_| Error::crypto("resource.ciphertext is not valid Base64: the notification body was altered, or is not from WeChat Pay"))?;
    let plaintext = key
        .open_in_place(nonce, Aad::from(associated_data.as_bytes()), &mut in_out)
        .map_err(|_| {
            Error::crypto(
                "the resource does not decrypt: the ciphertext was altered, or apiv3_key is not \
                 the APIv3 key set in the merchant platform",
            )
        })?;
    Ok(plaintext.to_vec())
}

/// AES-GCM encryption, the inverse of [`decrypt`]: Base64 of ciphertext and tag (how WeChat
/// Pay seals notifications and certificate lists; the sandbox does it the same way).
pub fn encrypt(key: &[u8], nonce: &str, associated_data: &str, plaintext: &[u8]) -> Result<String> {
    let key = gcm_key(key)?;
    let nonce = gcm_nonce(nonce)?;
    let mut in_out = plaintext.to_vec();
    key.seal_in_place_append_tag(nonce, Aad::from(associated_data.as_bytes()), &mut in_out)
        .map_err(|_| Error::crypto("AES-GCM encryption failed"))?;
    Ok(STANDARD.encode(in_out))
}
