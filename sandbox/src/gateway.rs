//! The gateway: a raw request becomes a checked one, in WeChat Pay's order: the head (Accept,
//! User-Agent, Content-Type), the Authorization signature and nonce replay, the body's encoding,
//! and for a pre-sign the decrypted body checked against the endpoint's schema.

use crate::decryption::decrypt_fields;
use crate::expiring::Expiring;
use crate::http_server::Request;
use crate::merchants::Merchants;
use crate::refusal::{Refusal, lock};
use crate::{Authorization, Identity};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use wxpresign::endpoints::Endpoint;
use wxpresign::keys::same_serial;
use wxpresign::signing::{request_message, unix_now};
use wxpresign::validation::{parse_request, validate};
use wxpresign::verification::MAX_CLOCK_SKEW_SECS;

/// The largest request body the sandbox accepts.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// What checks requests: the merchants, each request against the one its Authorization names,
/// and the nonces seen within the clock-skew window with their timestamps (a repeat is a
/// replay).
pub(crate) struct Gateway {
    merchants: Arc<Merchants>,
    nonces: Mutex<Expiring<String, u64>>,
}

/// The merchant a checked request came from.
pub(crate) type Caller = Arc<Identity>;

impl Gateway {
    pub fn new(merchants: Arc<Merchants>) -> Gateway {
        Gateway {
            merchants,
            nonces: Mutex::new(Expiring::default()),
        }
    }

    /// A pre-sign: its head, its signature, its body as UTF-8, then the body as JSON,
    /// decrypted where the endpoint has encrypted members and checked against its schema, then
    /// a partner's `sp_mchid` and `sub_mchid` against the caller.
    pub fn presign(
        &self,
        endpoint: &Endpoint,
        request: &Request,
    ) -> Result<(Caller, Value), Refusal> {
        check_head(request, true)?;
        let text = body_text(&request.body)?;
        let caller = self.check_signature("POST", request)?;
        let value = checked_body(&caller, endpoint, request, text)?;
        self.merchants.check_partner(&caller, &value)?;
        Ok((caller, value))
    }

    /// A call other than a pre-sign (a GET, or a call on a contract): its head, with
    /// Content-Type only where there is a body to type, and its signature.
    pub fn call(&self, request: &Request) -> Result<Caller, Refusal> {
        check_head(request, !request.body.is_empty())?;
        self.check_signature(&request.method, request)
    }

