//! The outbound HTTP proxy of the configuration members `proxy` and `no_proxy`: where it is,
//! which hosts bypass it, and its credentials, which no message, Debug output or log shows.
//!
//! Requests go through the proxy in a CONNECT tunnel, for https (TLS is end to end with WeChat
//! Pay, checked as without a proxy) and for the plain-http loopback sandbox alike. The process
//! environment is read only when the configuration says `"proxy": "environment"`.

use crate::error::{Error, Result};
use crate::url::{Authority, printable_ascii};
use std::fmt;
use zeroize::Zeroizing;

/// The value of `proxy` that reads the proxy from the environment.
pub(crate) const FROM_ENVIRONMENT: &str = "environment";

/// What a proxy URL with a space, control or non-ASCII character should be instead.
const PRINTABLE: &str =
    "give http://[user:password@]host:port, with the user and password percent-encoded";

/// A proxy the configuration names.
#[derive(Clone)]
pub(crate) struct Proxy {
    host: String,
    port: u16,
    /// User and password of `Proxy-Authorization: Basic`, percent-decoded.
    credentials: Option<(Zeroizing<String>, Zeroizing<String>)>,
    /// Hosts that bypass the proxy.
    no_proxy: NoProxy,
    /// Where it was configured, for messages: `proxy`, or the environment variable.
    source: String,
    /// The same as ureq takes it, built when the configuration is read.
    ureq: ureq::Proxy,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("address", &self.address())
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "<redacted>"),
            )
            .field("no_proxy", &self.no_proxy)
            .field("source", &self.source)
            .finish()
    }
}

impl Proxy {
    /// The proxy of the configuration members, or `None` for direct connections. `https` says
    /// which environment variable `"environment"` reads: HTTPS_PROXY (or https_proxy) for
    /// https base URLs, http_proxy for the plain-http sandbox (lower case only, as curl reads
    /// it: a web server may set HTTP_PROXY from a request's `Proxy:` header); then ALL_PROXY.
    pub(crate) fn from_config(
        proxy: Option<&str>,
        no_proxy: Option<&[String]>,
        https: bool,
    ) -> Result<Option<Proxy>> {
        let mut bypass = NoProxy::default();
        if let Some(entries) = no_proxy {
            bypass.extend(entries.iter().map(String::as_str), "no_proxy")?;
        }
        let no_proxy = bypass;
        match proxy.map(str::trim) {
            None | Some("") => {
                if !no_proxy.is_empty() {
                    return Err(Error::config(
                        "no_proxy is set without proxy: set proxy too, or remove no_proxy",
                    ));
                }
                Ok(None)
            }
            Some(FROM_ENVIRONMENT) => from_environment(no_proxy, https),
            Some(url) => {
                printable_ascii(url, "/proxy", PRINTABLE)?;
                parse(url, "proxy", no_proxy).map(Some)
            }
        }
    }

    /// `host:port`, as messages name the proxy.
    pub(crate) fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// ureq's proxy: CONNECT over plain HTTP, the host resolved by the proxy.
    pub(crate) fn to_ureq(&self) -> ureq::Proxy {
        self.ureq.clone()
    }

    /// ureq's proxy for a connection to `host` on `port`, or `None` when a `no_proxy` entry
    /// names that host on that port (ureq matches the entries without a port itself).
    pub(crate) fn to_ureq_for(&self, host: &str, port: u16) -> Option<ureq::Proxy> {
        (!self.no_proxy.names_on_port(host, port)).then(|| self.ureq.clone())
    }
}

/// ureq's proxy for these parts, or a config error naming `source` (never quoting credentials).
fn ureq_proxy(
    host: &str,
    port: u16,
    credentials: Option<&(Zeroizing<String>, Zeroizing<String>)>,
    no_proxy: &NoProxy,
    source: &str,
) -> Result<ureq::Proxy> {
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let mut builder = ureq::Proxy::builder(ureq::ProxyProtocol::Http)
        .host(&host)
        .port(port)
        .resolve_target(false);
    if let Some((user, password)) = credentials {
        builder = builder.username(user).password(password);
    }
    for pattern in &no_proxy.hosts {
        builder = builder.no_proxy(pattern);
    }
    builder.build().map_err(|_| {
        Error::config(format!(
            "{source} names a host that is not a valid URL host: give http://[user:password@]host:port"
        ))
    })
}

