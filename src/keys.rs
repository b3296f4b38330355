//! Key material: the merchant private key, WeChat Pay public keys and platform certificates,
//! loaded once from PEM when a client is created.

use crate::error::{Error, Result};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::OaepPrivateDecryptingKey;
use aws_lc_rs::rsa::{KeyPair, OaepPublicEncryptingKey, PublicEncryptingKey};
use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
use std::fmt;
use std::sync::Arc;
use std::sync::OnceLock;
use x509_cert::der::{Decode, Encode, pem};
use zeroize::Zeroizing;

/// Decodes one PEM block, tolerating the surrounding whitespace and CRLF line ends that
/// keys copied from files and web forms tend to carry. `what` names the key in errors.
fn decode_pem(text: &str, what: &str) -> Result<(String, Zeroizing<Vec<u8>>)> {
    // Both buffers are sized up front, so no reallocation leaves an unwiped copy of a key behind.
    let text = text.trim();
    let mut normalized = Zeroizing::new(String::with_capacity(text.len()));
    for (i, line) in text.split("\r\n").enumerate() {
        if i > 0 {
            normalized.push('\n');
        }
        normalized.push_str(line);
    }
    let mut der = Zeroizing::new(vec![0u8; normalized.len()]);
    let (label, len) = pem::decode(normalized.as_bytes(), &mut der)
        .map(|(label, decoded)| (label.to_owned(), decoded.len()))
        .map_err(|e| {
            Error::config(format!("{what} is not a PEM block ({e}): paste the whole file including the BEGIN and END lines"))
        })?;
    der.truncate(len);
    Ok((label, der))
}

/// The merchant API private key (apiclient_key.pem). The key lives inside aws-lc, which
/// wipes it when freed; the PEM and DER copies made while loading are wiped on drop.
pub struct PrivateKey {
    pair: KeyPair,
    /// The same key for RSA-OAEP decryption, parsed on first use (a client never decrypts).
    decryptor: OnceLock<Option<OaepPrivateDecryptingKey>>,
}

impl PrivateKey {
    /// Accepts PKCS#8 (`BEGIN PRIVATE KEY`) and PKCS#1 (`BEGIN RSA PRIVATE KEY`).
    pub fn from_pem(text: &str, what: &str) -> Result<Self> {
        let (label, der) = decode_pem(text, what)?;
        let pair = match label.as_str() {
            "PRIVATE KEY" => KeyPair::from_pkcs8(&der),
            "RSA PRIVATE KEY" => KeyPair::from_der(&der),
            other => {
                return Err(Error::config(format!(
                    "{what} is a PEM \"{other}\" block; expected \"PRIVATE KEY\" or \"RSA PRIVATE KEY\" (apiclient_key.pem)"
                )));
            }
        };
        let pair = pair
            .map_err(|e| Error::config(format!("{what} is not a usable RSA private key: {e}")))?;
        if pair.public_modulus_len() < 256 {
            return Err(Error::config(format!(
                "{what} is shorter than 2048 bits; WeChat Pay keys are RSA-2048"
            )));
        }
        Ok(PrivateKey::wrap(pair))
    }

    fn wrap(pair: KeyPair) -> Self {
        PrivateKey {
            pair,
            decryptor: OnceLock::new(),
        }
    }

    /// Generates a fresh RSA-2048 key, for tests and local sandboxes (a merchant's key comes from
    /// WeChat Pay's merchant platform).
    pub fn generate() -> Result<Self> {
        KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
            .map(PrivateKey::wrap)
            .map_err(|_| Error::crypto("RSA key generation failed"))
    }