    /// A call of the table on a contract (a deduction's schedule, a deduction): its head, its
    /// signature, then the whole request as the library's caller writes it (the path's
    /// parameters `captured` and the query's members beside the body's) checked against the
    /// endpoint's schema as a pre-sign's body is, and its path parameters as values a path can
    /// carry (holding no `/` or backslash, not `.` or `..`), then a partner's `sub_mchid` against
    /// the caller. A query member is taken as text, an integer one as its decimal value.
    pub fn contract_call(
        &self,
        endpoint: &Endpoint,
        request: &Request,
        captured: &[(&'static str, String)],
    ) -> Result<(Caller, Value), Refusal> {
        check_head(request, !request.body.is_empty())?;
        let text = body_text(&request.body)?;
        let caller = self.check_signature(&request.method, request)?;
        let mut value = if text.trim().is_empty() {
            Value::Object(serde_json::Map::new())
        } else {
            parse_request(text).map_err(|e| {
                Refusal::param_error("", Value::Null, e.message().to_owned(), "body")
            })?
        };
        let query = request.target.split_once('?').map_or("", |(_, q)| q);
        if let Value::Object(members) = &mut value {
            for (name, given) in crate::contracts::query_members(query) {
                let integer = endpoint.query.iter().any(|f| {
                    f.name == name && matches!(f.ty, wxpresign::schema::Type::Integer { .. })
                });
                let parsed = integer.then(|| given.parse::<i64>().ok()).flatten();
                members.insert(name, parsed.map_or_else(|| given.into(), Value::from));
            }
            // A path's integer parameter (an insurance period's id) is its decimal value, as
            // the library's caller wrote it before it became text in the path.
            for (name, given) in captured {
                let integer = endpoint.path_params.iter().any(|f| {
                    f.name == *name && matches!(f.ty, wxpresign::schema::Type::Integer { .. })
                });
                let parsed = integer.then(|| given.parse::<i64>().ok()).flatten();
                members.insert(
                    (*name).to_owned(),
                    parsed.map_or_else(|| given.clone().into(), Value::from),
                );
            }
        }
        let schema = endpoint.members();
        let undefined = wxpresign::schema::undefined_members(&schema, &value);
        if !undefined.is_empty() {
            return Err(Refusal::undefined_members(undefined));
        }
        // Then the request as the library's caller would have to write it: a path parameter
        // decoded from its segment may still be one no path can carry (a `/` sent as %2F, `..`).
        let checked = match validate(&schema, endpoint.rules, &value, false) {
            Ok(()) => endpoint.build(&value).map(drop),
            Err(e) => Err(e),
        };
        checked.map_err(|e| {
            let field = e.field().unwrap_or("").to_owned();
            let issue = e.issue().unwrap_or(e.message()).to_owned();
            let shown = value.pointer(&field).cloned().unwrap_or(Value::Null);
            Refusal::param_error(&field, shown, issue, location(endpoint, &field))
        })?;
        crate::behaviours::check_notify_urls(&caller, endpoint.request, &value)?;
        self.merchants.check_partner(&caller, &value)?;
        Ok((caller, value))
    }

    /// Authorization: scheme, attributes, known merchant and serial, fresh timestamp,
    /// unused nonce, and a signature over exactly what was sent with that merchant's key.
    fn check_signature(&self, method: &str, request: &Request) -> Result<Caller, Refusal> {
        let (url, body) = (request.target.as_str(), request.body.as_slice());
        let header = request
            .header("Authorization")
            .ok_or_else(|| Refusal::sign_error("the Authorization header is missing"))?;
        let auth = Authorization::parse(header).map_err(Refusal::sign_error)?;
        let Some(id) = self.merchants.get(&auth.mchid) else {
            return Err(Refusal::sign_error(format!(
                "mchid {} is not known here",
                auth.mchid
            )));
        };
        if !same_serial(&auth.serial_no, &id.merchant_serial_no) {
            return Err(Refusal::sign_error(format!(
                "serial_no {} is not a certificate of this merchant",
                auth.serial_no
            )));
        }
        let ts: u64 = auth
            .timestamp
            .parse()
            .map_err(|_| Refusal::sign_error("timestamp is not a Unix time in seconds"))?;
        if unix_now().abs_diff(ts) >= MAX_CLOCK_SKEW_SECS {
            return Err(Refusal::sign_error(
                "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟",
            ));
        }
        let signature = STANDARD
            .decode(auth.signature.as_bytes())
            .map_err(|_| Refusal::sign_error("signature is not Base64"))?;
        let message = request_message(method, url, ts, &auth.nonce_str, body);
        if !id.merchant_public_key.verify_sha256(&message, &signature) {
            return Err(Refusal::sign_not_match(url, &message));
        }
        self.remember_nonce(&auth.nonce_str, ts)?;
        Ok(id)
    }

    /// Only a verified nonce is remembered, so that forged requests cannot burn real ones.
    fn remember_nonce(&self, nonce: &str, ts: u64) -> Result<(), Refusal> {
        let now = unix_now();
        let mut nonces = lock(&self.nonces);
        nonces.prune(|seen| now.abs_diff(*seen) < MAX_CLOCK_SKEW_SECS);
        if nonces.map.insert(nonce.to_owned(), ts).is_some() {
            return Err(Refusal::sign_error(format!(
                "nonce_str {nonce} was already used: replayed request"
            )));
        }
        Ok(())
    }
}

/// Where the member at `field` of a call on a contract was sent: `path`, `query` or `body`.
fn location(endpoint: &Endpoint, field: &str) -> &'static str {
    let named = |fields: &[wxpresign::schema::Field]| {
        fields.iter().any(|f| format!("/{}", f.name) == field)
    };
    if named(endpoint.query) {
        "query"
    } else if named(endpoint.path_params) {
        "path"
    } else {
        "body"
    }
}

/// The request body as JSON, decrypted with `caller`'s platform keys where the endpoint has
/// encrypted members, and checked against the endpoint's schema: members the page does not
/// define first, then the rules.
fn checked_body(
    caller: &Identity,
    endpoint: &Endpoint,
    request: &Request,
    text: &str,
) -> Result<Value, Refusal> {
    let mut value = parse_request(text)
        .map_err(|e| Refusal::param_error("", Value::Null, e.message().to_owned(), "body"))?;
    if endpoint.needs_serial() {
        decrypt(
            caller,
            endpoint,
            request.header("Wechatpay-Serial"),
            &mut value,
        )?;
    }
    let undefined = wxpresign::schema::undefined_members(endpoint.request, &value);
    if !undefined.is_empty() {
        return Err(Refusal::undefined_members(undefined));
    }
    validate(endpoint.request, endpoint.rules, &value, false).map_err(|e| {
        let field = e.field().unwrap_or("").to_owned();
        let issue = e.issue().unwrap_or(e.message()).to_owned();
        // Encrypted values are personal data: never echoed.
        let shown =
            if wxpresign::schema::field_at(endpoint.request, &field).is_some_and(|f| f.encrypted) {
                Value::Null
            } else {
                value.pointer(&field).cloned().unwrap_or(Value::Null)
            };
        Refusal::param_error(&field, shown, issue, "body")
    })?;
    crate::behaviours::check_notify_urls(caller, endpoint.request, &value)?;
    Ok(value)
}

/// Decrypts the endpoint's encrypted members with the platform key `serial` names.
fn decrypt(
    id: &Identity,
    endpoint: &Endpoint,
    serial: Option<&str>,
    value: &mut Value,
) -> Result<(), Refusal> {
    let Some(serial) = serial.filter(|s| id.decrypting(s, |_| ()).is_some()) else {
        return Err(Refusal::param_error(
            "Wechatpay-Serial",
            serial.map_or(Value::Null, |s| s.into()),
            format!(
                "this endpoint carries encrypted fields: Wechatpay-Serial must be {}",
                id.signing(|serial, _| serial.to_owned())
            ),
            "header",
        ));
    };
    let decrypt = |cipher: &[u8]| -> Option<String> {
        let plain = id.decrypting(serial, |key| key.decrypt_oaep(cipher).ok())??;
        String::from_utf8(plain.to_vec()).ok()
    };
    decrypt_fields(endpoint.request, value, "", &decrypt).map_err(|field| {
        Refusal::param_error(
            &field,
            Value::Null,
            "cannot be decrypted with the key named by Wechatpay-Serial",
            "body",
        )
    })
}

/// APIv3's header rules: Accept and User-Agent present, and Content-Type application/json when
/// `typed` (a pre-sign always; a call on a contract when it has a body).
fn check_head(request: &Request, typed: bool) -> Result<(), Refusal> {
    let get = |name: &str| request.header(name);
    if get("Accept").is_none_or(str::is_empty) || get("User-Agent").is_none_or(str::is_empty) {
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "Http头缺少Accept或User-Agent",
        ));
    }
    if !typed {
        return Ok(());
    }
    let content_type = get("Content-Type").unwrap_or("");
    if content_type.split(';').next().map(str::trim) != Some("application/json") {
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "Content-Type must be application/json",
        ));
    }
    Ok(())
}

/// The body as text: at most MAX_REQUEST_BYTES of UTF-8 whose characters are 1 to 3 bytes.
fn body_text(body: &[u8]) -> Result<&str, Refusal> {
    if body.len() > MAX_REQUEST_BYTES {
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "the request body is too large",
        ));
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| Refusal::new(400, "INVALID_REQUEST", "the request body is not UTF-8"))?;
    if text.chars().any(|c| c.len_utf8() == 4) {
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "only UTF-8 characters of 1 to 3 bytes are accepted",
        ));
    }
    Ok(text)
}
