//! The vocabulary endpoint schemas are written in: fields with a type, a required flag,
//! an encrypted flag and constraints, and rules between members ("one of these is required",
//! "required when", "not both true"). Schemas are `const` data; validation, encryption,
//! the sandbox and `wxpresign endpoints` all read the same values.

use serde_json::{Value, json};

/// The shape of a string value beyond its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Any text.
    Text,
    /// `yyyy-MM-dd`, a real calendar date whose day of the month is at most `max_day`.
    Date {
        /// The largest day of the month allowed.
        max_day: u8,
    },
    /// An RFC 3339 date-time with an offset, `2026-12-22T10:34:56+08:00`.
    DateTime,
    /// An absolute https URL without query string (http only for loopback hosts).
    NotifyUrl,
    /// An absolute http(s) URL.
    Url,
}

/// The characters a string may be made of, as WeChat Pay's pages state them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// Any character.
    Any,
    /// "只能是数字、大小写字母的组合": ASCII digits and letters.
    Alphanumeric,
    /// "仅允许包含英文半角的数字、字母、连接线-和下划线_".
    AlphanumericDashUnderscore,
    /// "只能是数字、大小写字母_-*": the merchant order number of the deduction pages.
    OrderNumber,
    // Charsets of the cross-border, combined-deduction and credit-repayment calls.
    /// "只能是数字、大小写字母_-|*@": the combined order number of the e-commerce pages.
    CombineOrderNumber,
    /// An amount in fen written as a string ("单位:分", example "10000"): ASCII digits.
    Digits,
}

impl Charset {
    pub(crate) fn allows(self, c: char) -> bool {
        match self {
            Charset::Any => true,
            Charset::Alphanumeric => c.is_ascii_alphanumeric(),
            Charset::AlphanumericDashUnderscore => {
                c.is_ascii_alphanumeric() || c == '-' || c == '_'
            }
            Charset::OrderNumber => c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '*'),
            Charset::CombineOrderNumber => {
                c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '|' | '*' | '@')
            }
            Charset::Digits => c.is_ascii_digit(),
        }
    }

    /// The set as a regular expression, for `wxpresign endpoints --json` and the bindings.
    pub(crate) fn pattern(self) -> Option<&'static str> {
        match self {
            Charset::Any => None,
            Charset::Alphanumeric => Some("^[0-9A-Za-z]+$"),
            Charset::AlphanumericDashUnderscore => Some("^[0-9A-Za-z_-]+$"),
            Charset::OrderNumber => Some("^[0-9A-Za-z_*-]+$"),
            Charset::CombineOrderNumber => Some("^[0-9A-Za-z_|*@-]+$"),
            Charset::Digits => Some("^[0-9]+$"),
        }
    }

    /// What an error says the value may contain.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Charset::Any => "any characters",
            Charset::Alphanumeric => {
                "only ASCII digits and letters (WeChat Pay: 只能是数字、大小写字母的组合)"
            }
            Charset::AlphanumericDashUnderscore => {
                "only ASCII digits, letters, - and _ (WeChat Pay: 仅允许包含英文半角的数字、字母、连接线-和下划线_)"
            }
            Charset::OrderNumber => {
                "only ASCII digits, letters, _, - and * (WeChat Pay: 只能是数字、大小写字母_-*)"
            }
            Charset::CombineOrderNumber => {
                "only ASCII digits, letters, _, -, |, * and @ (WeChat Pay: 只能是数字、大小写字母_-|*@)"
            }
            Charset::Digits => {
                "only ASCII digits: an amount in fen written as a string, such as \"10000\" for 100.00 CNY (WeChat Pay: 单位:分)"
            }
        }
    }
}

/// The type of a field's value.
#[derive(Clone, Copy, Debug)]
pub enum Type {
    /// A JSON string.
    String {
        /// At most this many characters (before encryption).
        max_chars: Option<usize>,
        /// Its shape beyond its length.
        format: Format,
        /// The values allowed, when the page lists them; empty means any.
        choices: &'static [&'static str],
        /// The characters it may be made of.
        charset: Charset,
    },
    /// A JSON integer; `positive` for amounts and identifiers.
    Integer {
        /// Whether it must be greater than zero.
        positive: bool,
    },
    /// A JSON boolean.
    Boolean,
    /// A JSON object with these members.
    Object(&'static [Field]),
    /// A non-empty array whose items are objects (at most [`Field::max_items`] of them).
    ObjectArray(&'static [Field]),
}

/// One member of a JSON object.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// The member's name.
    pub name: &'static str,
    /// The type of its value.
    pub ty: Type,
    /// Whether the request must have it.
    pub required: bool,
    /// Sent RSA-OAEP encrypted: the caller passes plaintext, the library encrypts it.
    pub encrypted: bool,
    /// For an array, the most items it may hold ("最多支持子单条数:50"); None for no limit.
    pub max_items: Option<usize>,
}