    /// PKCS#8 PEM of the key, wiped on drop.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>> {
        let der = self
            .pair
            .as_der()
            .map_err(|_| Error::crypto("cannot encode the private key"))?;
        let text = pem::encode_string("PRIVATE KEY", pem::LineEnding::LF, der.as_ref())
            .map_err(|_| Error::crypto("cannot encode the private key"))?;
        Ok(Zeroizing::new(text))
    }

    /// The matching public key.
    pub fn public_key(&self) -> Result<PublicKey> {
        use aws_lc_rs::signature::KeyPair as _;
        PublicKey::from_der(
            self.pair.public_key().as_ref(),
            "the public half of a private key",
        )
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256, as WECHATPAY2-SHA256-RSA2048 requires.
    pub fn sign_sha256(&self, message: &[u8]) -> Result<Vec<u8>> {
        let mut signature = vec![0u8; self.pair.public_modulus_len()];
        let rng = aws_lc_rs::rand::SystemRandom::new();
        self.pair
            .sign(
                &aws_lc_rs::signature::RSA_PKCS1_SHA256,
                &rng,
                message,
                &mut signature,
            )
            .map_err(|_| {
                Error::crypto(
                    "RSA signing with the merchant private key failed (aws-lc refused the key or \
                     the system random number generator failed): check merchant_private_key",
                )
            })?;
        Ok(signature)
    }

    /// RSA-OAEP (SHA-1, MGF1-SHA-1) decryption, the inverse of [`PublicKey::encrypt_oaep`]
    /// (what WeChat Pay does with the fields a merchant encrypts; the sandbox uses it).
    pub fn decrypt_oaep(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, PrivateDecryptingKey};
        let key = self
            .decryptor
            .get_or_init(|| {
                let der = self.pair.as_der().ok()?;
                OaepPrivateDecryptingKey::new(PrivateDecryptingKey::from_pkcs8(der.as_ref()).ok()?)
                    .ok()
            })
            .as_ref()
            .ok_or_else(|| Error::crypto("the private key cannot decrypt"))?;
        let mut out = Zeroizing::new(vec![0u8; key.min_output_size()]);
        let n = key
            .decrypt(&OAEP_SHA1_MGF1SHA1, ciphertext, &mut out, None)
            .map_err(|_| {
                Error::crypto("RSA-OAEP decryption failed: wrong key or corrupted ciphertext")
            })?
            .len();
        out.truncate(n);
        Ok(out)
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(<redacted>)")
    }
}

/// An RSA public key: a WeChat Pay public key, a platform certificate's key or a merchant key.
#[derive(Clone)]
pub struct PublicKey {
    verifier: ParsedPublicKey,
    encryptor: Arc<OaepPublicEncryptingKey>,
    spki_der: Vec<u8>,
}

impl PublicKey {
    /// Accepts `BEGIN PUBLIC KEY` (SubjectPublicKeyInfo, as in pub_key.pem) and `BEGIN RSA PUBLIC KEY`.
    pub fn from_pem(text: &str, what: &str) -> Result<Self> {
        let (label, der) = decode_pem(text, what)?;
        match label.as_str() {
            "PUBLIC KEY" | "RSA PUBLIC KEY" => PublicKey::from_der(&der, what),
            "CERTIFICATE" => Err(Error::config(format!(
                "{what} is a certificate; put certificates in platform_certificates, or give the WeChat Pay public key (pub_key.pem)"
            ))),
            other => Err(Error::config(format!(
                "{what} is a PEM \"{other}\" block; expected \"PUBLIC KEY\""
            ))),
        }
    }