/// `http://[user:password@]host:port[/]`. Messages never quote the value: it may hold a password.
fn parse(url: &str, source: &str, no_proxy: NoProxy) -> Result<Proxy> {
    let shape = || {
        Error::config(format!(
            "{source} must be http://[user:password@]host:port (an HTTP proxy that tunnels with \
             CONNECT), or \"{FROM_ENVIRONMENT}\" to read HTTPS_PROXY and NO_PROXY"
        ))
    };
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("https") => {
            return Err(Error::config(format!(
                "{source}: a proxy spoken to over TLS (https://) is not supported; give its \
                 http:// address (the tunnel to WeChat Pay is TLS end to end either way)"
            )));
        }
        Some((scheme, _)) if scheme.to_ascii_lowercase().starts_with("socks") => {
            return Err(Error::config(format!(
                "{source}: SOCKS proxies are not supported; give an HTTP proxy that tunnels with CONNECT"
            )));
        }
        _ => return Err(shape()),
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (userinfo, authority) = match rest.rsplit_once('@') {
        Some((userinfo, authority)) => (Some(userinfo), authority),
        None => (None, rest),
    };
    if authority.contains(['/', '?', '#', ' ']) {
        return Err(shape());
    }
    let Authority { host, port } = Authority::parse(authority).ok_or_else(shape)?;
    let port = port
        .ok_or_else(|| Error::config(format!("{source} names no port: give http://host:port")))?;
    let credentials = match userinfo {
        None => None,
        Some(userinfo) => {
            let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
            let decode = |part: &str| {
                percent_encoding::percent_decode_str(part)
                    .decode_utf8()
                    .map(|s| Zeroizing::new(s.into_owned()))
                    .map_err(|_| {
                        Error::config(format!(
                            "{source}: the user and password must be UTF-8 once percent-decoded"
                        ))
                    })
            };
            Some((decode(user)?, decode(password)?))
        }
    };
    let host = host.to_ascii_lowercase();
    let ureq = ureq_proxy(&host, port, credentials.as_ref(), &no_proxy, source)?;
    Ok(Proxy {
        host,
        port,
        credentials,
        no_proxy,
        source: source.to_owned(),
        ureq,
    })
}

/// The variables `"environment"` reads for an https base URL, the first set one winning.
const HTTPS_VARIABLES: [&str; 4] = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
/// The same for a plain-http base URL (lower case only, as curl reads it).
const HTTP_VARIABLES: [&str; 3] = ["http_proxy", "ALL_PROXY", "all_proxy"];
/// The hosts that bypass the proxy, the first set one winning.
const NO_PROXY_VARIABLES: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// SHA-256 of every variable `"environment"` may read, set or not: what a shared client
/// compares to tell whether the environment still means the same proxy.
pub(crate) fn environment_digest() -> [u8; 32] {
    let mut hasher = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    let names = HTTPS_VARIABLES.iter().chain(&HTTP_VARIABLES);
    for name in names.chain(&NO_PROXY_VARIABLES) {
        match std::env::var_os(name) {
            Some(value) => {
                hasher.update(&[1]);
                hasher.update(value.as_encoded_bytes());
                hasher.update(&[0]);
            }
            None => hasher.update(&[2]),
        }
    }
    let mut out = [0; 32];
    out.copy_from_slice(hasher.finish().as_ref());
    out
}

fn from_environment(mut no_proxy: NoProxy, https: bool) -> Result<Option<Proxy>> {
    let names: &[&str] = if https {
        &HTTPS_VARIABLES
    } else {
        &HTTP_VARIABLES
    };
    let Some((name, url)) = names.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (*name, v))
    }) else {
        return Ok(None);
    };
    for name in NO_PROXY_VARIABLES {
        if let Ok(list) = std::env::var(name) {
            let entries = list.split(',').map(str::trim).filter(|e| !e.is_empty());
            no_proxy.extend(entries, name)?;
            break;
        }
    }
    printable_ascii(url.trim(), name, PRINTABLE)?;
    // curl and most tools accept a bare host:port in these variables.
    let url = if url.contains("://") {
        url
    } else {
        format!("http://{url}")
    };
    parse(url.trim(), name, no_proxy).map(Some)
}

