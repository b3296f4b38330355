//! Sensitive-field encryption: fields a schema marks `encrypted` arrive as plaintext and leave
//! as Base64 RSA-OAEP ciphertext under the key named by the request's `Wechatpay-Serial`.

use crate::error::Result;
use crate::keys::PublicKey;
use crate::schema::{Field, Type};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

/// Replaces every encrypted field of `request` (validated against `fields`) by its ciphertext.
pub fn encrypt_fields(fields: &[Field], request: &mut Value, key: &PublicKey) -> Result<()> {
    let Value::Object(members) = request else {
        return Ok(());
    };
    for field in fields {
        let Some(value) = members.get_mut(field.name) else {
            continue;
        };
        match (field.ty, value) {
            (_, Value::String(plain)) if field.encrypted => {
                let ciphertext = key.encrypt_oaep(plain.as_bytes())?;
                zeroize::Zeroize::zeroize(plain);
                *plain = STANDARD.encode(ciphertext);
            }
            (Type::Object(inner), value @ Value::Object(_)) => encrypt_fields(inner, value, key)?,
            (Type::ObjectArray(inner), Value::Array(items)) => {
                for item in items {
                    encrypt_fields(inner, item, key)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The inverse, for the sandbox: decrypts every encrypted field with `decrypt`, reporting the
/// first field whose ciphertext does not decrypt by its JSON Pointer.
#[cfg(feature = "sandbox")]
pub fn decrypt_fields(
    fields: &[Field],
    request: &mut Value,
    pointer: &str,
    decrypt: &dyn Fn(&[u8]) -> Option<String>,
) -> std::result::Result<(), String> {
    let Value::Object(members) = request else {
        return Ok(());
    };
    for field in fields {
        let here = crate::schema::pointer_push(pointer, field.name);
        let Some(value) = members.get_mut(field.name) else {
            continue;
        };
        match (field.ty, value) {
            (_, Value::String(cipher)) if field.encrypted => {
                let plain = STANDARD
                    .decode(cipher.as_bytes())
                    .ok()
                    .and_then(|c| decrypt(&c))
                    .ok_or(here)?;
                *cipher = plain;
            }
            (Type::Object(inner), value @ Value::Object(_)) => {
                decrypt_fields(inner, value, &here, decrypt)?
            }
            (Type::ObjectArray(inner), Value::Array(items)) => {
                for (i, item) in items.iter_mut().enumerate() {
                    decrypt_fields(
                        inner,
                        item,
                        &crate::schema::pointer_push(&here, &i.to_string()),
                        decrypt,
                    )?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}