/// A string field (optional, no constraints until the builder methods add them).
pub const fn string(name: &'static str) -> Field {
    Field {
        name,
        ty: Type::String {
            max_chars: None,
            format: Format::Text,
            choices: &[],
            charset: Charset::Any,
        },
        required: false,
        encrypted: false,
        max_items: None,
    }
}

/// An integer field; see [`Field::positive`].
pub const fn integer(name: &'static str) -> Field {
    Field {
        name,
        ty: Type::Integer { positive: false },
        required: false,
        encrypted: false,
        max_items: None,
    }
}

/// An optional boolean member.
pub const fn boolean(name: &'static str) -> Field {
    Field {
        name,
        ty: Type::Boolean,
        required: false,
        encrypted: false,
        max_items: None,
    }
}

/// An optional object member with these fields.
pub const fn object(name: &'static str, fields: &'static [Field]) -> Field {
    Field {
        name,
        ty: Type::Object(fields),
        required: false,
        encrypted: false,
        max_items: None,
    }
}

/// An optional member that is a non-empty array of objects with these fields.
pub const fn object_array(name: &'static str, fields: &'static [Field]) -> Field {
    Field {
        name,
        ty: Type::ObjectArray(fields),
        required: false,
        encrypted: false,
        max_items: None,
    }
}

impl Field {
    /// The member is required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The member is sent RSA-OAEP encrypted.
    pub const fn encrypted(mut self) -> Self {
        self.encrypted = true;
        self
    }

    /// At most `n` characters (counted before encryption): the page's `string(n)`.
    pub const fn max(mut self, n: usize) -> Self {
        if let Type::String {
            ref mut max_chars, ..
        } = self.ty
        {
            *max_chars = Some(n);
        }
        self
    }

    /// The string has this shape.
    pub const fn format(mut self, f: Format) -> Self {
        if let Type::String { ref mut format, .. } = self.ty {
            *format = f;
        }
        self
    }

    /// A `yyyy-MM-dd` calendar date.
    pub const fn date(self) -> Self {
        self.format(Format::Date { max_day: 31 })
    }

    /// A date whose day of the month is at most `max_day` (a monthly schedule's anchor).
    pub const fn date_day_at_most(self, max_day: u8) -> Self {
        self.format(Format::Date { max_day })
    }

    /// An RFC 3339 date-time with an offset.
    pub const fn date_time(self) -> Self {
        self.format(Format::DateTime)
    }

    /// A notify URL: absolute https, no query, at most 256 characters.
    pub const fn notify_url(self) -> Self {
        self.format(Format::NotifyUrl).max(256)
    }

    /// The value must be made of the characters of `set`.
    pub const fn charset(mut self, set: Charset) -> Self {
        if let Type::String {
            ref mut charset, ..
        } = self.ty
        {
            *charset = set;
        }
        self
    }

    /// The value must be one of `choices`.
    pub const fn one_of(mut self, values: &'static [&'static str]) -> Self {
        if let Type::String {
            ref mut choices, ..
        } = self.ty
        {
            *choices = values;
        }
        self
    }

    /// An array of at most `n` items ("最多支持子单条数:50", "当前只支持传入1个预约还款项").
    pub const fn max_items(mut self, n: usize) -> Self {
        self.max_items = Some(n);
        self
    }

    /// An integer greater than zero.
    pub const fn positive(mut self) -> Self {
        if let Type::Integer { .. } = self.ty {
            self.ty = Type::Integer { positive: true };
        }
        self
    }

    /// A JSON description of the field, for `wxpresign endpoints` and the bindings.
    pub(crate) fn describe(&self) -> Value {
        let mut v = json!({ "name": self.name, "required": self.required });
        if self.encrypted {
            v["encrypted"] = true.into();
        }
        match self.ty {
            Type::String {
                max_chars,
                format,
                choices,
                charset,
            } => {
                v["type"] = "string".into();
                if let Some(n) = max_chars {
                    v["max_chars"] = n.into();
                }
                if let Some(p) = charset.pattern() {
                    v["pattern"] = p.into();
                }
                match format {
                    Format::Text => {}
                    Format::Date { max_day } => {
                        v["format"] = "date".into();
                        if max_day < 31 {
                            v["max_day_of_month"] = max_day.into();
                        }
                    }
                    Format::DateTime => v["format"] = "date-time".into(),
                    Format::NotifyUrl => v["format"] = "notify-url".into(),
                    Format::Url => v["format"] = "url".into(),
                }
                if !choices.is_empty() {
                    v["enum"] = choices.into();
                }
            }
            Type::Integer { positive } => {
                v["type"] = "integer".into();
                if positive {
                    v["minimum"] = 1.into();
                }
            }
            Type::Boolean => v["type"] = "boolean".into(),
            Type::Object(fields) => {
                v["type"] = "object".into();
                v["fields"] = fields
                    .iter()
                    .map(Field::describe)
                    .collect::<Vec<_>>()
                    .into();
            }
            Type::ObjectArray(fields) => {
                v["type"] = "array".into();
                if let Some(n) = self.max_items {
                    v["max_items"] = n.into();
                }
                v["items"] = fields
                    .iter()
                    .map(Field::describe)
                    .collect::<Vec<_>>()
                    .into();
            }
        }
        v
    }
}

