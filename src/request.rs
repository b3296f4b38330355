//! Any APIv3 call, beyond the endpoints the table models: its method, and its path and query
//! checked before anything is signed. The path and query are signed and sent exactly as given,
//! so they must already be percent-encoded; the body is not checked against any schema. A path
//! that looks like a pre-sign endpoint's without being it is refused, naming the one meant: sent,
//! it would only come back a 404.

use crate::endpoints;
use crate::error::{Error, Result};
use crate::url::Host;
use percent_encoding::percent_decode_str;

/// The HTTP methods WeChat Pay's APIv3 uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    const ALL: [(&'static str, Method); 5] = [
        ("GET", Method::Get),
        ("POST", Method::Post),
        ("PUT", Method::Put),
        ("PATCH", Method::Patch),
        ("DELETE", Method::Delete),
    ];

    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`, in any case.
    pub fn parse(name: &str) -> Result<Method> {
        Self::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, method)| method)
            .ok_or_else(|| {
                Error::argument(format!(
                    "method \"{}\" is not one WeChat Pay's APIv3 uses: GET, POST, PUT, PATCH or \
                     DELETE",
                    name.escape_debug()
                ))
            })
    }

    /// Whether the method gives enclosed content a meaning: POST, PUT and PATCH. Sent without
    /// a body they still say `Content-Length: 0` (RFC 9110 section 8.6), as servers in front of
    /// WeChat Pay's bodiless POSTs (a termination that takes no member) require.
    pub(crate) fn has_content(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }

    /// The name as signed and sent.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|&&(_, m)| m == self)
            .map_or("GET", |&(n, _)| n)
    }
}

/// A checked request target: the path and query from the leading `/`, exactly as signed and
/// sent, and the host that serves it (`/v3/global/...` is cross-border, on `global_base_url`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The path and query from the leading `/`, as signed and sent.
    pub path_and_query: String,
    /// The host that serves the path.
    pub host: Host,
}

impl Target {
    /// Checks `path_and_query` ("/v3/..." or "v3/...", with its query if any).
    pub fn parse(path_and_query: &str) -> Result<Target> {
        let refuse = |what: String| {
            Err(Error::argument(format!(
                "path \"{}\" {what}",
                path_and_query.escape_debug()
            )))
        };
        let target = format!(
            "/{}",
            path_and_query.strip_prefix('/').unwrap_or(path_and_query)
        );
        if !target.starts_with("/v3/") {
            return refuse("is not an APIv3 path: it must start with /v3/".to_owned());
        }
        if let Some(c) = target
            .chars()
            .find(|c| !c.is_ascii_graphic() || matches!(c, '#' | '\\'))
        {
            let name = match c {
                '\r' | '\n' => "a line break".to_owned(),
                ' ' => "a space".to_owned(),
                c => format!("{:?}", c),
            };
            return refuse(format!(
                "holds {name}: a path and query are sent as given, so percent-encode it (RFC 3986)"
            ));
        }
        let path = target.split('?').next().unwrap_or_default();
        if let Err(what) = path.split('/').try_for_each(check_segment) {
            return refuse(what);
        }
        if path.split('/').skip(1).any(str::is_empty) {
            return refuse("has an empty segment (//, or a / at its end)".to_owned());
        }
        if let Some(endpoint) = endpoints::resembled(&percent_decode_str(path).decode_utf8_lossy())
        {
            return Err(Error::validation(
                "",
                format!(
                    "path \"{}\" is no pre-sign endpoint but looks like one: did you mean /{}? \
                     Nothing was sent; a pre-sign goes to its exact path",
                    path_and_query.escape_debug(),
                    endpoint.path
                ),
            ));
        }
        let host = if target.starts_with("/v3/global/") {
            Host::Global
        } else {
            Host::Domestic
        };
        Ok(Target {
            path_and_query: target,
            host,
        })
    }
}

/// Refuses a segment that a server or a proxy before it could resolve to another path than the
/// one signed: servers decode `%XX` before they resolve `.` and `..`, some take `\` for `/` or
/// an encoded `/` for a separator, and some drop a `;` parameter first (`..;` is `..` to them).
fn check_segment(segment: &str) -> std::result::Result<(), String> {
    let bytes = segment.as_bytes();
    if let Some(at) = segment.match_indices('%').map(|(at, _)| at).find(|&at| {
        !bytes
            .get(at + 1..at + 3)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    }) {
        let escape: String = segment[at..].chars().take(3).collect();
        return Err(format!(
            "has an invalid percent escape \"{escape}\": a % is followed by two hexadecimal \
             digits (RFC 3986), and a % itself is written %25"
        ));
    }
    let decoded: Vec<u8> = percent_decode_str(segment).collect();
    // What a server resolves is the segment without its `;` parameter.
    let resolved = decoded.split(|&b| b == b';').next().unwrap_or_default();
    let what = if decoded.contains(&b'/') {
        "has an encoded / (%2F), which servers may take as a separator: no APIv3 path has one, \
         so a value holding a / cannot go in the path"
    } else if decoded.contains(&b'\\') {
        "has an encoded \\ (%5C), which servers may take as a /: no APIv3 path has one"
    } else if matches!(resolved, b"." | b"..") {
        "has a . or .. segment (also percent-encoded, or before a ;), which servers resolve to \
         another path: no APIv3 path has one"
    } else {
        return Ok(());
    };
    Err(what.to_owned())
}
