//! TLS for the library's connections: rustls on aws-lc-rs, trusting the system roots, Mozilla's
//! (webpki-root-certs) and the configuration's extra CAs, with certificate verification always
//! on. One rustls configuration per client, so the sessions it keeps let a new connection
//! resume TLS instead of a full handshake; each handshake says which it was ([`Handshake`]),
//! for the call's trace.

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, HandshakeKind, RootCertStore, StreamOwned};
use std::cell::Cell;
use std::io::{self, Read, Write};
use std::sync::{Arc, OnceLock};
use ureq::unversioned::transport::time::{Duration as Budget, Instant as Clock};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

/// How a new connection's TLS began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Handshake {
    /// A full handshake: the server's certificate chain was sent and verified.
    Full,
    /// A session of an earlier connection to the same host was resumed: one round trip less,
    /// and no certificate to verify.
    Resumed,
}

impl Handshake {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Handshake::Full => "full",
            Handshake::Resumed => "resumed",
        }
    }
}

thread_local! {
    /// The handshake of the connection the attempt on this thread opened: ureq runs the
    /// connectors on the calling thread.
    static HANDSHAKE: Cell<Option<Handshake>> = const { Cell::new(None) };
}

/// Clears what [`last_handshake`] reports, before an attempt.
pub(crate) fn forget_handshake() {
    HANDSHAKE.with(|h| h.set(None));
}

/// The TLS handshake this thread made since [`forget_handshake`], if it made one.
pub(crate) fn last_handshake() -> Option<Handshake> {
    HANDSHAKE.with(Cell::get)
}

/// Wraps a connection to an https host in TLS (a connection that is TLS already, through a
/// proxy's tunnel or not, is left as it is; plain http is left alone).
#[derive(Debug)]
pub(crate) struct TlsConnector {
    config: Arc<ClientConfig>,
}

impl TlsConnector {
    /// `extra_roots` (DER) are trusted in addition to the system roots and Mozilla's.
    pub(crate) fn new(extra_roots: &[Vec<u8>]) -> TlsConnector {
        let mut roots = RootCertStore::empty();
        roots.extend(default_roots().roots.iter().cloned());
        // Each extra root was parsed when the configuration was read.
        roots.add_parsable_certificates(
            extra_roots.iter().map(|der| CertificateDer::from(&der[..])),
        );
        let config = ClientConfig::builder_with_provider(Arc::clone(crypto_provider()))
            .with_safe_default_protocol_versions()
            .expect("aws-lc-rs supports TLS 1.2 and 1.3")
            .with_root_certificates(roots)
            .with_no_client_auth();
        TlsConnector {
            config: Arc::new(config),
        }
    }
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsSocket>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(below) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || below.is_tls() {
            return Ok(Some(Either::A(below)));
        }
        let host = details.uri.host().unwrap_or_default();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host)
            .map_err(|_| ureq::Error::Tls("the host is not a name TLS can verify"))?
            .to_owned();
        let mut connection = ClientConnection::new(Arc::clone(&self.config), name)?;
        let mut socket = TransportAdapter::new(below.boxed(), details.current_time.clone());
        socket.set_timeout(remaining(details));
        connection.complete_io(&mut socket)?;
        let handshake = match connection.handshake_kind() {
            Some(HandshakeKind::Resumed) => Handshake::Resumed,
            _ => Handshake::Full,
        };
        HANDSHAKE.with(|h| h.set(Some(handshake)));
        Ok(Some(Either::B(TlsSocket {
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            stream: StreamOwned::new(connection, socket),
        })))
    }
}

/// What is left of the connection's time budget once the phases below took theirs.
fn remaining(details: &ConnectionDetails) -> NextTimeout {
    let mut timeout = details.timeout;
    if let (Budget::Exact(limit), Clock::Exact(started), Clock::Exact(now)) =
        (timeout.after, details.now, (details.current_time)())
    {
        timeout.after = Budget::Exact(limit.saturating_sub(now.saturating_duration_since(started)));
    }
    timeout
}

/// A TLS connection, as ureq reads and writes it.
pub(crate) struct TlsSocket {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for TlsSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSocket").finish_non_exhaustive()
    }
}

impl Transport for TlsSocket {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        self.stream.write_all(&self.buffers.output()[..amount])?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let amount = self.stream.read(self.buffers.input_append_buf())?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// The certificates the library trusts besides a configuration's extra CAs (the system's, then
/// Mozilla's), as DER, read once per process: for a program that makes other HTTPS requests
/// and should trust what the library trusts (the sandbox's notification deliveries).
pub fn trusted_roots() -> impl Iterator<Item = &'static [u8]> {
    default_root_ders().iter().map(|der| der.as_ref())
}

/// The system's roots and Mozilla's, read once per process (reading the system's store costs
/// milliseconds).
fn default_root_ders() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        rustls_native_certs::load_native_certs()
            .certs
            .into_iter()
            .chain(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned())
            .collect()
    })
}

/// [`default_root_ders`] as rustls checks against them, made once per process.
fn default_roots() -> &'static RootCertStore {
    static ROOTS: OnceLock<RootCertStore> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut roots = RootCertStore::empty();
        roots.add_parsable_certificates(default_root_ders().iter().cloned());
        roots
    })
}

/// rustls on aws-lc-rs, made once per process.
fn crypto_provider() -> &'static Arc<rustls::crypto::CryptoProvider> {
    static PROVIDER: OnceLock<Arc<rustls::crypto::CryptoProvider>> = OnceLock::new();
    PROVIDER.get_or_init(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

fn rustls_error(e: &io::Error) -> Option<&rustls::Error> {
    e.get_ref()?.downcast_ref::<rustls::Error>()
}

/// A rustls error that only the handshake can raise: the server's certificate was refused.
pub(crate) fn is_certificate_error(e: &io::Error) -> bool {
    rustls_error(e).is_some_and(|tls| {
        matches!(
            tls,
            rustls::Error::InvalidCertificate(_)
                | rustls::Error::NoCertificatesPresented
                | rustls::Error::UnsupportedNameType
        )
    })
}

/// The certificate chains to no trusted root: what a TLS-inspecting proxy's certificate does.
pub(crate) fn is_unknown_issuer(e: &io::Error) -> bool {
    matches!(
        rustls_error(e),
        Some(rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer
        ))
    )
}