/// A rule between members of a request, which no single field's schema can state. Members are
/// named by JSON Pointer from the request's root; `says` is what WeChat Pay requires, in the
/// words an error gives the caller.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// What is checked.
    pub check: Check,
    /// What WeChat Pay requires, in the words an error gives the caller.
    pub says: &'static str,
}

/// What a [`Rule`] checks.
#[derive(Clone, Copy, Debug)]
pub enum Check {
    /// At least one of these members is present.
    AnyOf(&'static [&'static str]),
    /// Every one of `members` is present when `when` holds.
    Required {
        /// The members, by JSON Pointer.
        members: &'static [&'static str],
        /// When they are required.
        when: When,
    },
    /// None of `members` is present when `when` holds.
    Forbidden {
        /// The members, by JSON Pointer.
        members: &'static [&'static str],
        /// When they are forbidden.
        when: When,
    },
    /// The two booleans are not both true.
    NotBothTrue(&'static str, &'static str),
}

/// The condition under which a rule applies.
#[derive(Clone, Copy, Debug)]
pub enum When {
    /// In every request.
    Always,
    /// The member is present.
    Present(&'static str),
    /// The member is a string equal to one of the values.
    Is(&'static str, &'static [&'static str]),
}

impl When {
    pub(crate) fn holds(self, request: &Value) -> bool {
        let is = |member: &str, values: &[&str]| {
            request
                .pointer(member)
                .and_then(Value::as_str)
                .is_some_and(|s| values.contains(&s))
        };
        match self {
            When::Always => true,
            When::Present(member) => request.pointer(member).is_some(),
            When::Is(member, values) => is(member, values),
        }
    }

    fn describe(self) -> Value {
        match self {
            When::Always => Value::Null,
            When::Present(m) => json!({ "present": m }),
            When::Is(m, values) => json!({ "member": m, "is": values }),
        }
    }
}

/// At least one of `members` is present.
pub const fn any_of(members: &'static [&'static str], says: &'static str) -> Rule {
    Rule {
        check: Check::AnyOf(members),
        says,
    }
}

/// Every one of `members` is present when `when` holds.
pub const fn required_when(
    members: &'static [&'static str],
    when: When,
    says: &'static str,
) -> Rule {
    Rule {
        check: Check::Required { members, when },
        says,
    }
}

/// None of `members` is present when `when` holds.
pub const fn forbidden_when(
    members: &'static [&'static str],
    when: When,
    says: &'static str,
) -> Rule {
    Rule {
        check: Check::Forbidden { members, when },
        says,
    }
}

/// The booleans `a` and `b` are not both true (reported at `b`).
pub const fn not_both_true(a: &'static str, b: &'static str, says: &'static str) -> Rule {
    Rule {
        check: Check::NotBothTrue(a, b),
        says,
    }
}

impl Rule {
    /// The member a broken rule is reported at, or None when `request` keeps the rule.
    pub(crate) fn violation(&self, request: &Value) -> Option<&'static str> {
        let present = |m: &str| request.pointer(m).is_some();
        match self.check {
            Check::AnyOf(members) => (!members.iter().any(|m| present(m)))
                .then(|| members.first().copied().unwrap_or("")),
            Check::Required { members, when } if when.holds(request) => {
                members.iter().copied().find(|m| !present(m))
            }
            Check::Forbidden { members, when } if when.holds(request) => {
                members.iter().copied().find(|m| present(m))
            }
            Check::Required { .. } | Check::Forbidden { .. } => None,
            Check::NotBothTrue(a, b) => {
                let t = |m: &str| request.pointer(m) == Some(&Value::Bool(true));
                (t(a) && t(b)).then_some(b)
            }
        }
    }

    /// A JSON description of the rule, for `wxpresign endpoints --json` and the bindings.
    pub(crate) fn describe(&self) -> Value {
        let (kind, members, when) = match self.check {
            Check::AnyOf(members) => ("any_of", members.to_vec(), When::Always),
            Check::Required { members, when } => ("required", members.to_vec(), when),
            Check::Forbidden { members, when } => ("forbidden", members.to_vec(), when),
            Check::NotBothTrue(a, b) => ("not_both_true", vec![a, b], When::Always),
        };
        let mut v = json!({ "rule": kind, "members": members, "says": self.says });
        let when = when.describe();
        if !when.is_null() {
            v["when"] = when;
        }
        v
    }
}

