//! URLs, parsed once: a [`BaseUrl`] is checked when the configuration is read and then carries
//! its host and port to the transport; `Authority` is the one parser of `host[:port]`, which
//! validation also uses to tell a loopback notify URL.

use crate::error::{Error, Result};
use std::fmt;

/// Which WeChat Pay host serves an endpoint, and so which configured base URL a call goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// api.mch.weixin.qq.com (config `base_url`).
    Domestic,
    /// apihk.mch.weixin.qq.com, cross-border (config `global_base_url`).
    Global,
}

/// `host[:port]` or `[v6-address][:port]`, with a port of 1 to 65535 when one is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Authority<'a> {
    /// Without the brackets of an IPv6 address.
    pub(crate) host: &'a str,
    /// The port, when one is given.
    pub(crate) port: Option<u16>,
}

impl<'a> Authority<'a> {
    /// None when the authority is malformed or its port is not 1-65535.
    pub(crate) fn parse(authority: &'a str) -> Option<Authority<'a>> {
        let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
            let (host, after) = rest.split_once(']')?;
            match after {
                "" => (host, None),
                _ => (host, Some(after.strip_prefix(':')?)),
            }
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        let port = match port {
            Some(p) => Some(p.parse::<u16>().ok().filter(|p| *p > 0)?),
            None => None,
        };
        (!host.is_empty()).then_some(Authority { host, port })
    }

    /// `localhost`, `127.x.x.x` or `::1`.
    pub(crate) fn is_loopback(&self) -> bool {
        self.host.eq_ignore_ascii_case("localhost")
            || self
                .host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

/// A base URL: `https://host[:port]` (plain `http://` only for loopback hosts), no path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    text: String,
    host: String,
    port: u16,
}

impl BaseUrl {
    /// Checks `url` as the configuration member `key`; a trailing `/` is dropped.
    pub(crate) fn parse(url: &str, key: &str) -> Result<BaseUrl> {
        let member = format!("/{key}");
        let refuse =
            |problem: String| Error::config(format!("{member} {problem}")).at_field(&member);
        let url = url.trim().trim_end_matches('/');
        printable_ascii(
            url,
            &member,
            "give https://host[:port], an internationalized host in its ASCII (xn--) form",
        )?;
        // Without "://" the value is not quoted: it may be a key pasted into the wrong member
        // (keys and PEM bodies never contain "://"); nor with "@", which may hold a password.
        let shown = if url.contains('@') {
            String::new()
        } else {
            format!(" \"{url}\"")
        };
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| refuse("must start with https://".into()))?;
        let authority = (!rest.contains(['/', '?', '#', '@']))
            .then(|| Authority::parse(rest))
            .flatten()
            .ok_or_else(|| {
                refuse(format!(
                    "{shown} must be scheme://host[:port] with no path or user (port 1-65535)"
                ))
            })?;
        let port = match scheme {
            "https" => authority.port.unwrap_or(443),
            "http" if authority.is_loopback() => authority.port.unwrap_or(80),
            "http" => {
                return Err(refuse(format!(
                    "{shown}: plain http is allowed only to loopback hosts; WeChat Pay requires https"
                )));
            }
            _ => return Err(refuse(format!("{shown} must start with https://"))),
        };
        Ok(BaseUrl {
            text: url.to_owned(),
            host: authority.host.to_owned(),
            port,
        })
    }

    /// The URL as configured, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The host, without the brackets of an IPv6 address.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Whether the scheme is https (plain http is only ever a loopback sandbox).
    pub(crate) fn is_loopback(&self) -> bool {
        Authority {
            host: &self.host,
            port: None,
        }
        .is_loopback()
    }

    pub(crate) fn is_https(&self) -> bool {
        self.text.starts_with("https://")
    }

    /// The port, explicit or the scheme's default.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The same URL, compared without regard to case (host names are case-insensitive).
    pub(crate) fn same_as(&self, other: &BaseUrl) -> bool {
        self.text.eq_ignore_ascii_case(&other.text)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Refuses a space, a control character or a non-ASCII character in `value`, a URL of the
/// configuration member `member`: a host or URL with one fails only when a call is made, and CR
/// or LF would end the header it is written into. The value is never quoted (it may hold a
/// password); `advice` says what to give instead.
pub(crate) fn printable_ascii(value: &str, member: &str, advice: &str) -> Result<()> {
    let Some((at, c)) = value
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_graphic())
    else {
        return Ok(());
    };
    let what = if c.is_ascii() || c.is_whitespace() || c.is_control() {
        "a space or control character"
    } else {
        "a character that is not ASCII"
    };
    Err(Error::config(format!(
        "{member} holds {what} (character {}): {advice}",
        at + 1
    ))
    .at_field(member))
}

#[cfg(test)]
mod tests {
    use super::{Authority, BaseUrl};

    #[test]
    fn base_urls_carry_host_and_port() {
        let url = BaseUrl::parse("https://api.mch.weixin.qq.com/", "base_url").unwrap();
        assert_eq!(
            (url.as_str(), url.host(), url.port()),
            (
                "https://api.mch.weixin.qq.com",
                "api.mch.weixin.qq.com",
                443
            )
        );
        let local = BaseUrl::parse("http://[::1]:8080", "base_url").unwrap();
        assert_eq!((local.host(), local.port()), ("::1", 8080));
    }

    #[test]
    fn port_zero_and_paths_are_refused_everywhere() {
        for bad in [
            "https://h:0",
            "https://h:65536",
            "https://h/v3",
            "https://",
            "h",
        ] {
            assert!(BaseUrl::parse(bad, "base_url").is_err(), "{bad}");
        }
        assert_eq!(Authority::parse("h:0"), None);
    }

    #[test]
    fn loopback_is_localhost_127_and_v6_one() {
        for host in ["localhost:1", "127.0.0.9", "[::1]:9"] {
            assert!(
                Authority::parse(host).is_some_and(|a| a.is_loopback()),
                "{host}"
            );
        }
        assert!(!Authority::parse("example.com").unwrap().is_loopback());
    }
}
