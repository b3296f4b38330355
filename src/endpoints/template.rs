//! Path templates: a request JSON turned into the path, query and body an endpoint is called
//! with, and a concrete path recognised as the template it fills.
//!
//! Path parameters are percent-encoded into their segment (everything but RFC 3986's
//! unreserved characters), so a value can neither add a segment nor be read as another path by
//! a server that decodes before it resolves: a value holding `/` or `\`, an empty one, `.` and
//! `..` are refused outright, as no WeChat Pay identifier is any of them.

use super::{Endpoint, Method};
use crate::error::{Error, Result};
use crate::schema::{Field, Type};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::{Map, Value};

/// What RFC 3986 lets stand unencoded in a segment or a query value: ALPHA, DIGIT and `-._~`.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A tabled call as it is signed and sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Built {
    /// The path and query from the leading `/`, exactly as signed and sent.
    pub target: String,
    /// The JSON body: the request without its path and query members; none for GET and DELETE.
    pub body: Option<Value>,
}

impl Endpoint {
    /// Splits a request already validated against [`Endpoint::members`] into the target (each
    /// path parameter encoded into its segment, the query members in the query string) and the
    /// body (the other members). Refuses, naming the member, a path parameter that cannot stand
    /// in a path, and for a method without a body any member that is neither path nor query.
    pub fn build(&self, request: &Value) -> Result<Built> {
        let empty = Map::new();
        let members = request.as_object().unwrap_or(&empty);
        let mut target = String::with_capacity(self.path.len() + 1);
        for segment in self.path.split('/') {
            target.push('/');
            match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => target.push_str(&path_segment(name, members.get(name))?),
                None => target.push_str(segment),
            }
        }
        let query: Vec<String> = self
            .query
            .iter()
            .filter_map(|f| Some((f.name, scalar(members.get(f.name)?)?)))
            .map(|(name, value)| format!("{name}={}", utf8_percent_encode(&value, ENCODED)))
            .collect();
        if !query.is_empty() {
            target.push('?');
            target.push_str(&query.join("&"));
        }
        let placed = |name: &str| in_fields(self.path_params, name) || in_fields(self.query, name);
        let rest: Map<String, Value> = members
            .iter()
            .filter(|(name, _)| !placed(name))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        if matches!(self.method, Method::Get | Method::Delete) {
            if let Some(name) = rest.keys().next() {
                return Err(Error::validation(
                    &format!("/{name}"),
                    format!(
                        "{name} is neither a path nor a query parameter of {} /{}, which \
                         sends no body",
                        self.method.as_str(),
                        self.path
                    ),
                ));
            }
            return Ok(Built { target, body: None });
        }
        Ok(Built {
            target,
            body: Some(Value::Object(rest)),
        })
    }
}

fn in_fields(fields: &[Field], name: &str) -> bool {
    fields.iter().any(|f| f.name == name)
}

/// A string or a number as its text; anything else is not a query or path value.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The member `name`'s value, percent-encoded for its segment, or why it cannot be one.
fn path_segment(name: &str, value: Option<&Value>) -> Result<String> {
    let refuse = |what: &str| {
        Err(Error::validation(
            &format!("/{name}"),
            format!("{name} {what}: WeChat Pay takes it as a segment of the path"),
        ))
    };
    let Some(text) = value.and_then(scalar) else {
        return refuse("is required, a string");
    };
    if text.is_empty() {
        return refuse("is empty");
    }
    if text.contains(['/', '\\']) {
        return refuse("holds a / or a \\, which a server may take for a separator");
    }
    if text == "." || text == ".." {
        return refuse("is . or .., which servers resolve to another path");
    }
    Ok(utf8_percent_encode(&text, ENCODED).to_string())
}

/// The endpoint whose path template the concrete `path` fills (a leading "/" accepted; no
/// query), with the value of each path parameter, percent-decoded. A path that is itself a
/// table path (see [`super::find`]) fills no template.
pub fn matching(path: &str) -> Option<(&'static Endpoint, Vec<(&'static str, String)>)> {
    let path = path.strip_prefix('/').unwrap_or(path);
    if path.contains(['?', '{', '}']) {
        return None;
    }
    super::all()
        .filter(|e| e.path.contains('{'))
        .find_map(|e| Some((e, captures(e.path, path)?)))
}

fn captures(template: &'static str, path: &str) -> Option<Vec<(&'static str, String)>> {
    let (mut given, mut wanted) = (path.split('/'), template.split('/'));
    let mut found = Vec::new();
    loop {
        match (given.next(), wanted.next()) {
            (None, None) => return Some(found),
            (Some(g), Some(w)) => match w.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) if !g.is_empty() => {
                    let value = percent_decode_str(g).decode_utf8().ok()?;
                    found.push((name, value.into_owned()));
                }
                Some(_) => return None,
                None if g == w => {}
                None => return None,
            },
            _ => return None,
        }
    }
}