/// The fields of several parts, in order: schemas share their common members this way.
/// `N` must be the parts' total length; `compose!` computes it.
pub const fn join<const N: usize>(parts: &[&[Field]]) -> [Field; N] {
    let mut out = [string(""); N];
    let mut n = 0;
    let mut p = 0;
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            out[n] = parts[p][i];
            n += 1;
            i += 1;
        }
        p += 1;
    }
    assert!(n == N, "compose!: the parts' total length differs from N");
    out
}

/// The total number of fields in `parts`.
pub const fn total(parts: &[&[Field]]) -> usize {
    let mut n = 0;
    let mut p = 0;
    while p < parts.len() {
        n += parts[p].len();
        p += 1;
    }
    n
}

/// A schema made of shared parts and its own members: `compose!(COMMON, &[string("x")])`.
#[macro_export]
macro_rules! compose {
    ($($part:expr),+ $(,)?) => {{
        const PARTS: &[&[$crate::schema::Field]] = &[$($part),+];
        const FIELDS: [$crate::schema::Field; $crate::schema::total(PARTS)] =
            $crate::schema::join::<{ $crate::schema::total(PARTS) }>(PARTS);
        &FIELDS
    }};
}

/// True when any field in `fields`, at any depth, is encrypted.
pub(crate) fn has_encrypted(fields: &[Field]) -> bool {
    fields.iter().any(|f| {
        f.encrypted
            || match f.ty {
                Type::Object(inner) | Type::ObjectArray(inner) => has_encrypted(inner),
                _ => false,
            }
    })
}

/// The field a JSON Pointer into a request names (array indices are passed over).
pub fn field_at<'a>(fields: &'a [Field], pointer: &str) -> Option<&'a Field> {
    let mut level = fields;
    let mut found = None;
    for token in pointer.split('/').skip(1) {
        if let Some(field) = level.iter().find(|f| f.name == token) {
            found = Some(field);
            level = match field.ty {
                Type::Object(inner) | Type::ObjectArray(inner) => inner,
                _ => &[],
            };
        } else if token.parse::<usize>().is_err() {
            return None;
        }
    }
    found
}

/// The members of `request` that `fields` does not define, at any depth, as JSON Pointers: an
/// undefined object or array is listed with everything inside it, as WeChat Pay lists them.
pub fn undefined_members(fields: &[Field], request: &Value) -> Vec<String> {
    let mut found = Vec::new();
    collect_undefined(fields, request, "", &mut found);
    found
}

fn collect_undefined(fields: &[Field], value: &Value, pointer: &str, found: &mut Vec<String>) {
    let Value::Object(members) = value else {
        return;
    };
    for (name, member) in members {
        let here = pointer_push(pointer, name);
        match fields
            .iter()
            .find(|f| f.name == name.as_str())
            .map(|f| f.ty)
        {
            Some(Type::Object(inner)) => collect_undefined(inner, member, &here, found),
            Some(Type::ObjectArray(inner)) => {
                if let Value::Array(items) = member {
                    for (i, item) in items.iter().enumerate() {
                        collect_undefined(inner, item, &pointer_push(&here, &i.to_string()), found);
                    }
                }
            }
            Some(_) => {}
            None => all_inside(member, here, found),
        }
    }
}

fn all_inside(value: &Value, pointer: String, found: &mut Vec<String>) {
    let inner: Vec<(String, &Value)> = match value {
        Value::Object(members) => members
            .iter()
            .map(|(k, v)| (pointer_push(&pointer, k), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (pointer_push(&pointer, &i.to_string()), v))
            .collect(),
        _ => Vec::new(),
    };
    found.push(pointer);
    for (p, v) in inner {
        all_inside(v, p, found);
    }
}

/// Appends one reference token to a JSON Pointer (RFC 6901 escaping).
pub fn pointer_push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}
