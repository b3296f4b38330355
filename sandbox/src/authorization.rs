//! Reading a request's `Authorization` header, as WeChat Pay's servers do (the library only
//! writes it, in `wxpresign::signing`).

use wxpresign::signing::SCHEME;

/// The five attributes of a WECHATPAY2-SHA256-RSA2048 `Authorization` header.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Authorization {
    pub mchid: String,
    pub nonce_str: String,
    pub timestamp: String,
    pub serial_no: String,
    pub signature: String,
}

impl Authorization {
    /// Parses a header value; attribute order is free, each attribute must appear exactly once.
    /// The error says which rule was broken, as a server's answer would.
    pub fn parse(header: &str) -> std::result::Result<Authorization, String> {
        let rest = header
            .strip_prefix(SCHEME)
            .and_then(|r| r.strip_prefix(' '))
            .ok_or_else(|| format!("Authorization must start with \"{SCHEME} \""))?;
        let mut auth = Authorization::default();
        let mut seen: Vec<&str> = Vec::with_capacity(5);
        for pair in rest.split(',') {
            let (name, value) = pair
                .trim()
                .split_once('=')
                .ok_or_else(|| format!("malformed attribute \"{pair}\""))?;
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .ok_or_else(|| format!("attribute {name} must be double-quoted"))?;
            let slot = match name {
                "mchid" => &mut auth.mchid,
                "nonce_str" => &mut auth.nonce_str,
                "timestamp" => &mut auth.timestamp,
                "serial_no" => &mut auth.serial_no,
                "signature" => &mut auth.signature,
                other => return Err(format!("unknown attribute {other}")),
            };
            if seen.contains(&name) {
                return Err(format!("attribute {name} appears twice"));
            }
            seen.push(name);
            *slot = value.to_owned();
        }
        for (name, value) in [
            ("mchid", &auth.mchid),
            ("nonce_str", &auth.nonce_str),
            ("timestamp", &auth.timestamp),
            ("serial_no", &auth.serial_no),
            ("signature", &auth.signature),
        ] {
            if value.is_empty() {
                return Err(format!("attribute {name} is missing"));
            }
        }
        Ok(auth)
    }
}
