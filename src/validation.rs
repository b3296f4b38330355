//! Checks a request against its endpoint schema before anything is signed or sent.
//! The first violation is reported with its JSON Pointer.

use crate::error::{Error, Result};
use crate::schema::{Field, Format, Rule, Type, pointer_push};
use crate::url::Authority;
use serde_json::{Map, Value};

/// The longest plaintext RSA-OAEP with SHA-1 can encrypt under a 2048-bit key: the modulus
/// (256 bytes) less two hashes (20 bytes each) and two bytes (RFC 8017 section 7.1.1).
pub(crate) const MAX_ENCRYPTED_BYTES: usize = 2048 / 8 - 2 * 20 - 2;

/// What a validation lets through beyond the schema.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Request members the schema does not know pass (`allow_unknown_fields`).
    pub allow_unknown: bool,
    /// Notify URLs on loopback hosts (localhost, 127.0.0.0/8, ::1) pass, in http too, for
    /// local tests (`allow_http_notify_loopback`); WeChat Pay itself refuses them.
    pub allow_http_notify_loopback: bool,
}

/// Validates `request` against `fields` and then the `rules` between its members. Unknown
/// members are errors unless `allow_unknown`; notify URLs on loopback hosts pass, in http too
/// (what a local WeChat Pay such as the sandbox accepts; see [`validate_with`]).
pub fn validate(
    fields: &[Field],
    rules: &[Rule],
    request: &Value,
    allow_unknown: bool,
) -> Result<()> {
    let options = Options {
        allow_unknown,
        allow_http_notify_loopback: true,
    };
    validate_with(fields, rules, request, options)
}