    /// From DER, either SubjectPublicKeyInfo or PKCS#1 RSAPublicKey.
    pub(crate) fn from_der(der: &[u8], what: &str) -> Result<Self> {
        let key = aws_lc_rs::rsa::PublicKey::from_der(der)
            .map_err(|e| Error::config(format!("{what} is not a usable RSA public key: {e}")))?;
        let spki_der = key
            .as_der()
            .map_err(|_| {
                Error::config(format!("{what} cannot be encoded as SubjectPublicKeyInfo"))
            })?
            .as_ref()
            .to_vec();
        let verifier = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &spki_der)
            .map_err(|e| Error::config(format!("{what} cannot verify RSA-2048 signatures: {e}")))?;
        let encryptor = PublicEncryptingKey::from_der(&spki_der)
            .ok()
            .and_then(|k| OaepPublicEncryptingKey::new(k).ok())
            .map(Arc::new)
            .ok_or_else(|| {
                Error::config(format!("{what} cannot be used for RSA-OAEP encryption"))
            })?;
        Ok(PublicKey {
            verifier,
            encryptor,
            spki_der,
        })
    }

    /// PEM (`BEGIN PUBLIC KEY`) text of the key.
    pub fn to_pem(&self) -> Result<String> {
        pem::encode_string("PUBLIC KEY", pem::LineEnding::LF, &self.spki_der)
            .map_err(|_| Error::internal("cannot encode a public key as PEM"))
    }

    /// True when `signature` is a valid SHA256withRSA signature of `message`.
    pub fn verify_sha256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verifier.verify_sig(message, signature).is_ok()
    }

    /// RSA-OAEP with SHA-1 and MGF1-SHA-1 and an empty label: WeChat Pay's sensitive-field cipher.
    pub fn encrypt_oaep(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        use aws_lc_rs::rsa::OAEP_SHA1_MGF1SHA1;
        let key = &self.encryptor;
        let max = key.max_plaintext_size(&OAEP_SHA1_MGF1SHA1);
        if plaintext.len() > max {
            return Err(Error::crypto(format!(
                "value is {} bytes; RSA-OAEP can encrypt at most {max}",
                plaintext.len()
            )));
        }
        let mut out = vec![0u8; key.ciphertext_size()];
        let n = key
            .encrypt(&OAEP_SHA1_MGF1SHA1, plaintext, &mut out, None)
            .map_err(|_| Error::crypto("RSA-OAEP encryption failed"))?
            .len();
        out.truncate(n);
        Ok(out)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PublicKey(RSA)")
    }
}

/// A WeChat Pay platform certificate: its serial number, validity start and public key.
#[derive(Clone, Debug)]
pub struct PlatformCertificate {
    /// Upper-case hex of the serial number, without leading zero bytes.
    pub serial: String,
    /// Seconds since the Unix epoch of notBefore: the newest certificate is the one in use.
    pub not_before: u64,
    /// Seconds since the Unix epoch of notAfter.
    pub not_after: u64,
    /// The certificate's public key, which verifies WeChat Pay's signatures.
    pub key: PublicKey,
}

impl PlatformCertificate {
    /// Parses a PEM certificate; `what` names where it came from in messages.
    pub fn from_pem(text: &str, what: &str) -> Result<Self> {
        let (label, der) = decode_pem(text, what)?;
        if label != "CERTIFICATE" {
            return Err(Error::config(format!(
                "{what} is a PEM \"{label}\" block; expected \"CERTIFICATE\""
            )));
        }
        let cert = x509_cert::Certificate::from_der(&der)
            .map_err(|e| Error::config(format!("{what} is not an X.509 certificate: {e}")))?;
        let tbs = &cert.tbs_certificate;
        let serial = hex_upper(strip_leading_zeros(tbs.serial_number.as_bytes()));
        let not_before = tbs.validity.not_before.to_unix_duration().as_secs();
        let not_after = tbs.validity.not_after.to_unix_duration().as_secs();
        let spki = tbs
            .subject_public_key_info
            .to_der()
            .map_err(|e| Error::config(format!("{what} has an unreadable public key: {e}")))?;
        let key = PublicKey::from_der(&spki, what)?;
        Ok(PlatformCertificate {
            serial,
            not_before,
            not_after,
            key,
        })
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    &bytes[start..]
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Serial numbers are compared case-insensitively and without leading zeros, because SDKs
/// disagree on both (Go keeps a leading zero nibble, Java drops it).
pub fn same_serial(a: &str, b: &str) -> bool {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.eq_ignore_ascii_case(b)
}
