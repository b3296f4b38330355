//! The user's personal data in what the sandbox shows of a session: real names and identity,
//! bank card and phone numbers arrive encrypted and the sandbox decrypts them, but its session
//! view and signing page show them masked (`张*`, `1*************4477`: the pages publish no
//! masking rule, so this one keeps little), unless `serve --show-personal-data` asks for them
//! in clear.

use serde_json::Value;
use wxpresign::schema::{Field, Type};

/// Members that hold personal data even where they are not sent encrypted (face pay's user).
const PERSONAL: &[&str] = &[
    "real_name",
    "identification_name",
    "id_card_number",
    "identity_id",
    "cred_id",
    "identification_number",
];

/// Members whose value is a person's name: only the first character is kept.
const NAMES: &[&str] = &["real_name", "identification_name"];

/// `request` with every personal member of `fields` masked.
pub fn masked(fields: &[Field], request: &Value) -> Value {
    let mut request = request.clone();
    mask_in(fields, &mut request);
    request
}

fn mask_in(fields: &[Field], request: &mut Value) {
    let Value::Object(members) = request else {
        return;
    };
    for field in fields {
        let Some(value) = members.get_mut(field.name) else {
            continue;
        };
        match (field.ty, value) {
            (_, Value::String(text)) if field.encrypted || PERSONAL.contains(&field.name) => {
                *text = mask(field.name, text);
            }
            (Type::Object(inner), value @ Value::Object(_)) => mask_in(inner, value),
            (Type::ObjectArray(inner), Value::Array(items)) => {
                items.iter_mut().for_each(|item| mask_in(inner, item));
            }
            _ => {}
        }
    }
}

/// A name keeps its first character (`张*`, `欧**`); a number its first character
/// and last four (`1*************4477`), or only its first when it is five characters or fewer.
fn mask(name: &str, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let kept_end = if NAMES.contains(&name) || chars.len() <= 5 {
        0
    } else {
        4
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 || i >= chars.len() - kept_end {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// The first value of a member named one of `names`, anywhere in `request`.
pub fn find<'a>(request: &'a Value, names: &[&str]) -> Option<&'a str> {
    match request {
        Value::Object(members) => names
            .iter()
            .find_map(|n| members.get(*n).and_then(Value::as_str))
            .or_else(|| members.values().find_map(|v| find(v, names))),
        Value::Array(items) => items.iter().find_map(|v| find(v, names)),
        _ => None,
    }
}