/// The hosts that bypass the proxy, lower case: `example.com` that host, `.example.com` its
/// subdomains, `*` every host; each on any port, or, written `host:port` (`[v6-address]:port`),
/// on that port only, as curl reads `NO_PROXY`.
#[derive(Clone, Debug, Default)]
struct NoProxy {
    /// Entries without a port, which ureq matches.
    hosts: Vec<String>,
    /// Entries with a port: the host (without the brackets of an IPv6 address) and the port.
    on_port: Vec<(String, u16)>,
}

impl NoProxy {
    fn is_empty(&self) -> bool {
        self.hosts.is_empty() && self.on_port.is_empty()
    }

    /// Checks and adds each entry of `source` (the member or variable, for messages).
    fn extend<'a>(&mut self, entries: impl Iterator<Item = &'a str>, source: &str) -> Result<()> {
        for (i, entry) in entries.enumerate() {
            // Not quoted: a key pasted into the wrong member would be shown.
            let refuse = || {
                Error::config(format!(
                    "{source} entry {} must be a host name or address (api.example.com), a \
                     suffix (.example.com) or *, optionally with a port (host:8443, \
                     [::1]:8443); no scheme or path",
                    i + 1
                ))
            };
            let lower = entry.to_ascii_lowercase();
            // A bare IPv6 address holds colons but no port.
            let bracketed = lower.starts_with('[');
            let with_port =
                bracketed || (lower.contains(':') && lower.parse::<std::net::Ipv6Addr>().is_err());
            if !with_port {
                valid_host(&lower).then_some(()).ok_or_else(refuse)?;
                self.hosts.push(lower);
                continue;
            }
            match Authority::parse(&lower) {
                Some(Authority {
                    host,
                    port: Some(port),
                }) if host != "*" && valid_host(host) && (bracketed || !host.contains(':')) => {
                    self.on_port.push((host.to_owned(), port))
                }
                Some(Authority { host, port: None }) if valid_host(host) => {
                    self.hosts.push(format!("[{host}]"))
                }
                _ => return Err(refuse()),
            }
        }
        Ok(())
    }

    /// Whether an entry with a port names `host` on `port`.
    fn names_on_port(&self, host: &str, port: u16) -> bool {
        let host = host.to_ascii_lowercase();
        self.on_port.iter().any(|(pattern, p)| {
            *p == port
                && match pattern.strip_prefix('.') {
                    Some(_) => host.ends_with(pattern.as_str()),
                    None => host == *pattern,
                }
        })
    }
}

/// `*`, or a host name or address, or `.suffix`, in the characters a host can have.
fn valid_host(host: &str) -> bool {
    let name = host.strip_prefix('.').unwrap_or(host);
    host == "*"
        || (!name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::NoProxy;

    fn no_proxy(entries: &[&str]) -> NoProxy {
        let mut list = NoProxy::default();
        list.extend(entries.iter().copied(), "no_proxy")
            .expect("valid entries");
        list
    }

    #[test]
    fn an_entry_with_a_port_names_its_host_on_that_port_only() {
        let list = no_proxy(&["Sandbox.Local:8787", "127.0.0.1:8787", "[::1]:8787"]);
        for (host, port) in [("sandbox.local", 8787), ("SANDBOX.local", 8787)] {
            assert!(list.names_on_port(host, port), "{host}:{port}");
        }
        assert!(list.names_on_port("127.0.0.1", 8787));
        assert!(list.names_on_port("::1", 8787));
        for (host, port) in [("sandbox.local", 443), ("::1", 443), ("127.0.0.2", 8787)] {
            assert!(!list.names_on_port(host, port), "{host}:{port}");
        }
        let suffix = no_proxy(&[".weixin.qq.com:443"]);
        assert!(suffix.names_on_port("api.mch.weixin.qq.com", 443));
        assert!(!suffix.names_on_port("api.mch.weixin.qq.com", 8443));
    }

    #[test]
    fn ipv6_addresses_without_a_port_stay_port_less_and_bad_ports_are_refused() {
        let list = no_proxy(&["::1", "2001:db8:0:0:0:0:0:1", "[::2]"]);
        assert!(list.on_port.is_empty(), "{list:?}");
        assert_eq!(list.hosts.len(), 3);
        for bad in [
            "host:0",
            "host:99999",
            "*:443",
            "a:b:443",
            "https://host",
            "host:8787/",
        ] {
            let mut list = NoProxy::default();
            assert!(list.extend([bad].into_iter(), "no_proxy").is_err(), "{bad}");
        }
    }
}
