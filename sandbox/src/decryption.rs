//! Decrypting a request's sensitive fields, as WeChat Pay's servers do with their private key.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use wxpresign::schema::{Field, Type};

/// The inverse of `wxpresign::encryption::encrypt_fields`: decrypts every encrypted field with `decrypt`, reporting the
/// first field whose ciphertext does not decrypt by its JSON Pointer.
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
        let here = wxpresign::schema::pointer_push(pointer, field.name);
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
                        &wxpresign::schema::pointer_push(&here, &i.to_string()),
                        decrypt,
                    )?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}