/// Validates `request` against `fields` and then the `rules` between its members, letting
/// through what `options` allow.
pub fn validate_with(
    fields: &[Field],
    rules: &[Rule],
    request: &Value,
    options: Options,
) -> Result<()> {
    let Value::Object(members) = request else {
        return Err(Error::validation(
            "",
            format!(
                "the request must be a JSON object, not {}",
                type_name(request)
            ),
        ));
    };
    check_object(fields, members, "", options)?;
    check_charset(request, "")?;
    match rules
        .iter()
        .find_map(|r| r.violation(request).map(|at| (at, r)))
    {
        Some((at, rule)) => Err(Error::validation(at, rule.says)),
        None => Ok(()),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn check_object(
    fields: &[Field],
    members: &Map<String, Value>,
    pointer: &str,
    options: Options,
) -> Result<()> {
    for field in fields {
        let here = pointer_push(pointer, field.name);
        match members.get(field.name) {
            None if field.required => {
                return Err(Error::validation(&here, "required field is missing"));
            }
            None => {}
            Some(value) => check_value(field, value, &here, options)?,
        }
    }
    if !options.allow_unknown {
        if let Some(name) = members
            .keys()
            .find(|k| !fields.iter().any(|f| f.name == k.as_str()))
        {
            let expected: Vec<&str> = fields.iter().map(|f| f.name).collect();
            return Err(Error::validation(
                &pointer_push(pointer, name),
                format!(
                    "unknown field (this object accepts: {})",
                    expected.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn check_value(field: &Field, value: &Value, here: &str, options: Options) -> Result<()> {
    let wrong_type = |expected: &str| {
        Error::validation(
            here,
            format!("must be {expected}, not {}", type_name(value)),
        )
    };
    match (field.ty, value) {
        (Type::String { .. }, Value::String(s)) => check_string(field, s, here, options),
        (Type::String { .. }, _) => Err(wrong_type("a string")),
        (Type::Integer { positive }, Value::Number(n)) => {
            let Some(i) = n
                .as_i64()
                .map(i128::from)
                .or_else(|| n.as_u64().map(i128::from))
            else {
                return Err(Error::validation(
                    here,
                    format!("must be an integer, not {n} (amounts are in fen: 100 is 1.00 CNY)"),
                ));
            };
            if positive && i <= 0 {
                return Err(Error::validation(
                    here,
                    format!("must be greater than 0 (got {i})"),
                ));
            }
            Ok(())
        }
        (Type::Integer { .. }, _) => Err(wrong_type("an integer")),
        (Type::Boolean, Value::Bool(_)) => Ok(()),
        (Type::Boolean, _) => Err(wrong_type("true or false")),
        (Type::Object(fields), Value::Object(members)) => {
            check_object(fields, members, here, options)
        }
        (Type::Object(_), _) => Err(wrong_type("an object")),
        (Type::ObjectArray(fields), Value::Array(items)) => {
            if items.is_empty() {
                return Err(Error::validation(here, "must contain at least one item"));
            }
            if let Some(max) = field.max_items.filter(|&max| items.len() > max) {
                return Err(Error::validation(
                    here,
                    format!("must hold at most {max} items, not {}", items.len()),
                ));
            }
            for (i, item) in items.iter().enumerate() {
                let at = pointer_push(here, &i.to_string());
                let Value::Object(members) = item else {
                    return Err(Error::validation(
                        &at,
                        format!("must be an object, not {}", type_name(item)),
                    ));
                };
                check_object(fields, members, &at, options)?;
            }
            Ok(())
        }
        (Type::ObjectArray(_), _) => Err(wrong_type("an array of objects")),
    }
}

fn check_string(field: &Field, s: &str, here: &str, options: Options) -> Result<()> {
    let Type::String {
        max_chars,
        format,
        choices,
        charset,
    } = field.ty
    else {
        return Ok(());
    };
    // Values of encrypted fields are personal data: never echo them.
    let shown = |s: &str| {
        if field.encrypted {
            String::new()
        } else {
            format!(" (got \"{}\")", abbreviate(s))
        }
    };
    if s.trim().is_empty() {
        return Err(Error::validation(here, "must not be empty"));
    }
    if let Some(max) = max_chars {
        let n = s.chars().count();
        if n > max {
            return Err(Error::validation(
                here,
                format!("must be {max} characters or fewer, not {n} (WeChat Pay: string({max}))"),
            ));
        }
    }
    if field.encrypted && s.len() > MAX_ENCRYPTED_BYTES {
        return Err(Error::validation(
            here,
            format!(
                "is {} bytes; an encrypted field holds at most {MAX_ENCRYPTED_BYTES} bytes of UTF-8",
                s.len()
            ),
        ));
    }
    if !choices.is_empty() && !choices.contains(&s) {
        return Err(Error::validation(
            here,
            format!("must be one of {}{}", choices.join(", "), shown(s)),
        ));
    }
    if let Some(c) = s.chars().find(|c| !charset.allows(*c)) {
        let c = if field.encrypted {
            String::new()
        } else {
            format!(" (found {c:?})")
        };
        return Err(Error::validation(
            here,
            format!("may contain {}{c}", charset.describe()),
        ));
    }
    check_format(s, format, here, &shown, options)
}

/// The shape `format` asks of `s`; `shown` quotes the value in an error (or not, if secret).
fn check_format(
    s: &str,
    format: Format,
    here: &str,
    shown: &dyn Fn(&str) -> String,
    options: Options,
) -> Result<()> {
    match format {
        Format::Text => Ok(()),
        Format::Date { max_day } => match date_day(s) {
            Some(day) if day <= u32::from(max_day) => Ok(()),
            Some(day) => Err(Error::validation(
                here,
                format!(
                    "must fall on day 1 to {max_day} of a month, not day {day}{}",
                    shown(s)
                ),
            )),
            None => Err(Error::validation(
                here,
                format!("must be a date as yyyy-MM-dd{}", shown(s)),
            )),
        },
        Format::DateTime if is_rfc3339(s) => Ok(()),
        Format::DateTime => Err(Error::validation(
            here,
            format!(
                "must be an RFC 3339 time such as 2026-12-22T10:34:56+08:00{}",
                shown(s)
            ),
        )),
        Format::Url => check_url(s, None)
            .map_err(|issue| Error::validation(here, format!("{issue}{}", shown(s)))),
        Format::NotifyUrl => check_url(s, Some(options.allow_http_notify_loopback))
            .map_err(|issue| Error::validation(here, format!("{issue}{}", shown(s)))),
    }
}

fn abbreviate(s: &str) -> String {
    match s.char_indices().nth(48) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_owned(),
    }
}

/// `yyyy-MM-dd` naming a day that exists.
pub(crate) fn is_date(s: &str) -> bool {
    date_day(s).is_some()
}

/// The day of the month of a `yyyy-MM-dd` date that exists.
fn date_day(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r)
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|p| p.parse().ok())
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return None;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1970 && (1..=days).contains(&d)).then_some(d)
}

/// `yyyy-MM-ddTHH:mm:ss[.fraction](Z|+hh:mm|-hh:mm)` (RFC 3339 section 5.6, `T` and `Z`
/// in either case), naming a day and a time that exist.
pub fn is_rfc3339(s: &str) -> bool {
    // RFC 3339 is ASCII; checking that first keeps every slice below on a character boundary.
    if !s.is_ascii() {
        return false;
    }
    let (Some(date), Some(rest)) = (s.get(..10), s.get(10..)) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(['T', 't']) else {
        return false;
    };
    let two = |p: &str, max: u32| {
        p.len() == 2
            && p.bytes().all(|c| c.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|v| v <= max)
    };
    let time_ok = |t: &str| {
        let b = t.as_bytes();
        b.len() == 8
            && b[2] == b':'
            && b[5] == b':'
            && two(&t[0..2], 23)
            && two(&t[3..5], 59)
            && two(&t[6..8], 60)
    };
    let Some(time) = rest.get(..8) else {
        return false;
    };
    let mut zone = &rest[8..];
    if let Some(fraction) = zone.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        zone = &fraction[digits..];
    }
    let zone_ok = match zone.as_bytes().first() {
        Some(b'Z' | b'z') => zone.len() == 1,
        Some(b'+' | b'-') => {
            zone.len() == 6 && &zone[3..4] == ":" && two(&zone[1..3], 23) && two(&zone[4..6], 59)
        }
        _ => false,
    };
    is_date(date) && time_ok(time) && zone_ok
}

/// An absolute URL. A notify URL (`notify` holding whether loopback hosts are allowed) must be
/// https on a host WeChat Pay can reach, and carry no query: "通知URL必须为HTTPS … 不能携带参数"
/// (the pre-sign pages), "不能填写localhost、127.0.0.1、192.168.x.x等本地或内网IP"
/// (https://pay.weixin.qq.com/docs/partner/development/practices/notification-considerations.html).
/// Private-network hosts pass: merchants on a leased line use them.
fn check_url(s: &str, notify: Option<bool>) -> std::result::Result<(), String> {
    let allow_loopback = notify.unwrap_or(true);
    let notify = notify.is_some();
    let (scheme, rest) = s
        .split_once("://")
        .ok_or("must be an absolute URL starting with https://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || s.contains(char::is_whitespace) {
        return Err("must be an absolute URL with a host".into());
    }
    let loopback = Authority::parse(authority).is_some_and(|a| a.is_loopback());
    if notify && loopback && !allow_loopback {
        return Err(
            "must be on a host WeChat Pay can reach, not localhost or a loopback address \
             (allow_http_notify_loopback allows them for local tests)"
                .into(),
        );
    }
    match scheme {
        "https" => {}
        "http" if !notify || loopback => {}
        _ if notify => {
            return Err(
                "must be an https URL (WeChat Pay calls only https notification URLs)".into(),
            );
        }
        _ => return Err("must be an http or https URL".into()),
    }
    if notify && rest.contains(['?', '#']) {
        return Err("must not carry a query string or fragment (WeChat Pay drops them)".into());
    }
    Ok(())
}

/// APIv3 accepts only UTF-8 characters of one to three bytes, anywhere in a request.
fn check_charset(value: &Value, pointer: &str) -> Result<()> {
    let bad = |s: &str| s.chars().any(|c| c.len_utf8() == 4);
    match value {
        Value::String(s) if bad(s) => Err(Error::validation(
            pointer,
            "contains a 4-byte UTF-8 character (such as an emoji); WeChat Pay accepts only 1-3 byte characters",
        )),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_charset(v, &pointer_push(pointer, &i.to_string()))),
        Value::Object(members) => members.iter().try_for_each(|(k, v)| {
            let here = pointer_push(pointer, k);
            if bad(k) {
                return Err(Error::validation(
                    &here,
                    "field name contains a 4-byte UTF-8 character",
                ));
            }
            check_charset(v, &here)
        }),
        _ => Ok(()),
    }
}

/// Parses a request, refusing duplicate member names: JSON parsers disagree on which of two
/// values wins, so a request that carries both is ambiguous and must not be signed.
pub fn parse_request(text: &str) -> Result<Value> {
    serde_json::from_str::<Unique>(text)
        .map(|u| u.0)
        .map_err(|e| Error::argument(format!("the request is not valid JSON: {e}")))
}

/// A JSON value whose objects have unique member names.
struct Unique(Value);

impl<'de> serde::Deserialize<'de> for Unique {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if members.contains_key(&name) {
                return Err(serde::de::Error::custom(format!(
                    "member \"{name}\" appears twice"
                )));
            }
            let Unique(value) = map.next_value()?;
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}
