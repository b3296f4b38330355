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
                let ciphertext = encrypt_value(plain, key)?;
                zeroize::Zeroize::zeroize(plain);
                *plain = ciphertext;
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

/// One value as WeChat Pay takes an encrypted field: Base64 RSA-OAEP ciphertext under `key`.
pub(crate) fn encrypt_value(plain: &str, key: &PublicKey) -> Result<String> {
    Ok(STANDARD.encode(key.encrypt_oaep(plain.as_bytes())?))
}
