//! The vocabulary endpoint schemas are written in: fields with a type, a required flag,
//! an encrypted flag and constraints. Schemas are `const` data; validation, encryption,
//! the sandbox and `wxpresign endpoints` all read the same values.

use serde_json::{Value, json};

/// The shape of a string value beyond its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    /// `yyyy-MM-dd`, a real calendar date.
    Date,
    /// An absolute https URL without query string (http only for loopback hosts).
    NotifyUrl,
    /// An absolute http(s) URL.
    Url,
}

/// The type of a field's value.
#[derive(Clone, Copy, Debug)]
pub enum Type {
    String {
        max_chars: Option<usize>,
        format: Format,
        choices: &'static [&'static str],
    },
    /// A JSON integer; `positive` for amounts and identifiers.
    Integer {
        positive: bool,
    },
    Boolean,
    Object(&'static [Field]),
    /// A non-empty array whose items are objects.
    ObjectArray(&'static [Field]),
}

/// One member of a JSON object.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Type,
    pub required: bool,
    /// Sent RSA-OAEP encrypted: the caller passes plaintext, the library encrypts it.
    pub encrypted: bool,
}

/// A string field (optional, no constraints until the builder methods add them).
pub const fn string(name: &'static str) -> Field {
    Field {
        name,
        ty: Type::String {
            max_chars: None,
            format: Format::Text,
            choices: &[],
        },
        required: false,
        encrypted: false,
    }
}

/// An integer field; see [`Field::positive`].
pub const fn integer(name: &'static str) -> Field {
    Field {
        name,
        ty: Type::Integer { positive: false },
        required: false,
        encrypted: false,
    }
}

pub const fn boolean(name: &'static str) -> Field {
    Field {
        name,
        ty: Type::Boolean,
        required: false,
        encrypted: false,
    }
}

pub const fn object(name: &'static str, fields: &'static [Field]) -> Field {
    Field {
        name,
        ty: Type::Object(fields),
        required: false,
        encrypted: false,
    }
}

pub const fn object_array(name: &'static str, fields: &'static [Field]) -> Field {
    Field {
        name,
        ty: Type::ObjectArray(fields),
        required: false,
        encrypted: false,
    }
}

impl Field {
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub const fn encrypted(mut self) -> Self {
        self.encrypted = true;
        self
    }

    /// At most `n` characters.
    pub const fn max(mut self, n: usize) -> Self {
        if let Type::String {
            format, choices, ..
        } = self.ty
        {
            self.ty = Type::String {
                max_chars: Some(n),
                format,
                choices,
            };
        }
        self
    }

    pub const fn format(mut self, format: Format) -> Self {
        if let Type::String {
            max_chars, choices, ..
        } = self.ty
        {
            self.ty = Type::String {
                max_chars,
                format,
                choices,
            };
        }
        self
    }

    pub const fn date(self) -> Self {
        self.format(Format::Date)
    }

    pub const fn notify_url(self) -> Self {
        self.format(Format::NotifyUrl).max(256)
    }

    /// The value must be one of `choices`.
    pub const fn one_of(mut self, choices: &'static [&'static str]) -> Self {
        if let Type::String {
            max_chars, format, ..
        } = self.ty
        {
            self.ty = Type::String {
                max_chars,
                format,
                choices,
            };
        }
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
    pub fn describe(&self) -> Value {
        let mut v = json!({ "name": self.name, "required": self.required });
        if self.encrypted {
            v["encrypted"] = true.into();
        }
        match self.ty {
            Type::String {
                max_chars,
                format,
                choices,
            } => {
                v["type"] = "string".into();
                if let Some(n) = max_chars {
                    v["max_chars"] = n.into();
                }
                match format {
                    Format::Text => {}
                    Format::Date => v["format"] = "date".into(),
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

/// True when any field in `fields`, at any depth, is encrypted.
pub fn has_encrypted(fields: &[Field]) -> bool {
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

/// Appends one reference token to a JSON Pointer (RFC 6901 escaping).
pub fn pointer_push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}
