//! One member of a JSON text, by JSON Pointer (RFC 6901): what a C caller without a JSON
//! library needs from an answer ("/data/redirect_url", "/error/kind").

use crate::error::{Error, Result};
use serde_json::Value;

/// The member of `json` at `pointer`: a string without its quotes, any other value as JSON text.
pub(crate) fn member_text(json: &str, pointer: &str) -> Result<String> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| Error::argument(format!("json is not valid JSON: {e}")))?;
    if !(pointer.is_empty() || pointer.starts_with('/')) {
        return Err(Error::argument(format!(
            "pointer \"{pointer}\" must be empty (the whole text) or start with '/' (RFC 6901), \
             e.g. \"/data/redirect_url\""
        )));
    }
    let member = value.pointer(pointer).ok_or_else(|| {
        Error::argument(format!("the JSON has no member at {pointer}")).at_field(pointer)
    })?;
    Ok(match member {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}