/// Puts the path parameters a concrete path gave into the request, refusing one the request
/// also gives with another value (which of the two was meant cannot be known).
pub(crate) fn fill_from_path(
    request: &mut Value,
    params: &[Field],
    captured: Vec<(&'static str, String)>,
) -> Result<()> {
    let Value::Object(members) = request else {
        return Ok(());
    };
    for (name, value) in captured {
        match members.get(name) {
            Some(given) if scalar(given).as_deref() != Some(value.as_str()) => {
                return Err(Error::validation(
                    &format!("/{name}"),
                    format!(
                        "{name} differs between the path and the request: give it once, in the \
                         request with the table's path (`wxpresign endpoints` lists them)"
                    ),
                ));
            }
            Some(_) => {}
            None => {
                members.insert(name.to_owned(), path_value(params, name, value));
            }
        }
    }
    Ok(())
}

/// A value taken from a path as its schema types it: a path holds text, but a parameter the
/// page types integer (insurance's policy_period_id) is validated as a number. Digits that do
/// not fit stay text, for validation to refuse naming the member.
fn path_value(params: &[Field], name: &str, value: String) -> Value {
    let integer = params
        .iter()
        .any(|f| f.name == name && matches!(f.ty, Type::Integer { .. }));
    match value.parse::<i64>() {
        Ok(n) if integer => Value::from(n),
        _ => Value::String(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEDULE: &str = "v3/papay/pay/schedules/contract-id/{contract_id}/schedule";

    #[test]
    fn a_concrete_path_fills_its_template_and_gives_the_decoded_parameter() {
        let (endpoint, captured) =
            matching("/v3/papay/pay/schedules/contract-id/Wx%2B15/schedule").expect("matches");
        assert_eq!(endpoint.path, SCHEDULE);
        assert_eq!(captured, vec![("contract_id", "Wx+15".to_owned())]);
    }

    #[test]
    fn a_path_with_an_empty_parameter_or_another_tail_fills_no_template() {
        assert!(matching("v3/papay/pay/schedules/contract-id//schedule").is_none());
        assert!(matching("v3/papay/pay/schedules/contract-id/1/schedule/x").is_none());
        assert!(matching("v3/papay/pay/schedules/contract-id/1/schedule?x=1").is_none());
        assert!(matching(SCHEDULE).is_none());
    }

    #[test]
    fn the_query_endpoint_and_the_schedule_endpoint_are_told_apart_by_their_tail() {
        let (query, _) = matching("v3/papay/pay/schedules/contract-id/1").expect("matches");
        assert_eq!(query.method, Method::Get);
        let (schedule, _) = matching("v3/papay/pay/schedules/contract-id/1/schedule").expect("");
        assert_eq!(schedule.method, Method::Post);
    }

    #[test]
    fn a_path_parameter_is_encoded_into_its_segment_and_left_out_of_the_body() {
        let endpoint = super::super::find(SCHEDULE).expect("tabled");
        let built = endpoint
            .build(&json!({"contract_id": "a b+é", "appid": "wx1"}))
            .expect("builds");
        assert_eq!(
            built.target,
            "/v3/papay/pay/schedules/contract-id/a%20b%2B%C3%A9/schedule"
        );
        assert_eq!(built.body, Some(json!({"appid": "wx1"})));
    }

    #[test]
    fn a_path_parameter_that_could_change_the_path_is_refused_naming_it() {
        let endpoint = super::super::find(SCHEDULE).expect("tabled");
        for bad in ["", ".", "..", "a/b", "a\\b"] {
            let e = endpoint
                .build(&json!({ "contract_id": bad }))
                .expect_err(bad);
            assert_eq!(e.field(), Some("/contract_id"), "{bad}");
        }
    }

    #[test]
    fn a_get_puts_its_query_members_in_the_query_string_and_sends_no_body() {
        let endpoint =
            super::super::find("v3/papay/pay/partner/schedules/contract-id/{contract_id}")
                .expect("tabled");
        let built = endpoint
            .build(&json!({"contract_id": "1", "sub_mchid": "19 00"}))
            .expect("builds");
        assert_eq!(
            built.target,
            "/v3/papay/pay/partner/schedules/contract-id/1?sub_mchid=19%2000"
        );
        assert_eq!(built.body, None);
    }

    #[test]
    fn a_path_member_given_twice_with_two_values_is_refused() {
        let mut request = json!({"contract_id": "2"});
        let e = fill_from_path(&mut request, &[], vec![("contract_id", "1".to_owned())])
            .expect_err("differs");
        assert_eq!(e.field(), Some("/contract_id"));
        let mut request = json!({});
        fill_from_path(&mut request, &[], vec![("contract_id", "1".to_owned())]).expect("fills");
        assert_eq!(request, json!({"contract_id": "1"}));
    }
}
