//! A merchant that signs and encrypts with aws-lc-rs alone, not with the library's signer, so
//! that a test of the sandbox does not take the library's word for what a signed request is.

use super::Fixture;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, OAEP_SHA1_MGF1SHA1, OaepPublicEncryptingKey, PublicEncryptingKey};
use aws_lc_rs::signature::RSA_PKCS1_SHA256;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

/// The DER inside a PEM text.
fn pem_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).expect("PEM base64")
}

/// The sandbox merchant's keys and ids, from its client config.
pub struct HandSigner {
    key: KeyPair,
    platform: OaepPublicEncryptingKey,
    mchid: String,
    serial_no: String,
    pub platform_serial: String,
}

impl HandSigner {
    pub fn new(fx: &Fixture) -> HandSigner {
        let text = |k: &str| fx.config[k].as_str().expect("config member").to_owned();
        let key = KeyPair::from_pkcs8(&pem_der(&text("merchant_private_key"))).expect("PKCS#8");
        let public =
            PublicEncryptingKey::from_der(&pem_der(&text("wechatpay_public_key"))).expect("SPKI");
        HandSigner {
            key,
            platform: OaepPublicEncryptingKey::new(public).expect("an RSA key"),
            mchid: text("mchid"),
            serial_no: text("merchant_serial_no"),
            platform_serial: text("wechatpay_public_key_id"),
        }
    }

    /// The merchant's id, as its Authorization names it.
    pub fn mchid(&self) -> &str {
        &self.mchid
    }

    /// `plaintext` RSA-OAEP encrypted to the platform key, Base64.
    pub fn encrypt(&self, plaintext: &str) -> String {
        let mut out = vec![0u8; self.platform.ciphertext_size()];
        let cipher = self
            .platform
            .encrypt(&OAEP_SHA1_MGF1SHA1, plaintext.as_bytes(), &mut out, None)
            .expect("OAEP encrypts");
        STANDARD.encode(cipher)
    }

    /// `WECHATPAY2-SHA256-RSA2048` over "{method}\n{url}\n{timestamp}\n{nonce}\n{body}\n".
    pub fn authorization(&self, method: &str, url: &str, body: &[u8]) -> String {
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        let mut random = [0u8; 16];
        aws_lc_rs::rand::fill(&mut random).expect("random bytes");
        let nonce: String = random.iter().map(|b| format!("{b:02X}")).collect();
        let mut message = format!("{method}\n{url}\n{timestamp}\n{nonce}\n").into_bytes();
        message.extend_from_slice(body);
        message.push(b'\n');
        let mut signature = vec![0u8; self.key.public_modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                &message,
                &mut signature,
            )
            .expect("signs");
        format!(
            "WECHATPAY2-SHA256-RSA2048 mchid=\"{}\",nonce_str=\"{nonce}\",signature=\"{}\",timestamp=\"{timestamp}\",serial_no=\"{}\"",
            self.mchid,
            STANDARD.encode(signature),
            self.serial_no
        )
    }

    /// Sends `method url` (a path and query) with `body` to the sandbox, signed by hand, with
    /// `Wechatpay-Serial` when `serial`; its status and JSON body (null when there is none).
    pub fn send(
        &self,
        fx: &Fixture,
        method: &str,
        url: &str,
        body: Option<&str>,
        serial: bool,
    ) -> (u16, Value) {
        let agent: ureq::Agent = ureq::config::Config::builder()
            .http_status_as_error(false)
            .build()
            .into();
        let bytes = body.unwrap_or("").as_bytes();
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{url}", fx.sandbox.base_url()))
            .header("Authorization", self.authorization(method, url, bytes))
            .header("Accept", "application/json")
            .header("User-Agent", "conformance/1");
        if body.is_some() {
            request = request.header("Content-Type", "application/json");
        }
        if serial {
            request = request.header("Wechatpay-Serial", self.platform_serial.as_str());
        }
        // A POST without a body (campus easy pay's termination) still says `Content-Length: 0`,
        // as the library sends it: a POST of unstated length is refused 411.
        let response = match body {
            Some(_) => agent.run(request.body(bytes.to_vec()).expect("a request")),
            None if method == "POST" => agent.run(request.body(Vec::new()).expect("a request")),
            None => agent.run(request.body(()).expect("a request")),
        }
        .expect("the sandbox answers");
        let status = response.status().as_u16();
        let raw = response.into_body().read_to_vec().expect("a body");
        (status, serde_json::from_slice(&raw).unwrap_or(Value::Null))
    }
}

/// Whether a PARAM_ERROR answer names the member at `pointer`: as `detail.field`, or, for a
/// member the page does not define, among the `/body/...` pointers of `detail.value`.
pub fn names(body: &Value, pointer: &str) -> bool {
    let field = body.pointer("/detail/field").and_then(Value::as_str);
    let undefined = body
        .pointer("/detail/value")
        .and_then(Value::as_array)
        .is_some_and(|all| {
            all.iter()
                .any(|p| p.as_str() == Some(&format!("/body{pointer}")))
        });
    field == Some(pointer) || undefined
}
